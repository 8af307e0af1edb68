import type {
  TaskInput,
  TaskRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import { CliError, connectPortal, Portal } from './portal';
import {
  deliveryLine,
  describeReport,
  describeTask,
  duration,
  runStatus,
  table,
  when,
} from './taskFormat';

/** The options of `hermes task …`, declared here and merged into the CLI's parser. */
export const TASK_OPTIONS = {
  portal: { type: 'string' },
  cron: { type: 'string' },
  every: { type: 'string' },
  schedule: { type: 'string' },
  name: { type: 'string' },
  audit: { type: 'string' },
  entity: { type: 'string' },
  model: { type: 'string' },
  deliver: { type: 'string', multiple: true },
  timezone: { type: 'string' },
  missed: { type: 'string' },
  disabled: { type: 'boolean' },
  wait: { type: 'boolean' },
  limit: { type: 'string' },
  'poll-interval': { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const TASK_USAGE = `  hermes task add (--cron "<expr>" | --every "<interval>" | --schedule "<phrase>") "<prompt>" [--name N] [--audit <audit>]
                  [--entity <ref>] [--model provider/model] [--deliver <channel> ...] [--timezone Z] [--missed run-once|skip] [--disabled]
  hermes task list [--entity <ref>]
  hermes task run <name|id> [--wait [--poll-interval S] [--timeout S]]
  hermes task logs <name|id> [--limit N]
  hermes task rm <name|id>
    task commands: --portal <url> or HERMES_PORTAL_URL (the backend, e.g. http://localhost:7007), token in HERMES_TOKEN, [--output text|json]`;

type TaskValues = {
  [K in keyof typeof TASK_OPTIONS]?: (typeof TASK_OPTIONS)[K] extends {
    multiple: true;
  }
    ? string[]
    : (typeof TASK_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : string;
};

interface Context {
  portal: Portal;
  json: boolean;
  print: (text: string) => void;
}

/** `hermes task <command> …`; returns the exit code, throws CliError for usage and API errors. */
export async function taskCommand(options: {
  command: string | undefined;
  args: string[];
  values: TaskValues;
  output: 'text' | 'json';
  print: (text: string) => void;
}): Promise<number> {
  const { command, args, values } = options;
  const commands = ['add', 'list', 'run', 'logs', 'rm'];
  if (!command || !commands.includes(command)) {
    throw new CliError(
      `hermes task needs one of ${commands.join(', ')}${
        command ? `, not "${command}"` : ''
      }\nUsage:\n${TASK_USAGE}`,
    );
  }
  // Check the input before asking for credentials, so a typo is named first.
  const input = command === 'add' ? taskInput(args, values) : undefined;
  if (command !== 'add' && command !== 'list' && args.length !== 1) {
    throw new CliError(`hermes task ${command} takes one task name or id`);
  }
  const limit = positive(values.limit, '--limit', 20);
  const wait = {
    pollMs: positive(values['poll-interval'], '--poll-interval', 2) * 1000,
    timeoutMs: positive(values.timeout, '--timeout', 1800) * 1000,
  };
  const ctx: Context = {
    portal: connectPortal(values.portal),
    json: options.output === 'json',
    print: options.print,
  };
  switch (command) {
    case 'add':
      return add(ctx, input!);
    case 'list':
      return list(ctx, values.entity);
    case 'run':
      return values.wait ? run(ctx, args[0], wait) : run(ctx, args[0]);
    case 'logs':
      return logs(ctx, args[0], limit);
    default:
      return remove(ctx, args[0]);
  }
}

function positive(value: string | undefined, option: string, fallback: number) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) {
    throw new CliError(`${option} must be a positive number, not "${value}"`);
  }
  return n;
}

/** A task name from the first words of a prompt or an audit's name. */
function slugName(text: string): string {
  const words = text
    .split(/\s+/)
    .map(w =>
      w
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(Boolean)
    .slice(0, 6);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 48) break;
    slug = next;
  }
  return slug || words[0]?.slice(0, 48) || '';
}

function taskInput(args: string[], values: TaskValues): TaskInput {
  const schedules = [
    values.cron,
    values.every === undefined
      ? undefined
      : // "--every 6h" and "--every 'every 6h'" mean the same.
        `every ${values.every.replace(/^\s*every\s+/i, '')}`,
    values.schedule,
  ].filter((s): s is string => s !== undefined);
  if (schedules.length !== 1) {
    throw new CliError(
      'hermes task add needs exactly one schedule: --cron "<expr>", --every "<interval>" or --schedule "<phrase>"',
    );
  }
  // Unquoted words are one prompt, as the user typed them.
  const prompt = args.join(' ').trim() || undefined;
  if (!values.audit && !prompt) {
    throw new CliError(
      'hermes task add needs a prompt in quotes, or --audit <audit> for a drift audit',
    );
  }
  if (values.missed && !['run-once', 'skip'].includes(values.missed)) {
    throw new CliError(
      `--missed must be run-once or skip, not "${values.missed}"`,
    );
  }
  if (values.model && !/^[^/\s]+\/\S+$/.test(values.model)) {
    throw new CliError(
      `--model must be provider/model, e.g. openai/gpt-4o-mini, not "${values.model}"`,
    );
  }
  const name = values.name ?? slugName(values.audit ?? prompt ?? '');
  if (!name) throw new CliError('give the task a name with --name');
  const deliver = (values.deliver ?? [])
    .flatMap(d => d.split(','))
    .map(d => d.trim())
    .filter(Boolean);
  return {
    name,
    kind: values.audit ? 'drift-audit' : 'agent',
    schedule: schedules[0],
    prompt,
    audit: values.audit,
    entityRef: values.entity,
    model: values.model,
    deliver,
    enabled: values.disabled ? false : undefined,
    timezone: values.timezone,
    missedRuns: values.missed as TaskInput['missedRuns'],
  };
}

async function add(ctx: Context, input: TaskInput): Promise<number> {
  const task = await ctx.portal.request<TaskRecord>('POST', '/tasks', input);
  if (ctx.json) ctx.print(JSON.stringify(task, null, 2));
  else ctx.print(describeTask(task, 'Created task'));
  return 0;
}

async function list(ctx: Context, entityRef?: string): Promise<number> {
  const query = entityRef ? `?entityRef=${encodeURIComponent(entityRef)}` : '';
  const answer = await ctx.portal.request<{ items: TaskRecord[] }>(
    'GET',
    `/tasks${query}`,
  );
  if (ctx.json) {
    ctx.print(JSON.stringify(answer, null, 2));
    return 0;
  }
  if (answer.items.length === 0) {
    ctx.print(entityRef ? `No tasks for ${entityRef}.` : 'No tasks.');
    return 0;
  }
  const rows = answer.items.map(t => {
    const tz = t.schedule.timezone;
    const last = t.lastRun;
    return [
      t.name,
      t.kind,
      t.schedule.description,
      t.enabled ? when(t.schedule.next[0], tz) : 'disabled',
      last
        ? `${runStatus(last)} ${when(last.finishedAt ?? last.queuedAt, tz)}`
        : 'never ran',
      last?.deliveries.length
        ? last.deliveries.map(d => `${d.channel} ${d.status}`).join(', ')
        : '—',
    ];
  });
  ctx.print(
    table(
      ['NAME', 'KIND', 'SCHEDULE', 'NEXT RUN', 'LAST RUN', 'DELIVERY'],
      rows,
    ),
  );
  return 0;
}

/** A task named by id or by name, found in the caller's list. */
async function resolveTask(ctx: Context, ref: string): Promise<TaskRecord> {
  const { items } = await ctx.portal.request<{ items: TaskRecord[] }>(
    'GET',
    '/tasks',
  );
  const byId = items.find(t => t.id === ref);
  if (byId) return byId;
  const byName = items.filter(t => t.name === ref);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new CliError(
      `${byName.length} tasks are named "${ref}"; name one by id: ${byName
        .map(t => `${t.id} (owner ${t.owner})`)
        .join(', ')}`,
    );
  }
  throw new CliError(
    `no task named "${ref}" or with that id among the tasks you can see; see hermes task list`,
  );
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function run(
  ctx: Context,
  ref: string,
  wait?: { pollMs: number; timeoutMs: number },
): Promise<number> {
  const task = await resolveTask(ctx, ref);
  const tz = task.schedule.timezone;
  const started = await ctx.portal.request<TaskRunRecord>(
    'POST',
    `/tasks/${encodeURIComponent(task.id)}/run`,
  );
  if (!wait) {
    if (ctx.json) ctx.print(JSON.stringify(started, null, 2));
    else {
      ctx.print(
        `Started run ${started.id} of ${task.name}: ${runStatus(
          started,
        )}. Follow it with: hermes task logs ${task.name}`,
      );
    }
    return 0;
  }
  const { pollMs, timeoutMs } = wait;
  const progress = (text: string) => !ctx.json && ctx.print(text);
  const seen = new Map<string, string>();
  const note = (key: string, state: string, text: string) => {
    if (seen.get(key) === state) return;
    seen.set(key, state);
    progress(text);
  };
  const deadline = Date.now() + timeoutMs;
  // Deliveries are queued as a run finishes; give them a few polls to appear.
  let graceLeft = 3;
  let current = started;
  for (;;) {
    note('run', current.status, `run ${current.id}: ${runStatus(current)}`);
    for (const d of current.deliveries) {
      note(d.id, `${d.status}/${d.attempts}`, `  ${deliveryLine(d, tz)}`);
    }
    const finished = ['succeeded', 'failed', 'skipped'].includes(
      current.status,
    );
    const inFlight = current.deliveries.some(
      d => d.status === 'queued' || d.status === 'sending',
    );
    const missing =
      finished &&
      current.status !== 'skipped' &&
      current.deliveries.length < task.deliver.length &&
      graceLeft > 0;
    if (missing) graceLeft--;
    if (finished && !inFlight && !missing) break;
    if (Date.now() >= deadline) {
      ctx.print(
        ctx.json
          ? JSON.stringify(current, null, 2)
          : `gave up waiting after ${timeoutMs / 1000}s: run ${
              current.status
            }; see hermes task logs ${task.name}`,
      );
      return 1;
    }
    await sleep(pollMs);
    const { items } = await ctx.portal.request<{ items: TaskRunRecord[] }>(
      'GET',
      `/tasks/${encodeURIComponent(task.id)}/runs?limit=10`,
    );
    current = items.find(r => r.id === started.id) ?? current;
  }
  if (ctx.json) ctx.print(JSON.stringify(current, null, 2));
  else {
    if (current.report) {
      ctx.print('');
      ctx.print(describeReport(current.report));
    }
    ctx.print('');
    ctx.print(`run ${runStatus(current)} in ${duration(current.durationMs)}`);
    for (const d of current.deliveries) ctx.print(deliveryLine(d, tz));
    if (current.deliveries.length === 0) ctx.print('no deliveries');
  }
  const dead = current.deliveries.some(d => d.status === 'dead');
  return current.status === 'failed' || dead ? 1 : 0;
}

async function logs(ctx: Context, ref: string, limit: number): Promise<number> {
  const task = await resolveTask(ctx, ref);
  const tz = task.schedule.timezone;
  const answer = await ctx.portal.request<{ items: TaskRunRecord[] }>(
    'GET',
    `/tasks/${encodeURIComponent(task.id)}/runs?limit=${Math.floor(limit)}`,
  );
  if (ctx.json) {
    ctx.print(JSON.stringify(answer, null, 2));
    return 0;
  }
  if (answer.items.length === 0) {
    ctx.print(`${task.name} has not run yet.`);
    return 0;
  }
  const blocks = answer.items.map(r => {
    const head = [
      when(r.startedAt ?? r.queuedAt, tz),
      r.trigger,
      `run ${runStatus(r)}`,
      duration(r.durationMs),
      r.model ?? 'no model',
      r.tokens
        ? `${r.tokens.input} in / ${r.tokens.output} out tokens`
        : 'no tokens',
    ].join(' · ');
    const deliveries = r.deliveries.length
      ? r.deliveries.map(d => `    ${deliveryLine(d, tz)}`)
      : ['    no deliveries'];
    return [head, ...deliveries].join('\n');
  });
  ctx.print(blocks.join('\n'));
  return 0;
}

async function remove(ctx: Context, ref: string): Promise<number> {
  const task = await resolveTask(ctx, ref);
  await ctx.portal.request('DELETE', `/tasks/${encodeURIComponent(task.id)}`);
  if (ctx.json) {
    ctx.print(JSON.stringify({ id: task.id, name: task.name, deleted: true }));
  } else ctx.print(`Removed task ${task.name} (id ${task.id}).`);
  return 0;
}
