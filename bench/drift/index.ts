// Drift engine benchmark: 10,000 desired and 10,000 live objects, about 10% drifted.
// Prints CPU time for normalise + diff + attribute + triage and peak memory, then reads the
// same 10,000 live objects through @kubernetes/client-node from a loopback server shaped like
// the Kubernetes API (50 namespaces, pages of 100) and prints the list calls it made.
//
// Run: yarn bench:drift [--objects N]
import {
  auditDrift,
  KubernetesObject,
  triageRulesFromSkills,
} from '@hermes-backstage/plugin-hermes-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KubernetesLiveSource } from '../../plugins/hermes-backend/src/kubernetes/KubernetesLiveSource';

const count =
  Number(process.argv[process.argv.indexOf('--objects') + 1]) || 10_000;

function deployment(i: number, live: boolean): KubernetesObject {
  const drift = live && i % 10 === 0;
  const object: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `svc-${i}`,
      namespace: `team-${i % 50}`,
      labels: {
        'app.kubernetes.io/name': `svc-${i}`,
        owner: `team-${i % 50}`,
        'cost-center': drift && i % 20 === 0 ? 'cc-9999' : `cc-${i % 40}`,
      },
    },
    spec: {
      replicas: drift ? 5 : 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': `svc-${i}` } },
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/name': `svc-${i}` },
          annotations: { 'prometheus.io/scrape': 'true' },
        },
        spec: {
          containers: [0, 1].map(j => ({
            name: `c${j}`,
            image: `registry.neuroscale.internal/svc-${i}:1.${j}.${
              drift && j === 1 ? 1 : 0
            }`,
            ports: [{ containerPort: 8080 + j }],
            env: [{ name: 'MODE', value: 'serve' }],
            resources: {
              requests: { cpu: live ? '0.5' : '500m', memory: '1Gi' },
              limits: { cpu: '1', memory: live ? '2048Mi' : '2Gi' },
            },
          })),
        },
      },
    },
  };
  if (live) {
    Object.assign(object.metadata, {
      uid: `uid-${i}`,
      resourceVersion: String(1000 + i),
      generation: 3,
      creationTimestamp: '2026-11-20T10:00:00Z',
      managedFields: [
        {
          manager: 'argocd-controller',
          operation: 'Apply',
          time: '2026-11-20T10:00:00Z',
          fieldsV1: {
            'f:metadata': {
              'f:labels': {
                'f:app.kubernetes.io/name': {},
                'f:owner': {},
                'f:cost-center': {},
              },
            },
            'f:spec': {
              'f:replicas': {},
              'f:template': {
                'f:spec': {
                  'f:containers': {
                    'k:{"name":"c0"}': { 'f:image': {} },
                    'k:{"name":"c1"}': { 'f:image': {} },
                  },
                },
              },
            },
          },
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          subresource: 'scale',
          time: '2026-11-24T01:00:00Z',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        },
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          time: '2026-11-24T02:00:00Z',
          fieldsV1: {
            'f:spec': {
              'f:template': {
                'f:spec': {
                  'f:containers': { 'k:{"name":"c1"}': { 'f:image': {} } },
                },
              },
            },
          },
        },
      ],
    });
    (object as any).status = { replicas: 2, readyReplicas: 2 };
  }
  return object;
}

/** Serves discovery and paginated Deployment lists for the live objects, like an API server. */
async function listCalls(live: KubernetesObject[]) {
  const byNamespace = new Map<string, KubernetesObject[]>();
  for (const o of live)
    byNamespace.set(o.metadata.namespace!, [
      ...(byNamespace.get(o.metadata.namespace!) ?? []),
      o,
    ]);
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url!, 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/apis/apps/v1') {
      res.end(
        JSON.stringify({
          kind: 'APIResourceList',
          groupVersion: 'apps/v1',
          resources: [
            {
              name: 'deployments',
              namespaced: true,
              kind: 'Deployment',
              verbs: ['list'],
            },
          ],
        }),
      );
      return;
    }
    const ns = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/.exec(
      url.pathname,
    )?.[1];
    const items = byNamespace.get(ns ?? '') ?? [];
    const limit = Number(url.searchParams.get('limit') ?? items.length);
    const start = Number(url.searchParams.get('continue') ?? 0);
    const next =
      start + limit < items.length ? String(start + limit) : undefined;
    res.end(
      JSON.stringify({
        kind: 'DeploymentList',
        metadata: next ? { continue: next } : {},
        items: items.slice(start, start + limit),
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const source = new KubernetesLiveSource(
    {
      name: 'bench',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      source: 'hermes',
      skipTLSVerify: true,
    },
    { pageSize: 100 },
  );
  const started = process.hrtime.bigint();
  const state = await source.read(
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }],
    [...byNamespace.keys()],
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  server.close();
  return {
    objects: state.objects.length,
    listCalls: state.listCalls,
    requests,
    namespaces: byNamespace.size,
    seconds,
  };
}

async function main() {
  const desired = Array.from({ length: count }, (_, i) => deployment(i, false));
  const live = Array.from({ length: count }, (_, i) => deployment(i, true));
  const { rules } = triageRulesFromSkills([
    {
      name: 'autoscaled-replicas',
      description: 'd',
      body: '',
      metadata: {
        hermes: {
          triage: [
            {
              match: {
                kinds: ['Deployment'],
                paths: ['/spec/replicas'],
                managerClasses: ['controller'],
              },
              classify: 'harmless',
              reason: 'HPA owns replicas.',
            },
          ],
        },
      },
    },
    {
      name: 'hand-edits',
      description: 'd',
      body: '',
      metadata: {
        hermes: {
          triage: [
            {
              match: { managerClasses: ['human'] },
              classify: 'critical',
              reason: 'A person changed it.',
            },
          ],
        },
      },
    },
  ]);
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  const timer = setInterval(
    () => (peak = Math.max(peak, process.memoryUsage().rss)),
    5,
  );
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  const findings = auditDrift({
    cluster: 'bench',
    desired,
    live,
    triageRules: rules,
    watchedKinds: ['ClusterPolicy'],
  });
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);

  const line = (label: string, value: string) =>
    process.stdout.write(`${label.padEnd(40)} ${value}\n`);
  const by = (c: string) => findings.filter(f => f.classification === c).length;
  line('desired / live objects', `${count} / ${count}`);
  line(
    'findings',
    `${findings.length} (${by('critical')} critical, ${by(
      'harmless',
    )} harmless, ${by('unknown')} unknown)`,
  );
  line(
    'CPU time (normalise+diff+attribute+triage)',
    `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (wall ${wall.toFixed(
      2,
    )} s; target <= 2 s)`,
  );
  line(
    'peak RSS during the audit',
    `${(peak / 2 ** 20).toFixed(0)} MiB, of which ${(
      (peak - before.rss) /
      2 ** 20
    ).toFixed(0)} MiB added by the audit ` +
      `(inputs and code loaded before: ${(before.rss / 2 ** 20).toFixed(
        0,
      )} MiB; target <= 300 MB)`,
  );

  const calls = await listCalls(live);
  line(
    'live read through client-node',
    `${calls.objects} objects in ${calls.seconds.toFixed(2)} s: ${
      calls.listCalls
    } list calls ` +
      `(1 kind x ${calls.namespaces} namespaces x pages of 100), ${
        calls.requests - calls.listCalls
      } discovery`,
  );
}

main();
