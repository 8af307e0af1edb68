import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { hermesDriftReadPermission } from '@hermes-backstage/plugin-hermes-common';
import express from 'express';
import path from 'node:path';
import request from 'supertest';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { examples } from '../__testUtils__/demo';
import { DefaultDriftService } from '../drift/DriftService';
import { KnexDriftStore } from '../drift/DriftStore';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { createSkillsRouter } from '../skills/router';
import { skillEffectSource, skillMetrics } from './metrics';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');
const adaHeader = mockCredentials.user.header('user:default/ada');

// The skills API as the plugin wires it: the shipped skills classify the demo audit's drift.
describe.each(databases.eachSupportedId())(
  'a skill’s effect on triage in the skills API on %s',
  databaseId => {
    async function setUp(denied: string[] = []) {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const logger = mockServices.logger.mock();
      const skills = await DefaultSkillsService.create({
        config: mockServices.rootConfig({
          data: {
            hermes: {
              skills: {
                directories: [path.resolve(__dirname, '../../../../skills')],
              },
            },
          },
        }),
        database,
        logger,
      });
      const drift = new DefaultDriftService({
        store: await KnexDriftStore.create({ database }),
        catalog: catalogServiceMock(),
        skills,
        urlReader: mockServices.urlReader.mock(),
        logger,
        clusters: [],
        audits: [
          {
            name: 'demo',
            cluster: 'neuroscale-prod',
            desired: {
              directory: path.join(examples, 'gitops/clusters/neuroscale-prod'),
            },
            liveSnapshot: path.join(
              examples,
              'cluster-snapshot/neuroscale-prod',
            ),
            watchedKinds: [],
            ignoreDifferences: [],
          },
        ],
      });
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result: denied.includes(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          })),
      });
      const app = express()
        .use(express.json())
        .use(
          createSkillsRouter({
            httpAuth: mockServices.httpAuth(),
            permissions,
            skills,
            skillEffects: skillEffectSource({ drift, skills, permissions }),
          }),
        )
        .use(mockErrorHandler());
      return { app, drift, skills };
    }

    /** Runs the demo audit twice; the findings the Knative skill classified in each. */
    async function twoAudits(drift: DefaultDriftService) {
      const runs = [];
      for (let i = 0; i < 2; i++) {
        const audit = await drift.runAudit('demo', 'manual');
        expect(audit.status).toBe('succeeded');
        const findings = await drift.listFindings({
          credentials: ada,
          auditId: audit.id,
        });
        runs.push({
          audit,
          knative: findings.filter(f => f.skill === 'knative-autoscaler-drift'),
        });
      }
      return runs;
    }

    it('shows what a skill’s rules classified, and counts it as used though the agent never loaded it', async () => {
      const { app, drift, skills } = await setUp();
      const runs = await twoAudits(drift);
      const perAudit = runs[0].knative.length;
      expect(perAudit).toBeGreaterThan(0);
      expect(runs[0].knative.every(f => f.classification === 'harmless')).toBe(
        true,
      );
      // A person agrees with one classification; only the kyverno skill is loaded in chat.
      await drift.resolveFinding(runs[1].knative[0].id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      await skills.view('kyverno-drift-response', { traceId: 'run-1' });

      const details = await request(app)
        .get('/skills/knative-autoscaler-drift')
        .set('authorization', adaHeader)
        .expect(200);
      expect(details.body.usage).toEqual({
        loaded: 0,
        successes: 0,
        failures: 0,
      });
      expect(details.body.effect).toEqual({
        classified: 2 * perAudit,
        audits: 2,
        agreement: 1,
        modelCallsSaved: 2 * perAudit,
        lastClassifiedAt: new Date(runs[1].audit.startedAt).toISOString(),
      });

      const list = await request(app)
        .get('/skills')
        .set('authorization', adaHeader)
        .expect(200);
      const byName = Object.fromEntries(
        list.body.skills.map((s: { name: string }) => [s.name, s]),
      );
      expect(byName['knative-autoscaler-drift']).toMatchObject({
        usage: { loaded: 0 },
        effect: { classified: 2 * perAudit, audits: 2 },
      });
      expect(byName['kyverno-drift-response']).toMatchObject({
        usage: { loaded: 1 },
        effect: { audits: 2 },
      });
      // No triage rules, never loaded: nothing to show but that.
      expect(byName['policy-precheck'].usage.loaded).toBe(0);
      expect(byName['policy-precheck']).not.toHaveProperty('effect');
    });

    it('shows no triage figures to a caller who may not read drift', async () => {
      const { app, drift } = await setUp([hermesDriftReadPermission.name]);
      await twoAudits(drift);
      const details = await request(app)
        .get('/skills/knative-autoscaler-drift')
        .set('authorization', adaHeader)
        .expect(200);
      expect(details.body).not.toHaveProperty('effect');
      expect(details.body.usage.loaded).toBe(0);
      const list = await request(app)
        .get('/skills')
        .set('authorization', adaHeader)
        .expect(200);
      expect(list.body.skills.length).toBeGreaterThan(0);
      for (const skill of list.body.skills) {
        expect(skill).not.toHaveProperty('effect');
      }
    });
  },
);

describe('skillMetrics', () => {
  it('counts drift a rule leaves to a person as a model call saved, not as classified', () => {
    const finding = (
      classification: 'harmless' | 'unknown',
      skill?: string,
    ) => ({
      classification,
      ...(skill ? { skill } : {}),
    });
    expect(
      skillMetrics(
        [
          {
            auditId: 'a1',
            startedAt: '2026-12-01T00:00:00.000Z',
            findings: [
              finding('unknown', 'images-people-decide'),
              finding('unknown', 'images-people-decide'),
              finding('harmless', 'hpa'),
              finding('unknown'),
            ],
          },
        ],
        [],
        ['hpa', 'images-people-decide'],
      ),
    ).toEqual([
      {
        name: 'hpa',
        classified: 1,
        audits: 1,
        modelCallsSaved: 1,
        lastClassifiedAt: '2026-12-01T00:00:00.000Z',
      },
      {
        name: 'images-people-decide',
        classified: 0,
        audits: 1,
        modelCallsSaved: 2,
        lastClassifiedAt: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });
});
