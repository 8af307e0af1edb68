// @ts-check

/**
 * Drift audits, their findings, the resolutions people give findings, and the writes seen in
 * Kubernetes audit events (who wrote which object when; request and response bodies are never
 * stored, they can hold Secret values). Finding rows hold field paths and attribution, never
 * Secret values.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_drift_audits', table => {
    table.comment('One run of a drift audit');
    table.string('id', 36).primary();
    table.string('cluster', 255).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('running, succeeded or failed');
    table
      .string('trigger', 16)
      .notNullable()
      .comment('schedule, manual or startup');
    table.text('desired_source').notNullable();
    table.text('live_source').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.text('report').nullable().comment('The deterministic text report');
    table.text('summary').nullable().comment('JSON: counts by classification');
    table
      .text('warnings')
      .nullable()
      .comment('JSON: what could not be read or rendered');
    table.text('error').nullable();
    table
      .text('narrative')
      .nullable()
      .comment('Model-written summary of the report');
    table.index(['cluster', 'started_at'], 'hermes_drift_audits_cluster_idx');
  });
  await knex.schema.createTable('hermes_drift_findings', table => {
    table.comment('A difference between Git and the cluster found by an audit');
    table.bigIncrements('id').primary();
    table
      .string('audit_id', 36)
      .notNullable()
      .references('id')
      .inTable('hermes_drift_audits')
      .onDelete('CASCADE');
    table.string('fingerprint', 32).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('api_version', 255).notNullable();
    table.string('kind', 255).notNullable();
    table.string('namespace', 255).nullable();
    table.string('name', 255).notNullable();
    table
      .string('type', 16)
      .notNullable()
      .comment('modified, missing or extra');
    table.string('classification', 16).notNullable();
    table.string('skill', 64).nullable();
    table.text('reason').nullable();
    table.text('recommend').nullable();
    table
      .text('changes')
      .notNullable()
      .comment('JSON field changes; Secret values withheld');
    table
      .text('attribution')
      .nullable()
      .comment('JSON: manager, operation, time, class, user');
    table
      .text('labels')
      .nullable()
      .comment('JSON: labels of the live (or desired) object');
    table.timestamp('found_at', { useTz: true }).notNullable();
    table.index(['audit_id'], 'hermes_drift_findings_audit_idx');
    table.index(
      ['cluster', 'kind', 'namespace', 'name'],
      'hermes_drift_findings_object_idx',
    );
    table.index(['fingerprint'], 'hermes_drift_findings_fingerprint_idx');
  });
  await knex.schema.createTable('hermes_drift_resolutions', table => {
    table.comment('How people resolved findings; input of the learning loop');
    table.bigIncrements('id').primary();
    table
      .bigInteger('finding_id')
      .notNullable()
      .references('id')
      .inTable('hermes_drift_findings')
      .onDelete('CASCADE');
    table.string('fingerprint', 32).notNullable();
    table
      .string('resolution', 16)
      .notNullable()
      .comment('harmless, reverted, committed or critical');
    table.text('note').nullable();
    table.string('user_ref', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['fingerprint'], 'hermes_drift_resolutions_fingerprint_idx');
  });
  await knex.schema.createTable('hermes_kubernetes_audit_events', table => {
    table.comment(
      'Writes seen in Kubernetes audit events, to name the user behind drift',
    );
    table.bigIncrements('id').primary();
    table.string('cluster', 255).notNullable();
    table.timestamp('event_time', { useTz: true }).notNullable();
    table.string('verb', 32).notNullable();
    table.string('username', 255).notNullable();
    table.string('api_group', 255).notNullable();
    table.string('resource', 255).nullable();
    table.string('namespace', 255).nullable();
    table.string('name', 255).notNullable();
    table.string('subresource', 64).nullable();
    table.string('field_manager', 255).nullable();
    table.index(
      ['cluster', 'name', 'event_time'],
      'hermes_kubernetes_audit_events_object_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_kubernetes_audit_events');
  await knex.schema.dropTable('hermes_drift_resolutions');
  await knex.schema.dropTable('hermes_drift_findings');
  await knex.schema.dropTable('hermes_drift_audits');
};
