// @ts-check

/**
 * Kubernetes audit events received at the webhook, reduced to who wrote which object when.
 * Request and response bodies are never stored (they can hold Secret values).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
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
};
