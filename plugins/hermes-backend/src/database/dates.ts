/** A timestamp as the database returns it (Date on PostgreSQL, number or string on SQLite). */
export type DbTime = string | number | Date;

/** A stored timestamp as an ISO 8601 string. */
export function toIso(value: DbTime): string;
export function toIso(value: DbTime | null | undefined): string | undefined;
export function toIso(value: DbTime | null | undefined): string | undefined {
  return value === null || value === undefined
    ? undefined
    : new Date(value).toISOString();
}
