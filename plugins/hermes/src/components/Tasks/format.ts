import {
  DeliveryRecord,
  formatUtc,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';

/** How often a view reloads while something is still moving. */
export const POLL_MS = 2000;

/** "2026-11-25 07:00 Europe/Berlin": a time as the task's zone reads it (UTC like formatUtc). */
export function formatInZone(time: string, timezone?: string): string {
  if (!timezone || timezone === 'UTC') return formatUtc(time);
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return time;
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: timezone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(date)
        .map(p => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timezone}`;
  } catch {
    // A zone this browser does not know: the server accepted it, so show UTC instead.
    return formatUtc(time);
  }
}

/** "850 ms", "12.4 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A run still moving: it is waiting or running. */
export function runActive(run: TaskRunRecord): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/** A delivery the outbox will still change by itself: waiting, sending or due for a retry. */
export function deliveryActive(delivery: DeliveryRecord): boolean {
  return (
    delivery.status === 'queued' ||
    delivery.status === 'sending' ||
    delivery.status === 'failed'
  );
}

/** Whether a run or any of its deliveries is still changing, so a view should keep polling. */
export function stillMoving(run: TaskRunRecord | undefined): boolean {
  return Boolean(
    run && (runActive(run) || run.deliveries.some(deliveryActive)),
  );
}

/** The browser's zone, what a new task is read in unless the user picks another. */
export function browserTimezone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
