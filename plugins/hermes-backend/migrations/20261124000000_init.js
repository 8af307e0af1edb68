// @ts-check

/**
 * The skills library: one row per skill, whatever its source (the repository's `skills/`
 * folder, a module, a person, or the agent).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('hermes_skills', table => {
    table.comment('Skills (SKILL.md runbooks) known to Hermes');
    table
      .string('name', 64)
      .primary()
      .comment('Skill name from the front matter');
    table.text('description').notNullable();
    table
      .string('source', 32)
      .notNullable()
      .comment('Where the skill comes from: directory, user or agent');
    table
      .text('location')
      .nullable()
      .comment('File the skill was read from, if any');
    table
      .string('content_hash', 64)
      .notNullable()
      .comment('sha256 of the SKILL.md text');
    table.text('document').notNullable().comment('The full SKILL.md text');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_skills');
};
