import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { bulkWriteInsertOrReplace } from '../store/bulk-write.js';
import { calendarDayId, type CalendarDayDoc, type Collections, type DayEntry, type EventDoc } from '../store/collections.js';
import type { SyncWindow } from './sync-window.js';

/**
 * calendarDays: each user's events filed by UTC date, beside the `events` collection, so a chat question reads two
 * or three documents by `_id` instead of querying events by user and time. On MongoDB the `user_start_end` index
 * would serve that query directly; FerretDB 1.24 pushes nothing but `_id` (SQLite) or scalar equality
 * (PostgreSQL) down to SQL and filters the rest in Go after decoding every one of the user's events, about 30x
 * slower under load. The sync engine keeps the days exact: every change to `events` names the dates it touched.
 */

/**
 * Bump when the layout of CalendarDayDoc changes: the sync engine then rebuilds each user's days once, from `events`
 * (answers read `events` meanwhile). Not bumped for DayEntry.people: a rebuild would file only what `events` holds,
 * and events stored before people were kept have none until a round writes them again (see EventDoc.people).
 */
export const DAYS_VERSION = 1;

const DAY_MS = 86_400_000;

export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The UTC dates an instant range touches: those overlapping [start, end), or the start's date for a zero-length
 * range. Whole days are stored at midnight UTC (EventDoc.start/end), so an all-day event lands on its own dates.
 */
export function datesOverlapping(range: { start: Date; end: Date }): string[] {
  const start = range.start.getTime();
  const end = Math.max(range.end.getTime(), start + 1);
  const dates: string[] = [];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day < end; day += DAY_MS) dates.push(utcDate(day));
  return dates;
}

/** The dates an event is filed under, inside the sync window (a two-year event is filed for the window only). */
export function datesOfEvent(event: Pick<EventDoc, 'start' | 'end'>, window: SyncWindow): string[] {
  const start = Math.max(event.start.getTime(), window.start.getTime());
  const end = Math.min(event.end.getTime(), window.end.getTime());
  // Outside the window, or a meeting that ends exactly where the window starts.
  if (end < start || (end === start && event.end.getTime() > event.start.getTime())) return [];
  return datesOverlapping({ start: new Date(start), end: new Date(end) });
}

export function dayEntryOf(doc: EventDoc): DayEntry {
  const entry: DayEntry = { eventId: doc.eventId, subject: doc.subject, start: doc.start, end: doc.end, isAllDay: doc.isAllDay, isCancelled: doc.isCancelled, type: doc.type };
  for (const field of ['startDate', 'endDate', 'location', 'joinUrl', 'showAs', 'responseStatus'] as const) {
    if (doc[field] !== undefined) entry[field] = doc[field];
  }
  // For "meetings with sam" (matchesSubject); capped when mapped, so a big meeting does not bloat its days.
  if (doc.people !== undefined) entry.people = doc.people;
  return entry;
}

function byStart(a: DayEntry, b: DayEntry): number {
  return a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime() || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

/** Files `events` by date. With `only`, just those dates (each present, possibly empty, so it can be cleared). */
export function fileByDate(events: Iterable<EventDoc>, window: SyncWindow, only?: ReadonlySet<string>): Map<string, DayEntry[]> {
  const days = new Map<string, DayEntry[]>();
  for (const date of only ?? []) days.set(date, []);
  for (const event of events) {
    for (const date of datesOfEvent(event, window)) {
      if (only && !only.has(date)) continue;
      let entries = days.get(date);
      if (!entries) days.set(date, (entries = []));
      entries.push(dayEntryOf(event));
    }
  }
  for (const entries of days.values()) entries.sort(byStart);
  return days;
}

/**
 * One unordered bulkWrite: a day with events is replaced whole, an empty one removed. `fresh`: the user has no days
 * stored, so plain inserts (replaced if one is there after all, see bulkWriteInsertOrReplace).
 */
export async function writeDays(calendarDays: Collection<CalendarDayDoc>, userKey: string, days: ReadonlyMap<string, DayEntry[]>, now: Date, options: { fresh?: boolean } = {}): Promise<void> {
  const operations: AnyBulkWriteOperation<CalendarDayDoc>[] = [];
  for (const [date, events] of days) {
    const _id = calendarDayId(userKey, date);
    const doc = { userKey, date, events, updatedAt: now };
    if (events.length === 0) operations.push({ deleteOne: { filter: { _id } } });
    else operations.push(options.fresh ? { insertOne: { document: { _id, ...doc } } } : { replaceOne: { filter: { _id }, replacement: doc, upsert: true } });
  }
  await bulkWriteInsertOrReplace(calendarDays, operations);
}

/** Reads days by `_id`, one point read each (FerretDB does not push `$in` down). */
async function readDays(calendarDays: Collection<CalendarDayDoc>, userKey: string, dates: readonly string[]): Promise<Map<string, DayEntry[]>> {
  const lists = await Promise.all(dates.map((date) => readDay(calendarDays, userKey, date)));
  return new Map(dates.map((date, index) => [date, lists[index]!]));
}

async function readDay(calendarDays: Collection<CalendarDayDoc>, userKey: string, date: string): Promise<DayEntry[]> {
  const doc = await calendarDays.findOne({ _id: calendarDayId(userKey, date) }, { projection: { events: 1 } });
  return doc?.events ?? [];
}

/** Reads of one user's days already under way, by date: a date asked for again is not read again. */
export type DayReads = Map<string, Promise<DayEntry[]>>;

/**
 * Starts reading `dates` into `reads` (those not already there). A read nobody awaits in the end must not become
 * an unhandled rejection, so each is also observed here; whoever awaits it still gets its error.
 */
export function startDayReads(calendarDays: Collection<CalendarDayDoc>, userKey: string, dates: Iterable<string>, reads: DayReads): DayReads {
  for (const date of dates) {
    if (reads.has(date)) continue;
    const read = readDay(calendarDays, userKey, date);
    read.catch(() => undefined);
    reads.set(date, read);
  }
  return reads;
}

/** The events filed under `dates`, each once, in start order; through `reads` when given (see startDayReads). */
export async function eventsOnDates(calendarDays: Collection<CalendarDayDoc>, userKey: string, dates: readonly string[], reads: DayReads = new Map()): Promise<DayEntry[]> {
  startDayReads(calendarDays, userKey, dates, reads);
  const seen = new Map<string, DayEntry>();
  for (const entries of await Promise.all(dates.map((date) => reads.get(date)!))) {
    for (const entry of entries) if (!seen.has(entry.eventId)) seen.set(entry.eventId, entry);
  }
  return [...seen.values()].sort(byStart);
}

/** A stored event changing: `before` is what `events` holds now (undefined: new), `after` what it will hold (undefined: removed). */
export interface EventChange {
  before?: EventDoc | undefined;
  after?: EventDoc | undefined;
}

/**
 * Applies changes to the stored days: each date either side of a change is read, the changed events taken out and
 * their new versions put back. Idempotent, so a replayed page leaves the days as they were.
 */
export async function patchDays(calendarDays: Collection<CalendarDayDoc>, userKey: string, changes: readonly EventChange[], window: SyncWindow, now: Date): Promise<void> {
  const dates = new Set<string>();
  const changedIds = new Set<string>();
  for (const { before, after } of changes) {
    const event = (after ?? before)!;
    changedIds.add(event.eventId);
    if (before) for (const date of datesOfEvent(before, window)) dates.add(date);
    if (after) for (const date of datesOfEvent(after, window)) dates.add(date);
  }
  if (dates.size === 0) return;
  const stored = await readDays(calendarDays, userKey, [...dates]);
  const patched = fileByDate(
    changes.flatMap(({ after }) => (after ? [after] : [])),
    window,
    dates,
  );
  for (const [date, entries] of patched) {
    const kept = (stored.get(date) ?? []).filter((entry) => !changedIds.has(entry.eventId));
    patched.set(date, [...kept, ...entries].sort(byStart));
  }
  await writeDays(calendarDays, userKey, patched, now);
}

/**
 * Removes the days in [from, to) by _id: the dates a window move leaves behind (their events are reconciled away
 * by the same round, which files only inside the new window).
 */
export async function dropDays(calendarDays: Collection<CalendarDayDoc>, userKey: string, from: Date, to: Date): Promise<void> {
  if (to.getTime() <= from.getTime()) return;
  const dates = datesOverlapping({ start: from, end: new Date(to.getTime() - 1) });
  await calendarDays.bulkWrite(dates.map((date) => ({ deleteOne: { filter: { _id: calendarDayId(userKey, date) } } })), { ordered: false });
}

/**
 * Rebuilds a user's days from `events` (a layout change, or days stored before calendarDays existed): files every
 * stored event and removes any other day of the user.
 */
export async function rebuildDays(collections: Pick<Collections, 'events' | 'calendarDays'>, userKey: string, window: SyncWindow, now: Date): Promise<void> {
  const days = fileByDate(await collections.events.find({ userKey }).toArray(), window);
  await writeDays(collections.calendarDays, userKey, days, now);
  await collections.calendarDays.deleteMany({ userKey, date: { $nin: [...days.keys()] } });
}
