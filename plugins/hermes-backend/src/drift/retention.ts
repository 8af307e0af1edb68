import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { inChunks } from './labels';

/**
 * Audit runs a reader can still reach, which retention keeps whatever their age: the first and
 * last run of each version seen since the cutoff, of each drift's latest finding and of each
 * finding a resolution points at (the finding the person saw), and the runs each drift's
 * current and last episode name.
 */
function reachable(db: Knex, cutoff: Date) {
  const versions = (query: Knex.QueryBuilder) =>
    db
      .select('f.audit_id as id')
      .from(query.as('kept'))
      .join('hermes_drift_findings as f', 'f.id', 'kept.id')
      .union(q =>
        q
          .select('f.last_audit_id as id')
          .from(query.clone().as('kept'))
          .join('hermes_drift_findings as f', 'f.id', 'kept.id')
          .whereNotNull('f.last_audit_id'),
      );
  const episodes = (column: string) =>
    db('hermes_drift_episodes as e')
      .select(`e.${column} as id`)
      .join('hermes_drift_drifts as d', join =>
        join
          .on('d.current_episode_id', 'e.id')
          .orOn('d.last_episode_id', 'e.id'),
      );
  return db.select('id').from(
    versions(
      db('hermes_drift_findings')
        .select('id')
        .where('last_seen_at', '>=', cutoff),
    )
      .union(
        versions(db('hermes_drift_drifts').select('last_finding_id as id')),
      )
      .union(
        versions(db('hermes_drift_resolutions').select('finding_id as id')),
      )
      .union(episodes('first_audit_id'))
      .union(episodes('last_audit_id'))
      .as('reachable'),
  );
}

/**
 * Deletes finished audit runs (failed ones too) that started before `cutoff` and that no
 * reader can still reach, with their reports and the finding versions they first saw. Runs
 * still running are never deleted. Returns how many runs were deleted.
 */
export async function deleteAuditsBefore(
  db: Knex,
  cutoff: Date,
): Promise<number> {
  if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime()))
    throw new InputError(
      `cutoff: expected a valid time, got ${String(cutoff)}`,
    );
  return db.transaction(async tx => {
    const doomed: string[] = (
      await tx('hermes_drift_audits')
        .select('id')
        .where('started_at', '<', cutoff)
        .whereNot('status', 'running')
        .whereNotNull('finished_at')
        .whereNotIn('id', reachable(tx, cutoff))
    ).map((r: { id: string }) => r.id);
    // Findings go first: SQLite enforces the foreign key only when told to.
    await inChunks(doomed, async chunk => {
      await tx('hermes_drift_findings').whereIn('audit_id', chunk).delete();
      await tx('hermes_drift_audits').whereIn('id', chunk).delete();
      return [];
    });
    return doomed.length;
  });
}
