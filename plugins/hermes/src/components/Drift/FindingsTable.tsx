import {
  Classification,
  DriftFindingRecord,
  FieldChange,
  formatUtc,
  Resolution,
  RESOLUTIONS,
  TriageSuggestion,
} from '@hermes-backstage/plugin-hermes-common';
import LightbulbOutlinedIcon from '@mui/icons-material/LightbulbOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonGroup from '@mui/material/ButtonGroup';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';

const COLORS: Record<Classification, 'error' | 'warning' | 'success'> = {
  critical: 'error',
  unknown: 'warning',
  harmless: 'success',
};

const RESOLUTION_LABELS: Record<Resolution, string> = {
  harmless: 'Harmless',
  reverted: 'Reverted',
  committed: 'Committed to Git',
  critical: 'Critical',
};

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

function Change(props: { change: FieldChange }) {
  const { change } = props;
  return (
    <Typography
      variant="body2"
      component="div"
      sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
    >
      {change.path}:{' '}
      {change.redacted
        ? 'Secret value differs (withheld)'
        : `${show(change.desired)} in Git → ${show(change.live)} live`}
    </Typography>
  );
}

/**
 * The audit model's suggestion for a finding no rule classified. Outlined and dashed, apart
 * from the classification chip: a suggestion never classifies. The reason shows on hover and
 * on click.
 */
function Suggestion(props: { suggestion: TriageSuggestion }) {
  const { suggestion: s } = props;
  const [open, setOpen] = useState(false);
  const confidence = Math.round(s.confidence * 100) / 100;
  return (
    <Box sx={{ mt: 0.5 }}>
      <Chip
        size="small"
        variant="outlined"
        icon={<LightbulbOutlinedIcon />}
        label={`suggested: ${s.classification} — model, ${confidence}`}
        title={s.reason}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        sx={{ borderStyle: 'dashed' }}
      />
      {open && (
        <Typography variant="caption" display="block" color="text.secondary">
          {s.model}: {s.reason} Only an approved rule classifies drift.
        </Typography>
      )}
    </Box>
  );
}

/**
 * "seen 3× in 14 days · resolved: reverted ×2, harmless (last by user:default/ana) · 3rd manual
 * ClusterPolicy edit in 14 days; previous 2 resolved by reverting"
 */
function historyLine(history: DriftFindingRecord['history']): string {
  const similar = history.similar ? ` · ${history.similar.description}` : '';
  return `${sameDriftLine(history)}${similar}`;
}

function sameDriftLine(history: DriftFindingRecord['history']): string {
  const seen = `seen ${history.seen}× in ${history.windowDays} days`;
  // Older backends send only the last resolution.
  const labels =
    history.labels ?? (history.lastResolution ? [history.lastResolution] : []);
  if (labels.length === 0) return seen;
  const counts = new Map<Resolution, number>();
  for (const l of labels)
    counts.set(l.resolution, (counts.get(l.resolution) ?? 0) + 1);
  const resolved = [...counts]
    .sort(([, a], [, b]) => b - a)
    .map(([r, n]) => {
      const name = r === 'committed' ? 'committed to Git' : r;
      return n > 1 ? `${name} ×${n}` : name;
    })
    .join(', ');
  const last = labels[labels.length - 1];
  return `${seen} · resolved: ${resolved} (last by ${last.userRef})`;
}

function what(finding: DriftFindingRecord): string {
  if (finding.type === 'missing') return 'In Git, not in the cluster';
  if (finding.type === 'extra') return 'In the cluster, not in Git';
  return `${finding.changes.length} ${
    finding.changes.length === 1 ? 'field differs' : 'fields differ'
  } from Git`;
}

/** Findings with what changed, who changed it, history, and buttons to record a resolution. */
export function FindingsTable(props: {
  findings: DriftFindingRecord[];
  onResolve: (finding: DriftFindingRecord, resolution: Resolution) => void;
}) {
  const { findings, onResolve } = props;
  return (
    <Table size="small" aria-label="Drift findings">
      <TableHead>
        <TableRow>
          <TableCell>Classification</TableCell>
          <TableCell>Object</TableCell>
          <TableCell>What changed</TableCell>
          <TableCell>Who and when</TableCell>
          <TableCell>History</TableCell>
          <TableCell>Resolve</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {findings.map(f => {
          const a = f.attribution;
          return (
            <TableRow
              key={f.id}
              aria-label={`${f.resource.kind} ${f.resource.name}`}
            >
              <TableCell>
                <Chip
                  size="small"
                  color={COLORS[f.classification]}
                  label={f.classification}
                />
                {f.skill && (
                  <Typography variant="caption" display="block">
                    skill {f.skill}
                  </Typography>
                )}
                {f.suggestion && <Suggestion suggestion={f.suggestion} />}
              </TableCell>
              <TableCell>
                <Typography variant="body2">
                  {f.resource.kind} {f.resource.name}
                </Typography>
                <Typography variant="caption" color="text.secondary">
                  {f.resource.namespace ?? 'cluster-scoped'} · {f.cluster}
                </Typography>
              </TableCell>
              <TableCell>
                <Typography variant="body2">{what(f)}</Typography>
                {f.changes.map(c => (
                  <Change key={c.path} change={c} />
                ))}
                {f.reason && (
                  <Typography
                    variant="caption"
                    display="block"
                    color="text.secondary"
                  >
                    {/[.!?]$/.test(f.reason) ? f.reason : `${f.reason}.`}
                    {f.recommend ? ` Recommend: ${f.recommend}` : ''}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {a ? (
                  <Typography variant="body2">
                    {a.manager} ({a.class}
                    {a.subresource ? `, via ${a.subresource}` : ''})
                    {a.user ? ` · ${a.user}` : ''}
                    {a.time ? ` · ${formatUtc(a.time)}` : ''}
                  </Typography>
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    unknown
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Typography variant="body2">
                  {historyLine(f.history)}
                </Typography>
              </TableCell>
              <TableCell>
                <ButtonGroup
                  size="small"
                  orientation="vertical"
                  aria-label={`Resolve ${f.resource.name}`}
                >
                  {RESOLUTIONS.map(r => (
                    <Button
                      key={r}
                      sx={{ whiteSpace: 'nowrap' }}
                      onClick={() => onResolve(f, r)}
                    >
                      {RESOLUTION_LABELS[r]}
                    </Button>
                  ))}
                </ButtonGroup>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
