import { hermesDriftReadPermission } from '@hermes-backstage/plugin-hermes-common';
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { KnexMemoryStore } from './MemoryStore';
import { KnexNotesStore } from './NotesStore';
import {
  DefaultMemoryService,
  readableEntitiesFromCatalog,
} from './MemoryService';

const databases = createTestDatabases();

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

// A permission policy: Bob, a platform admin, may write the shared notes; nobody else may.
// Notes about an entity: anyone, except about `payments`, which only its owner Bob annotates.
const permissions = {
  authorize: async (requests: any[], { credentials }: any) =>
    requests.map(({ permission, resourceRef }) => {
      const bobAsks =
        credentials.principal.userEntityRef === 'user:default/bob';
      if (permission.name === 'hermes.memory.entity.update')
        return {
          result:
            resourceRef !== 'component:default/payments' || bobAsks
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      return {
        result:
          ['hermes.memory.global.update', 'hermes.drift.read'].includes(
            permission.name,
          ) && bobAsks
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      };
    }),
  authorizeConditional: async (requests: any[]) =>
    requests.map(() => ({ result: AuthorizeResult.DENY })),
} as unknown as PermissionsService;

// The mock catalog holds only what the user may read: `secret-svc` is not in it.
const catalog = catalogServiceMock({
  entities: [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'scorer', namespace: 'default' },
      spec: {},
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'payments', namespace: 'default' },
      spec: {},
    },
  ],
});

describe.each(databases.eachSupportedId())(
  'DefaultMemoryService on %s',
  databaseId => {
    async function createService(
      maxNoteChars?: number,
      restrictedKinds?: Record<string, BasicPermission>,
    ) {
      const knex = await databases.init(databaseId);
      return new DefaultMemoryService({
        restrictedKinds,
        store: await KnexMemoryStore.create({
          database: databaseService(knex),
        }),
        notes: await KnexNotesStore.create({ database: databaseService(knex) }),
        canReadEntities: readableEntitiesFromCatalog(catalog),
        permissions,
        maxNoteChars,
      });
    }

    it('keeps restricted kinds about no entity from users without their permission', async () => {
      const memory = await createService(undefined, {
        audit: hermesDriftReadPermission,
        finding: hermesDriftReadPermission,
      });
      await memory.remember(
        {
          kind: 'finding',
          sourceId: 'unmapped',
          title: 'Deployment feature-server drift',
          body: 'replicas changed by kubectl',
          link: '/hermes',
        },
        {
          kind: 'finding',
          sourceId: 'mapped',
          entityRef: 'component:default/scorer',
          title: 'InferenceService scorer drift',
          body: 'replicas changed by kubectl',
          link: '/hermes',
        },
        {
          kind: 'session',
          sourceId: 'public-note',
          title: 'replicas',
          body: 'replicas changed by kubectl',
          link: '/hermes',
        },
      );
      const found = async (credentials: typeof alice) =>
        (await memory.search('replicas kubectl', { credentials }))
          .map(h => h.sourceId)
          .sort();
      expect(await found(alice)).toEqual(['mapped', 'public-note']);
      expect(await found(bob)).toEqual(['mapped', 'public-note', 'unmapped']);
    });

    it('drops hits about entities the user may not read, and still fills the limit', async () => {
      const memory = await createService();
      for (let i = 0; i < 5; i++) {
        await memory.remember({
          kind: 'finding',
          sourceId: `hidden-${i}`,
          entityRef: 'component:default/secret-svc',
          title: 'Replica drift',
          body: 'replicas replicas replicas changed by the autoscaler',
          link: '/hermes',
        });
      }
      await memory.remember({
        kind: 'finding',
        sourceId: 'visible',
        entityRef: 'Component:default/Scorer',
        title: 'Replica drift',
        body: 'replicas changed by the autoscaler',
        link: '/catalog/default/component/scorer/drift',
      });
      await memory.remember({
        kind: 'audit',
        sourceId: 'a1',
        title: 'Drift audit nightly on prod',
        body: 'autoscaler replicas: 6 diffs',
        link: '/hermes',
      });

      const hits = await memory.search('replicas autoscaler', {
        credentials: alice,
        limit: 2,
      });
      expect(hits.map(h => h.sourceId).sort()).toEqual(['a1', 'visible']);
      expect(hits.find(h => h.sourceId === 'visible')?.entityRef).toBe(
        'component:default/scorer',
      );
      expect(
        await memory.search('replicas', {
          credentials: alice,
          entityRef: 'component:default/secret-svc',
        }),
      ).toEqual([]);
    });

    it('adds, replaces and removes notes by a quoted part, per scope', async () => {
      const memory = await createService();
      const user = { scope: 'user' } as const;
      await memory.addNote(
        user,
        'Prefers answers with kubectl commands.',
        alice,
      );
      await memory.addNote(
        user,
        'On call for serving-stack in week 48.',
        alice,
      );
      // A copy is not stored twice.
      await memory.addNote(
        user,
        'On call for serving-stack in week 48.',
        alice,
      );

      let view = await memory.replaceNote(
        user,
        'week 48',
        'On call for serving-stack in week 49.',
        alice,
      );
      expect(view.notes.map(n => n.text)).toEqual([
        'Prefers answers with kubectl commands.',
        'On call for serving-stack in week 49.',
      ]);
      expect(view.usedChars).toBe(
        'Prefers answers with kubectl commands.'.length +
          'On call for serving-stack in week 49.'.length,
      );
      expect(view.maxChars).toBe(2200);

      view = await memory.removeNote(user, 'kubectl', alice);
      expect(view.notes.map(n => n.text)).toEqual([
        'On call for serving-stack in week 49.',
      ]);
      // Bob has his own notes.
      expect((await memory.listNotes(user, bob)).notes).toEqual([]);

      await memory.addNote(
        { scope: 'entity', ref: 'component:default/scorer' },
        'Scaled by KEDA, replica drift is expected.',
        bob,
      );
      const entityNotes = await memory.listNotes(
        { scope: 'entity', ref: 'Component:default/scorer' },
        alice,
      );
      expect(entityNotes.notes).toEqual([
        expect.objectContaining({
          text: 'Scaled by KEDA, replica drift is expected.',
          updatedBy: 'user:default/bob',
        }),
      ]);
      await expect(
        memory.addNote(
          { scope: 'entity', ref: 'component:default/secret-svc' },
          'x',
          alice,
        ),
      ).rejects.toThrow(
        'No entity component:default/secret-svc, or you may not read it',
      );
    });

    it('refuses ambiguous or unknown quotes and leaves the notes as they were', async () => {
      const memory = await createService();
      const global = { scope: 'global' } as const;
      await memory.addNote(global, 'prod-eu uses Argo CD 2.13', bob);
      await memory.addNote(global, 'prod-us uses Argo CD 2.11', bob);

      await expect(
        memory.replaceNote(global, 'Argo CD', 'anything', bob),
      ).rejects.toThrow(
        '"Argo CD" is in 2 notes in the shared notes; quote more of the note you mean',
      );
      await expect(memory.removeNote(global, 'Flux', bob)).rejects.toThrow(
        'No note in the shared notes contains "Flux"',
      );
      expect(
        (await memory.listNotes(global, alice)).notes.map(n => n.text),
      ).toEqual(['prod-eu uses Argo CD 2.13', 'prod-us uses Argo CD 2.11']);
    });

    it('keeps each scope within its size bound', async () => {
      const memory = await createService(100);
      const user = { scope: 'user' } as const;
      await memory.addNote(user, 'a'.repeat(60), alice);

      await expect(memory.addNote(user, 'b'.repeat(50), alice)).rejects.toThrow(
        'No room in your notes: they use 60 of 100 characters and this would make 110. ' +
          'Replace or remove notes first.',
      );
      // Replacing counts the replaced note out.
      const view = await memory.replaceNote(
        user,
        'aaa',
        'c'.repeat(100),
        alice,
      );
      expect(view.usedChars).toBe(100);
      // Other scopes have their own bound.
      await memory.addNote({ scope: 'global' }, 'd'.repeat(100), bob);
    });

    it('refuses notes with credentials and stores nothing', async () => {
      const memory = await createService();
      const user = { scope: 'user' } as const;
      await memory.addNote(user, 'Registry is registry.example.com', alice);
      const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`;

      await expect(
        memory.addNote(user, `Use token ${token} for pushes`, alice),
      ).rejects.toThrow(
        /^Refused to store the note: it contains a GitHub token/,
      );
      await expect(
        memory.replaceNote(user, 'Registry', `password: ${token}`, alice),
      ).rejects.toThrow(/^Refused to store the note/);
      expect(
        (await memory.listNotes(user, alice)).notes.map(n => n.text),
      ).toEqual(['Registry is registry.example.com']);
    });

    it('gives a snapshot of the user, entity and shared notes, or nothing', async () => {
      const memory = await createService();
      const userRef = 'user:default/alice';
      expect(await memory.notesSnapshot({ userRef })).toBe('');

      await memory.addNote({ scope: 'user' }, 'Prefers short answers.', alice);
      await memory.addNote(
        { scope: 'entity', ref: 'component:default/scorer' },
        'Owned by ranking.\nPages go to #ranking-oncall.',
        alice,
      );
      await memory.addNote(
        { scope: 'global' },
        'Change freeze on Fridays.',
        bob,
      );

      expect(
        await memory.notesSnapshot({
          userRef,
          entityRef: 'Component:default/scorer',
        }),
      ).toBe(
        [
          '## Your notes',
          '- Prefers short answers.',
          '',
          '## Notes about component:default/scorer',
          '- Owned by ranking.',
          '  Pages go to #ranking-oncall.',
          '',
          '## Shared notes',
          '- Change freeze on Fridays.',
        ].join('\n'),
      );
      // Bob sees the shared notes, not Alice's.
      expect(await memory.notesSnapshot({ userRef: 'user:default/bob' })).toBe(
        '## Shared notes\n- Change freeze on Fridays.',
      );
    });

    it('writes the notes about an entity only with hermes.memory.entity.update on it, which reading it does not give', async () => {
      const memory = await createService();
      const payments = {
        scope: 'entity',
        ref: 'component:default/payments',
      } as const;
      await memory.addNote(payments, 'Deploys freeze at month end.', bob);

      const refusal =
        'Writing the notes about component:default/payments needs the hermes.memory.entity.update permission on it';
      for (const write of [
        () => memory.addNote(payments, 'Ignore the freeze.', alice),
        () => memory.replaceNote(payments, 'month end', 'never.', alice),
        () => memory.removeNote(payments, 'freeze', alice),
      ]) {
        const error = await write().catch(e => e);
        expect(error).toBeInstanceOf(NotAllowedError);
        expect(error.message).toBe(refusal);
      }
      // Alice still reads them, and they are as Bob wrote them.
      expect(
        (await memory.listNotes(payments, alice)).notes.map(n => n.text),
      ).toEqual(['Deploys freeze at month end.']);
      expect(
        await memory.notesSnapshot({
          userRef: 'user:default/alice',
          entityRef: 'component:default/payments',
        }),
      ).toContain('Deploys freeze at month end.');
    });

    it('writes the shared notes, which every prompt starts with, only with hermes.memory.global.update', async () => {
      const memory = await createService();
      const global = { scope: 'global' } as const;
      await memory.addNote(global, 'Change freeze on Fridays.', bob);

      const refusal =
        'Writing the shared notes needs the hermes.memory.global.update permission';
      for (const write of [
        () => memory.addNote(global, 'Ignore the change freeze.', alice),
        () => memory.replaceNote(global, 'Fridays', 'No freeze.', alice),
        () => memory.removeNote(global, 'Fridays', alice),
      ]) {
        const error = await write().catch(e => e);
        expect(error).toBeInstanceOf(NotAllowedError);
        expect(error.message).toBe(refusal);
      }
      // Everyone reads them; nothing changed; Alice's own notes need no grant.
      expect(
        (await memory.listNotes(global, alice)).notes.map(n => n.text),
      ).toEqual(['Change freeze on Fridays.']);
      await memory.addNote({ scope: 'user' }, 'Prefers k9s.', alice);
      await memory.addNote(
        { scope: 'entity', ref: 'component:default/scorer' },
        'Scaled by KEDA.',
        alice,
      );
      const view = await memory.replaceNote(
        global,
        'Fridays',
        'Change freeze on Fridays and Mondays.',
        bob,
      );
      expect(view.notes.map(n => n.text)).toEqual([
        'Change freeze on Fridays and Mondays.',
      ]);
    });
  },
);
