import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { startOpenAiServer } from '../__testUtils__/openAiServer';
import { DefaultMemoryService, MemoryService } from '../memory/MemoryService';
import { ModelRegistry } from '../models/ModelRegistry';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();
const examples = path.resolve(__dirname, '../../../../examples');
const ada = mockCredentials.user('user:default/ada');

describe.each(databases.eachSupportedId())(
  'drift audits in memory on %s',
  databaseId => {
    let server: Awaited<ReturnType<typeof startOpenAiServer>> | undefined;
    afterEach(() => server?.close());

    async function setUp(
      memory?: Pick<MemoryService, 'remember' | 'recall'>,
      models?: ModelRegistry,
    ) {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const logger = mockServices.logger.mock();
      const config = mockServices.rootConfig({
        data: {
          hermes: {
            skills: {
              directories: [path.resolve(__dirname, '../../../../skills')],
            },
          },
        },
      });
      const catalog = catalogServiceMock();
      const skills = await DefaultSkillsService.create({
        config,
        database,
        logger,
      });
      const real = await DefaultMemoryService.create({
        config,
        database,
        catalog,
        permissions: mockServices.permissions.mock(),
      });
      const drift = new DefaultDriftService({
        store: await KnexDriftStore.create({ database }),
        catalog,
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
            auditLog: path.join(
              examples,
              'cluster-snapshot/audit-log/neuroscale-prod.jsonl',
            ),
            watchedKinds: ['kyverno.io/v1/ClusterPolicy'],
            ignoreDifferences: [],
          },
        ],
        memory: memory ?? real,
        ...(models ? { models } : {}),
      });
      return { knex, drift, memory: real, logger };
    }

    it('makes audits, findings and resolutions searchable, without Secret values', async () => {
      const { knex, drift, memory } = await setUp();
      const audit = await drift.runAudit('demo', 'manual');
      expect(audit.status).toBe('succeeded');

      const hits = await memory.search('require-resource-limits', {
        credentials: ada,
      });
      expect(hits.map(h => [h.kind, h.title])).toEqual(
        expect.arrayContaining([
          ['audit', 'Drift audit demo on neuroscale-prod'],
          [
            'finding',
            'critical drift: ClusterPolicy require-resource-limits on neuroscale-prod',
          ],
        ]),
      );
      const finding = hits.find(h => h.kind === 'finding')!;
      const [byUser] = await memory.search('ops-admin kubectl-edit', {
        credentials: ada,
        kinds: ['finding'],
      });
      expect(byUser.sourceId).toBe(finding.sourceId);

      const stored = (
        await drift.listFindings({ auditId: audit.id, credentials: ada })
      ).find(f => f.resource.name === 'require-resource-limits')!;
      await drift.resolveFinding(stored.id, {
        resolution: 'reverted',
        note: 'failureAction back to Enforce',
        userRef: 'user:default/ada',
      });
      const [resolution] = await memory.search('failureAction enforce', {
        credentials: ada,
        kinds: ['resolution'],
      });
      expect(resolution).toMatchObject({
        sourceId: stored.id,
        title:
          'Drift reverted: ClusterPolicy require-resource-limits on neuroscale-prod',
      });

      // The next audit finds the same drift: it replaces the finding instead of adding one.
      await drift.runAudit('demo', 'manual');
      const findings = await memory.search('require-resource-limits', {
        credentials: ada,
        kinds: ['finding'],
      });
      expect(findings).toHaveLength(1);

      const dump = JSON.stringify(await knex('hermes_memory_documents'));
      for (const secret of [
        'demo-not-a-real-password',
        'demo-changed-by-hand',
        btoa('demo-changed-by-hand'),
        btoa('demo-not-a-real-password'),
      ]) {
        expect(dump).not.toContain(secret);
      }
    });

    it("sends the audit model past drift and people's resolutions from memory, never a private document", async () => {
      server = await startOpenAiServer([
        { content: '{"suggestions":[]}' },
        { content: 'n' },
      ]);
      const models = ModelRegistry.fromConfig(
        mockServices.rootConfig({
          data: {
            hermes: {
              model: {
                providers: { local: { baseUrl: server.baseUrl, apiKey: 'k' } },
              },
              models: { audit: { provider: 'local', model: 'm' } },
            },
          },
        }),
      );
      const { drift, memory } = await setUp(undefined, models);
      await memory.remember(
        {
          kind: 'resolution',
          sourceId: 'earlier-1',
          title:
            'Drift harmless: Deployment ml-serving/ranker on neuroscale-prod',
          body: 'Deployment ranker (apps/v1) in namespace ml-serving: modified. Fields: /spec/replicas. Changed by kube-controller-manager (controller). Resolution: harmless, by user:default/ada. Note: the HPA owns replicas there',
          link: '/hermes',
        },
        {
          kind: 'finding',
          sourceId: 'private-1',
          ownerRef: 'user:default/bob',
          title: 'Deployment replicas kube-controller-manager private-marker',
          body: 'Deployment replicas kube-controller-manager private-marker',
          link: '/hermes',
        },
      );
      await drift.runAudit('demo', 'manual');

      const prompt: string = server.requests[0].body.messages.find(
        (m: { role: string }) => m.role === 'user',
      ).content;
      const block = /<context-data>\n([\s\S]*?)\n<\/context-data>/.exec(
        prompt,
      )!;
      const featureServer = JSON.parse(block[1]).find(
        (f: { object: { name: string } }) => f.object.name === 'feature-server',
      );
      expect(featureServer.history.fromMemory).toEqual([
        {
          title:
            'Drift harmless: Deployment ml-serving/ranker on neuroscale-prod',
          excerpt: expect.stringContaining('replicas'),
          at: expect.any(String),
        },
      ]);
      expect(prompt).not.toContain('private-marker');
    });

    it('finishes the audit and the resolution when memory fails', async () => {
      const { drift, logger } = await setUp({
        remember: async () => {
          throw new Error('disk full');
        },
        recall: async () => [],
      });
      const audit = await drift.runAudit('demo', 'manual');
      expect(audit.status).toBe('succeeded');
      const [first] = await drift.listFindings({
        auditId: audit.id,
        credentials: ada,
      });
      await drift.resolveFinding(first.id, {
        resolution: 'harmless',
        userRef: 'user:default/ada',
      });
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not add drift to memory: disk full',
      );
    });
  },
);
