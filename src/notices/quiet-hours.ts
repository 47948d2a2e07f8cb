import { DateTime } from 'luxon';
import { luxonZone } from '../chat/zone-offsets.js';

/** Local wall-clock times "HH:mm" in the user's zone; start > end spans midnight (22:00-07:00). */
export interface QuietHours {
  start: string;
  end: string;
}

/**
 * Bad "quiet hours ..." input: one sentence the user can act on. `why`: what is wrong with a range that was read
 * ("25:00" is no time; start and end the same; "10-7" could be either 10:00 or 22:00).
 */
export class BadQuietHoursInput extends Error {
  readonly kind = 'bad-input';
  constructor(
    readonly input: string,
    why?: { noTime: string } | { same: true } | { ambiguous: { start: number; end: number } },
  ) {
    super(
      why && 'noTime' in why
        ? `"${why.noTime}" isn't a time of day. Try "quiet hours 22:00-07:00", or "quiet hours off".`
        : why && 'same' in why
          ? 'Quiet hours need to end at another time than they start, like "quiet hours 22:00-07:00".'
          : why
            ? `I can't tell whether "${input}" is in the morning or the evening: say it with am or pm, like "quiet hours ${why.ambiguous.start}pm-${why.ambiguous.end}am", or on the 24-hour clock, like "quiet hours ${pad((why.ambiguous.start % 12) + 12)}:00-${pad(why.ambiguous.end)}:00".`
            : `I couldn't read "${input}" as quiet hours. Try "quiet hours 22:00-07:00", or "quiet hours off".`,
    );
    this.name = 'BadQuietHoursInput';
  }
}

const TIME = String.raw`(\d{1,2})(?:[:.h](\d{2})|h)?\s*(a\.?m\.?|p\.?m\.?)?`;
const RANGE = new RegExp(String.raw`^${TIME}\s*(?:-|–|—|to|until|till)\s*${TIME}$`, 'i');

/** "22:00-07:00", "22-7", "10pm to 7am", "22.30–6.45", "22h-7h" -> { start: '22:00', end: '07:00' }. */
export function parseQuietHours(input: string): QuietHours | BadQuietHoursInput {
  const match = RANGE.exec(input.trim());
  if (!match) return new BadQuietHoursInput(input);
  const start = clockTime(match[1]!, match[2], match[3]);
  const end = clockTime(match[4]!, match[5], match[6]);
  if (!start || !end) return new BadQuietHoursInput(input, { noTime: start ? timeTyped(match, 4) : timeTyped(match, 1) });
  if (start === end) return new BadQuietHoursInput(input, { same: true });
  // "10-7": read on the 24-hour clock, 21 hours of quiet from 10 in the morning; nearly always meant as 10pm-7am.
  // Written like 24-hour times ("22-7", "10:00-07:00"), or with am/pm, or a span of 12 hours or less, it is taken.
  const [startHour, endHour] = [Number(match[1]), Number(match[4])];
  const plain = !match[3] && !match[6] && !/^0/.test(match[1]!) && !/^0/.test(match[4]!);
  if (plain && startHour >= 1 && startHour <= 12 && endHour >= 1 && endHour <= 12 && spanMinutes(start, end) > 12 * 60) {
    // "12-1" in the evening reading is the one given: the example is then the usual night.
    return new BadQuietHoursInput(input, { ambiguous: startHour === 12 ? { start: 10, end: 7 } : { start: startHour, end: endHour } });
  }
  return { start, end };
}

/** What was typed for the time at `index` (its hour) in the range's match: "25:00", "25". */
function timeTyped(match: RegExpExecArray, index: number): string {
  return `${match[index]}${match[index + 1] !== undefined ? `:${match[index + 1]}` : ''}${match[index + 2] ?? ''}`;
}

function spanMinutes(start: string, end: string): number {
  const minutes = toMinutes(end)! - toMinutes(start)!;
  return minutes > 0 ? minutes : minutes + 24 * 60;
}

function pad(hour: number): string {
  return String(hour).padStart(2, '0');
}

function clockTime(hourText: string, minuteText: string | undefined, meridiem: string | undefined): string | undefined {
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem.toLowerCase().startsWith('p') ? 12 : 0);
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
