import { DeliveryRecord } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { DELIVERY_COLORS } from './StatusChips';
import { When } from '../shared';

/**
 * Each channel's delivery of one run: its own status (never folded into the run's), how many
 * attempts, the last error and when the outbox tries again; Retry for failed and dead ones.
 */
export function DeliveriesTable(props: {
  deliveries: DeliveryRecord[];
  onRetry: (delivery: DeliveryRecord) => void;
  retryErrors: Record<string, string>;
  /** The run has not finished, so its report has not been handed to the outbox yet. */
  pending?: boolean;
}) {
  const { deliveries, onRetry, retryErrors, pending } = props;
  if (deliveries.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {pending
          ? 'The report is delivered when the run finishes.'
          : 'Not delivered anywhere: no channels for this run.'}
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Deliveries">
      <TableHead>
        <TableRow>
          <TableCell>Channel</TableCell>
          <TableCell>Delivery</TableCell>
          <TableCell>Attempts</TableCell>
          <TableCell>Details</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {deliveries.map(d => (
          <TableRow key={d.id} aria-label={`Delivery to ${d.channel}`}>
            <TableCell>
              {d.channel}
              {d.type && (
                <Typography
                  variant="caption"
                  color="text.secondary"
                  display="block"
                >
                  {d.type}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              <Chip
                size="small"
                variant="outlined"
                color={DELIVERY_COLORS[d.status]}
                label={d.status}
              />
            </TableCell>
            <TableCell>{d.attempts}</TableCell>
            <TableCell>
              {d.lastError && d.status !== 'sent' && (
                <Typography variant="body2" color="error">
                  {d.lastError}
                </Typography>
              )}
              {d.status === 'failed' && d.nextAttemptAt && (
                <Typography variant="caption" display="block">
                  next attempt <When at={d.nextAttemptAt} />
                </Typography>
              )}
              {d.status === 'dead' && (
                <Typography variant="caption" display="block">
                  gave up; the owner was notified
                </Typography>
              )}
              {d.sentAt && (
                <Typography variant="caption" display="block">
                  Sent <When at={d.sentAt} />
                  {d.messageId && ` · message ${d.messageId}`}
                </Typography>
              )}
              {retryErrors[d.id] && (
                <Alert severity="error" sx={{ mt: 0.5 }}>
                  {retryErrors[d.id]}
                </Alert>
              )}
            </TableCell>
            <TableCell>
              {(d.status === 'failed' || d.status === 'dead') && (
                <Button size="small" onClick={() => onRetry(d)}>
                  Retry
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
