import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import path from 'node:path';
import request from 'supertest';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { demoAudit, examples } from '../__testUtils__/demo';
import { demoEntities, LINUS } from '../__testUtils__/teamPortal';
import { AuthorizedDriftService } from '../drift/AuthorizedDriftService';
import { readAuditDefinitions } from '../drift/definitions';
import { DefaultDriftService } from '../drift/DriftService';
import { KnexDriftStore } from '../drift/DriftStore';
import { DefaultSkillsService } from './DefaultSkillsService';
import { skillsForEntity } from './forEntity';
import { createSkillsRouter } from './router';

const databases = createTestDatabases();
const ada = mockCredentials.user.header('user:default/ada');
const linus = mockCredentials.user.header(LINUS);

/**
 * The catalog as each caller may read it: linus (ranking team) reads his team's components
 * only, everyone else reads the whole demo catalog.
 */
function catalogAsSeenBy(): CatalogService {
  const all = catalogServiceMock({ entities: demoEntities });
  const ranking = catalogServiceMock({
    entities: demoEntities.filter(
      e => (e.spec as any)?.owner === 'group:ranking',
    ),
  });
  const pick = (options?: { credentials?: BackstageCredentials }) =>
    (options?.credentials?.principal as any)?.userEntityRef === LINUS
      ? ranking
      : all;
  return new Proxy(all, {
    get:
      (_target, method: keyof CatalogService) =>
      (query: unknown, options?: { credentials?: BackstageCredentials }) =>
        (pick(options)[method] as any)(query, options),
  });
}

// The shipped skills, the demo audit of neuroscale-prod with its real drift, the drift
// service with its permission checks, and the skills routes in front.
describe('skills for an entity', () => {
  jest.setTimeout(60_000);

  async function createApp() {
    const database = databaseService(await databases.init('SQLITE_3'));
    const logger = mockServices.logger.mock();
    const config = mockServices.rootConfig({
      data: {
        hermes: {
          audits: [demoAudit],
          skills: { directories: [path.join(examples, '../skills')] },
        },
      },
    });
    const catalog = catalogAsSeenBy();
    const permissions = mockServices.permissions();
    const skills = await DefaultSkillsService.create({
      config,
      database,
      logger,
    });
    const audits = new DefaultDriftService({
      store: await KnexDriftStore.create({ database }),
      catalog,
      skills,
      urlReader: mockServices.urlReader.mock(),
      logger,
      clusters: [],
      audits: readAuditDefinitions(config, []),
    });
    expect((await audits.runAudit('demo', 'manual')).status).toBe('succeeded');
    const drift = new AuthorizedDriftService(audits, {
      permissions,
      catalog,
      auth: mockServices.auth(),
    });
    const app = express()
      .use(express.json())
      .use(
        createSkillsRouter({
          httpAuth: mockServices.httpAuth(),
          permissions,
          skills,
          catalog,
          drift,
        }),
      )
      .use(mockErrorHandler());
    return { app, skills, drift, catalog };
  }

  const get = (app: express.Express, entityRef: string, who = ada) =>
    request(app)
      .get(`/entity-skills?entityRef=${encodeURIComponent(entityRef)}`)
      .set('authorization', who);

  it('lists the skills whose rules decided the entity drift, with what they decided', async () => {
    const { app } = await createApp();
    const kyverno = await get(app, 'component:default/kyverno').expect(200);
    expect(kyverno.body).toEqual({
      entityRef: 'component:default/kyverno',
      windowDays: 30,
      skills: [
        {
          name: 'kyverno-drift-response',
          description: expect.stringMatching(/^An admission policy \(Kyverno/),
          matches: ['about ClusterPolicy objects, which this drift involves'],
          decided: { harmless: 0, critical: 2 },
          ruleMatches: 2,
          lastDecidedAt: expect.any(String),
        },
      ],
    });

    const ranker = await get(app, 'Component:recommender-ranker').expect(200);
    expect(ranker.body.entityRef).toBe('component:default/recommender-ranker');
    expect(ranker.body.skills).toEqual([
      expect.objectContaining({
        name: 'knative-autoscaler-drift',
        matches: ['about Service objects, which this drift involves'],
        decided: { harmless: 1, critical: 0 },
        ruleMatches: 1,
      }),
    ]);

    // A month and a day later, with no audit since, nothing is recent enough to show.
    const { skills, drift, catalog } = await createApp();
    const credentials = mockCredentials.user('user:default/ada');
    const entityRef = 'component:default/kyverno';
    const later = skillsForEntity({
      entity: (await catalog.getEntityByRef(entityRef, { credentials }))!,
      entityRef,
      documents: await skills.listDocuments(),
      findings: await drift.listFindings({
        credentials,
        entityRef,
        state: 'all',
      }),
      now: new Date(Date.now() + 31 * 24 * 3600_000),
    });
    expect(later.skills).toEqual([]);
  });

  it('lists a skill written for the entity, and one whose new rule matches drift it has not decided yet', async () => {
    const { app, skills } = await createApp();
    // fraud-detector's drift (a cost-center label edited by hand) is unknown to the shipped skills.
    expect(
      (await get(app, 'component:default/fraud-detector').expect(200)).body
        .skills,
    ).toEqual([]);
    await skills.save(
      `---
name: model-endpoint-runbook
description: How to operate a KServe model endpoint
metadata:
  hermes:
    entityKinds: [Component]
    annotations: [backstage.io/kubernetes-id, backstage.io/techdocs-ref]
---
# Model endpoints
`,
      'user:default/ada',
    );
    await skills.save(
      `---
name: cost-labels
description: Cost-center labels edited in the cluster break the chargeback report
metadata:
  hermes:
    kinds: [InferenceService]
    triage:
      - match: { kinds: [InferenceService], paths: [/metadata/labels/cost-center] }
        classify: critical
        reason: The chargeback report reads this label.
---
# Cost labels
`,
      'user:default/ada',
    );
    // A skill for Groups only does not apply to a Component.
    await skills.save(
      `---
name: team-onboarding
description: Onboarding a new team
metadata:
  hermes:
    entityKinds: [Group]
---
# Teams
`,
      'user:default/ada',
    );
    const fraud = await get(app, 'component:default/fraud-detector').expect(
      200,
    );
    expect(fraud.body.skills).toEqual([
      {
        name: 'cost-labels',
        description:
          'Cost-center labels edited in the cluster break the chargeback report',
        matches: ['about InferenceService objects, which this drift involves'],
        decided: { harmless: 0, critical: 0 },
        ruleMatches: 1,
      },
      {
        name: 'model-endpoint-runbook',
        description: 'How to operate a KServe model endpoint',
        matches: [
          'written for Component entities',
          'written for entities with backstage.io/kubernetes-id',
        ],
        decided: { harmless: 0, critical: 0 },
        ruleMatches: 0,
      },
    ]);
  });

  it('answers 404 for an entity the caller may not read, 400 for a malformed ref, 401 without sign-in', async () => {
    const { app } = await createApp();
    const hidden = await get(app, 'component:default/kyverno', linus).expect(
      404,
    );
    expect(hidden.body.error.message).toBe(
      'No entity component:default/kyverno, or you may not read it',
    );
    // Nor is a missing entity told apart from one the caller may not read.
    const missing = await get(app, 'component:default/nope').expect(404);
    expect(missing.body.error.message).toBe(
      'No entity component:default/nope, or you may not read it',
    );
    // His own team's component, with its drift, he reads.
    const his = await get(
      app,
      'component:default/recommender-ranker',
      linus,
    ).expect(200);
    expect(his.body.skills.map((s: any) => s.name)).toEqual([
      'knative-autoscaler-drift',
    ]);

    const bad = await get(app, 'kyverno').expect(400);
    expect(bad.body.error.message).toMatch(/^entityRef: /);
    await request(app)
      .get('/entity-skills')
      .set('authorization', ada)
      .expect(400);
    await request(app)
      .get('/entity-skills?entityRef=component:default/kyverno')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
  });
});
