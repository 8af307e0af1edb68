import { Link } from '@backstage/core-components';
import {
  Attribution,
  Classification,
  DriftFindingRecord,
} from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { forwardRef } from 'react';
import { Truncated, When } from '../../shared';
import { ResolveHandler } from '../FindingsTable';
import { changeText, reasonText, Suggestion, what } from '../findingParts';
import { HistoryLine, StateChip, StateReason } from '../lifecycleParts';
import { CopyableHint } from './CopyableHint';
import { FieldDiff } from './FieldDiff';
import { commitHint, revertHint } from './hints';
import { ResolveActions } from './ResolveActions';

const COLORS: Record<Classification, 'error' | 'warning' | 'success'> = {
  critical: 'error',
  unknown: 'warning',
  harmless: 'success',
};

/** "kubectl-edit (Update, human) · user ops-admin · 3 h ago" */
export function Writer(props: { attribution: Attribution }) {
  const { attribution: a } = props;
  return (
    <>
      {a.manager} ({a.operation}
      {a.subresource ? ` via ${a.subresource}` : ''}, {a.class})
      {a.user ? ` · user ${a.user}` : ''}
      {a.time && (
        <>
          {' '}
          · <When at={a.time} />
        </>
      )}
    </>
  );
}

/** The rule's skill that classified it, or the model's suggestion, or that nothing did. */
function DecidedBy(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  const skillLink =
    f.links?.skill ??
    (f.skill
      ? `/hermes?tab=skills&skill=${encodeURIComponent(f.skill)}`
      : undefined);
  if (f.skill && skillLink)
    return (
      <Typography variant="body2" noWrap sx={{ minWidth: 0 }}>
        {/* An `unknown` rule decides nothing: it leaves the drift to a person. */}
        {f.classification === 'unknown'
          ? 'left to a person by skill'
          : 'decided by skill'}{' '}
        <Link to={skillLink} title={f.skill}>
          {f.skill}
        </Link>
      </Typography>
    );
  if (f.suggestion) return <Suggestion suggestion={f.suggestion} />;
  return (
    <Typography variant="body2" color="text.secondary" noWrap>
      no rule decided
    </Typography>
  );
}

function Links(props: { finding: DriftFindingRecord }) {
  const { links } = props.finding;
  if (!links?.git && !links?.argocd) return null;
  return (
    <Stack direction="row" gap={2} flexWrap="wrap">
      {links.git && (
        <Link to={links.git} variant="body2">
          Manifest in Git
        </Link>
      )}
      {links.argocd && (
        <Link to={links.argocd} variant="body2">
          Argo CD
        </Link>
      )}
    </Stack>
  );
}

/** Per changed field: the change, and who wrote it when that differs from the object's writer. */
function Changes(props: { finding: DriftFindingRecord }) {
  const { finding: f } = props;
  if (f.changes.length === 0) return null;
  return (
    <Box component="ul" aria-label="Changed fields" sx={{ m: 0, pl: 2.5 }}>
      {f.changes.map(c => (
        <li key={c.path}>
          <Typography
            variant="body2"
            component="span"
            sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}
          >
            {changeText(c)}
          </Typography>
          {c.attribution && (
            <Typography
              variant="caption"
              display="block"
              color="text.secondary"
            >
              written by <Writer attribution={c.attribution} />
            </Typography>
          )}
        </li>
      ))}
    </Box>
  );
}

/** Everything a person acts from for one finding of an audit. */
export const FindingCard = forwardRef<
  HTMLDivElement,
  {
    finding: DriftFindingRecord;
    selected?: boolean;
    onResolve: ResolveHandler;
    onUndo?: (finding: DriftFindingRecord) => Promise<void> | void;
  }
>(function Card(props, ref) {
  const { finding: f, selected, onResolve, onUndo } = props;
  const r = f.resource;
  const name = `${r.kind} ${r.name}`;
  const reason = reasonText(f);
  return (
    <Paper
      ref={ref}
      variant="outlined"
      component="article"
      aria-label={name}
      sx={{
        p: 2,
        minWidth: 0,
        borderColor: selected ? 'primary.main' : undefined,
      }}
    >
      <Stack direction="row" gap={2} alignItems="flex-start" flexWrap="wrap">
        <Box sx={{ flex: '1 1 320px', minWidth: 0 }}>
          <Truncated text={name} variant="subtitle1" sx={{ fontWeight: 500 }} />
          <Typography variant="caption" color="text.secondary" noWrap>
            {r.apiVersion}
          </Typography>
          <Stack direction="row" gap={1} alignItems="center" sx={{ mt: 0.5 }}>
            <Chip
              size="small"
              color={COLORS[f.classification]}
              label={f.classification}
            />
            <StateChip finding={f} />
            <DecidedBy finding={f} />
          </Stack>
        </Box>
        <ResolveActions finding={f} onResolve={onResolve} onUndo={onUndo} />
      </Stack>
      <StateReason finding={f} />
      <Typography variant="body2" sx={{ mt: 1 }}>
        {what(f)}
        {f.attribution && (
          <>
            {' · last written by '}
            <Writer attribution={f.attribution} />
          </>
        )}
      </Typography>
      {reason && (
        <Typography variant="body2" color="text.secondary">
          {reason}
        </Typography>
      )}
      <HistoryLine history={f.history} />
      <Changes finding={f} />
      <Links finding={f} />
      {f.changes.length > 0 && (
        <Box sx={{ mt: 1 }}>
          <FieldDiff changes={f.changes} label={`Diff of ${name}`} />
        </Box>
      )}
      <Box
        sx={{
          mt: 1.5,
          display: 'grid',
          gap: 2,
          gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))',
        }}
      >
        <CopyableHint hint={revertHint(f)} />
        <CopyableHint hint={commitHint(f)} />
      </Box>
    </Paper>
  );
});
