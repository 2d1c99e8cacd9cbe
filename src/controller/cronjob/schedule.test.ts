import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseSchedule, ScheduleError, splitTimeZonePrefix } from './schedule.js';
import { formatInZone, jobNameFor, mostRecentScheduleTime, nextScheduleDelayMs, nextScheduleTime } from './schedule-times.js';

const at = (iso: string): Date => new Date(iso);
const cronJob = (created: string, extra: { lastScheduleTime?: string; startingDeadlineSeconds?: number } = {}): CronJob => ({
  metadata: { name: 'cj', creationTimestamp: created },
  spec: {
    schedule: 'unused',
    jobTemplate: {},
    ...(extra.startingDeadlineSeconds === undefined ? {} : { startingDeadlineSeconds: extra.startingDeadlineSeconds }),
  },
  status: extra.lastScheduleTime === undefined ? {} : { lastScheduleTime: extra.lastScheduleTime },
});

describe('parsing schedules as robfig ParseStandard', () => {
  it('evaluates five fields strictly after the given time, in the time zone', () => {
    const every5 = parseSchedule('*/5 * * * *', 'UTC');
    expect(every5.next(at('2024-01-01T10:00:00Z'))).toEqual(at('2024-01-01T10:05:00Z'));
    expect(every5.next(at('2024-01-01T10:04:59.5Z'))).toEqual(at('2024-01-01T10:05:00Z'));
    expect(parseSchedule('0 9 * * MON-FRI', 'Europe/Paris').next(at('2024-01-06T00:00:00Z'))).toEqual(at('2024-01-08T08:00:00Z'));
    expect(parseSchedule('0 0 1 jan *', 'UTC').next(at('2024-05-01T00:00:00Z'))).toEqual(at('2025-01-01T00:00:00Z'));
  });

  it('knows the macros and @every', () => {
    const from = at('2024-01-01T10:30:00Z');
    expect(parseSchedule('@hourly', 'UTC').next(from)).toEqual(at('2024-01-01T11:00:00Z'));
    expect(parseSchedule('@daily', 'UTC').next(from)).toEqual(at('2024-01-02T00:00:00Z'));
    expect(parseSchedule('@midnight', 'UTC').next(from)).toEqual(at('2024-01-02T00:00:00Z'));
    expect(parseSchedule('@weekly', 'UTC').next(from)).toEqual(at('2024-01-07T00:00:00Z'));
    expect(parseSchedule('@monthly', 'UTC').next(from)).toEqual(at('2024-02-01T00:00:00Z'));
    expect(parseSchedule('@yearly', 'UTC').next(from)).toEqual(at('2025-01-01T00:00:00Z'));
    expect(parseSchedule('@annually', 'UTC').next(from)).toEqual(at('2025-01-01T00:00:00Z'));
    expect(parseSchedule('@every 1h30m', 'UTC').next(at('2024-01-01T10:30:00.700Z'))).toEqual(at('2024-01-01T12:00:00Z'));
    expect(parseGoDuration('1.5s')).toBe(1500);
  });

  it('refuses what the standard parser refuses', () => {
    for (const bad of ['', '* * * *', '0 * * * * *', '0 0 L * *', '0 0 * * 1#1', 'H * * * *', '@minutely', '@every 5', '* * * * FOO', '61 * * * *']) {
      expect(() => parseSchedule(bad, 'UTC'), bad).toThrow(ScheduleError);
    }
  });

  it('reads a TZ= or CRON_TZ= prefix', () => {
    expect(splitTimeZonePrefix('CRON_TZ=Asia/Tokyo 0 9 * * *')).toEqual({ zone: 'Asia/Tokyo', rest: '0 9 * * *' });
    expect(splitTimeZonePrefix('TZ=UTC @daily')).toEqual({ zone: 'UTC', rest: '@daily' });
    expect(parseSchedule('TZ=Asia/Tokyo 0 9 * * *').next(at('2024-01-01T00:30:00Z'))).toEqual(at('2024-01-02T00:00:00Z'));
    expect(() => parseSchedule('TZ=Nowhere/Else 0 9 * * *')).toThrow(/unknown time zone/);
  });
});

describe('scheduled times with a fixed clock', () => {
  const every5 = parseSchedule('*/5 * * * *', 'UTC');

  it('has nothing to start before the first slot, then the latest slot passed', () => {
    const cj = cronJob('2024-01-01T10:00:00Z');
    expect(nextScheduleTime(cj, at('2024-01-01T10:04:00Z'), every5)).toEqual({ missed: 'none' });
    expect(nextScheduleTime(cj, at('2024-01-01T10:05:00Z'), every5)).toEqual({ scheduled: at('2024-01-01T10:05:00Z'), missed: 'none' });
    expect(nextScheduleTime(cj, at('2024-01-01T10:16:30Z'), every5)).toEqual({ scheduled: at('2024-01-01T10:15:00Z'), missed: 'few' });
  });

  it('counts from the last schedule time once there is one', () => {
    const cj = cronJob('2024-01-01T00:00:00Z', { lastScheduleTime: '2024-01-01T10:15:00Z' });
    expect(nextScheduleTime(cj, at('2024-01-01T10:19:59Z'), every5)).toEqual({ missed: 'none' });
    expect(nextScheduleTime(cj, at('2024-01-01T10:20:00Z'), every5).scheduled).toEqual(at('2024-01-01T10:20:00Z'));
  });

  it('reports more than 100 missed starts as many, and still finds the latest', () => {
    const cj = cronJob('2024-01-01T00:00:00Z');
    const result = nextScheduleTime(cj, at('2024-01-02T00:02:30Z'), parseSchedule('* * * * *', 'UTC'));
    expect(result).toEqual({ scheduled: at('2024-01-02T00:02:00Z'), missed: 'many' });
  });

  it('looks back no further than startingDeadlineSeconds', () => {
    // A day of missed minutes, but only the last 200 s count: a few missed, not many.
    const cj = cronJob('2024-01-01T00:00:00Z', { startingDeadlineSeconds: 200 });
    expect(nextScheduleTime(cj, at('2024-01-02T00:02:30Z'), parseSchedule('* * * * *', 'UTC'))).toEqual({ scheduled: at('2024-01-02T00:02:00Z'), missed: 'few' });
    // A slot older than the deadline is not offered at all.
    const hourly = cronJob('2024-01-01T00:00:00Z', { lastScheduleTime: '2024-01-01T09:00:00Z', startingDeadlineSeconds: 60 });
    expect(nextScheduleTime(hourly, at('2024-01-01T10:05:00Z'), parseSchedule('@hourly', 'UTC'))).toEqual({ missed: 'none' });
  });

  it('handles irregular schedules', () => {
    const s = parseSchedule('30 6-16/4 * * 1-5', 'UTC');
    const cj = cronJob('2024-01-01T00:00:00Z');
    // Monday 2024-01-01 slots: 06:30, 10:30, 14:30; Tuesday 06:30 ...
    expect(nextScheduleTime(cj, at('2024-01-03T12:00:00Z'), s).scheduled).toEqual(at('2024-01-03T10:30:00Z'));
  });

  it('sleeps until just after the next slot', () => {
    const cj = cronJob('2024-01-01T10:00:00Z', { lastScheduleTime: '2024-01-01T10:05:00Z' });
    expect(nextScheduleDelayMs(cj, at('2024-01-01T10:07:00Z'), every5)).toBe(3 * 60_000 + 100);
    // A missed slot not started (e.g. Forbid): the next one after now.
    expect(nextScheduleDelayMs(cj, at('2024-01-01T10:11:00Z'), every5)).toBe(4 * 60_000 + 100);
    expect(nextScheduleDelayMs(cronJob('2024-01-01T10:00:00Z'), at('2024-01-01T10:01:00Z'), every5)).toBe(4 * 60_000 + 100);
  });

  it('throws for a schedule that never comes round twice a second apart', () => {
    const never = { next: (after: Date) => new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000 - 1) };
    expect(() => mostRecentScheduleTime(cronJob('2024-01-01T00:00:00Z'), at('2024-01-01T00:01:00Z'), never, false)).toThrow(/less than 1 second/);
  });
});

describe('names and annotations', () => {
  it('names the Job after the scheduled minute', () => {
    expect(jobNameFor('hello', at('2024-01-01T00:01:00Z'))).toBe(`hello-${Date.UTC(2024, 0, 1, 0, 1) / 60_000}`);
    expect(jobNameFor('hello', at('2024-01-01T00:01:59Z'))).toBe(jobNameFor('hello', at('2024-01-01T00:01:00Z')));
  });

  it('formats the scheduled time as RFC 3339 in the zone', () => {
    expect(formatInZone(at('2024-01-01T08:00:00Z'), 'Europe/Paris')).toBe('2024-01-01T09:00:00+01:00');
    expect(formatInZone(at('2024-07-01T08:00:00Z'), 'America/New_York')).toBe('2024-07-01T04:00:00-04:00');
    expect(formatInZone(at('2024-01-01T08:00:00Z'), undefined)).toBe('2024-01-01T08:00:00Z');
    expect(formatInZone(at('2024-01-01T08:00:00Z'), 'Asia/Kolkata')).toBe('2024-01-01T13:30:00+05:30');
  });
});
