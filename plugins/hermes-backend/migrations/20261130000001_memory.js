// @ts-check

/**
 * Episodic memory (sessions, audits, findings, resolutions and tasks, full-text searchable
 * with the database's own engine) and curated notes per user, entity or everyone.
 *
 * SQLite keeps an FTS5 index in step with the documents through triggers. Knex rebuilds a
 * SQLite table to alter it, which drops those triggers: a later migration that alters
 * hermes_memory_documents must create them again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const client = String(knex.client.config.client);
  const sqlite = client.includes('sqlite');
  if (!sqlite && client !== 'pg') {
    throw new Error(
      `Hermes memory needs SQLite or PostgreSQL for full-text search; the database client is "${client}"`,
    );
  }

  await knex.schema.createTable('hermes_memory_documents', table => {
    table.comment('Searchable episodic memory: one row per remembered item');
    table.bigIncrements('id').primary();
    table
      .string('kind', 32)
      .notNullable()
      .comment('session, audit, finding, resolution, task, ...');
    table
      .string('source_id', 255)
      .notNullable()
      .comment('Id of the item in its own capability');
    table
      .string('owner_ref', 255)
      .nullable()
      .comment(
        'The only user who may find it (a private session); null for everyone',
      );
    table
      .string('entity_ref', 255)
      .nullable()
      .comment('Catalog entity it is about; readers need catalog read access');
    table.text('title').notNullable();
    table.text('body').notNullable();
    table.text('link').notNullable().comment('Portal path to open the item');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['kind', 'source_id'], {
      indexName: 'hermes_memory_documents_source_idx',
    });
  });

  if (sqlite) {
    await knex.raw(`
      CREATE VIRTUAL TABLE hermes_memory_fts USING fts5(
        title, body,
        content='hermes_memory_documents', content_rowid='id',
        tokenize='porter unicode61'
      )`);
    await knex.raw(`
      CREATE TRIGGER hermes_memory_fts_insert AFTER INSERT ON hermes_memory_documents BEGIN
        INSERT INTO hermes_memory_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
      END`);
    await knex.raw(`
      CREATE TRIGGER hermes_memory_fts_delete AFTER DELETE ON hermes_memory_documents BEGIN
        INSERT INTO hermes_memory_fts (hermes_memory_fts, rowid, title, body)
          VALUES ('delete', old.id, old.title, old.body);
      END`);
    await knex.raw(`
      CREATE TRIGGER hermes_memory_fts_update AFTER UPDATE OF title, body ON hermes_memory_documents BEGIN
        INSERT INTO hermes_memory_fts (hermes_memory_fts, rowid, title, body)
          VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO hermes_memory_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
      END`);
  } else {
    // PostgreSQL's parser keeps paths, hosts and versions whole (`/spec/replicas`,
    // `svc.cluster.local`); as spaces, their words are found as they are on SQLite.
    /** @param {string} column */
    const words = column =>
      `to_tsvector('english', translate(${column}, '/.:@_=', '      '))`;
    await knex.raw(`
      ALTER TABLE hermes_memory_documents ADD COLUMN search tsvector
        GENERATED ALWAYS AS (
          setweight(${words('title')}, 'A') || setweight(${words('body')}, 'B')
        ) STORED`);
    await knex.raw(
      'CREATE INDEX hermes_memory_documents_search_idx ON hermes_memory_documents USING GIN (search)',
    );
  }

  await knex.schema.createTable('hermes_memory_notes', table => {
    table.comment(
      'Curated notes, bounded in size per scope, loaded at session start',
    );
    table.bigIncrements('id').primary();
    table.string('scope', 16).notNullable().comment('user, entity or global');
    table
      .string('scope_ref', 255)
      .notNullable()
      .comment("User ref, entity ref, or '' for global notes");
    table.text('text').notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['scope', 'scope_ref'], 'hermes_memory_notes_scope_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hermes_memory_notes');
  // SQLite's full-text index; its triggers go with the documents table.
  await knex.schema.dropTableIfExists('hermes_memory_fts');
  await knex.schema.dropTable('hermes_memory_documents');
};
