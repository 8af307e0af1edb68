import { mockCredentials } from '@backstage/backend-test-utils';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  connectMcp,
  GRACE,
  LINUS,
  startMcpPortal,
} from './__testUtils__/mcpPortal';

const databases = createTestDatabases();

const latestPod = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: { name: web, namespace: shop, labels: { owner: shop, cost-center: cc-7 } }',
  'spec:',
  '  securityContext: { runAsNonRoot: true }',
  '  containers:',
  '    - name: web',
  '      image: nginx:latest',
  '      resources:',
  '        limits: { cpu: 500m, memory: 256Mi }',
  '        requests: { cpu: 100m, memory: 128Mi }',
].join('\n');

type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: any;
};

describe.each(databases.eachSupportedId())(
  'Hermes actions over MCP on %s',
  databaseId => {
    jest.setTimeout(60_000);
    let port: number;
    const clients: Client[] = [];

    beforeAll(async () => {
      port = await startMcpPortal(await databases.init(databaseId));
    });

    afterAll(async () => {
      await Promise.all(clients.map(c => c.close()));
    });

    async function connect(userRef: string, authorization?: string) {
      const client = await connectMcp(port, userRef, authorization);
      clients.push(client);
      return client;
    }

    async function call(
      client: Client,
      name: string,
      args: Record<string, unknown>,
    ): Promise<ToolResult> {
      return (await client.callTool({ name, arguments: args })) as ToolResult;
    }

    const errorText = (result: ToolResult) => {
      expect(result.isError).toBe(true);
      return result.content[0].text;
    };

    const kindAndName = (findings: any[]) =>
      findings.map(f => `${f.resource.kind}/${f.resource.name}`).sort();

    it('lists Hermes actions as tools, saying which only read', async () => {
      const grace = await connect(GRACE);
      const { tools } = await grace.listTools();
      const hermes = Object.fromEntries(
        tools.filter(t => t.name.startsWith('hermes.')).map(t => [t.name, t]),
      );
      expect(Object.keys(hermes).sort()).toEqual([
        'hermes.drift-findings',
        'hermes.drift-report',
        'hermes.drift-run-audit',
        'hermes.memory-search',
        'hermes.policy-check',
        'hermes.skill-view',
        'hermes.skills-search',
        'hermes.task-run',
        'hermes.tasks-list',
      ]);
      expect(hermes['hermes.policy-check'].annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      });
      expect(hermes['hermes.policy-check'].inputSchema).toMatchObject({
        type: 'object',
        required: ['manifests'],
      });
      for (const changing of ['hermes.drift-run-audit', 'hermes.task-run'])
        expect(hermes[changing].annotations).toMatchObject({
          readOnlyHint: false,
          destructiveHint: false,
        });
    });

    it('checks a manifest against the configured policies and names the violation', async () => {
      const grace = await connect(GRACE);
      const result = await call(grace, 'hermes.policy-check', {
        manifests: latestPod,
        fileName: 'pod.yaml',
      });
      expect(result.isError).toBeFalsy();
      const output = result.structuredContent;
      expect(output.passed).toBe(false);
      expect(output.summary).toMatchObject({ enforcedFailures: 1 });
      expect(output.violations).toEqual([
        expect.objectContaining({
          policy: 'disallow-latest-tag',
          resource: expect.objectContaining({ kind: 'Pod', name: 'web' }),
          result: 'fail',
          failureAction: 'Enforce',
          source: 'pod.yaml',
        }),
      ]);
      expect(output.report).toMatch(/1 enforced violation/);

      // Accepting it with a reason makes the manifests pass.
      const exempted = await call(grace, 'hermes.policy-check', {
        manifests: latestPod,
        exemptions: [
          { policy: 'disallow-latest-tag', reason: 'vendor image, OPS-12' },
        ],
      });
      expect(exempted.structuredContent).toMatchObject({
        passed: true,
        summary: { exempted: 1, enforcedFailures: 0 },
      });
    });

    it('refuses a policy source on the server disk with a clear error', async () => {
      const grace = await connect(GRACE);
      const result = await call(grace, 'hermes.policy-check', {
        manifests: latestPod,
        policies: ['/etc'],
      });
      expect(errorText(result)).toMatch(
        /^InputError: policies\[0\]: "\/etc" is not a configured policy source/,
      );
    });

    it('runs an audit, then shows its report and findings to a reader of all drift', async () => {
      const grace = await connect(GRACE);
      const run = await call(grace, 'hermes.drift-run-audit', {
        audit: 'demo',
      });
      expect(run.isError).toBeFalsy();
      expect(run.structuredContent).toMatchObject({
        cluster: 'neuroscale-prod',
        status: 'succeeded',
        trigger: 'manual',
        report: expect.stringMatching(
          /^Drift Audit — .* · cluster neuroscale-prod/,
        ),
      });

      const report = await call(grace, 'hermes.drift-report', {
        runId: run.structuredContent.id,
      });
      expect(report.structuredContent.report).toBe(
        run.structuredContent.report,
      );

      const all = await call(grace, 'hermes.drift-findings', {
        cluster: 'neuroscale-prod',
      });
      expect(all.isError).toBeFalsy();
      expect(kindAndName(all.structuredContent.findings)).toEqual(
        expect.arrayContaining([
          'ClusterPolicy/require-resource-limits',
          'InferenceService/fraud-detector',
        ]),
      );
      expect(all.structuredContent.total).toBe(
        all.structuredContent.findings.length,
      );

      const unknownCluster = await call(grace, 'hermes.drift-findings', {
        cluster: 'staging',
      });
      expect(errorText(unknownCluster)).toBe(
        'InputError: cluster: no audit covers "staging"; audited clusters: neuroscale-prod',
      );

      // Remembered, and found again by someone who may read all drift.
      const recalled = await call(grace, 'hermes.memory-search', {
        query: 'require-resource-limits',
        kinds: ['finding'],
      });
      expect(recalled.structuredContent.hits.map((h: any) => h.kind)).toContain(
        'finding',
      );
    });

    it('shows a caller without drift permissions only the drift of entities they may read', async () => {
      const grace = await connect(GRACE);
      await call(grace, 'hermes.drift-run-audit', { audit: 'demo' });
      const linus = await connect(LINUS);

      // Reports span every entity: the actions that need hermes.drift.read are not offered.
      const names = (await linus.listTools()).tools.map(t => t.name);
      expect(names).toContain('hermes.drift-findings');
      expect(names).not.toContain('hermes.drift-report');
      expect(names).not.toContain('hermes.drift-run-audit');
      expect(errorText(await call(linus, 'hermes.drift-report', {}))).toBe(
        'NotFoundError: Action "hermes.drift-report" not found',
      );

      const his = await call(linus, 'hermes.drift-findings', {});
      expect(kindAndName(his.structuredContent.findings)).toEqual([
        'InferenceService/fraud-detector',
        'Service/recommender-ranker-predictor',
      ]);

      // kyverno belongs to another team: linus may not read it, so nor its drift.
      const kyverno = await call(linus, 'hermes.drift-findings', {
        entityRef: 'component:default/kyverno',
      });
      expect(errorText(kyverno)).toBe(
        'NotFoundError: No entity component:default/kyverno, or you may not read it',
      );

      // Memory applies the same rules: drift of no entity stays hidden from him.
      const recalled = await call(linus, 'hermes.memory-search', {
        query: 'require-resource-limits',
      });
      expect(recalled.isError).toBeFalsy();
      expect(
        recalled.structuredContent.hits.filter(
          (h: any) =>
            !h.entityRef && ['audit', 'finding', 'resolution'].includes(h.kind),
        ),
      ).toEqual([]);
    });

    it('refuses memory search to a caller that is no user, saying why', async () => {
      const pipeline = await connect(
        'service',
        mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('external:ci-pipeline'),
          targetPluginId: 'mcp-actions',
        }),
      );
      const result = await call(pipeline, 'hermes.memory-search', {
        query: 'drift',
      });
      expect(errorText(result)).toBe(
        "NotAllowedError: hermes:memory-search answers for a signed-in user; call it with a user's token, not a service's",
      );
    });

    it('finds and reads skills', async () => {
      const grace = await connect(GRACE);
      const found = await call(grace, 'hermes.skills-search', {
        query: 'knative autoscaler replicas',
      });
      expect(found.structuredContent.skills.map((s: any) => s.name)).toContain(
        'knative-autoscaler-drift',
      );
      const viewed = await call(grace, 'hermes.skill-view', {
        name: 'knative-autoscaler-drift',
      });
      expect(viewed.structuredContent).toMatchObject({
        name: 'knative-autoscaler-drift',
        version: 1,
        content: expect.stringMatching(/\S/),
      });
      const missing = await call(grace, 'hermes.skill-view', {
        name: 'no-such-skill',
      });
      expect(errorText(missing)).toMatch(/^NotFoundError: .*no-such-skill/);
    });

    it('lists the tasks a caller may read and runs one for a reader of it', async () => {
      const grace = await connect(GRACE);
      const linus = await connect(LINUS);
      const listed = await call(grace, 'hermes.tasks-list', {});
      expect(listed.structuredContent.tasks).toEqual([
        expect.objectContaining({
          name: 'prod-drift',
          source: 'config',
          kind: 'drift-audit',
          schedule: expect.objectContaining({ text: 'every 6h' }),
        }),
      ]);
      // A task about all drift is for readers of all drift.
      expect(
        (await call(linus, 'hermes.tasks-list', {})).structuredContent.tasks,
      ).toEqual([]);

      const { id } = listed.structuredContent.tasks[0];
      const denied = await call(linus, 'hermes.task-run', { id });
      expect(errorText(denied)).toBe(`NotFoundError: No task ${id}`);

      const run = await call(grace, 'hermes.task-run', { id });
      expect(run.isError).toBeFalsy();
      expect(run.structuredContent.run).toMatchObject({
        taskId: id,
        trigger: 'manual',
      });
      // The run goes on in the background; the task's last run shows how it ended.
      let lastRun: any;
      for (let i = 0; i < 100; i++) {
        const [task] = (await call(grace, 'hermes.tasks-list', {}))
          .structuredContent.tasks;
        lastRun = task.lastRun;
        if (lastRun && !['queued', 'running'].includes(lastRun.status)) break;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(lastRun).toMatchObject({
        id: run.structuredContent.run.id,
        status: 'succeeded',
        auditId: expect.any(String),
      });
    });
  },
);
