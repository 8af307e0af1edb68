import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { notificationService } from '@backstage/plugin-notifications-node';
import { createTestDatabases } from './__testUtils__/databases';
import { captureLogs, demoAudit, examples } from './__testUtils__/demo';
import { startOpenAiServer } from './__testUtils__/openAiServer';
import { hermesPlugin } from './plugin';

const databases = createTestDatabases();

function writeSkill(dir: string, folder: string, text: string) {
  fs.mkdirSync(path.join(dir, folder), { recursive: true });
  fs.writeFileSync(path.join(dir, folder, 'SKILL.md'), text);
}

describe.each(databases.eachSupportedId())(
  'hermes backend plugin on %s',
  databaseId => {
    let skillsDir: string;

    beforeEach(() => {
      skillsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-skills-'));
      writeSkill(
        skillsDir,
        'knative-autoscaler-drift',
        '---\nname: knative-autoscaler-drift\ndescription: Replica drift from the Knative autoscaler is expected.\n---\nBody\n',
      );
      writeSkill(
        skillsDir,
        'broken',
        '---\nname: Broken Name\ndescription: x\n---\n',
      );
    });

    afterEach(() => fs.rmSync(skillsDir, { recursive: true, force: true }));

    async function start(config: object) {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          hermesPlugin,
          mockServices.rootConfig.factory({ data: config }),
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory(),
        ],
      });
      return server;
    }

    const fullConfig = () => ({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [{ name: 'neuroscale-prod', url: 'https://10.0.0.1' }],
          },
        ],
      },
      hermes: {
        skills: { directories: [skillsDir] },
        clusters: [{ name: 'edge-eu', url: 'https://10.0.0.2' }],
        model: {
          providers: { openrouter: { baseUrl: 'http://127.0.0.1:1/v1' } },
        },
        models: { chat: { provider: 'openrouter', model: 'strong-model' } },
      },
    });

    it('reports version, database, clusters, models and skills to a signed-in user', async () => {
      const server = await start(fullConfig());
      const res = await request(server)
        .get('/api/hermes/status')
        .set('Authorization', mockCredentials.user.header());

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        database: {
          client: databaseId.startsWith('POSTGRES') ? 'pg' : 'better-sqlite3',
        },
        clusters: [
          { name: 'neuroscale-prod', source: 'kubernetes' },
          { name: 'edge-eu', source: 'hermes' },
        ],
        models: [
          { purpose: 'chat', provider: 'openrouter', model: 'strong-model' },
        ],
        skills: {
          names: ['knative-autoscaler-drift'],
          errors: [
            {
              location: path.join(skillsDir, 'broken', 'SKILL.md'),
              message: expect.stringMatching(/^name: must be lowercase/),
            },
          ],
        },
      });
    });

    it('reports no clusters, no models and no skills when nothing is configured', async () => {
      const server = await start({});
      const res = await request(server)
        .get('/api/hermes/status')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        clusters: [],
        models: [],
        skills: { names: [], errors: [] },
      });
    });

    it('refuses the status without credentials but answers the health check', async () => {
      const server = await start({});
      const anonymous = await request(server)
        .get('/api/hermes/status')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const health = await request(server).get('/api/hermes/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
    });

    describe('POST /api/hermes/policy/check', () => {
      const policies = path.resolve(
        __dirname,
        '../../../examples/gitops/infrastructure/kyverno/policies',
      );
      const manifest = [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: scorer, namespace: serving-stack, labels: { owner: ranking, cost-center: cc-1 } }',
        'spec:',
        '  template:',
        '    spec:',
        '      securityContext: { runAsNonRoot: true }',
        '      containers:',
        '        - name: scorer',
        '          image: nginx:latest',
      ].join('\n');

      it('checks manifests against the configured policies', async () => {
        const server = await start({
          hermes: { policies: { sources: [policies] } },
        });
        const res = await request(server)
          .post('/api/hermes/policy/check')
          .set('Authorization', mockCredentials.user.header())
          .send({ files: [{ name: 'deploy.yaml', content: manifest }] });
        expect(res.status).toBe(200);
        const failures = res.body.results
          .filter((r: any) => r.result === 'fail')
          .map((r: any) => r.rule);
        expect(failures.sort()).toEqual([
          'autogen-pin-image-tags',
          'autogen-require-pod-resources',
        ]);
        expect(res.body.summary).toMatchObject({
          failed: 2,
          enforcedFailures: 2,
        });
      });

      it('honours exemptions and names unreadable policy sources', async () => {
        const server = await start({
          hermes: {
            policies: { sources: [policies, '/nonexistent/policies'] },
          },
        });
        const res = await request(server)
          .post('/api/hermes/policy/check')
          .set('Authorization', mockCredentials.user.header())
          .send({
            files: [{ name: 'deploy.yaml', content: manifest }],
            policies: [policies, '/nonexistent/policies'],
            exemptions: [
              {
                policy: 'disallow-latest-tag',
                rule: 'pin-image-tags',
                reason: 'vendor image, ticket OPS-12',
              },
            ],
          });
        expect(res.status).toBe(200);
        expect(res.body.summary).toMatchObject({ failed: 1, exempted: 1 });
        expect(res.body.problems).toEqual([
          {
            source: '/nonexistent/policies',
            message: expect.stringMatching(
              /^cannot read policy source: .*ENOENT/,
            ),
          },
        ]);
      });

      it('refuses paths on the server that a request names, before reading anything', async () => {
        const server = await start({
          hermes: { policies: { sources: [policies] } },
        });
        for (const named of [
          '/etc/shadow',
          '/usr',
          '/nonexistent/policies',
          path.join(policies, '..'),
          'examples/gitops',
        ]) {
          const res = await request(server)
            .post('/api/hermes/policy/check')
            .set('Authorization', mockCredentials.user.header())
            .send({
              files: [{ name: 'deploy.yaml', content: manifest }],
              policies: [policies, named],
            });
          expect(res.status).toBe(400);
          // The same answer whether the path exists or not: nothing was looked at.
          expect(res.body.error.message).toBe(
            `policies[1]: "${named}" is not a configured policy source (hermes.policies.sources) or a URL; ` +
              'a request cannot read files on the server. Send the policy YAML inline, or ask an administrator to add the source.',
          );
        }
      });

      it('reads a URL only through the URL reader, which refuses hosts nobody allowed', async () => {
        const server = await start({
          hermes: { policies: { sources: [policies] } },
        });
        const res = await request(server)
          .post('/api/hermes/policy/check')
          .set('Authorization', mockCredentials.user.header())
          .send({
            files: [{ name: 'deploy.yaml', content: manifest }],
            policies: [
              policies,
              'http://169.254.169.254/latest/meta-data/policy.yaml',
            ],
          });
        expect(res.status).toBe(200);
        expect(res.body.problems).toEqual([
          {
            source: 'http://169.254.169.254/latest/meta-data/policy.yaml',
            message: expect.stringMatching(
              /^cannot read policy source: .*not allowed/i,
            ),
          },
        ]);
      });

      it('checks against policies sent inline', async () => {
        const server = await start({});
        const res = await request(server)
          .post('/api/hermes/policy/check')
          .set('Authorization', mockCredentials.user.header())
          .send({
            files: [{ name: 'deploy.yaml', content: manifest }],
            policyDocuments: [
              {
                name: 'latest.yaml',
                content: fs.readFileSync(
                  path.join(policies, 'disallow-latest-tag.yaml'),
                  'utf8',
                ),
              },
            ],
          });
        expect(res.status).toBe(200);
        expect(
          res.body.results
            .filter((r: any) => r.result === 'fail')
            .map((r: any) => [r.policy, r.rule]),
        ).toEqual([['disallow-latest-tag', 'autogen-pin-image-tags']]);
      });

      it('rejects a malformed request with the field that is wrong', async () => {
        const server = await start({
          hermes: { policies: { sources: [policies] } },
        });
        const res = await request(server)
          .post('/api/hermes/policy/check')
          .set('Authorization', mockCredentials.user.header())
          .send({ files: [{ content: manifest }] });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /^Invalid policy check request: files\.0\.name: /,
        );
      });

      it('says what to configure when no policy source is known', async () => {
        const server = await start({});
        const res = await request(server)
          .post('/api/hermes/policy/check')
          .set('Authorization', mockCredentials.user.header())
          .send({ files: [{ name: 'deploy.yaml', content: manifest }] });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(
          /configure hermes\.policies\.sources/,
        );
      });
    });

    describe('drift audits', () => {
      const repoSkills = path.resolve(__dirname, '../../../skills');
      const auditConfig = () => ({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { name: 'neuroscale-prod', url: 'https://127.0.0.1:1' },
              ],
            },
          ],
        },
        hermes: {
          skills: { directories: [repoSkills] },
          audits: [
            {
              ...demoAudit,
              auditLog: path.join(
                examples,
                'cluster-snapshot/audit-log/neuroscale-prod.jsonl',
              ),
            },
          ],
        },
      });

      it('runs an audit on request, stores its findings and records resolutions', async () => {
        const sent: any[] = [];
        // Everything the backend logs, at every level, to check that no Secret value leaks.
        const logs = captureLogs();
        const knex = await databases.init(databaseId);
        const { server } = await startTestBackend({
          features: [
            hermesPlugin,
            mockServices.rootConfig.factory({ data: auditConfig() }),
            mockServices.database.factory({ knex }),
            mockServices.rootLogger.factory({ level: 'debug' }),
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => ({
                send: async (n: unknown) => void sent.push(n),
              }),
            }),
            catalogServiceMock.factory({
              entities: [
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'Component',
                  metadata: {
                    name: 'kyverno',
                    annotations: {
                      'backstage.io/kubernetes-id': 'kyverno',
                      'backstage.io/kubernetes-namespace': 'kyverno',
                    },
                  },
                  spec: {
                    type: 'service',
                    owner: 'group:ml-platform',
                    lifecycle: 'production',
                  },
                },
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'Component',
                  metadata: {
                    name: 'fraud-detector',
                    annotations: {
                      'backstage.io/kubernetes-id': 'fraud-detector',
                      'backstage.io/kubernetes-namespace': 'serving-stack',
                    },
                  },
                  spec: {
                    type: 'model-endpoint',
                    owner: 'group:ranking',
                    lifecycle: 'production',
                  },
                },
              ],
            }),
          ],
        });
        const auth = mockCredentials.user.header('user:default/ada');
        const run = await request(server)
          .post('/api/hermes/drift/audits/demo/run')
          .set('Authorization', auth);
        expect(run.status).toBe(201);
        expect(run.body).toMatchObject({
          status: 'succeeded',
          trigger: 'manual',
          cluster: 'neuroscale-prod',
          summary: { critical: 2, unknown: 3, harmless: 1 },
          warnings: [],
        });
        expect(run.body.report).toMatch(
          /^Drift Audit — .* · cluster neuroscale-prod · .* · 6 findings \(2 critical, 3 unknown, 1 harmless\)/,
        );

        const findings = await request(server)
          .get('/api/hermes/drift/findings')
          .set('Authorization', auth);
        expect(findings.body.findings).toHaveLength(6);
        const policy = findings.body.findings.find(
          (f: any) => f.resource.name === 'require-resource-limits',
        );
        expect(policy).toMatchObject({
          classification: 'critical',
          skill: 'kyverno-drift-response',
          attribution: {
            manager: 'kubectl-edit',
            class: 'human',
            user: 'ops-admin',
          },
          history: { seen: 1, windowDays: 14 },
        });

        const resolved = await request(server)
          .post(`/api/hermes/drift/findings/${policy.id}/resolution`)
          .set('Authorization', auth)
          .send({
            resolution: 'reverted',
            note: 'failureAction back to Enforce',
          });
        expect(resolved.status).toBe(204);
        const bad = await request(server)
          .post(`/api/hermes/drift/findings/${policy.id}/resolution`)
          .set('Authorization', auth)
          .send({ resolution: 'ignored' });
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(
          /^Invalid resolution: resolution: /,
        );

        await request(server)
          .post('/api/hermes/drift/audits/demo/run')
          .set('Authorization', auth);
        const again = await request(server)
          .get('/api/hermes/drift/findings?namespace=')
          .set('Authorization', auth);
        const policyAgain = again.body.findings.find(
          (f: any) => f.resource.name === 'require-resource-limits',
        );
        // Marked reverted, still drifting at the next audit: open again, and it says why.
        expect(policyAgain).toMatchObject({
          state: 'open',
          verification: 'contradicted',
          stateReason: expect.stringMatching(
            /^marked reverted by user:default\/ada .*, still drifting$/,
          ),
        });
        // One episode: the drift never went away between the two runs.
        expect(policyAgain.history).toMatchObject({
          seen: 1,
          lastResolution: {
            resolution: 'reverted',
            userRef: 'user:default/ada',
            note: 'failureAction back to Enforce',
          },
        });

        // Each run notified the owners of the entity with critical drift. Both runs found the
        // same drift, so both carry the same scope: the notifications backend keeps one.
        const expected = {
          recipients: {
            type: 'entity',
            entityRef: 'component:default/kyverno',
          },
          payload: expect.objectContaining({
            title: 'Critical drift on kyverno in neuroscale-prod',
            severity: 'critical',
            link: '/catalog/default/component/kyverno/drift',
            description: expect.stringContaining(
              'ClusterPolicy require-resource-limits: ',
            ),
          }),
        };
        expect(sent).toEqual([expected, expected]);
        expect(sent[0].payload.scope).toBe(sent[1].payload.scope);

        // An entity sees the findings about its own workloads.
        const forEntity = await request(server)
          .get(
            '/api/hermes/drift/findings?entityRef=component:default/fraud-detector',
          )
          .set('Authorization', auth);
        expect(
          forEntity.body.findings.map((f: any) => [
            f.resource.kind,
            f.resource.name,
            f.changes[0].path,
          ]),
        ).toEqual([
          [
            'InferenceService',
            'fraud-detector',
            '/metadata/labels/cost-center',
          ],
        ]);
        const noEntity = await request(server)
          .get('/api/hermes/drift/findings?entityRef=component:default/nope')
          .set('Authorization', auth);
        expect(noEntity.status).toBe(404);

        // No Secret value reaches the API, the database or the logs.
        expect(logs.join('\n')).toMatch(
          /Drift audit "demo" of neuroscale-prod: 6 findings/,
        );
        const dump = JSON.stringify([
          logs,
          run.body,
          findings.body,
          await knex('hermes_drift_audits').select(),
          await knex('hermes_drift_findings').select(),
        ]);
        jest.restoreAllMocks();
        for (const secret of [
          'demo-not-a-real-password',
          'demo-changed-by-hand',
          btoa('demo-changed-by-hand'),
          btoa('demo-not-a-real-password'),
        ]) {
          expect(dump).not.toContain(secret);
        }
        const unknown = await request(server)
          .post('/api/hermes/drift/audits/nope/run')
          .set('Authorization', auth);
        expect(unknown.status).toBe(404);
        expect(unknown.body.error.message).toBe(
          'No audit named "nope" in hermes.audits',
        );
      });

      it('receives audit events at the webhook and uses them to name users', async () => {
        const config = auditConfig();
        delete (config.hermes.audits[0] as any).auditLog;
        const knex = await databases.init(databaseId);
        const { server } = await startTestBackend({
          features: [
            hermesPlugin,
            mockServices.rootConfig.factory({ data: config }),
            mockServices.database.factory({ knex }),
            catalogServiceMock.factory(),
          ],
        });
        const eventList = {
          kind: 'EventList',
          apiVersion: 'audit.k8s.io/v1',
          items: [
            {
              verb: 'patch',
              stage: 'ResponseComplete',
              user: { username: 'linus@neuroscale.io' },
              objectRef: {
                apiGroup: 'serving.kserve.io',
                resource: 'inferenceservices',
                namespace: 'serving-stack',
                name: 'fraud-detector',
              },
              requestURI:
                '/apis/serving.kserve.io/v1beta1/namespaces/serving-stack/inferenceservices/fraud-detector?fieldManager=kubectl-patch',
              stageTimestamp: '2026-11-23T22:10:00.734Z',
              responseStatus: { code: 200 },
            },
          ],
        };
        const asUser = await request(server)
          .post('/api/hermes/drift/audit-events/neuroscale-prod')
          .set('Authorization', mockCredentials.user.header())
          .send(eventList);
        expect(asUser.status).toBe(403);
        const webhook = () =>
          request(server)
            .post('/api/hermes/drift/audit-events/neuroscale-prod')
            .set('Authorization', mockCredentials.service.header());
        expect(
          (await webhook().send({ kind: 'Event' })).body.error.message,
        ).toBe('Expected an audit.k8s.io EventList with items');
        const stored = await webhook().send(eventList);
        expect(stored.body).toEqual({ stored: 1 });

        await request(server)
          .post('/api/hermes/drift/audits/demo/run')
          .set('Authorization', mockCredentials.user.header());
        const findings = await request(server)
          .get('/api/hermes/drift/findings')
          .set('Authorization', mockCredentials.user.header());
        const isvc = findings.body.findings.find(
          (f: any) => f.resource.kind === 'InferenceService',
        );
        expect(isvc.attribution).toMatchObject({
          manager: 'kubectl-patch',
          user: 'linus@neuroscale.io',
        });
      });

      it('adds a narrative from the audit model, and completes the audit when the model fails', async () => {
        // Each audit asks for triage suggestions of its unknown findings, then for a narrative.
        const noSuggestions = { content: '{"suggestions":[]}' };
        const model = await startOpenAiServer([
          noSuggestions,
          {
            content:
              'Someone set require-resource-limits to Audit by hand; revert it or commit it to Git.',
          },
          noSuggestions,
          { status: 500, error: 'model overloaded' },
          noSuggestions,
          { hang: true },
        ]);
        try {
          const config = auditConfig() as any;
          config.hermes.model = {
            providers: {
              local: { baseUrl: model.baseUrl, apiKey: 'test-key' },
            },
          };
          config.hermes.models = {
            audit: {
              provider: 'local',
              model: 'small-model',
              timeoutSeconds: 1,
            },
          };
          const knex = await databases.init(databaseId);
          const { server } = await startTestBackend({
            features: [
              hermesPlugin,
              mockServices.rootConfig.factory({ data: config }),
              mockServices.database.factory({ knex }),
              catalogServiceMock.factory(),
            ],
          });
          const auth = mockCredentials.user.header();
          const run = () =>
            request(server)
              .post('/api/hermes/drift/audits/demo/run')
              .set('Authorization', auth);

          const first = await run();
          expect(first.body).toMatchObject({
            status: 'succeeded',
            narrative:
              'Someone set require-resource-limits to Audit by hand; revert it or commit it to Git.',
          });
          // The real provider called the Chat Completions endpoint with the report as data.
          expect(model.requests[0]).toMatchObject({
            path: '/v1/chat/completions',
            authorization: 'Bearer test-key',
          });
          expect(model.requests[0].body.model).toBe('small-model');
          const prompt = JSON.stringify(model.requests[1].body.messages);
          expect(prompt).toContain('require-resource-limits');
          expect(prompt).not.toContain('demo-changed-by-hand');

          const failed = await run();
          expect(failed.body.status).toBe('succeeded');
          expect(failed.body.narrative).toBeUndefined();
          expect(failed.body.summary).toEqual({
            critical: 2,
            unknown: 3,
            harmless: 1,
          });
          expect(failed.body.warnings).toEqual([
            expect.stringMatching(
              /^no narrative summary: the audit model local\/small-model failed: /,
            ),
          ]);

          const timedOut = await run();
          expect(timedOut.body.status).toBe('succeeded');
          expect(timedOut.body.warnings).toEqual([
            expect.stringMatching(
              /^no narrative summary: .*(abort|timeout|time)/i,
            ),
          ]);
        } finally {
          model.close();
        }
      });

      it('reads the desired state from Git through the URL reader', async () => {
        const gitops = path.join(examples, 'gitops');
        const files = (dir: string): string[] =>
          fs
            .readdirSync(path.join(gitops, dir), { withFileTypes: true })
            .flatMap(e =>
              e.isDirectory()
                ? files(path.join(dir, e.name))
                : [path.join(dir, e.name)],
            );
        const readTree = jest.fn(async () => ({
          files: async () =>
            files('').map(p => ({
              path: p,
              content: async () => fs.readFileSync(path.join(gitops, p)),
            })),
        }));
        const config = auditConfig() as any;
        config.hermes.audits[0].desired = {
          url: 'https://github.com/neuroscale/gitops/tree/main',
          path: 'clusters/neuroscale-prod',
        };
        const knex = await databases.init(databaseId);
        const { server } = await startTestBackend({
          features: [
            hermesPlugin,
            mockServices.rootConfig.factory({ data: config }),
            mockServices.database.factory({ knex }),
            mockServices.urlReader.mock({ readTree } as any).factory,
            catalogServiceMock.factory(),
          ],
        });
        const run = await request(server)
          .post('/api/hermes/drift/audits/demo/run')
          .set('Authorization', mockCredentials.user.header());
        expect(readTree).toHaveBeenCalledWith(
          'https://github.com/neuroscale/gitops/tree/main',
        );
        expect(run.body).toMatchObject({
          status: 'succeeded',
          desiredSource: 'https://github.com/neuroscale/gitops/tree/main',
          summary: { critical: 2, unknown: 3, harmless: 1 },
          warnings: [],
        });
      });

      it('fails start-up when an Argo CD audit has no Argo CD connection', async () => {
        const config = auditConfig();
        (config.hermes.audits[0] as any).desired = {
          argocdApplication: 'serving-stack',
        };
        await expect(start(config)).rejects.toThrow(
          'hermes.audits[0].desired.argocdApplication needs hermes.argocd.baseUrl and hermes.argocd.token',
        );
        (config.hermes.audits[0] as any).desired = {
          argocdApplication: 'a',
          directory: 'b',
        };
        await expect(start(config)).rejects.toThrow(
          'hermes.audits[0].desired: set exactly one of directory, url or argocdApplication',
        );
      });

      it('fails start-up when an audit names an unknown cluster', async () => {
        const config = auditConfig();
        delete (config.hermes.audits[0] as any).live;
        config.hermes.audits[0].cluster = 'elsewhere';
        await expect(start(config)).rejects.toThrow(
          /hermes\.audits\[0\]\.cluster: unknown cluster "elsewhere"; configured clusters: neuroscale-prod/,
        );
      });
    });

    it('fails start-up naming the key when a model points at an unknown provider', async () => {
      await expect(
        start({
          hermes: { models: { audit: { provider: 'nope', model: 'm' } } },
        }),
      ).rejects.toThrow(
        /hermes\.models\.audit\.provider: unknown provider "nope"/,
      );
    });
  },
);
