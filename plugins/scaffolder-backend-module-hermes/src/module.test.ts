import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderModuleHermes } from './module';

const examples = path.resolve(__dirname, '../../../examples');
const templateDir = path.join(examples, 'templates/model-endpoint');
// As app-config.yaml: the ClusterPolicies the cluster enforces and their CEL versions.
const policySources = ['policies', 'validating-policies'].map(dir =>
  path.join(examples, 'gitops/infrastructure/kyverno', dir),
);

function templateFiles(
  dir: string,
  prefix = '',
): Array<{ path: string; base64Content: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? templateFiles(full, relative)
      : [
          {
            path: relative,
            base64Content: fs.readFileSync(full).toString('base64'),
          },
        ];
  });
}

const compliant = {
  name: 'fraud-detector-v4',
  modelFormat: 'xgboost',
  storageUri: 's3://models/fraud/v4',
  owner: 'group:default/ranking',
  costCenter: 'cc-4410',
  cpu: '2',
  memory: '4Gi',
  runtimeVersion: 'v0.14.1',
  publish: 'none',
};

describe('hermes:policy:precheck in the real scaffolder', () => {
  async function dryRun(values: Record<string, unknown>) {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleHermes,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { hermes: { policies: { sources: policySources } } },
        }),
      ],
    });
    const response = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header())
      .send({
        template: parse(
          fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
        ),
        values,
        directoryContents: templateFiles(templateDir),
      });
    const log: string = (response.body.log ?? [])
      .map((e: any) => e.body?.message ?? '')
      .join('\n');
    return { response, log };
  }

  it('passes a compliant model endpoint and reports the check in the output', async () => {
    const { response, log } = await dryRun(compliant);
    expect(response.status).toBe(200);
    expect(log).toMatch(
      /Checking 1 resources from 2 files against 10 policies/,
    );
    expect(log).not.toMatch(/Policy pre-check failed/);
    expect(response.body.output.text[0].content).toMatch(
      /All applicable policy rules pass/,
    );
  });

  it('fails on a latest image without limits, naming the violations of both policy forms', async () => {
    const { cpu, memory, ...withoutResources } = compliant;
    const { response } = await dryRun({
      ...withoutResources,
      runtimeImage: 'nginx:latest',
    });
    // The failed step fails the dry run; its error lists every violation.
    expect(response.status).toBe(500);
    const message: string = response.body.error.message;
    expect(message).toMatch(
      /^Policy pre-check failed: 4 violations \(failOn: enforce\)/,
    );
    expect(message).toContain(
      '- InferenceService serving-stack/fraud-detector-v4 (inferenceservice.yaml): disallow-latest-tag/pin-predictor-image: The predictor image nginx:latest must be pinned',
    );
    expect(message).toContain(
      '- InferenceService serving-stack/fraud-detector-v4 (inferenceservice.yaml): require-resource-limits/require-predictor-resources: validation error:',
    );
    // The ValidatingPolicy versions of the same two rules.
    expect(message).toContain(
      '- InferenceService serving-stack/fraud-detector-v4 (inferenceservice.yaml): disallow-latest-predictor-image-cel/disallow-latest-predictor-image-cel: The predictor image nginx:latest must be pinned',
    );
    expect(message).toContain(
      '- InferenceService serving-stack/fraud-detector-v4 (inferenceservice.yaml): require-predictor-resources-cel/require-predictor-resources-cel: The predictor must set CPU and memory',
    );
  });
});

describe('the template publishing to the local Git repository', () => {
  jest.setTimeout(60_000);

  const git = (repo: string, ...args: string[]) =>
    execFileSync('/usr/bin/git', ['-C', repo, ...args], { encoding: 'utf8' });

  // A real task of the real scaffolder, as the portal runs it: the template comes from the
  // catalog (here its file on disk), the steps run in order, the output is rendered.
  async function runTask(values: Record<string, unknown>, repository: string) {
    const template = parse(
      fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
    );
    template.metadata.namespace = 'default';
    template.metadata.annotations = {
      'backstage.io/managed-by-location': `file:${path.join(
        templateDir,
        'template.yaml',
      )}`,
    };
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleHermes,
        catalogServiceMock.factory({ entities: [template] }),
        mockServices.rootConfig.factory({
          data: {
            hermes: {
              policies: { sources: policySources },
              demo: { gitRepository: repository },
            },
          },
        }),
      ],
    });
    const user = mockCredentials.user.header();
    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', user)
      .send({ templateRef: 'template:default/kserve-model-endpoint', values });
    expect(created.status).toBe(201);
    for (;;) {
      const events = await request(server)
        .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
        .set('Authorization', user);
      const completion = events.body.find((e: any) => e.type === 'completion');
      if (completion)
        return {
          ...completion.body,
          log: events.body.map((e: any) => e.body.message).join('\n'),
        };
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  it('commits the checked manifests on a new branch, creating the repository, and says where', async () => {
    const repository = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-gitops-')),
      'gitops',
    );
    const result = await runTask(
      { ...compliant, publish: 'local' },
      repository,
    );
    expect(result.message).toBe('Run completed with status: completed');
    const commit = result.output.text[1].content.match(
      /commit `([0-9a-f]{40})`/,
    )?.[1];
    expect(result.output.text[1]).toEqual({
      title: 'Published',
      content: `Committed on branch \`model-endpoint/fraud-detector-v4\` (commit \`${commit}\`) of the local Git repository \`${repository}\`, in \`apps/serving-stack/fraud-detector-v4\`. See it with \`git -C ${repository} show model-endpoint/fraud-detector-v4\`.`,
    });

    expect(
      git(repository, 'rev-parse', 'model-endpoint/fraud-detector-v4'),
    ).toBe(`${commit}\n`);
    // A branch off the repository's first commit on main, which the working tree still shows.
    expect(
      git(repository, 'log', '--format=%s', 'model-endpoint/fraud-detector-v4'),
    ).toBe(
      'Add model endpoint fraud-detector-v4\nCreate the demo GitOps repository\n',
    );
    expect(git(repository, 'branch', '--show-current')).toBe('main\n');
    expect(
      git(repository, 'show', '--name-only', '--format=', commit!).split('\n'),
    ).toEqual([
      'apps/serving-stack/fraud-detector-v4/catalog-info.yaml',
      'apps/serving-stack/fraud-detector-v4/inferenceservice.yaml',
      '',
    ]);
    const manifest = git(
      repository,
      'show',
      `${commit}:apps/serving-stack/fraud-detector-v4/inferenceservice.yaml`,
    );
    expect(manifest).toContain('name: fraud-detector-v4');
    expect(manifest).toContain('storageUri: s3://models/fraud/v4');
    expect(manifest).toContain('cost-center: cc-4410');

    // The same endpoint again: the branch exists, the task fails saying so, nothing moves.
    const again = await runTask({ ...compliant, publish: 'local' }, repository);
    expect(again.message).toBe('Run completed with status: failed');
    expect(again.log).toContain(
      `Error: branchName: branch "model-endpoint/fraud-detector-v4" already exists in ${repository}; choose another name`,
    );
    expect(
      git(repository, 'rev-parse', 'model-endpoint/fraud-detector-v4'),
    ).toBe(`${commit}\n`);
  });

  it('publishes nothing when the pre-check fails', async () => {
    const repository = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-gitops-')),
      'gitops',
    );
    const result = await runTask(
      { ...compliant, publish: 'local', runtimeImage: 'nginx:latest' },
      repository,
    );
    expect(result.message).toBe('Run completed with status: failed');
    // The ClusterPolicy and its ValidatingPolicy version.
    expect(result.log).toContain('Policy pre-check failed: 2 violations');
    expect(result.log).toContain(
      'Skipping step commit because a previous step failed',
    );
    expect(fs.existsSync(repository)).toBe(false);
  });
});
