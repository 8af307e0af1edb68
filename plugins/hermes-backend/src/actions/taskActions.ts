import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  TaskRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import type { z as zod } from 'zod/v3';
import { TasksService } from '../tasks/TasksService';
import { asUserOrService } from './credentials';

const runSchema = (z: typeof zod) =>
  z
    .object({
      id: z.string(),
      taskId: z.string(),
      trigger: z.string(),
      status: z.string(),
      reason: z.string().optional(),
      queuedAt: z.string(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      auditId: z.string().optional(),
      sessionId: z.string().optional(),
      deliveries: z.array(
        z.object({ channel: z.string(), status: z.string() }).passthrough(),
      ),
    })
    .passthrough();

function taskOutput(task: TaskRecord) {
  return {
    id: task.id,
    name: task.name,
    owner: task.owner,
    source: task.source,
    kind: task.kind,
    prompt: task.prompt,
    audit: task.audit,
    entityRef: task.entityRef,
    schedule: task.schedule,
    deliver: task.deliver,
    enabled: task.enabled,
    lastRun: task.lastRun && runOutput(task.lastRun),
  };
}

// A fresh object per record, so it is the plain JSON object the output schema describes.
function runOutput(run: TaskRunRecord) {
  return { ...run, deliveries: run.deliveries.map(d => ({ ...d })) };
}

/** Scheduled tasks: list the ones the caller may read, and run one now. */
export function registerTaskActions(
  registry: ActionsRegistryService,
  services: { tasks: Pick<TasksService, 'list' | 'runNow'> },
) {
  const { tasks } = services;

  registry.register({
    name: 'tasks-list',
    title: 'List Hermes scheduled tasks',
    description: [
      'Scheduled Hermes tasks the caller may read (agent prompts and drift audits on a schedule),',
      'with their schedule in words, where reports go, and the last run with its status and report.',
      'Examples: {}; {"entityRef": "component:default/fraud-detector"} for one entity’s tasks.',
    ].join(' '),
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .optional()
            .describe('Only the tasks about this catalog entity'),
        }),
      output: z =>
        z.object({
          tasks: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              owner: z.string(),
              source: z.string(),
              kind: z.string(),
              prompt: z.string().optional(),
              audit: z.string().optional(),
              entityRef: z.string().optional(),
              schedule: z.object({
                text: z.string(),
                cron: z.string(),
                description: z.string(),
                timezone: z.string(),
                next: z.array(z.string()),
              }),
              deliver: z.array(z.string()),
              enabled: z.boolean(),
              lastRun: runSchema(z).optional(),
            }),
          ),
        }),
    },
    examples: [{ title: 'Every task you may read', input: {} }],
    async action({ input, credentials }) {
      const list = await tasks.list(
        asUserOrService(credentials, 'hermes:tasks-list'),
        { entityRef: input.entityRef },
      );
      return { output: { tasks: list.map(taskOutput) } };
    },
  });

  registry.register({
    name: 'task-run',
    title: 'Run a Hermes task now',
    description: [
      'Queues a run of a scheduled task now, as its schedule would, and returns the run (usually still queued or running;',
      'tasks-list shows how it ended). The run spends model tokens and sends the task’s reports, so only the task’s owner,',
      'holders of hermes.tasks.admin, or (for tasks declared in config) readers of the task may run it.',
      'Example: {"id": "<task id from tasks-list>"}.',
    ].join(' '),
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({ id: z.string().min(1).describe('Task id from tasks-list') }),
      output: z => z.object({ run: runSchema(z) }),
    },
    examples: [{ title: 'Run a task', input: { id: 'TASK-ID' } }],
    async action({ input, credentials }) {
      const run = await tasks.runNow(
        input.id,
        asUserOrService(credentials, 'hermes:task-run'),
      );
      return { output: { run: runOutput(run) } };
    },
  });
}
