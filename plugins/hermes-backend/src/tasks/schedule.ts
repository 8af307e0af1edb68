import { InputError } from '@backstage/errors';
import { CronExpression, CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';

/** A schedule as written, what it means as cron, in words, and when it next runs. */
export interface ParsedSchedule {
  /** As written (trimmed). */
  text: string;
  /** Standard five-field cron: minute hour day-of-month month day-of-week. */
  cron: string;
  /** The cron expression in words, with the zone appended when it is not UTC. */
  description: string;
  /** IANA time zone the cron expression is read in. */
  timezone: string;
}

/** What run times are computed from. */
export type ScheduleTimes = Pick<ParsedSchedule, 'cron' | 'timezone'>;

const MAX_LENGTH = 200;
const MAX_COUNT = 1000;

const CRON_FORMS = ['0 */6 * * *', '@daily'];
const INTERVAL_FORMS = ['every 6h', 'every 30 minutes', 'every 2 days'];
const PHRASE_FORMS = [
  'hourly',
  'daily at 09:00',
  'every day at 9am',
  'weekdays at 8am',
  'weekends at 10:30',
  'every monday 07:30',
  'mondays and thursdays at 18:00',
  'monthly on the 1st at 06:00',
  'at 14:15 every day',
];

/** Examples of every accepted form (each one parses: the tests prove it). */
export const ACCEPTED_SCHEDULE_FORMS: string[] = [
  ...CRON_FORMS,
  ...INTERVAL_FORMS,
  ...PHRASE_FORMS,
];

const quoted = (items: string[]) => items.map(i => `"${i}"`).join(', ');
const FORMS_HINT =
  `Use a cron expression (${quoted(CRON_FORMS)}), ` +
  `an interval (${quoted(INTERVAL_FORMS)}) ` +
  `or a phrase (${quoted(PHRASE_FORMS)}).`;
const TIME_HINT = 'write 09:00, 9am, 9:30pm, noon or midnight';

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};
const FIELD_NAMES = 'minute hour day-of-month month day-of-week'.split(' ');

/** Day names (Sunday is 0), with plurals of the full names: "mondays". */
const DAYS: Record<string, number> = {};
'sun sunday|mon monday|tue tues tuesday|wed weds wednesday|thu thur thurs thursday|fri friday|sat saturday'
  .split('|')
  .forEach((names, day) => {
    for (const name of names.split(' ')) {
      DAYS[name] = day;
      if (name.length > 4) DAYS[`${name}s`] = day;
    }
  });

type Unit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month';
const UNITS: Record<string, Unit> = {};
Object.entries({
  second: 's sec secs second seconds',
  minute: 'm min mins minute minutes',
  hour: 'h hr hrs hour hours',
  day: 'd day days',
  week: 'w wk week weeks',
  month: 'mo month months',
}).forEach(([unit, words]) => {
  for (const word of words.split(' ')) UNITS[word] = unit as Unit;
});

/** Why this schedule cannot be read; an empty reason means "not a form we know". */
class ScheduleProblem extends Error {}
function fail(reason = ''): never {
  throw new ScheduleProblem(reason);
}

/**
 * Reads a cron expression, an interval or a plain phrase, in a time zone. Deterministic: no
 * model, no guessing. Throws InputError naming what could not be read.
 */
export function parseSchedule(text: string, timezone = 'UTC'): ParsedSchedule {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InputError(`A schedule is required. ${FORMS_HINT}`);
  }
  // Refused before any pattern sees it.
  if (text.length > MAX_LENGTH) {
    throw new InputError(
      `A schedule is at most ${MAX_LENGTH} characters; this one has ${text.length}.`,
    );
  }
  const zone = checkTimezone(timezone);
  const written = text.trim();
  let reading: Reading;
  try {
    reading = readSchedule(written.toLowerCase());
  } catch (e) {
    if (!(e instanceof ScheduleProblem)) throw e;
    throw new InputError(
      e.message
        ? `Cannot read the schedule "${written}": ${e.message}`
        : `Cannot read the schedule "${written}". ${FORMS_HINT}`,
    );
  }
  const where = zone.isUtc ? '' : ` (${zone.name})`;
  return {
    text: written,
    cron: reading.cron,
    description: describe(reading.cron) + (reading.note ?? '') + where,
    timezone: zone.name,
  };
}

/** The next `count` run times strictly after `after`. */
export function nextRuns(
  schedule: ScheduleTimes,
  count: number,
  after: Date,
): Date[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
    throw new InputError(
      `The number of run times must be a whole number from 0 to ${MAX_COUNT}, not ${count}.`,
    );
  }
  return expression(schedule, after)
    .take(count)
    .map(d => d.toDate());
}

/** The next run time strictly after `after`. */
export function nextRun(schedule: ScheduleTimes, after: Date): Date {
  return expression(schedule, after).next().toDate();
}

/**
 * Due times strictly after `from` up to and including `to` (capped at `limit`), for missed-run
 * detection. Earliest first; ask for `limit + 1` to learn whether more were missed.
 */
export function dueTimesBetween(
  schedule: ScheduleTimes,
  from: Date,
  to: Date,
  limit: number,
): Date[] {
  const due: Date[] = [];
  if (!(limit > 0) || to.getTime() <= from.getTime()) return due;
  const times = expression(schedule, from);
  while (due.length < limit) {
    const next = times.next().toDate();
    if (next.getTime() > to.getTime()) break;
    due.push(next);
  }
  return due;
}

function expression(schedule: ScheduleTimes, after: Date): CronExpression {
  if (!(after instanceof Date) || Number.isNaN(after.getTime())) {
    throw new InputError('Run times need a valid start date.');
  }
  const tz = checkTimezone(schedule.timezone).name;
  try {
    return CronExpressionParser.parse(schedule.cron, {
      tz,
      currentDate: after,
    });
  } catch (e) {
    throw new InputError(
      `Invalid cron expression "${schedule.cron}": ${(e as Error).message}`,
    );
  }
}

function checkTimezone(timezone: string): { name: string; isUtc: boolean } {
  const given = typeof timezone === 'string' ? timezone.trim() : '';
  const refuse = (why = '') =>
    new InputError(
      `Unknown time zone "${String(timezone).slice(0, 64)}"${why}: use an ` +
        `IANA zone name such as "UTC", "Europe/Berlin" or "America/New_York".`,
    );
  if (!given || given.length > 64) throw refuse();
  // Intl takes "+01:00" too, but a fixed offset would silently ignore daylight saving time.
  if (/^[+-]/.test(given)) throw refuse(' (a fixed offset, not a zone)');
  let resolved: string;
  try {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: given });
    resolved = format.resolvedOptions().timeZone;
  } catch {
    throw refuse();
  }
  // Fix the case ("europe/berlin"), but keep a valid alias as written (Intl turns "EST" into
  // "America/Panama").
  const same = resolved.toLowerCase() === given.toLowerCase();
  return { name: same ? resolved : given, isUtc: resolved === 'UTC' };
}

function describe(cron: string): string {
  const options = { use24HourTimeFormat: true, verbose: false };
  try {
    return cronstrue.toString(cron, options);
  } catch {
    // cronstrue refuses a few forms cron-parser takes (day-of-week 7): describe the canonical one.
    const canonical = CronExpressionParser.parse(cron).stringify();
    return cronstrue.toString(canonical, options);
  }
}

interface Reading {
  cron: string;
  /** Appended to the description where cron means something people may not assume. */
  note?: string;
}

function readSchedule(lower: string): Reading {
  const words = lower.split(/\s+/).filter(Boolean);
  if (words[0].startsWith('@')) {
    if (words.length === 1 && MACROS[words[0]]) {
      return { cron: MACROS[words[0]] };
    }
    const macros = Object.keys(MACROS).join(', ');
    return fail(`the cron macros are ${macros}.`);
  }
  if (looksLikeCron(words)) return { cron: readCron(words) };
  if (words[0] === 'every') {
    const interval = readInterval(words.slice(1));
    if (interval) return interval;
  }
  return readPhrase(lower);
}

// Minute and hour fields hold no letters but H (refused below, by name); names (MON, JAN), L, W
// and # appear only in later fields.
const MINUTE_OR_HOUR = /^[0-9*?h][0-9*?h()/,-]*$/;
const CRON_FIELD = /^[0-9a-z*?/,#()-]+$/;

function looksLikeCron(words: string[]): boolean {
  return (
    words.length >= 3 &&
    MINUTE_OR_HOUR.test(words[0]) &&
    MINUTE_OR_HOUR.test(words[1]) &&
    words.every(w => CRON_FIELD.test(w))
  );
}

function readCron(words: string[]): string {
  const n = words.length;
  if (n === 6 || n === 7) {
    // Six fields may be seconds first (Quartz, node-cron) or a year last (AWS); seven are both.
    const yearLast = n === 7 || /^\d{4}\b/.test(words[5]);
    const secondsFirst = n === 7 || !yearLast;
    const extra = [secondsFirst && 'seconds', yearLast && 'a year']
      .filter(Boolean)
      .join(' and ');
    const five = words.slice(secondsFirst ? 1 : 0, secondsFirst ? 6 : 5);
    return fail(
      `it has ${n} fields, with ${extra}. Hermes runs tasks at most once a minute on the 5 ` +
        `fields minute hour day-of-month month day-of-week: write "${five.join(
          ' ',
        )}".`,
    );
  }
  if (n !== 5) {
    return fail(
      `a cron expression has 5 fields (${FIELD_NAMES.join(
        ' ',
      )}); this has ${n}.`,
    );
  }
  const fields = words.map(w => w.toUpperCase());
  fields.forEach((field, i) => {
    const name = `the ${FIELD_NAMES[i]} field "${field}"`;
    // H asks for a hashed, seed-dependent value that a person cannot read back.
    if (/\bH\b/.test(field)) fail(`${name} uses "H"; give a number.`);
    // Each field alone, so the message says which one is wrong.
    const alone = ['*', '*', '*', '*', '*'];
    alone[i] = field;
    try {
      CronExpressionParser.parse(alone.join(' '));
    } catch (e) {
      fail(`${name} is invalid (${(e as Error).message}).`);
    }
  });
  const cron = fields.join(' ');
  try {
    CronExpressionParser.parse(cron).next();
  } catch (e) {
    fail(`${(e as Error).message}.`);
  }
  return cron;
}

const DIVIDES_HOUR = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const DIVIDES_DAY = [1, 2, 3, 4, 6, 8, 12];
const DIVIDES_YEAR = [1, 2, 3, 4, 6, 12];
const DAY = 1440;
const COUNT = /^\d{1,6}$/;
const COUNT_AND_UNIT = /^(\d{1,6})([a-z]{1,7})$/;

/** "every 6h", "every 6 hours", "every minute"; undefined when the words are not an interval. */
function readInterval(rest: string[]): Reading | undefined {
  let count = 1;
  let unit: Unit | undefined;
  const compact = rest.length === 1 ? COUNT_AND_UNIT.exec(rest[0]) : null;
  if (rest.length === 1 && rest[0].length > 2) {
    unit = UNITS[rest[0]]; // "every hour", not "every h"
  }
  if (compact) {
    count = Number(compact[1]);
    unit = UNITS[compact[2]];
  } else if (rest.length === 2 && COUNT.test(rest[0])) {
    count = Number(rest[0]);
    unit = UNITS[rest[1]];
  }
  if (!unit) return undefined;
  if (count < 1 || unit === 'second') {
    return fail(
      'an interval must be at least 1 minute: tasks run at most once a minute.',
    );
  }
  if (unit === 'minute') return everyMinutes(count);
  if (unit === 'hour') return everyMinutes(count * 60);
  if (unit === 'day') return everyMinutes(count * DAY);
  if (unit === 'week') {
    if (count === 1) return { cron: MACROS['@weekly'] };
    return fail(
      'cron cannot count weeks. Use a weekday ("every monday 07:30") or a cron expression.',
    );
  }
  if (!DIVIDES_YEAR.includes(count)) {
    return fail(
      `cron repeats months only in steps that divide a year (${DIVIDES_YEAR.join(
        ', ',
      )}).`,
    );
  }
  if (count === 12) return { cron: MACROS['@yearly'] };
  return { cron: count === 1 ? '0 0 1 * *' : `0 0 1 */${count} *` };
}

/*
 * Cron counts from the start of the hour, day or month, so "*\/7" minutes runs at :56 and again
 * at :00. Minute and hour intervals that do not divide their parent unit are refused, naming the
 * nearest that do: whoever writes "every 7 minutes" expects even spacing, and a schedule that
 * quietly runs unevenly is a surprise Hermes must not spring. A cron expression remains for
 * whoever wants the uneven runs. Days differ: no count above one divides every month, yet "every
 * 2 days" is what people ask for, so day intervals are accepted and the description says the
 * count restarts each month.
 */
function everyMinutes(minutes: number): Reading {
  if (minutes < 60 && DIVIDES_HOUR.includes(minutes)) {
    return { cron: minutes === 1 ? '* * * * *' : `*/${minutes} * * * *` };
  }
  const hours = minutes / 60;
  if (DIVIDES_DAY.includes(hours)) {
    return { cron: hours === 1 ? '0 * * * *' : `0 */${hours} * * *` };
  }
  const days = minutes / DAY;
  if (days === 1) return { cron: '0 0 * * *' };
  if (Number.isInteger(days) && days <= 31) {
    const note = ' (the count restarts on day 1 of each month)';
    return { cron: `0 0 */${days} * *`, note };
  }
  if (days > 31) {
    return fail(
      `cron cannot repeat every ${inWords(
        minutes,
      )}; the longest day interval is 31 days. ` +
        'Use a phrase such as "monthly on the 1st at 06:00" or a cron expression.',
    );
  }
  const exact = [
    ...DIVIDES_HOUR,
    ...DIVIDES_DAY.map(h => h * 60),
    ...Array.from({ length: 31 }, (_, i) => (i + 1) * DAY),
  ];
  const below = exact.filter(m => m < minutes).pop()!;
  const above = exact.find(m => m > minutes)!;
  let cronHint = '';
  if (minutes < 60) {
    cronHint = `, or the cron expression "*/${minutes} * * * *" if restarting at each full hour is what you want`;
  } else if (Number.isInteger(hours) && hours < 24) {
    cronHint = `, or the cron expression "0 */${hours} * * *" if restarting at midnight is what you want`;
  }
  return fail(
    `cron cannot run exactly every ${inWords(
      minutes,
    )}, because that does not divide ` +
      `${minutes < 60 ? 'an hour' : 'a day'} evenly. ` +
      `Use "every ${inWords(below)}" or "every ${inWords(above)}"${cronHint}.`,
  );
}

function inWords(minutes: number): string {
  let [n, unit] = [minutes, 'minute'];
  if (minutes % DAY === 0) [n, unit] = [minutes / DAY, 'day'];
  else if (minutes % 60 === 0) [n, unit] = [minutes / 60, 'hour'];
  return n === 1 ? unit : `${n} ${unit}s`;
}

/** A cursor over the words of a phrase. */
class Words {
  i = 0;
  constructor(readonly list: string[]) {}
  peek(offset = 0): string {
    return this.list[this.i + offset] ?? '';
  }
  accept(...options: string[]): boolean {
    const found = this.i < this.list.length && options.includes(this.peek());
    if (found) this.i++;
    return found;
  }
}

type Time = { hour: number; minute: number };
type Days = { dom?: string; dow?: string; hourly?: boolean };

/**
 * Phrases: [at TIME] DAYS [[at] TIME], where DAYS is daily, every day, weekdays, weekends, a list
 * of days ("mondays and thursdays"), weekly [on DAYS], monthly [on the 1st] or hourly.
 */
function readPhrase(lower: string): Reading {
  const w = new Words(lower.replace(/,/g, ' , ').split(/\s+/).filter(Boolean));
  let time: Time | undefined;
  if (w.accept('at') || isTimeLike(w)) time = readTime(w);
  const days = readDays(w);
  if (!time && (w.accept('at') || isTimeLike(w))) time = readTime(w);
  if (w.i < w.list.length || (!days && !time)) return fail();
  if (days?.hourly) {
    if (!time) return { cron: '0 * * * *' };
    return fail(
      'an hourly schedule runs at the start of each hour and takes no time of day; ' +
        'for another minute use a cron expression such as "15 * * * *".',
    );
  }
  const dom = days?.dom ?? '*';
  const dow = days?.dow ?? '*';
  return {
    cron: `${time?.minute ?? 0} ${time?.hour ?? 0} ${dom} * ${dow}`,
    note: Number(dom) > 28 ? ' (months without that day are skipped)' : '',
  };
}

function readDays(w: Words): Days | undefined {
  if (w.accept('hourly')) return { hourly: true };
  if (w.accept('daily')) return {};
  if (w.accept('weekly')) return { dow: readWeekday(w) };
  if (w.accept('monthly')) return { dom: readMonthDay(w) };
  const every = w.accept('every');
  const lead = every || w.accept('on');
  if (every) {
    if (w.accept('day')) return {};
    if (w.accept('hour')) return { hourly: true };
    if (w.accept('week')) return { dow: readWeekday(w) };
    if (w.accept('month')) return { dom: readMonthDay(w) };
  }
  if (w.accept('weekdays', 'weekday')) return { dow: '1-5' };
  if (w.accept('weekends', 'weekend')) return { dow: '6,0' };
  const dow = readDayList(w);
  if (!dow && lead) fail(); // "every" or "on" followed by no days
  return dow ? { dow } : undefined;
}

/** After "weekly": Sunday as in @weekly, or "on" and days. */
function readWeekday(w: Words): string {
  if (!w.accept('on')) return '0';
  return readDayList(w) ?? fail();
}

/** "monday", "mondays and thursdays", "mon, wed, fri" → "1,3,5"; Monday first, as people list them. */
function readDayList(w: Words): string | undefined {
  const days = new Set<number>();
  for (;;) {
    const start = w.i;
    if (days.size > 0) while (w.accept(',', 'and'));
    const day = DAYS[w.peek()];
    if (day === undefined) {
      w.i = start;
      break;
    }
    days.add(day);
    w.i++;
  }
  if (days.size === 0) return undefined;
  return [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).join(',');
}

const DAY_OF_MONTH = /^(\d{1,2})(st|nd|rd|th)?$/;

function readMonthDay(w: Words): string {
  if (!w.accept('on')) return '1';
  w.accept('the');
  w.accept('day');
  const word = w.list[w.i++] ?? '';
  const day = Number(DAY_OF_MONTH.exec(word)?.[1] ?? 0);
  if (day < 1 || day > 31) {
    fail(`"${word}" is not a day of the month; write 1st to 31st.`);
  }
  return String(day);
}

const TIME = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/;

/** Whether the next words are a time of day: "09:00", "9am", "9 am", "noon", "midnight". */
function isTimeLike(w: Words): boolean {
  if (['noon', 'midnight'].includes(w.peek())) return true;
  const match = TIME.exec(w.peek());
  return Boolean(
    match?.[2] || match?.[3] || (match && /^[ap]m$/.test(w.peek(1))),
  );
}

function readTime(w: Words): Time {
  const word = w.list[w.i++];
  if (word === undefined)
    return fail(`the time of day is missing; ${TIME_HINT}.`);
  if (word === 'noon') return { hour: 12, minute: 0 };
  if (word === 'midnight') return { hour: 0, minute: 0 };
  const match = TIME.exec(word);
  if (!match) return fail(`"${word}" is not a time of day; ${TIME_HINT}.`);
  let half = match[3] ?? '';
  if (!half && /^[ap]m$/.test(w.peek())) half = w.list[w.i++];
  const shown = match[3] || !half ? word : `${word} ${half}`;
  const bad = `"${shown}" is not a time of day:`;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  if (minute > 59) fail(`${bad} minutes go from 00 to 59.`);
  if (half) {
    if (hour < 1 || hour > 12) {
      fail(`${bad} with am or pm the hour goes from 1 to 12.`);
    }
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    fail(`${bad} hours go from 00 to 23.`);
  } else if (match[2] === undefined) {
    const hh = String(hour).padStart(2, '0');
    fail(`"${word}" is ambiguous; write ${hh}:00, ${hour}am or ${hour}pm.`);
  }
  return { hour, minute };
}
