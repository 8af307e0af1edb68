// @ts-check

/**
 * Labels of the object a finding is about, so findings can be shown on the catalog entity
 * that owns the object (backstage.io/kubernetes-id or a label selector).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table
      .text('labels')
      .nullable()
      .comment('JSON: labels of the live (or desired) object');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table.dropColumn('labels');
  });
};
