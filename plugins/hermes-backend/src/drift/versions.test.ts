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
  classification: 'unknown',
  attribution: {
    manager: 'kubectl-edit',
    operation: 'Update',
    time: '2026-11-24T03:12:00Z',
    class: 'human',
  },
  ...overrides,
});

const replicas = (live: number, extra: Partial<DriftFinding> = {}) =>
  finding({
    fingerprint: 'fp-replicas',
    resource: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
    },
    changes: [{ path: '/spec/replicas', desired: 2, live }],
    ...extra,
  });

describe.each(databases.eachSupportedId())(
  'finding versions on %s',
  databaseId => {
    async function setUp() {
      const knex = await databases.init(databaseId);
      const store = await KnexDriftStore.create({
        database: databaseService(knex),
      });
      const start = (name = 'prod') =>
        store.startAudit({
          name,
          cluster: 'neuroscale-prod',
          trigger: 'schedule',
          desiredSource: 'git',
          liveSource: 'cluster',
        });
      const finish = (
        id: string,
        findings: DriftFinding[],
        reportsExtra?: boolean,
      ) =>
        store.finishAudit(id, {
          findings,
          report: '',
          warnings: [],
          reportsExtra,
        });
      const audit = async (findings: DriftFinding[], name = 'prod') => {
        const id = await start(name);
        await finish(id, findings);
        return id;
      };
      const rows = async () =>
        Number((await knex('hermes_drift_findings').count({ n: '*' }))[0].n);
      /** What a person reading one audit's findings sees: which object, how, and the row. */
      const seenBy = async (auditId: string) =>
        (await store.listFindings({ auditId })).map(f => ({
          id: f.id,
          auditId: f.auditId,
          name: f.resource.name,
          classification: f.classification,
          changes: f.changes,
        }));
      return { knex, store, start, finish, audit, rows, seenBy };
    }

    it('stores one row for a finding three audits saw unchanged, and lists it for each', async () => {
      const { store, audit, rows, seenBy } = await setUp();
      const ids = [
        await audit([finding()]),
        await audit([finding()]),
        await audit([finding()]),
      ];
      expect(await rows()).toBe(1);
      const listed = await Promise.all(ids.map(seenBy));
      expect(listed.map(l => l.map(f => f.auditId))).toEqual(
        ids.map(id => [id]),
      );
      expect(new Set(listed.map(l => l[0].id)).size).toBe(1);
      const [latest] = await store.listFindings();
      expect(latest).toMatchObject({ id: listed[0][0].id, auditId: ids[2] });
      expect(latest.history).toMatchObject({ seen: 1, episodes: 1 });
      // Learning metrics still count each run's findings.
      expect(
        (await store.triageMetrics()).map(m => [m.auditId, m.findings]),
      ).toEqual(ids.map(id => [id, 1]));
    });

    it('adds a version when the content changes, and the earlier audit still shows what it saw', async () => {
      const { store, audit, rows, seenBy } = await setUp();
      const first = await audit([replicas(5)]);
      const second = await audit([replicas(7)]);
      // A rule approved since: the same change now classified by a skill.
      const third = await audit([
        replicas(7, { classification: 'harmless', skill: 'autoscaler' }),
      ]);
      const fourth = await audit([
        replicas(7, { classification: 'harmless', skill: 'autoscaler' }),
      ]);
      expect(await rows()).toBe(3);
      expect((await seenBy(first))[0]).toMatchObject({
        classification: 'unknown',
        changes: [{ path: '/spec/replicas', desired: 2, live: 5 }],
      });
      expect((await seenBy(second))[0]).toMatchObject({
        classification: 'unknown',
        changes: [{ path: '/spec/replicas', desired: 2, live: 7 }],
      });
      expect((await seenBy(third))[0].classification).toBe('harmless');
      expect((await seenBy(fourth))[0].id).toBe((await seenBy(third))[0].id);
      // Still one drift in one episode.
      const [latest] = await store.listFindings();
      expect(latest.history).toMatchObject({ episodes: 1 });
      expect(latest.classification).toBe('harmless');
    });

    it('starts a new episode and a new row for drift that went away and came back', async () => {
      const { store, audit, rows, seenBy } = await setUp();
      const first = await audit([finding(), replicas(5)]);
      const gone = await audit([finding()]);
      const back = await audit([finding(), replicas(5)]);
      expect(await rows()).toBe(3);
      expect((await seenBy(gone)).map(f => f.name)).toEqual([
        'require-resource-limits',
      ]);
      const [before] = (await seenBy(first)).filter(f => f.name === 'cart');
      const [after] = (await seenBy(back)).filter(f => f.name === 'cart');
      expect(after.id).not.toBe(before.id);
      const latest = (await store.listFindings()).find(
        f => f.resource.name === 'cart',
      )!;
      expect(latest.history.episodes).toBe(2);
      expect(latest.history.previousEpisodes).toHaveLength(1);
    });

    it('keeps a label on the row the person saw when the finding changes later', async () => {
      const { store, audit, seenBy } = await setUp();
      const first = await audit([replicas(5)]);
      const [seen] = await seenBy(first);
      await store.resolveFinding(seen.id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      await audit([replicas(5)]);
      const changed = await audit([replicas(9)]);
      const [now] = await seenBy(changed);
      expect(now.id).not.toBe(seen.id);
      const [latest] = await store.listFindings({ state: undefined });
      expect(latest.id).toBe(now.id);
      expect(latest.events?.map(e => e.findingId)).toEqual([seen.id]);
      expect((await store.getFinding(seen.id))!.changes).toEqual([
        { path: '/spec/replicas', desired: 2, live: 5 },
      ]);
    });

    it('lists exactly each audit’s findings when audits of two scopes on one cluster interleave', async () => {
      const { start, finish, rows, seenBy } = await setUp();
      const policies = [finding()];
      const apps = [replicas(5)];
      const ids: Array<[string, string]> = [];
      for (let i = 0; i < 3; i++) {
        const a = await start('apps');
        const p = await start('policies');
        await finish(p, policies);
        await finish(a, apps);
        ids.push([a, p]);
      }
      expect(await rows()).toBe(2);
      for (const [a, p] of ids) {
        expect((await seenBy(a)).map(f => f.name)).toEqual(['cart']);
        expect((await seenBy(p)).map(f => f.name)).toEqual([
          'require-resource-limits',
        ]);
      }
    });

    it('lists exactly each audit’s findings when two runs of one audit finish out of order', async () => {
      const { start, finish, seenBy } = await setUp();
      const early = await start();
      const late = await start();
      await finish(late, [replicas(5), finding()]);
      await finish(early, [replicas(7)]);
      const after = await start();
      await finish(after, [replicas(7)]);
      expect((await seenBy(late)).map(f => f.changes[0].live)).toEqual([
        5,
        ['Audit'],
      ]);
      expect((await seenBy(early)).map(f => f.changes[0].live)).toEqual([7]);
      expect((await seenBy(after)).map(f => f.changes[0].live)).toEqual([7]);
    });

    it('does not carry drift across an audit that could not look for it', async () => {
      const { start, finish, rows, seenBy } = await setUp();
      const created = finding({
        fingerprint: 'fp-extra',
        type: 'extra',
        changes: [],
      });
      const first = await start();
      await finish(first, [created]);
      // Git could not be read whole: objects not in Git were not looked for, nor closed.
      const blind = await start();
      await finish(blind, [], false);
      const third = await start();
      await finish(third, [created]);
      expect(await seenBy(blind)).toEqual([]);
      expect(await seenBy(first)).toHaveLength(1);
      expect(await seenBy(third)).toHaveLength(1);
      expect(await rows()).toBe(2);
    });

    it('lists nothing for a failed or running audit', async () => {
      const { store, audit, start, seenBy } = await setUp();
      await audit([finding()]);
      const running = await start();
      const failed = await start();
      await store.failAudit(failed, 'cluster unreachable');
      await audit([finding()]);
      expect(await seenBy(running)).toEqual([]);
      expect(await seenBy(failed)).toEqual([]);
    });
  },
);
