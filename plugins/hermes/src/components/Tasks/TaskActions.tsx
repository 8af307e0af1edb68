import { useApi } from '@backstage/frontend-plugin-api';
import {
  TaskRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { TaskDialog } from './TaskDialog';

/**
 * Run now, Edit and Delete for one task. A task declared in app-config is changed only there,
 * so it offers Run now alone and says where it comes from.
 */
export function TaskActions(props: {
  task: TaskRecord;
  onRan: (run: TaskRunRecord) => void;
  onChanged: (task: TaskRecord) => void;
  onDeleted: () => void;
  size?: 'small' | 'medium';
}) {
  const { task, onRan, onChanged, onDeleted, size = 'small' } = props;
  const hermesApi = useApi(hermesApiRef);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [running, run] = useAsyncFn(async () => {
    onRan(await hermesApi.runTask(task.id));
  }, [hermesApi, task.id, onRan]);
  const [deleting, remove] = useAsyncFn(async () => {
    await hermesApi.deleteTask(task.id);
    setConfirming(false);
    onDeleted();
  }, [hermesApi, task.id, onDeleted]);
  const fromConfig = task.source === 'config';

  return (
    <Stack gap={0.5} alignItems="flex-start">
      <Stack direction="row" gap={1} alignItems="center" flexWrap="wrap">
        <Button
          size={size}
          variant="outlined"
          disabled={running.loading}
          onClick={run}
          aria-label={`Run ${task.name} now`}
        >
          Run now
        </Button>
        {fromConfig ? (
          <Tooltip title="Change it in app-config.yaml (hermes.tasks)">
            <Chip size="small" label="declared in app-config" />
          </Tooltip>
        ) : (
          <>
            <Button
              size={size}
              onClick={() => setEditing(true)}
              aria-label={`Edit ${task.name}`}
            >
              Edit
            </Button>
            <Button
              size={size}
              color="error"
              onClick={() => setConfirming(true)}
              aria-label={`Delete ${task.name}`}
            >
              Delete
            </Button>
          </>
        )}
      </Stack>
      {running.error && (
        <Typography variant="body2" color="error" role="alert">
          {errorText(running.error)}
        </Typography>
      )}
      {editing && (
        <TaskDialog
          task={task}
          onClose={() => setEditing(false)}
          onSaved={saved => {
            setEditing(false);
            onChanged(saved);
          }}
        />
      )}
      {confirming && (
        <Dialog open onClose={() => setConfirming(false)}>
          <DialogTitle>Delete task {task.name}?</DialogTitle>
          <DialogContent>
            <Typography>
              It stops running on its schedule and leaves this list. Deliveries
              already sent stay where they were sent.
            </Typography>
            {deleting.error && (
              <Typography color="error" role="alert" sx={{ mt: 1 }}>
                {errorText(deleting.error)}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button color="error" disabled={deleting.loading} onClick={remove}>
              Delete
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Stack>
  );
}
