import { Link } from '@backstage/core-components';
import {
  DeliveryRecord,
  formatUtc,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { DeliveriesTable } from './DeliveriesTable';
import { formatDuration, runActive } from './format';
import { RunReport } from './RunReport';
import { DeliveryChips, RunStatusChip } from './StatusChips';
import { When } from '../shared';

const TRIGGERS: Record<TaskRunRecord['trigger'], string> = {
  schedule: 'scheduled',
  manual: 'run now',
  'catch-up': 'catch-up (missed while down)',
};

function facts(run: TaskRunRecord): string[] {
  const list = [TRIGGERS[run.trigger]];
  if (run.dueAt) list.push(`due ${formatUtc(run.dueAt)}`);
  list.push(`queued ${formatUtc(run.queuedAt)}`);
  if (run.startedAt) list.push(`started ${formatUtc(run.startedAt)}`);
  if (run.finishedAt) list.push(`finished ${formatUtc(run.finishedAt)}`);
  if (run.durationMs !== undefined) list.push(formatDuration(run.durationMs));
  if (run.model) list.push(`model ${run.model}`);
  if (run.tokens) {
    list.push(`${run.tokens.input} tokens in, ${run.tokens.output} out`);
  }
  return list;
}

/**
 * One run: trigger, its status (with the reason when skipped or failed), times, model and
 * tokens; then each channel's delivery beside it, and the report.
 */
export function RunCard(props: {
  run: TaskRunRecord;
  expanded?: boolean;
  onRetry: (delivery: DeliveryRecord) => void;
  retryErrors: Record<string, string>;
}) {
  const { run } = props;
  const when = run.startedAt ?? run.queuedAt;
  return (
    <Accordion
      defaultExpanded={props.expanded}
      disableGutters
      variant="outlined"
      aria-label={`Run of ${formatUtc(when)}`}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Stack direction="row" gap={1} alignItems="center" flexWrap="wrap">
          <Typography variant="body2">
            <When at={when} />
          </Typography>
          <RunStatusChip status={run.status} reason={run.reason} />
          <Typography variant="body2" color="text.secondary">
            {TRIGGERS[run.trigger]}
          </Typography>
          <DeliveryChips deliveries={run.deliveries} />
        </Stack>
      </AccordionSummary>
      <AccordionDetails>
        <Stack gap={2}>
          {runActive(run) && (
            <LinearProgress
              aria-label={run.status === 'queued' ? 'Queued' : 'Running'}
            />
          )}
          <Typography variant="body2" color="text.secondary">
            {facts(run).join(' · ')}
          </Typography>
          {run.reason &&
            (run.status === 'failed' || run.status === 'skipped') && (
              <Alert severity={run.status === 'failed' ? 'error' : 'warning'}>
                {run.status === 'failed' ? 'Failed' : 'Skipped'}: {run.reason}
              </Alert>
            )}
          {run.sessionId && (
            <Typography variant="body2">
              <Link to={`?session=${encodeURIComponent(run.sessionId)}`}>
                Open the conversation of this run
              </Link>{' '}
              (changing tool calls it asked for wait in the approval inbox)
            </Typography>
          )}
          <DeliveriesTable
            deliveries={run.deliveries}
            onRetry={props.onRetry}
            retryErrors={props.retryErrors}
            pending={runActive(run)}
          />
          {run.report && <RunReport report={run.report} />}
          {!run.report && !runActive(run) && run.status !== 'skipped' && (
            <Typography variant="body2" color="text.secondary">
              This run left no report.
            </Typography>
          )}
        </Stack>
      </AccordionDetails>
    </Accordion>
  );
}
