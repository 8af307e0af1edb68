import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  DeliveryRecord,
  TaskRecord,
} from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback, useState } from 'react';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { stillMoving } from './format';
import { NextRuns } from './NextRuns';
import { RunCard } from './RunCard';
import { TaskActions } from './TaskActions';
import { usePoll, useReloadable } from './usePoll';

function About(props: { task: TaskRecord }) {
  const { task } = props;
  const row = (label: string, value?: string) =>
    value && (
      <Typography variant="body2">
        <Box component="span" sx={{ color: 'text.secondary' }}>
          {label}:
        </Box>{' '}
        {value}
      </Typography>
    );
  return (
    <Box
      sx={{ display: 'grid', gap: 2, gridTemplateColumns: { md: '1fr 1fr' } }}
    >
      <Stack gap={0.5}>
        <Typography variant="body1" fontWeight="bold">
          {task.schedule.description}
        </Typography>
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ fontFamily: 'monospace' }}
        >
          {task.schedule.text} · {task.schedule.cron} · {task.schedule.timezone}
        </Typography>
        <NextRuns next={task.schedule.next} timezone={task.schedule.timezone} />
      </Stack>
      <Stack gap={0.5}>
        {row(
          'Kind',
          task.kind === 'agent' ? 'Agent prompt' : `Drift audit ${task.audit}`,
        )}
        {row('Prompt', task.prompt)}
        {row('Entity', task.entityRef)}
        {row('Model', task.model ?? 'purpose default')}
        {row(
          'Deliver to',
          task.deliver.join(', ') || 'nowhere (recorded only)',
        )}
        {row('Enabled', task.enabled ? 'yes' : 'no')}
        {row(
          'Missed runs',
          task.missedRuns === 'run-once' ? 'run once when back' : 'skipped',
        )}
        {row(
          'Owner',
          task.source === 'config' ? 'declared in app-config' : task.owner,
        )}
      </Stack>
    </Box>
  );
}

/**
 * One task with its runs, newest first: each run's status, report and per-channel deliveries.
 * While a run or a delivery is still moving, the view reloads itself every two seconds.
 */
export function TaskHistory(props: { taskId: string; onBack: () => void }) {
  const { taskId, onBack } = props;
  const hermesApi = useApi(hermesApiRef);
  const task = useReloadable(
    async () => hermesApi.getTask(taskId),
    [hermesApi, taskId],
  );
  const runs = useReloadable(
    async () => hermesApi.listTaskRuns(taskId, { limit: 20 }),
    [hermesApi, taskId],
  );
  const moving = (runs.value ?? []).some(stillMoving);
  const reloadRuns = runs.reload;
  const reloadTask = task.reload;
  const reload = useCallback(() => {
    reloadRuns();
    reloadTask();
  }, [reloadRuns, reloadTask]);
  usePoll(moving, reload);
  const [retryErrors, setRetryErrors] = useState<Record<string, string>>({});
  const retryDelivery = async (delivery: DeliveryRecord) => {
    try {
      await hermesApi.retryDelivery(delivery.id);
      setRetryErrors(({ [delivery.id]: _, ...rest }) => rest);
    } catch (e) {
      setRetryErrors(previous => ({
        ...previous,
        [delivery.id]: errorText(e as Error),
      }));
    }
    reloadRuns();
  };

  const back = <Link to="?tab=tasks">← All tasks</Link>;
  if (task.loading && !task.value) return <Progress />;
  if (task.error && !task.value) {
    return (
      <Stack gap={2}>
        {back}
        <ResponseErrorPanel error={task.error} />
      </Stack>
    );
  }
  const current = task.value!;
  return (
    <Stack gap={2}>
      {back}
      <InfoCard title={current.name}>
        <Stack gap={2}>
          <About task={current} />
          <TaskActions
            size="medium"
            task={current}
            onRan={reload}
            onChanged={reload}
            onDeleted={onBack}
          />
        </Stack>
      </InfoCard>
      <Typography variant="h6" component="h3">
        Runs
      </Typography>
      {runs.error && <ResponseErrorPanel error={runs.error} />}
      {runs.loading && !runs.value && <Progress />}
      {runs.value?.length === 0 && (
        <Typography color="text.secondary">
          No runs yet. Run now, or wait for the next scheduled time.
        </Typography>
      )}
      {runs.value?.map((run, i) => (
        <RunCard
          key={run.id}
          run={run}
          expanded={i === 0}
          onRetry={retryDelivery}
          retryErrors={retryErrors}
        />
      ))}
    </Stack>
  );
}
