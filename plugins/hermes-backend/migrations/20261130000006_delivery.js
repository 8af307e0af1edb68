// @ts-check

/**
 * The delivery outbox: one row per (task run, channel), sent by a worker that claims due rows
 * with a lease, so a crash mid-send is retried and two replicas never send one row twice.
 * Rows name their channel only; channel settings and secrets stay in config. The row keeps
 * its own copy of the report, so the outbox never reads the tasks tables.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_deliveries', table => {
    table.comment('A task report on its way to one delivery channel');
    table.string('id', 36).primary();
    table.string('run_id', 36).notNullable();
    table.string('task_id', 36).notNullable();
    table
      .string('owner', 255)
      .notNullable()
      .comment('Entity ref told when the delivery is dead');
    table
      .string('entity_ref', 255)
      .nullable()
      .comment("The task's entity, for notifications to its owners");
    table
      .string('channel', 255)
      .notNullable()
      .comment('Name under hermes.delivery.channels');
    table.string('channel_type', 32).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('queued, sending, sent, failed or dead');
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .text('last_error')
      .nullable()
      .comment('As the channel reported it, secrets masked');
    table.timestamp('next_attempt_at', { useTz: true }).notNullable();
    table
      .timestamp('lease_until', { useTz: true })
      .nullable()
      .comment('While sending: when another worker may take the row over');
    table.timestamp('sent_at', { useTz: true }).nullable();
    table.string('message_id', 255).nullable();
    table.text('report').notNullable().comment('JSON: the TaskReport');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['run_id', 'channel'], {
      indexName: 'hermes_deliveries_run_channel_uq',
    });
    table.index(['status', 'next_attempt_at'], 'hermes_deliveries_due_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_deliveries');
};
