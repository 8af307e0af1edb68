import { InputError } from '@backstage/errors';
import { CronExpression, CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import {
  fail,
  MACROS,
  readInterval,
  readPhrase,
  Reading,
  ScheduleProblem,
} from './schedulePhrases';

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

const FIELD_NAMES = 'minute hour day-of-month month day-of-week'.split(' ');

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
