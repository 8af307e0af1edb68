import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { rollbackAll } from '../database/migrations';
import { DirectorySkill } from './content';
import { KnexSkillStore } from './SkillStore';

const databases = createTestDatabases();

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
      const store = await KnexSkillStore.create({
        database: databaseService(knex),
      });
      return { knex, store };
    }

    it('adds, updates by content hash and removes directory skills', async () => {
      const { store } = await createStore();

      const first = await store.versions.syncDirectorySkills([
        skill('a'),
        skill('b'),
      ]);
      expect(first).toEqual({
        added: ['a', 'b'],
        updated: [],
        removed: [],
        conflicts: [],
      });

      const second = await store.versions.syncDirectorySkills([
        skill('a'),
        skill('b', 'changed'),
      ]);
      expect(second).toEqual({
        added: [],
        updated: ['b'],
        removed: [],
        conflicts: [],
      });

      const third = await store.versions.syncDirectorySkills([
        skill('b', 'changed'),
      ]);
      expect(third).toEqual({
        added: [],
        updated: [],
        removed: ['a'],
        conflicts: [],
      });

      const listed = await store.versions.listSkills();
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

      const result = await store.versions.syncDirectorySkills([
        skill('runbook'),
      ]);
      expect(result.conflicts).toEqual([
        {
          name: 'runbook',
          location: '/skills/runbook/SKILL.md',
          source: 'user',
        },
      ]);
      await store.versions.syncDirectorySkills([]);
      const [kept] = await store.versions.listSkills();
      expect(kept).toMatchObject({
        name: 'runbook',
        source: 'user',
        contentHash: 'user-hash',
      });
    });

    it('keeps the tags and applicability of a skill for search and the skill index', async () => {
      const { store } = await createStore();
      await store.versions.syncDirectorySkills([
        {
          ...skill('kept'),
          tags: ['legacy'],
          body: '# Kept\n\nRestart the widget.\n',
          appliesTo: { entityKinds: ['Component'], annotations: [] },
        },
      ]);

      expect(await store.versions.listVersions('kept')).toEqual([
        expect.objectContaining({
          version: 1,
          status: 'active',
          author: 'directory',
          contentHash: 'hash-doc of kept',
        }),
      ]);
      expect(await store.search.search('widget', 5)).toEqual([
        expect.objectContaining({ name: 'kept', tags: ['legacy'] }),
      ]);
      expect(await store.search.listIndexFields()).toEqual([
        {
          name: 'kept',
          tags: ['legacy'],
          appliesTo: { entityKinds: ['Component'], annotations: [] },
        },
      ]);
    });

    it('migrates down and up again', async () => {
      const { knex } = await createStore();
      await rollbackAll(knex);
      expect(await knex.schema.hasTable('hermes_skills')).toBe(false);
      await KnexSkillStore.create({ database: databaseService(knex) });
      expect(await knex.schema.hasTable('hermes_skills')).toBe(true);
    });
  },
);
