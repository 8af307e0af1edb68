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
import { hermesPlugin } from '../plugin';

const databases = createTestDatabases();

const write = (overrides: object = {}) => ({
  kind: 'Event',
  verb: 'update',
  stage: 'ResponseComplete',
  user: { username: 'ops-admin' },
  objectRef: {
    apiGroup: '',
    resource: 'configmaps',
    namespace: 'shop',
    name: 'settings',
  },
  requestURI:
    '/api/v1/namespaces/shop/configmaps/settings?fieldManager=kubectl-edit',
  stageTimestamp: '2026-11-24T03:12:00.412Z',
  responseStatus: { code: 200 },
  ...overrides,
});

// What reached the database must never come back to the caller: no SQL, no driver text.
const SQL =
  /insert into|select |varchar|character varying|sqlite|violates|syntax/i;

describe.each(databases.eachSupportedId())('audit events on %s', databaseId => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-audit-events-'));
    fs.mkdirSync(path.join(dir, 'git'));
    fs.mkdirSync(path.join(dir, 'live'));
    const configMap = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings, namespace: shop }\ndata: { mode: ${value} }\n`;
    fs.writeFileSync(path.join(dir, 'git', 'settings.yaml'), configMap('safe'));
    fs.writeFileSync(
      path.join(dir, 'live', 'settings.yaml'),
      configMap('fast'),
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function start(auditLog?: string) {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        hermesPlugin,
        mockServices.rootConfig.factory({
          data: {
            hermes: {
              clusters: [{ name: 'edge-eu', url: 'https://127.0.0.1:1' }],
              audits: [
                {
                  name: 'shop',
                  cluster: 'edge-eu',
                  desired: { directory: path.join(dir, 'git') },
                  live: { snapshot: path.join(dir, 'live') },
                  ...(auditLog ? { auditLog } : {}),
                },
              ],
            },
          },
        }),
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory(),
      ],
    });
    const webhook = (body: unknown) =>
      request(server)
        .post('/api/hermes/drift/audit-events/edge-eu')
        .set('Authorization', mockCredentials.service.header())
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
    return { server, knex, webhook };
  }

  it('stores the good items of a webhook batch and skips and counts null and malformed ones', async () => {
    const { knex, webhook } = await start();
    const res = await webhook({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [
        null,
        'garbage',
        write({ user: { username: { nested: true } } }),
        write({ objectRef: [] }),
        write(),
        write({ verb: 'patch', stageTimestamp: '2026-11-24T03:13:00Z' }),
        // A read is dropped as always, not counted as malformed.
        write({ verb: 'get' }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ stored: 2, skipped: 4 });
    expect(await knex('hermes_kubernetes_audit_events').pluck('verb')).toEqual([
      'update',
      'patch',
    ]);
  });

  it('stores strings longer than their columns without a database error', async () => {
    const { knex, webhook } = await start();
    const long = (c: string) => c.repeat(10_000);
    const res = await webhook({
      kind: 'EventList',
      items: [
        write({
          // PostgreSQL refuses NUL in text, whatever the length.
          user: { username: `ops\u0000${long('u')}` },
          objectRef: {
            apiGroup: long('g'),
            resource: long('r'),
            namespace: long('n'),
            name: long('x'),
            subresource: long('s'),
          },
          requestURI: `/api/v1/x?fieldManager=${long('m')}`,
        }),
      ],
    });
    expect(res.text).not.toMatch(SQL);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ stored: 1 });
    const [row] = await knex('hermes_kubernetes_audit_events');
    expect([row.username.length, row.subresource.length]).toEqual([255, 64]);
  });

  it.each([
    ['a list', []],
    ['an Event', write()],
    ['an EventList without items', { kind: 'EventList' }],
    [
      'an EventList whose items are not a list',
      { kind: 'EventList', items: {} },
    ],
  ])('answers 400 naming the problem for %s', async (_, body) => {
    const { webhook } = await start();
    const res = await webhook(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'Expected an audit.k8s.io EventList with items',
    );
  });

  it('completes an audit whose audit log holds null, malformed and mis-encoded entries, and counts them', async () => {
    const auditLog = path.join(dir, 'audit.jsonl');
    const text = [
      'null',
      JSON.stringify(write()),
      JSON.stringify({
        kind: 'EventList',
        items: [null, 42, write({ user: 'ops' })],
      }),
      '{ not json',
      JSON.stringify(write({ user: { username: 'ren\u00e9' } })),
    ].join('\n');
    // The last user's name written in Latin-1: é as the single byte E9.
    const bytes = Buffer.from(text.replace('\u00e9', '\u0000'));
    const latin1 = bytes.indexOf(0);
    bytes[latin1] = 0xe9;
    fs.writeFileSync(auditLog, bytes);
    const { server } = await start(auditLog);
    const res = await request(server)
      .post('/api/hermes/drift/audits/shop/run')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      summary: { unknown: 1 },
    });
    expect(res.body.warnings).toEqual(
      expect.arrayContaining([
        `${auditLog}: invalid UTF-8 at byte ${latin1}; read as U+FFFD`,
        `${auditLog}: skipped 5 entries that are not audit events`,
      ]),
    );
  });
});
