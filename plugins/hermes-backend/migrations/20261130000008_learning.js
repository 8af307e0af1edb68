// @ts-check

/**
 * Triage rules the learning loop proposed: each with the evidence of replaying it over the
 * labelled findings, and what became of it. A rule (its match and classification) is stored
 * once, whatever became of it, so a rejected rule is never proposed again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_learning_candidates', table => {
    table.comment('A triage rule proposed by the learning loop');
    table.string('id', 36).primary();
    table
      .string('skill', 64)
      .notNullable()
      .comment('The skill the rule is proposed in');
    table.text('rule').notNullable().comment('JSON: the TriageRuleInput');
    table.string('source', 16).notNullable().comment('induction or reflection');
    table
      .string('status', 16)
      .notNullable()
      .comment('proposed, rejected or approved');
    table
      .text('rejection')
      .nullable()
      .comment('Why the evaluation gate or a person rejected it');
    table.text('evidence').notNullable().comment('JSON: the CandidateEvidence');
    table
      .integer('draft_version')
      .nullable()
      .comment('The skill draft version that carries the rule');
    table
      .string('rule_hash', 64)
      .notNullable()
      .comment('sha256 of the canonical JSON of the match and classification');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('decided_by', 255).nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
    table.unique(['rule_hash'], {
      indexName: 'hermes_learning_candidates_rule_uq',
    });
    table.index(
      ['status', 'created_at'],
      'hermes_learning_candidates_status_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_learning_candidates');
};
