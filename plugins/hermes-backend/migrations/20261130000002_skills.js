// @ts-check

/**
 * The skills library: the active version of each skill (or the latest draft of one nobody
 * has approved yet), every version, usage per agent run, reference files of skills written in
 * the portal, and full-text search with the database's own engine.
 *
 * hermes_skills has an integer key: SQLite's FTS5 index refers to rows by rowid, which VACUUM
 * may renumber unless it is an INTEGER PRIMARY KEY. Its triggers go whenever the table is
 * rebuilt (knex rebuilds SQLite tables to alter them), so a later migration that alters
 * hermes_skills must create them again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = String(knex.client.config.client);
  const sqlite = client.includes('sqlite');
  if (!sqlite && client !== 'pg') {
    throw new Error(
      `Hermes skills need SQLite or PostgreSQL for full-text search; the database client is "${client}"`,
    );
  }

  await knex.schema.createTable('hermes_skills', table => {
    table.comment(
      'Skills (SKILL.md runbooks) known to Hermes: the active version of each, or the latest draft of a skill nobody has approved yet',
    );
    table.increments('id').primary();
    table
      .string('name', 64)
      .notNullable()
      .unique({ indexName: 'hermes_skills_name_idx' })
      .comment('Skill name from the front matter');
    table.text('description').notNullable();
    table
      .string('source', 32)
      .notNullable()
      .comment('Where the skill comes from: directory, user or agent');
    table
      .string('status', 16)
      .notNullable()
      .defaultTo('active')
      .comment(
        'active, or draft while the skill exists only as unapproved drafts',
      );
    table
      .integer('version')
      .nullable()
      .comment('The active version; null while the skill is a draft');
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
      .text('tags')
      .notNullable()
      .defaultTo('[]')
      .comment('JSON list of metadata.hermes.tags, searched');
    table
      .text('body')
      .notNullable()
      .defaultTo('')
      .comment('The Markdown body without front matter, searched');
    table
      .text('applies_to')
      .nullable()
      .comment(
        'JSON {entityKinds, annotations} from metadata.hermes; null: applies to any entity',
      );
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('hermes_skill_versions', table => {
    table.comment('Every version of every skill; history is never rewritten');
    table.increments('id').primary();
    table.string('name', 64).notNullable();
    table.integer('version').notNullable().comment('1, 2, ... per skill');
    table.text('document').notNullable();
    table.string('content_hash', 64).notNullable();
    table.text('description').notNullable();
    table
      .string('author', 255)
      .notNullable()
      .comment("User entity ref, 'agent' or 'directory'");
    table
      .string('status', 16)
      .notNullable()
      .comment('active, superseded, draft or rejected');
    table
      .integer('base_version')
      .nullable()
      .comment(
        'Drafts: the version that was active when the draft was written',
      );
    table.text('message').nullable().comment('Why the version was written');
    table
      .string('trace_id', 255)
      .nullable()
      .comment('The agent run that proposed it');
    table.string('reviewed_by', 255).nullable();
    table.timestamp('reviewed_at', { useTz: true }).nullable();
    table.text('review_note').nullable().comment('Why a draft was rejected');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.unique(['name', 'version'], {
      indexName: 'hermes_skill_versions_name_idx',
    });
  });

  await knex.schema.createTable('hermes_skill_usage', table => {
    table.comment(
      'Which agent run loaded which skill version, and how it ended',
    );
    table.bigIncrements('id').primary();
    table.string('name', 64).notNullable();
    table.integer('version').notNullable();
    table.string('trace_id', 255).nullable();
    table.timestamp('loaded_at', { useTz: true }).notNullable();
    table
      .string('outcome', 16)
      .nullable()
      .comment('success, failure or unknown; null while the run is going');
    table.index(['name'], 'hermes_skill_usage_name_idx');
    table.index(['trace_id'], 'hermes_skill_usage_trace_idx');
  });

  await knex.schema.createTable('hermes_skill_files', table => {
    table.comment(
      'Reference files of skills written in the portal or imported (directory skills keep theirs on disk)',
    );
    table.increments('id').primary();
    table.string('name', 64).notNullable();
    table
      .string('path', 512)
      .notNullable()
      .comment("Relative to the skill's folder");
    table.text('content').notNullable();
    table.unique(['name', 'path'], {
      indexName: 'hermes_skill_files_path_idx',
    });
  });

  if (sqlite) {
    await knex.raw(`
      CREATE VIRTUAL TABLE hermes_skills_fts USING fts5(
        name, description, tags, body,
        content='hermes_skills', content_rowid='id',
        tokenize='porter unicode61'
      )`);
    await knex.raw(`
      CREATE TRIGGER hermes_skills_fts_insert AFTER INSERT ON hermes_skills BEGIN
        INSERT INTO hermes_skills_fts (rowid, name, description, tags, body)
          VALUES (new.id, new.name, new.description, new.tags, new.body);
      END`);
    await knex.raw(`
      CREATE TRIGGER hermes_skills_fts_delete AFTER DELETE ON hermes_skills BEGIN
        INSERT INTO hermes_skills_fts (hermes_skills_fts, rowid, name, description, tags, body)
          VALUES ('delete', old.id, old.name, old.description, old.tags, old.body);
      END`);
    await knex.raw(`
      CREATE TRIGGER hermes_skills_fts_update
        AFTER UPDATE OF name, description, tags, body ON hermes_skills BEGIN
        INSERT INTO hermes_skills_fts (hermes_skills_fts, rowid, name, description, tags, body)
          VALUES ('delete', old.id, old.name, old.description, old.tags, old.body);
        INSERT INTO hermes_skills_fts (rowid, name, description, tags, body)
          VALUES (new.id, new.name, new.description, new.tags, new.body);
      END`);
  } else {
    await knex.raw(`
      ALTER TABLE hermes_skills ADD COLUMN search tsvector
        GENERATED ALWAYS AS (
          setweight(to_tsvector('english', name), 'A') ||
          setweight(to_tsvector('english', tags), 'A') ||
          setweight(to_tsvector('english', description), 'B') ||
          setweight(to_tsvector('english', body), 'D')
        ) STORED`);
    await knex.raw(
      'CREATE INDEX hermes_skills_search_idx ON hermes_skills USING GIN (search)',
    );
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_skill_files');
  await knex.schema.dropTable('hermes_skill_usage');
  await knex.schema.dropTable('hermes_skill_versions');
  // The triggers go with their table.
  await knex.schema.dropTableIfExists('hermes_skills_fts');
  await knex.schema.dropTable('hermes_skills');
};
