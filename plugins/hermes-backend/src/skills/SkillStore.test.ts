import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  applyDatabaseMigrations,
  rollbackDatabaseMigrations,
} from '../migrations';
import { DirectorySkill, KnexSkillStore } from './SkillStore';

const databases = createTestDatabases();

const migrations = {
  directory: resolvePackagePath(
    '@hermes-backstage/plugin-hermes-backend',
    'migrations',
  ),
  name: '20261125010000_skill_library.js',
};

function skill(name: string, document = `doc of ${name}`): DirectorySkill {
  return {
    name,
    description: `About ${name}`,
    location: `/skills/${name}/SKILL.md`,
    contentHash: `hash-${document}`,
    document,
  };
}

describe.each(databases.eachSupportedId())(
  'KnexSkillStore on %s',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      return { knex, store: new KnexSkillStore(knex) };
    }

    it('adds, updates by content hash and removes directory skills', async () => {
      const { store } = await createStore();

      const first = await store.syncDirectorySkills([skill('a'), skill('b')]);
      expect(first).toEqual({
        added: ['a', 'b'],
        updated: [],
        removed: [],
        conflicts: [],
      });

      const second = await store.syncDirectorySkills([
        skill('a'),
        skill('b', 'changed'),
      ]);
      expect(second).toEqual({
        added: [],
        updated: ['b'],
        removed: [],
        conflicts: [],
      });

      const third = await store.syncDirectorySkills([skill('b', 'changed')]);
      expect(third).toEqual({
        added: [],
        updated: [],
        removed: ['a'],
        conflicts: [],
      });

      const listed = await store.listSkills();
      expect(listed).toEqual([
        expect.objectContaining({
          name: 'b',
          description: 'About b',
          source: 'directory',
          location: '/skills/b/SKILL.md',
          contentHash: 'hash-changed',
        }),
      ]);
      expect(Number.isNaN(Date.parse(listed[0].updatedAt))).toBe(false);
    });

    it('never overwrites or removes a skill written by a person', async () => {
      const { knex, store } = await createStore();
      await knex('hermes_skills').insert({
        name: 'runbook',
        description: 'Written in the UI',
        source: 'user',
        content_hash: 'user-hash',
        document: 'user text',
      });

      const result = await store.syncDirectorySkills([skill('runbook')]);
      expect(result.conflicts).toEqual([
        {
          name: 'runbook',
          location: '/skills/runbook/SKILL.md',
          source: 'user',
        },
      ]);
      await store.syncDirectorySkills([]);
      const [kept] = await store.listSkills();
      expect(kept).toMatchObject({
        name: 'runbook',
        source: 'user',
        contentHash: 'user-hash',
      });
    });

    it('turns each skill stored before versions into version 1, and back', async () => {
      const { knex, store } = await createStore();
      await knex.migrate.down(migrations);
      await knex('hermes_skills').insert({
        name: 'kept',
        description: 'Stored before versions',
        source: 'directory',
        location: '/skills/kept/SKILL.md',
        content_hash: 'old-hash',
        document:
          '---\nname: kept\ndescription: Stored before versions\nmetadata:\n  hermes:\n' +
          '    tags: [legacy]\n    entityKinds: [Component]\n---\n# Kept\n\nRestart the widget.\n',
        updated_at: new Date('2026-01-02T03:04:05Z'),
      });
      await knex.migrate.up(migrations);

      expect(await store.listVersions('kept')).toEqual([
        expect.objectContaining({
          version: 1,
          status: 'active',
          author: 'directory',
          contentHash: 'old-hash',
          createdAt: '2026-01-02T03:04:05.000Z',
        }),
      ]);
      expect(await store.search('widget', 5)).toEqual([
        expect.objectContaining({ name: 'kept', tags: ['legacy'] }),
      ]);
      expect(await store.listIndexFields()).toEqual([
        {
          name: 'kept',
          tags: ['legacy'],
          appliesTo: { entityKinds: ['Component'], annotations: [] },
        },
      ]);

      // Down keeps the active text of each skill; drafts and history go.
      await store.addVersion({
        content: skill('kept', 'second text'),
        author: 'user:default/ada',
        status: 'active',
        source: 'user',
      });
      await store.addVersion({
        content: skill('only-a-draft'),
        author: 'agent',
        status: 'draft',
        source: 'agent',
      });
      await knex.migrate.down(migrations);
      expect(
        await knex('hermes_skills').select('name', 'document', 'content_hash'),
      ).toEqual([
        {
          name: 'kept',
          document: 'second text',
          content_hash: 'hash-second text',
        },
      ]);
    });

    it('migrates down and up again', async () => {
      const { knex } = await createStore();
      await rollbackDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('hermes_skills')).toBe(false);
      await applyDatabaseMigrations(knex);
      expect(await knex.schema.hasTable('hermes_skills')).toBe(true);
    });
  },
);
