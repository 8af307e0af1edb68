// @ts-check

/**
 * Agent runs: a trace per turn (the learning loop's input), tool calls held for approval,
 * and what a session needs to stay inside its token budget.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_sessions', table => {
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

  await knex.schema.createTable('hermes_tool_approvals', table => {
    table.comment('Tool calls held until an allowed user approves them');
    table.string('id', 255).primary().comment('Approval id from the stream');
    table
      .string('session_id', 36)
      .notNullable()
      .references('id')
      .inTable('hermes_sessions')
      .onDelete('CASCADE');
    table.string('tool_call_id', 255).notNullable();
    table.string('tool', 128).notNullable();
    table.text('input').notNullable().comment('JSON arguments as held');
    table
      .string('call_hash', 64)
      .notNullable()
      .comment('sha256 of tool name + canonical arguments');
    table.text('reason').nullable().comment('The rule that held the call');
    table.text('approvers').nullable().comment('JSON entity refs, or null');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, approved, denied, executed');
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['session_id', 'status'], 'hermes_tool_approvals_session_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_tool_approvals');
  await knex.schema.dropTable('hermes_agent_traces');
  await knex.schema.alterTable('hermes_sessions', table => {
    table.dropColumn('summary_upto');
    table.dropColumn('summary');
    table.dropColumn('notes_snapshot');
  });
};
