import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { dayLabel, dayMonth, daysBetween, shortDate, type CalendarDate } from './date-text.js';
import type { TimeRange } from './free-slots.js';
import { luxonZone } from './zone-offsets.js';

export type { TimeRange } from './free-slots.js';

/**
 * A schedule question, decided from the text alone. Every range is UTC instants, end exclusive, with day
 * boundaries at midnight in the user's zone (so a DST day is 23 or 25 hours long).
 *
 * - `agenda`: list the events of `range` (`days` whole local days; more than one means group by day).
 * - `next`: the next event starting after now.
 * - `now`: what the user is in right now ("am I in a meeting", "am I free now").
 * - `free-at`: yes/no for a specific time ("am I free at 3pm" = 15:00-15:30; "2-4pm" = 14:00-16:00).
 * - `free-slots`: gaps inside the user's working hours on working days of `range`; a range that includes now
 *   starts at now (rounded up to 5 minutes), because past gaps are no use.
 *
 * `label` is the card header ("Today · Thu 26 Nov"); `phrase` fits in a sentence ("today", "on Fri 4 Dec").
 */
export type Question =
  | { kind: 'agenda'; range: TimeRange; label: string; phrase: string; days: number }
  | { kind: 'next' }
  | { kind: 'now' }
  | { kind: 'free-at'; range: TimeRange; label: string }
  | { kind: 'free-slots'; range: TimeRange; label: string; phrase: string; days: number };

/** "Am I free at 3pm": a typical meeting's length, so a 15:15 meeting still counts as a conflict. */
export const FREE_AT_DEFAULT_MINUTES = 30;

/** Bot commands that share words with questions ("sync now", "timezone ..."): never schedule questions. */
const COMMAND_START =
  /^(help|connect|disconnect|reconnect|sync|resync|refresh|status|notify|notifications?|time ?zone|tz|sign ?(in|out|up)|log ?(in|out)|settings|hi|hello|hey|thanks|thank you)\b/;

/** Typos and shorthand, rewritten to words chrono-node knows. Keys are whole words. */
const WORD_FIXES: Record<string, string> = {
  '2day': 'today', tday: 'today', tdy: 'today', todya: 'today', toady: 'today', todays: 'today', tonight: 'today evening', tonite: 'today evening',
  tmrw: 'tomorrow', tmr: 'tomorrow', tmrow: 'tomorrow', tmro: 'tomorrow', tmoz: 'tomorrow', tomoro: 'tomorrow', tomorow: 'tomorrow',
  tommorow: 'tomorrow', tommorrow: 'tomorrow', tomorro: 'tomorrow', tomrrow: 'tomorrow', tomorrw: 'tomorrow', tomorroe: 'tomorrow',
  tomorrows: 'tomorrow', '2morrow': 'tomorrow', '2moro': 'tomorrow', '2morow': 'tomorrow', '2mrw': 'tomorrow', '2mro': 'tomorrow',
  yday: 'yesterday', yest: 'yesterday', yesterdy: 'yesterday', yesteday: 'yesterday', ystrday: 'yesterday', yesterdays: 'yesterday',
  wk: 'week', wek: 'week', weeek: 'week', nxt: 'next', nex: 'next',
  mtg: 'meeting', mtgs: 'meetings', meetin: 'meeting', meting: 'meeting', meetng: 'meeting', metting: 'meeting', meetign: 'meeting',
  wats: 'whats', wat: 'what', wut: 'what', wuts: 'whats', whta: 'what', whts: 'whats', wht: 'what',
  calender: 'calendar', calandar: 'calendar', agneda: 'agenda', schedual: 'schedule', shedule: 'schedule',
  wendesday: 'wednesday', wensday: 'wednesday', wednsday: 'wednesday', wedensday: 'wednesday', wednesay: 'wednesday',
  thrusday: 'thursday', thursady: 'thursday', thurday: 'thursday', firday: 'friday', fridya: 'friday', frday: 'friday',
  saturdy: 'saturday', satruday: 'saturday', sunady: 'sunday', mondya: 'monday', monady: 'monday', tuseday: 'tuesday',
  teusday: 'tuesday', tues: 'tuesday', weds: 'wednesday', thur: 'thursday', tuesdy: 'tuesday', frei: 'free', fre: 'free', availble: 'available', avail: 'available',
};

/** What the user typed, ready to match: lower case, no apostrophes or stray punctuation, typos fixed. */
export function normalizeQuestionText(text: string): string {
  const cleaned = text
    .replace(/<at>[^<]*<\/at>/gi, ' ') // Teams mentions of the bot
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .toLowerCase()
    .replace(/['\u2018\u2019\u02bc`]/g, '')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[?!,;"()*_~]+/g, ' ')
    .replace(/\.(?=\s|$)/g, ' ')
    .replace(/\bcalbot\b/g, ' ')
    .replace(/\bthis (morning|afternoon|evening)\b/g, 'today $1')
    .replace(/\bwhat is\b/g, 'whats')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned
    .split(' ')
    .map((word) => WORD_FIXES[word] ?? word)
    .join(' ');
}

const NOW = /\b(now|right now|currently|at the moment|atm)\b|\bam i (in|on) (a |an )?(meeting|call)\b|\bcurrent (meeting|event|call)\b|\bwhats happening\b/;
const NEXT = /\bwhats next$|\banything next$|\bnext (meeting|event|appointment|call|one|thing|up)s?\b|\bup next\b|^next$|\bwhen is my next\b/;
const UPCOMING = /\b(coming up|upcoming)\b/;
const FREE = /\b(free|busy|available|availability|open slots?|gaps?)\b/;
const FREE_SLOTS = /\b(free (time|slots?|spots?|windows?|periods?)|when (am i|are we|can i|can we)|availability|open slots?|gaps?)\b/;
const AGENDA_WORDS = /\b(agenda|schedule|calendar|meetings?|events?|appointments?|whats on|what do i have|what have i got|anything on|plans?)\b/;
/** "the rest of the week", "remaining meetings today": from now on, not from the start of the day or week. */
const REST = /\b(rest of|remainder of|remaining|left)\b/;
const WEEK = /\b(this|next|last|coming|current|previous) (week|weekend)\b|\b(week|weekend)\b/;
/** "2-4pm", "11 to 1", "9:30-10": bare hour ranges chrono-node does not read ("tomorrow 11-1" parses as "tomorrow"). */
const HOUR_RANGE = /(?<![\d\/:.-])(?:from |between )?\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:-|to|until|till|and)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b(?![\/:.-]?\d)/;

/** A part of the day a question names ("this afternoon", "tomorrow morning", "tonight"), in local hours. */
const DAY_PARTS = { morning: { from: 0, to: 12 }, afternoon: { from: 12, to: 17 }, evening: { from: 17, to: 24 } } as const;
type DayPart = keyof typeof DAY_PARTS;
const DAY_PART = /\b(morning|afternoon|evening)s?\b/;

/** The part of the day `t` names, and `t` without it (what is left is read as before: "today", "friday"). */
function splitDayPart(t: string): { part: DayPart | undefined; rest: string } {
  const match = DAY_PART.exec(t);
  if (!match) return { part: undefined, rest: t };
  return { part: match[1] as DayPart, rest: t.replace(DAY_PART, ' ').replace(/\s+/g, ' ').trim() };
}

/**
 * Reads a schedule question; `undefined` means the text is not one (a command, a greeting, chit-chat).
 * `now` is the clock, `zone` the user's IANA zone: "today" and "friday" are the user's today and friday.
 */
export function parseQuestion(text: string, now: Date, zone: string, options: QuestionOptions = {}): Question | undefined {
  const { part, rest: t } = splitDayPart(normalizeQuestionText(text));
  if (t === '' || COMMAND_START.test(t)) return undefined;
  const here = DateTime.fromJSDate(now, { zone: luxonZone(zone) });
  if (!here.isValid) return undefined;
  const today = here.startOf('day');

  if (NEXT.test(t)) return { kind: 'next' };
  if (NOW.test(t)) return { kind: 'now' };

  const week = weekRange(t, today);
  // One chrono-node reading serves both the day and the time of day; a week needs neither.
  const found = week ? [] : chronoResults(t, now, here.offset, options.dayFirst === true);
  const day = dayFromResults(found, today);
  // "tomorrow morning at 7": in the morning, a bare hour is not read as afternoon.
  const time = week ? undefined : timeOfDay(t, found, part === 'morning');

  // "this afternoon": that part of the day named (or of today); a week, or a time of day, says more.
  const partSpan = part && !week && !time ? partOfDay(day ?? today, part, today) : undefined;

  if (FREE.test(t)) {
    // Free time that has begun counts from now (rounded up to 5 minutes): past gaps are no use.
    const earliest = DateTime.fromJSDate(roundUpToFiveMinutes(now), { zone: luxonZone(zone) });
    const fromNow = (span: Span) => (span.start < earliest && earliest < span.end ? earliest : span.start);
    if (partSpan && !FREE_SLOTS.test(t)) {
      // "am I free tonight": yes or no for that part of the day.
      return { kind: 'free-at', range: { start: fromNow(partSpan).toJSDate(), end: partSpan.end.toJSDate() }, label: dayLabel(partSpan.start, today) };
    }
    if (time && !FREE_SLOTS.test(t)) {
      const start = (day ?? today).set({ hour: time.startHour, minute: time.startMinute });
      let end = time.endHour === undefined ? start.plus({ minutes: FREE_AT_DEFAULT_MINUTES }) : start.set({ hour: time.endHour, minute: time.endMinute ?? 0 });
      if (end <= start) end = start.plus({ minutes: FREE_AT_DEFAULT_MINUTES });
      return { kind: 'free-at', range: { start: start.toJSDate(), end: end.toJSDate() }, label: dayLabel(start, today) };
    }
    const span = week ?? partSpan ?? dayRange(day ?? today, today);
    return {
      kind: 'free-slots',
      range: { start: fromNow(span).toJSDate(), end: span.end.toJSDate() },
      label: span.label,
      phrase: span.phrase,
      days: span.days,
    };
  }

  if (UPCOMING.test(t) && !week && !day) return { kind: 'next' };
  if (!week && !day && !time && !AGENDA_WORDS.test(t)) return undefined;
  const whole = week ?? partSpan ?? dayRange(day ?? today, today);
  const span = REST.test(t) ? restOf(whole, here, today) : whole;
  return { kind: 'agenda', range: { start: span.start.toJSDate(), end: span.end.toJSDate() }, label: span.label, phrase: span.phrase, days: span.days };
}

/**
 * Whether parseQuestion reads `text` as a question, without placing it in a zone: the words decide, and whether
 * chrono-node finds a day or a time in them does not depend on the zone. Most questions are decided by the words
 * alone, so the bot can tell a question from a command without reading dates twice.
 */
export function isScheduleQuestion(text: string, now: Date): boolean {
  const { rest: t } = splitDayPart(normalizeQuestionText(text));
  if (t === '' || COMMAND_START.test(t)) return false;
  if (NEXT.test(t) || NOW.test(t) || FREE.test(t) || UPCOMING.test(t) || WEEK.test(t) || AGENDA_WORDS.test(t)) return true;
  const found = chronoResults(t, now, 0, false);
  return hasDay(found) || timeOfDay(t, found) !== undefined;
}

export interface QuestionOptions {
  /** Numeric dates are day first ("12/3" is 12 March), as in the user's locale (readsDayFirst); else month first. */
  dayFirst?: boolean;
}

/** chrono-node's reading of the words outside an hour range ("tomorrow 11-1" is "tomorrow" plus 11:00-13:00). */
function chronoResults(t: string, now: Date, offsetMinutes: number, dayFirst: boolean): chrono.ParsedResult[] {
  return (dayFirst ? chrono.en.GB : chrono.casual).parse(t.replace(HOUR_RANGE, ' '), { instant: now, timezone: offsetMinutes });
}

/**
 * Whether `locale` (a BCP 47 tag, as Teams sends with each message: "en-GB", "de-DE") writes numeric dates day
 * first. Intl knows each locale's order; no locale, or one Intl does not know, reads month first as chrono-node
 * does by default (en-US).
 */
export function readsDayFirst(locale: string | undefined): boolean {
  if (!locale) return false;
  let dayFirst = dayFirstByLocale.get(locale);
  if (dayFirst === undefined) {
    try {
      const parts = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric' }).formatToParts(new Date(Date.UTC(2026, 11, 24)));
      dayFirst = parts.findIndex((part) => part.type === 'day') < parts.findIndex((part) => part.type === 'month');
    } catch {
      dayFirst = false; // not a locale tag
    }
    if (dayFirstByLocale.size >= 1_000) dayFirstByLocale.clear(); // tags come from clients: bounded
    dayFirstByLocale.set(locale, dayFirst);
  }
  return dayFirst;
}

const dayFirstByLocale = new Map<string, boolean>();

interface Span {
  start: DateTime;
  end: DateTime;
  label: string;
  phrase: string;
  days: number;
}

/** Weeks run Monday to Sunday (ISO, as Outlook's default work week view). */
function weekRange(t: string, today: DateTime): Span | undefined {
  const match = WEEK.exec(t);
  if (!match) return undefined;
  const which = match[1] ?? 'this';
  const unit = match[2] ?? match[3] ?? 'week';
  const offset = which === 'next' ? 1 : which === 'last' || which === 'previous' ? -1 : 0;
  const monday = today.startOf('week').plus({ weeks: offset });
  const start = unit === 'weekend' ? monday.plus({ days: 5 }) : monday;
  const days = unit === 'weekend' ? 2 : 7;
  const end = start.plus({ days }).startOf('day');
  const name = `${offset === 1 ? 'Next' : offset === -1 ? 'Last' : 'This'} ${unit}`;
  return { start, end, label: `${name} · ${spanDates(start, end.minus({ days: 1 }))}`, phrase: name.toLowerCase(), days };
}

function dayRange(day: DateTime, today: DateTime): Span {
  const start = day.startOf('day');
  const diff = daysBetween(today, start);
  const phrase = diff === 0 ? 'today' : diff === 1 ? 'tomorrow' : diff === -1 ? 'yesterday' : `on ${shortDate(start, today)}`;
  return { start, end: start.plus({ days: 1 }).startOf('day'), label: dayLabel(start, today), phrase, days: 1 };
}

/** "Today · Wed 25 Nov · Afternoon", phrased "this afternoon", "tomorrow morning", "on Mon 30 Nov in the evening". */
function partOfDay(day: DateTime, part: DayPart, today: DateTime): Span {
  const whole = dayRange(day, today);
  const { from, to } = DAY_PARTS[part];
  const start = whole.start.set({ hour: from });
  const end = to === 24 ? whole.end : whole.start.set({ hour: to });
  const phrase = whole.phrase === 'today' ? `this ${part}` : whole.phrase === 'tomorrow' || whole.phrase === 'yesterday' ? `${whole.phrase} ${part}` : `${whole.phrase} in the ${part}`;
  return { start, end, label: `${whole.label} · ${part[0]!.toUpperCase()}${part.slice(1)}`, phrase, days: 1 };
}

/**
 * What is left of `span` from `now`, when `now` is inside it: "Rest of today · Wed 25 Nov", "Rest of this week ·
 * 25–29 Nov", "Today · Wed 25 Nov · Afternoon" from now. A span in the past or the future stays whole.
 */
function restOf(span: Span, now: DateTime, today: DateTime): Span {
  if (!(span.start <= now && now < span.end)) return span;
  const last = span.end.minus({ milliseconds: 1 });
  const days = daysBetween(today, last) + 1;
  const label = span.phrase === 'today' ? `Rest of today · ${shortDate(today)}` : span.days > 1 ? `Rest of ${span.phrase} · ${spanDates(today, last)}` : span.label;
  return { start: now, end: span.end, label, phrase: `for the rest of ${span.phrase}`, days };
}

/** "23–29 Nov", "30 Nov – 6 Dec". */
function spanDates(first: CalendarDate, last: CalendarDate): string {
  return first.month === last.month ? `${dayMonth(first, true)}–${dayMonth(last)}` : `${dayMonth(first)} – ${dayMonth(last)}`;
}

/** The local day a question names, if any. chrono-node reads the words; luxon places the day in `zone`. */
function dayFromResults(found: readonly chrono.ParsedResult[], today: DateTime): DateTime | undefined {
  const result = found[0];
  if (!result || !hasDay(found)) return undefined;
  const c = result.start;
  // chrono picks the weekday of the current week, even when past; "what's on monday" asked on a Wednesday means
  // the coming Monday. "next"/"last" keep chrono's reading, as do dates.
  if (!c.isCertain('day') && !c.isCertain('month') && !/\b(next|last|previous|past)\s+\w*day\b/.test(result.text)) {
    const ahead = (c.get('weekday')! - (today.weekday % 7) + 7) % 7;
    return today.plus({ days: ahead });
  }
  return DateTime.fromObject({ year: c.get('year')!, month: c.get('month')!, day: c.get('day')! }, { zone: today.zone });
}

function hasDay(found: readonly chrono.ParsedResult[]): boolean {
  const c = found[0]?.start;
  return c !== undefined && (c.isCertain('day') || c.isCertain('month') || c.isCertain('weekday'));
}

interface TimeOfDay {
  startHour: number;
  startMinute: number;
  endHour?: number;
  endMinute?: number;
}

/**
 * A time of day or an hour range. Without am/pm, hours 1-7 mean afternoon (nobody asks whether they are free
 * at 3 in the morning during working hours), unless the question says it is about the morning.
 */
function timeOfDay(t: string, found: readonly chrono.ParsedResult[], morning = false): TimeOfDay | undefined {
  const range = HOUR_RANGE.exec(t);
  if (range) {
    const endMeridiem = range[6] as 'am' | 'pm' | undefined;
    const startHour = toHour(Number(range[1]), (range[3] as 'am' | 'pm' | undefined) ?? endMeridiem, morning);
    const endHour = toHour(Number(range[4]), endMeridiem, morning);
    const startMinute = Number(range[2] ?? 0);
    const endMinute = Number(range[5] ?? 0);
    if (valid(startHour, startMinute) && valid(endHour, endMinute)) return { startHour, startMinute, endHour, endMinute };
  }
  for (const result of found) {
    if (!result.start.isCertain('hour')) continue;
    const hour = result.start.get('hour')!;
    const startHour = result.start.isCertain('meridiem') ? hour : toHour(hour, undefined, morning);
    return { startHour, startMinute: result.start.get('minute') ?? 0 };
  }
  return undefined;
}

function toHour(hour: number, meridiem: 'am' | 'pm' | undefined, morning: boolean): number {
  if (meridiem === 'pm') return hour < 12 ? hour + 12 : hour;
  if (meridiem === 'am') return hour === 12 ? 0 : hour;
  return hour >= 1 && hour <= 7 && !morning ? hour + 12 : hour;
}

function valid(hour: number, minute: number): boolean {
  return hour >= 0 && hour <= 24 && minute >= 0 && minute < 60 && !(hour === 24 && minute > 0);
}

function roundUpToFiveMinutes(now: Date): Date {
  const step = 5 * 60_000;
  return new Date(Math.ceil(now.getTime() / step) * step);
}
