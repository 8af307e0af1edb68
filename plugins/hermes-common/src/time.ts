/**
 * A time as people read it in an operations log: `2026-11-25 09:30 UTC`. Text that is not a
 * time is returned as given, so a malformed timestamp is shown rather than failing.
 *
 * @public
 */
export function formatUtc(time: string | Date): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime())
    ? String(time)
    : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
