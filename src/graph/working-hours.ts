import { toIanaTimeZone } from './time-zone.js';

/**
 * When someone works, as Outlook keeps it in mailboxSettings.workingHours. Minutes are wall-clock minutes after
 * midnight (08:30 is 510; an end of 1440 is midnight); weekdays are ISO (1 = Monday ... 7 = Sunday).
 */
export interface WorkingHours {
  startMinute: number;
  endMinute: number;
  weekdays: readonly number[];
  /** The IANA zone the hours are kept in (Outlook's workingHours.timeZone); absent: the user's own zone. */
  zone?: string;
}

const WEEKDAY_NUMBERS: Record<string, number> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };

/**
 * Graph's workingHours (`{ daysOfWeek: ['monday', …], startTime: '08:30:00.0000000', endTime: '17:00:00.0000000',
 * timeZone: { name } }`) as WorkingHours; undefined when absent or unusable (no days, end not after start), so
 * the caller falls back to its default. A zone Graph names but we cannot map (a "Customized Time Zone") is left
 * out: the hours are then read in the user's zone.
 */
export function parseWorkingHours(raw: unknown): WorkingHours | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { daysOfWeek, startTime, endTime, timeZone } = raw as { daysOfWeek?: unknown; startTime?: unknown; endTime?: unknown; timeZone?: unknown };
  if (!Array.isArray(daysOfWeek)) return undefined;
  const weekdays = [...new Set(daysOfWeek.map((day) => (typeof day === 'string' ? WEEKDAY_NUMBERS[day.toLowerCase()] : undefined)))]
    .filter((day): day is number => day !== undefined)
    .sort((a, b) => a - b);
  const startMinute = minuteOfDay(startTime);
  let endMinute = minuteOfDay(endTime);
  if (endMinute === 0) endMinute = 24 * 60; // "until 00:00" is until midnight
  if (weekdays.length === 0 || startMinute === undefined || endMinute === undefined || endMinute <= startMinute) return undefined;
  const zoneName = timeZone && typeof timeZone === 'object' ? (timeZone as { name?: unknown }).name : undefined;
  const zone = typeof zoneName === 'string' ? toIanaTimeZone(zoneName) : undefined;
  return { startMinute, endMinute, weekdays, ...(zone ? { zone } : {}) };
}

/** 'HH:mm', 'HH:mm:ss' or Graph's 'HH:mm:ss.fffffff' as minutes after midnight (seconds dropped). */
function minuteOfDay(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d{1,7})?)?$/.exec(value.trim());
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) return undefined;
  return hour * 60 + minute;
}
