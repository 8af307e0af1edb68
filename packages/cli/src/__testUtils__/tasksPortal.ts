import type {
  DeliveryRecord,
  TaskInput,
  TaskRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** Schedules the fake portal can read, as the real one would describe them. */
const SCHEDULES: Record<string, { cron: string; description: string }> = {
  '0 */6 * * *': {
    cron: '0 */6 * * *',
    description: 'At 0 minutes past the hour, every 6 hours',
  },
  'every 6h': {
    cron: '0 */6 * * *',
    description: 'At 0 minutes past the hour, every 6 hours',
  },
};
const NEXT = [
  '2026-05-23T12:00:00.000Z',
  '2026-05-23T18:00:00.000Z',
  '2026-05-24T00:00:00.000Z',
];

function backstageError(
  res: http.ServerResponse,
  statusCode: number,
  name: string,
  message: string,
) {
  res.writeHead(statusCode, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      error: { name, message },
      request: { method: 'X', url: 'x' },
      response: { statusCode },
    }),
  );
}

/** A loopback server shaped like the Hermes tasks API (see the REST contract). */
export async function startPortal(token: string) {
  const tasks: TaskRecord[] = [];
  const runs = new Map<string, TaskRunRecord[]>();
  const requests: Array<{ method: string; url: string; body?: any }> = [];
  /** States a started run goes through, one per poll of its runs. */
  let script: Array<Partial<TaskRunRecord>> = [];
  const server = http.createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: req.method!, url: req.url!, body });
    if (req.headers.authorization !== `Bearer ${token}`) {
      backstageError(res, 401, 'AuthenticationError', 'Illegal token');
      return;
    }
    const send = (status: number, json?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const url = new URL(req.url!, 'http://x');
    const m = url.pathname.match(
      /^\/api\/hermes\/tasks(?:\/([^/]+))?(\/\w+)?$/,
    );
    const task = tasks.find(t => t.id === m?.[1]);
    if (!m || (m[1] && !task)) {
      backstageError(res, 404, 'NotFoundError', `no route ${url.pathname}`);
    } else if (req.method === 'GET' && !m[1]) {
      const ref = url.searchParams.get('entityRef');
      send(200, { items: tasks.filter(t => !ref || t.entityRef === ref) });
    } else if (req.method === 'POST' && !m[1]) {
      const input = body as TaskInput;
      const schedule = SCHEDULES[input.schedule];
      if (!schedule) {
        backstageError(
          res,
          400,
          'InputError',
          `could not read the schedule "${input.schedule}". Accepted forms: a cron expression ("0 */6 * * *"), an interval ("every 6h", "every 30 minutes"), a phrase ("daily at 09:00", "weekdays at 8am", "every monday 07:30")`,
        );
        return;
      }
      const record = makeTask(`task-${tasks.length + 1}`, input, schedule);
      tasks.push(record);
      send(201, record);
    } else if (req.method === 'POST' && m[2] === '/run') {
      const run = makeRun(task!.id, { status: 'queued' });
      runs.set(task!.id, [run, ...(runs.get(task!.id) ?? [])]);
      send(202, run);
    } else if (req.method === 'GET' && m[2] === '/runs') {
      const list = runs.get(task!.id) ?? [];
      const next = script.shift();
      if (next && list[0]) Object.assign(list[0], next);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      send(200, { items: list.slice(0, limit) });
    } else if (req.method === 'DELETE' && m[1] && !m[2]) {
      if (task!.source === 'config') {
        backstageError(
          res,
          403,
          'NotAllowedError',
          `task "${task!.name}" is declared in config; change it there`,
        );
        return;
      }
      tasks.splice(tasks.indexOf(task!), 1);
      send(204);
    } else {
      backstageError(res, 404, 'NotFoundError', `no route ${url.pathname}`);
    }
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tasks,
    runs,
    requests,
    setScript: (s: typeof script) => {
      script = s;
    },
    close: () => new Promise(r => server.close(r)),
  };
}

export function makeTask(
  id: string,
  input: Partial<TaskInput>,
  schedule = SCHEDULES['0 */6 * * *'],
): TaskRecord {
  return {
    id,
    name: input.name!,
    owner: 'user:default/ana',
    source: 'api',
    kind: input.kind ?? 'agent',
    prompt: input.prompt,
    audit: input.audit,
    entityRef: input.entityRef,
    model: input.model,
    schedule: {
      text: input.schedule ?? '0 */6 * * *',
      ...schedule,
      timezone: input.timezone ?? 'UTC',
      next: input.enabled === false ? [] : NEXT,
    },
    deliver: input.deliver ?? [],
    enabled: input.enabled ?? true,
    missedRuns: input.missedRuns ?? 'run-once',
    createdAt: '2026-05-23T09:00:00.000Z',
    updatedAt: '2026-05-23T09:00:00.000Z',
  };
}

export function makeRun(
  taskId: string,
  fields: Partial<TaskRunRecord>,
): TaskRunRecord {
  return {
    id: `run-${Math.random().toString(36).slice(2, 8)}`,
    taskId,
    trigger: 'manual',
    status: 'queued',
    queuedAt: '2026-05-23T12:00:00.000Z',
    deliveries: [],
    ...fields,
  };
}

export function delivery(
  channel: string,
  fields: Partial<DeliveryRecord>,
): DeliveryRecord {
  return {
    id: `d-${channel}`,
    runId: 'r',
    channel,
    type: channel === 'ops-telegram' ? 'telegram' : 'notifications',
    status: 'queued',
    attempts: 0,
    ...fields,
  };
}
