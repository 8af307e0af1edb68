import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  formatUtc,
  Reflection,
  ReflectionProposal,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { skillLink } from './format';
import {
  PROPOSAL_KINDS,
  proposalOutcome,
  REFLECTION_STATUS,
  tokens,
} from './reflectionText';
import { When } from '../shared';

/** Reflections shown; older ones matter little once their drafts are decided. */
const SHOWN = 20;

function Proposal(props: { proposal: ReflectionProposal }) {
  const { proposal: p } = props;
  return (
    <Typography component="li" variant="body2">
      <strong>{PROPOSAL_KINDS[p.kind]}</strong> in{' '}
      <Link to={skillLink(p.skill)}>{p.skill}</Link>: {proposalOutcome(p)}
      {p.reason && (
        <Typography
          component="span"
          variant="body2"
          color="text.secondary"
          display="block"
        >
          Reason: {p.reason}
        </Typography>
      )}
    </Typography>
  );
}

function ReflectionItem(props: { reflection: Reflection }) {
  const { reflection: r } = props;
  const status = REFLECTION_STATUS[r.status];
  const used = tokens(r);
  const figures: Array<[string, string]> = [
    ...(r.tasksCounted !== undefined
      ? [['Tasks counted', String(r.tasksCounted)] as [string, string]]
      : []),
    ['Agent runs read', String(r.tracesRead)],
    ['Findings read', String(r.findingsRead)],
    ['Model', r.model ?? 'not called'],
    ...(used ? [['Tokens', used] as [string, string]] : []),
  ];
  return (
    <Card
      variant="outlined"
      component="li"
      aria-label={`Reflection ${formatUtc(r.startedAt)}`}
    >
      <CardContent>
        <Stack direction="row" gap={1} alignItems="center" flexWrap="wrap">
          <Chip size="small" color={status.color} label={status.label} />
          <Typography variant="body2">
            <When at={r.startedAt} /> ·{' '}
            {r.trigger === 'scheduled' ? 'scheduled' : 'on demand'}
            {r.since && (
              <>
                {' · read what was recorded since '}
                <When at={r.since} />
              </>
            )}
          </Typography>
        </Stack>
        <Box
          component="dl"
          aria-label="Figures"
          sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, m: 0, mt: 1 }}
        >
          {figures.map(([label, value]) => (
            <Box key={label}>
              <Typography
                component="dt"
                variant="caption"
                color="text.secondary"
              >
                {label}
              </Typography>
              <Typography component="dd" variant="body2" sx={{ m: 0 }}>
                {value}
              </Typography>
            </Box>
          ))}
        </Box>
        <Stack gap={1} sx={{ mt: 1 }}>
          {r.error && <Alert severity="error">{r.error}</Alert>}
          {r.warnings.map(w => (
            <Alert key={w} severity="info">
              {w}
            </Alert>
          ))}
          {r.proposals.length > 0 && (
            <Box component="ul" aria-label="Proposals" sx={{ m: 0, pl: 2 }}>
              {r.proposals.map((p, i) => (
                <Proposal key={`${p.kind}-${p.skill}-${i}`} proposal={p} />
              ))}
            </Box>
          )}
          {r.status === 'completed' && r.proposals.length === 0 && (
            <Typography variant="body2" color="text.secondary">
              Nothing proposed.
            </Typography>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
}

/**
 * The reflection log: every N tasks (or on "Learn now") a model reads recent agent runs and
 * labelled findings and proposes skills, patches and triage rules, each left for a person.
 * `reload` changes when a run may have added one.
 */
export function ReflectionsSection(props: { reload?: number }) {
  const hermesApi = useApi(hermesApiRef);
  const list = useAsyncRetry(
    () => hermesApi.listReflections({ limit: SHOWN }),
    [hermesApi, props.reload],
  );
  return (
    <Stack gap={2} component="section" aria-label="Reflections">
      <Stack direction="row" gap={2} alignItems="center">
        <Typography variant="h6" component="h2">
          Reflections
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        <Button onClick={list.retry}>Refresh</Button>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        A reflection reads the agent runs and labelled findings recorded since
        the previous one and proposes new skills, patches and triage rules. Each
        waits as a draft for a person; triage rules pass the evaluation gate
        first.
      </Typography>
      {list.loading && !list.value && <Progress />}
      {list.error && <ResponseErrorPanel error={list.error} />}
      {list.value?.length === 0 && (
        <Typography color="text.secondary">
          No reflections yet. They run every few tasks once a reflection model
          is configured, or when you choose Learn now.
        </Typography>
      )}
      {list.value && list.value.length > 0 && (
        <Stack
          component="ul"
          aria-label="Reflection log"
          gap={1.5}
          sx={{ m: 0, p: 0, listStyle: 'none' }}
        >
          {list.value.map(r => (
            <ReflectionItem key={r.id} reflection={r} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
