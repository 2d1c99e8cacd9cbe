// When a CronJob should have run (upstream cronjob/utils.go, controller v2): the most recent
// scheduled time not yet started, how many were missed on the way, and how long to sleep until the
// next one. Pure functions of the CronJob, the schedule and "now", so they are tested with a fixed
// clock.
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { type Schedule, ScheduleError } from './schedule.js';

/** Upstream wakes a little after the scheduled time, so "now" is surely past it. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed starts than this means a clock or controller problem: warn instead of listing them. */
export const MANY_MISSED = 100;

export type Missed = 'none' | 'few' | 'many';

export interface RecentSchedule {
  /** Where the search started: the last schedule, the creation, or now - startingDeadlineSeconds. */
  readonly earliest: Date;
  /** The latest scheduled time at or before now after `earliest`, if there is one. */
  readonly mostRecent?: Date;
  readonly missed: Missed;
}

/**
 * The most recent time the CronJob should have started (upstream mostRecentScheduleTime).
 * Throws ScheduleError for a schedule whose activations are less than a second apart (e.g. a
 * date that never comes).
 */
export function mostRecentScheduleTime(cj: Readonly<CronJob>, now: Date, schedule: Schedule, includeStartingDeadline: boolean): RecentSchedule {
  let earliest = new Date(Date.parse(cj.metadata?.creationTimestamp ?? '') || 0);
  if (cj.status?.lastScheduleTime !== undefined) earliest = new Date(Date.parse(cj.status.lastScheduleTime));
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) {
    // Nothing earlier than this is started any more.
    const schedulingDeadline = new Date(now.getTime() - deadline * 1000);
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };

  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw new ScheduleError('time difference between two schedules is less than 1 second');
  // A rough count, as upstream: how many intervals like the first fit between it and now.
  const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Jump close to now instead of walking every missed time, then step to the exact last one; one
  // interval further back covers irregular schedules (e.g. "30 6-16/4 * * 1-5").
  const potentialEarliest = new Date(t1.getTime() + (missedCount - 2) * between * 1000);
  let mostRecent: Date | undefined;
  for (let t = schedule.next(potentialEarliest); t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: Missed = missedCount > MANY_MISSED ? 'many' : missedCount > 0 ? 'few' : 'none';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** The scheduled time to start now, if any (upstream nextScheduleTime), and whether too many were missed. */
export function nextScheduleTime(cj: Readonly<CronJob>, now: Date, schedule: Schedule): { scheduled?: Date; missed: Missed } {
  const recent = mostRecentScheduleTime(cj, now, schedule, true);
  if (recent.mostRecent === undefined || recent.mostRecent > now) return { missed: recent.missed };
  return { scheduled: recent.mostRecent, missed: recent.missed };
}

/** How long until the sync after the next scheduled time (upstream nextScheduleTimeDuration). */
export function nextScheduleDelayMs(cj: Readonly<CronJob>, now: Date, schedule: Schedule): number {
  let from: Date;
  try {
    const recent = mostRecentScheduleTime(cj, now, schedule, false);
    // With no recent time: count from the search start if nothing was missed, else from now.
    from = recent.mostRecent ?? (recent.missed === 'none' ? recent.earliest : now);
  } catch {
    // The schedule is broken, but a requeue must still come: aim for the next slot from now.
    from = now;
  }
  return schedule.next(from).getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime();
}

/** The Job for a scheduled time: "<cronjob>-<minutes since the epoch>", the same name on every try. */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/**
 * RFC 3339 in the zone (Go's time.Format(time.RFC3339)): "2024-03-10T09:00:00+01:00", "Z" for a
 * zero offset. For the batch.kubernetes.io/cronjob-scheduled-timestamp annotation.
 */
export function formatInZone(date: Date, zone: string | undefined): string {
  const tz = zone === undefined || zone === '' ? 'UTC' : zone === 'Local' ? undefined : zone;
  const parts = new Intl.DateTimeFormat('en-US', {
    ...(tz === undefined ? {} : { timeZone: tz }),
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '00';
  const wall = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
  const wholeSecond = Math.floor(date.getTime() / 1000) * 1000;
  const offsetMin = Math.round((Date.parse(`${wall}Z`) - wholeSecond) / 60_000);
  if (offsetMin === 0) return `${wall}Z`;
  const sign = offsetMin > 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
