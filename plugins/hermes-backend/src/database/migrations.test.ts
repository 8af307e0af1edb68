import fs from 'node:fs';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import knexFactory from 'knex';
import { connect, rollbackAll } from './migrations';

const databases = createTestDatabases();

const TABLES = [
  'hermes_drift_audits',
  'hermes_drift_findings',
  'hermes_drift_resolutions',
  'hermes_drift_episodes',
  'hermes_drift_drifts',
  'hermes_kubernetes_audit_events',
  'hermes_memory_documents',
  'hermes_memory_notes',
  'hermes_skills',
  'hermes_skill_versions',
  'hermes_skill_usage',
  'hermes_skill_files',
  'hermes_sessions',
  'hermes_session_messages',
  'hermes_agent_traces',
  'hermes_tool_approvals',
  'hermes_tasks',
  'hermes_task_runs',
  'hermes_deliveries',
  'hermes_learning_candidates',
  'hermes_learning_reflections',
];

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('create every table, drop every one going down, and create them again', async () => {
    const knex = await databases.init(databaseId);
    const database = databaseService(knex);
    const present = async () => {
      const found: string[] = [];
      for (const table of TABLES)
        if (await knex.schema.hasTable(table)) found.push(table);
      return found;
    };

    await connect(database);
    expect(await present()).toEqual(TABLES);
    await rollbackAll(knex);
    expect(await present()).toEqual([]);
    await connect(database);
    expect(await present()).toEqual(TABLES);
  });

  it('are skipped when the deployment manages migrations itself', async () => {
    const knex = await databases.init(databaseId);
    await connect({ getClient: async () => knex, migrations: { skip: true } });
    expect(await knex.schema.hasTable('hermes_skills')).toBe(false);
  });

  it('say to delete a development database from before the squash', async () => {
    const knex = await databases.init(databaseId);
    // What an earlier build left: knex's bookkeeping naming a file that is gone.
    await knex.schema.createTable('knex_migrations', table => {
      table.increments('id');
      table.string('name');
      table.integer('batch');
      table.timestamp('migration_time');
    });
    await knex('knex_migrations').insert({
      name: '20261124000000_init.js',
      batch: 1,
      migration_time: new Date(),
    });
    await expect(connect(databaseService(knex))).rejects.toThrow(
      /created by a development build .* delete it/,
    );
  });
});

describe('the migration files', () => {
  // Merged migrations are append-only: later ones sort after these, none is renamed.
  it('start with the squashed initial set, in order', () => {
    const files = fs
      .readdirSync(path.resolve(__dirname, '../../migrations'))
      .filter(f => f.endsWith('.js'))
      .sort();
    expect(files.slice(0, 5)).toEqual([
      '20261130000000_drift.js',
      '20261130000001_memory.js',
      '20261130000002_skills.js',
      '20261130000003_agent.js',
      '20261130000004_governance.js',
    ]);
  });
});

describe.each(
  databases.eachSupportedId().filter(([id]) => id.startsWith('POSTGRES')),
)('replicas starting together on %p', databaseId => {
  it('bring one fresh database up to date once, without failing either start', async () => {
    const first = await databases.init(databaseId);
    // A second pool to the same database, as a second replica has.
    const second = knexFactory({
      client: 'pg',
      connection: first.client.config.connection,
    });
    try {
      await Promise.all([
        connect(databaseService(first)),
        connect(databaseService(second)),
      ]);
      for (const table of TABLES)
        expect(await first.schema.hasTable(table)).toBe(true);
    } finally {
      await second.destroy();
    }
  });
});
