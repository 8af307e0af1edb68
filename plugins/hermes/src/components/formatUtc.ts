/** A time as people read it in an operations log: `2026-11-25 09:30 UTC`. */
export function formatUtc(time: string | Date): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
