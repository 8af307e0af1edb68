import { DriftFinding } from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();

/** A finding version first and last seen `days` ago. */
const ago = (days: number) => {
  const at = new Date(Date.now() - days * 86_400_000);
  return { found_at: at, last_seen_at: at };
};

/** A ClusterPolicy edited by hand; `name` makes a distinct drift (fingerprint). */
const policyEdit = (
  name: string,
  overrides: Partial<DriftFinding> = {},
): DriftFinding => ({
  fingerprint: `fp-${name}`,
  cluster: 'neuroscale-prod',
  resource: { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', name },
  labels: {},
  type: 'modified',
  changes: [{ path: '/spec/rules', desired: ['Enforce'], live: ['Audit'] }],
  classification: 'critical',
  attribution: {
    manager: 'kubectl-edit',
    operation: 'Update',
    time: '2026-11-24T03:12:00Z',
    class: 'human',
  },
  ...overrides,
});

describe.each(databases.eachSupportedId())(
  'similar drift in the store on %s',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      const store = await KnexDriftStore.create({
        database: databaseService(knex),
      });
      const audit = async (findings: DriftFinding[]) => {
        const id = await store.startAudit({
          cluster: 'neuroscale-prod',
          trigger: 'manual',
          desiredSource: 'git',
          liveSource: 'snapshot',
        });
        await store.finishAudit(id, { findings, report: '', warnings: [] });
        return store.listFindings({ auditId: id });
      };
      return { knex, store, audit };
    }

    it('counts earlier manual edits of the same kind once each, with how they were resolved', async () => {
      const { knex, store, audit } = await setUp();
      const [limits] = await audit([policyEdit('require-limits')]);
      // Re-running audits finds the same drift again: still one similar drift, not three.
      await audit([policyEdit('require-limits')]);
      await audit([policyEdit('require-limits')]);
      const labels = (
        await audit([
          policyEdit('require-limits'),
          policyEdit('require-labels'),
        ])
      ).find(f => f.resource.name === 'require-labels')!;
      await store.resolveFinding(limits.id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      // The latest label counts.
      await store.resolveFinding(limits.id, {
        resolution: 'reverted',
        userRef: 'user:default/bob',
      });
      await store.resolveFinding(labels.id, {
        resolution: 'reverted',
        userRef: 'user:default/ana',
      });
      // Not similar: a controller's edit, another kind, a creation, another cluster, and a
      // manual edit older than the window.
      await audit([
        policyEdit('by-controller', {
          attribution: {
            manager: 'kyverno',
            operation: 'Update',
            class: 'controller',
          },
        }),
        policyEdit('a-deployment', {
          resource: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' },
        }),
        policyEdit('created', { type: 'extra', changes: [] }),
        policyEdit('elsewhere', { cluster: 'neuroscale-staging' }),
        policyEdit('long-ago'),
      ]);
      await knex('hermes_drift_findings')
        .where({ fingerprint: 'fp-long-ago' })
        .update(ago(20));

      const today = policyEdit('require-signatures');
      const similar = await store.similarHistory([today]);
      expect(similar.get(today.fingerprint)).toEqual({
        count: 3,
        resolutions: { harmless: 0, reverted: 2, committed: 0, critical: 0 },
        unresolved: 0,
        description:
          '3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting',
      });
      // A shorter window leaves out what is older.
      await knex('hermes_drift_findings')
        .where({ fingerprint: 'fp-require-labels' })
        .update(ago(5));
      expect(
        (await store.similarHistory([today], 3)).get(today.fingerprint)
          ?.description,
      ).toBe(
        '2nd manual ClusterPolicy edit in 3 days; the previous one resolved by reverting',
      );
      // The controller's edit has nothing similar.
      expect(
        (
          await store.similarHistory([
            policyEdit('by-controller', {
              attribution: {
                manager: 'kyverno',
                operation: 'Update',
                class: 'controller',
              },
            }),
          ])
        ).size,
      ).toBe(0);
    });

    it('gives listed findings their similar drift, as the entity Drift tab shows it', async () => {
      const { store, audit } = await setUp();
      const [first] = await audit([policyEdit('require-limits')]);
      await store.resolveFinding(first.id, {
        resolution: 'committed',
        userRef: 'user:default/ada',
      });
      const listed = await audit([
        policyEdit('require-limits'),
        policyEdit('require-labels'),
        policyEdit('lonely', {
          resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'lonely' },
        }),
      ]);
      const byName = new Map(listed.map(f => [f.resource.name, f.history]));
      expect(byName.get('require-labels')?.similar?.description).toBe(
        '2nd manual ClusterPolicy edit in 14 days; the previous one resolved by committing to Git',
      );
      // Its own label is the same drift's history, not a similar one's. Still drifting after
      // "committed", it is one episode, reopened.
      expect(
        listed.find(f => f.resource.name === 'require-limits'),
      ).toMatchObject({ state: 'open', verification: 'contradicted' });
      expect(byName.get('require-limits')).toMatchObject({
        seen: 1,
        lastResolution: { resolution: 'committed' },
        similar: {
          count: 2,
          unresolved: 1,
          description:
            '2nd manual ClusterPolicy edit in 14 days; the previous one not resolved',
        },
      });
      expect(byName.get('lonely')?.similar).toBeUndefined();
    });
  },
);
