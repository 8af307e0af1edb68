import { useApi } from '@backstage/frontend-plugin-api';
import { TaskInput, TaskRecord } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef } from '../../api';
import { errorText } from '../shared';
import { SchedulePreview } from './SchedulePreview';
import { createBody, formFor, patchBody, TaskForm } from './taskForm';

/**
 * Creates a task, or edits one (sending only what changed). The schedule is previewed as it
 * is typed; when the server refuses the task, its reason is shown and nothing typed is lost.
 */
export function TaskDialog(props: {
  task?: TaskRecord;
  prefill?: Partial<TaskInput>;
  onClose: () => void;
  onSaved: (task: TaskRecord) => void;
}) {
  const { task, prefill, onClose, onSaved } = props;
  const hermesApi = useApi(hermesApiRef);
  const [form, setForm] = useState<TaskForm>(() => formFor(task, prefill));
  const set = <K extends keyof TaskForm>(key: K, value: TaskForm[K]) =>
    setForm(previous => ({ ...previous, [key]: value }));
  const choices = useAsync(async () => {
    const [channels, audits] = await Promise.all([
      hermesApi.listDeliveryChannels(),
      // Only the configured names are needed, not the runs.
      hermesApi.listAudits({ limit: 1 }),
    ]);
    return { channels, audits: audits.definitions };
  }, [hermesApi]);
  const channels = choices.value?.channels ?? [];
  const audits = choices.value?.audits ?? [];
  const [saving, save] = useAsyncFn(async () => {
    if (!task) {
      onSaved(await hermesApi.createTask(createBody(form)));
      return;
    }
    const patch = patchBody(task, form);
    onSaved(
      Object.keys(patch).length > 0
        ? await hermesApi.updateTask(task.id, patch)
        : task,
    );
  }, [hermesApi, task, form, onSaved]);
  const title = task ? `Edit task ${task.name}` : 'New task';

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <form
        aria-label={title}
        onSubmit={event => {
          event.preventDefault();
          save();
        }}
      >
        <DialogTitle>{title}</DialogTitle>
        <DialogContent>
          <Stack gap={2} sx={{ pt: 1 }}>
            {choices.error && (
              <Alert severity="warning">
                Could not load channels and audits: {errorText(choices.error)}
              </Alert>
            )}
            <TextField
              label="Name"
              required
              value={form.name}
              onChange={e => set('name', e.target.value)}
            />
            <TextField
              select
              label="Kind"
              value={form.kind}
              onChange={e => set('kind', e.target.value as TaskForm['kind'])}
            >
              <MenuItem value="drift-audit">Drift audit</MenuItem>
              <MenuItem value="agent">Agent prompt</MenuItem>
            </TextField>
            {form.kind === 'agent' ? (
              <TextField
                label="Prompt"
                required
                multiline
                minRows={4}
                value={form.prompt}
                onChange={e => set('prompt', e.target.value)}
                helperText="What the agent should do on each run, with read-only tools; changing calls wait for your approval."
              />
            ) : (
              <TextField
                select
                label="Audit"
                required
                value={
                  audits.includes(form.audit) || !form.audit ? form.audit : ''
                }
                onChange={e => set('audit', e.target.value)}
                helperText={
                  choices.value && audits.length === 0
                    ? 'No audits configured (hermes.audits).'
                    : 'One of the audits configured in hermes.audits.'
                }
              >
                {audits.map(name => (
                  <MenuItem key={name} value={name}>
                    {name}
                  </MenuItem>
                ))}
              </TextField>
            )}
            <Stack direction={{ xs: 'column', sm: 'row' }} gap={2}>
              <TextField
                label="Schedule"
                required
                value={form.schedule}
                onChange={e => set('schedule', e.target.value)}
                helperText='A cron expression ("0 */6 * * *"), an interval ("every 6h") or a phrase ("weekdays at 8am")'
                sx={{ flex: 2 }}
              />
              <TextField
                label="Time zone"
                value={form.timezone}
                onChange={e => set('timezone', e.target.value)}
                helperText="IANA zone, e.g. Europe/Berlin"
                sx={{ flex: 1 }}
              />
            </Stack>
            <SchedulePreview text={form.schedule} timezone={form.timezone} />
            <TextField
              select
              label="Deliver to"
              value={form.deliver}
              onChange={e => {
                const value = e.target.value as unknown as string | string[];
                set(
                  'deliver',
                  typeof value === 'string' ? value.split(',') : value,
                );
              }}
              SelectProps={{
                multiple: true,
                renderValue: selected => (
                  <Stack direction="row" gap={0.5} flexWrap="wrap">
                    {(selected as string[]).map(name => (
                      <Chip key={name} size="small" label={name} />
                    ))}
                  </Stack>
                ),
              }}
              helperText={
                choices.value && channels.length === 0
                  ? 'No channels configured (hermes.delivery.channels): runs are only recorded here.'
                  : 'Each channel gets the report; its delivery is tracked apart from the run.'
              }
            >
              {channels.map(channel => (
                <MenuItem key={channel.name} value={channel.name}>
                  {channel.name} ({channel.type})
                  {channel.reachable === false && ' · unreachable'}
                </MenuItem>
              ))}
            </TextField>
            <Stack direction={{ xs: 'column', sm: 'row' }} gap={2}>
              <TextField
                label="Entity (optional)"
                placeholder="component:default/fraud-detector"
                value={form.entityRef}
                onChange={e => set('entityRef', e.target.value)}
                sx={{ flex: 1 }}
              />
              <TextField
                label="Model (optional)"
                placeholder="provider/model"
                value={form.model}
                onChange={e => set('model', e.target.value)}
                helperText="Empty uses the configured chat or audit model"
                sx={{ flex: 1 }}
              />
            </Stack>
            <Stack
              direction={{ xs: 'column', sm: 'row' }}
              gap={2}
              alignItems="center"
            >
              <TextField
                select
                label="Missed runs"
                value={form.missedRuns}
                onChange={e =>
                  set('missedRuns', e.target.value as TaskForm['missedRuns'])
                }
                helperText="A due time missed while the backend was down"
                sx={{ flex: 1 }}
              >
                <MenuItem value="run-once">Run once when back</MenuItem>
                <MenuItem value="skip">Skip (recorded as missed)</MenuItem>
              </TextField>
              <FormControlLabel
                control={
                  <Switch
                    checked={form.enabled}
                    onChange={e => set('enabled', e.target.checked)}
                  />
                }
                label="Enabled"
                sx={{ flex: 1 }}
              />
            </Stack>
            {saving.error && (
              <Alert severity="error">{errorText(saving.error)}</Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={saving.loading}>
            {task ? 'Save' : 'Create'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
