import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { InputError } from '@backstage/errors';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';

/** What `hermes.retention` names: one key per kind of history Hermes keeps. */
export const RETENTION_KEYS = [
  'auditRuns',
  'traces',
  'taskRuns',
  'deliveries',
] as const;
export type RetentionKey = (typeof RETENTION_KEYS)[number];

/** How long each kind of history is kept; `false` keeps it forever. */
export type RetentionPeriods = Record<RetentionKey, HumanDuration | false>;

export interface RetentionConfig {
  periods: RetentionPeriods;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

// Defaults, stated once (config.d.ts repeats them for readers of the schema). Audit runs are
// the learning loop's labelled history and the "3rd manual edit in 14 days" context, so they
// are kept longest; traces, runs and deliveries are a quarter's worth of operating history.
// Deliveries match task runs, so a run shown in the portal still shows where its report went.
export const DEFAULT_PERIODS: RetentionPeriods = {
  auditRuns: { days: 365 },
  traces: { days: 90 },
  taskRuns: { days: 90 },
  deliveries: { days: 90 },
};

// Hourly: each pass deletes about an hour's worth of expired rows (short statements, no long
// locks), and nothing outlives its retention by more than an hour. A daily pass would delete a
// whole day's rows at once for no gain; the pass is cheap when there is nothing to delete.
// The first pass waits a few minutes so a backend that restarts in a loop does not clean on
// every start, and start-up (migrations, skills) is not competing with it.
const SCHEDULE_DEFAULTS = {
  frequency: { hours: 1 },
  timeout: { minutes: 15 },
  initialDelay: { minutes: 10 },
};
export const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  SCHEDULE_DEFAULTS;

const KEY = 'hermes.retention';

/** Reads `hermes.retention`; a bad value is an InputError naming its key. */
export function readRetentionConfig(config: Config): RetentionConfig {
  const section = config.getOptionalConfig(KEY);
  if (section) {
    const known: string[] = [...RETENTION_KEYS, 'schedule'];
    const unknown = section.keys().filter(k => !known.includes(k));
    // A misspelt key would otherwise silently leave its default in force.
    if (unknown.length)
      throw new InputError(
        `Unknown key ${unknown
          .map(k => `${KEY}.${k}`)
          .join(', ')}; expected one of ${known.join(', ')}`,
      );
  }
  const periods = Object.fromEntries(
    RETENTION_KEYS.map(name => [name, readPeriod(config, name)]),
  ) as RetentionPeriods;
  return { periods, schedule: readSchedule(config) };
}

function readPeriod(config: Config, name: RetentionKey): HumanDuration | false {
  const key = `${KEY}.${name}`;
  const value = config.getOptional(key);
  if (value === undefined) return DEFAULT_PERIODS[name];
  if (value === false) return false;
  if (typeof value !== 'string' && (typeof value !== 'object' || !value))
    throw new InputError(
      `${key} must be a duration such as '90d', 'P90D' or { days: 90 }, or false to keep forever; got ${JSON.stringify(
        value,
      )}`,
    );
  const duration = readDurationFromConfig(config, { key });
  if (!(durationToMilliseconds(duration) > 0))
    throw new InputError(
      `${key} must be a positive duration, or false to keep forever; got ${JSON.stringify(
        value,
      )}`,
    );
  return duration;
}

function readSchedule(config: Config): SchedulerServiceTaskScheduleDefinition {
  const key = `${KEY}.schedule`;
  const given = config.getOptionalConfig(key);
  if (!given) return DEFAULT_SCHEDULE;
  // Unset fields keep their defaults; the scheduler's own reader checks what is given.
  const merged = new ConfigReader(
    {
      frequency: given.getOptional('frequency') ?? SCHEDULE_DEFAULTS.frequency,
      timeout: given.getOptional('timeout') ?? SCHEDULE_DEFAULTS.timeout,
      initialDelay:
        given.getOptional('initialDelay') ?? SCHEDULE_DEFAULTS.initialDelay,
    },
    key,
  );
  try {
    const schedule =
      readSchedulerServiceTaskScheduleDefinitionFromConfig(merged);
    // Once across replicas, whatever the config says.
    return { ...schedule, scope: 'global' };
  } catch (error) {
    throw new InputError(`Invalid ${key}: ${(error as Error).message}`);
  }
}
