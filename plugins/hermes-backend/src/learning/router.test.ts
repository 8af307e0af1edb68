import { PermissionsService } from '@backstage/backend-plugin-api';
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
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import {
  driftStandIn,
  knativeFinding,
  twelveHarmlessKnative,
} from './__testUtils__/fixtures';
import { DefaultLearningService } from './LearningService';
import { createLearningRouter } from './router';

const databases = createTestDatabases();
const ada = mockCredentials.user.header('user:default/ada');
const service = mockCredentials.service.header();

// The routes are thin; one database is enough to show what a client sees.
describe('learning router', () => {
  async function createApp(options: { deny?: string[] } = {}) {
    const knex = await databases.init('SQLITE_3');
    const database = databaseService(knex);
    const config = mockServices.rootConfig();
    const logger = mockServices.logger.mock();
    const skills = await DefaultSkillsService.create({
      config,
      database,
      logger,
    });
    // The denied permissions (e.g. hermes.skills.approve); every other one is allowed.
    const permissions = permissionsDenying(options.deny ?? []);
    const learning = await DefaultLearningService.create({
      config,
      database,
      logger,
      skills,
      drift: driftStandIn({
        labelled: twelveHarmlessKnative(),
        audits: [
          {
            auditId: 'a1',
            cluster: 'neuroscale-prod',
            startedAt: '2026-11-01T00:00:00.000Z',
            findings: 1,
            byRule: 0,
            bySuggestion: 1,
            unknown: 0,
            modelCalls: 1,
            modelTokens: 250,
          },
        ],
        findings: { a1: [knativeFinding(1)] },
      }),
      permissions,
    });
    const app = express()
      .use(express.json())
      .use(
        createLearningRouter({
          // As Backstage's auth policy does: a request without a token is nobody.
          httpAuth: mockServices.httpAuth({
            defaultCredentials: mockCredentials.none(),
          }),
          permissions,
          learning,
        }),
      )
      .use(mockErrorHandler());
    return { app, skills };
  }

  it('refuses every route without Backstage credentials', async () => {
    const { app, skills } = await createApp();
    await request(app).post('/learning/run').expect(401);
    await request(app).get('/learning/candidates').expect(401);
    await request(app).post('/learning/candidates/x/approve').expect(401);
    await request(app).post('/learning/candidates/x/reject').expect(401);
    await request(app).get('/learning/metrics').expect(401);
    await request(app).get('/learning/reflections').expect(401);
    // The refused run proposed nothing.
    expect(await skills.listSkills({ includeDrafts: true })).toEqual([]);
  });

  it('runs induction for a service, lists candidates by status, and approves one as a person', async () => {
    const { app, skills } = await createApp();
    const run = await request(app)
      .post('/learning/run')
      .set('authorization', service)
      .expect(200);
    expect(run.body.candidates).toHaveLength(1);
    // No reflection model here: the answer says so, and induction ran all the same.
    expect(run.body.reflection).toEqual({
      status: 'skipped',
      reason: expect.stringContaining(
        'no reflection model is configured (hermes.models.reflection)',
      ),
    });
    const [candidate] = run.body.candidates;
    expect(candidate).toMatchObject({
      status: 'proposed',
      draftVersion: 1,
      evidence: { support: 12, matched: 12, counterExamples: [] },
    });

    const proposed = await request(app)
      .get('/learning/candidates?status=proposed')
      .set('authorization', ada)
      .expect(200);
    expect(proposed.body).toEqual({ items: [candidate] });
    const approvedList = await request(app)
      .get('/learning/candidates')
      .query({ status: 'approved' })
      .set('authorization', ada)
      .expect(200);
    expect(approvedList.body).toEqual({ items: [] });
    const bad = await request(app)
      .get('/learning/candidates?status=pending')
      .set('authorization', ada)
      .expect(400);
    expect(bad.body.error.message).toMatch(/Invalid candidate filter: status/);

    // Approving is a person's decision, not a service's.
    await request(app)
      .post(`/learning/candidates/${candidate.id}/approve`)
      .set('authorization', service)
      .expect(403);
    const approved = await request(app)
      .post(`/learning/candidates/${candidate.id}/approve`)
      .set('authorization', ada)
      .expect(200);
    expect(approved.body).toMatchObject({
      id: candidate.id,
      status: 'approved',
      decidedBy: 'user:default/ada',
    });
    expect(await skills.getVersion(candidate.skill, 1)).toMatchObject({
      status: 'active',
    });
    const again = await request(app)
      .post(`/learning/candidates/${candidate.id}/reject`)
      .set('authorization', ada)
      .send({ reason: 'changed my mind' })
      .expect(409);
    expect(again.body.error.message).toMatch(
      /is approved by user:default\/ada/,
    );

    // Nothing new to propose after the rule is active.
    const rerun = await request(app)
      .post('/learning/run')
      .set('authorization', ada)
      .expect(200);
    expect(rerun.body.candidates).toEqual([]);
  });

  it('rejects with a reason, and says what was wrong with bad input', async () => {
    const { app } = await createApp();
    const {
      body: {
        candidates: [candidate],
      },
    } = await request(app)
      .post('/learning/run')
      .set('authorization', ada)
      .expect(200);
    const tooLong = await request(app)
      .post(`/learning/candidates/${candidate.id}/reject`)
      .set('authorization', ada)
      .send({ reason: 'x'.repeat(2001) })
      .expect(400);
    expect(tooLong.body.error.message).toMatch(/Invalid rejection: reason/);
    await request(app)
      .post('/learning/candidates/no-such-id/reject')
      .set('authorization', ada)
      .send({})
      .expect(404);
    const rejected = await request(app)
      .post(`/learning/candidates/${candidate.id}/reject`)
      .set('authorization', ada)
      .send({ reason: 'we pin these by hand' })
      .expect(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      rejection: 'we pin these by hand',
    });
  });

  it('answers 403 naming hermes.skills.approve to a person without it', async () => {
    const { app } = await createApp({ deny: ['hermes.skills.approve'] });
    const {
      body: {
        candidates: [candidate],
      },
    } = await request(app)
      .post('/learning/run')
      .set('authorization', ada)
      .expect(200);
    for (const action of ['approve', 'reject']) {
      const refused = await request(app)
        .post(`/learning/candidates/${candidate.id}/${action}`)
        .set('authorization', ada)
        .expect(403);
      expect(refused.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining('hermes.skills.approve'),
      });
    }
  });

  it('answers 403 naming hermes.drift.read to a caller who may not read all drift', async () => {
    const { app } = await createApp({ deny: ['hermes.drift.read'] });
    for (const [method, path] of [
      ['get', '/learning/candidates'],
      ['post', '/learning/run'],
      ['get', '/learning/metrics'],
      ['get', '/learning/reflections'],
    ] as const) {
      const refused = await request(app)
        [method](path)
        .set('authorization', ada);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain('hermes.drift.read');
    }
  });

  it('lists reflections, and says what was wrong with a bad limit', async () => {
    const { app } = await createApp();
    const list = await request(app)
      .get('/learning/reflections?limit=5')
      .set('authorization', ada)
      .expect(200);
    expect(list.body).toEqual({ items: [] });
    const bad = await request(app)
      .get('/learning/reflections?limit=0')
      .set('authorization', ada)
      .expect(400);
    expect(bad.body.error.message).toMatch(/Invalid reflection list: limit/);
  });

  it('returns metrics per audit and per skill', async () => {
    const { app } = await createApp();
    const metrics = await request(app)
      .get('/learning/metrics')
      .set('authorization', ada)
      .expect(200);
    expect(metrics.body).toEqual({
      audits: [
        expect.objectContaining({
          auditId: 'a1',
          bySuggestion: 1,
          modelCalls: 1,
        }),
      ],
      skills: [],
    });
  });
});

function permissionsDenying(denied: string[]): PermissionsService {
  const decide = (name: string) =>
    denied.includes(name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW;
  return {
    authorize: async requests =>
      requests.map(r => ({ result: decide(r.permission.name) })) as any,
    authorizeConditional: async requests =>
      requests.map(r => ({ result: decide(r.permission.name) })) as any,
  };
}
