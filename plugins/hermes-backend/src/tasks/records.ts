import {
  TaskRecord,
  TaskRunRecord,
} from '@hermes-backstage/plugin-hermes-common';
import { DeliveryService } from '../delivery/DeliveryService';
import { nextRuns, parseSchedule } from './schedule';
import { StoredRun, StoredTask, TaskStore } from './TaskStore';

/** Tasks as the API answers them: with their schedule in words, next runs and last run. */
export async function taskRecords(
  tasks: StoredTask[],
  deps: {
    store: Pick<TaskStore, 'lastRuns'>;
    delivery: Pick<DeliveryService, 'listForRuns'>;
  },
): Promise<TaskRecord[]> {
  const last = await deps.store.lastRuns(tasks.map(t => t.id));
  const lastRuns = await runRecords([...last.values()], deps.delivery);
  const byTask = new Map(lastRuns.map(r => [r.taskId, r]));
  return tasks.map(task => ({
    id: task.id,
    name: task.name,
    owner: task.owner,
    source: task.source,
    kind: task.kind,
    prompt: task.prompt,
    audit: task.audit,
    entityRef: task.entityRef,
    model: task.model,
    schedule: {
      ...task.schedule,
      description: describe(task),
      next: task.enabled
        ? nextRuns(task.schedule, 3, new Date()).map(d => d.toISOString())
        : [],
    },
    deliver: task.deliver,
    enabled: task.enabled,
    missedRuns: task.missedRuns,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    lastRun: byTask.get(task.id),
  }));
}

/** Runs as the API answers them: with their duration and deliveries. */
export async function runRecords(
  runs: StoredRun[],
  delivery: Pick<DeliveryService, 'listForRuns'>,
): Promise<TaskRunRecord[]> {
  const deliveries = await delivery.listForRuns(runs.map(r => r.id));
  return runs.map(run => ({
    ...run,
    durationMs:
      run.startedAt && run.finishedAt
        ? Date.parse(run.finishedAt) - Date.parse(run.startedAt)
        : undefined,
    deliveries: deliveries.get(run.id) ?? [],
  }));
}

function describe(task: StoredTask): string {
  return parseSchedule(task.schedule.text, task.schedule.timezone).description;
}
