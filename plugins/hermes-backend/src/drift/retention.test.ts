import { DriftFinding } from '@hermes-backstage/plugin-hermes-common';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

const drift = (name: string, live: number): DriftFinding => ({
  fingerprint: `fp-${name}`,
  cluster: 'edge-eu',
  resource: { apiVersion: 'apps/v1', kind: 'Deployment', name },
  labels: {},
  type: 'modified',
  changes: [{ path: '/spec/replicas', desired: 1, live }],
  classification: 'unknown',
});

describe.each(databases.eachSupportedId())(
  'retention of drift audits on %s',
  databaseId => {
    // Only the clock is fake: the database drivers keep their timers.
    beforeEach(() =>
      jest.useFakeTimers({
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      }),
    );
    afterEach(() => jest.useRealTimers());

    it('deletes old runs no reader can reach, and keeps open findings, labelled findings and running runs', async () => {
      const knex = await databases.init(databaseId);
      const store = await KnexDriftStore.create({
        database: databaseService(knex),
      });
      const on = (day: number) => jest.setSystemTime(T0 + day * DAY);
      const audit = async (
        day: number,
        findings: DriftFinding[],
        name = 'apps',
      ) => {
        on(day);
        const id = await store.startAudit({
          name,
          cluster: 'edge-eu',
          trigger: 'schedule',
          desiredSource: 'git',
          liveSource: 'cluster',
        });
        await store.finishAudit(id, { findings, report: 'r', warnings: [] });
        return id;
      };
      on(0);
      const running = await store.startAudit({
        name: 'apps',
        cluster: 'edge-eu',
        trigger: 'manual',
        desiredSource: 'git',
        liveSource: 'cluster',
      });
      on(0.5);
      const failed = await store.startAudit({
        name: 'apps',
        cluster: 'edge-eu',
        trigger: 'manual',
        desiredSource: 'git',
        liveSource: 'cluster',
      });
      await store.failAudit(failed, 'unreachable');
      const a1 = await audit(1, [drift('hpa', 1)]);
      const [labelled] = await store.listFindings({ auditId: a1 });
      await store.resolveFinding(labelled.id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      const a2 = await audit(2, [drift('cart', 5)]); // hpa gone: its episode ends
      const a3 = await audit(3, [drift('cart', 5), drift('hpa', 1)]); // hpa back
      const a4 = await audit(4, [drift('cart', 7), drift('hpa', 1)]);
      const a5 = await audit(5, [drift('cart', 7), drift('hpa', 1)]);
      const o1 = await audit(1, [drift('kyverno', 1)], 'policies');
      const o2 = await audit(2, [], 'policies'); // kyverno gone, nothing seen

      const deleted = await store.deleteAuditsBefore(new Date(T0 + 4.5 * DAY));

      const cases: Array<[string, string, boolean]> = [
        ['a run still running', running, true],
        ['a failed run from before the cutoff', failed, false],
        ['the run of a finding a person labelled', a1, true],
        ['the first run of an open drift’s episode', a2, true],
        ['the first run of a version still seen after the cutoff', a3, true],
        ['the first run of the open finding’s current content', a4, true],
        ['a run from after the cutoff', a5, true],
        ['the run of a gone drift’s latest finding', o1, true],
        ['an old run that saw nothing still reachable', o2, false],
      ];
      for (const [name, id, kept] of cases)
        expect({ name, kept: !!(await store.getAudit(id)) }).toEqual({
          name,
          kept,
        });
      expect(deleted).toBe(2);

      // What readers reach is whole: open findings, the label's finding, each kept run.
      expect(
        (await store.listFindings({ state: 'open' })).map(f => [
          f.resource.name,
          f.changes[0].live,
        ]),
      ).toEqual([
        ['hpa', 1],
        ['cart', 7],
      ]);
      expect((await store.getFinding(labelled.id))!.resource.name).toBe('hpa');
      expect(
        (await store.listFindings({ auditId: a3 })).map(f => f.resource.name),
      ).toEqual(['hpa', 'cart']);
      expect(await store.deleteAuditsBefore(new Date(T0 + 4.5 * DAY))).toBe(0);
    });

    it('refuses a cutoff that is not a time', async () => {
      const knex = await databases.init(databaseId);
      const store = await KnexDriftStore.create({
        database: databaseService(knex),
      });
      await expect(
        store.deleteAuditsBefore(new Date('yesterday')),
      ).rejects.toThrow('cutoff: expected a valid time, got Invalid Date');
    });
  },
);
