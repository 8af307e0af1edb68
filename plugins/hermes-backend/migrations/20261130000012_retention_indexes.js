// @ts-check

/**
 * Indexes for the hourly retention pass (src/retention/): each store deletes its finished rows
 * older than a cutoff, which without these would scan the whole table every hour.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_agent_traces', table => {
    table.index(['finished_at'], 'hermes_agent_traces_finished_idx');
  });
  await knex.schema.alterTable('hermes_task_runs', table => {
    table.index(['status', 'finished_at'], 'hermes_task_runs_finished_idx');
  });
  await knex.schema.alterTable('hermes_deliveries', table => {
    table.index(['status', 'updated_at'], 'hermes_deliveries_updated_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('hermes_deliveries', table => {
    table.dropIndex([], 'hermes_deliveries_updated_idx');
  });
  await knex.schema.alterTable('hermes_task_runs', table => {
    table.dropIndex([], 'hermes_task_runs_finished_idx');
  });
  await knex.schema.alterTable('hermes_agent_traces', table => {
    table.dropIndex([], 'hermes_agent_traces_finished_idx');
  });
};
