// Episodic memory benchmark: 100,000 remembered chat messages of operations work, then 200
// `memory_search` queries of 2-5 words through the memory service, on SQLite (a file in a
// temporary directory) and, when a server is given, on PostgreSQL. Prints the time to load
// the documents, the latency of single `remember` calls, and search latency p50/p95/max
// (target: p95 <= 50 ms).
//
// Run: node -r @backstage/cli/config/nodeTransform.cjs bench/agent/memorySearch.ts \
//        [--docs N] [--queries N] [--pg postgresql://user@host:port]
// PostgreSQL is also used when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DefaultMemoryService } from '../../plugins/hermes-backend/src/memory/MemoryService';
import { onEachDatabase } from '../databases';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
// Permissions are asked of the policy; these benches measure Hermes, so every answer is yes.
const allowAll = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
} as unknown as PermissionsService;

const docCount = Number(arg('docs')) || 100_000;
const queryCount = Number(arg('queries')) || 200;
const pgUrl =
  arg('pg') ?? process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/** Deterministic pseudo-random numbers (mulberry32), so every run stores the same text. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]) => list[int(list.length)];
  return { next, int, pick };
}

const words = (text: string) => text.trim().split(/\s+/);
const vocabulary = {
  service: words(`scorer fraud-detector ranking-api feature-store ingest-worker
    payments-gateway search-indexer recommender auth-proxy billing-sync checkout
    inventory notification-hub model-registry embeddings-api batch-scorer etl-runner
    session-cache pricing-engine geo-router audit-trail ledger profile-service
    image-resizer webhook-relay metrics-gateway label-studio annotation-api`),
  namespace:
    words(`serving-stack kyverno argocd monitoring ingress-nginx data-platform
    ml-training payments identity search cert-manager observability platform-tools`),
  cluster: words(`neuroscale-prod neuroscale-staging edge-eu edge-us gpu-pool-a
    gpu-pool-b analytics-prod sandbox`),
  resource:
    words(`pod deployment replicaset hpa configmap ingress service node pvc
    statefulset cronjob job daemonset namespace clusterpolicy webhook certificate
    image container probe quota networkpolicy serviceaccount role rolebinding
    poddisruptionbudget inferenceservice kustomization application`),
  problem:
    words(`crashloopbackoff oomkilled timeout latency throttling evicted pending
    imagepullbackoff drift outage spike leak 503 502 restarts backlog saturation
    deadlock flapping misconfiguration regression expiry`),
  verb: words(`restarted scaled rolled-back patched reverted deployed synced bumped
    drained cordoned upgraded pinned paused resumed annotated relabelled recreated
    rotated throttled silenced escalated investigated`),
  tool: words(`kubectl argocd kyverno helm kustomize prometheus grafana loki tempo keda
    istio cert-manager external-dns velero opentelemetry alertmanager flux trivy`),
  field: words(`/spec/replicas /spec/template/spec/containers/0/image
    /metadata/labels/cost-center /spec/validationFailureAction /data/config.yaml
    /spec/template/spec/containers/0/resources/limits/memory /spec/rules/0/validate
    /metadata/annotations/sidecar.istio.io/inject`),
  manager: words(`kubectl-edit kube-controller-manager argocd-controller helm
    kubectl-client-side-apply keda-operator ops-admin`),
  people: words(
    `ada grace linus margaret ken barbara dennis frances alan radia`,
  ),
  filler: words(`again yesterday tonight after before during while because since
    probably definitely maybe quickly slowly carefully already still only also
    everything nothing someone anyone whole partial first second third last next
    previous morning evening weekend window change freeze release rollout canary
    blue green shadow traffic budget error rate success ratio dashboard alert page
    ticket runbook postmortem incident follow-up owner team channel thread review
    approve merge commit branch tag version config value default override limit
    request threshold target metric query panel graph trace span log line message`),
};

function sentence(r: ReturnType<typeof random>, i: number): string {
  const v = vocabulary;
  const n = () => 10 + r.int(990);
  const pod = `${r.pick(v.service)}-${(i * 2654435761)
    .toString(16)
    .slice(-6)}-${r.int(36 ** 5).toString(36)}`;
  const templates = [
    () =>
      `${r.pick(v.service)} in ${r.pick(v.namespace)} on ${r.pick(
        v.cluster,
      )} is in ${r.pick(v.problem)} ${r.pick(v.filler)} after the ${r.pick(
        v.tool,
      )} sync.`,
    () =>
      `I ${r.pick(v.verb)} the ${r.pick(v.resource)} for ${r.pick(
        v.service,
      )}; p99 ${r.pick(v.filler)} went from ${n()}ms to ${n()}ms.`,
    () =>
      `Can you check why ${pod} keeps getting ${r.pick(
        v.problem,
      )}? The memory limit is ${n()}Mi and requests are ${n()}m CPU.`,
    () =>
      `The ${r.pick(v.tool)} webhook timed out while admitting ${r.pick(
        v.resource,
      )} ${r.pick(v.service)} in ${r.pick(v.namespace)}.`,
    () =>
      `Root cause was ${r.pick(v.problem)} in ${r.pick(v.resource)} ${r.pick(
        v.filler,
      )}; we ${r.pick(v.verb)} ${r.pick(
        v.service,
      )} and opened INC-${n()}${n()}.`,
    () =>
      `Drift on ${r.pick(v.cluster)}: ${r.pick(v.resource)} ${r.pick(
        v.service,
      )} field ${r.pick(v.field)} changed by ${r.pick(v.manager)}.`,
    () =>
      `${r.pick(v.people)} ${r.pick(v.verb)} ${r.pick(v.service)} with ${r.pick(
        v.tool,
      )} during the ${r.pick(v.filler)} ${r.pick(v.filler)}, see commit ${(
        i * 40503 +
        r.int(1e6)
      ).toString(16)}.`,
    () =>
      `Alert ${r.pick(v.service)}-${r.pick(
        v.problem,
      )} fired ${n()} times; ${r.pick(v.filler)} ${r.pick(v.filler)} ${r.pick(
        v.filler,
      )} on the ${r.pick(v.tool)} dashboard.`,
    () =>
      `Should we ${r.pick(v.verb).replace(/ed$/, '')} ${r.pick(
        v.resource,
      )} in ${r.pick(v.namespace)} before the ${r.pick(v.filler)} ${r.pick(
        v.filler,
      )}? ${r.pick(v.people)} owns it.`,
  ];
  return r.pick(templates)();
}

function message(i: number): string {
  const r = random(i + 1);
  return Array.from({ length: 1 + r.int(4) }, () => sentence(r, i)).join(' ');
}

function queries(): string[] {
  const r = random(7);
  const pools = [
    vocabulary.service,
    vocabulary.problem,
    vocabulary.resource,
    vocabulary.tool,
    vocabulary.verb,
    vocabulary.namespace,
    vocabulary.cluster,
    vocabulary.filler,
  ];
  return Array.from({ length: queryCount }, () =>
    Array.from({ length: 2 + r.int(4) }, () => r.pick(r.pick(pools))).join(' '),
  );
}

// Every message is the searching user's own: all of them are visible, the slowest case.
const user = 'user:default/ada';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const line = (label: string, value: string) =>
  process.stdout.write(`  ${label.padEnd(34)} ${value}\n`);

async function bench(name: string, knex: Knex) {
  process.stdout.write(`${name}\n`);
  // Built as plugin.ts builds it; every service the documents name is in the catalog.
  const memory = await DefaultMemoryService.create({
    config: new ConfigReader({}),
    database: { getClient: async () => knex, migrations: { skip: false } },
    catalog: catalogServiceMock({
      entities: vocabulary.service.map(name => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name, namespace: 'default' },
      })),
    }),
    permissions: allowAll,
  });

  // Load in transactions of 1,000 rows (inserts of 250); the triggers (SQLite) and the generated column
  // with its GIN index (PostgreSQL) index each row as it is inserted.
  const start = Date.UTC(2026, 5, 1);
  const loadStart = process.hrtime.bigint();
  for (let from = 0; from < docCount; from += 1000) {
    const rows = [];
    for (let i = from; i < Math.min(from + 1000, docCount); i++) {
      const at = new Date(start + i * 150_000);
      rows.push({
        kind: 'session',
        source_id: `bench-${i}`,
        owner_ref: user,
        entity_ref:
          i % 3 === 0
            ? `component:default/${vocabulary.service[i % 30]}`
            : null,
        title: `Conversation ${i}`,
        body: message(i),
        link: `/hermes?session=bench-${i}`,
        created_at: at,
        updated_at: at,
      });
    }
    await knex.batchInsert('hermes_memory_documents', rows, 250);
  }
  const loadMs = ms(loadStart);
  line(
    `load ${docCount.toLocaleString('en')} messages`,
    `${(loadMs / 1000).toFixed(1)} s (${Math.round(
      docCount / (loadMs / 1000),
    ).toLocaleString('en')} per s, in transactions of 1,000)`,
  );
  if (name.startsWith('PostgreSQL')) await knex.raw('ANALYZE');

  const single: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = process.hrtime.bigint();
    await memory.remember({
      kind: 'session',
      sourceId: `bench-${i * 7}`,
      ownerRef: user,
      title: `Conversation ${i * 7}`,
      body: `${message(i * 7)} ${message(docCount + i)}`,
      link: `/hermes?session=bench-${i * 7}`,
    });
    single.push(ms(t));
  }
  single.sort((a, b) => a - b);
  line(
    'remember (upsert, 500 single calls)',
    `p50 ${percentile(single, 0.5).toFixed(2)} ms, p95 ${percentile(
      single,
      0.95,
    ).toFixed(2)} ms`,
  );

  const list = queries();
  const credentials = mockCredentials.user(user);
  const search = (q: string) => memory.search(q, { credentials, limit: 10 });
  for (let i = 0; i < 10; i++) await search(list[i]);
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < list.length; i++) {
    const t = process.hrtime.bigint();
    hits += (await search(list[i])).length;
    times.push(ms(t));
  }
  times.sort((a, b) => a - b);
  line(
    `memory_search (${list.length} queries, limit 10)`,
    `p50 ${percentile(times, 0.5).toFixed(1)} ms, p95 ${percentile(
      times,
      0.95,
    ).toFixed(1)} ms, max ${times[times.length - 1].toFixed(
      1,
    )} ms (target p95 <= 50 ms)`,
  );
  line('hits per query', (hits / list.length).toFixed(1));
  line('example query', JSON.stringify(list[0]));
}

async function main() {
  process.stdout.write(
    `memory_search benchmark: ${docCount.toLocaleString(
      'en',
    )} session messages, all visible to the searching user; ${queryCount} queries of 2-5 words\n`,
  );
  await onEachDatabase('memory', pgUrl, bench);
}

main().catch(error => {
  // Database errors quote the whole statement; the start says enough.
  process.stderr.write(`${String(error.stack ?? error).slice(0, 2000)}\n`);
  process.exitCode = 1;
});
