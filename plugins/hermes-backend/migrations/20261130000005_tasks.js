// @ts-check

/**
 * Scheduled tasks and their runs. One run per due time (unique task + due time) and never two
 * runs of one task at once (a partial unique index over queued and running runs), whichever
 * replica tries.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_tasks', table => {
    table.comment(
      'Scheduled tasks: an agent prompt or a drift audit on a schedule',
    );
    table.string('id', 36).primary();
    table.string('name', 128).notNullable().unique();
    table
      .string('owner', 255)
      .notNullable()
      .comment('User entity ref, or "config"');
    table.string('source', 16).notNullable().comment('api or config');
    table.string('kind', 16).notNullable().comment('agent or drift-audit');
    table.text('prompt').nullable();
    table.string('audit', 255).nullable();
    table.string('entity_ref', 255).nullable();
    table
      .string('model', 255)
      .nullable()
      .comment('provider/model, or the purpose default');
    table.string('schedule_text', 255).notNullable().comment('As written');
    table.string('schedule_cron', 64).notNullable();
    table.string('timezone', 64).notNullable();
    table.text('deliver').notNullable().comment('JSON channel names');
    table.boolean('enabled').notNullable();
    table.string('missed_runs', 16).notNullable().comment('run-once or skip');
    table
      .timestamp('next_run_at', { useTz: true })
      .nullable()
      .comment('Next due time; null when disabled');
    table
      .text('scope')
      .notNullable()
      .comment('JSON: what the owner could read when the task was saved');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['enabled', 'next_run_at'], 'hermes_tasks_due_idx');
    table.index(['entity_ref'], 'hermes_tasks_entity_idx');
  });

  await knex.schema.createTable('hermes_task_runs', table => {
    table.comment(
      'Every run of a task, with its report; deliveries are in hermes_deliveries',
    );
    table.string('id', 36).primary();
    table
      .string('task_id', 36)
      .notNullable()
      .references('id')
      .inTable('hermes_tasks')
      .onDelete('CASCADE');
    table
      .string('trigger', 16)
      .notNullable()
      .comment('schedule, manual, catch-up');
    table
      .string('status', 16)
      .notNullable()
      .comment('queued, running, succeeded, failed, skipped');
    table.text('reason').nullable().comment('Why it was skipped or failed');
    table.timestamp('due_at', { useTz: true }).nullable();
    table.timestamp('queued_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.string('model', 255).nullable();
    table.integer('input_tokens').nullable();
    table.integer('output_tokens').nullable();
    table.text('report').nullable().comment('JSON TaskReport');
    table.string('audit_id', 36).nullable();
    table.string('session_id', 36).nullable();
    table.unique(['task_id', 'due_at'], {
      indexName: 'hermes_task_runs_due_unique',
    });
    table.index(['task_id', 'queued_at'], 'hermes_task_runs_task_idx');
  });
  // PostgreSQL and SQLite both take partial unique indexes with this syntax.
  await knex.raw(
    `CREATE UNIQUE INDEX hermes_task_runs_one_active ON hermes_task_runs (task_id) WHERE status IN ('queued', 'running')`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_task_runs');
  await knex.schema.dropTable('hermes_tasks');
};
