import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultSkillsService } from './DefaultSkillsService';
import { KnexSkillStore } from './SkillStore';

const databases = createTestDatabases();

const ada = 'user:default/ada';
const bob = 'user:default/bob';

function skillDoc(
  name: string,
  options: { description?: string; body?: string; hermes?: string } = {},
) {
  const hermes = options.hermes
    ? `metadata:\n  hermes:\n${options.hermes}`
    : '';
  return `---\nname: ${name}\ndescription: ${
    options.description ?? `How to handle ${name.replace(/-/g, ' ')}`
  }\n${hermes}---\n${options.body ?? `# ${name}\n\n1. Look.\n2. Act.\n`}`;
}

describe.each(databases.eachSupportedId())(
  'DefaultSkillsService on %s',
  databaseId => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-skills-'));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function createService(directories: string[] = []) {
      const knex = await databases.init(databaseId);
      return new DefaultSkillsService({
        store: await KnexSkillStore.create({ database: databaseService(knex) }),
        logger: mockServices.logger.mock(),
        directories,
      });
    }

    it('keeps every edit as a version and diffs them', async () => {
      const skills = await createService();
      const first = skillDoc('restart-pods', {
        body: '# Restart\n\n1. Scale to zero.\n2. Scale back.\n',
      });
      const second = first.replace(
        '2. Scale back.',
        '2. Scale back to the old count.',
      );
      expect(await skills.save(first, ada)).toMatchObject({
        version: 1,
        status: 'active',
        author: ada,
      });
      await skills.save(second, bob, { message: 'be precise' });
      // Saving the same text again is not an edit.
      expect(await skills.save(second, bob)).toMatchObject({ version: 2 });

      expect(await skills.versions('restart-pods')).toEqual([
        expect.objectContaining({
          version: 2,
          status: 'active',
          author: bob,
          message: 'be precise',
        }),
        expect.objectContaining({
          version: 1,
          status: 'superseded',
          author: ada,
        }),
      ]);
      const details = await skills.getSkill('restart-pods');
      expect(details.skill).toMatchObject({ version: 2, source: 'user' });
      expect(details.document).toBe(second);

      const diff = await skills.diff('restart-pods', 1, 2);
      expect(diff).toContain('--- a/restart-pods/SKILL.md\tversion 1');
      expect(diff).toContain('+++ b/restart-pods/SKILL.md\tversion 2');
      expect(diff).toContain('\n-2. Scale back.\n');
      expect(diff).toContain('\n+2. Scale back to the old count.\n');
      expect(diff).not.toContain('\n-1. Scale to zero.');
      await expect(skills.diff('restart-pods', 1, 9)).rejects.toThrow(
        NotFoundError,
      );
    });

    it('rolls back by adding a version with the earlier text', async () => {
      const skills = await createService();
      const first = skillDoc('rotate-keys');
      await skills.save(first, ada);
      await skills.save(first.replace('1. Look.', '1. Panic.'), ada);

      const rolledBack = await skills.rollback('rotate-keys', 1, bob);
      expect(rolledBack).toMatchObject({
        version: 3,
        status: 'active',
        author: bob,
        message: 'Rolled back to version 1',
        document: first,
      });
      expect(
        (await skills.versions('rotate-keys')).map(v => [v.version, v.status]),
      ).toEqual([
        [3, 'active'],
        [2, 'superseded'],
        [1, 'superseded'],
      ]);
      expect((await skills.view('rotate-keys')).content).toContain('1. Look.');
      await expect(skills.rollback('rotate-keys', 3, bob)).rejects.toThrow(
        /already the active version/,
      );
    });

    it('keeps agent drafts out of use until a person approves them', async () => {
      const skills = await createService();
      await skills.save(
        skillDoc('scale-up', { body: '# Scale\n\n1. Add replicas.\n' }),
        ada,
      );
      const patch = await skills.patch(
        'scale-up',
        {
          oldText: '1. Add replicas.',
          newText: '1. Add replicas.\n2. Check hpa quotas.',
        },
        { traceId: 'trace-1', message: 'HPA limits bit us' },
      );
      expect(patch).toMatchObject({
        version: 2,
        status: 'draft',
        author: 'agent',
        traceId: 'trace-1',
        baseVersion: 1,
      });
      const newSkill = await skills.draft(
        skillDoc('quota-exhausted', {
          description: 'Namespace quota exhausted, pods pending',
          body: '# Quota\n\nRaise the quota.\n',
        }),
        { traceId: 'trace-1' },
      );
      expect(newSkill).toMatchObject({ version: 1, status: 'draft' });

      const inUse = async () => ({
        documents: (await skills.listDocuments()).map(d => d.body),
        names: (await skills.listSkills()).map(s => s.name),
        found: (await skills.search('quota')).map(h => h.name),
        index: (await skills.skillIndex({ task: 'pods pending on quota' })).map(
          e => e.name,
        ),
        body: (await skills.view('scale-up')).content,
      });
      expect(await inUse()).toEqual({
        documents: ['# Scale\n\n1. Add replicas.\n'],
        names: ['scale-up'],
        found: [],
        index: ['scale-up'],
        body: '# Scale\n\n1. Add replicas.\n',
      });
      await expect(skills.view('quota-exhausted')).rejects.toThrow(
        /waiting for approval/,
      );
      expect(await skills.listSkills({ includeDrafts: true })).toEqual([
        expect.objectContaining({
          name: 'quota-exhausted',
          status: 'draft',
          version: undefined,
          pendingDrafts: 1,
        }),
        expect.objectContaining({
          name: 'scale-up',
          status: 'active',
          version: 1,
          pendingDrafts: 1,
        }),
      ]);

      expect(await skills.approve('scale-up', 2, bob)).toMatchObject({
        status: 'active',
        reviewedBy: bob,
      });
      expect(await skills.approve('quota-exhausted', 1, bob)).toMatchObject({
        status: 'active',
      });
      expect(await inUse()).toEqual({
        documents: [
          '# Quota\n\nRaise the quota.\n',
          '# Scale\n\n1. Add replicas.\n2. Check hpa quotas.\n',
        ],
        names: ['quota-exhausted', 'scale-up'],
        found: ['quota-exhausted', 'scale-up'],
        index: ['quota-exhausted', 'scale-up'],
        body: '# Scale\n\n1. Add replicas.\n2. Check hpa quotas.\n',
      });
      await expect(skills.approve('scale-up', 2, bob)).rejects.toThrow(
        /is active, not a draft/,
      );
    });

    it('refuses to approve a draft written against an older version, and rejects', async () => {
      const skills = await createService();
      const first = skillDoc('drain-node');
      await skills.save(first, ada);
      await skills.patch('drain-node', {
        oldText: '2. Act.',
        newText: '2. Drain.',
      });
      await skills.save(first.replace('1. Look.', '1. Cordon.'), ada);

      await expect(skills.approve('drain-node', 2, bob)).rejects.toThrow(
        ConflictError,
      );
      await expect(skills.approve('drain-node', 2, bob)).rejects.toThrow(
        /written when version 1 was active, but version 3 is active now/,
      );
      expect(await skills.reject('drain-node', 2, bob, 'stale')).toMatchObject({
        status: 'rejected',
        reviewedBy: bob,
        reviewNote: 'stale',
      });
      await expect(skills.rollback('drain-node', 2, bob)).rejects.toThrow(
        /rejected draft/,
      );
      expect((await skills.getSkill('drain-node')).skill.version).toBe(3);

      // A new skill whose only draft is rejected leaves the list; its history stays.
      await skills.draft(skillDoc('bad-idea'));
      await skills.reject('bad-idea', 1, bob);
      expect(
        (await skills.listSkills({ includeDrafts: true })).map(s => s.name),
      ).toEqual(['drain-node']);
      expect(await skills.versions('bad-idea')).toEqual([
        expect.objectContaining({ version: 1, status: 'rejected' }),
      ]);
    });

    it('refuses text with secrets and stores nothing', async () => {
      const skills = await createService();
      const token = `ghp_${'a1B2'.repeat(9)}`;
      await expect(
        skills.save(
          skillDoc('clone-repo', { body: `git clone with ${token}\n` }),
          ada,
        ),
      ).rejects.toThrow(
        /Refused to store skill "clone-repo".*GitHub token on line 5/,
      );
      await expect(
        skills.draft(skillDoc('clone-repo', { body: `use ${token}\n` })),
      ).rejects.toThrow(InputError);
      await expect(skills.getSkill('clone-repo')).rejects.toThrow(
        NotFoundError,
      );

      await skills.save(skillDoc('clone-repo'), ada);
      await expect(
        skills.patch('clone-repo', {
          oldText: '2. Act.',
          newText: `2. ${token}`,
        }),
      ).rejects.toThrow(/GitHub token/);
      await expect(
        skills.importSkill(
          [
            { path: 'SKILL.md', content: skillDoc('clone-repo') },
            { path: 'notes.md', content: `token ${token}` },
          ],
          ada,
        ),
      ).rejects.toThrow(/Refused to store file "notes.md"/);
      expect((await skills.versions('clone-repo')).length).toBe(1);
    });

    it('names the problem in an invalid SKILL.md or patch', async () => {
      const skills = await createService();
      await expect(
        skills.save('---\nname: no-description\n---\nbody', ada),
      ).rejects.toThrow(/^SKILL\.md: description: /);
      await expect(
        skills.save(skillDoc('other'), ada, { name: 'mine' }),
      ).rejects.toThrow(
        'SKILL.md: name "other" does not match the skill being saved, "mine"',
      );
      await skills.save(skillDoc('mine'), ada);
      await expect(
        skills.patch('mine', { oldText: 'name: mine', newText: 'name: Mine' }),
      ).rejects.toThrow(/after the patch: name: must be lowercase/);
      await expect(
        skills.patch('mine', { oldText: '3. Nothing', newText: 'x' }),
      ).rejects.toThrow(/oldText was not found in version 1 of skill "mine"/);
      await expect(
        skills.patch('mine', { oldText: '. ', newText: 'x' }),
      ).rejects.toThrow(/oldText occurs 2 times/);
      await expect(
        skills.patch('mine', { oldText: 'name: mine', newText: 'name: yours' }),
      ).rejects.toThrow(/cannot rename/);
      expect((await skills.versions('mine')).length).toBe(1);
    });

    it('skips a broken or hostile SKILL.md in a directory and reports it, and refuses it through the API', async () => {
      const bomb = `---\nname: bomb\ndescription: d\nmetadata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 9 },
        (_, i) =>
          `  ${String.fromCharCode(98 + i)}: &${String.fromCharCode(
            98 + i,
          )} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ).join('\n')}\n---\nBody\n`;
      const dir = path.join(tmp, 'skills');
      for (const [folder, text] of [
        ['bomb', bomb],
        ['huge', skillDoc('huge', { body: 'x'.repeat(100_001) })],
        ['good', skillDoc('good')],
      ]) {
        fs.mkdirSync(path.join(dir, folder), { recursive: true });
        fs.writeFileSync(path.join(dir, folder, 'SKILL.md'), text);
      }
      const skills = await createService([dir]);
      await skills.reloadDirectories();
      expect((await skills.listSkills()).map(s => s.name)).toEqual(['good']);
      expect(skills.loadErrors()).toEqual([
        {
          location: path.join(dir, 'bomb', 'SKILL.md'),
          message: expect.stringMatching(
            /^invalid YAML in front matter: .*alias/i,
          ),
        },
        {
          location: path.join(dir, 'huge', 'SKILL.md'),
          message: expect.stringMatching(
            /characters; a skill may have at most 100000$/,
          ),
        },
      ]);
      await expect(skills.save(bomb, ada)).rejects.toThrow(
        expect.objectContaining({
          name: 'InputError',
          message: expect.stringMatching(
            /^SKILL\.md: invalid YAML in front matter: /,
          ),
        }),
      );
    });

    it('versions directory skills from disk, keeps them read-only and reads their files', async () => {
      const folder = path.join(tmp, 'skills', 'alpha');
      fs.mkdirSync(path.join(folder, 'references'), { recursive: true });
      fs.writeFileSync(path.join(folder, 'SKILL.md'), skillDoc('alpha'));
      fs.writeFileSync(
        path.join(folder, 'references', 'check.md'),
        'checklist',
      );
      fs.writeFileSync(path.join(tmp, 'outside.md'), 'private');
      fs.symlinkSync(
        path.join(tmp, 'outside.md'),
        path.join(folder, 'references', 'link.md'),
      );
      const skills = await createService([path.join(tmp, 'skills')]);
      await skills.reloadDirectories();
      fs.writeFileSync(
        path.join(folder, 'SKILL.md'),
        skillDoc('alpha', { body: '# Alpha\n\nChanged in Git.\n' }),
      );
      await skills.reloadDirectories();
      expect(await skills.versions('alpha')).toEqual([
        expect.objectContaining({
          version: 2,
          status: 'active',
          author: 'directory',
        }),
        expect.objectContaining({
          version: 1,
          status: 'superseded',
          author: 'directory',
        }),
      ]);

      await expect(skills.save(skillDoc('alpha'), ada)).rejects.toThrow(
        /read from .*SKILL\.md and cannot be edited here\. Change that file in Git/,
      );
      await expect(skills.draft(skillDoc('alpha'))).rejects.toThrow(
        ConflictError,
      );
      await expect(
        skills.patch('alpha', { oldText: 'Changed', newText: 'Edited' }),
      ).rejects.toThrow(ConflictError);
      await expect(skills.rollback('alpha', 1, ada)).rejects.toThrow(
        ConflictError,
      );
      await expect(skills.deleteSkill('alpha')).rejects.toThrow(ConflictError);

      const view = await skills.view('alpha', { file: 'references/check.md' });
      expect(view).toMatchObject({ version: 2, content: 'checklist' });
      expect(view.files).toEqual(['references/check.md']);
      for (const file of [
        '../../outside.md',
        '/etc/passwd',
        'references/../SKILL.md',
      ]) {
        await expect(skills.view('alpha', { file })).rejects.toThrow(
          InputError,
        );
      }
      await expect(
        skills.view('alpha', { file: 'references/link.md' }),
      ).rejects.toThrow(/leads outside the skill's folder/);
      expect(
        (await skills.exportSkill('alpha')).files.map(f => f.path),
      ).toEqual(['SKILL.md', 'references/check.md']);
    });

    it('imports and exports a SKILL.md folder, and deletes it', async () => {
      const skills = await createService();
      const imported = await skills.importSkill(
        [
          { path: 'gpu-nodes/SKILL.md', content: skillDoc('gpu-nodes') },
          { path: 'gpu-nodes/references/drivers.md', content: 'driver table' },
        ],
        ada,
      );
      expect(imported).toMatchObject({ version: 1, message: 'Imported' });
      expect(await skills.exportSkill('gpu-nodes')).toEqual({
        files: [
          { path: 'SKILL.md', content: skillDoc('gpu-nodes') },
          { path: 'references/drivers.md', content: 'driver table' },
        ],
      });
      expect(
        (await skills.view('gpu-nodes', { file: 'references/drivers.md' }))
          .content,
      ).toBe('driver table');
      await expect(
        skills.importSkill(
          [
            { path: 'SKILL.md', content: skillDoc('gpu-nodes') },
            { path: '../escape.md', content: 'x' },
          ],
          ada,
        ),
      ).rejects.toThrow(/Refused file path "..\/escape.md"/);
      await expect(
        skills.importSkill(
          [{ path: 'a/b/SKILL.md', content: skillDoc('x') }],
          ada,
        ),
      ).rejects.toThrow(/needs the SKILL.md at the top/);

      expect((await skills.search('gpu nodes')).map(h => h.name)).toEqual([
        'gpu-nodes',
      ]);
      await skills.deleteSkill('gpu-nodes');
      await expect(skills.getSkill('gpu-nodes')).rejects.toThrow(NotFoundError);
      expect(await skills.search('gpu nodes')).toEqual([]);
      expect(await skills.listSkills({ includeDrafts: true })).toEqual([]);
    });

    it('searches any free text without query syntax errors', async () => {
      const skills = await createService();
      await skills.save(
        skillDoc('kafka-consumer-lag', {
          description: 'Consumer lag grows on a Kafka topic',
          body: '# Lag\n\nCheck the consumer group offsets, then scale consumers.\n',
          hermes: '    tags: [kafka, streaming]\n',
        }),
        ada,
      );
      await skills.save(skillDoc('dns-failures'), ada);

      for (const hostile of [
        '"',
        '"unterminated',
        '*',
        'offsets*',
        'name:kafka',
        "o'brien's lag",
        'NEAR(a b)',
        'a AND OR NOT b',
        '(((',
        '!!! & | <-> :*',
        '\0\u0001',
        '-kafka',
        '',
        'x'.repeat(10000),
      ]) {
        await expect(skills.search(hostile)).resolves.toEqual(
          expect.any(Array),
        );
      }
      const [hit, ...rest] = await skills.search('"consumer" offsets: lag*');
      expect(rest).toEqual([]);
      expect(hit).toMatchObject({
        name: 'kafka-consumer-lag',
        description: 'Consumer lag grows on a Kafka topic',
        tags: ['kafka', 'streaming'],
      });
      expect(hit.snippet).toMatch(/\*\*consumer\*\*/i);
      expect((await skills.search('streaming')).map(h => h.name)).toEqual([
        'kafka-consumer-lag',
      ]);
    });

    it('chooses skills that apply to the entity', async () => {
      const skills = await createService();
      await skills.save(
        skillDoc('argo-sync-failed', {
          description: 'An Argo CD application fails to sync',
          hermes: '    annotations: [argocd/app-name]\n',
        }),
        ada,
      );
      await skills.save(
        skillDoc('database-failover', {
          description: 'A managed database fails over',
          hermes: '    entityKinds: [Resource]\n',
        }),
        ada,
      );
      await skills.save(
        skillDoc('general-triage', { description: 'Something fails' }),
        ada,
      );
      const index = (entity?: {
        kind: string;
        annotations?: Record<string, string>;
      }) =>
        skills
          .skillIndex({ task: 'why does it fail', entity })
          .then(entries => entries.map(e => e.name));

      expect(
        await index({
          kind: 'Component',
          annotations: { 'argocd/app-name': 'web' },
        }),
      ).toEqual(['argo-sync-failed', 'general-triage']);
      expect(await index({ kind: 'resource' })).toEqual([
        'database-failover',
        'general-triage',
      ]);
      expect((await index()).sort()).toEqual([
        'argo-sync-failed',
        'database-failover',
        'general-triage',
      ]);
    });

    it('records which runs loaded a skill and how they ended', async () => {
      const skills = await createService();
      await skills.importSkill(
        [
          { path: 'SKILL.md', content: skillDoc('evict-pods') },
          { path: 'more.md', content: 'more' },
        ],
        ada,
      );
      expect(await skills.usage('evict-pods')).toEqual({
        loaded: 0,
        successes: 0,
        failures: 0,
      });
      await skills.view('evict-pods', { traceId: 'run-1' });
      await skills.view('evict-pods', { traceId: 'run-1', file: 'more.md' });
      await skills.view('evict-pods', { traceId: 'run-2' });
      await skills.view('evict-pods', { traceId: 'run-3' });
      await skills.view('evict-pods'); // a person reading it is no use by a run
      await skills.recordOutcome('run-1', 'success');
      await skills.recordOutcome('run-2', 'failure');

      const usage = await skills.usage('evict-pods');
      expect(usage).toEqual({
        loaded: 3,
        successes: 1,
        failures: 1,
        lastUsedAt: expect.any(String),
      });
      expect(Date.now() - Date.parse(usage.lastUsedAt!)).toBeLessThan(60_000);
      expect((await skills.getSkill('evict-pods')).usage).toEqual(usage);
      // A list reads every skill's usage at once; one never loaded counts zero.
      expect(await skills.usageOf(['evict-pods', 'never-loaded'])).toEqual(
        new Map([
          ['evict-pods', usage],
          ['never-loaded', { loaded: 0, successes: 0, failures: 0 }],
        ]),
      );
    });

    it('keeps the index for 500 skills within 1,500 tokens, with the skill the task needs', async () => {
      const skills = await createService();
      const topics = [
        [
          'ingress-tls',
          'Ingress TLS certificate errors on the edge load balancer',
        ],
        ['kafka-lag', 'Kafka consumer lag and partition rebalancing storms'],
        [
          'postgres-replication',
          'PostgreSQL replication slots and replica lag',
        ],
        ['node-pressure', 'Node memory and disk pressure evictions'],
        ['oom-killed', 'Containers OOMKilled after a release'],
        ['argocd-sync', 'Argo CD applications stuck OutOfSync or Degraded'],
        ['helm-upgrade', 'Helm upgrades failing on immutable fields'],
        ['dns-resolution', 'CoreDNS timeouts and ndots search path storms'],
        [
          'hpa-flapping',
          'HorizontalPodAutoscaler flapping between replica counts',
        ],
        [
          'pvc-pending',
          'PersistentVolumeClaims pending on storage class quota',
        ],
      ];
      const filler = [
        'Use when on-call receives the alert from the platform monitoring stack.',
        'Covers the checks to run first, the dashboards to open and the owners to page.',
        'Explains which symptoms are harmless and which need a rollback of the release.',
        'Includes the commands to gather evidence before changing anything in the cluster.',
        'Links to the postmortems of earlier incidents with the same signature.',
      ];
      let seed = 7;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      for (let i = 0; i < 499; i++) {
        const [slug, title] = topics[i % topics.length];
        let description = `${title} in ${
          ['prod', 'staging', 'edge'][i % 3]
        } cluster ${i}.`;
        const length = 200 + Math.floor(random() * 824);
        while (description.length < length) {
          description += ` ${filler[Math.floor(random() * filler.length)]}`;
        }
        await skills.save(
          skillDoc(`${slug}-${i}`, {
            description: description.slice(0, 1024).trim(),
            hermes: `    tags: [${slug}]\n`,
          }),
          ada,
        );
      }
      await skills.save(
        skillDoc('cert-manager-renewal', {
          description:
            'A cert-manager Certificate is not renewed before expiry because its ACME ' +
            'HTTP-01 challenge fails. Use when a Certificate stays not Ready or an Order is stuck pending.',
          hermes: '    tags: [cert-manager, acme]\n',
        }),
        ada,
      );
      expect((await skills.listSkills()).length).toBe(500);

      const entries = await skills.skillIndex({
        task: 'The cert-manager Certificate for payments-api is stuck and the ACME challenge keeps failing',
        entity: { kind: 'Component', annotations: {}, tags: ['payments'] },
      });
      expect(entries.length).toBeLessThanOrEqual(12);
      expect(entries[0]).toEqual({
        name: 'cert-manager-renewal',
        description: expect.stringMatching(/^A cert-manager Certificate/),
      });

      // Everything can be offered; the prompt renders only what fits its budget.
      const all = await skills.skillIndex({ task: 'anything', limit: 500 });
      expect(all.length).toBe(500);
    }, 120_000);
  },
);
