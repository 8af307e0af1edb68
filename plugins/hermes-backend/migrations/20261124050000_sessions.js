// @ts-check

/**
 * Working memory: conversations with the agent, per user, optionally about one entity, with
 * their messages in the ai SDK's UI message form.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_sessions', table => {
    table.comment('Conversations with the Hermes agent');
    table.string('id', 36).primary();
    table.string('user_ref', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.string('title', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['user_ref', 'updated_at'], 'hermes_sessions_user_idx');
  });
  await knex.schema.createTable('hermes_session_messages', table => {
    table.comment('Messages of a conversation, in order');
    table.bigIncrements('id').primary();
    table
      .string('session_id', 36)
      .notNullable()
      .references('id')
      .inTable('hermes_sessions')
      .onDelete('CASCADE');
    table.integer('position').notNullable();
    table.string('role', 16).notNullable();
    table.text('message').notNullable().comment('JSON UIMessage');
    table.unique(['session_id', 'position'], {
      indexName: 'hermes_session_messages_order_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_session_messages');
  await knex.schema.dropTable('hermes_sessions');
};
