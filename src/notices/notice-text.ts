import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { clockTime, shortDate, type ClockStyle } from '../chat/date-text.js';
import type { EventDoc } from '../store/collections.js';
import { diffEvent, type Change, type ChangeKind } from '../sync/change-set.js';
import { luxonZone } from '../chat/zone-offsets.js';

/**
 * Change notices as words: which changes are worth a message, how each reads in the user's zone, and the
 * fingerprint that makes "the same change" the same outbox document. Pure: change, zone, clock and now come in.
 */

/** One rendered notice, as stored in the outbox payload and shown as a line or a card row. */
export interface NoticeLine {
  kind: ChangeKind;
  /** "New", "Moved", "Changed", "Cancelled", "Removed". */
  label: string;
  /** Everything after the label: "Design review, Thu 26 Nov 14:00–15:00, Room 4". */
  detail: string;
  /** `${label}: ${detail}`, the plain-text message. */
  text: string;
  /** Start of the event as it is now (or was, for a cancellation): orders rows in a summary. */
  startsAt: Date;
  /**
   * Its end: a notice still unsent when the event is over is not worth sending any more. For a move, the later of
   * the old and the new end: a meeting moved from tomorrow into this morning is over, but the user still expects it
   * tomorrow and must hear that it is not.
   */
  endsAt: Date;
  /**
   * An occurrence of a recurring series whose change reads the same without its date: an edit of the series changes
   * every occurrence alike, and one line says it for all of them (foldSeries). `key` is the same for exactly the
   * lines that say the same; `subject` and `rest` are the detail before and after its date, `date` that date.
   */
  series?: { key: string; subject: string; date: string; rest: string };
  /** The change told, as far as a line reads it: told together with later changes of the event (mergeByEvent). */
  change?: { eventId: string; before?: NoticeSide; after?: NoticeSide };
}

/** What a notice keeps of one side of its change. */
export type NoticeSide = Pick<EventDoc, 'eventId' | 'type' | 'subject' | 'start' | 'end' | 'isAllDay' | 'isCancelled'> &
  Partial<Pick<EventDoc, 'seriesMasterId' | 'startDate' | 'endDate' | 'location' | 'etag'>>;

const LABELS: Record<ChangeKind, string> = { added: 'New', moved: 'Moved', changed: 'Changed', cancelled: 'Cancelled', removed: 'Removed' };
const MAX_SUBJECT_CHARS = 160;
const MAX_LOCATION_CHARS = 80;

/**
 * True when the user should hear about this change now: the event (before or after the change) has not ended
 * and starts within `horizonDays`. A move into or out of the horizon counts; series masters never do (their
 * occurrences carry the same change, and those changed alike are told as one line: foldSeries).
 */
export function isNoticeWorthy(change: Change, now: Date, horizonDays: number, zone: string): boolean {
  const sides = [change.before, change.after].filter((event): event is EventDoc => event !== undefined);
  if (sides.some((event) => event.type === 'seriesMaster')) return false;
  const horizonEnd = now.getTime() + horizonDays * 86_400_000;
  const considered = change.kind === 'moved' ? sides : [change.after ?? change.before!];
  return considered.some((event) => {
    const { start, end } = localBounds(event, zone);
    return end.getTime() > now.getTime() && start.getTime() < horizonEnd;
  });
}

/**
 * A stable hash of what the user is told: kind plus the before/after time, subject and location, and the etags.
 * A replayed round yields the same fingerprint (so the same outbox _id); another edit of the same event a new one,
 * even one that repeats an earlier edit (renamed X -> Y, back to X, to Y again: the etags differ).
 */
export function noticeFingerprint(change: Change): string {
  const side = (event: EventDoc | undefined) =>
    event && [
      event.isAllDay ? `${event.startDate}/${event.endDate}` : `${event.start.toISOString()}/${event.end.toISOString()}`,
      event.subject,
      event.location ?? '',
      event.etag ?? '',
    ];
  return createHash('sha256')
    .update(JSON.stringify([change.kind, side(change.before) ?? null, side(change.after) ?? null]))
    .digest('base64url')
    .slice(0, 22);
}

/** The outbox _id of a change notice: userKey|eventId|fingerprint. */
export function noticeId(userKey: string, change: Change): string {
  return `${userKey}|${change.eventId}|${noticeFingerprint(change)}`;
}

/**
 * New: Design review, Thu 26 Nov 14:00–15:00, Room 4
 * Moved: Design review, Thu 26 Nov 14:00 → Fri 27 Nov 10:00
 * Changed: Design review, Thu 26 Nov 14:00–15:00 → 14:00–15:30 (the same start)
 * Changed: Design review → Design sync, Thu 26 Nov 14:00–15:00
 * Changed: Design review, Thu 26 Nov 14:00–15:00, location Room 4 → Room 5
 * Cancelled: Design review, Thu 26 Nov 14:00–15:00
 *
 * In `zone`; a date in another year than `now`'s there says its year, as cards do ("Mon 4 Jan 2027 09:00").
 */
export function describeChange(change: Change, zone: string, now: Date, clock: ClockStyle = '24h'): NoticeLine {
  // Made longer or shorter, it still starts when it did: "Moved" would send the reader looking for a new start.
  const label = change.kind === 'moved' && change.before && change.after && sameStart(change.before, change.after) ? LABELS.changed : LABELS[change.kind];
  const words: Words = { zone, clock, year: local(now, zone).year };
  const current = change.after ?? change.before!;
  const subject = clip(change.subject.trim() || '(no subject)', MAX_SUBJECT_CHARS);
  let named = subject;
  let time: string;
  /** The time as it reads without a date ("09:00 → 09:30"), when it can: then the line folds with its series'. */
  let dateless: string | undefined;
  const extras: string[] = [];
  switch (change.kind) {
    case 'added':
    case 'cancelled':
    case 'removed':
      time = when(current, words);
      dateless = sameDayWhen(current, words);
      if (change.kind === 'added' && current.location?.trim()) extras.push(clip(current.location.trim(), MAX_LOCATION_CHARS));
      break;
    case 'moved':
    case 'changed': {
      const before = change.before!;
      const after = change.after!;
      if (change.fields.includes('subject')) named = `${clip(before.subject.trim() || '(no subject)', MAX_SUBJECT_CHARS)} → ${subject}`;
      time = change.fields.includes('time') ? movedWhen(before, after, words) : when(after, words);
      dateless = change.fields.includes('time') ? sameDayMovedWhen(before, after, words) : sameDayWhen(after, words);
      if (change.fields.includes('location')) extras.push(`location ${place(before)} → ${place(after)}`);
      break;
    }
  }
  const parts = [named, time, ...extras];
  const detail = parts.join(', ');
  const bounds = localBounds(current, zone);
  const endsAt = change.kind === 'moved' && change.before ? new Date(Math.max(bounds.end.getTime(), localBounds(change.before, zone).end.getTime())) : bounds.end;
  const line: NoticeLine = { kind: change.kind, label, detail, text: `${label}: ${detail}`, startsAt: bounds.start, endsAt, change: { eventId: change.eventId, before: sideOf(change.before), after: sideOf(change.after) } };
  if (current.seriesMasterId && dateless !== undefined) {
    const rest = [dateless, ...extras].join(', ');
    const day = current.isAllDay ? DateTime.fromISO(allDayDates(current).startDate, { zone: 'UTC' }) : local(current.start, zone);
    line.series = { key: JSON.stringify([current.seriesMasterId, change.kind, label, named, rest]), subject: named, date: date(day, words), rest };
  }
  return line;
}

/**
 * Several notices about one event told at once (held through quiet hours, or waiting out an outage) become one line,
 * from the event as the user last knew it to the event as it is now: "New" then "Moved" is "New" at the new time,
 * "Moved" and moved back is nothing, "New" then "Cancelled" nothing. A night of an organizer's edits read as a row per
 * edit, the meeting added and cancelled in two rows about a meeting that is not there. `lines` in the order they were
 * queued; a line without its change (queued before lines kept it) stays as it is. Each line returned (undefined:
 * nothing left to tell) comes with the indices of the lines it stands for.
 */
export function mergeByEvent(lines: readonly NoticeLine[], zone: string, now: Date, clock: ClockStyle = '24h'): { line?: NoticeLine; members: number[] }[] {
  const byEvent = new Map<string, number[]>();
  const merged: number[][] = [];
  lines.forEach((line, index) => {
    const eventId = line.change?.eventId;
    const members = eventId === undefined ? undefined : byEvent.get(eventId);
    if (members) return void members.push(index);
    merged.push([index]);
    if (eventId !== undefined) byEvent.set(eventId, merged[merged.length - 1]!);
  });
  return merged.map((members) => {
    if (members.length === 1) return { line: lines[members[0]!]!, members };
    const first = lines[members[0]!]!.change!;
    const last = lines[members[members.length - 1]!]!.change!;
    const change = diffEvent(docOf(first.before), docOf(last.after));
    return { line: change && describeChange(change, zone, now, clock), members };
  });
}

/**
 * Lines that say the same of several occurrences of one series become one: "Moved: Standup, 10 occurrences from
 * Thu 26 Nov to Wed 9 Dec, 09:00 → 09:30". An organizer's edit of a daily meeting was ten lines saying one thing
 * (a summary card of them, its rows all "Standup"), where Outlook sends the attendee one update for the series.
 * Each line returned comes with the indices of the lines it stands for, in the order of `lines`.
 */
export function foldSeries(lines: readonly NoticeLine[]): { line: NoticeLine; members: number[] }[] {
  const groups = new Map<string, number[]>();
  const folded: { key?: string; members: number[] }[] = [];
  lines.forEach((line, index) => {
    const key = line.series?.key;
    const group = key === undefined ? undefined : groups.get(key);
    if (group) return void group.push(index);
    const members = [index];
    if (key !== undefined) groups.set(key, members);
    folded.push({ key, members });
  });
  return folded.map(({ members }) => {
    const first = lines[members[0]!]!;
    if (members.length === 1) return { line: first, members };
    const inOrder = members.map((index) => lines[index]!).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    const earliest = inOrder[0]!;
    const latest = inOrder[inOrder.length - 1]!;
    const { subject, rest } = first.series!;
    const days = earliest.series!.date === latest.series!.date ? `on ${earliest.series!.date}` : `from ${earliest.series!.date} to ${latest.series!.date}`;
    const detail = `${subject}, ${members.length} occurrences ${days}${rest.startsWith('(') ? ' ' : ', '}${rest}`;
    const endsAt = new Date(Math.max(...inOrder.map((line) => line.endsAt.getTime())));
    return { line: { ...first, detail, text: `${first.label}: ${detail}`, startsAt: earliest.startsAt, endsAt }, members };
  });
}

/** "Synced 123 events": the one line that ends a connection's first round instead of a notice per event. */
export function firstSyncText(totalEvents: number): string {
  return `Synced ${totalEvents} event${totalEvents === 1 ? '' : 's'}`;
}

// ---- formatting -----------------------------------------------------------------------------------------------

/** How dates and times are written for one user: their zone, their clock, and the year that goes without saying. */
interface Words {
  zone: string;
  clock: ClockStyle;
  year: number;
}

/**
 * "Thu 26 Nov 14:00–15:00", "Thu 26 Nov 23:00–Fri 27 Nov 01:00", "Thu 26 Nov (all day)", "Thu 26 Nov – Sat 28 Nov
 * (all day)", "Mon 4 Jan 2027 09:00–10:00"; `timeOnly`: the start's date left out ("14:00–15:30").
 */
function when(event: EventDoc, words: Words, timeOnly = false): string {
  if (event.isAllDay) return allDayWhen(event, words);
  const start = local(event.start, words.zone);
  const end = local(event.end, words.zone);
  const from = timeOnly ? clockTime(start, words.clock) : dateAndTime(start, words);
  if (start.toMillis() === end.toMillis()) return from;
  const lastInstant = end.minus({ milliseconds: 1 });
  return `${from}–${lastInstant.hasSame(start, 'day') ? clockTime(end, words.clock) : dateAndTime(end, words)}`;
}

/** "Thu 26 Nov 14:00" (or "Thu 26 Nov 2:00 PM"; "Mon 4 Jan 2027 14:00" in another year). */
function dateAndTime(at: DateTime, words: Words): string {
  return `${date(at, words)} ${clockTime(at, words.clock)}`;
}

function date(day: DateTime, words: Words): string {
  return shortDate(day, { year: words.year });
}

/**
 * Same length: "Thu 26 Nov 14:00 → Fri 27 Nov 10:00" (same day: "Thu 26 Nov 14:00 → 16:00").
 * Length changed, or all-day involved: both spans, the second without its date when on the same day.
 */
function movedWhen(before: EventDoc, after: EventDoc, words: Words): string {
  if (before.isAllDay || after.isAllDay) return `${when(before, words)} → ${when(after, words)}`;
  const beforeStart = local(before.start, words.zone);
  const afterStart = local(after.start, words.zone);
  const sameDay = beforeStart.hasSame(afterStart, 'day');
  const sameLength = before.end.getTime() - before.start.getTime() === after.end.getTime() - after.start.getTime();
  if (sameLength) return `${dateAndTime(beforeStart, words)} → ${sameDay ? clockTime(afterStart, words.clock) : dateAndTime(afterStart, words)}`;
  return `${when(before, words)} → ${when(after, words, sameDay)}`;
}

/** `when` without the date: "09:00–09:15", "(all day)"; undefined for an event that does not start and end on one day. */
function sameDayWhen(event: EventDoc, words: Words): string | undefined {
  if (event.isAllDay) {
    const { startDate, endDate } = allDayDates(event);
    return DateTime.fromISO(startDate, { zone: 'UTC' }).plus({ days: 1 }).toISODate() === endDate ? '(all day)' : undefined;
  }
  return withinOneDay(event, words) ? when(event, words, true) : undefined;
}

/** `movedWhen` without the date: "09:00 → 09:30", "09:00–09:15 → 09:00–09:30"; undefined when the day changed. */
function sameDayMovedWhen(before: EventDoc, after: EventDoc, words: Words): string | undefined {
  if (before.isAllDay || after.isAllDay || !withinOneDay(before, words) || !withinOneDay(after, words)) return undefined;
  if (!local(before.start, words.zone).hasSame(local(after.start, words.zone), 'day')) return undefined;
  const sameLength = before.end.getTime() - before.start.getTime() === after.end.getTime() - after.start.getTime();
  if (sameLength) return `${clockTime(local(before.start, words.zone), words.clock)} → ${clockTime(local(after.start, words.zone), words.clock)}`;
  return `${when(before, words, true)} → ${when(after, words, true)}`;
}

function withinOneDay(event: EventDoc, words: Words): boolean {
  const start = local(event.start, words.zone);
  return event.end.getTime() <= event.start.getTime() || local(event.end, words.zone).minus({ milliseconds: 1 }).hasSame(start, 'day');
}

function allDayWhen(event: EventDoc, words: Words): string {
  const { startDate, endDate } = allDayDates(event);
  const first = DateTime.fromISO(startDate, { zone: 'UTC' });
  const last = DateTime.fromISO(endDate, { zone: 'UTC' }).minus({ days: 1 });
  return last > first ? `${date(first, words)} – ${date(last, words)} (all day)` : `${date(first, words)} (all day)`;
}

function sameStart(before: EventDoc, after: EventDoc): boolean {
  if (before.isAllDay !== after.isAllDay) return false;
  return before.isAllDay ? allDayDates(before).startDate === allDayDates(after).startDate : before.start.getTime() === after.start.getTime();
}

function place(event: EventDoc): string {
  const location = event.location?.trim();
  return location ? clip(location, MAX_LOCATION_CHARS) : '(none)';
}

/** The event's instants in the user's zone; all-day events span their dates' local midnights. */
function localBounds(event: EventDoc, zone: string): { start: Date; end: Date } {
  if (!event.isAllDay) return { start: event.start, end: event.end };
  const { startDate, endDate } = allDayDates(event);
  return {
    start: DateTime.fromISO(startDate, { zone: luxonZone(zone) }).startOf('day').toJSDate(),
    end: DateTime.fromISO(endDate, { zone: luxonZone(zone) }).startOf('day').toJSDate(),
  };
}

function allDayDates(event: EventDoc): { startDate: string; endDate: string } {
  return {
    startDate: event.startDate ?? event.start.toISOString().slice(0, 10),
    endDate: event.endDate ?? event.end.toISOString().slice(0, 10),
  };
}

function sideOf(event: EventDoc | undefined): NoticeSide | undefined {
  if (!event) return undefined;
  const { eventId, type, subject, start, end, isAllDay, isCancelled, seriesMasterId, startDate, endDate, location, etag } = event;
  const side: NoticeSide = { eventId, type, subject, start, end, isAllDay, isCancelled };
  for (const [key, value] of Object.entries({ seriesMasterId, startDate, endDate, location, etag })) if (value !== undefined) Object.assign(side, { [key]: value });
  return side;
}

/** A side read back from the outbox: what diffing and describing read of an event. */
function docOf(side: NoticeSide | undefined): EventDoc | undefined {
  return side && { ...side, _id: side.eventId, userKey: '', start: new Date(side.start), end: new Date(side.end), updatedAt: new Date(0) };
}

function local(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone: luxonZone(zone) }).setLocale('en-GB');
}

function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}
