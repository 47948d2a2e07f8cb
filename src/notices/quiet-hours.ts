import { DateTime } from 'luxon';
import { luxonZone } from '../chat/zone-offsets.js';

/** Local wall-clock times "HH:mm" in the user's zone; start > end spans midnight (22:00-07:00). */
export interface QuietHours {
  start: string;
  end: string;
}

/** Bad "quiet hours ..." input: one sentence the user can act on. */
export class BadQuietHoursInput extends Error {
  readonly kind = 'bad-input';
  constructor(readonly input: string) {
    super(`I couldn't read "${input}" as quiet hours. Try "quiet hours 22:00-07:00", or "quiet hours off".`);
    this.name = 'BadQuietHoursInput';
  }
}

const TIME = String.raw`(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?`;
const RANGE = new RegExp(String.raw`^${TIME}\s*(?:-|–|—|to|until|till)\s*${TIME}$`, 'i');

/** "22:00-07:00", "22-7", "10pm to 7am", "22.30–6.45" -> { start: '22:00', end: '07:00' }. */
export function parseQuietHours(input: string): QuietHours | BadQuietHoursInput {
  const match = RANGE.exec(input.trim());
  if (!match) return new BadQuietHoursInput(input);
  const start = clockTime(match[1]!, match[2], match[3]);
  const end = clockTime(match[4]!, match[5], match[6]);
  if (!start || !end || start === end) return new BadQuietHoursInput(input);
  return { start, end };
}

function clockTime(hourText: string, minuteText: string | undefined, meridiem: string | undefined): string | undefined {
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem.toLowerCase() === 'pm' ? 12 : 0);
  }
  if (hour === 24 && minute === 0) hour = 0;
  if (hour > 23) return undefined;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** When the quiet period covering `now` ends; undefined when `now` is not in quiet hours. */
export function quietHoursEnd(now: Date, zone: string, quiet: QuietHours | undefined): Date | undefined {
  if (!quiet) return undefined;
  const local = DateTime.fromJSDate(now, { zone: luxonZone(zone) });
  const minutes = local.hour * 60 + local.minute;
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  if (start === undefined || end === undefined || start === end) return undefined;
  const inQuiet = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inQuiet) return undefined;
  let endsAt = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (endsAt <= local) endsAt = endsAt.plus({ days: 1 }).set({ hour: Math.floor(end / 60), minute: end % 60 });
  return endsAt.toJSDate();
}

function toMinutes(time: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}
