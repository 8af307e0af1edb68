import type {
  DeliveryRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  delivery,
  makeRun,
  makeTask,
  startPortal,
} from './__testUtils__/tasksPortal';
import { main } from './index';

const TOKEN = 'static-token-7f3a9c';
const PROMPT =
  'Check the diff between Git-declared state in infrastructure/apps/ and live cluster state. If they diverge, summarize what changed, correlate with recent kubectl audit logs, and flag whether the change was human-initiated or a controller reconciliation. Send results to Telegram.';

async function run(...args: string[]) {
  const lines: string[] = [];
  const code = await main(args, line => lines.push(line));
  return { code, out: lines.join('\n') };
}

/** The real `hermes` binary, for what only a process shows: exit code and stderr. */
function runBinary(args: string[], env: Record<string, string>) {
  const bin = path.resolve(__dirname, '../bin/hermes');
  return new Promise<{ code: number; stdout: string; stderr: string }>(
    resolve => {
      execFile(
        process.execPath,
        [bin, ...args],
        { env: { PATH: process.env.PATH ?? '', ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    },
  );
}

describe('hermes task', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  const saved = { ...process.env };
  beforeEach(async () => {
    portal = await startPortal(TOKEN);
    process.env.HERMES_TOKEN = TOKEN;
    process.env.HERMES_PORTAL_URL = portal.url;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await portal.close();
  });

  it('adds the task from the issue, posting the contract body and showing the schedule in words', async () => {
    const { code, out } = await run(
      'task',
      'add',
      '--cron',
      '0 */6 * * *',
      PROMPT,
      '--deliver',
      'ops-telegram',
    );
    expect(code).toBe(0);
    const post = portal.requests.find(r => r.method === 'POST');
    expect(post?.url).toBe('/api/hermes/tasks');
    expect(post?.body).toEqual({
      name: 'check-the-diff-between-git-declared-state',
      kind: 'agent',
      schedule: '0 */6 * * *',
      prompt: PROMPT,
      deliver: ['ops-telegram'],
    });
    expect(out).toContain(
      'Created task check-the-diff-between-git-declared-state',
    );
    expect(out).toContain('At 0 minutes past the hour, every 6 hours');
    expect(out).toContain(
      'next runs: 2026-05-23 12:00 UTC, 2026-05-23 18:00 UTC, 2026-05-24 00:00 UTC',
    );
    expect(out).toContain('deliver:   ops-telegram');
  });

  it('adds a drift audit from --audit and --every, named after the audit', async () => {
    const { code } = await run(
      'task',
      'add',
      '--every',
      '6h',
      '--audit',
      'neuroscale-prod',
      '--deliver',
      'notifications,ops-telegram',
      '--disabled',
      '--portal',
      `${portal.url}/`,
    );
    expect(code).toBe(0);
    expect(portal.requests.find(r => r.method === 'POST')?.body).toEqual({
      name: 'neuroscale-prod',
      kind: 'drift-audit',
      schedule: 'every 6h',
      audit: 'neuroscale-prod',
      deliver: ['notifications', 'ops-telegram'],
      enabled: false,
    });
  });

  it("shows the portal's 400 for an unreadable schedule, with the accepted forms", async () => {
    await expect(
      run('task', 'add', '--schedule', 'at teatime', 'Summarise drift'),
    ).rejects.toThrow(
      /could not read the schedule "at teatime". Accepted forms: .*every 6h.*weekdays at 8am/,
    );
    expect(portal.tasks).toHaveLength(0);
  });

  it('names what is missing from task add before calling the portal', async () => {
    await expect(run('task', 'add', 'no schedule')).rejects.toThrow(
      'exactly one schedule: --cron "<expr>", --every "<interval>" or --schedule "<phrase>"',
    );
    await expect(run('task', 'add', '--cron', '0 * * * *')).rejects.toThrow(
      'needs a prompt in quotes, or --audit <audit>',
    );
    expect(portal.requests).toHaveLength(0);
  });

  it('exits 2 naming HERMES_TOKEN or --portal when either is missing, and never prints a refused token', async () => {
    const noToken = await runBinary(['task', 'list'], {
      HERMES_PORTAL_URL: portal.url,
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/^hermes: no token: set HERMES_TOKEN/);

    const noPortal = await runBinary(['task', 'list'], { HERMES_TOKEN: TOKEN });
    expect(noPortal.code).toBe(2);
    expect(noPortal.stderr).toContain('pass --portal <url>');
    expect(noPortal.stderr).toContain('HERMES_PORTAL_URL');

    const wrong = 'wrong-token-0d1e2f';
    const refused = await runBinary(['task', 'list', '--portal', portal.url], {
      HERMES_TOKEN: wrong,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `the portal at ${portal.url}/api/hermes refused the token in HERMES_TOKEN (401: Illegal token)`,
    );
    expect(refused.stdout + refused.stderr).not.toContain(wrong);
    expect(portal.requests.at(-1)?.url).toBe('/api/hermes/tasks');
  });

  it('names the URL when the portal cannot be reached', async () => {
    await portal.close();
    await expect(run('task', 'list')).rejects.toThrow(
      `cannot reach the portal at ${portal.url}/api/hermes: ECONNREFUSED`,
    );
    portal = await startPortal(TOKEN);
  });

  it('lists tasks with run status and delivery status in separate columns', async () => {
    const task = makeTask('t1', {
      name: 'prod-drift',
      kind: 'drift-audit',
      audit: 'neuroscale-prod',
      deliver: ['ops-telegram', 'notifications'],
    });
    task.lastRun = makeRun('t1', {
      status: 'succeeded',
      finishedAt: '2026-05-23T06:01:00.000Z',
      deliveries: [
        delivery('ops-telegram', { status: 'dead', attempts: 5 }),
        delivery('notifications', { status: 'sent', attempts: 1 }),
      ],
    });
    portal.tasks.push(task, makeTask('t2', { name: 'idle', enabled: false }));
    const { code, out } = await run('task', 'list');
    expect(code).toBe(0);
    const [header, first, second] = out.split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'NAME',
      'KIND',
      'SCHEDULE',
      'NEXT RUN',
      'LAST RUN',
      'DELIVERY',
    ]);
    expect(first.split(/\s{2,}/)).toEqual([
      'prod-drift',
      'drift-audit',
      'At 0 minutes past the hour, every 6 hours',
      '2026-05-23 12:00 UTC',
      'succeeded 2026-05-23 06:01 UTC',
      'ops-telegram dead, notifications sent',
    ]);
    expect(second.split(/\s{2,}/)).toEqual([
      'idle',
      'agent',
      'At 0 minutes past the hour, every 6 hours',
      'disabled',
      'never ran',
      '—',
    ]);
  });

  it('prints the API JSON with --output json, and filters by entity', async () => {
    portal.tasks.push(
      makeTask('t1', { name: 'a', entityRef: 'component:default/api' }),
      makeTask('t2', { name: 'b' }),
    );
    const { out } = await run(
      'task',
      'list',
      '--entity',
      'component:default/api',
      '--output',
      'json',
    );
    expect(portal.requests.at(-1)?.url).toBe(
      '/api/hermes/tasks?entityRef=component%3Adefault%2Fapi',
    );
    expect(JSON.parse(out)).toEqual({
      items: [JSON.parse(JSON.stringify(portal.tasks[0]))],
    });
  });

  describe('run --wait', () => {
    const done = (deliveries: DeliveryRecord[], status = 'succeeded') => ({
      status: status as TaskRunRecord['status'],
      durationMs: 12_300,
      report: {
        title: 'Drift Audit — 2026-05-23 12:00 UTC · cluster neuroscale-prod',
        subtitle: '1 namespace · 1 finding',
        status: 'succeeded' as const,
        summary: 'One policy was edited by hand.',
        groups: [
          {
            name: 'kyverno/policies',
            summary: '1 diff',
            findings: [
              {
                classification: 'critical' as const,
                headline:
                  'ClusterPolicy require-resource-limits modified in-cluster',
                changes: ['spec.validationFailureAction: Enforce → Audit'],
                moreChanges: 0,
                attribution: 'manual apply by "ops-admin" at 03:12 UTC',
                recommend: 'revert in-cluster change or commit to Git.',
              },
            ],
          },
        ],
        warnings: [],
      },
      deliveries,
    });
    const cases: Array<{
      name: string;
      script: Array<Partial<TaskRunRecord>>;
      code: number;
      shows: string[];
    }> = [
      {
        name: 'exits 1 when a delivery is dead although the run succeeded',
        script: [
          { status: 'running' },
          done([
            delivery('ops-telegram', { status: 'sending', attempts: 1 }),
            delivery('notifications', { status: 'queued' }),
          ]),
          done([
            delivery('ops-telegram', {
              status: 'failed',
              attempts: 2,
              lastError: '502 Bad Gateway',
              nextAttemptAt: '2026-05-23T12:01:00.000Z',
            }),
            delivery('notifications', { status: 'sending', attempts: 1 }),
          ]),
          done([
            delivery('ops-telegram', {
              status: 'dead',
              attempts: 3,
              lastError: '400 Bad Request: chat not found',
            }),
            delivery('notifications', {
              status: 'sent',
              attempts: 1,
              sentAt: '2026-05-23T12:00:30.000Z',
            }),
          ]),
        ],
        code: 1,
        shows: [
          'run succeeded in 12.3s',
          'delivery ops-telegram (telegram): failed · 2 attempts · last error: 502 Bad Gateway · next attempt 2026-05-23 12:01 UTC',
          'delivery ops-telegram (telegram): dead · 3 attempts · last error: 400 Bad Request: chat not found',
          'delivery notifications (notifications): sent · 1 attempt · sent 2026-05-23 12:00 UTC',
        ],
      },
      {
        name: 'exits 0 when the run succeeded and every delivery was sent',
        script: [
          { status: 'running' },
          done([
            delivery('ops-telegram', {
              status: 'sent',
              attempts: 1,
              messageId: '42',
            }),
          ]),
        ],
        code: 0,
        shows: [
          'delivery ops-telegram (telegram): sent · 1 attempt · message 42',
        ],
      },
      {
        name: 'exits 1 when the run failed',
        script: [
          {
            status: 'failed',
            reason: 'unknown model "acme/x"',
            deliveries: [
              delivery('ops-telegram', { status: 'sent', attempts: 1 }),
            ],
          },
        ],
        code: 1,
        shows: [
          'run failed (unknown model "acme/x")',
          'delivery ops-telegram (telegram): sent · 1 attempt',
        ],
      },
    ];
    it.each(cases)('$name', async ({ script, code, shows }) => {
      portal.tasks.push(
        makeTask('t1', { name: 'prod-drift', deliver: ['ops-telegram'] }),
      );
      portal.setScript([...script]);
      const result = await run(
        'task',
        'run',
        'prod-drift',
        '--wait',
        '--poll-interval',
        '0.01',
      );
      for (const line of shows) expect(result.out).toContain(line);
      expect(result.code).toBe(code);
      // It polled until the run and its deliveries were done, and no further.
      const polls = portal.requests.filter(r => r.url.includes('/runs'));
      expect(polls).toHaveLength(script.length);
      expect(result.out).toMatch(/^run run-\w+: queued$/m);
    });

    it('prints only the finished run as JSON with --output json', async () => {
      portal.tasks.push(makeTask('t1', { name: 'prod-drift' }));
      portal.setScript([{ status: 'running' }, done([], 'failed')]);
      const { code, out } = await run(
        'task',
        'run',
        'prod-drift',
        '--wait',
        '--poll-interval',
        '0.01',
        '--output',
        'json',
      );
      expect(JSON.parse(out)).toMatchObject({
        status: 'failed',
        deliveries: [],
      });
      expect(code).toBe(1);
    });

    it('gives up after --timeout, naming the state it saw, and exits 1', async () => {
      portal.tasks.push(makeTask('t1', { name: 'prod-drift' }));
      portal.setScript([{ status: 'running' }]);
      const { code, out } = await run(
        'task',
        'run',
        'prod-drift',
        '--wait',
        '--poll-interval',
        '0.01',
        '--timeout',
        '0.1',
      );
      expect(out).toContain(
        'gave up waiting after 0.1s: run running; see hermes task logs prod-drift',
      );
      expect(code).toBe(1);
    });

    it('prints the report between progress and deliveries', async () => {
      portal.tasks.push(
        makeTask('t1', { name: 'prod-drift', deliver: ['ops-telegram'] }),
      );
      portal.setScript([
        done([delivery('ops-telegram', { status: 'sent', attempts: 1 })]),
      ]);
      const { out } = await run(
        'task',
        'run',
        't1',
        '--wait',
        '--poll-interval',
        '0.01',
      );
      expect(out).toContain(
        [
          'Drift Audit — 2026-05-23 12:00 UTC · cluster neuroscale-prod',
          '1 namespace · 1 finding',
          '',
          'One policy was edited by hand.',
          '',
          'kyverno/policies: 1 diff',
          '  [critical] ClusterPolicy require-resource-limits modified in-cluster',
          '    spec.validationFailureAction: Enforce → Audit',
          '    manual apply by "ops-admin" at 03:12 UTC',
          '    Recommend: revert in-cluster change or commit to Git.',
        ].join('\n'),
      );
    });
  });

  it('shows logs newest first with delivery status apart from run status', async () => {
    portal.tasks.push(makeTask('t1', { name: 'prod-drift' }));
    portal.runs.set('t1', [
      makeRun('t1', {
        status: 'succeeded',
        startedAt: '2026-05-23T12:00:00.000Z',
        durationMs: 65_000,
        model: 'openai/gpt-4o-mini',
        tokens: { input: 1200, output: 340 },
        deliveries: [
          delivery('ops-telegram', {
            status: 'dead',
            attempts: 5,
            lastError: '403 Forbidden: bot was blocked',
          }),
        ],
      }),
      makeRun('t1', {
        status: 'skipped',
        reason: 'missed while the backend was down',
        trigger: 'catch-up',
        queuedAt: '2026-05-23T06:00:00.000Z',
      }),
    ]);
    const { code, out } = await run(
      'task',
      'logs',
      'prod-drift',
      '--limit',
      '5',
    );
    expect(code).toBe(0);
    expect(portal.requests.at(-1)?.url).toBe(
      '/api/hermes/tasks/t1/runs?limit=5',
    );
    expect(out.split('\n')).toEqual([
      '2026-05-23 12:00 UTC · manual · run succeeded · 1m 05s · openai/gpt-4o-mini · 1200 in / 340 out tokens',
      '    delivery ops-telegram (telegram): dead · 5 attempts · last error: 403 Forbidden: bot was blocked',
      '2026-05-23 06:00 UTC · catch-up · run skipped (missed while the backend was down) · — · no model · no tokens',
      '    no deliveries',
    ]);
  });

  it('removes a task by name, and shows the 403 for a task declared in config', async () => {
    const fromConfig = makeTask('t2', { name: 'from-config' });
    fromConfig.source = 'config';
    portal.tasks.push(makeTask('t1', { name: 'mine' }), fromConfig);
    const { code, out } = await run('task', 'rm', 'mine');
    expect([code, out]).toEqual([0, 'Removed task mine (id t1).']);
    expect(portal.tasks.map(t => t.id)).toEqual(['t2']);
    await expect(run('task', 'rm', 'from-config')).rejects.toThrow(
      'not allowed: task "from-config" is declared in config; change it there',
    );
    await expect(run('task', 'rm', 'nope')).rejects.toThrow(
      'no task named "nope" or with that id',
    );
  });
});
