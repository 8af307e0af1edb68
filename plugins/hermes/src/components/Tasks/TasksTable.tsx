import { Link } from '@backstage/core-components';
import {
  TaskRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { formatInZone } from './format';
import { DeliveryChips, RunStatusChip } from './StatusChips';
import { TaskActions } from './TaskActions';
import { When } from '../shared';

/** Where a task's run history is: `?tab=tasks&task=<id>` on the Hermes page. */
export function taskLink(id: string): string {
  return `?tab=tasks&task=${encodeURIComponent(id)}`;
}

/**
 * Tasks with the schedule in words, the next run, the last run's status and, beside it, each
 * channel's delivery of that run.
 */
export function TasksTable(props: {
  tasks: TaskRecord[];
  /** Prefix for the history links (the Hermes page path when shown elsewhere). */
  linkBase?: string;
  showEntity?: boolean;
  onRan: (task: TaskRecord, run: TaskRunRecord) => void;
  onChanged: () => void;
}) {
  const { tasks, linkBase = '', showEntity = true, onRan, onChanged } = props;
  return (
    <Table size="small" aria-label="Tasks">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Kind</TableCell>
          <TableCell>Schedule</TableCell>
          <TableCell>Next run</TableCell>
          <TableCell>Last run</TableCell>
          <TableCell>Last delivery</TableCell>
          <TableCell>Enabled</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {tasks.map(task => {
          const last = task.lastRun;
          const next = task.schedule.next[0];
          return (
            <TableRow key={task.id} aria-label={task.name}>
              <TableCell>
                <Link to={`${linkBase}${taskLink(task.id)}`}>{task.name}</Link>
                {showEntity && task.entityRef && (
                  <Typography
                    variant="caption"
                    display="block"
                    color="text.secondary"
                  >
                    {task.entityRef}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {task.kind === 'agent' ? 'Agent prompt' : 'Drift audit'}
                {task.audit && (
                  <Typography
                    variant="caption"
                    display="block"
                    color="text.secondary"
                  >
                    {task.audit}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Typography variant="body2">
                  {task.schedule.description}
                </Typography>
                <Typography
                  variant="caption"
                  color="text.secondary"
                  sx={{ fontFamily: 'monospace' }}
                >
                  {task.schedule.text}
                </Typography>
              </TableCell>
              <TableCell>
                {next ? formatInZone(next, task.schedule.timezone) : '—'}
              </TableCell>
              <TableCell>
                {last ? (
                  <Stack gap={0.5} alignItems="flex-start">
                    <RunStatusChip status={last.status} reason={last.reason} />
                    <Typography variant="caption" color="text.secondary">
                      <When at={last.startedAt ?? last.queuedAt} />
                    </Typography>
                  </Stack>
                ) : (
                  <Typography variant="body2" color="text.secondary">
                    never run
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {last && last.deliveries.length > 0 ? (
                  <DeliveryChips deliveries={last.deliveries} />
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell>
                <Chip
                  size="small"
                  variant="outlined"
                  label={task.enabled ? 'enabled' : 'disabled'}
                  color={task.enabled ? 'success' : 'default'}
                />
              </TableCell>
              <TableCell>
                <TaskActions
                  task={task}
                  onRan={run => onRan(task, run)}
                  onChanged={onChanged}
                  onDeleted={onChanged}
                />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
