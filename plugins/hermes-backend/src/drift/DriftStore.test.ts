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

    it('counts the same drift once across audits while it lasts, and remembers how it was resolved', async () => {
      const store = await createStore();
      for (let run = 0; run < 3; run++) {
        const id = await store.startAudit(source);
        await store.finishAudit(id, {
          findings: [finding()],
          report: '',
          warnings: [],
        });
      }
      // Each drift once, as its latest audit found it; three runs of one episode are seen once.
      const [latest] = await store.listFindings();
      expect(latest.history).toMatchObject({ seen: 1, episodes: 1 });
      expect(Date.parse(latest.history.lastSeen!)).toBeGreaterThan(
        Date.parse(latest.history.firstSeen!),
      );
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

    it('keeps every label of the same drift, oldest first, with who and when', async () => {
      const store = await createStore();
      const run = async () => {
        const id = await store.startAudit(source);
        await store.finishAudit(id, {
          findings: [finding()],
          report: '',
          warnings: [],
        });
        return (await store.listFindings({ auditId: id }))[0];
      };
      const first = await run();
      await store.resolveFinding(first.id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      const second = await run();
      await store.resolveFinding(second.id, {
        resolution: 'reverted',
        note: 'restored Enforce',
        userRef: 'user:default/bob',
      });
      await store.resolveFinding(second.id, {
        resolution: 'critical',
        userRef: 'user:default/ana',
      });
      const [latest] = await store.listFindings();
      expect(latest.history.labels).toEqual([
        {
          resolution: 'harmless',
          userRef: 'user:default/ada',
          at: expect.any(String),
        },
        {
          resolution: 'reverted',
          note: 'restored Enforce',
          userRef: 'user:default/bob',
          at: expect.any(String),
        },
        {
          resolution: 'critical',
          userRef: 'user:default/ana',
          at: expect.any(String),
        },
      ]);
      const times = latest.history.labels.map(l => Date.parse(l.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(latest.history.lastResolution).toEqual(latest.history.labels[2]);
      // Other drift has no labels.
      const other = await store.startAudit(source);
      await store.finishAudit(other, {
        findings: [finding({ fingerprint: 'fp-other' })],
        report: '',
        warnings: [],
      });
      const [unlabelled] = await store.listFindings({ auditId: other });
      // `seen` counts this drift's own episodes: it is new. Its labels are its own; the
      // labelled drift on the same object is similar drift.
      expect(unlabelled.history).toEqual({
        seen: 1,
        windowDays: 14,
        labels: [],
        firstSeen: expect.any(String),
        lastSeen: expect.any(String),
        episodes: 1,
        previousEpisodes: [],
        similar: {
          count: 2,
          resolutions: { harmless: 0, reverted: 0, committed: 0, critical: 1 },
          unresolved: 0,
          description:
            '2nd manual ClusterPolicy edit in 14 days; the previous one marked critical',
        },
      });
    });

    it('lists labelled drift for the learning loop: the latest finding of each, with its labels', async () => {
      const store = await createStore();
      const audit = async (findings: DriftFinding[]) => {
        const id = await store.startAudit(source);
        await store.finishAudit(id, { findings, report: '', warnings: [] });
        return store.listFindings({ auditId: id });
      };
      const replicas = finding({
        fingerprint: 'fp-replicas',
        classification: 'unknown',
        skill: undefined,
        reason: undefined,
        resource: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'serving-stack',
          name: 'feature-server',
        },
        changes: [{ path: '/spec/replicas', desired: 2, live: 5 }],
      });
      const [policy1, replicas1] = await audit([
        finding(),
        {
          ...replicas,
          suggestion: {
            classification: 'harmless',
            reason: 'HPA',
            confidence: 0.8,
            model: 'local/m',
          },
        } as DriftFinding,
        finding({ fingerprint: 'fp-never-labelled' }),
      ]);
      expect(replicas1.suggestion).toEqual({
        classification: 'harmless',
        reason: 'HPA',
        confidence: 0.8,
        model: 'local/m',
      });
      await store.resolveFinding(policy1.id, {
        resolution: 'reverted',
        userRef: 'user:default/ada',
      });
      await store.resolveFinding(replicas1.id, {
        resolution: 'harmless',
        userRef: 'user:default/bob',
      });
      // Timestamps have millisecond precision: the cut falls strictly between the labels.
      await new Promise(resolve => setTimeout(resolve, 5));
      const cut = new Date();
      await new Promise(resolve => setTimeout(resolve, 5));
      const [, replicas2] = await audit([
        finding(),
        {
          ...replicas,
          changes: [{ path: '/spec/replicas', desired: 2, live: 7 }],
        },
      ]);
      await store.resolveFinding(replicas2.id, {
        resolution: 'harmless',
        note: 'autoscaler',
        userRef: 'user:default/ana',
      });

      const labelled = await store.listLabelledFindings();
      expect(
        labelled.map(l => [
          l.finding.fingerprint,
          l.label,
          l.labels.map(x => x.userRef),
        ]),
      ).toEqual([
        ['fp-policy', 'reverted', ['user:default/ada']],
        ['fp-replicas', 'harmless', ['user:default/bob', 'user:default/ana']],
      ]);
      // The policy's latest finding is the second audit's; the drift as stored, in full.
      const [policy, latestReplicas] = labelled;
      expect(policy.auditId).toBe(replicas2.auditId);
      expect(policy.finding).toEqual(finding());
      expect(latestReplicas).toEqual({
        id: replicas2.id,
        auditId: replicas2.auditId,
        foundAt: expect.any(String),
        finding: {
          ...replicas,
          changes: [{ path: '/spec/replicas', desired: 2, live: 7 }],
        },
        label: 'harmless',
        labels: [
          {
            resolution: 'harmless',
            userRef: 'user:default/bob',
            at: expect.any(String),
          },
          {
            resolution: 'harmless',
            userRef: 'user:default/ana',
            at: expect.any(String),
          },
        ],
      });
      expect(
        (await store.listLabelledFindings({ since: cut })).map(
          l => l.finding.fingerprint,
        ),
      ).toEqual(['fp-replicas']);
      expect(
        await store.listLabelledFindings({
          since: new Date(Date.now() + 60_000),
        }),
      ).toEqual([]);
    });

    it('measures each audit: findings by rule, by suggestion and unknown, and model usage', async () => {
      const store = await createStore();
      expect(await store.triageMetrics()).toEqual([]);
      const suggested = {
        ...finding({
          fingerprint: 'fp-s',
          classification: 'unknown',
          skill: undefined,
        }),
        suggestion: {
          classification: 'critical' as const,
          reason: 'r',
          confidence: 0.5,
          model: 'local/m',
        },
      };
      const ids: string[] = [];
      for (let run = 0; run < 3; run++) {
        // Audits are ordered by start time, in milliseconds.
        await new Promise(resolve => setTimeout(resolve, 3));
        const id = await store.startAudit(source);
        ids.push(id);
        await store.finishAudit(id, {
          findings: [
            finding(),
            finding({ fingerprint: 'fp-h', classification: 'harmless' }),
            ...(run < 2 ? [suggested] : []),
            finding({
              fingerprint: 'fp-u',
              classification: 'unknown',
              skill: undefined,
            }),
          ],
          report: '',
          warnings: [],
          // The last run had no model configured.
          ...(run < 2
            ? { triageModel: { calls: 1, findings: 2, tokens: 150 + run } }
            : {}),
        });
      }
      // A failed run has nothing to measure.
      await store.failAudit(await store.startAudit(source), 'unreachable');
      expect(await store.triageMetrics()).toEqual(
        ids.map((auditId, run) => ({
          auditId,
          cluster: 'neuroscale-prod',
          startedAt: expect.any(String),
          findings: run < 2 ? 4 : 3,
          byRule: 2,
          bySuggestion: run < 2 ? 1 : 0,
          unknown: 1,
          modelCalls: run < 2 ? 1 : 0,
          modelTokens: run < 2 ? 150 + run : 0,
        })),
      );
      expect((await store.getAudit(ids[0]))!.triageModel).toEqual({
        calls: 1,
        findings: 2,
        tokens: 150,
      });
      expect((await store.getAudit(ids[2]))!.triageModel).toBeUndefined();
      expect(
        (await store.triageMetrics({ limit: 2 })).map(m => m.auditId),
      ).toEqual(ids.slice(1));
      await expect(store.triageMetrics({ limit: 0 })).rejects.toThrow(
        'limit: expected 1 to 1000 audits, got 0',
      );
    });
  },
);
