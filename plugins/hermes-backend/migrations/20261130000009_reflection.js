// @ts-check

/**
 * Reflections of the learning loop: one row per run of the reflection model over recent agent
 * runs and labelled findings, with what it read, proposed and cost. The newest row is also the
 * mark the next reflection counts tasks from; `sequence` is unique, so of two replicas (or a
 * schedule and a person) claiming the same next reflection, one does.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_learning_reflections', table => {
    table.comment('A reflection of the learning loop over recent traces');
    table.string('id', 36).primary();
    table
      .integer('sequence')
      .notNullable()
      .comment('1 for the first reflection, then the previous one + 1');
    table.string('trigger', 16).notNullable().comment('scheduled or on-demand');
    table
      .string('status', 16)
      .notNullable()
      .comment('running, completed or failed');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table
      .timestamp('since', { useTz: true })
      .nullable()
      .comment(
        'What it read was recorded after this (the previous reflection)',
      );
    table
      .integer('tasks_counted')
      .nullable()
      .comment('Audits and agent runs since the previous reflection');
    table.integer('traces_read').notNullable().defaultTo(0);
    table.integer('findings_read').notNullable().defaultTo(0);
    table.string('model', 255).nullable().comment('provider/model');
    table.integer('input_tokens').nullable();
    table.integer('output_tokens').nullable();
    table
      .text('proposals')
      .notNullable()
      .comment('JSON: what the model proposed and what became of each');
    table.text('warnings').notNullable().comment('JSON: strings');
    table.text('error').nullable().comment('Why the reflection failed');
    table.unique(['sequence'], {
      indexName: 'hermes_learning_reflections_sequence_uq',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_learning_reflections');
};
