// A year of hourly drift audits (8,760) of a 10,000-object cluster with 1% drifting, through
// the real KnexDriftStore on a SQLite file: storage must grow with drift, not with time.
// Day 1 and day 365 run the real diff engine over all 10,000 objects and record its findings;
// the hours in between record their findings through the same store call (finishAudit), with
// a few drifting objects changing content or coming and going each day. Prints rows per
// table, the file size, record time on day 1 vs day 365, and what one row per finding per run
// would have written.
//
// Run: npm run bench:drift-year [-- --days N]
import {
  auditDrift,
  DriftFinding,
  KubernetesObject,
} from '@hermes-backstage/plugin-hermes-common';
import knexFactory from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KnexDriftStore } from '../../plugins/hermes-backend/src/drift/DriftStore';

const days = Number(process.argv[process.argv.indexOf('--days') + 1]) || 365;
const OBJECTS = 10_000;
const EVERY = 100; // 1% drift: svc-0, svc-100, ...

/** Deployment `i`; live ones that drift run `replicas` (Git says 2). */
function deployment(i: number, replicas?: number): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `svc-${i}`,
      namespace: `team-${i % 50}`,
      labels: { 'app.kubernetes.io/name': `svc-${i}` },
    },
    spec: {
      replicas: replicas ?? 2,
      template: {
        spec: {
          containers: [{ name: 'app', image: `registry/svc-${i}:1.0.0` }],
        },
      },
    },
  };
}

/** Live replicas of each drifting object on a day: a few change or go away each day. */
function liveReplicas(day: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < OBJECTS; i += EVERY) {
    const k = i / EVERY;
    // Three objects a day get a new live value; two are reverted for that day and return.
    const changes = Math.floor((day + (k % 33)) / 33);
    if ((day + k) % 50 === 0 || (day + k) % 50 === 1) continue;
    out.set(i, 3 + changes);
  }
  return out;
}

function engine(day: number): { findings: DriftFinding[]; ms: number } {
  const live = liveReplicas(day);
  const desired = Array.from({ length: OBJECTS }, (_, i) => deployment(i));
  const actual = Array.from({ length: OBJECTS }, (_, i) =>
    deployment(i, live.get(i)),
  );
  const start = performance.now();
  const findings = auditDrift({
    cluster: 'bench',
    desired,
    live: actual,
    watchedKinds: [],
  });
  return { findings, ms: performance.now() - start };
}

/** An hour's findings without the engine: the day's findings as the engine shaped them. */
function findingsOn(day: number, template: DriftFinding[]): DriftFinding[] {
  const live = liveReplicas(day);
  return template.flatMap(f => {
    const i = Number(f.resource.name.slice('svc-'.length));
    const replicas = live.get(i);
    if (replicas === undefined) return [];
    return [
      {
        ...f,
        changes: f.changes.map(c =>
          c.path === '/spec/replicas' ? { ...c, live: replicas } : c,
        ),
      },
    ];
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hermes-drift-year-'));
  const file = path.join(dir, 'drift.sqlite');
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
  });
  const line = (label: string, value: string | number) =>
    process.stdout.write(`${label.padEnd(44)} ${value}\n`);
  try {
    const store = await KnexDriftStore.create({
      database: { getClient: async () => knex, migrations: { skip: false } },
    });
    const record = async (findings: DriftFinding[]) => {
      const id = await store.startAudit({
        name: 'bench',
        cluster: 'bench',
        trigger: 'schedule',
        desiredSource: 'bench',
        liveSource: 'bench',
      });
      const start = performance.now();
      await store.finishAudit(id, { findings, report: 'r', warnings: [] });
      return performance.now() - start;
    };
    const wall = performance.now();
    let oldScheme = 0;
    const first = engine(1);
    const template = first.findings;
    const day1 = await record(first.findings);
    oldScheme += first.findings.length;
    const hourly: number[] = [];
    let last = { findings: [] as DriftFinding[], ms: 0 };
    let day365 = 0;
    for (let day = 1; day <= days; day++) {
      for (let hour = day === 1 ? 1 : 0; hour < 24; hour++) {
        if (day === days && hour === 23) {
          last = engine(day);
          day365 = await record(last.findings);
          oldScheme += last.findings.length;
          continue;
        }
        const findings = findingsOn(day, template);
        const ms = await record(findings);
        if (day === 1 || day === days) hourly.push(ms);
        oldScheme += findings.length;
      }
    }
    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    line(
      'audits recorded',
      (await count('hermes_drift_audits')).toLocaleString('en'),
    );
    line('objects / drifting', `${OBJECTS} / ${template.length}`);
    for (const table of [
      'hermes_drift_audits',
      'hermes_drift_findings',
      'hermes_drift_episodes',
      'hermes_drift_drifts',
      'hermes_drift_resolutions',
    ])
      line(`rows ${table}`, (await count(table)).toLocaleString('en'));
    line(
      'rows one-per-finding-per-run would write',
      oldScheme.toLocaleString('en'),
    );
    await knex.destroy();
    line(
      'database file size',
      `${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MiB`,
    );
    line(
      'engine day 1 / last day (ms)',
      `${first.ms.toFixed(0)} / ${last.ms.toFixed(0)}`,
    );
    line(
      'record real audit day 1 / last day (ms)',
      `${day1.toFixed(1)} / ${day365.toFixed(1)}`,
    );
    const median = (xs: number[]) =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    line(
      'record hourly audit, median day 1 / last (ms)',
      `${median(hourly.slice(0, 23)).toFixed(1)} / ${median(
        hourly.slice(23),
      ).toFixed(1)}`,
    );
    line('total wall time (s)', ((performance.now() - wall) / 1000).toFixed(0));
  } finally {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
