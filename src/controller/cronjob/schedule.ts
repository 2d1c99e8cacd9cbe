// A CronJob's schedule as upstream reads it (robfig/cron's ParseStandard): exactly five fields
// (minute hour day-of-month month day-of-week, names allowed for months and weekdays), the
// @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly macros and @every <duration>, in the
// CronJob's time zone. The five-field form is evaluated by cron-parser; what cron-parser accepts
// beyond the standard (a seconds field, L, #, H, @minutely...) is refused, as upstream would.
import { CronExpressionParser } from 'cron-parser';

/** A parsed schedule: the first activation strictly after a time (at whole seconds, as robfig's Next). */
export interface Schedule {
  next(after: Date): Date;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** True when the IANA zone is known (time.LoadLocation's check; "" and "UTC" are UTC, "Local" the process' zone). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** cron-parser's tz for a Go zone name: undefined means the process' local zone. */
function tzOption(zone: string | undefined): string | undefined {
  if (zone === undefined || zone === 'Local') return undefined;
  return zone === '' ? 'UTC' : zone;
}

/** Splits a "TZ=Zone " or "CRON_TZ=Zone " prefix off a schedule (robfig honours it; the API refuses it on new objects). */
export function splitTimeZonePrefix(spec: string): { zone?: string; rest: string } {
  const match = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/s.exec(spec.trim());
  return match === null ? { rest: spec.trim() } : { zone: match[1], rest: (match[2] as string).trim() };
}

/** Parses a schedule in `zone` (undefined: the process' local zone, as the controller manager's). */
export function parseSchedule(spec: string, zone?: string): Schedule {
  const prefixed = splitTimeZonePrefix(spec);
  if (prefixed.zone !== undefined) {
    if (!isValidTimeZone(prefixed.zone)) throw new ScheduleError(`provided bad location ${prefixed.zone}: unknown time zone ${prefixed.zone}`);
    zone = prefixed.zone;
  }
  const text = prefixed.rest;
  if (text === '') throw new ScheduleError('empty spec string');
  if (text.startsWith('@every ')) return everySchedule(text.slice('@every '.length).trim());
  if (text.startsWith('@')) {
    const expanded = MACROS[text.toLowerCase()];
    if (expanded === undefined) throw new ScheduleError(`unrecognized descriptor: ${text}`);
    return cronSchedule(expanded, zone);
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: ${text}`);
  fields.forEach((field, i) => checkField(field, i));
  return cronSchedule(fields.join(' '), zone);
}

function checkField(field: string, position: number): void {
  const names = position === 3 ? MONTHS : position === 4 ? DAYS : [];
  if (!/^[0-9A-Za-z*?,/-]+$/.test(field)) throw new ScheduleError(`failed to parse field ${field}: unexpected characters`);
  for (const word of field.match(/[A-Za-z]+/g) ?? []) {
    if (!names.includes(word.toUpperCase())) throw new ScheduleError(`failed to parse int from ${word}: invalid syntax`);
  }
}

function cronSchedule(expression: string, zone: string | undefined): Schedule {
  const tz = tzOption(zone);
  const options = (currentDate: Date): { currentDate: Date; tz?: string } => (tz === undefined ? { currentDate } : { currentDate, tz });
  try {
    // Parse once now so a bad expression fails here, not at the first next().
    CronExpressionParser.parse(expression, options(new Date(0)));
  } catch (error) {
    throw new ScheduleError(error instanceof Error ? error.message : String(error));
  }
  return {
    next(after: Date): Date {
      try {
        return CronExpressionParser.parse(expression, options(after)).next().toDate();
      } catch (error) {
        throw new ScheduleError(error instanceof Error ? error.message : String(error));
      }
    },
  };
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (unsigned), in milliseconds. */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(text); match !== null; match = re.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) throw new ScheduleError(`failed to parse duration ${text}: time: invalid duration "${text}"`);
  return total;
}

/** robfig's ConstantDelaySchedule: whole seconds, at least one, counted from the whole second before. */
function everySchedule(text: string): Schedule {
  const ms = parseGoDuration(text);
  const delay = Math.max(1000, ms - (ms % 1000));
  return { next: (after) => new Date(Math.floor(after.getTime() / 1000) * 1000 + delay) };
}
