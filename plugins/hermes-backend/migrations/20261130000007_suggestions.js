// @ts-check

/**
 * The learning loop's model triage: a finding no rule classified may carry the audit model's
 * suggestion beside its classification (never instead of it), and each audit counts what went
 * to the model for that. Resolutions already keep every row, so label history needs nothing.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table
      .string('suggestion_classification', 16)
      .nullable()
      .comment("The audit model's suggestion: harmless, critical or unknown");
    table.text('suggestion_reason').nullable();
    table.float('suggestion_confidence').nullable().comment('0..1');
    table
      .string('suggestion_model', 255)
      .nullable()
      .comment('provider/model that suggested it');
  });
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table
      .integer('suggestion_calls')
      .nullable()
      .comment('Model calls for triage suggestions; null without a model');
    table.integer('suggestion_findings').nullable();
    table
      .integer('suggestion_tokens')
      .nullable()
      .comment('Input plus output tokens of those calls');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('hermes_drift_audits', table => {
    table.dropColumns(
      'suggestion_calls',
      'suggestion_findings',
      'suggestion_tokens',
    );
  });
  await knex.schema.alterTable('hermes_drift_findings', table => {
    table.dropColumns(
      'suggestion_classification',
      'suggestion_reason',
      'suggestion_confidence',
      'suggestion_model',
    );
  });
};
