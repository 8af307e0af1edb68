import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { TaskInput } from '@hermes-backstage/plugin-hermes-common';
import { NewTask, StoredTask, TaskStore } from './TaskStore';

/**
 * `hermes.tasks` as task inputs. Shapes are checked here (a wrong key fails start-up naming
 * it); meaning (schedule, audit, channels) is checked as any task's, when it is synced.
 */
export function readConfigTasks(config: Config): TaskInput[] {
  return (config.getOptionalConfigArray('hermes.tasks') ?? []).map(task => {
    const missedRuns = task.getOptionalString('missedRuns');
    if (missedRuns && missedRuns !== 'run-once' && missedRuns !== 'skip')
      throw new Error(
        `hermes.tasks[${task.getString(
          'name',
        )}].missedRuns must be run-once or skip, not "${missedRuns}"`,
      );
    return {
      name: task.getString('name'),
      kind: task.getString('kind') as TaskInput['kind'],
      schedule: task.getString('schedule'),
      timezone: task.getOptionalString('timezone'),
      prompt: task.getOptionalString('prompt'),
      audit: task.getOptionalString('audit'),
      entityRef: task.getOptionalString('entityRef'),
      model: task.getOptionalString('model'),
      deliver: task.getOptionalStringArray('deliver') ?? [],
      enabled: task.getOptionalBoolean('enabled'),
      missedRuns: missedRuns as TaskInput['missedRuns'],
    };
  });
}

/**
 * Config tasks as declared: added, changed (keeping their next due time when the schedule is
 * the same) or removed. A task that fails `validate` is logged and left as it was.
 */
export async function syncConfigTasks(options: {
  store: TaskStore;
  logger: LoggerService;
  configTasks: TaskInput[];
  validate: (input: TaskInput, current?: StoredTask) => Promise<NewTask>;
}) {
  const { store, logger, validate } = options;
  const existing = new Map((await store.list()).map(task => [task.name, task]));
  const declared = new Set<string>();
  for (const input of options.configTasks) {
    declared.add(input.name);
    const current = existing.get(input.name);
    if (current && current.source !== 'config') {
      logger.error(
        `hermes.tasks: "${input.name}" is also the name of a task created through the API; the one in config is ignored until one is renamed`,
      );
      continue;
    }
    try {
      const task = await validate(input, current);
      if (current) await store.update(current.id, task);
      else
        await store.create(task).catch(error => {
          // Another replica starting at the same time made it.
          if (!(error instanceof ConflictError)) throw error;
        });
    } catch (error) {
      logger.error(
        `hermes.tasks: task "${input.name}": ${(error as Error).message}`,
      );
    }
  }
  for (const task of existing.values())
    if (task.source === 'config' && !declared.has(task.name))
      await store.delete(task.id);
}
