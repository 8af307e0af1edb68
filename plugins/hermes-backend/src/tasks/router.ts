import { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { z } from 'zod';
import { parseInput } from '../parseInput';
import { TasksService } from './TasksService';

const taskBody = z.object({
  name: z.string().min(1).max(128),
  kind: z.enum(['agent', 'drift-audit']),
  schedule: z.string().min(1).max(200),
  prompt: z.string().max(20_000).optional(),
  audit: z.string().max(255).optional(),
  entityRef: z.string().max(255).optional(),
  model: z.string().max(255).optional(),
  deliver: z.array(z.string().min(1).max(128)).max(20).default([]),
  enabled: z.boolean().optional(),
  timezone: z.string().max(64).optional(),
  missedRuns: z.enum(['run-once', 'skip']).optional(),
});

const patchBody = taskBody.partial().strict();

const previewQuery = z.object({
  text: z.string().max(1000),
  timezone: z.string().max(64).optional(),
});

const runsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

const listQuery = z.object({
  entityRef: z
    .string()
    .max(255)
    .optional()
    .transform(v => v || undefined),
});

export function createTasksRouter(options: {
  httpAuth: HttpAuthService;
  tasks: TasksService;
}) {
  const { httpAuth, tasks } = options;
  const router = Router();
  const caller = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/tasks', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    res.json({ items: await tasks.list(await caller(req), query) });
  });

  router.post('/tasks', async (req, res) => {
    const body = parseInput(taskBody.strict(), req.body, 'body');
    res.status(201).json(await tasks.create(body, await caller(req)));
  });

  // Before /tasks/:id, which would take "schedule-preview" for an id.
  router.get('/tasks/schedule-preview', async (req, res) => {
    await caller(req);
    const { text, timezone } = parseInput(previewQuery, req.query, 'query');
    res.json(tasks.previewSchedule(text, timezone));
  });

  router.get('/tasks/:id', async (req, res) => {
    res.json(await tasks.get(req.params.id, await caller(req)));
  });

  router.patch('/tasks/:id', async (req, res) => {
    const body = parseInput(patchBody, req.body, 'body');
    res.json(await tasks.update(req.params.id, body, await caller(req)));
  });

  router.delete('/tasks/:id', async (req, res) => {
    await tasks.delete(req.params.id, await caller(req));
    res.status(204).end();
  });

  router.post('/tasks/:id/run', async (req, res) => {
    res.status(202).json(await tasks.runNow(req.params.id, await caller(req)));
  });

  router.get('/tasks/:id/runs', async (req, res) => {
    const { limit } = parseInput(runsQuery, req.query, 'query');
    res.json({
      items: await tasks.listRuns(req.params.id, await caller(req), limit),
    });
  });

  router.post('/deliveries/:id/retry', async (req, res) => {
    res.json(await tasks.retryDelivery(req.params.id, await caller(req)));
  });

  router.get('/delivery/channels', async (req, res) => {
    await caller(req);
    res.json({ items: await tasks.channels() });
  });

  return router;
}
