import { formatUtc } from '@hermes-backstage/plugin-hermes-common';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "3 h ago", "in 20 min", "just now"; past a month, the UTC date, since "94 d ago" reads
 * worse than a date. Text that is not a time is returned as given.
 */
export function relativeTime(at: string | Date, now: number): string {
  const time = new Date(at).getTime();
  if (Number.isNaN(time)) return String(at);
  const diff = now - time;
  const size = Math.abs(diff);
  if (size < 45_000) return 'just now';
  if (size >= 30 * DAY) return formatUtc(at).slice(0, 10);
  let amount: string;
  if (size < HOUR) amount = `${Math.max(1, Math.round(size / MINUTE))} min`;
  else if (size < DAY) amount = `${Math.round(size / HOUR)} h`;
  else amount = `${Math.round(size / DAY)} d`;
  return diff >= 0 ? `${amount} ago` : `in ${amount}`;
}

/** The current time, re-read every half minute so relative times stay true on an open page. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * A time as people read it at a glance ("3 h ago"), with the exact UTC time on hover and as
 * its description for screen readers. `now` is for callers that already hold a clock.
 */
export function When(props: { at: string | Date; now?: number }) {
  const { at } = props;
  const ticking = useNow();
  const now = props.now ?? ticking;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <>{String(at)}</>;
  return (
    // describeChild keeps the visible text as the element's name and the UTC time as its
    // description (and its native title while the tooltip is closed).
    <Tooltip title={formatUtc(date)} describeChild>
      <time dateTime={date.toISOString()} style={{ whiteSpace: 'nowrap' }}>
        {relativeTime(date, now)}
      </time>
    </Tooltip>
  );
}
