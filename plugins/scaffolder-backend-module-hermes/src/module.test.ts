import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderModuleHermes } from './module';

const examples = path.resolve(__dirname, '../../../examples');
const templateDir = path.join(examples, 'templates/model-endpoint');
const policiesDir = path.join(
  examples,
  'gitops/infrastructure/kyverno/policies',
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
  openPullRequest: false,
};

describe('hermes:policy:precheck in the real scaffolder', () => {
  async function dryRun(values: Record<string, unknown>) {
    const { server } = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleHermes,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({
          data: { hermes: { policies: { sources: [policiesDir] } } },
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
    expect(log).toMatch(/Checking 1 resources from 2 files against 5 policies/);
    expect(log).not.toMatch(/Policy pre-check failed/);
    expect(response.body.output.text[0].content).toMatch(
      /All applicable policy rules pass/,
    );
  });

  it('fails on a latest image without limits, naming both violations', async () => {
    const { cpu, memory, ...withoutResources } = compliant;
    const { response } = await dryRun({
      ...withoutResources,
      runtimeImage: 'nginx:latest',
    });
    // The failed step fails the dry run; its error lists every violation.
    expect(response.status).toBe(500);
    const message: string = response.body.error.message;
    expect(message).toMatch(
      /^Policy pre-check failed: 2 violations \(failOn: enforce\)/,
    );
    expect(message).toContain(
      '- InferenceService serving-stack/fraud-detector-v4 (inferenceservice.yaml): disallow-latest-tag/pin-predictor-image: The predictor image nginx:latest must be pinned',
    );
    expect(message).toContain(
      '- InferenceService serving-stack/fraud-detector-v4 (inferenceservice.yaml): require-resource-limits/require-predictor-resources: validation error:',
    );
  });
});
