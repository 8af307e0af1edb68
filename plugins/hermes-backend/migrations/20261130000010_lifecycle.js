// @ts-check

/**
 * The lifecycle of a drift (one fingerprint): whether it is open, resolved by a person or
 * silenced until a time, and its episodes (first seen → gone), so "seen N×" counts episodes
 * rather than audit runs. Resolution events gain a ticket link, a silence expiry and an undo
 * mark (an undone event is no longer a label); audits remember which definition ran, so an
 * audit closes only the drift it covers; findings keep their links to Git and Argo CD.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table
      .string('name', 255)
      .nullable()
      .comment('The hermes.audits entry that ran; null before this migration');
  });
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table
      .text('links')
      .nullable()
      .comment('JSON: web links to the desired source (Git, Argo CD)');
  });
  await knex.schema.alterTable('hermes_drift_resolutions', table => {
    table.text('ticket').nullable().comment('URL of a ticket about it');
    table
      .timestamp('silence_until', { useTz: true })
      .nullable()
      .comment('Set for a silence: hidden from open drift until then');
    table.bigInteger('episode_id').nullable();
    table.timestamp('undone_at', { useTz: true }).nullable();
    table.string('undone_by', 255).nullable();
  });
  await knex.schema.createTable('hermes_drift_episodes', table => {
    table.comment(
      'One episode of a drift: from the audit that first saw it to the one that saw it gone',
    );
    table.bigIncrements('id').primary();
    table.string('fingerprint', 32).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table.string('first_audit_id', 36).notNullable();
    table.string('last_audit_id', 36).notNullable();
    table
      .string('verification', 16)
      .nullable()
      .comment(
        'confirmed when a reverted/committed drift was gone at the next audit',
      );
    table.index(['fingerprint'], 'hermes_drift_episodes_fingerprint_idx');
    table.index(['first_audit_id'], 'hermes_drift_episodes_audit_idx');
  });
  await knex.schema.createTable('hermes_drift_drifts', table => {
    table.comment(
      'Each drift (fingerprint) once: its state and where it was last seen',
    );
    table.string('fingerprint', 32).primary();
    table
      .string('scope', 255)
      .notNullable()
      .comment('The audit (name, or cluster) whose runs open and close it');
    table.string('cluster', 255).notNullable();
    table.string('kind', 255).notNullable();
    table.string('namespace', 255).nullable();
    table.string('name', 255).notNullable();
    table
      .string('type', 16)
      .notNullable()
      .comment('modified, missing or extra');
    table
      .string('state', 16)
      .notNullable()
      .comment('open, resolved or silenced');
    table.timestamp('silence_until', { useTz: true }).nullable();
    table
      .string('verification', 16)
      .nullable()
      .comment('confirmed or contradicted by an audit after a resolution');
    table.text('state_reason').nullable();
    table
      .timestamp('reopened_at', { useTz: true })
      .nullable()
      .comment(
        'When an audit contradicted a resolution; earlier events no longer count',
      );
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.integer('episodes').notNullable();
    table
      .bigInteger('current_episode_id')
      .nullable()
      .comment('The episode still drifting; null once an audit saw it gone');
    table.bigInteger('last_episode_id').notNullable();
    table.bigInteger('last_finding_id').notNullable();
    table.index(['state'], 'hermes_drift_drifts_state_idx');
    table.index(['scope'], 'hermes_drift_drifts_scope_idx');
    table.index(['cluster', 'namespace'], 'hermes_drift_drifts_cluster_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_drift_drifts');
  await knex.schema.dropTable('hermes_drift_episodes');
  await knex.schema.alterTable('hermes_drift_resolutions', table => {
    table.dropColumns(
      'ticket',
      'silence_until',
      'episode_id',
      'undone_at',
      'undone_by',
    );
  });
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table.dropColumn('links');
  });
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table.dropColumn('name');
  });
};
