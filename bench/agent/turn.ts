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
import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
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
import { DefaultChatService } from '../../plugins/hermes-backend/src/agent/ChatService';
import { renderSkillIndex } from '../../plugins/hermes-backend/src/agent/prompt';
import { KnexSessionStore } from '../../plugins/hermes-backend/src/agent/SessionStore';
import { DefaultDriftService } from '../../plugins/hermes-backend/src/drift/DriftService';
import { DefaultApprovalsService } from '../../plugins/hermes-backend/src/governance/ApprovalsService';
import { readClusterDefinitions } from '../../plugins/hermes-backend/src/kubernetes/clusters';
import { DefaultMemoryService } from '../../plugins/hermes-backend/src/memory/MemoryService';
import { ModelRegistry } from '../../plugins/hermes-backend/src/models/ModelRegistry';
import { DefaultPolicyService } from '../../plugins/hermes-backend/src/policy/PolicyService';
import { DefaultSkillsService } from '../../plugins/hermes-backend/src/skills/DefaultSkillsService';

// Permissions are asked of the policy; these benches measure Hermes, so every answer is yes.
const allowAll = {
  authorize: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async (requests: unknown[]) =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
} as unknown as PermissionsService;

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
  const database = {
    getClient: async () => knex,
    migrations: { skip: false },
  };
  const model = await startModel();
  // Built through the same factories as plugin.ts, from the same configuration keys.
  const config = new ConfigReader({
    hermes: {
      skills: { directories: [path.join(repo, 'skills')] },
      model: { providers: { bench: { baseUrl: model.url } } },
      models: { chat: { provider: 'bench', model: 'bench' } },
      // The demo audit, so the entity's chat starts with real findings in its context.
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

  const skills = await DefaultSkillsService.create({
    config,
    database,
    logger: quiet,
  });
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
  const memory = await DefaultMemoryService.create({
    config,
    database,
    catalog,
    permissions: allowAll,
  });
  const sessions = await KnexSessionStore.create({ database });
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

  const models = ModelRegistry.fromConfig(config);
  const clusters = readClusterDefinitions(config);
  const unused = {} as any; // reached only when a call is held or a notification sent
  const drift = await DefaultDriftService.create({
    config,
    database,
    logger: quiet,
    urlReader: unused, // the demo audit reads local directories only
    catalog,
    auth: unused,
    notifications: unused,
    clusters,
    models,
    skills,
    memory,
  });
  await drift.runAudit('demo', 'manual');

  const chat = await DefaultChatService.create({
    config,
    database,
    logger: quiet,
    models,
    catalog,
    clusters,
    actions: unused,
    approvals: await DefaultApprovalsService.create({
      config,
      database,
      userInfo: unused,
      notifications: unused,
      logger: quiet,
    }),
    drift,
    policy: DefaultPolicyService.create({ config, urlReader: unused }),
    skills,
    memory,
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
