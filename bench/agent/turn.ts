// Agent turn benchmark: the time Hermes itself spends on a chat turn, with 500 skills in the
// library and 100,000 stored conversation messages (1,000 sessions of 100), on SQLite (a file
// in a temporary directory). The model is a scripted OpenAI-compatible server on loopback
// that answers at once, reached through the real @ai-sdk/openai provider; what is left of a
// turn's wall time is Hermes: loading the session, entity and drift context, ranking skills,
// storing messages, the trace and the memory document, streaming. The time the model server
// spends per request is measured and subtracted. Also prints the skill-index token count.
//
// Run: yarn bench:agent  (this script, then bench/agent/memorySearch.ts)
//      or node -r @backstage/cli/config/nodeTransform.cjs bench/agent/turn.ts [--turns N]
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { estimateTokens } from '@hermes-backstage/plugin-hermes-common';
import knexFactory from 'knex';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChatService } from '../../plugins/hermes-backend/src/agent/ChatService';
import { ModelRegistry } from '../../plugins/hermes-backend/src/agent/models';
import { KnexSessionStore } from '../../plugins/hermes-backend/src/agent/SessionStore';
import { catalogTools } from '../../plugins/hermes-backend/src/agent/tools/catalog';
import { driftTools } from '../../plugins/hermes-backend/src/agent/tools/drift';
import { memoryTools } from '../../plugins/hermes-backend/src/agent/tools/memory';
import { skillTools } from '../../plugins/hermes-backend/src/agent/tools/skills';
import { KnexTraceStore } from '../../plugins/hermes-backend/src/agent/TraceStore';
import { KnexDriftStore } from '../../plugins/hermes-backend/src/drift/DriftStore';
import { readClusterDefinitions } from '../../plugins/hermes-backend/src/drift/clusters';
import {
  DefaultDriftService,
  readAuditDefinitions,
} from '../../plugins/hermes-backend/src/drift/DriftService';
import { KnexApprovalStore } from '../../plugins/hermes-backend/src/governance/ApprovalStore';
import { ApprovalsService } from '../../plugins/hermes-backend/src/governance/ApprovalsService';
import { DefaultMemoryService } from '../../plugins/hermes-backend/src/memory/MemoryService';
import { KnexMemoryStore } from '../../plugins/hermes-backend/src/memory/MemoryStore';
import { KnexNotesStore } from '../../plugins/hermes-backend/src/memory/NotesStore';
import { applyDatabaseMigrations } from '../../plugins/hermes-backend/src/migrations';
import { KnexSkillStore } from '../../plugins/hermes-backend/src/skills/SkillStore';
import {
  DefaultSkillsService,
  renderSkillIndex,
} from '../../plugins/hermes-backend/src/skills/SkillsService';

const turns = Number(process.argv[process.argv.indexOf('--turns') + 1]) || 200;
const repo = path.resolve(__dirname, '../..');
const quiet = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => quiet,
} as any;

const topics = [
  'knative autoscaler replica drift on the ranker',
  'kyverno clusterpolicy edited by hand in the cluster',
  'oomkilled pods of the fraud detector after the model upgrade',
  'argocd sync failing on the feature store kustomization',
  'certificate expiry on the ingress of the payments gateway',
];

function skillDocument(i: number) {
  const topic = topics[i % topics.length];
  const description =
    `Runbook ${i}: what to check and do when ${topic} (variant ${i}); names the dashboards, the kubectl commands and who to page. ${'Context about the platform and its conventions. '.repeat(
      8 + (i % 8),
    )}`.slice(0, 1024);
  return `---\nname: runbook-${i}\ndescription: ${JSON.stringify(
    description,
  )}\n---\n# Runbook ${i}\n\n1. Look at ${topic}.\n2. Decide.\n`;
}

/** The model: answers at once, and reports how long it spent per request. */
async function startModel() {
  let modelMs = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const started = performance.now();
      JSON.parse(raw);
      res.setHeader('content-type', 'text/event-stream');
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'bench',
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const word of 'The ranker runs four replicas; the drift is the autoscaler.'.split(
        ' ',
      ))
        res.write(chunk({ content: `${word} ` }, null));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
      modelMs += performance.now() - started;
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    takeModelMs: () => {
      const ms = modelMs;
      modelMs = 0;
      return ms;
    },
    close: () => server.close(),
  };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((p / 100) * values.length))
  ];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-bench-agent-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'hermes.sqlite') },
    useNullAsDefault: true,
  });
  await applyDatabaseMigrations(knex);
  const model = await startModel();

  const skills = new DefaultSkillsService({
    store: new KnexSkillStore(knex),
    logger: quiet,
    directories: [path.join(repo, 'skills')],
  });
  await skills.reloadDirectories();
  let t = performance.now();
  for (let i = 0; i < 500 - 3; i++)
    await skills.save(skillDocument(i), 'user:default/bench');
  console.log(
    `skills: ${(await skills.listSkills()).length} in the library (saved in ${(
      (performance.now() - t) /
      1000
    ).toFixed(1)} s)`,
  );
  const index = renderSkillIndex(
    await skills.skillIndex({
      task: 'Someone edited a Kyverno ClusterPolicy in the cluster',
      entity: { kind: 'Component' },
    }),
  );
  const everything = renderSkillIndex(
    await skills.skillIndex({ task: 'anything', limit: 500 }),
  );
  console.log(
    `skill index in the prompt: ${estimateTokens(index)} tokens (${
      index.split('\n').length
    } skills, default K=12); all 500 offered: ${estimateTokens(
      everything,
    )} tokens (${everything.split('\n').length} fit the 1,500-token budget)`,
  );

  const memory = new DefaultMemoryService({
    store: new KnexMemoryStore(knex),
    notes: new KnexNotesStore(knex),
    canReadEntities: async refs => new Set(refs),
  });
  const sessions = new KnexSessionStore(knex);
  t = performance.now();
  const user = 'user:default/bench';
  for (let s = 0; s < 1000; s++) {
    const id = randomUUID();
    await sessions.createSession({ id, userRef: user, title: `Session ${s}` });
    const messages = Array.from({ length: 100 }, (_, m) => ({
      id: `${id}-${m}`,
      role: m % 2 ? ('assistant' as const) : ('user' as const),
      parts: [
        {
          type: 'text' as const,
          text: `${topics[(s + m) % topics.length]}: step ${m} of session ${s}`,
        },
      ],
    }));
    await sessions.saveMessages(id, messages);
    await memory.remember({
      kind: 'session',
      sourceId: id,
      ownerRef: user,
      title: `Session ${s}`,
      body: messages.map(m => m.parts[0].text).join('\n'),
      link: `/hermes?session=${id}`,
    });
  }
  const stored = await knex('hermes_session_messages').count('* as n');
  console.log(
    `conversations: ${
      stored[0].n
    } stored messages in 1,000 sessions (written in ${(
      (performance.now() - t) /
      1000
    ).toFixed(1)} s)`,
  );

  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'fraud-detector',
          namespace: 'default',
          annotations: {
            'backstage.io/kubernetes-id': 'fraud-detector',
            'backstage.io/kubernetes-namespace': 'serving-stack',
          },
        },
        spec: { type: 'model-endpoint', owner: 'group:default/ranking' },
      },
    ],
  });
  const models = ModelRegistry.fromConfig(
    new ConfigReader({
      hermes: {
        model: { providers: { bench: { baseUrl: model.url } } },
        models: { chat: { provider: 'bench', model: 'bench' } },
      },
    }),
  );
  // The demo audit, so the entity's chat starts with real findings in its context.
  const auditConfig = new ConfigReader({
    hermes: {
      clusters: [{ name: 'neuroscale-prod', url: 'https://127.0.0.1:1' }],
      audits: [
        {
          name: 'demo',
          cluster: 'neuroscale-prod',
          desired: {
            directory: path.join(
              repo,
              'examples/gitops/clusters/neuroscale-prod',
            ),
          },
          live: {
            snapshot: path.join(
              repo,
              'examples/cluster-snapshot/neuroscale-prod',
            ),
          },
        },
      ],
    },
  });
  const clusters = readClusterDefinitions(auditConfig);
  const drift = new DefaultDriftService({
    store: new KnexDriftStore(knex),
    skills,
    urlReader: {} as any, // reads local directories only
    logger: quiet,
    clusters,
    audits: readAuditDefinitions(auditConfig, clusters),
    memory,
  });
  await drift.runAudit('demo', 'manual');

  const chat = new ChatService({
    store: sessions,
    traces: new KnexTraceStore(knex),
    approvals: new ApprovalsService({
      store: new KnexApprovalStore(knex),
      userInfo: {} as any, // only asked when a call is held
      notifications: {} as any, // only used when a call is held
      logger: quiet,
    }),
    rules: [],
    tools: [
      ...catalogTools({ catalog }),
      ...driftTools({ drift, catalog }),
      ...skillTools({ skills }),
      ...memoryTools({ memory }),
    ],
    models,
    catalog,
    drift,
    permissions: {} as any, // only asked when reading another user's session
    logger: quiet,
    memory,
    skills,
    chat: { sessionTokenBudget: 16000, maxSteps: 8 },
  });

  const credentials = mockCredentials.user(user);
  const hermes = http.createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      chat.chat({ credentials, ...body }, res).catch(error => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>(r => hermes.listen(0, '127.0.0.1', r));
  const hermesUrl = `http://127.0.0.1:${
    (hermes.address() as AddressInfo).port
  }`;

  // Ten conversations about the entity, continued turn after turn (each grows by two
  // messages per turn), as people use the Agent tab.
  const active = Array.from({ length: 10 }, () => randomUUID());
  const overheads: number[] = [];
  for (let i = 0; i < turns + 10; i++) {
    model.takeModelMs();
    const started = performance.now();
    const response = await fetch(`${hermesUrl}/`, {
      method: 'POST',
      body: JSON.stringify({
        sessionId: active[i % active.length],
        entityRef: 'component:default/fraud-detector',
        message: {
          id: randomUUID(),
          role: 'user',
          parts: [{ type: 'text', text: `${topics[i % topics.length]}?` }],
        },
      }),
    });
    const text = await response.text();
    if (!text.includes('autoscaler')) throw new Error(`bad turn: ${text}`);
    const ms = performance.now() - started - model.takeModelMs();
    if (i >= 10) overheads.push(ms); // the first turns warm up caches and the JIT
  }
  console.log(
    `per-turn overhead excluding model time (${turns} turns, SQLite): p50 ${percentile(
      overheads,
      50,
    ).toFixed(1)} ms, p95 ${percentile(overheads, 95).toFixed(
      1,
    )} ms, max ${Math.max(...overheads).toFixed(1)} ms (target p50 <= 15 ms)`,
  );

  hermes.close();
  model.close();
  await knex.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
