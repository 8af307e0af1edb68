/*
 * The plain-phrase and interval reader behind parseSchedule (schedule.ts): "every 6h",
 * "weekdays at 8am", "monthly on the 1st at 06:00" become five-field cron.
 */

const TIME_HINT = 'write 09:00, 9am, 9:30pm, noon or midnight';

/** The cron macros; here because "every week" and "every 12 months" mean @weekly and @yearly. */
export const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

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
export class ScheduleProblem extends Error {}
export function fail(reason = ''): never {
  throw new ScheduleProblem(reason);
}

/** What a schedule reads as: the cron, and a note for the description. */
export interface Reading {
  cron: string;
  /** Appended to the description where cron means something people may not assume. */
  note?: string;
}

const DIVIDES_HOUR = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const DIVIDES_DAY = [1, 2, 3, 4, 6, 8, 12];
const DIVIDES_YEAR = [1, 2, 3, 4, 6, 12];
const DAY = 1440;
const COUNT = /^\d{1,6}$/;
const COUNT_AND_UNIT = /^(\d{1,6})([a-z]{1,7})$/;

/** "every 6h", "every 6 hours", "every minute"; undefined when the words are not an interval. */
export function readInterval(rest: string[]): Reading | undefined {
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
export function readPhrase(lower: string): Reading {
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
