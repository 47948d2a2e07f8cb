import { DateTime } from 'luxon';
import type { WorkingHours } from '../graph/working-hours.js';
import { clockTime, WEEKDAYS_SHORT, type ClockStyle } from './date-text.js';
import { luxonZone } from './zone-offsets.js';

/**
 * Free time, decided from stored events alone: which events block a slot, and the gaps they leave inside
 * working hours. Pure; the caller passes the events, the range and the user's zone.
 */

/** A span of time as UTC instants, end exclusive. */
export interface TimeRange {
  start: Date;
  end: Date;
}

export type { WorkingHours } from '../graph/working-hours.js';

/** Working hours when Outlook tells none: 09:00-17:00, Monday to Friday, in the user's zone. */
export const DEFAULT_WORKING_HOURS: WorkingHours = { startMinute: 9 * 60, endMinute: 17 * 60, weekdays: [1, 2, 3, 4, 5] };

/** Gaps shorter than this are not worth offering as free time. */
export const MIN_FREE_SLOT_MINUTES = 15;

/** The fields of an EventDoc that decide whether, and when, it blocks time. */
export interface BlockingEventFields {
  start: Date;
  end: Date;
  isAllDay: boolean;
  startDate?: string;
  endDate?: string;
  showAs?: string;
  responseStatus?: string;
  isCancelled: boolean;
  type?: string;
}

/**
 * Outlook's own rule: time shown as free or working elsewhere does not block, nor does a declined or cancelled
 * meeting. All-day events block only when marked busy/oof (holidays and birthdays default to free).
 */
export function blocksTime(event: BlockingEventFields): boolean {
  if (event.isCancelled || event.type === 'seriesMaster') return false;
  const showAs = (event.showAs ?? 'busy').toLowerCase();
  if (showAs === 'free' || showAs === 'workingelsewhere') return false;
  if ((event.responseStatus ?? '').toLowerCase() === 'declined') return false;
  return true;
}

/**
 * The instants an event occupies for a user in `zone`. All-day events are dates, so they cover local
 * midnight to local midnight, not the stored midnight-UTC instants.
 */
export function occupiedRange(event: BlockingEventFields, zone: string): TimeRange {
  if (!event.isAllDay) return { start: event.start, end: event.end };
  const { startDate, endDate } = allDayDates(event);
  return {
    start: DateTime.fromISO(startDate, { zone: luxonZone(zone) }).startOf('day').toJSDate(),
    end: DateTime.fromISO(endDate, { zone: luxonZone(zone) }).startOf('day').toJSDate(),
  };
}

/** 'YYYY-MM-DD' first day and day after the last; falls back to the stored midnight-UTC instants. */
export function allDayDates(event: Pick<BlockingEventFields, 'start' | 'end' | 'startDate' | 'endDate'>): { startDate: string; endDate: string } {
  const startDate = event.startDate ?? event.start.toISOString().slice(0, 10);
  let endDate = event.endDate ?? event.end.toISOString().slice(0, 10);
  if (endDate <= startDate) endDate = DateTime.fromISO(startDate, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
  return { startDate, endDate };
}

function overlaps(a: TimeRange, b: TimeRange): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** The events that make the user busy at some point of `range` (the "no, because..." of "am I free at 3"). */
export function conflictsDuring<E extends BlockingEventFields>(events: readonly E[], range: TimeRange, zone: string): E[] {
  return events
    .filter((event) => blocksTime(event) && overlaps(occupiedRange(event, zone), range))
    .sort((a, b) => occupiedRange(a, zone).start.getTime() - occupiedRange(b, zone).start.getTime());
}

/**
 * Free slots of at least `minMinutes` inside working hours on working days of `range`, in order.
 * Working-day windows are built in the working hours' zone (the user's zone unless Outlook names another), so
 * a DST day still runs 09:00-17:00 local time.
 */
export function freeSlots(
  events: readonly BlockingEventFields[],
  range: TimeRange,
  zone: string,
  workingHours: WorkingHours = DEFAULT_WORKING_HOURS,
  minMinutes: number = MIN_FREE_SLOT_MINUTES,
): TimeRange[] {
  const busy = events
    .filter(blocksTime)
    .map((event) => occupiedRange(event, zone))
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  const slots: TimeRange[] = [];
  for (const window of workingWindows(range, zone, workingHours)) {
    const windowEnd = window.end.getTime();
    let cursor = window.start.getTime();
    for (const block of busy) {
      if (block.end.getTime() <= cursor || block.start.getTime() >= windowEnd) continue;
      if (block.start.getTime() > cursor) pushSlot(slots, cursor, block.start.getTime(), minMinutes);
      cursor = Math.max(cursor, block.end.getTime());
      if (cursor >= windowEnd) break;
    }
    pushSlot(slots, cursor, windowEnd, minMinutes);
  }
  return slots;
}

/** The working hours that fall inside `range`, one window per working day, clipped to the range. */
export function workingWindows(range: TimeRange, zone: string, workingHours: WorkingHours = DEFAULT_WORKING_HOURS): TimeRange[] {
  const here = workingHours.zone ?? zone;
  const windows: TimeRange[] = [];
  const last = DateTime.fromJSDate(range.end, { zone: luxonZone(here) });
  for (let day = DateTime.fromJSDate(range.start, { zone: luxonZone(here) }).startOf('day'); day < last; day = day.plus({ days: 1 }).startOf('day')) {
    if (!workingHours.weekdays.includes(day.weekday)) continue;
    const start = Math.max(atMinute(day, workingHours.startMinute), range.start.getTime());
    const end = Math.min(atMinute(day, workingHours.endMinute), range.end.getTime());
    if (end > start) windows.push({ start: new Date(start), end: new Date(end) });
  }
  return windows;
}

/** The instant of a wall-clock minute of `day` (1440: the next midnight), as luxon resolves DST gaps. */
function atMinute(day: DateTime, minute: number): number {
  if (minute >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
}

function pushSlot(slots: TimeRange[], start: number, end: number, minMinutes: number): void {
  if (end - start >= minMinutes * 60_000) slots.push({ start: new Date(start), end: new Date(end) });
}

/** "09:00–17:00", with the days when they are not Monday to Friday and the zone when it is not the user's. */
export function describeWorkingHours(hours: WorkingHours, zone: string, clock: ClockStyle = '24h'): string {
  const days = hours.weekdays.join() === DEFAULT_WORKING_HOURS.weekdays.join() ? [] : [describeWorkingDays(hours.weekdays)];
  return [workingTime(hours, clock), ...days, ...workingZone(hours, zone)].join(', ');
}

/** "Mon–Thu, 09:00–17:00": the days always, for "you work …". */
export function describeWorkingWeek(hours: WorkingHours, zone: string, clock: ClockStyle = '24h'): string {
  return [describeWorkingDays(hours.weekdays), workingTime(hours, clock), ...workingZone(hours, zone)].join(', ');
}

function workingTime(hours: WorkingHours, style: ClockStyle): string {
  // The end of a day that runs until midnight: 24:00, or 12:00 AM on a 12-hour clock.
  const clock = (minute: number) => (minute >= 24 * 60 && style === '24h' ? '24:00' : clockTime({ hour: Math.floor(minute / 60) % 24, minute: minute % 60 }, style));
  return `${clock(hours.startMinute)}–${clock(hours.endMinute)}`;
}

function workingZone(hours: WorkingHours, zone: string): string[] {
  return hours.zone && hours.zone !== zone ? [`${hours.zone} time`] : [];
}

/** ISO weekdays as "Mon–Fri", "Mon–Thu, Sat" or "Sun". */
function describeWorkingDays(weekdays: readonly number[]): string {
  const days = [...new Set(weekdays)].filter((day) => day >= 1 && day <= 7).sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    const first = WEEKDAYS_SHORT[days[i]! - 1]!;
    const last = WEEKDAYS_SHORT[days[j]! - 1]!;
    runs.push(j === i ? first : j === i + 1 ? `${first}, ${last}` : `${first}–${last}`);
    i = j + 1;
  }
  return runs.join(', ');
}
