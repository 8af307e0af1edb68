import {
  DeliveryRecord,
  DeliveryStatus,
  TaskRunStatus,
} from '@hermes-backstage/plugin-hermes-common';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';

type Color = 'default' | 'info' | 'success' | 'warning' | 'error';

const RUN_COLORS: Record<TaskRunStatus, Color> = {
  queued: 'default',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  skipped: 'warning',
};

const DELIVERY_COLORS: Record<DeliveryStatus, Color> = {
  queued: 'default',
  sending: 'info',
  sent: 'success',
  failed: 'warning',
  dead: 'error',
};

/** A run's own status; its deliveries have their own chips beside it. */
export function RunStatusChip(props: {
  status: TaskRunStatus;
  reason?: string;
}) {
  const chip = (
    <Chip
      size="small"
      color={RUN_COLORS[props.status]}
      label={props.status}
      aria-label={`run ${props.status}`}
    />
  );
  return props.reason ? <Tooltip title={props.reason}>{chip}</Tooltip> : chip;
}

/** One channel's delivery status, e.g. "portal: sent". */
export function DeliveryChip(props: { delivery: DeliveryRecord }) {
  const { delivery } = props;
  const chip = (
    <Chip
      size="small"
      variant="outlined"
      color={DELIVERY_COLORS[delivery.status]}
      label={`${delivery.channel}: ${delivery.status}`}
    />
  );
  return delivery.lastError ? (
    <Tooltip title={delivery.lastError}>{chip}</Tooltip>
  ) : (
    chip
  );
}

/** Every channel's delivery of one run, side by side. */
export function DeliveryChips(props: { deliveries: DeliveryRecord[] }) {
  return (
    <Stack direction="row" gap={0.5} flexWrap="wrap" aria-label="Deliveries">
      {props.deliveries.map(d => (
        <DeliveryChip key={d.id} delivery={d} />
      ))}
    </Stack>
  );
}

export { DELIVERY_COLORS };
