// Hostile inputs against a running Hermes backend: for each, how long the request took, how
// long a concurrent `GET /health` (polled every 25 ms) waited at most, and the peak resident
// memory while it ran. Target: no input stalls the backend for more than about a second, and
// none leaks a Secret value or reads a server file.
//
// The backend is the real plugin in Backstage's test backend (same process, so a stalled
// event loop shows in the /health wait), with SQLite and the demo audit inputs.
//
// Run: yarn bench:hostile
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { hermesPlugin } from '../../plugins/hermes-backend/src/plugin';

const repo = path.resolve(__dirname, '../..');
// A request still running after this is reported as a timeout (the backend may stay busy).
const TIMEOUT_MS = 60_000;
const policies = path.join(
  repo,
  'examples/gitops/infrastructure/kyverno/policies',
);

interface Hostile {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** What the answer must not contain (a Secret value, a server file's content). */
  mustNotContain?: string[];
}

const pod = (extra: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: hostile\n  namespace: default\n${extra}spec:\n  containers:\n    - name: app\n      image: nginx:1.27.3\n`;

const policy = (name: string, rule: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: { name: ${name} }
spec:
  validationFailureAction: Enforce
  rules:
    - name: ${name}
      match: { any: [{ resources: { kinds: [Pod] } }] }
${rule}`;

function manyKeys(count: number) {
  const lines = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: keys }',
    'data:',
  ];
  for (let i = 0; i < count; i++) lines.push(`  key-${i}: "${i}"`);
  return lines.join('\n');
}

function aliasBomb() {
  const lines = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: bomb }',
    'data:',
    '  a: &a [x,x,x,x,x,x,x,x,x]',
  ];
  let prev = 'a';
  for (const next of 'bcdefghi') {
    lines.push(`  ${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    prev = next;
  }
  return lines.join('\n');
}

function hostileInputs(): Hostile[] {
  const check = (name: string, files: string, policyDocuments?: string) => ({
    name,
    method: 'POST' as const,
    path: '/api/hermes/policy/check',
    body: {
      files: [{ name: 'input.yaml', content: files }],
      ...(policyDocuments
        ? {
            policyDocuments: [
              { name: 'policy.yaml', content: policyDocuments },
            ],
          }
        : {}),
    },
  });
  return [
    {
      name: 'policy source /etc/shadow',
      method: 'POST',
      path: '/api/hermes/policy/check',
      body: {
        files: [{ name: 'a.yaml', content: pod('') }],
        policies: ['/etc/shadow'],
      },
      mustNotContain: ['root:'],
    },
    {
      name: 'policy source /usr (directory walk)',
      method: 'POST',
      path: '/api/hermes/policy/check',
      body: {
        files: [{ name: 'a.yaml', content: pod('') }],
        policies: ['/usr'],
      },
      mustNotContain: ['/usr/bin', 'share'],
    },
    check('map of 40k keys (0.5 MB)', manyKeys(40_000)),
    check('map of 300k keys (4.9 MB)', manyKeys(300_000)),
    check('alias bomb', aliasBomb()),
    check(
      'nesting 5,000 deep',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: deep }\ndata: ${'['.repeat(
        5000,
      )}${']'.repeat(5000)}\n`,
    ),
    check(
      'wildcard */*/*:* on a 5 KB value',
      pod(`  annotations:\n    note: "${'a/'.repeat(2500)}"\n`),
      policy(
        'wild',
        `      validate:\n        message: m\n        pattern:\n          metadata:\n            annotations:\n              note: "*/*/*:*"\n`,
      ),
    ),
    check(
      'CEL nested comprehension (ValidatingPolicy)',
      pod(''),
      [
        'apiVersion: policies.kyverno.io/v1',
        'kind: ValidatingPolicy',
        'metadata: { name: nested }',
        'spec:',
        '  validationActions: [Deny]',
        '  matchConstraints:',
        "    resourceRules: [{ apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods] }]",
        '  validations:',
        '    - expression: >-',
        '        lists.range(3000).all(a, lists.range(3000).all(b, lists.range(3000).exists(c, a + b + c < 0) || true))',
      ].join('\n'),
    ),
    check(
      'regex_match ^(a+)+$ on 28 characters',
      pod(`  annotations:\n    note: "${'a'.repeat(28)}!"\n`),
      policy(
        'regex',
        `      validate:\n        message: m\n        deny:\n          conditions:\n            any:\n              - key: "{{ regex_match('^(a+)+$', request.object.metadata.annotations.note) }}"\n                operator: Equals\n                value: true\n`,
      ),
    ),
    check(
      'JMESPath doubling [@,@] x30',
      pod(''),
      policy(
        'double',
        `      validate:\n        message: m\n        deny:\n          conditions:\n            any:\n              - key: "{{ request.object${' | [@,@]'.repeat(
          30,
        )} | length(@) }}"\n                operator: Equals\n                value: 0\n`,
      ),
    ),
    check(
      '__proto__ in a manifest',
      pod('  labels:\n    __proto__: { polluted: "yes" }\n'),
    ),
    {
      name: 'skill import: alias bomb',
      method: 'POST',
      path: '/api/hermes/skills/import',
      body: {
        files: [
          {
            path: 'SKILL.md',
            content: `---\nname: bomb\ndescription: d\nmetadata:\n${aliasBomb()
              .split('\n')
              .slice(4)
              .join('\n')}\n---\nbody\n`,
          },
        ],
      },
    },
    {
      name: 'audit webhook: nulls and garbage',
      method: 'POST',
      path: '/api/hermes/drift/audit-events/neuroscale-prod',
      body: {
        kind: 'EventList',
        items: [
          null,
          42,
          'x',
          { verb: 'update', user: null },
          { objectRef: { name: 'x'.repeat(10_000) } },
        ],
      },
    },
    {
      name: 'memory search, 10,000 characters',
      path: `/api/hermes/memory/search?q=${encodeURIComponent(
        'kyverno '.repeat(1250),
      )}`,
    },
    {
      name: 'drift audit of a Secret (last-applied, data)',
      method: 'POST',
      path: '/api/hermes/drift/audits/secrets/run',
      mustNotContain: ['hostile-secret-value', btoa('hostile-secret-value')],
    },
    {
      name: 'drift audit of a kustomization cycle',
      method: 'POST',
      path: '/api/hermes/drift/audits/cycle/run',
    },
  ];
}

/** A desired Secret with an empty `annotations:` and its live copy holding values. */
function auditFixtures(dir: string) {
  const desired = path.join(dir, 'desired');
  const live = path.join(dir, 'live');
  const cycle = path.join(dir, 'cycle');
  for (const d of [desired, live, cycle]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(desired, 'secret.yaml'),
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\n  annotations:\ntype: Opaque\ndata:\n',
  );
  const value = btoa('hostile-secret-value');
  fs.writeFileSync(
    path.join(live, 'secret.yaml'),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"${value}"},"stringData":{"p":"hostile-secret-value"}}'\ntype: Opaque\ndata:\n  password: ${value}\n`,
  );
  fs.writeFileSync(
    path.join(cycle, 'kustomization.yaml'),
    'resources:\n  - .\n  - ../cycle\n',
  );
  return { desired, live, cycle };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-hostile-'));
  const fixtures = auditFixtures(dir);
  const { server } = await startTestBackend({
    features: [
      hermesPlugin,
      mockServices.rootConfig.factory({
        data: {
          hermes: {
            policies: { sources: [policies] },
            audits: [
              {
                name: 'secrets',
                cluster: 'neuroscale-prod',
                desired: { directory: fixtures.desired },
                live: { snapshot: fixtures.live },
              },
              {
                name: 'cycle',
                cluster: 'neuroscale-prod',
                desired: { directory: fixtures.cycle },
                live: { snapshot: fixtures.live },
              },
            ],
          },
        },
      }),
      catalogServiceMock.factory(),
    ],
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const user = mockCredentials.user.header();
  const service = mockCredentials.service.header();

  const rows: string[][] = [];
  for (const input of hostileInputs()) {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    let running = true;
    let healthMax = 0;
    // A /health check is due every 25 ms; its wait runs from when it was due, so a stall
    // that also holds back the sending counts in full.
    const poll = (async () => {
      let due = performance.now();
      while (running) {
        await new Promise(r =>
          setTimeout(r, Math.max(0, due - performance.now())),
        );
        await fetch(`${base}/api/hermes/health`);
        const now = performance.now();
        healthMax = Math.max(healthMax, now - due);
        due = now + 25;
      }
    })();
    const started = performance.now();
    let status = 'timeout';
    let text = '';
    try {
      const response = await fetch(`${base}${input.path}`, {
        method: input.method ?? 'GET',
        headers: {
          authorization: input.path.includes('audit-events') ? service : user,
          'content-type': 'application/json',
        },
        body: input.body ? JSON.stringify(input.body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = String(response.status);
      text = await response.text();
    } catch (error) {
      text = String(error);
    }
    const ms = performance.now() - started;
    running = false;
    await poll;
    clearInterval(sampler);
    const leaked = (input.mustNotContain ?? []).filter(s => text.includes(s));
    const polluted = ({} as any).polluted !== undefined;
    rows.push([
      input.name,
      status,
      ms.toFixed(0),
      healthMax.toFixed(0),
      ((peak - baseline) / 2 ** 20).toFixed(0),
      leaked.length || polluted
        ? `LEAK ${[...leaked, ...(polluted ? ['prototype'] : [])].join(', ')}`
        : 'ok',
      text.replace(/\s+/g, ' ').slice(0, 90),
    ]);
    console.error(`  ${rows.at(-1)!.slice(0, 6).join(' | ')}`);
  }
  const header = [
    'input',
    'status',
    'request ms',
    '/health max ms',
    'peak +MB',
    'leak',
    'answer (start)',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => Math.min(r[i].length, 90))),
  );
  const line = (r: string[]) =>
    r.map((c, i) => c.slice(0, 90).padEnd(widths[i])).join(' | ');
  console.log(line(header));
  console.log(widths.map(w => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  const worst = Math.max(...rows.map(r => Number(r[3])));
  console.log(`\nworst /health wait: ${worst} ms (target <= 1000 ms)`);
  await server.close?.();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
