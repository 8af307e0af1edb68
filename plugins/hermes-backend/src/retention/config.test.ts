import { ConfigReader } from '@backstage/config';
import { durationToMilliseconds, JsonValue } from '@backstage/types';
import {
  DEFAULT_PERIODS,
  DEFAULT_SCHEDULE,
  readRetentionConfig,
} from './config';

const read = (retention: JsonValue) =>
  readRetentionConfig(new ConfigReader({ hermes: { retention } }));

describe('readRetentionConfig', () => {
  it('keeps a year of audits and 90 days of the rest, cleaning hourly, when nothing is set', () => {
    expect(readRetentionConfig(new ConfigReader({}))).toEqual({
      periods: {
        auditRuns: { days: 365 },
        traces: { days: 90 },
        taskRuns: { days: 90 },
        deliveries: { days: 90 },
      },
      schedule: DEFAULT_SCHEDULE,
    });
    expect(DEFAULT_SCHEDULE.frequency).toEqual({ hours: 1 });
  });

  it.each([
    ['a shorthand', '30d', 30],
    ['an ISO 8601 duration', 'P2W', 14],
    ['an object', { days: 45 }, 45],
    ['words', '2 weeks', 14],
  ])('reads %s', (_, value, days) => {
    const { periods } = read({ traces: value });
    expect(durationToMilliseconds(periods.traces || {})).toBe(
      days * 86_400_000,
    );
    expect(periods.taskRuns).toEqual(DEFAULT_PERIODS.taskRuns);
  });

  it('reads false as keep forever', () => {
    expect(read({ deliveries: false }).periods.deliveries).toBe(false);
  });

  it.each([
    [
      'words that are no duration',
      { traces: 'a fortnight' },
      /Invalid duration 'a fortnight' in config at 'hermes\.retention\.traces'/,
    ],
    [
      'a bare number',
      { taskRuns: 90 },
      /hermes\.retention\.taskRuns must be a duration such as '90d', 'P90D' or \{ days: 90 \}, or false to keep forever; got 90/,
    ],
    [
      'true',
      { deliveries: true },
      /hermes\.retention\.deliveries must be a duration .* got true/,
    ],
    [
      'an unknown unit',
      { auditRuns: { dayz: 3 } },
      /Failed to read duration from config at 'hermes\.retention\.auditRuns', Error: Needs one or more of 'years'/,
    ],
    [
      'zero',
      { traces: 'P0D' },
      /hermes\.retention\.traces must be a positive duration, or false to keep forever; got "P0D"/,
    ],
    [
      'a misspelt key',
      { trace: '30d' },
      /Unknown key hermes\.retention\.trace; expected one of auditRuns, traces, taskRuns, deliveries, schedule/,
    ],
    [
      'a schedule that is no duration',
      { schedule: { frequency: 'often' } },
      /Invalid hermes\.retention\.schedule: Invalid duration 'often' in config at 'frequency'/,
    ],
  ])('refuses %s, naming the key', (_, retention, message) => {
    expect(() => read(retention)).toThrow(message);
  });

  it('takes the schedule fields given and the defaults for the rest, always once across replicas', () => {
    expect(
      read({ schedule: { frequency: { cron: '15 3 * * *' }, scope: 'local' } })
        .schedule,
    ).toEqual({
      frequency: { cron: '15 3 * * *' },
      timeout: DEFAULT_SCHEDULE.timeout,
      initialDelay: DEFAULT_SCHEDULE.initialDelay,
      scope: 'global',
    });
    expect(read({ schedule: { frequency: '30m' } }).schedule).toMatchObject({
      frequency: { minutes: 30 },
    });
  });
});
