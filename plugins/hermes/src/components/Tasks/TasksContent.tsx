import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { TaskRecord } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { hermesApiRef } from '../../api';
import { stillMoving } from './format';
import { TaskDialog } from './TaskDialog';
import { TaskHistory } from './TaskHistory';
import { TasksTable } from './TasksTable';
import { usePoll, useReloadable } from './usePoll';

/**
 * The Tasks tab: scheduled agent prompts and drift audits with their last run and deliveries;
 * `?task=<id>` opens one task's run history, so it can be linked to.
 *
 * @public
 */
export function TasksContent() {
  const [params, setParams] = useSearchParams();
  const selected = params.get('task') ?? undefined;
  const open = useCallback(
    (id?: string) =>
      setParams(previous => {
        const next = new URLSearchParams(previous);
        next.set('tab', 'tasks');
        if (id) next.set('task', id);
        else next.delete('task');
        return next;
      }),
    [setParams],
  );
  if (selected) {
    return (
      <TaskHistory key={selected} taskId={selected} onBack={() => open()} />
    );
  }
  return <TaskList onOpen={open} />;
}

function TaskList(props: { onOpen: (id: string) => void }) {
  const { onOpen } = props;
  const hermesApi = useApi(hermesApiRef);
  const tasks = useReloadable(async () => hermesApi.listTasks(), [hermesApi]);
  const [creating, setCreating] = useState(false);
  usePoll(
    (tasks.value ?? []).some(t => stillMoving(t.lastRun)),
    tasks.reload,
  );
  const created = useCallback(
    (task: TaskRecord) => {
      setCreating(false);
      onOpen(task.id);
    },
    [onOpen],
  );

  if (tasks.loading && !tasks.value) return <Progress />;
  if (tasks.error && !tasks.value) {
    return <ResponseErrorPanel error={tasks.error} />;
  }
  const list = tasks.value ?? [];
  return (
    <Stack gap={2}>
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <Typography variant="body2" color="text.secondary">
          Agent prompts and drift audits on a schedule. Each run is recorded,
          and its report goes to the task's channels through an outbox: a
          delivery is either sent or visibly failed.
        </Typography>
        <Stack direction="row" gap={1}>
          <Button onClick={tasks.reload}>Refresh</Button>
          <Button
            variant="contained"
            startIcon={<AddIcon />}
            onClick={() => setCreating(true)}
          >
            New task
          </Button>
        </Stack>
      </Stack>
      {list.length === 0 ? (
        <Alert severity="info">
          <AlertTitle>No tasks yet</AlertTitle>
          Create one with New task, or declare one in app-config under
          hermes.tasks.
        </Alert>
      ) : (
        <Paper variant="outlined" sx={{ overflowX: 'auto' }}>
          <TasksTable
            tasks={list}
            onRan={task => onOpen(task.id)}
            onChanged={tasks.reload}
          />
        </Paper>
      )}
      {creating && (
        <TaskDialog onClose={() => setCreating(false)} onSaved={created} />
      )}
    </Stack>
  );
}
