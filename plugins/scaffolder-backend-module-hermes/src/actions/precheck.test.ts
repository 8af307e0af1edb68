import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPolicyPrecheckAction } from './precheck';

const policies = path.resolve(
  __dirname,
  '../../../../examples/gitops/infrastructure/kyverno/policies',
);

// The scaffolder itself is exercised in module.test.ts; these drive the handler with bad
// workspaces, where a small hand-made context is enough.
async function runAction(
  files: Record<string, string>,
  input: Record<string, unknown> = {},
) {
  const workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-ws-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspacePath, name)), {
      recursive: true,
    });
    fs.writeFileSync(path.join(workspacePath, name), content);
  }
  const action = createPolicyPrecheckAction({
    config: mockServices.rootConfig({
      data: { hermes: { policies: { sources: [policies] } } },
    }),
    urlReader: mockServices.urlReader.mock(),
  });
  const outputs: Record<string, unknown> = {};
  const logger = mockServices.logger.mock();
  const ctx = {
    input: {
      files: ['**/*.yaml'],
      failOn: 'enforce',
      exemptions: [],
      ...input,
    },
    workspacePath,
    logger,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  };
  const run = action.handler(ctx as any);
  return { run, outputs, logger };
}

const goodPod = `apiVersion: v1
kind: Pod
metadata: { name: ok, namespace: serving-stack }
spec:
  securityContext: { runAsNonRoot: true }
  containers:
    - name: app
      image: nginx:1.27.3
      resources: { requests: { cpu: 100m, memory: 1Gi }, limits: { cpu: 100m, memory: 1Gi } }
`;

describe('hermes:policy:precheck handler', () => {
  it('fails on malformed YAML, naming the file and line, without touching other files', async () => {
    const { run, outputs } = await runAction({
      'good.yaml': goodPod,
      'deploy/bad.yaml': 'kind: [Pod\n',
    });
    await expect(run).rejects.toThrow(
      /Policy pre-check failed: 0 violations and 1 input problem \(failOn: enforce\)\n- deploy\/bad\.yaml:\d+: invalid YAML/,
    );
    expect(outputs.passed).toBe(false);
    // The scaffolder logs a failed step's stack: the report, not code locations.
    const failure = await run.catch(e => e);
    expect(failure.stack).toBe(failure.message);
    // The good file was still checked, and the report lists the input problem.
    expect(outputs.summary).toMatch(/All applicable policy rules pass/);
    expect(outputs.summary).toMatch(
      /Input problems:\n\n- deploy\/bad\.yaml:\d+:\d+: invalid YAML/,
    );
  });

  it('refuses an alias bomb and a __proto__ key without harm', async () => {
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    const { run } = await runAction({
      'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\n${bomb}\n`,
      'proto.yaml': goodPod.replace(
        'metadata: { name: ok,',
        'metadata: { __proto__: { polluted: true }, name: ok,',
      ),
    });
    await expect(run).rejects.toThrow(/bomb\.yaml:\d+: refused: .*alias/i);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('passes exempted violations and reports the reason', async () => {
    const { run, outputs } = await runAction(
      { 'pod.yaml': goodPod.replace('nginx:1.27.3', 'nginx:latest') },
      {
        exemptions: [
          { policy: 'disallow-latest-tag', reason: 'vendor image, OPS-12' },
        ],
      },
    );
    await run;
    expect(outputs.passed).toBe(true);
    expect(outputs.summary).toContain('exempted: vendor image, OPS-12');
  });

  it('only reports with failOn never', async () => {
    const { run, outputs } = await runAction(
      { 'pod.yaml': goodPod.replace('nginx:1.27.3', 'nginx:latest') },
      { failOn: 'never' },
    );
    await run;
    expect(outputs.passed).toBe(true);
    expect(outputs.summary).toMatch(/^\*\*1 enforced violation\*\*/);
  });

  it('reads policies a template names only inside its workspace', async () => {
    const policy = fs.readFileSync(
      path.join(policies, 'disallow-latest-tag.yaml'),
      'utf8',
    );
    const latest = goodPod.replace('nginx:1.27.3', 'nginx:latest');
    const inside = await runAction(
      { 'pod.yaml': latest, 'policies/latest.yml': policy },
      { files: ['pod.yaml'], policies: ['policies'] },
    );
    await expect(inside.run).rejects.toThrow(
      /1 violation[\s\S]*disallow-latest-tag\/pin-image-tags/,
    );

    for (const outside of ['/etc', '../..', path.join(policies, '..')]) {
      const { run } = await runAction(
        { 'pod.yaml': latest },
        { files: ['pod.yaml'], policies: [outside] },
      );
      await expect(run).rejects.toThrow(
        `policies[0]: "${outside}" is not a configured policy source (hermes.policies.sources) or a URL, nor a path inside the workspace`,
      );
    }
  });

  it('says where to configure policies when there are none', async () => {
    const action = createPolicyPrecheckAction({
      config: mockServices.rootConfig({ data: {} }),
      urlReader: mockServices.urlReader.mock(),
    });
    await expect(
      action.handler({
        input: { files: ['**/*.yaml'], failOn: 'enforce', exemptions: [] },
        workspacePath: os.tmpdir(),
        logger: mockServices.logger.mock(),
        output: () => {},
      } as any),
    ).rejects.toThrow(
      'No policy sources: set the "policies" input or hermes.policies.sources in app-config.yaml',
    );
  });
});
