import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { demoAudit } from '../__testUtils__/demo';
import { demoEntities } from '../__testUtils__/teamPortal';
import { hermesPlugin } from '../plugin';

// The findings API as the portal and the CLI call it: the demo audit on the real backend.
describe('GET and resolve /api/hermes/drift/findings', () => {
  jest.setTimeout(60_000);
  const ada = mockCredentials.user.header('user:default/ada');
  const bob = mockCredentials.user.header('user:default/bob');

  async function start(entities: Entity[] = []) {
    const { server } = await startTestBackend({
      features: [
        hermesPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: { hermes: { audits: [demoAudit] } },
        }),
      ],
    });
    const run = await request(server)
      .post('/api/hermes/drift/audits/demo/run')
      .set('Authorization', ada);
    expect(run.status).toBe(201);
    return server;
  }

  it('pages open findings with a total, and filters them', async () => {
    const server = await start();
    const get = (query: string) =>
      request(server)
        .get(`/api/hermes/drift/findings${query}`)
        .set('Authorization', ada);
    const all = await get('');
    expect(all.body).toMatchObject({ total: 6, limit: 50, offset: 0 });
    const names = all.body.findings.map((f: any) => f.resource.name);
    const first = await get('?limit=4');
    const rest = await get('?limit=4&offset=4');
    expect(first.body.findings.map((f: any) => f.resource.name)).toEqual(
      names.slice(0, 4),
    );
    expect(rest.body).toMatchObject({ total: 6, offset: 4 });
    expect(rest.body.findings.map((f: any) => f.resource.name)).toEqual(
      names.slice(4),
    );

    const { classification } = all.body.findings[0];
    const same = await get(
      `?classification=${classification}&cluster=neuroscale-prod`,
    );
    expect(same.body.total).toBe(
      all.body.findings.filter((f: any) => f.classification === classification)
        .length,
    );
    expect(
      same.body.findings.every((f: any) => f.classification === classification),
    ).toBe(true);
    expect((await get('?cluster=elsewhere')).body.total).toBe(0);
    const namespace = all.body.findings.find((f: any) => f.resource.namespace)
      .resource.namespace;
    const inNamespace = await get(`?namespace=${namespace}`);
    expect(inNamespace.body.total).toBeGreaterThan(0);
    expect(
      inNamespace.body.findings.every(
        (f: any) => f.resource.namespace === namespace,
      ),
    ).toBe(true);
    // Drift of no catalog entity is listed too (this catalog is empty).
    expect(names).toContain('feature-server');

    const bad = await get('?limit=0&state=gone');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^Invalid findings query: /);
    expect(bad.body.error.message).toContain('state');
    expect(bad.body.error.message).toContain('limit');
  });

  it("filters by owner: the drift of the owner's workload entities", async () => {
    const server = await start(demoEntities);
    const names = async (query: string) => {
      const res = await request(server)
        .get(`/api/hermes/drift/findings${query}`)
        .set('Authorization', ada);
      expect(res.status).toBe(200);
      return res.body.findings.map((f: any) => f.resource.name).sort();
    };
    // fraud-detector is the ranking team's; kyverno and the model registry are ml-platform's.
    expect(await names('?owner=group:default/ranking')).toEqual([
      'fraud-detector',
      'recommender-ranker-predictor',
    ]);
    expect(await names('?owner=ml-platform')).toEqual([
      'allow-debug-pods',
      'model-registry-credentials',
      'require-resource-limits',
    ]);
    expect(await names('?owner=group:default/nobody')).toEqual([]);
    const bad = await request(server)
      .get('/api/hermes/drift/findings?owner=group:')
      .set('Authorization', ada);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^owner: /);
  });

  it('resolves and silences with a comment and ticket, and undoes for the author', async () => {
    const server = await start();
    const list = async (query = '') =>
      (
        await request(server)
          .get(`/api/hermes/drift/findings${query}`)
          .set('Authorization', ada)
      ).body;
    const policy = (await list()).findings.find(
      (f: any) => f.resource.name === 'require-resource-limits',
    );
    const resolve = (body: object, who = ada) =>
      request(server)
        .post(`/api/hermes/drift/findings/${policy.id}/resolution`)
        .set('Authorization', who)
        .send(body);
    const far = new Date(Date.now() + 100 * 86_400_000).toISOString();
    const tooLong = await resolve({
      resolution: 'harmless',
      silenceUntil: far,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(
      /^silenceUntil: at most 90 days/,
    );

    const until = new Date(Date.now() + 86_400_000).toISOString();
    const silenced = await resolve({
      resolution: 'harmless',
      comment: 'waiting for the upgrade',
      ticket: 'https://tickets.example/OPS-7',
      silenceUntil: until,
    });
    expect(silenced.status).toBe(204);
    expect((await list()).total).toBe(5);
    const [hidden] = (await list('?state=silenced')).findings;
    expect(hidden).toMatchObject({
      state: 'silenced',
      silenceUntil: until,
      resolution: {
        resolution: 'harmless',
        userRef: 'user:default/ada',
        comment: 'waiting for the upgrade',
        ticket: 'https://tickets.example/OPS-7',
        silenceUntil: until,
      },
    });

    // bob did not record it: the default permission policy lets him read drift, so he may.
    const undoneByAdmin = await request(server)
      .delete(`/api/hermes/drift/findings/${policy.id}/resolution`)
      .set('Authorization', bob);
    expect(undoneByAdmin.status).toBe(200);
    expect(undoneByAdmin.body.undone).toMatchObject({
      resolution: 'harmless',
      undoneBy: 'user:default/bob',
    });
    expect((await list()).total).toBe(6);
    const nothing = await request(server)
      .delete(`/api/hermes/drift/findings/${policy.id}/resolution`)
      .set('Authorization', ada);
    expect(nothing.status).toBe(404);
  });
});
