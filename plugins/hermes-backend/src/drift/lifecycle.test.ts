import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { AuditDefinition } from './definitions';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');

// A GitOps folder and a cluster snapshot on disk; each test edits the snapshot between audits
// as someone editing the cluster would.
const configMap = (name: string, level: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: shop }\ndata: { level: "${level}" }\n`;

describe.each(databases.eachSupportedId())(
  'the lifecycle of drift on %s',
  databaseId => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-lifecycle-'));
      for (const sub of ['git', 'live']) fs.mkdirSync(path.join(dir, sub));
      fs.mkdirSync(path.join(dir, 'git', '.git'));
      for (const name of ['settings', 'flags'])
        fs.writeFileSync(
          path.join(dir, 'git', `${name}.yaml`),
          configMap(name, 'info'),
        );
      live({ settings: 'debug', flags: 'trace' });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The cluster as it is now: each ConfigMap's level ("info" is what Git says). */
    function live(levels: Record<string, string>) {
      for (const f of fs.readdirSync(path.join(dir, 'live')))
        fs.rmSync(path.join(dir, 'live', f));
      for (const [name, level] of Object.entries(levels))
        fs.writeFileSync(
          path.join(dir, 'live', `${name}.yaml`),
          configMap(name, level),
        );
    }

    async function setUp() {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const logger = mockServices.logger.mock();
      const config = mockServices.rootConfig({ data: {} });
      const audit: AuditDefinition = {
        name: 'shop',
        cluster: 'edge-eu',
        desired: { directory: path.join(dir, 'git') },
        liveSnapshot: path.join(dir, 'live'),
        watchedKinds: [],
        ignoreDifferences: [],
      };
      const drift = new DefaultDriftService({
        store: await KnexDriftStore.create({ database }),
        catalog: catalogServiceMock(),
        skills: await DefaultSkillsService.create({ config, database, logger }),
        urlReader: mockServices.urlReader.mock(),
        logger,
        clusters: [],
        audits: [audit],
      });
      const run = async () => {
        const result = await drift.runAudit('shop', 'manual');
        expect(result.status).toBe('succeeded');
        return result;
      };
      const find = async (name: string, state?: 'all') =>
        (await drift.listFindings({ credentials: ada, state })).find(
          f => f.resource.name === name,
        );
      return { drift, run, find };
    }

    it('reopens drift marked reverted that the next audit still finds, saying who and when', async () => {
      const { drift, run, find } = await setUp();
      await run();
      const settings = (await find('settings'))!;
      expect(settings).toMatchObject({ state: 'open' });
      await drift.resolveFinding(settings.id, {
        resolution: 'reverted',
        comment: 'set back to info',
        ticket: 'https://tickets.example/OPS-12',
        userRef: 'user:default/ada',
      });
      // Resolved drift leaves the open list at once.
      expect(await find('settings')).toBeUndefined();
      expect(await find('settings', 'all')).toMatchObject({
        state: 'resolved',
        resolution: {
          resolution: 'reverted',
          userRef: 'user:default/ada',
          comment: 'set back to info',
          ticket: 'https://tickets.example/OPS-12',
        },
      });

      const second = await run();
      expect(await find('settings')).toMatchObject({
        state: 'open',
        verification: 'contradicted',
        stateReason:
          'marked reverted by user:default/ada just now, still drifting',
      });
      expect(second.report).toContain(
        'history: reopened: marked reverted by user:default/ada just now, still drifting',
      );
      // The person's label stays what they said: the learning loop keeps it.
      const [labelled] = await drift.listLabelledFindings();
      expect(labelled.label).toBe('reverted');
    });

    it('confirms drift marked reverted that the next audit no longer finds', async () => {
      const { drift, run, find } = await setUp();
      await run();
      await drift.resolveFinding((await find('settings'))!.id, {
        resolution: 'reverted',
        userRef: 'user:default/ada',
      });
      live({ settings: 'info', flags: 'trace' });
      await run();
      expect(await find('settings', 'all')).toMatchObject({
        state: 'resolved',
        verification: 'confirmed',
        stateReason:
          'marked reverted by user:default/ada, gone at the next audit',
        history: {
          episodes: 1,
          previousEpisodes: [
            {
              resolution: 'reverted',
              resolvedBy: 'user:default/ada',
              verification: 'confirmed',
            },
          ],
        },
      });
      // Drift nobody resolved that went away is closed too, without a verification.
      live({ settings: 'info', flags: 'info' });
      await run();
      const flags = (await find('flags', 'all'))!;
      expect(flags.state).toBe('resolved');
      expect(flags.verification).toBeUndefined();
      expect(flags.stateReason).toBe('no longer drifting');
      expect(await drift.listFindings({ credentials: ada })).toEqual([]);
    });

    it('hides silenced drift until the silence ends, then lists it as open again', async () => {
      const { drift, run, find } = await setUp();
      await run();
      const until = new Date(Date.now() + 1500);
      await drift.resolveFinding((await find('settings'))!.id, {
        resolution: 'harmless',
        silenceUntil: until.toISOString(),
        userRef: 'user:default/ada',
      });
      expect(await find('settings')).toBeUndefined();
      const silenced = await drift.listFindings({
        credentials: ada,
        state: 'silenced',
      });
      expect(silenced.map(f => [f.resource.name, f.silenceUntil])).toEqual([
        ['settings', until.toISOString()],
      ]);
      // Silencing is not a judgement: the learning loop gets no label from it.
      expect(await drift.listLabelledFindings()).toEqual([]);
      await run();
      expect(await find('settings')).toBeUndefined();
      await new Promise(resolve => setTimeout(resolve, 1600));
      expect(await find('settings')).toMatchObject({ state: 'open' });
      await run();
      expect(await find('settings')).toMatchObject({
        state: 'open',
        stateReason: `silenced until ${until.toISOString()}, still drifting`,
      });
    });

    it('undoes the last resolution for its author, and only for them', async () => {
      const { drift, run, find } = await setUp();
      await run();
      const { id } = (await find('settings'))!;
      await drift.resolveFinding(id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      await drift.resolveFinding(id, {
        resolution: 'committed',
        note: 'PR 42',
        userRef: 'user:default/bob',
      });
      await expect(
        drift.undoResolution(id, { userRef: 'user:default/ada' }),
      ).rejects.toThrow(
        'Only user:default/bob, who recorded the last resolution, or someone with hermes.drift.read may undo it',
      );
      const undone = await drift.undoResolution(id, {
        userRef: 'user:default/bob',
      });
      expect(undone).toMatchObject({
        resolution: 'committed',
        comment: 'PR 42',
        undoneBy: 'user:default/bob',
      });
      // ada's resolution is current again; bob's is no longer a label.
      const after = (await find('settings', 'all'))!;
      expect(after).toMatchObject({
        state: 'resolved',
        resolution: { resolution: 'harmless', userRef: 'user:default/ada' },
      });
      expect(after.events?.map(e => [e.resolution, !!e.undoneAt])).toEqual([
        ['harmless', false],
        ['committed', true],
      ]);
      expect(after.history.labels.map(l => l.resolution)).toEqual(['harmless']);
      await drift.undoResolution(id, { userRef: 'user:default/ada' });
      expect(await find('settings')).toMatchObject({ state: 'open' });
      await expect(
        drift.undoResolution(id, { userRef: 'user:default/ada' }),
      ).rejects.toThrow(`Drift finding ${id} has no resolution left to undo`);
    });

    it('counts episodes, not audit runs: a re-run is the same episode, drift that comes back a new one', async () => {
      const { run, find } = await setUp();
      await run();
      await run();
      expect((await find('settings'))!.history).toMatchObject({
        seen: 1,
        episodes: 1,
        previousEpisodes: [],
      });
      live({ settings: 'info', flags: 'trace' });
      await run();
      live({ settings: 'debug', flags: 'trace' });
      const back = await run();
      const settings = (await find('settings'))!;
      expect(settings.history).toMatchObject({ seen: 2, episodes: 2 });
      expect(settings.history.previousEpisodes).toEqual([
        { startedAt: expect.any(String), endedAt: expect.any(String) },
      ]);
      expect(Date.parse(settings.history.firstSeen!)).toBeLessThan(
        Date.parse(settings.history.lastSeen!),
      );
      const lines = back.report!.split('\n');
      const at = lines.findIndex(l => l.includes('ConfigMap settings'));
      expect(lines.slice(at, at + 5).join('\n')).toContain(
        'history: seen 2× in 14 days · previous episodes: gone unresolved ×1',
      );
      // flags drifted all along: one episode.
      expect((await find('flags'))!.history.episodes).toBe(1);
    });

    it('refuses a bad resolution, naming what was wrong, and stores nothing', async () => {
      const { drift, run, find } = await setUp();
      await run();
      const { id } = (await find('settings'))!;
      const resolve = (extra: object) =>
        drift.resolveFinding(id, {
          resolution: 'harmless',
          userRef: 'user:default/ada',
          ...extra,
        });
      await expect(resolve({ silenceUntil: 'next week' })).rejects.toThrow(
        'silenceUntil: expected an ISO 8601 time, got "next week"',
      );
      await expect(
        resolve({ silenceUntil: new Date(Date.now() - 1000).toISOString() }),
      ).rejects.toThrow(/^silenceUntil: .* is not in the future$/);
      await expect(
        resolve({
          silenceUntil: new Date(Date.now() + 91 * 86_400_000).toISOString(),
        }),
      ).rejects.toThrow(/^silenceUntil: at most 90 days ahead/);
      await expect(resolve({ ticket: 'OPS-12' })).rejects.toThrow(
        'ticket: expected an http(s) URL of at most 2000 characters, got "OPS-12"',
      );
      await expect(resolve({ comment: 'a', note: 'b' })).rejects.toThrow(
        'comment and note are the same field (note is its earlier name); send one',
      );
      expect((await find('settings'))!.events).toEqual([]);
    });
  },
);
