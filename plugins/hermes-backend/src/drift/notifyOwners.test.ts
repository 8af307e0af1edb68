import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DriftFinding } from '@hermes-backstage/plugin-hermes-common';
import { notifyOwnersOfCriticalDrift } from './notifyOwners';

const kyverno: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'kyverno',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'kyverno' },
  },
  spec: { owner: 'group:ml-platform' },
};

const critical: DriftFinding = {
  fingerprint: 'fp',
  cluster: 'prod',
  resource: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    name: 'require-resource-limits',
  },
  labels: { 'backstage.io/kubernetes-id': 'kyverno' },
  type: 'modified',
  changes: [],
  classification: 'critical',
  reason: 'admission control bypass',
};

describe('notifyOwnersOfCriticalDrift', () => {
  it('notifies the owners once the catalog has loaded, when it was empty at start-up', async () => {
    const entities: Entity[] = [];
    const catalog = catalogServiceMock.mock({
      getEntities: async () => ({ items: [...entities] }),
    });
    const sent: any[] = [];
    const notified = await notifyOwnersOfCriticalDrift({
      cluster: 'prod',
      findings: [critical],
      catalog,
      auth: mockServices.auth(),
      notifications: { send: async (n: any) => void sent.push(n) },
      logger: mockServices.logger.mock(),
      retryDelaysMs: [20, 20],
    });
    expect(notified).toEqual([]);
    expect(sent).toEqual([]);

    // The catalog finishes loading after the first try.
    entities.push(kyverno);
    for (let i = 0; i < 50 && sent.length === 0; i++)
      await new Promise(r => setTimeout(r, 10));
    expect(sent.map(n => n.recipients)).toEqual([
      { type: 'entity', entityRef: 'component:default/kyverno' },
    ]);
    // Once owners were found, nothing is sent again.
    await new Promise(r => setTimeout(r, 60));
    expect(sent).toHaveLength(1);
  });

  it('stops asking after the last retry', async () => {
    const getEntities = jest.fn(async () => ({ items: [] }));
    const logger = mockServices.logger.mock();
    await notifyOwnersOfCriticalDrift({
      cluster: 'prod',
      findings: [critical],
      catalog: catalogServiceMock.mock({ getEntities }),
      auth: mockServices.auth(),
      notifications: { send: jest.fn() },
      logger,
      retryDelaysMs: [10],
    });
    await new Promise(r => setTimeout(r, 80));
    expect(getEntities).toHaveBeenCalledTimes(2);
    expect(logger.info).toHaveBeenLastCalledWith(
      'Critical drift in prod: no catalog entity maps to a workload yet; nobody was notified',
    );
  });
});
