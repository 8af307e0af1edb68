// @ts-check

/**
 * Governance: tool calls held until an allowed user approves that exact call.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
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
};
