import { DateTime } from 'luxon';
import { blocksTime, occupiedRange, type TimeRange } from './free-slots.js';
import { eventsForDisplay, type DisplayEvent } from './schedule-card.js';
import type { Collections, SyncStateDoc } from '../store/collections.js';
import { DAYS_VERSION, datesOverlapping, eventsOnDates, startDayReads, type DayReads } from '../sync/calendar-days.js';
import { matchesSubject, type DailyWindow, type Question, type SubjectFilter } from './question.js';
import type { WorkingHours } from '../graph/working-hours.js';
import { luxonZone } from './zone-offsets.js';

/**
 * Reads the stored calendar for an answer. MongoDB only: a chat answer never waits on Microsoft Graph.
 *
 * The sync engine keeps the same events in two places. calendarDays (one document per user and UTC date) is read
 * by `_id`, a few point reads per question: the only filter FerretDB 1.24 serves without decoding every one of
 * the user's events in Go (see src/sync/calendar-days.ts). The events collection is the fallback, for a user whose
 * days the engine has not filed yet at this layout (data from before calendarDays, until their next round): one
 * query on the `user_start_end` index, which MongoDB serves directly and FerretDB slowly.
 */

/** Where one user's answers come from, decided once per question from their sync state. */
export interface StoredCalendar {
  collections: Pick<Collections, 'events' | 'calendarDays'>;
  userKey: string;
  source: 'calendarDays' | 'events';
  /** The end of the synced window: no day is filed past it, so "next meeting" reads no further. */
  windowEnd?: Date | undefined;
  /** This question's reads of calendarDays, started early by prefetchDays or on demand; each date is read once. */
  dayReads: DayReads;
}

/** Days are trusted only at the layout this code reads; the engine sets daysVersion when a round leaves them exact. */
export function storedCalendar(
  collections: StoredCalendar['collections'],
  userKey: string,
  syncState: Pick<SyncStateDoc, 'daysVersion' | 'windowEnd'> | null | undefined,
  dayReads: DayReads = new Map(),
): StoredCalendar {
  return { collections, userKey, source: syncState?.daysVersion === DAYS_VERSION ? 'calendarDays' : 'events', windowEnd: syncState?.windowEnd, dayReads };
}

/**
 * Starts reading the days `question` will need in `zone` before the user's sync state has said where answers come
 * from: the turn then waits for one database round trip, not two in a row. The bot guesses the zone from the one
 * Teams reports with the message; dates the real zone does not need are a read wasted, dates it needs beyond
 * these are read when asked for. "next meeting" starts with its first chunk.
 */
export function prefetchDays(collections: StoredCalendar['collections'], userKey: string, question: Question, now: Date, zone: string): DayReads {
  const firstNext = (from: Date) => nextDateChunks(from, new Date(from.getTime() + 2 * DAY_MS))[0] ?? [];
  const dates =
    question.kind === 'next'
      ? question.within ? datesToRead(question.within.range, zone) : firstNext(question.after ?? now) // "next meeting tomorrow": that day's
      : question.kind === 'now'
        ? [...datesToRead({ start: now, end: new Date(now.getTime() + 1) }, zone), ...firstNext(now)]
        : datesToRead(question.range, zone);
  return startDayReads(collections.calendarDays, userKey, dates, new Map());
}

/**
 * All-day events are stored at midnight UTC; the user's local midnight is at most 14 hours away (UTC+14 and
 * UTC-12), so the events query widens the range by that much and eventsForDisplay makes the exact cut in the user's zone.
 */
export const ALL_DAY_SLACK_MS = 14 * 60 * 60 * 1000;

/** The EventDoc fields the cards and free-time rules read, and the people "meetings with sam" matches; nothing else crosses the wire. */
export const DISPLAY_PROJECTION = {
  _id: 0,
  subject: 1,
  start: 1,
  end: 1,
  isAllDay: 1,
  startDate: 1,
  endDate: 1,
  location: 1,
  joinUrl: 1,
  webLink: 1,
  showAs: 1,
  responseStatus: 1,
  isCancelled: 1,
  type: 1,
  people: 1,
  eventId: 1,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** How far ahead "next meeting" looks: the sync window's future end is usually well inside this. */
export const NEXT_EVENT_HORIZON_MS = 366 * DAY_MS;
/**
 * How far ahead "next standup" looks: a subject the calendar does not have would otherwise read every day of the
 * window, and a meeting first held in six months is not what "next" asks about.
 */
export const NEXT_SUBJECT_HORIZON_DAYS = 60;

/**
 * The calendarDays to read for `range` in `zone`: the UTC dates it touches (where its timed events are filed) and
 * the local dates it falls on (where its all-day events are filed). A whole local day always overlaps the UTC date
 * of its own name; a part of one need not: 08:00 in Tonga (UTC+13) is 19:00 UTC the day before.
 */
export function datesToRead(range: TimeRange, zone: string): string[] {
  const dates = new Set(datesOverlapping(range));
  const first = DateTime.fromJSDate(range.start, { zone: luxonZone(zone) });
  const last = DateTime.fromMillis(Math.max(range.end.getTime() - 1, range.start.getTime()), { zone: luxonZone(zone) });
  // Once known, local dates are plain dates: stepping through them needs no zone (and no Intl) at all.
  const end = Date.UTC(last.year, last.month - 1, last.day);
  for (let day = Date.UTC(first.year, first.month - 1, first.day); day <= end; day += DAY_MS) dates.add(new Date(day).toISOString().slice(0, 10));
  return [...dates].sort();
}

/**
 * The dates "next meeting" reads, from today (UTC) up to `until`, in chunks read one after another: the first two
 * dates nearly always hold the answer; an empty calendar costs a handful of round trips, not one per day.
 */
export function nextDateChunks(now: Date, until: Date): string[][] {
  if (until.getTime() <= now.getTime()) return [];
  const dates = datesOverlapping({ start: now, end: until });
  const chunks: string[][] = [];
  for (let at = 0, size = 2; at < dates.length; at += size, size = size === 2 ? 7 : size * 2) chunks.push(dates.slice(at, at + size));
  return chunks;
}

/**
 * A meeting "next meeting" may name: a timed event starting at or after `now` that takes the user's time
 * (Outlook's own rule, blocksTime: not cancelled, not declined, not shown as free). All-day events are days,
 * not meetings, and a declined invite is not something the user is going to.
 */
export function isUpcomingMeeting(event: DisplayEvent, now: Date): boolean {
  return !event.isAllDay && event.start.getTime() >= now.getTime() && blocksTime(event);
}

/**
 * The user's events to show for `range` in `zone`: timed events overlapping it and all-day events on its local
 * dates, without series masters, nor cancelled events unless `cancelled`, all-day first, then by start.
 */
export async function eventsBetween(calendar: StoredCalendar, range: TimeRange, zone: string, options: { cancelled?: boolean } = {}): Promise<DisplayEvent[]> {
  const { collections, userKey } = calendar;
  if (calendar.source === 'calendarDays') {
    return eventsForDisplay(await eventsOnDates(collections.calendarDays, userKey, datesToRead(range, zone), calendar.dayReads), range, zone, options);
  }
  const events = await collections.events
    .find(
      {
        userKey,
        start: { $lt: new Date(range.end.getTime() + ALL_DAY_SLACK_MS) },
        end: { $gt: new Date(range.start.getTime() - ALL_DAY_SLACK_MS) },
      },
      { projection: DISPLAY_PROJECTION, sort: { start: 1 } },
    )
    .toArray();
  return eventsForDisplay(events as unknown as DisplayEvent[], range, zone, options);
}

/**
 * Where "next meeting" stops looking: the end of the synced window (no day is filed past it), or the horizon if that
 * comes first (NEXT_SUBJECT_HORIZON_DAYS with a subject). An answer that found fewer meetings than asked says how far this was.
 */
export function nextHorizon(calendar: Pick<StoredCalendar, 'windowEnd'>, now: Date, subject?: SubjectFilter): Date {
  const horizon = new Date(now.getTime() + (subject ? NEXT_SUBJECT_HORIZON_DAYS * DAY_MS : NEXT_EVENT_HORIZON_MS));
  return calendar.windowEnd && calendar.windowEnd.getTime() < horizon.getTime() ? calendar.windowEnd : horizon;
}

/**
 * Up to `limit` meetings (isUpcomingMeeting) starting from `from` (now, or the time "next meeting after 3" names) and
 * before nextHorizon, in start order; with `subject`, only those it matches (matchesSubject: a filter in code, since
 * neither store can search subjects accent-insensitively by index), all-day events and those shown as free among
 * them (isUpcomingNamed), in the order they start for the user in `zone` (startFor).
 */
export async function nextEvents(
  calendar: StoredCalendar,
  from: Date,
  limit = 1,
  subject?: SubjectFilter,
  zone = 'UTC',
  /** cancelled: a cancelled meeting counts too ("is the offsite still on", with a subject). */
  options: { cancelled?: boolean } = {},
): Promise<DisplayEvent[]> {
  const until = nextHorizon(calendar, from, subject);
  const named = (event: DisplayEvent) => isUpcomingNamed(options.cancelled && event.isCancelled ? { ...event, isCancelled: false } : event, from, zone);
  const wanted = (event: DisplayEvent) => (subject ? named(event) && matchesSubject(subject, event) : isUpcomingMeeting(event, from));
  // An all-day event's stored start is up to ALL_DAY_SLACK_MS from where it starts for the user: read that much
  // earlier, and on until no later one can start before those found.
  const slack = subject ? ALL_DAY_SLACK_MS : 0;
  const byStart = (a: DisplayEvent, b: DisplayEvent) => startFor(a, zone).getTime() - startFor(b, zone).getTime();
  if (calendar.source === 'calendarDays') return nextEventsFromDays(calendar, from, until, limit, wanted, slack > 0, byStart);
  const cursor = calendar.collections.events.find(
    { userKey: calendar.userKey, start: { $gte: new Date(from.getTime() - slack), $lt: until } },
    // Small batches: the first few rows nearly always hold the answer; the cursor reads on only past declined ones
    // (and, with a subject, past every meeting named otherwise: larger batches then).
    { projection: DISPLAY_PROJECTION, sort: { start: 1 }, batchSize: subject ? 100 : Math.max(limit * 4, 8) },
  );
  const found: DisplayEvent[] = [];
  try {
    for await (const doc of cursor) {
      const event = doc as unknown as DisplayEvent;
      if (found.length >= limit && event.start.getTime() > startFor(found[limit - 1]!, zone).getTime() + slack) break;
      if (!wanted(event)) continue;
      found.push(event);
      found.sort(byStart);
      if (slack === 0 && found.length >= limit) break;
    }
  } finally {
    await cursor.close();
  }
  return found.slice(0, limit);
}

/** A DailyWindow in minutes of the day in `zone` (the working hours' own zone for early and late), and what it was asked as. */
export interface DailyBounds {
  from: number;
  to: number;
  zone: string;
  part?: 'morning' | 'afternoon' | 'evening';
  working?: 'before' | 'after';
}

/** `window` for a user in `zone` whose working hours are `hours`: "early" is before they start, "late" after they end. */
export function dailyBounds(window: DailyWindow, hours: WorkingHours, zone: string): DailyBounds {
  if (!('working' in window)) return { ...window, zone };
  const at = hours.zone ?? zone;
  return window.working === 'before' ? { from: 0, to: hours.startMinute, zone: at, working: 'before' } : { from: hours.endMinute, to: 24 * 60, zone: at, working: 'after' };
}

/**
 * Whether a timed event overlaps `bounds` on any day it spans ("before 9": from midnight to 09:00; a meeting from 08:30
 * to 09:30 is one). All-day events are days, not times of day: never.
 */
export function atTimeOfDay(event: DisplayEvent, bounds: DailyBounds): boolean {
  if (event.isAllDay || bounds.from >= bounds.to) return false;
  const zone = luxonZone(bounds.zone);
  const last = DateTime.fromJSDate(event.end, { zone });
  let day = DateTime.fromJSDate(event.start, { zone }).startOf('day');
  // Wall-clock times, not minutes after midnight: on a day the clocks change, 09:00 is not 540 minutes in.
  const at = (day: DateTime, minutes: number) => (minutes >= 24 * 60 ? day.plus({ days: 1 }).startOf('day') : day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }));
  for (let i = 0; i < 40 && day <= last; i++, day = day.plus({ days: 1 }).startOf('day')) {
    const from = at(day, bounds.from);
    const to = at(day, bounds.to);
    if (event.start.getTime() < to.toMillis() && (event.end.getTime() > from.toMillis() || (event.start.getTime() === event.end.getTime() && event.start.getTime() >= from.toMillis()))) return true;
  }
  return false;
}

/** Where `event` starts for a user in `zone`: a timed one at its start, an all-day one at the local midnight of its first date. */
export function startFor(event: DisplayEvent, zone: string): Date {
  return event.isAllDay ? occupiedRange(event, zone).start : event.start;
}

/**
 * What a search by name may find ("when's my next vacation", "next lunch", "next company holiday"): any event that
 * starts for the user from `from` on, all-day ones and those shown as free included (a "Vacation" all week, a
 * "Lunch" marked free), but not one cancelled or declined, which the user is not going to, nor a series master.
 */
export function isUpcomingNamed(event: DisplayEvent, from: Date, zone: string): boolean {
  if (event.isCancelled || event.type === 'seriesMaster' || (event.responseStatus ?? '').toLowerCase() === 'declined') return false;
  return startFor(event, zone).getTime() >= from.getTime();
}

/**
 * Reads forward chunk by chunk and stops at the first chunk that completes `limit`. An event starting after `now`
 * is filed under its own start date, so once a chunk is read every later meeting starts after those found; a
 * meeting spanning several dates is met again in the next chunk and counted once.
 */
async function nextEventsFromDays(
  calendar: StoredCalendar,
  now: Date,
  until: Date,
  limit: number,
  wanted: (event: DisplayEvent) => boolean,
  /** All-day events may be among them: one chunk more once `limit` are found (an all-day event filed on a later date may start sooner for the user). */
  allDay: boolean,
  byStart: (a: DisplayEvent, b: DisplayEvent) => number,
): Promise<DisplayEvent[]> {
  const found = new Map<string, DisplayEvent>();
  let more = allDay ? 1 : 0;
  for (const dates of nextDateChunks(now, until)) {
    for (const entry of await eventsOnDates(calendar.collections.calendarDays, calendar.userKey, dates, calendar.dayReads)) {
      if (entry.start.getTime() < until.getTime() && wanted(entry)) found.set(entry.eventId, entry);
    }
    if (found.size >= limit && more-- === 0) break;
  }
  return [...found.values()].sort(byStart).slice(0, limit);
}
