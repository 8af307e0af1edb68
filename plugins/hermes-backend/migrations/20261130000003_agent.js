// @ts-check

/**
 * The agent: conversations (working memory) per user, optionally about one entity, with their
 * messages in the ai SDK's UI message form and what keeps them inside their token budget; and a
 * trace per agent run, the learning loop's input.
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
    table
      .text('notes_snapshot')
      .nullable()
      .comment('Curated notes as loaded when the session started (frozen)');
    table
      .text('summary')
      .nullable()
      .comment('Summary of the older turns, once the session was compacted');
    table
      .integer('summary_upto')
      .nullable()
      .comment('Messages before this position are covered by the summary');
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
  await knex.schema.createTable('hermes_agent_traces', table => {
    table.comment('One agent run (a turn of a conversation)');
    table.string('id', 36).primary();
    table
      .string('session_id', 36)
      .nullable()
      .references('id')
      .inTable('hermes_sessions')
      .onDelete('SET NULL');
    table.string('user_ref', 255).notNullable();
    table.string('entity_ref', 255).nullable();
    table.text('goal').notNullable().comment('What the user asked');
    table.string('model', 255).nullable();
    table
      .string('outcome', 32)
      .notNullable()
      .comment('answered, awaiting-approval, error, timeout');
    table.text('error').nullable();
    table.integer('steps').notNullable().defaultTo(0);
    table.text('tool_calls').notNullable().comment('JSON: tool, ok, ms');
    table.text('skills_used').notNullable().comment('JSON: skill names');
    table.integer('input_tokens').nullable();
    table.integer('output_tokens').nullable();
    table.integer('duration_ms').nullable();
    table.string('feedback', 8).nullable().comment('up or down');
    table.text('feedback_comment').nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['user_ref', 'started_at'], 'hermes_agent_traces_user_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_agent_traces');
  await knex.schema.dropTable('hermes_session_messages');
  await knex.schema.dropTable('hermes_sessions');
};
