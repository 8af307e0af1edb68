import { TaskReport } from '@hermes-backstage/plugin-hermes-common';

/** What a webhook receives: the report model itself, with its delivery id and time. */
export interface WebhookPayload {
  /** Same on every retry of one delivery: receivers dedupe on it. */
  deliveryId: string;
  /** When this attempt was made (ISO 8601); also in `X-Hermes-Timestamp`. */
  sentAt: string;
  report: TaskReport;
}

/** The JSON body of a webhook delivery; the signature is computed over exactly this text. */
export function formatWebhook(
  report: TaskReport,
  options: { deliveryId: string; time: Date },
): string {
  const payload: WebhookPayload = {
    deliveryId: options.deliveryId,
    sentAt: options.time.toISOString(),
    report,
  };
  return JSON.stringify(payload);
}
