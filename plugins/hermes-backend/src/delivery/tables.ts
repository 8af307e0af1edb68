import {
  DeliveryChannelType,
  DeliveryStatus,
} from '@hermes-backstage/plugin-hermes-common';
import { DbTime } from '../database/dates';

// Rows of the outbox as the database returns them (migrations/20261130000006_delivery.js).

/** hermes_deliveries */
export type DeliveryRow = {
  id: string;
  run_id: string;
  task_id: string;
  owner: string;
  entity_ref: string | null;
  channel: string;
  channel_type: DeliveryChannelType;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: DbTime;
  lease_until: DbTime | null;
  sent_at: DbTime | null;
  message_id: string | null;
  /** JSON: the TaskReport as the run produced it. */
  report: string;
  created_at: DbTime;
  updated_at: DbTime;
};
