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

describe.each(databases.eachSupportedId())(
  'finding versions migration on %p',
  databaseId => {
    const directory = path.resolve(__dirname, '../../migrations');
    const VERSIONS = '20261130000011_finding_versions.js';
    const old = (audit: string, at: Date, name: string | null = 'shop') => ({
      audit: {
        id: audit,
        name,
        cluster: 'edge-eu',
        status: 'succeeded',
        trigger: 'schedule',
        desired_source: 'git',
        live_source: 'cluster',
        started_at: at,
        finished_at: at,
      },
      finding: {
        audit_id: audit,
        fingerprint: 'fp-cart',
        cluster: 'edge-eu',
        api_version: 'apps/v1',
        kind: 'Deployment',
        name: 'cart',
        type: 'modified',
        classification: 'unknown',
        changes: '[]',
        labels: '{}',
        found_at: at,
      },
    });

    it('turns each earlier row into a version of its own run, and going down gives each run its rows again', async () => {
      const knex = await databases.init(databaseId);
      await connect(databaseService(knex));
      // The schema as it was before: earlier runs, one row each.
      await knex.migrate.down({ directory, name: VERSIONS });
      const runs = [
        old('a1', new Date('2026-11-01T10:00:00Z')),
        old('a2', new Date('2026-11-01T11:00:00Z')),
        old('c1', new Date('2026-11-01T10:30:00Z'), null),
      ];
      for (const run of runs) {
        await knex('hermes_drift_audits').insert(run.audit);
        await knex('hermes_drift_findings').insert(run.finding);
      }
      await knex.migrate.up({ directory, name: VERSIONS });
      const rows = await knex('hermes_drift_findings').orderBy('id');
      expect(
        rows.map(r => [
          r.audit_id,
          r.last_audit_id,
          r.scope,
          new Date(r.last_seen_at).getTime() === new Date(r.found_at).getTime(),
        ]),
      ).toEqual([
        ['a1', 'a1', 'shop', true],
        ['a2', 'a2', 'shop', true],
        ['c1', 'c1', 'edge-eu', true],
      ]);

      // A version that two later runs extended...
      await knex('hermes_drift_audits').insert([
        old('a3', new Date('2026-11-01T12:00:00Z')).audit,
        old('a4', new Date('2026-11-01T13:00:00Z')).audit,
      ]);
      await knex('hermes_drift_findings')
        .where({ audit_id: 'a2' })
        .update({
          last_audit_id: 'a4',
          last_seen_at: new Date('2026-11-01T13:00:00Z'),
        });
      await knex.migrate.down({ directory, name: VERSIONS });
      // ...is one row per run again.
      expect(
        (await knex('hermes_drift_findings').orderBy('id')).map(r => [
          r.audit_id,
          r.fingerprint,
          new Date(r.found_at).toISOString(),
        ]),
      ).toEqual([
        ['a1', 'fp-cart', '2026-11-01T10:00:00.000Z'],
        ['a2', 'fp-cart', '2026-11-01T11:00:00.000Z'],
        ['c1', 'fp-cart', '2026-11-01T10:30:00.000Z'],
        ['a3', 'fp-cart', '2026-11-01T12:00:00.000Z'],
        ['a4', 'fp-cart', '2026-11-01T13:00:00.000Z'],
      ]);
    });
  },
);

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
