import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { demoAudit } from '../__testUtils__/demo';
import { hermesPlugin } from '../plugin';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { AuthorizedDriftService } from './AuthorizedDriftService';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');

// Audit runs are paged in the database, newest first, with how many there are in all.
describe.each(databases.eachSupportedId())('audit runs on %s', databaseId => {
  jest.setTimeout(60_000);

  /** `count` finished runs, one a day from 2026-11-01 (run-1) on, alternating clusters. */
  async function stored(count: number) {
    const knex = await databases.init(databaseId);
    const database = databaseService(knex);
    const store = await KnexDriftStore.create({ database });
    const ids: string[] = [];
    for (let day = 1; day <= count; day++) {
      const id = await store.startAudit({
        name: `run-${day}`,
        cluster: day % 2 ? 'edge-eu' : 'neuroscale-prod',
        trigger: 'schedule',
        desiredSource: 'git',
        liveSource: 'snapshot',
      });
      await store.finishAudit(id, { findings: [], report: '', warnings: [] });
      // Distinct start times, so the order the test expects is the only right one.
      await knex('hermes_drift_audits')
        .where({ id })
        .update({ started_at: new Date(Date.UTC(2026, 10, day, 12)) });
      ids.push(id);
    }
    const logger = mockServices.logger.mock();
    const catalog = catalogServiceMock();
    const drift = new DefaultDriftService({
      store,
      catalog,
      skills: await DefaultSkillsService.create({
        config: mockServices.rootConfig(),
        database,
        logger,
      }),
      urlReader: mockServices.urlReader.mock(),
      logger,
      clusters: [],
      audits: [],
    });
    const authorized = (result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) =>
      new AuthorizedDriftService(drift, {
        permissions: mockServices.permissions({ result }),
        catalog,
        auth: mockServices.auth(),
      });
    return { store, drift, authorized };
  }

  it('pages the store newest first, and counts every run or one cluster', async () => {
    const { store } = await stored(5);
    const names = async (options: object) =>
      (await store.listAudits(options)).map(a => a.name);
    expect(await names({ limit: 2 })).toEqual(['run-5', 'run-4']);
    expect(await names({ limit: 2, offset: 2 })).toEqual(['run-3', 'run-2']);
    expect(await names({ limit: 2, offset: 4 })).toEqual(['run-1']);
    expect(await names({ cluster: 'edge-eu', limit: 2, offset: 1 })).toEqual([
      'run-3',
      'run-1',
    ]);
    expect(await store.countAudits()).toBe(5);
    expect(await store.countAudits({ cluster: 'neuroscale-prod' })).toBe(2);
  });

  it('gives a page with the total to a caller with hermes.drift.read, and refuses others', async () => {
    const { authorized } = await stored(12);
    const allowed = authorized(AuthorizeResult.ALLOW);
    const first = await allowed.pageAudits({ credentials: ada });
    expect(first).toMatchObject({ total: 12, limit: 50, offset: 0 });
    expect(first.audits).toHaveLength(12);
    const second = await allowed.pageAudits({
      credentials: ada,
      limit: 10,
      offset: 10,
    });
    expect(second).toMatchObject({ total: 12, limit: 10, offset: 10 });
    expect(second.audits.map(a => a.name)).toEqual(['run-2', 'run-1']);
    expect(
      (await allowed.pageAudits({ credentials: ada, offset: 40 })).audits,
    ).toEqual([]);
    await expect(
      allowed.pageAudits({ credentials: ada, limit: 201 }),
    ).rejects.toThrow('limit: expected a whole number from 1 to 200, got 201');
    await expect(
      allowed.pageAudits({ credentials: ada, offset: 1.5 }),
    ).rejects.toThrow('offset: expected a whole number from 0, got 1.5');

    const denied = authorized(AuthorizeResult.DENY);
    await expect(denied.pageAudits({ credentials: ada })).rejects.toThrow(
      'You may not read drift audits (hermes.drift.read)',
    );
    // Hermes itself asks without credentials.
    expect((await denied.pageAudits({ limit: 1 })).audits[0].name).toBe(
      'run-12',
    );
  });

  it('answers GET /drift/audits with a page, the total and the audits configured', async () => {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        hermesPlugin,
        catalogServiceMock.factory(),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: { hermes: { audits: [demoAudit] } },
        }),
      ],
    });
    const header = mockCredentials.user.header('user:default/ada');
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await request(server)
        .post('/api/hermes/drift/audits/demo/run')
        .set('Authorization', header);
      expect(run.status).toBe(201);
      runs.push(run.body.id);
    }
    const get = (query: string) =>
      request(server)
        .get(`/api/hermes/drift/audits${query}`)
        .set('Authorization', header);

    const all = await get('');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ definitions: ['demo'], total: 3 });
    expect(all.body.audits.map((a: any) => a.id)).toEqual([...runs].reverse());
    expect(all.body.audits[0]).toMatchObject({
      name: 'demo',
      cluster: 'neuroscale-prod',
      status: 'succeeded',
      trigger: 'manual',
    });
    const page = await get('?limit=2&offset=2');
    expect(page.body.total).toBe(3);
    expect(page.body.audits.map((a: any) => a.id)).toEqual([runs[0]]);

    for (const [query, parameter] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=ten', 'limit'],
      ['?offset=-1', 'offset'],
    ]) {
      const bad = await get(query);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        new RegExp(
          `^Invalid audits query: ${parameter}: expected a whole number`,
        ),
      );
    }
  });
});
