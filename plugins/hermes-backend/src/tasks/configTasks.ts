import { Config } from '@backstage/config';
import { TaskInput } from '@hermes-backstage/plugin-hermes-common';

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
