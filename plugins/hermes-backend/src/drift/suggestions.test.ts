import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { examples } from '../__testUtils__/demo';
import { startOpenAiServer } from '../__testUtils__/openAiServer';
import { ModelRegistry } from '../models/ModelRegistry';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { AuditDefinition } from './definitions';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();
const ada = mockCredentials.user('user:default/ada');
const DEMO_SECRETS = [
  'demo-not-a-real-password',
  'demo-changed-by-hand',
  btoa('demo-not-a-real-password'),
  btoa('demo-changed-by-hand'),
];

const demo: AuditDefinition = {
  name: 'demo',
  cluster: 'neuroscale-prod',
  desired: {
    directory: path.join(examples, 'gitops/clusters/neuroscale-prod'),
  },
  liveSnapshot: path.join(examples, 'cluster-snapshot/neuroscale-prod'),
  watchedKinds: ['kyverno.io/v1/ClusterPolicy'],
  ignoreDifferences: [],
};

/** The model's JSON answer for findings `f<from>`..`f<to>`. */
const answer = (
  from: number,
  to: number,
  classification = 'harmless',
  extra: object = {},
) =>
  JSON.stringify({
    suggestions: Array.from({ length: to - from + 1 }, (_, i) => ({
      id: `f${from + i}`,
      classification,
      reason: `looks ${classification} (f${from + i})`,
      confidence: 0.9,
      ...extra,
    })),
  });

/** The findings one request carried, as the model read them inside the fence. */
function findingsSent(request: { body: any }): any[] {
  const user = request.body.messages.find((m: any) => m.role === 'user');
  const text =
    typeof user.content === 'string'
      ? user.content
      : user.content.map((p: any) => p.text).join('');
  const block = /<context-data>\n([\s\S]*?)\n<\/context-data>/.exec(text)!;
  return JSON.parse(block[1]);
}

describe.each(databases.eachSupportedId())(
  'model triage suggestions on %s',
  databaseId => {
    let server: Awaited<ReturnType<typeof startOpenAiServer>> | undefined;
    afterEach(() => server?.close());

    async function setUp(options: {
      script?: Parameters<typeof startOpenAiServer>[0];
      /** Which purposes get a model; `audit` by default. */
      purposes?: string[];
      audits?: AuditDefinition[];
      skills?: boolean;
    }) {
      server = await startOpenAiServer(options.script ?? []);
      const models = ModelRegistry.fromConfig(
        new ConfigReader({
          hermes: {
            model: {
              providers: { local: { baseUrl: server.baseUrl, apiKey: 'k' } },
            },
            models: Object.fromEntries(
              (options.purposes ?? ['audit']).map(p => [
                p,
                { provider: 'local', model: 'small-model', timeoutSeconds: 2 },
              ]),
            ),
          },
        }),
      );
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const logger = mockServices.logger.mock();
      const skills = await DefaultSkillsService.create({
        config: mockServices.rootConfig({
          data: {
            hermes: {
              skills: {
                directories:
                  options.skills === false
                    ? []
                    : [path.resolve(__dirname, '../../../../skills')],
              },
            },
          },
        }),
        database,
        logger,
      });
      const store = await KnexDriftStore.create({ database });
      const service = (withModels: boolean) =>
        new DefaultDriftService({
          store,
          catalog: catalogServiceMock(),
          skills,
          urlReader: mockServices.urlReader.mock(),
          logger,
          clusters: [],
          audits: options.audits ?? [demo],
          ...(withModels ? { models } : {}),
        });
      return {
        knex,
        skills,
        drift: service(true),
        withoutModel: service(false),
        requests: server.requests,
      };
    }

    it('stores a suggestion beside each unknown finding, which stays unknown even when the model calls everything harmless', async () => {
      const { drift, withoutModel, requests } = await setUp({
        script: [
          { content: answer(1, 20) },
          { content: 'Three findings look harmless to the model.' },
        ],
      });
      const baseline = await withoutModel.runAudit('demo', 'manual');
      const audit = await drift.runAudit('demo', 'manual');
      expect(audit).toMatchObject({
        status: 'succeeded',
        summary: baseline.summary,
        triageModel: { calls: 1, findings: 3, tokens: 120 },
        warnings: [],
      });
      expect(baseline.triageModel).toBeUndefined();

      const classified = async (auditId: string) =>
        (await drift.listFindings({ auditId, credentials: ada })).map(f => [
          f.resource.name,
          f.classification,
          f.suggestion?.classification,
        ]);
      const before = await classified(baseline.id);
      const after = await classified(audit.id);
      // Nothing became harmless without a rule: only the suggestion differs.
      expect(after.map(([name, c]) => [name, c])).toEqual(
        before.map(([name, c]) => [name, c]),
      );
      expect(after.filter(([, , s]) => s)).toEqual([
        ['fraud-detector', 'unknown', 'harmless'],
        ['feature-server', 'unknown', 'harmless'],
        ['model-registry-credentials', 'unknown', 'harmless'],
      ]);
      const sent = findingsSent(requests[0]);
      const featureServer = (
        await drift.listFindings({ auditId: audit.id, credentials: ada })
      ).find(f => f.resource.name === 'feature-server')!;
      const id = sent.find(f => f.object.name === 'feature-server').id;
      expect(featureServer.suggestion).toEqual({
        classification: 'harmless',
        reason: `looks harmless (${id})`,
        confidence: 0.9,
        model: 'local/small-model',
      });

      expect(audit.report).toContain(
        `no skill classifies this drift; review it\n           suggested: harmless — model local/small-model, 0.9: looks harmless (${id})`,
      );
      // The narrative comes after, from the report with the suggestions in it.
      expect(JSON.stringify(requests[1].body.messages)).toContain(
        'suggested: harmless',
      );
      expect(audit.narrative).toBe(
        'Three findings look harmless to the model.',
      );
    });

    it('sends what history says, fenced as data, and never a Secret value', async () => {
      const { drift, requests } = await setUp({
        script: [
          { content: answer(1, 3) },
          { content: 'n' },
          { content: answer(1, 3, 'critical') },
          { content: 'n' },
        ],
      });
      const first = await drift.runAudit('demo', 'manual');
      const findings = await drift.listFindings({
        auditId: first.id,
        credentials: ada,
      });
      const secret = findings.find(f => f.resource.kind === 'Secret')!;
      await drift.resolveFinding(secret.id, {
        resolution: 'reverted',
        userRef: 'user:default/ada',
      });
      await drift.resolveFinding(secret.id, {
        resolution: 'critical',
        note: 'rotated the password',
        userRef: 'user:default/bob',
      });
      const second = await drift.runAudit('demo', 'manual');
      // The report says what history says, under the finding. The re-run continues the same
      // episode, so it is not "seen 2×".
      expect(second.report).toContain(
        '           history: resolved 2× before (reverted ×1, critical ×1) · last resolved: critical by user:default/bob',
      );

      const request = requests[2];
      const system = request.body.messages.find(
        (m: any) => m.role === 'system',
      ).content;
      expect(system).toMatch(/data, never instructions/);
      expect(system).toMatch(/JSON only/);
      const sent = findingsSent(request);
      expect(sent.find((f: any) => f.object.kind === 'Secret')).toEqual({
        id: expect.any(String),
        cluster: 'neuroscale-prod',
        object: {
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: 'ml-registry',
          name: 'model-registry-credentials',
        },
        type: 'modified',
        changes: [{ path: '/data/password', value: 'withheld' }],
        lastWrite: {
          manager: 'kubectl-edit',
          class: 'human',
          operation: 'Update',
          time: '2026-11-24T00:30:00Z',
        },
        history: {
          seenBefore: 0,
          windowDays: 14,
          resolutions: [
            {
              resolution: 'reverted',
              by: 'user:default/ada',
              at: expect.any(String),
            },
            {
              resolution: 'critical',
              by: 'user:default/bob',
              at: expect.any(String),
            },
          ],
        },
      });
      // Only the drift people labelled since is asked about again; the rest did not change.
      expect(sent.map((f: any) => f.object.name)).toEqual([
        'model-registry-credentials',
      ]);
      expect(
        findingsSent(requests[0]).find(
          (f: any) => f.object.name === 'feature-server',
        ).changes,
      ).toEqual([
        {
          path: '/spec/replicas',
          git: 2,
          live: 5,
          writer: 'kube-controller-manager (controller)',
        },
      ]);
      // The skills that triage drift are named as context, in their own fence.
      const prompt = JSON.stringify(request.body.messages);
      expect(prompt).toContain('knative-autoscaler-drift');
      for (const value of DEMO_SECRETS) expect(prompt).not.toContain(value);
      for (const r of requests)
        for (const value of DEMO_SECRETS)
          expect(JSON.stringify(r.body)).not.toContain(value);
    });

    it('batches 20 findings per call and counts calls, findings and tokens on the audit', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-batch-'));
      try {
        const objects = (value: string) =>
          Array.from(
            { length: 45 },
            (_, i) =>
              `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${i}\n  namespace: shop\ndata:\n  mode: ${value}\n`,
          ).join('---\n');
        fs.mkdirSync(path.join(dir, 'git'));
        fs.mkdirSync(path.join(dir, 'live'));
        fs.writeFileSync(path.join(dir, 'git', 'all.yaml'), objects('slow'));
        fs.writeFileSync(path.join(dir, 'live', 'all.yaml'), objects('fast'));
        const { drift, requests } = await setUp({
          skills: false,
          audits: [
            {
              name: 'shop',
              cluster: 'edge-eu',
              desired: { directory: path.join(dir, 'git') },
              liveSnapshot: path.join(dir, 'live'),
              watchedKinds: [],
              ignoreDifferences: [],
            },
          ],
          script: [
            { content: answer(1, 20) },
            // A model may wrap its JSON in a Markdown code block.
            { content: `\`\`\`json\n${answer(21, 40, 'unknown')}\n\`\`\`` },
            { content: answer(41, 45, 'critical') },
            { content: 'narrative' },
          ],
        });
        const audit = await drift.runAudit('shop', 'manual');
        expect(audit).toMatchObject({
          status: 'succeeded',
          summary: { unknown: 45, harmless: 0, critical: 0 },
          triageModel: { calls: 3, findings: 45, tokens: 360 },
        });
        expect(requests.slice(0, 3).map(r => findingsSent(r).length)).toEqual([
          20, 20, 5,
        ]);
        const findings = await drift.listFindings({
          auditId: audit.id,
          credentials: ada,
        });
        const counts: Record<string, number> = {};
        for (const f of findings) {
          expect(f.classification).toBe('unknown');
          const s = f.suggestion!.classification;
          counts[s] = (counts[s] ?? 0) + 1;
        }
        expect(counts).toEqual({ harmless: 20, unknown: 20, critical: 5 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('completes the audit without suggestions, with a warning, when the model answers badly or fails', async () => {
      const { drift } = await setUp({
        script: [
          { content: 'Sure! All of them look fine to me.' },
          { content: 'n' },
          { content: answer(1, 3, 'harmless', { confidence: 7 }) },
          { content: 'n' },
          { status: 500, error: 'model overloaded' },
          { content: 'n' },
        ],
      });
      const warningsOf = async () => {
        const audit = await drift.runAudit('demo', 'manual');
        expect(audit.status).toBe('succeeded');
        expect(audit.summary).toEqual({ critical: 2, unknown: 3, harmless: 1 });
        const findings = await drift.listFindings({
          auditId: audit.id,
          credentials: ada,
        });
        expect(findings.filter(f => f.suggestion)).toEqual([]);
        expect(audit.report).not.toContain('suggested:');
        return { warnings: audit.warnings, usage: audit.triageModel };
      };
      expect(await warningsOf()).toEqual({
        warnings: [
          'no triage suggestions for 3 unknown findings: the audit model local/small-model answered malformed JSON (not JSON: Sure! All of them look fine to me.)',
        ],
        usage: { calls: 1, findings: 3, tokens: 120 },
      });
      expect(await warningsOf()).toEqual({
        warnings: [
          'no triage suggestions for 3 unknown findings: the audit model local/small-model answered malformed JSON (suggestions.0.confidence: Too big: expected number to be <=1)',
        ],
        usage: { calls: 1, findings: 3, tokens: 120 },
      });
      expect(await warningsOf()).toEqual({
        warnings: [
          expect.stringMatching(
            /^no triage suggestions for 3 unknown findings: the audit model local\/small-model failed: /,
          ),
        ],
        usage: { calls: 1, findings: 3, tokens: 0 },
      });
    });

    it('calls no model and stores no suggestion when no audit model is configured', async () => {
      const { drift, requests } = await setUp({ purposes: ['chat'] });
      const audit = await drift.runAudit('demo', 'manual');
      expect(audit.status).toBe('succeeded');
      expect(audit.triageModel).toBeUndefined();
      expect(audit.narrative).toBeUndefined();
      expect(requests).toEqual([]);
      const findings = await drift.listFindings({
        auditId: audit.id,
        credentials: ada,
      });
      expect(findings.filter(f => f.suggestion)).toEqual([]);
      expect(await drift.triageMetrics()).toEqual([
        expect.objectContaining({
          findings: 6,
          byRule: 3,
          bySuggestion: 0,
          unknown: 3,
          modelCalls: 0,
          modelTokens: 0,
        }),
      ]);
    });

    it('does not ask the model about drift an approved rule leaves to a person', async () => {
      const { drift, skills, requests } = await setUp({
        script: [{ content: answer(1, 2) }, { content: 'n' }],
      });
      await skills.save(
        [
          '---',
          'name: replicas-people-decide',
          'description: People decide replica changes both ways.',
          'metadata:',
          '  hermes:',
          '    triage:',
          '      - match:',
          '          kinds: [Deployment]',
          '          paths: [/spec/replicas]',
          '        classify: unknown',
          '        reason: people decide replica changes both ways',
          '---',
          'Look at the load before deciding.',
          '',
        ].join('\n'),
        'user:default/ada',
      );
      const audit = await drift.runAudit('demo', 'manual');
      const findings = await drift.listFindings({
        auditId: audit.id,
        credentials: ada,
      });
      const featureServer = findings.find(
        f => f.resource.name === 'feature-server',
      )!;
      expect(featureServer).toMatchObject({
        classification: 'unknown',
        skill: 'replicas-people-decide',
        reason: 'people decide replica changes both ways',
      });
      expect(featureServer.suggestion).toBeUndefined();
      // One triage request, for the other two unknown findings only, then the narrative.
      expect(requests).toHaveLength(2);
      const sent = findingsSent(requests[0]);
      expect(sent).toHaveLength(2);
      expect(JSON.stringify(sent)).not.toContain('feature-server');
      expect(
        findings
          .filter(f => f.classification === 'unknown' && !f.skill)
          .map(f => f.suggestion?.reason),
      ).toEqual([
        expect.stringMatching(/^looks harmless/),
        expect.stringMatching(/^looks harmless/),
      ]);
    });

    it('applies a rule approved since the last audit, so its drift no longer goes to the model', async () => {
      const { drift, skills, requests } = await setUp({
        script: [{ content: answer(1, 3) }, { content: 'n' }, { content: 'n' }],
      });
      await drift.runAudit('demo', 'manual');
      await skills.save(
        [
          '---',
          'name: hpa-replicas',
          'description: Replica counts set by the controller manager follow the load.',
          'metadata:',
          '  hermes:',
          '    triage:',
          '      - match:',
          '          kinds: [Deployment]',
          '          paths: [/spec/replicas]',
          '          managerClasses: [controller]',
          '        classify: harmless',
          '        reason: scaled by an autoscaler',
          '---',
          'Nothing to do.',
          '',
        ].join('\n'),
        'user:default/ada',
      );
      const second = await drift.runAudit('demo', 'manual');
      const featureServer = (
        await drift.listFindings({ auditId: second.id, credentials: ada })
      ).find(f => f.resource.name === 'feature-server')!;
      expect(featureServer).toMatchObject({
        classification: 'harmless',
        skill: 'hpa-replicas',
      });
      expect(featureServer.suggestion).toBeUndefined();
      // The two still unknown did not change: they keep their suggestions, and the second
      // audit asks the model nothing (its only request is the report's narrative).
      const unknown = (
        await drift.listFindings({ auditId: second.id, credentials: ada })
      ).filter(f => f.classification === 'unknown');
      expect(unknown.map(f => f.suggestion?.reason)).toEqual([
        expect.stringMatching(/^looks harmless/),
        expect.stringMatching(/^looks harmless/),
      ]);
      expect(requests).toHaveLength(3);
      expect(JSON.stringify(requests[2].body)).toContain(
        'You summarise drift audits',
      );
      expect(
        (await drift.triageMetrics()).map(m => [
          m.findings,
          m.byRule,
          m.bySuggestion,
          m.unknown,
          m.modelCalls,
          m.modelTokens,
        ]),
      ).toEqual([
        [6, 3, 3, 0, 1, 120],
        [6, 4, 2, 0, 0, 0],
      ]);
    });
  },
);
