import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  hermesDriftEntityResolvePermission,
  hermesDriftReadPermission,
  hermesDriftResolvePermission,
} from '@hermes-backstage/plugin-hermes-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import request from 'supertest';
import { demoAudit } from '../__testUtils__/demo';
import {
  catalogAsSeenByCaller,
  policyModule,
} from '../__testUtils__/teamPortal';
import { hermesPlugin } from '../plugin';

/**
 * An organisation's policy for Hermes, not allow-all: grace (platform team) may do
 * everything; linus may resolve drift of entities he can read, and has no Hermes drift
 * permission of his own.
 */
class TeamPolicy implements PermissionPolicy {
  async handle(
    query: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const who = user?.info.userEntityRef;
    // Plugins acting as themselves, and grace, may do everything.
    if (!user || who === 'user:default/grace')
      return { result: AuthorizeResult.ALLOW };
    if (isPermission(query.permission, hermesDriftEntityResolvePermission))
      return { result: AuthorizeResult.ALLOW };
    if (
      isPermission(query.permission, hermesDriftReadPermission) ||
      isPermission(query.permission, hermesDriftResolvePermission)
    )
      return { result: AuthorizeResult.DENY };
    return { result: AuthorizeResult.ALLOW };
  }
}

const teamPolicy = policyModule(new TeamPolicy());

describe('drift findings under a permission policy', () => {
  jest.setTimeout(60_000);

  async function start() {
    const { server } = await startTestBackend({
      features: [
        hermesPlugin,
        catalogAsSeenByCaller,
        permissionPlugin,
        teamPolicy,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    { name: 'neuroscale-prod', url: 'https://127.0.0.1:1' },
                  ],
                },
              ],
            },
            hermes: {
              audits: [demoAudit],
            },
          },
        }),
      ],
    });
    const grace = mockCredentials.user.header('user:default/grace');
    const run = await request(server)
      .post('/api/hermes/drift/audits/demo/run')
      .set('Authorization', grace);
    expect(run.status).toBe(201);
    return server;
  }

  const names = (body: any) =>
    body.findings.map((f: any) => `${f.resource.kind}/${f.resource.name}`);

  it('shows each user only the drift they may see, and lets them resolve only that', async () => {
    const server = await start();
    const grace = mockCredentials.user.header('user:default/grace');
    const linus = mockCredentials.user.header('user:default/linus');

    const all = await request(server)
      .get('/api/hermes/drift/findings')
      .set('Authorization', grace);
    expect(all.status).toBe(200);
    expect(names(all.body)).toEqual(
      expect.arrayContaining([
        'InferenceService/fraud-detector',
        'ClusterPolicy/require-resource-limits',
        'Deployment/feature-server',
      ]),
    );

    // linus reads his team's workloads, not kyverno's, and no drift that maps to no entity.
    const his = await request(server)
      .get('/api/hermes/drift/findings')
      .set('Authorization', linus);
    expect(his.status).toBe(200);
    expect(names(his.body).sort()).toEqual([
      'InferenceService/fraud-detector',
      'Service/recommender-ranker-predictor',
    ]);
    const kyverno = await request(server)
      .get('/api/hermes/drift/findings?entityRef=component:default/kyverno')
      .set('Authorization', linus);
    expect(kyverno.status).toBe(404);

    // Whole audit reports hold every finding: they need hermes.drift.read.
    const audits = await request(server)
      .get('/api/hermes/drift/audits')
      .set('Authorization', linus);
    expect(audits.status).toBe(403);
    expect(audits.body.error.message).toBe(
      'You may not read drift audits (hermes.drift.read)',
    );

    const find = (name: string) =>
      all.body.findings.find((f: any) => f.resource.name === name).id;
    const resolve = (id: string) =>
      request(server)
        .post(`/api/hermes/drift/findings/${id}/resolution`)
        .set('Authorization', linus)
        .send({ resolution: 'harmless' });
    expect((await resolve(find('fraud-detector'))).status).toBe(204);
    const policy = await resolve(find('require-resource-limits'));
    expect(policy.status).toBe(403);
    expect(policy.body.error.message).toMatch(
      /^You may not resolve drift of component:default\/kyverno/,
    );
    const unmapped = await resolve(find('feature-server'));
    expect(unmapped.status).toBe(403);
    expect(unmapped.body.error.message).toBe(
      'You may not resolve drift that belongs to no catalog entity (hermes.drift.resolve)',
    );
    // Nothing was recorded for the refused ones. The resolved one left the open list.
    const open = await request(server)
      .get('/api/hermes/drift/findings')
      .set('Authorization', grace);
    expect(names(open.body)).not.toContain('InferenceService/fraud-detector');
    const after = await request(server)
      .get('/api/hermes/drift/findings?state=all')
      .set('Authorization', grace);
    const resolved = after.body.findings
      .filter((f: any) => f.history.lastResolution)
      .map((f: any) => f.resource.name);
    expect(resolved).toEqual(['fraud-detector']);
  });
});
