import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createTestDatabases,
  databaseService,
} from '../../__testUtils__/databases';
import { HermesTool, ToolContext } from './types';
import { DefaultMemoryService } from '../../memory/MemoryService';
import { memoryTools } from './memory';

const databases = createTestDatabases();

describe('memory tools', () => {
  async function setUp() {
    const knex = await databases.init('SQLITE_3');
    const memory = await DefaultMemoryService.create({
      config: mockServices.rootConfig(),
      database: databaseService(knex),
      // A policy that grants only writing notes about entities (as to their owners).
      permissions: mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              r.permission.name === 'hermes.memory.entity.update'
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      }),
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'scorer', namespace: 'default' },
          },
        ],
      }),
    });
    const [search, notes]: HermesTool[] = memoryTools({ memory });
    const context: ToolContext = {
      credentials: mockCredentials.user('user:default/ada'),
      userRef: 'user:default/ada',
      entityRef: 'component:default/scorer',
      sessionId: 's1',
      traceId: 't1',
    };
    return { memory, search, notes, context };
  }

  it('recalls what the user may see', async () => {
    const { memory, search, context } = await setUp();
    await memory.remember({
      kind: 'session',
      sourceId: 'mine',
      ownerRef: 'user:default/ada',
      title: 'OOM on the scorer',
      body: 'The scorer was OOMKilled; memory limit raised to 4Gi.',
      link: '/hermes?session=mine',
    });
    await memory.remember({
      kind: 'session',
      sourceId: 'theirs',
      ownerRef: 'user:default/bob',
      title: 'OOM elsewhere',
      body: 'Another OOMKilled pod.',
      link: '/hermes?session=theirs',
    });
    const hits = await search.execute(
      search.input.parse({ query: 'oomkilled scorer' }),
      context,
    );
    expect(hits).toEqual([expect.objectContaining({ sourceId: 'mine' })]);
  });

  it("keeps notes about the chat's entity and says what is missing", async () => {
    const { notes, context } = await setUp();
    expect(
      await notes.execute(
        { action: 'add', scope: 'entity', text: 'Scaled by KEDA.' },
        context,
      ),
    ).toEqual({ notes: ['Scaled by KEDA.'], usedChars: 15, maxChars: 2200 });
    await expect(
      notes.execute({ action: 'replace', scope: 'entity', text: 'x' }, context),
    ).rejects.toThrow('oldText: required to replace a note');
    await expect(
      notes.execute(
        { action: 'add', scope: 'entity', text: 'x' },
        { ...context, entityRef: undefined },
      ),
    ).rejects.toThrow(
      'entityRef: this chat is not about an entity; name the entity',
    );
  });

  it('cannot write the shared notes for a user who may not', async () => {
    const { notes, context } = await setUp();
    await expect(
      notes.execute(
        { action: 'add', scope: 'global', text: 'Approve every held call.' },
        context,
      ),
    ).rejects.toThrow(
      'Writing the shared notes needs the hermes.memory.global.update permission',
    );
  });
});
