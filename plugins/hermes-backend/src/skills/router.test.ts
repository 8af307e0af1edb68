import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { DefaultSkillsService } from './DefaultSkillsService';
import { createSkillsRouter } from './router';
import { KnexSkillStore } from './SkillStore';

const databases = createTestDatabases();
const ada = mockCredentials.user.header('user:default/ada');

const doc = (step: string) =>
  `---\nname: restart-pods\ndescription: Restart stuck pods safely\n---\n# Restart\n\n1. ${step}\n`;

// The routes are thin; one database is enough to show what a client sees.
describe('skills router', () => {
  // The permission policy's answer: everything is allowed but the named permissions.
  async function createApp(denied: string[] = []) {
    const knex = await databases.init('SQLITE_3');
    const skills = new DefaultSkillsService({
      store: await KnexSkillStore.create({ database: databaseService(knex) }),
      logger: mockServices.logger.mock(),
      directories: [],
    });
    const app = express()
      .use(express.json())
      .use(
        createSkillsRouter({
          httpAuth: mockServices.httpAuth(),
          permissions: mockServices.permissions.mock({
            authorize: async requests =>
              requests.map(r => ({
                result: denied.includes(r.permission.name)
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
              })),
          }),
          skills,
        }),
      )
      .use(mockErrorHandler());
    return { app, skills };
  }

  it('saves, lists, searches and diffs skills for a signed-in user', async () => {
    const { app } = await createApp();
    await request(app)
      .put('/skills/restart-pods')
      .set('authorization', ada)
      .send({ document: doc('Scale to zero.') })
      .expect(200);
    const saved = await request(app)
      .put('/skills/restart-pods')
      .set('authorization', ada)
      .send({ document: doc('Scale down.'), message: 'gentler' })
      .expect(200);
    expect(saved.body).toMatchObject({
      version: 2,
      author: 'user:default/ada',
      message: 'gentler',
    });

    const bad = await request(app)
      .put('/skills/restart-pods')
      .set('authorization', ada)
      .send({ document: '---\nname: restart-pods\n---\n' })
      .expect(400);
    expect(bad.body.error.message).toMatch(/^SKILL\.md: description: /);

    const found = await request(app)
      .get('/skills?q=stuck "pods')
      .set('authorization', ada)
      .expect(200);
    expect(found.body.skills).toEqual([
      expect.objectContaining({
        name: 'restart-pods',
        source: 'user',
        status: 'active',
        version: 2,
        snippet: expect.any(String),
      }),
    ]);

    const diff = await request(app)
      .get('/skills/restart-pods/diff?from=1&to=2')
      .set('authorization', ada)
      .expect(200);
    expect(diff.body.diff).toContain('-1. Scale to zero.\n+1. Scale down.');
    await request(app)
      .get('/skills/restart-pods/diff?from=one&to=2')
      .set('authorization', ada)
      .expect(400);
    await request(app)
      .get('/skills/restart-pods')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
  });

  it('approves and rejects agent drafts, rolls back, imports, exports and deletes', async () => {
    const { app, skills } = await createApp();
    await skills.draft(doc('Scale to zero.'), { traceId: 'run-1' });
    await skills.draft(doc('Delete the pods.'), { traceId: 'run-2' });

    const listed = await request(app).get('/skills').set('authorization', ada);
    expect(listed.body.skills).toEqual([
      expect.objectContaining({ status: 'draft', pendingDrafts: 2 }),
    ]);
    await request(app)
      .post('/skills/restart-pods/versions/2/reject')
      .set('authorization', ada)
      .send({ reason: 'too drastic' })
      .expect(200);
    const approved = await request(app)
      .post('/skills/restart-pods/versions/1/approve')
      .set('authorization', ada)
      .expect(200);
    expect(approved.body).toMatchObject({
      status: 'active',
      reviewedBy: 'user:default/ada',
    });

    await request(app)
      .post('/skills/import')
      .set('authorization', ada)
      .send({
        files: [
          { path: 'SKILL.md', content: doc('Scale down.') },
          { path: 'notes.md', content: 'notes' },
        ],
      })
      .expect(201);
    const rolledBack = await request(app)
      .post('/skills/restart-pods/rollback')
      .set('authorization', ada)
      .send({ version: 1 })
      .expect(201);
    expect(rolledBack.body).toMatchObject({ version: 4, status: 'active' });

    const details = await request(app)
      .get('/skills/restart-pods')
      .set('authorization', ada)
      .expect(200);
    expect(details.body).toMatchObject({
      document: doc('Scale to zero.'),
      files: ['notes.md'],
      usage: { loaded: 0 },
    });
    expect(
      details.body.versions.map((v: { status: string }) => v.status),
    ).toEqual(['active', 'superseded', 'rejected', 'superseded']);
    const exported = await request(app)
      .get('/skills/restart-pods/export')
      .set('authorization', ada)
      .expect(200);
    expect(exported.body.files.map((f: { path: string }) => f.path)).toEqual([
      'SKILL.md',
      'notes.md',
    ]);

    await request(app)
      .delete('/skills/restart-pods')
      .set('authorization', ada)
      .expect(204);
    await request(app)
      .get('/skills/restart-pods')
      .set('authorization', ada)
      .expect(404);
  });

  it('lets only holders of hermes.skills.update change skills and of hermes.skills.approve decide on drafts', async () => {
    const { app, skills } = await createApp([
      'hermes.skills.update',
      'hermes.skills.approve',
    ]);
    await skills.draft(doc('Scale to zero.'), { traceId: 'run-1' });

    const save = await request(app)
      .put('/skills/restart-pods')
      .set('authorization', ada)
      .send({ document: doc('Scale down.') })
      .expect(403);
    expect(save.body.error.message).toBe(
      'You may not change skills (permission hermes.skills.update)',
    );
    await request(app)
      .post('/skills/import')
      .set('authorization', ada)
      .send({ files: [{ path: 'SKILL.md', content: doc('Scale down.') }] })
      .expect(403);
    await request(app)
      .delete('/skills/restart-pods')
      .set('authorization', ada)
      .expect(403);
    const approve = await request(app)
      .post('/skills/restart-pods/versions/1/approve')
      .set('authorization', ada)
      .expect(403);
    expect(approve.body.error.message).toBe(
      'You may not approve, reject or roll back skills (permission hermes.skills.approve)',
    );
    await request(app)
      .post('/skills/restart-pods/versions/1/reject')
      .set('authorization', ada)
      .send({})
      .expect(403);

    // Nothing changed, and reading still works.
    const details = await request(app)
      .get('/skills/restart-pods')
      .set('authorization', ada)
      .expect(200);
    expect(details.body.versions).toEqual([
      expect.objectContaining({ version: 1, status: 'draft' }),
    ]);
  });
});
