import { InputError } from '@backstage/errors';
import {
  ACCEPTED_SCHEDULE_FORMS,
  dueTimesBetween,
  nextRun,
  nextRuns,
  parseSchedule,
} from './schedule';

const iso = (dates: Date[]) => dates.map(d => d.toISOString());
const at = (s: string) => new Date(s);

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('parseSchedule', () => {
  it.each([
    // cron expressions and macros
    ['0 */6 * * *', '0 */6 * * *', 'On the hour, every 6 hours'],
    ['0 9 * * mon-fri', '0 9 * * MON-FRI', 'At 09:00, Monday through Friday'],
    ['0 0 * * 7', '0 0 * * 7', 'At 00:00, only on Sunday'],
    ['@hourly', '0 * * * *', 'Every hour'],
    ['@daily', '0 0 * * *', 'At 00:00'],
    ['@weekly', '0 0 * * 0', 'At 00:00, only on Sunday'],
    ['@monthly', '0 0 1 * *', 'At 00:00, on day 1 of the month'],
    // intervals
    ['every 6h', '0 */6 * * *', 'On the hour, every 6 hours'],
    ['every 6 hours', '0 */6 * * *', 'On the hour, every 6 hours'],
    ['every 30 minutes', '*/30 * * * *', 'Every 30 minutes'],
    ['every 30m', '*/30 * * * *', 'Every 30 minutes'],
    ['every 1m', '* * * * *', 'Every minute'],
    ['every minute', '* * * * *', 'Every minute'],
    ['every hour', '0 * * * *', 'Every hour'],
    ['every 120 minutes', '0 */2 * * *', 'On the hour, every 2 hours'],
    ['every 24 hours', '0 0 * * *', 'At 00:00'],
    ['every day', '0 0 * * *', 'At 00:00'],
    [
      'every 2 days',
      '0 0 */2 * *',
      'At 00:00, every 2 days in a month (the count restarts on day 1 of each month)',
    ],
    [
      'every 12 months',
      '0 0 1 1 *',
      'At 00:00, on day 1 of the month, only in January',
    ],
    [
      'every 3 months',
      '0 0 1 */3 *',
      'At 00:00, on day 1 of the month, every 3 months',
    ],
    // phrases
    ['hourly', '0 * * * *', 'Every hour'],
    ['daily', '0 0 * * *', 'At 00:00'],
    ['weekly', '0 0 * * 0', 'At 00:00, only on Sunday'],
    ['monthly', '0 0 1 * *', 'At 00:00, on day 1 of the month'],
    ['daily at 09:00', '0 9 * * *', 'At 09:00'],
    ['every day at 9am', '0 9 * * *', 'At 09:00'],
    ['daily at midnight', '0 0 * * *', 'At 00:00'],
    ['daily at 12am', '0 0 * * *', 'At 00:00'],
    ['daily at 12pm', '0 12 * * *', 'At 12:00'],
    ['weekdays at 8am', '0 8 * * 1-5', 'At 08:00, Monday through Friday'],
    ['every weekday at 8:00', '0 8 * * 1-5', 'At 08:00, Monday through Friday'],
    ['at noon on weekdays', '0 12 * * 1-5', 'At 12:00, Monday through Friday'],
    [
      'weekends at 10:30',
      '30 10 * * 6,0',
      'At 10:30, only on Sunday and Saturday',
    ],
    ['every monday 07:30', '30 7 * * 1', 'At 07:30, only on Monday'],
    ['every monday at 7:30am', '30 7 * * 1', 'At 07:30, only on Monday'],
    ['on sundays at 9:00', '0 9 * * 0', 'At 09:00, only on Sunday'],
    [
      'mondays and thursdays at 18:00',
      '0 18 * * 1,4',
      'At 18:00, only on Monday and Thursday',
    ],
    [
      'fri, wed and mon at 9:30pm',
      '30 21 * * 1,3,5',
      'At 21:30, only on Monday, Wednesday, and Friday',
    ],
    ['weekly on friday at 5 pm', '0 17 * * 5', 'At 17:00, only on Friday'],
    [
      'monthly on the 1st at 06:00',
      '0 6 1 * *',
      'At 06:00, on day 1 of the month',
    ],
    [
      'monthly on the 31st',
      '0 0 31 * *',
      'At 00:00, on day 31 of the month (months without that day are skipped)',
    ],
    ['at 14:15 every day', '15 14 * * *', 'At 14:15'],
    ['9 am daily', '0 9 * * *', 'At 09:00'],
  ])('reads "%s" as cron "%s" (%s)', (text, cron, description) => {
    expect(parseSchedule(text)).toEqual({
      text,
      cron,
      description,
      timezone: 'UTC',
    });
  });

  it.each(ACCEPTED_SCHEDULE_FORMS)('accepts the advertised form "%s"', form => {
    expect(parseSchedule(form).cron.split(' ')).toHaveLength(5);
  });

  it.each([
    ['  Every   6H  ', '0 */6 * * *'],
    ['WEEKDAYS AT 8AM', '0 8 * * 1-5'],
    ['Mondays  And  Thursdays at 6:00 PM', '0 18 * * 1,4'],
    ['  0   */6 *  * * ', '0 */6 * * *'],
  ])('ignores case and extra spaces in "%s"', (text, cron) => {
    const parsed = parseSchedule(text);
    expect(parsed.cron).toBe(cron);
    expect(parsed.text).toBe(text.trim());
  });

  it('reads the schedule in the given zone, normalises its name and says so in words', () => {
    expect(parseSchedule('daily at 09:00', 'europe/berlin')).toEqual({
      text: 'daily at 09:00',
      cron: '0 9 * * *',
      description: 'At 09:00 (Europe/Berlin)',
      timezone: 'Europe/Berlin',
    });
    expect(parseSchedule('daily at 09:00', 'utc').description).toBe('At 09:00');
  });
});

describe('parseSchedule refusals', () => {
  it('names an unreadable phrase and lists every accepted form', () => {
    const error = errorOf(() => parseSchedule('every blue moon'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'Cannot read the schedule "every blue moon". Use a cron expression ("0 */6 * * *", ' +
        '"@daily"), an interval ("every 6h", "every 30 minutes", "every 2 days") or a phrase ' +
        '("hourly", "daily at 09:00", "every day at 9am", "weekdays at 8am", "weekends at 10:30", ' +
        '"every monday 07:30", "mondays and thursdays at 18:00", "monthly on the 1st at 06:00", ' +
        '"at 14:15 every day").',
    );
  });

  it.each([
    'whenever',
    'every 1.5 hours',
    'fortnightly',
    'tuesdays whenever',
    '30 minutes',
  ])('refuses "%s", naming it and listing the forms', text => {
    const error = errorOf(() => parseSchedule(text));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`Cannot read the schedule "${text}"`);
    for (const form of ACCEPTED_SCHEDULE_FORMS) {
      expect(error.message).toContain(`"${form}"`);
    }
  });

  it.each([
    ['daily at 25:00', '"25:00" is not a time of day: hours go from 00 to 23.'],
    [
      'weekdays at 9:75',
      '"9:75" is not a time of day: minutes go from 00 to 59.',
    ],
    [
      'every monday at 13pm',
      '"13pm" is not a time of day: with am or pm the hour goes from 1 to 12.',
    ],
    ['daily at 9', '"9" is ambiguous; write 09:00, 9am or 9pm.'],
    [
      'daily at teatime',
      '"teatime" is not a time of day; write 09:00, 9am, 9:30pm, noon or midnight.',
    ],
    [
      'every monday at',
      'the time of day is missing; write 09:00, 9am, 9:30pm, noon or midnight.',
    ],
    [
      'monthly on the 32nd',
      '"32nd" is not a day of the month; write 1st to 31st.',
    ],
    ['hourly at 09:00', 'an hourly schedule runs at the start of each hour'],
  ])('names the bad time or day in "%s"', (text, problem) => {
    const error = errorOf(() => parseSchedule(text));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `Cannot read the schedule "${text}": ${problem}`,
    );
  });

  it.each([
    ['61 * * * *', 'the minute field "61" is invalid'],
    ['0 25 * * *', 'the hour field "25" is invalid'],
    ['0 0 0 * *', 'the day-of-month field "0" is invalid'],
    ['0 0 * 13 *', 'the month field "13" is invalid'],
    ['0 0 * * 8', 'the day-of-week field "8" is invalid'],
    ['*/0 * * * *', 'the minute field "*/0" is invalid'],
    ['H * * * *', 'the minute field "H" uses "H"; give a number.'],
    [
      '0 0 * * H(1-5)',
      'the day-of-week field "H(1-5)" uses "H"; give a number.',
    ],
    ['0 0 31 2 *', 'Invalid explicit day of month definition'],
    [
      '0 */6 * *',
      'a cron expression has 5 fields (minute hour day-of-month month day-of-week); this has 4.',
    ],
    [
      '@reboot',
      'the cron macros are @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually',
    ],
  ])('names the invalid part of the cron expression "%s"', (text, problem) => {
    const error = errorOf(() => parseSchedule(text));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      `Cannot read the schedule "${text}": ${problem}`,
    );
  });

  it.each([
    [
      '0 0 */6 * * *',
      'it has 6 fields, with seconds. Hermes runs tasks at most once a minute on the 5 fields ' +
        'minute hour day-of-month month day-of-week: write "0 */6 * * *".',
    ],
    [
      '0 9 1 1 * 2027',
      'it has 6 fields, with a year. Hermes runs tasks at most once a minute on the 5 fields ' +
        'minute hour day-of-month month day-of-week: write "0 9 1 1 *".',
    ],
    [
      '0 0 12 * * ? 2027',
      'it has 7 fields, with seconds and a year. Hermes runs tasks at most once a minute on ' +
        'the 5 fields minute hour day-of-month month day-of-week: write "0 12 * * ?".',
    ],
  ])(
    'refuses the cron expression "%s" with seconds or a year, saying which 5 fields to write',
    (text, problem) => {
      expect(errorOf(() => parseSchedule(text)).message).toBe(
        `Cannot read the schedule "${text}": ${problem}`,
      );
    },
  );

  it.each([
    [
      'every 7 minutes',
      'cron cannot run exactly every 7 minutes, because that does not divide an hour evenly. ' +
        'Use "every 6 minutes" or "every 10 minutes", or the cron expression "*/7 * * * *" if ' +
        'restarting at each full hour is what you want.',
    ],
    [
      'every 5 hours',
      'cron cannot run exactly every 5 hours, because that does not divide a day evenly. ' +
        'Use "every 4 hours" or "every 6 hours", or the cron expression "0 */5 * * *" if ' +
        'restarting at midnight is what you want.',
    ],
    [
      'every 90 minutes',
      'cron cannot run exactly every 90 minutes, because that does not divide a day evenly. ' +
        'Use "every hour" or "every 2 hours".',
    ],
    ['every 36h', 'Use "every day" or "every 2 days".'],
    ['every 0 minutes', 'an interval must be at least 1 minute'],
    ['every 30 seconds', 'an interval must be at least 1 minute'],
    ['every 2 weeks', 'cron cannot count weeks.'],
    ['every 40 days', 'the longest day interval is 31 days.'],
    ['every 5 months', 'cron repeats months only in steps that divide a year'],
  ])(
    'refuses the inexact interval "%s", saying why cron cannot keep it',
    (text, problem) => {
      const error = errorOf(() => parseSchedule(text));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(problem);
      expect(error.message).toContain(`"${text}"`);
    },
  );

  it.each([
    ['Mars/Olympus', 'Unknown time zone "Mars/Olympus": use an IANA zone name'],
    ['', 'Unknown time zone "": use an IANA zone name'],
    ['+01:00', 'Unknown time zone "+01:00" (a fixed offset, not a zone)'],
  ])('refuses the time zone "%s", naming it', (zone, problem) => {
    const error = errorOf(() => parseSchedule('daily at 09:00', zone));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(problem);
  });

  it('refuses an empty schedule with the accepted forms', () => {
    expect(errorOf(() => parseSchedule('   ')).message).toMatch(
      /^A schedule is required\. Use a cron expression/,
    );
  });

  it('refuses schedules longer than 200 characters without reading them', () => {
    const error = errorOf(() => parseSchedule(`every ${'6'.repeat(300)}h`));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'A schedule is at most 200 characters; this one has 307.',
    );
  });

  it('answers hostile 200-character input quickly', () => {
    const hostile = [
      `every ${'9'.repeat(194)}`,
      '0 '.repeat(100),
      ':'.repeat(200),
      `${'mondays and '.repeat(16)}x`.padEnd(200, ' '),
      `${'1,'.repeat(95)}1 * * * *`.slice(0, 200),
      `daily at ${'1'.repeat(191)}`,
      `monthly on the ${'1'.repeat(185)}`,
      `${'a'.repeat(199)}!`,
    ];
    for (const text of hostile) {
      expect(text.length).toBeLessThanOrEqual(200);
      const started = performance.now();
      let outcome: unknown = 'parsed';
      try {
        parseSchedule(text);
      } catch (e) {
        outcome = e;
      }
      expect(performance.now() - started).toBeLessThan(100);
      expect(outcome === 'parsed' || outcome instanceof InputError).toBe(true);
    }
  });
});

describe('run times', () => {
  it('gives the next three runs in UTC, strictly after a due time', () => {
    const every6h = parseSchedule('every 6h');
    expect(iso(nextRuns(every6h, 3, at('2026-03-27T12:00:00Z')))).toEqual([
      '2026-03-27T18:00:00.000Z',
      '2026-03-28T00:00:00.000Z',
      '2026-03-28T06:00:00.000Z',
    ]);
    expect(nextRun(every6h, at('2026-03-27T11:59:59Z')).toISOString()).toBe(
      '2026-03-27T12:00:00.000Z',
    );
  });

  it('skips the weekend for "weekdays at 8am" (Friday noon → Monday, Tuesday, Wednesday)', () => {
    expect(
      iso(
        nextRuns(
          parseSchedule('weekdays at 8am'),
          3,
          at('2026-03-27T12:00:00Z'),
        ),
      ),
    ).toEqual([
      '2026-03-30T08:00:00.000Z',
      '2026-03-31T08:00:00.000Z',
      '2026-04-01T08:00:00.000Z',
    ]);
  });

  it.each([
    [
      'keeps 09:00 local time across the March change (CET → CEST)',
      'daily at 09:00',
      '2026-03-27T12:00:00Z',
      [
        '2026-03-28T08:00:00.000Z',
        '2026-03-29T07:00:00.000Z',
        '2026-03-30T07:00:00.000Z',
      ],
    ],
    [
      'runs "every 6h" at local 00, 06, 12, 18, so the night of the change has a 5-hour gap',
      'every 6h',
      '2026-03-28T20:00:00Z',
      [
        '2026-03-28T23:00:00.000Z',
        '2026-03-29T04:00:00.000Z',
        '2026-03-29T10:00:00.000Z',
      ],
    ],
    [
      'moves 02:30, which does not exist on 29 March, to 03:30 CEST instead of skipping it',
      'daily at 02:30',
      '2026-03-27T12:00:00Z',
      [
        '2026-03-28T01:30:00.000Z',
        '2026-03-29T01:30:00.000Z',
        '2026-03-30T00:30:00.000Z',
      ],
    ],
    [
      'runs 02:30 once on 25 October, when it occurs twice',
      'daily at 02:30',
      '2026-10-23T12:00:00Z',
      [
        '2026-10-24T00:30:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-26T01:30:00.000Z',
      ],
    ],
  ])('in Europe/Berlin, %s', (_name, text, after, expected) => {
    const schedule = parseSchedule(text, 'Europe/Berlin');
    expect(iso(nextRuns(schedule, 3, at(after)))).toEqual(expected);
    expect(nextRun(schedule, at(after)).toISOString()).toBe(expected[0]);
  });

  it.each([-1, 1.5, 1001, NaN])(
    'refuses %s as a number of run times',
    count => {
      expect(() =>
        nextRuns(parseSchedule('hourly'), count, new Date()),
      ).toThrow(InputError);
    },
  );
});

describe('dueTimesBetween', () => {
  const every6h = parseSchedule('every 6h');

  it('finds the two runs missed by a backend down 13 hours after the 00:00 run', () => {
    expect(
      iso(
        dueTimesBetween(
          every6h,
          at('2026-03-27T00:00:00Z'),
          at('2026-03-27T13:00:00Z'),
          10,
        ),
      ),
    ).toEqual(['2026-03-27T06:00:00.000Z', '2026-03-27T12:00:00.000Z']);
  });

  it('finds the three runs missed by a backend down 13 hours from 23:30', () => {
    expect(
      iso(
        dueTimesBetween(
          every6h,
          at('2026-03-26T23:30:00Z'),
          at('2026-03-27T12:30:00Z'),
          10,
        ),
      ),
    ).toEqual([
      '2026-03-27T00:00:00.000Z',
      '2026-03-27T06:00:00.000Z',
      '2026-03-27T12:00:00.000Z',
    ]);
  });

  it('excludes the start and includes the end', () => {
    expect(
      iso(
        dueTimesBetween(
          every6h,
          at('2026-03-27T06:00:00Z'),
          at('2026-03-27T12:00:00Z'),
          10,
        ),
      ),
    ).toEqual(['2026-03-27T12:00:00.000Z']);
  });

  it('stops at the limit, earliest first, after a long outage', () => {
    const due = dueTimesBetween(
      parseSchedule('every minute'),
      at('2026-01-01T00:00:00Z'),
      at('2027-01-01T00:00:00Z'),
      3,
    );
    expect(iso(due)).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
  });

  it('finds nothing when no time passed or none was due', () => {
    const t = at('2026-03-27T07:00:00Z');
    expect(dueTimesBetween(every6h, t, t, 10)).toEqual([]);
    expect(dueTimesBetween(every6h, t, at('2026-03-27T11:59:00Z'), 10)).toEqual(
      [],
    );
    expect(dueTimesBetween(every6h, t, at('2026-03-27T12:00:00Z'), 0)).toEqual(
      [],
    );
  });
});
