import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  RETENTION_KEYS,
  RetentionConfig,
  RetentionKey,
  readRetentionConfig,
} from './config';

/**
 * A kind of history that can be cleaned: `name` is its key under `hermes.retention`, and
 * `deleteOlderThan` deletes what is older than the cutoff (and finished: the store decides
 * what may never go) and says how many rows went.
 */
export interface RetentionTarget {
  name: string;
  deleteOlderThan(cutoff: Date): Promise<number>;
}

/** Rows deleted by one pass, per target; a target kept forever is absent. */
export type RetentionPass = Record<string, { cutoff: string; deleted: number }>;

/** Retention: old history deleted on Backstage's scheduler, once across replicas. */
export interface RetentionService {
  /** Schedules the cleaner (`hermes-retention`). */
  start(scheduler: SchedulerService): Promise<void>;
  /** One pass over every target that has a retention, as the scheduled task runs it. */
  clean(now?: Date): Promise<RetentionPass>;
}

export const RETENTION_TASK_ID = 'hermes-retention';

export class DefaultRetentionService implements RetentionService {
  private constructor(
    private readonly options: {
      logger: LoggerService;
      targets: RetentionTarget[];
      settings: RetentionConfig;
    },
  ) {}

  /** Reads `hermes.retention`; a bad value or a target no key names fails here, at start-up. */
  static create(options: {
    config: Config;
    logger: LoggerService;
    targets: RetentionTarget[];
  }): DefaultRetentionService {
    const settings = readRetentionConfig(options.config);
    const seen = new Set<string>();
    for (const { name } of options.targets) {
      if (!(RETENTION_KEYS as readonly string[]).includes(name))
        throw new Error(
          `Retention target "${name}" has no key under hermes.retention; expected one of ${RETENTION_KEYS.join(
            ', ',
          )}`,
        );
      if (seen.has(name))
        throw new Error(`Retention target "${name}" is given twice`);
      seen.add(name);
    }
    return new DefaultRetentionService({ ...options, settings });
  }

  async start(scheduler: SchedulerService): Promise<void> {
    const { logger, targets, settings } = this.options;
    const kept = targets.filter(t => this.period(t) === false);
    for (const { name } of kept)
      logger.info(
        `Retention: ${name} kept forever (hermes.retention.${name} is false)`,
      );
    if (kept.length === targets.length) return;
    await scheduler.scheduleTask({
      id: RETENTION_TASK_ID,
      ...settings.schedule,
      scope: 'global',
      fn: async () => {
        await this.clean();
      },
    });
  }

  async clean(now = new Date()): Promise<RetentionPass> {
    const { logger, targets } = this.options;
    const pass: RetentionPass = {};
    const failed: string[] = [];
    // One target failing does not spare the others; the pass still fails loudly at the end.
    for (const target of targets) {
      const period = this.period(target);
      if (period === false) continue;
      const cutoff = new Date(now.getTime() - durationToMilliseconds(period));
      try {
        const deleted = await target.deleteOlderThan(cutoff);
        pass[target.name] = { cutoff: cutoff.toISOString(), deleted };
        logger.info(
          `Retention: deleted ${deleted} ${
            target.name
          } older than ${cutoff.toISOString()} (${humanPeriod(period)})`,
        );
      } catch (error) {
        failed.push(`${target.name}: ${(error as Error).message}`);
        logger.error(
          `Retention: deleting ${
            target.name
          } older than ${cutoff.toISOString()} failed`,
          error as Error,
        );
      }
    }
    if (failed.length)
      throw new Error(`Retention pass failed for ${failed.join('; ')}`);
    return pass;
  }

  private period(target: RetentionTarget) {
    return this.options.settings.periods[target.name as RetentionKey];
  }
}

function humanPeriod(period: object): string {
  return Object.entries(period)
    .map(([unit, n]) => `${n} ${unit}`)
    .join(' ');
}
