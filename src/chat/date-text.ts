import type { ClockStyle } from '../graph/time-format.js';

export type { ClockStyle } from '../graph/time-format.js';

/**
 * Dates and times as the bot writes them (en-GB: "Thu 26 Nov", "Thursday 26 Nov", "09:30"), from calendar fields
 * a luxon DateTime already holds. Every answer writes several of these: luxon's setLocale/toFormat/diff would ask
 * Intl for names and the zone's offset again on each call, which showed in every turn's CPU profile.
 */

/** A local calendar date; `weekday` as luxon numbers it (1 = Monday … 7 = Sunday). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export interface CalendarDay extends CalendarDate {
  weekday: number;
}

export const WEEKDAYS_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const WEEKDAYS_LONG = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "Thu 26 Nov"; "Fri 1 Jan 2027" when `today` is given and in another year (the reader's own year goes without saying). */
export function shortDate(date: CalendarDay, today?: Pick<CalendarDate, 'year'>): string {
  const year = today && date.year !== today.year ? ` ${date.year}` : '';
  return `${WEEKDAYS_SHORT[date.weekday - 1]} ${date.day} ${MONTHS_SHORT[date.month - 1]}${year}`;
}

/** "Thursday 26 Nov". */
export function longDate(date: CalendarDay): string {
  return `${WEEKDAYS_LONG[date.weekday - 1]} ${date.day} ${MONTHS_SHORT[date.month - 1]}`;
}

/** "26 Nov" ("26" alone with `dayOnly`). */
export function dayMonth(date: CalendarDate, dayOnly = false): string {
  return dayOnly ? String(date.day) : `${date.day} ${MONTHS_SHORT[date.month - 1]}`;
}

/** "09:30" on a 24-hour clock, "9:30 AM" on a 12-hour one (noon is 12:00 PM, midnight 12:00 AM). */
export function clockTime(time: { hour: number; minute: number }, style: ClockStyle = '24h'): string {
  const minutes = `${time.minute < 10 ? '0' : ''}${time.minute}`;
  if (style === '12h') return `${time.hour % 12 || 12}:${minutes} ${time.hour < 12 ? 'AM' : 'PM'}`;
  return `${time.hour < 10 ? '0' : ''}${time.hour}:${minutes}`;
}

/** Whole calendar days from `from` to `to` (plain date arithmetic: a DST day is still one day). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000);
}

export function sameDate(a: CalendarDate, b: CalendarDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** "Today · Thu 26 Nov", "Tomorrow · Fri 27 Nov", "Yesterday · Wed 25 Nov", "Mon 30 Nov", "Fri 3 Dec 2027". */
export function dayLabel(day: CalendarDay, today: CalendarDate): string {
  const date = shortDate(day, today);
  switch (daysBetween(today, day)) {
    case 0:
      return `Today · ${date}`;
    case 1:
      return `Tomorrow · ${date}`;
    case -1:
      return `Yesterday · ${date}`;
    default:
      return date;
  }
}
