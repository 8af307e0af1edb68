import { DriftFinding } from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();

const finding = (overrides: Partial<DriftFinding> = {}): DriftFinding => ({
  fingerprint: 'fp-policy',
  cluster: 'neuroscale-prod',
  resource: {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    name: 'require-resource-limits',
  },
  labels: { 'backstage.io/kubernetes-id': 'kyverno' },
  type: 'modified',
  changes: [{ path: '/spec/rules', desired: ['Enforce'], live: ['Audit'] }],
  classification: 'critical',
  skill: 'kyverno-drift-response',
  reason: 'admission control bypass',
  attribution: {
    manager: 'kubectl-edit',
    operation: 'Update',
    time: '2026-11-24T03:12:00Z',
    class: 'human',
  },
  ...overrides,
});

describe.each(databases.eachSupportedId())(
  'KnexDriftStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      return KnexDriftStore.create({ database: databaseService(knex) });
    }

    const source = {
      cluster: 'neuroscale-prod',
      trigger: 'manual' as const,
      desiredSource: 'git',
      liveSource: 'snapshot',
    };

    it('records an audit run with its report, summary and findings', async () => {
      const store = await createStore();
      const id = await store.startAudit(source);
      expect(await store.getAudit(id)).toMatchObject({
        status: 'running',
        cluster: 'neuroscale-prod',
      });

      await store.finishAudit(id, {
        findings: [
          finding(),
          finding({
            fingerprint: 'fp-ksvc',
            classification: 'harmless',
            resource: {
              apiVersion: 'serving.knative.dev/v1',
              kind: 'Service',
              namespace: 'serving-stack',
              name: 'ranker',
            },
          }),
        ],
        report: 'Drift Audit — ...',
        warnings: ['kustomize "images" is not applied'],
      });
      expect(await store.getAudit(id)).toMatchObject({
        status: 'succeeded',
        report: 'Drift Audit — ...',
        summary: { critical: 1, unknown: 0, harmless: 1 },
        warnings: ['kustomize "images" is not applied'],
        finishedAt: expect.any(String),
      });
      const findings = await store.listFindings({ auditId: id });
      expect(
        findings.map(f => [f.resource.kind, f.classification, f.history.seen]),
      ).toEqual([
        ['ClusterPolicy', 'critical', 1],
        ['Service', 'harmless', 1],
      ]);
      expect(findings[0]).toMatchObject({
        attribution: { manager: 'kubectl-edit', class: 'human' },
        changes: finding().changes,
      });
      expect(findings[1].resource.namespace).toBe('serving-stack');
      expect(findings[0].labels).toEqual({
        'backstage.io/kubernetes-id': 'kyverno',
      });
    });

    it('counts the same drift across audits and remembers how it was resolved', async () => {
      const store = await createStore();
      for (let run = 0; run < 3; run++) {
        const id = await store.startAudit(source);
        await store.finishAudit(id, {
          findings: [finding()],
          report: '',
          warnings: [],
        });
      }
      // The latest audit of each cluster, by default.
      const [latest] = await store.listFindings();
      expect(latest.history.seen).toBe(3);
      await store.resolveFinding(latest.id, {
        resolution: 'reverted',
        note: 'restored Enforce',
        userRef: 'user:default/ada',
      });
      const [again] = await store.listFindings();
      expect(again.history.lastResolution).toEqual({
        resolution: 'reverted',
        note: 'restored Enforce',
        userRef: 'user:default/ada',
        at: expect.any(String),
      });
      expect((await store.listAudits()).length).toBe(3);
    });

    it('narrows findings to an entity by its labels and namespace in the query', async () => {
      const store = await createStore();
      const id = await store.startAudit(source);
      const workload = (
        name: string,
        namespace: string | undefined,
        labels: Record<string, string>,
      ) =>
        finding({
          fingerprint: `fp-${name}`,
          resource: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace,
            name,
          },
          labels,
        });
      await store.finishAudit(id, {
        findings: [
          workload('scorer', 'ml', { app: 'scorer', tier: 'api' }),
          workload('scorer-staging', 'ml-staging', { app: 'scorer' }),
          // LIKE's wildcards in a value match only themselves.
          workload('lookalike', 'ml', { app: 'sc_rer' }),
          workload('other', 'ml', { app: 'ranker' }),
          workload('cluster-wide', undefined, { app: 'scorer' }),
        ],
        report: '',
        warnings: [],
      });
      const names = async (entity: {
        labels: Record<string, string>;
        namespace?: string;
      }) => (await store.listFindings({ entity })).map(f => f.resource.name);

      expect(await names({ labels: { app: 'scorer' } })).toEqual([
        'scorer',
        'scorer-staging',
        'cluster-wide',
      ]);
      expect(
        await names({ labels: { app: 'scorer' }, namespace: 'ml' }),
      ).toEqual(['scorer', 'cluster-wide']);
      expect(await names({ labels: { app: 'sc_rer' } })).toEqual(['lookalike']);
      expect(await names({ labels: { app: 'scorer', tier: 'api' } })).toEqual([
        'scorer',
      ]);
      expect(await names({ labels: { app: 's%' } })).toEqual([]);
    });

    it('keeps only successful writes of audit events, without request bodies', async () => {
      const store = await createStore();
      const base = {
        stage: 'ResponseComplete',
        user: { username: 'ops-admin' },
        objectRef: {
          apiGroup: 'kyverno.io',
          resource: 'clusterpolicies',
          name: 'require-resource-limits',
        },
        requestURI:
          '/apis/kyverno.io/v1/clusterpolicies/require-resource-limits?fieldManager=kubectl-edit',
        stageTimestamp: '2026-11-24T03:12:00.412Z',
        responseStatus: { code: 200 },
        requestObject: { spec: { secret: 'must-not-be-stored' } },
      };
      const stored = await store.addAuditEvents('neuroscale-prod', [
        { ...base, verb: 'update' },
        { ...base, verb: 'get' },
        { ...base, verb: 'patch', responseStatus: { code: 409 } },
      ] as any);
      expect(stored).toBe(1);
      const events = await store.listAuditEvents(
        'neuroscale-prod',
        new Date('2026-11-01T00:00:00Z'),
      );
      expect(events).toEqual([
        {
          verb: 'update',
          stage: 'ResponseComplete',
          user: { username: 'ops-admin' },
          objectRef: {
            apiGroup: 'kyverno.io',
            resource: 'clusterpolicies',
            name: 'require-resource-limits',
          },
          requestURI: '?fieldManager=kubectl-edit',
          stageTimestamp: '2026-11-24T03:12:00.412Z',
        },
      ]);
      expect(JSON.stringify(events)).not.toContain('must-not-be-stored');
      expect(await store.listAuditEvents('other-cluster', new Date(0))).toEqual(
        [],
      );
    });

    it('keeps failed runs with their error and rejects resolutions of unknown findings', async () => {
      const store = await createStore();
      const id = await store.startAudit(source);
      await store.failAudit(id, 'cannot read desired state', ['w']);
      expect(await store.getAudit(id)).toMatchObject({
        status: 'failed',
        error: 'cannot read desired state',
        warnings: ['w'],
      });
      expect(await store.listFindings()).toEqual([]);
      await expect(
        store.resolveFinding('999', {
          resolution: 'harmless',
          userRef: 'user:default/ada',
        }),
      ).rejects.toThrow('No drift finding with id 999');
      await expect(
        store.resolveFinding('abc', {
          resolution: 'harmless',
          userRef: 'user:default/ada',
        }),
      ).rejects.toThrow('No drift finding with id abc');
    });
  },
);
