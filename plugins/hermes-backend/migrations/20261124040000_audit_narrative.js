// @ts-check

/**
 * A model's short summary of an audit, when a model is configured for the `audit` purpose.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table
      .text('narrative')
      .nullable()
      .comment('Model-written summary of the report');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table.dropColumn('narrative');
  });
};
