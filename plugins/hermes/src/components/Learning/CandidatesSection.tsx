import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CandidateStatus,
  LearningCandidate,
  LearningRun,
  ReflectionReport,
} from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { CandidateCard } from './CandidateCard';
import { reflectionSummary } from './reflectionText';

type Filter = CandidateStatus | 'all';
const FILTERS: Array<[Filter, string]> = [
  ['all', 'All'],
  ['proposed', 'Proposed'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
];

// Proposed rules wait for someone, so they lead; the API's newest-first order holds within.
function proposedFirst(items: LearningCandidate[]): LearningCandidate[] {
  return [
    ...items.filter(c => c.status === 'proposed'),
    ...items.filter(c => c.status !== 'proposed'),
  ];
}

function RunResult(props: { candidates: LearningCandidate[] }) {
  const { candidates } = props;
  const proposed = candidates.filter(c => c.status === 'proposed');
  const rejected = candidates.filter(c => c.status === 'rejected');
  if (candidates.length === 0) {
    return (
      <Alert severity="info">
        Nothing new to propose: no pattern in the labelled findings has enough
        support without a counter-example yet.
      </Alert>
    );
  }
  return (
    <Alert severity="success" aria-label="Learning run">
      <AlertTitle>
        This run proposed {proposed.length}{' '}
        {proposed.length === 1 ? 'rule' : 'rules'}
        {rejected.length > 0 &&
          `; the evaluation gate rejected ${rejected.length}`}
      </AlertTitle>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {candidates.map(c => (
          <li key={c.id}>
            {c.rule.classify} in {c.skill}: {c.evidence.summary}
            {c.status === 'rejected' &&
              ` (rejected: ${c.rejection ?? 'no reason given'})`}
          </li>
        ))}
      </Box>
    </Alert>
  );
}

// Whether reflection ran, and if not why (e.g. no model): otherwise "Learn now" looks broken.
const REFLECTION_SEVERITY = {
  skipped: 'info',
  failed: 'error',
  running: 'info',
  completed: 'success',
} as const;

function ReflectionResult(props: { reflection: ReflectionReport }) {
  const { reflection } = props;
  return (
    <Alert
      severity={REFLECTION_SEVERITY[reflection.status]}
      aria-label="Reflection run"
    >
      {reflectionSummary(reflection)}
    </Alert>
  );
}

/**
 * Rules Hermes learned from people's labels, with evidence, waiting for a decision.
 * `onRun` is told when "Learn now" finished, so other sections can reload.
 */
export function CandidatesSection(props: { onRun?: () => void }) {
  const hermesApi = useApi(hermesApiRef);
  const [filter, setFilter] = useState<Filter>('all');
  const list = useAsyncRetry(
    () => hermesApi.listCandidates(filter === 'all' ? {} : { status: filter }),
    [hermesApi, filter],
  );
  // Decisions made here show at once (and stay until the list reloads).
  const [decided, setDecided] = useState<Record<string, LearningCandidate>>({});
  const [failed, setFailed] = useState<Record<string, string>>({});
  const [running, setRunning] = useState(false);
  const [run, setRun] = useState<LearningRun | { error: string }>();

  const decide = async (
    id: string,
    call: () => Promise<LearningCandidate>,
  ): Promise<void> => {
    try {
      const result = await call();
      setDecided(previous => ({ ...previous, [id]: result }));
      setFailed(previous => {
        const next = { ...previous };
        delete next[id];
        return next;
      });
    } catch (e) {
      setFailed(previous => ({ ...previous, [id]: errorText(e as Error) }));
    }
  };
  const learnNow = async () => {
    setRunning(true);
    try {
      setRun(await hermesApi.runLearning());
      setDecided({});
      list.retry();
      props.onRun?.();
    } catch (e) {
      setRun({ error: errorText(e as Error) });
    } finally {
      setRunning(false);
    }
  };

  const items = proposedFirst(list.value ?? []);
  return (
    <Stack gap={2} component="section" aria-label="Learned rules">
      <Stack direction="row" gap={2} alignItems="center" flexWrap="wrap">
        <Typography variant="h6" component="h2">
          Learned rules
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={filter}
          aria-label="Filter by status"
          onChange={(_, next: Filter | null) => next && setFilter(next)}
        >
          {FILTERS.map(([value, label]) => (
            <ToggleButton key={value} value={value}>
              {label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <Box sx={{ flexGrow: 1 }} />
        <Button onClick={list.retry}>Refresh</Button>
        <Button variant="contained" disabled={running} onClick={learnNow}>
          {running ? 'Learning…' : 'Learn now'}
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary">
        Hermes proposes triage rules from the resolutions people record, replays
        each over the labelled history, and rejects any that would call a
        critical finding harmless. An approved rule classifies drift in the next
        audit without the model.
      </Typography>
      {run && 'error' in run && <Alert severity="error">{run.error}</Alert>}
      {run && 'candidates' in run && (
        <>
          <RunResult candidates={run.candidates} />
          <ReflectionResult reflection={run.reflection} />
        </>
      )}
      {list.loading && !list.value && <Progress />}
      {list.error && <ResponseErrorPanel error={list.error} />}
      {list.value && items.length === 0 && (
        <Typography color="text.secondary">
          {filter === 'all'
            ? 'No learned rules yet. Record resolutions on drift findings, then choose Learn now.'
            : `No ${filter} rules.`}
        </Typography>
      )}
      {items.map(item => {
        const candidate = decided[item.id] ?? item;
        return (
          <CandidateCard
            key={item.id}
            candidate={candidate}
            error={failed[item.id]}
            onApprove={() =>
              decide(item.id, () => hermesApi.approveCandidate(item.id))
            }
            onReject={reason =>
              decide(item.id, () => hermesApi.rejectCandidate(item.id, reason))
            }
          />
        );
      })}
    </Stack>
  );
}
