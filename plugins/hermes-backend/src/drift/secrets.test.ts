import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { captureLogs } from '../__testUtils__/demo';
import { startOpenAiServer } from '../__testUtils__/openAiServer';
import { hermesPlugin } from '../plugin';

const databases = createTestDatabases();

const PASSWORD = 'live-password-8d1e';
const TOKEN = 'applied-token-5b3c';
const SECRETS = [PASSWORD, TOKEN, btoa(PASSWORD), btoa(TOKEN)];

const lastApplied = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'shop' },
  data: { password: btoa(PASSWORD) },
  stringData: { token: TOKEN },
});

/** A live object as `kubectl get -o yaml` prints it after `kubectl apply`. */
const live = (kind: string, name: string, body: string) =>
  [
    'apiVersion: v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${name}`,
    '  namespace: shop',
    '  annotations:',
    '    owner: platform',
    `    kubectl.kubernetes.io/last-applied-configuration: '${lastApplied}'`,
    '  managedFields:',
    '  - manager: kubectl-client-side-apply',
    '    operation: Update',
    '    time: "2026-11-24T00:30:00Z"',
    '    fieldsV1:',
    '      f:metadata:',
    '        f:annotations:',
    '          f:kubectl.kubernetes.io/last-applied-configuration: {}',
    body,
    '',
  ].join('\n');

const desired = (kind: string, name: string, annotations: string) =>
  `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: shop\n  annotations:${annotations}\n`;

describe.each(databases.eachSupportedId())(
  'Secret values through a whole audit on %s',
  databaseId => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-drift-secrets-'));
      fs.mkdirSync(path.join(dir, 'git'));
      fs.mkdirSync(path.join(dir, 'live'));
    });
    let closeModel = () => {};
    afterEach(() => {
      closeModel();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('keeps them out of findings, reports, rows, memory, logs and the model, whatever shape Git gives the annotations', async () => {
      const data = `data: { password: ${btoa(PASSWORD)} }`;
      // Git holds the annotations as null, a string and a list where the cluster holds a map.
      fs.writeFileSync(
        path.join(dir, 'git', 'objects.yaml'),
        [
          `${desired('Secret', 'creds', '')}${data}\n`,
          desired('Secret', 'named', ' owner=platform'),
          desired('ConfigMap', 'settings', '\n  - owner'),
        ].join('---\n'),
      );
      fs.writeFileSync(
        path.join(dir, 'live', 'objects.yaml'),
        [
          live('Secret', 'creds', data),
          live('Secret', 'named', data),
          live('ConfigMap', 'settings', 'data: { mode: fast }'),
        ].join('---\n'),
      );
      const logs = captureLogs();
      // The audit model suggests classifications of the unknown findings and narrates.
      const model = await startOpenAiServer([
        {
          content: JSON.stringify({
            suggestions: ['f1', 'f2', 'f3'].map(id => ({
              id,
              classification: 'critical',
              reason: 'a person edited a Secret',
              confidence: 0.7,
            })),
          }),
        },
        { content: 'Secrets were edited by hand.' },
      ]);
      closeModel = model.close;
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          hermesPlugin,
          mockServices.rootConfig.factory({
            data: {
              hermes: {
                clusters: [{ name: 'edge-eu', url: 'https://127.0.0.1:1' }],
                model: { providers: { local: { baseUrl: model.baseUrl } } },
                models: { audit: { provider: 'local', model: 'small' } },
                audits: [
                  {
                    name: 'shop',
                    cluster: 'edge-eu',
                    desired: { directory: path.join(dir, 'git') },
                    live: { snapshot: path.join(dir, 'live') },
                  },
                ],
              },
            },
          }),
          mockServices.database.factory({ knex }),
          mockServices.rootLogger.factory({ level: 'debug' }),
          catalogServiceMock.factory(),
        ],
      });
      const auth = mockCredentials.user.header();
      const run = await request(server)
        .post('/api/hermes/drift/audits/shop/run')
        .set('Authorization', auth);
      expect(run.body).toMatchObject({
        status: 'succeeded',
        summary: { unknown: 3 },
        triageModel: { calls: 1, findings: 3, tokens: 120 },
        narrative: 'Secrets were edited by hand.',
      });
      const answers = [
        run.text,
        (
          await request(server)
            .get('/api/hermes/drift/audits')
            .set('Authorization', auth)
        ).text,
        (
          await request(server)
            .get(`/api/hermes/drift/audits/${run.body.id}`)
            .set('Authorization', auth)
        ).text,
        (
          await request(server)
            .get('/api/hermes/drift/findings')
            .set('Authorization', auth)
        ).text,
      ];
      // The findings went to the model (with their paths), their suggestions came back.
      expect(JSON.stringify(model.requests[0].body)).toContain(
        '/metadata/annotations',
      );
      const listed = JSON.parse(answers[3]).findings;
      expect(listed.map((f: any) => [f.suggestion, f.history.labels])).toEqual(
        Array(3).fill([
          {
            classification: 'critical',
            reason: 'a person edited a Secret',
            confidence: 0.7,
            model: 'local/small',
          },
          [],
        ]),
      );
      answers.push(...model.requests.map(r => JSON.stringify(r.body)));
      const tables: string[] = (await knex('hermes_drift_findings')).map(row =>
        JSON.stringify(row),
      );
      const memory = await knex('hermes_memory_documents');
      tables.push(
        ...(await knex('hermes_drift_audits')).map(row => JSON.stringify(row)),
        ...memory.map(row => JSON.stringify(row)),
      );
      // The drift is still there to see: only the values are withheld.
      expect(tables.some(row => row.includes('/metadata/annotations'))).toBe(
        true,
      );
      expect(memory.map(row => row.kind).sort()).toEqual([
        'audit',
        'finding',
        'finding',
        'finding',
      ]);
      expect(logs.join('\n')).toContain('Drift audit "shop" of edge-eu');
      const everything = [...answers, ...tables, ...logs].join('\n');
      for (const secret of SECRETS) expect(everything).not.toContain(secret);
    });
  },
);
