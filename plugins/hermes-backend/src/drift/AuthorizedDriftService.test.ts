import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { AuthorizedDriftService } from './AuthorizedDriftService';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();

describe('the learning loop reading drift', () => {
  async function service(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
    const knex = await databases.init('SQLITE_3');
    const database = databaseService(knex);
    const logger = mockServices.logger.mock();
    const store = await KnexDriftStore.create({ database });
    const id = await store.startAudit({
      cluster: 'edge-eu',
      trigger: 'manual',
      desiredSource: 'git',
      liveSource: 'snapshot',
    });
    await store.finishAudit(id, { findings: [], report: '', warnings: [] });
    const catalog = catalogServiceMock();
    const inner = new DefaultDriftService({
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
    return new AuthorizedDriftService(inner, {
      permissions: mockServices.permissions({ result }),
      catalog,
      auth: mockServices.auth(),
    });
  }
  const caller = { credentials: mockCredentials.user('user:default/linus') };

  it('needs hermes.drift.read for labelled findings and triage metrics', async () => {
    const denied = await service(AuthorizeResult.DENY);
    await expect(denied.listLabelledFindings({}, caller)).rejects.toThrow(
      'You may not read labelled drift findings (hermes.drift.read)',
    );
    await expect(denied.triageMetrics({}, caller)).rejects.toThrow(
      'You may not read drift triage metrics (hermes.drift.read)',
    );
    // Hermes itself (the learning job) asks without credentials.
    expect(await denied.listLabelledFindings()).toEqual([]);
    expect((await denied.triageMetrics()).map(m => m.cluster)).toEqual([
      'edge-eu',
    ]);

    const allowed = await service(AuthorizeResult.ALLOW);
    expect(await allowed.listLabelledFindings({}, caller)).toEqual([]);
    expect(await allowed.triageMetrics({ limit: 5 }, caller)).toHaveLength(1);
  });
});
