// @ts-check

/**
 * A finding row becomes a version of a drift's finding: an audit that sees the same content as
 * the previous audit of its scope extends that row (last_audit_id, last_seen_at) instead of
 * inserting a copy, so storage grows with drift, not with the number of audit runs. An audit's
 * findings are then the versions of its scope whose [found_at, last_seen_at] holds the time it
 * recorded them (its finished_at); rows from before this migration are one audit's each, so
 * last_seen_at = found_at (which was that audit's finished_at) keeps them exact. `scope` is the
 * audit (name, or cluster) whose runs continue a version, so audits of different scopes on one
 * cluster never extend or list each other's rows.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table
      .string('last_audit_id', 36)
      .nullable()
      .comment('The last audit run that saw this exact content');
    table
      .timestamp('last_seen_at', { useTz: true })
      .nullable()
      .comment('finished_at of that audit run; found_at is the first one');
    table
      .string('scope', 255)
      .nullable()
      .comment('The audit (name, or cluster) whose runs saw this version');
  });
  await knex('hermes_drift_findings').update({
    last_audit_id: knex.ref('audit_id'),
    last_seen_at: knex.ref('found_at'),
    scope: knex('hermes_drift_audits as a')
      .select(knex.raw('coalesce(a.name, a.cluster)'))
      .where('a.id', knex.ref('hermes_drift_findings.audit_id')),
  });
  await knex.schema.alterTable('hermes_drift_findings', table => {
    // "Findings of audit X": the versions of its cluster and scope still seen at its time.
    table.index(
      ['cluster', 'scope', 'last_seen_at'],
      'hermes_drift_findings_seen_idx',
    );
  });
  await knex.schema.alterTable('hermes_drift_audits', table => {
    // The previous run of a scope, by the order runs were recorded in.
    table.index(['cluster', 'finished_at'], 'hermes_drift_audits_finished_idx');
  });
};

// Every column a finding had before this migration, but its id, audit and time.
const COPIED = [
  'fingerprint',
  'cluster',
  'api_version',
  'kind',
  'namespace',
  'name',
  'type',
  'classification',
  'skill',
  'reason',
  'recommend',
  'changes',
  'attribution',
  'labels',
  'suggestion_classification',
  'suggestion_reason',
  'suggestion_confidence',
  'suggestion_model',
  'links',
];

/**
 * Going down gives each audit run its own rows again: a copy of every version for each later
 * successful run of its scope that saw it, so no run loses its findings.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex
    .into(
      knex.raw('?? (??)', [
        'hermes_drift_findings',
        [...COPIED, 'audit_id', 'found_at'],
      ]),
    )
    .insert(
      knex('hermes_drift_findings as f')
        .join('hermes_drift_audits as a', join =>
          join
            .on('a.cluster', 'f.cluster')
            .andOn(knex.raw('coalesce(a.name, a.cluster) = f.scope')),
        )
        .where('a.status', 'succeeded')
        .whereRaw('a.finished_at > f.found_at')
        .whereRaw('a.finished_at <= f.last_seen_at')
        .select([...COPIED.map(c => `f.${c}`), 'a.id', 'a.finished_at'])
        .orderBy(['f.id', 'a.finished_at']),
    );
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table.dropIndex([], 'hermes_drift_audits_finished_idx');
  });
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table.dropIndex([], 'hermes_drift_findings_seen_idx');
  });
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table.dropColumns('last_audit_id', 'last_seen_at', 'scope');
  });
};
