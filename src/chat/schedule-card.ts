import type { Activity, Attachment } from 'botbuilder';
import { DateTime } from 'luxon';
import { clockTime, dayLabel, dayMonth, daysBetween, longDate, sameDate, shortDate, WEEKDAYS_SHORT, type CalendarDate, type CalendarDay, type ClockStyle } from './date-text.js';
import { localClock, type LocalClock } from './local-clock.js';
import { renderCard } from './cards/render-card.js';
import { SCHEDULE_CARD_TEMPLATE } from './cards/schedule-card-template.js';
import { allDayDates, blocksTime, DEFAULT_WORKING_HOURS, describeWorkingHours, describeWorkingWeek, workingWindows, type TimeRange, type WorkingHours } from './free-slots.js';
import { luxonZone } from './zone-offsets.js';
import type { WhoAnswered, WhoAsked } from './question.js';
import type { EventAttendee } from '../store/collections.js';

/**
 * Schedule answers as an Adaptive Card plus a plain-text twin (one line per event) for channels without cards.
 * Pure: events, zone and clock come in; nothing is read from the database here.
 */

/** The EventDoc fields an answer shows. */
export interface DisplayEvent {
  subject: string;
  start: Date;
  end: Date;
  isAllDay: boolean;
  startDate?: string | undefined;
  endDate?: string | undefined;
  location?: string | undefined;
  joinUrl?: string | undefined;
  webLink?: string | undefined;
  showAs?: string | undefined;
  responseStatus?: string | undefined;
  isCancelled: boolean;
  type?: string | undefined;
  /** Who is in it, for "meetings with sam" and "is sam in my next meeting" (EventDoc.people); absent: not known. */
  people?: readonly string[] | undefined;
  /** Graph's id, to read the rest of the event by ("who organized it"). */
  eventId?: string | undefined;
  /** "with Priya Raman, Sam Smith and 2 others": who the user meets in it, shown beside its place ("who am I meeting tomorrow"). */
  withWhom?: string | undefined;
}

export interface ScheduleAnswer {
  /** Plain text, one line per event; send with textFormat 'plain' so subjects are not read as markdown. */
  text: string;
  attachment: Attachment;
}

/** Channels that render Adaptive Cards themselves. */
export const CARD_CHANNELS = new Set(['msteams', 'emulator', 'webchat', 'directline']);

/**
 * The activity that carries an answer on `channelId`. Teams (like Web Chat and the Emulator) shows an activity's
 * text above its card, so the listing would be there twice: on those channels the plain text goes in `summary`,
 * which is what Bot Framework channels show when they cannot render a card, and what Teams puts in notifications.
 * Elsewhere it is the text, for channels without cards.
 */
export function answerActivity(answer: ScheduleAnswer, channelId: string | undefined): Partial<Activity> {
  const plain = CARD_CHANNELS.has(channelId ?? '') ? { summary: answer.text } : { text: answer.text };
  return { type: 'message', ...plain, attachments: [answer.attachment], textFormat: 'plain' };
}

/** Rows beyond this become "and N more": a day of 500 events is not readable in chat anyway. */
export const MAX_ROWS = 30;
/** Teams rejects messages over ~28 KB; the card and its plain text together stay clear of it whatever the subjects hold. */
export const CARD_BYTE_BUDGET = 24_000;
const MAX_SUBJECT_CHARS = 160;
const MAX_LOCATION_CHARS = 80;
const MAX_FOOTNOTE_CHARS = 300;
/** A "who" answer's list of those invited: MAX_NAMES_LISTED names of up to 100 characters, and their answers. */
const MAX_PEOPLE_CHARS = 1_500;
/** What the user typed, quoted back ("No meeting matching "standup""): enough to recognise, short enough to read. */
const MAX_QUOTED_CHARS = 60;

/**
 * The final cut of events for a range: the store query fetches a widened range (all-day events are stored at
 * midnight UTC, up to 14 hours away from the user's midnight); this keeps timed events overlapping `range` and
 * all-day events whose dates fall on the range's local days. Cancelled events (unless `cancelled`) and series masters are dropped.
 * Sorted all-day first, then by start.
 */
export function eventsForDisplay<E extends DisplayEvent>(events: readonly E[], range: TimeRange, zone: string, options: { cancelled?: boolean } = {}): E[] {
  const firstDate = DateTime.fromJSDate(range.start, { zone: luxonZone(zone) }).toISODate()!;
  const lastDate = DateTime.fromMillis(range.end.getTime() - 1, { zone: luxonZone(zone) }).toISODate()!;
  return events
    .filter((event) => {
      if ((event.isCancelled && !options.cancelled) || event.type === 'seriesMaster') return false;
      if (event.isAllDay) {
        const { startDate, endDate } = allDayDates(event);
        return startDate <= lastDate && endDate > firstDate;
      }
      const start = event.start.getTime();
      const end = event.end.getTime();
      if (start === end) return start >= range.start.getTime() && start < range.end.getTime();
      return start < range.end.getTime() && end > range.start.getTime();
    })
    .sort(byDisplayOrder);
}

function byDisplayOrder(a: DisplayEvent, b: DisplayEvent): number {
  if (a.isAllDay !== b.isAllDay) return a.isAllDay ? -1 : 1;
  return a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime() || a.subject.localeCompare(b.subject);
}

/** What every answer may carry besides its content. */
export interface AnswerExtras {
  /** "As of 10:42 · last sync failed: Microsoft asked us to slow down" */
  footnote?: string | undefined;
  /** A button under the footnote that fixes what it reports ("Sync now", "Reconnect"). */
  footnoteAction?: FootnoteAction | undefined;
  /** How the user reads times (Outlook's timeFormat); 24-hour when absent. */
  clock?: ClockStyle | undefined;
}

// ---- agenda ---------------------------------------------------------------------------------------------------

export interface AgendaInput extends AnswerExtras {
  /** "Today · Thu 26 Nov" */
  label: string;
  /** Fits "Nothing on your calendar ___": "today", "on Fri 4 Dec", "this week". */
  phrase?: string;
  zone: string;
  /** The question's range; more than one local day groups rows by day. Without it, one group. */
  range?: TimeRange;
  /** The range is bounded by times ("after 4pm", "in the next 2 hours"): the header adds them ("· 16:00–00:00"). */
  times?: boolean | undefined;
  /**
   * The words the events had to match ("sam", "design review"), as the user typed them: `events` are only those, the
   * header and summary quote the words, and nothing found is said as such, never as a free day.
   */
  subject?: string | undefined;
  /** With `subject`: how many events of the range it left out, which an answer that found none says. */
  others?: number | undefined;
  /**
   * Only the invitations not answered yet, or only the meetings that overlap another (AgendaOnly): the header and
   * summary say which, and none found is said as such, never as a free day.
   */
  only?: 'unanswered' | 'conflicts' | 'organized' | undefined;
  /**
   * The meetings after (before) one ("what's after my standup"): `events` are those, `range` runs from the landmark's
   * start to the day's end (from the day's start to it), and header and summary name it and its time.
   */
  around?: { side: 'after' | 'before'; landmark: DisplayEvent } | undefined;
  /** Asked whether the meetings named are still on ("is standup still on tomorrow"): cancelled ones are listed, marked, and counted apart. */
  status?: boolean | undefined;
  /**
   * With `subject`, none in the range, no day named ("meetings with sam"): the next one so named after it, which the
   * summary says and the card shows under its day.
   */
  nextNamed?: DisplayEvent | undefined;
  /** The user's now, for when `nextNamed` is ("in 5 days"). */
  now?: Date | undefined;
  /**
   * Only the meetings at this time of day, each day ("meetings before 9 this week", "early meetings": DailyBounds):
   * the header and summary say which, and none is said as such, never as a free span.
   */
  daily?: { from: number; to: number; part?: string | undefined; working?: 'before' | 'after' | undefined } | undefined;
  /** "what's my busiest day this week": the summary says which day of the range is the busiest first. */
  busiest?: boolean | undefined;
  events: readonly DisplayEvent[];
}

/** What an agenda of `only` those meetings says in its header, its summary, and when there are none. */
const ONLY_WORDS = {
  unanswered: { header: 'Not answered', some: (n: number) => `${n} invitation${n === 1 ? '' : 's'} you haven't answered`, none: (phrase: string) => `No invitations waiting for your answer ${phrase}.` },
  conflicts: { header: 'Conflicts', some: (n: number) => `${n} meetings overlap`, none: (phrase: string) => `No overlapping meetings ${phrase}.` },
  organized: { header: 'Organized by you', some: (n: number) => `${meetings(n)} you organized`, none: (phrase: string) => `No meetings you organized ${phrase}.` },
} as const;

/** The answer to "what's on ...": one row per event, grouped by day for multi-day ranges. */
export function renderScheduleAnswer(input: AgendaInput): ScheduleAnswer {
  const { zone } = input;
  const cancelled = { cancelled: input.status === true && input.subject !== undefined };
  const all = input.range ? eventsForDisplay(input.events, input.range, zone, cancelled) : input.events.filter((e) => cancelled.cancelled || !e.isCancelled).sort(byDisplayOrder);
  const conflicts = conflictingEvents(all);
  const shown = input.only === 'conflicts' ? all.filter((event) => conflicts.has(event)) : input.only === 'unanswered' ? all.filter(awaitsAnswer) : input.only === 'organized' ? all.filter(organizedByUser) : all;
  const days = input.range ? localDays(input.range, zone) : [DateTime.fromJSDate(shown[0]?.start ?? new Date(0), { zone: luxonZone(zone) }).startOf('day')];
  const local = localClock(zone, input.range);
  const multiDay = days.length > 1;
  const groups: Group[] = [];
  // A stretch of hours across midnight ("in the next 2 hours" at 23:00) lists a meeting once, under its first day
  // there; whole days list one under each day it is on, as Outlook does.
  const placed = new Set<DisplayEvent>();
  for (const day of days) {
    const touching = multiDay ? eventsForDisplay(shown, { start: day.toJSDate(), end: day.plus({ days: 1 }).startOf('day').toJSDate() }, zone, cancelled) : shown;
    const onDay = input.times ? touching.filter((event) => !placed.has(event)) : touching;
    for (const event of onDay) placed.add(event);
    if (onDay.length === 0) continue;
    groups.push({
      label: multiDay ? longDate(day) : '',
      rows: onDay.map((event) => eventRow(event, day, local, conflicts.has(event), input.clock)),
    });
  }
  const phrase = input.phrase ?? 'for this period';
  const subject = quoted(input.subject);
  const busy = input.range ? busyTime(shown, input.range) : undefined;
  let summary: string;
  if (subject) {
    // "No meetings matching "sam" this week": not "Nothing on your calendar", which the other events would belie.
    const others = input.others ?? 0;
    const called = shown.filter((event) => event.isCancelled).length;
    const on = shown.length - called;
    const count = busy ? `${meetings(busy.meetings)} matching "${subject}" · ${durationText(busy.minutes)} busy` : `${on} event${on === 1 ? '' : 's'} matching "${subject}"`;
    // "is standup still on tomorrow": what is on, and what was cancelled.
    const status = on === 0 ? `Cancelled: ${called === 1 ? 'the meeting' : `all ${called} meetings`} matching "${subject}"` : called > 0 ? `${count} · ${called} cancelled` : `Still on: ${count}`;
    summary = groups.length === 0 ? `No meetings matching "${subject}" ${phrase}${others > 0 ? ` (${others} other event${others === 1 ? '' : 's'})` : ''}.` : cancelled.cancelled ? status : count;
    const { nextNamed, now } = input;
    if (groups.length === 0 && nextNamed && now) {
      // "meetings with sam" and none today: when the next one is.
      const nextDay = localDayOf(nextNamed, zone);
      summary += ` The next one is ${sentenceDay(relativeDay(nextDay, now, zone))}, ${nextNamed.isAllDay ? 'all day' : startsIn(nextNamed.start, now, zone)}.`;
      groups.push(...groupsByDay([nextNamed], now, zone, localClock(zone), input.clock));
    }
  } else if (input.around) {
    const { side, landmark } = input.around;
    const when = eventRow(landmark, days[0]!, local, false, input.clock);
    const named = `${side} "${quoted(landmark.subject) || '(no subject)'}" (${when.timeEnd ? `${when.timeStart}–${when.timeEnd}` : when.timeStart})`;
    summary = groups.length === 0 ? `Nothing ${named} ${phrase}.` : `${named.charAt(0).toUpperCase()}${named.slice(1)}: ${busy ? `${meetings(busy.meetings)} · ${durationText(busy.minutes)} busy` : `${shown.length} event${shown.length === 1 ? '' : 's'}`}`;
  } else if (input.only) {
    const words = ONLY_WORDS[input.only];
    summary = groups.length === 0 ? words.none(phrase) : words.some(shown.length);
  } else if (input.daily) {
    summary = groups.length === 0 ? `No meetings ${dailyWords(input.daily, input.clock).phrase} ${phrase}.` : `${meetings(shown.length)} ${dailyWords(input.daily, input.clock).phrase}`;
  } else {
    summary = groups.length === 0 ? `Nothing on your calendar ${phrase}.${phrase === 'today' ? ' Enjoy!' : ''}` : busy ? `${meetings(busy.meetings)} · ${durationText(busy.minutes)} busy` : '';
    const most = input.busiest && multiDay && busy ? busiestDay(shown, days) : undefined;
    if (most) summary = `Busiest: ${longDate(most.day)}, ${meetings(most.busy.meetings)} · ${durationText(most.busy.minutes)} busy. In all: ${summary}`;
  }
  const timed = input.times && input.range ? `${input.label} · ${timeSpan(input.range.start, input.range.end, days[0]!, local, input.clock)}` : input.label;
  const daily = input.daily ? `${timed} · ${dailyWords(input.daily, input.clock).header}` : timed;
  const label = input.only ? `${daily} · ${ONLY_WORDS[input.only].header}` : input.around ? `${timed} · ${input.around.side === 'after' ? 'After' : 'Before'} "${quoted(input.around.landmark.subject) || '(no subject)'}"` : daily;
  return renderAnswer({ header: subject ? `${label} · "${subject}"` : label, summary, groups, ...footnoteOf(input) });
}

/** What a time of day each day is called in a header ("Before 09:00", "Mornings") and in a sentence ("before 09:00"). */
function dailyWords(daily: NonNullable<AgendaInput['daily']>, clock: ClockStyle | undefined): { header: string; phrase: string } {
  const at = (minutes: number) => clockTime({ hour: Math.floor(minutes / 60) % 24, minute: minutes % 60 }, clock);
  if (daily.working === 'before') return { header: 'Before working hours', phrase: `before your working hours (${at(daily.to)})` };
  if (daily.working === 'after') return { header: 'After working hours', phrase: `after your working hours (${at(daily.from)})` };
  // A part of the day named alone (DailyWindow's `part`), not narrowed by a time: "Mornings", "in the morning".
  if (daily.part) return { header: `${daily.part[0]!.toUpperCase()}${daily.part.slice(1)}s`, phrase: `in the ${daily.part}` };
  if (daily.from === 0) return { header: `Before ${at(daily.to)}`, phrase: `before ${at(daily.to)}` };
  if (daily.to >= 24 * 60) return { header: `After ${at(daily.from)}`, phrase: `after ${at(daily.from)}` };
  return { header: `${at(daily.from)}–${at(daily.to)}`, phrase: `between ${at(daily.from)} and ${at(daily.to)}` };
}

/**
 * "6 meetings · 5 h 30 min busy": the timed events that take time (not free, declined or cancelled) and how much of
 * `range` they fill, overlaps counted once. Undefined when only all-day or free events are shown.
 */
function busyTime(events: readonly DisplayEvent[], range: TimeRange): { meetings: number; minutes: number } | undefined {
  const busy = events
    .filter((event) => !event.isAllDay && blocksTime(event))
    .map((event) => ({ start: Math.max(event.start.getTime(), range.start.getTime()), end: Math.min(event.end.getTime(), range.end.getTime()) }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
  if (busy.length === 0) return undefined;
  let busyMs = 0;
  let coveredUntil = -Infinity;
  for (const span of busy) {
    const from = Math.max(span.start, coveredUntil);
    if (span.end > from) busyMs += span.end - from;
    coveredUntil = Math.max(coveredUntil, span.end);
  }
  return { meetings: busy.length, minutes: Math.round(busyMs / 60_000) };
}

/** The day of `days` whose meetings fill the most of it (the earlier of equals), and how busy it is. */
function busiestDay(events: readonly DisplayEvent[], days: readonly DateTime[]): { day: DateTime; busy: { meetings: number; minutes: number } } | undefined {
  let most: { day: DateTime; busy: { meetings: number; minutes: number } } | undefined;
  for (const day of days) {
    const busy = busyTime(events, { start: day.toJSDate(), end: day.plus({ days: 1 }).startOf('day').toJSDate() });
    if (busy && (!most || busy.minutes > most.busy.minutes)) most = { day, busy };
  }
  return most;
}

function meetings(n: number): string {
  return `${n} meeting${n === 1 ? '' : 's'}`;
}

/**
 * The user's own words, to quote in a sentence: no controls or bidi overrides (one would turn the rest of the sentence
 * around), and clipped; renderAnswer binds them as text, never as markdown or a template. Empty for none.
 */
function quoted(words: string | undefined): string {
  return words ? clip(words.replace(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu, '').trim(), MAX_QUOTED_CHARS) : '';
}

// ---- next / now -----------------------------------------------------------------------------------------------

export interface NextInput extends AnswerExtras {
  zone: string;
  now: Date;
  /** "when is my longest meeting this week": `events` is that one, and the header says which it is. */
  longest?: 'longest' | 'shortest' | undefined;
  /** The meetings found (nextEvents), in start order: at most `count`, none when nothing is coming up. */
  events: readonly DisplayEvent[];
  /** How many were asked for: 1 ("next meeting") or more ("next 3 meetings"). */
  count?: number | undefined;
  /** The number asked for when it was more than calbot lists (count is then that most). */
  asked?: number | undefined;
  /** The words the meetings had to match ("standup", "1:1 with sam"), as the user typed them. */
  subject?: string | undefined;
  /** When the meetings had to start from, if not now ("next meeting after 3"): an answer that found fewer says so. */
  after?: Date | undefined;
  /** Where the search stopped (nextHorizon): an answer with fewer than `count` says how far it looked. */
  until?: Date | undefined;
  /**
   * The day or range the meetings had to start in ("next meeting tomorrow": "Tomorrow · Fri 27 Nov", "tomorrow"): the
   * header names it, and the summary says what was found there, not how far ahead calbot looked.
   */
  within?: { label: string; phrase: string } | undefined;
  /** "when's my last meeting", "what time do I finish" (with `within`): the one meeting is that day's last, and when it ends is the answer. */
  last?: boolean | undefined;
  /** "how long is my next meeting": the summary says how long the one meeting is, not only when it starts. */
  length?: boolean | undefined;
  /** With `last`: the meeting is over ("when is my last meeting with sam"), and the summary says which day it was. */
  ended?: boolean | undefined;
  /** A sentence said before the answer ("You have no more meetings today." when "when do I start" looks on). */
  note?: string | undefined;
  /** `subject` is people by role ("my manager"): finding none, the summary says calbot goes by names, and how to ask. */
  byRole?: boolean | undefined;
  /** "when am I off next" (TIME_OFF): the header and an empty answer say time off, not a meeting matching "time off". */
  timeOff?: boolean | undefined;
  /**
   * "is the offsite still on" (with `subject`, `count` 1): `events` is the next one named, cancelled or not, and when it
   * is cancelled the next one still on after it, if any; the summary says which.
   */
  status?: boolean | undefined;
  /**
   * "is sam in my next meeting" (`count` 1): whether someone so named is in the one meeting found (`present`; undefined
   * when calbot does not know who is in it), which the summary says first.
   */
  attendee?: { text: string; present: boolean | undefined } | undefined;
  /** "who organized the design review", "who's in my next meeting" (`count` 1): who, of the one meeting found. */
  who?: WhoInfo | undefined;
}

/**
 * Who organized a meeting and who is invited, as a "who" question reads them of its event (EventDoc's organizer,
 * isOrganizer, attendees). `attendees` absent: not known (an event stored before calbot kept them, or not found).
 */
export interface WhoInfo {
  asks: WhoAsked;
  organizer?: string | undefined;
  /** The user organizes it. */
  you?: boolean | undefined;
  attendees?: readonly EventAttendee[] | undefined;
  /** With `asks` 'answer': the one asked about ("has sam accepted"), as typed, and those invited so named. */
  person?: { text: string; invited: readonly EventAttendee[] } | undefined;
}

/** Names a row says it is with before "and N others" (withWhomText). */
const MAX_NAMES_BESIDE = 3;
const MAX_WITH_CHARS = 200;

/**
 * Who the user meets in a meeting, for a row of "who am I meeting tomorrow": "with Priya Raman, Sam Smith and 2
 * others" (the organizer unless it is the user, then those invited who have not declined). Undefined when it is no
 * one else, or not known.
 */
export function withWhomText(who: Omit<WhoInfo, 'asks'>): string | undefined {
  const names = [...(who.organizer && !who.you ? [who.organizer] : []), ...(who.attendees ?? []).filter((person) => (person.response ?? '').toLowerCase() !== 'declined').map((person) => person.name)];
  if (names.length === 0) return undefined;
  const shown = names.slice(0, names.length > MAX_NAMES_BESIDE ? MAX_NAMES_BESIDE - 1 : MAX_NAMES_BESIDE);
  const others = names.length - shown.length;
  const list = others > 0 ? `${shown.join(', ')} and ${others} other${others === 1 ? '' : 's'}` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : shown[0]!;
  return `with ${list}`;
}

/** Names a "who" answer lists before "and N more". */
const MAX_NAMES_LISTED = 12;
const RESPONSE_WORDS: Readonly<Record<string, string>> = { accepted: 'accepted', tentativelyaccepted: 'tentative', declined: 'declined', notresponded: 'no answer' };

/**
 * What a "who" answer says: "Organized by Priya Raman." / "You organized it." (asked who organized it), or that and how
 * many are invited ("Organized by Priya Raman · 3 invited."), with the list of them (`people`): "Invited: Sam Smith
 * (accepted) · Robert Kahn (optional, tentative) · Priya (declined)".
 */
export function whoSaid(who: WhoInfo): { sentence: string; people: string } {
  const organizer = who.you ? 'You organized it' : who.organizer ? `Organized by ${who.organizer}` : '';
  if (who.asks === 'organizer') return { sentence: organizer ? `${organizer}.` : "I can't see who organized it.", people: '' };
  if (!who.attendees) return { sentence: `${organizer ? `${organizer}. ` : ''}I can't see who is invited yet.`, people: '' };
  const count = who.attendees.length;
  const invited = count === 0 ? 'no one else is invited' : `${count} invited`;
  const sentence = organizer ? `${organizer} · ${invited}.` : `${invited.charAt(0).toUpperCase()}${invited.slice(1)}.`;
  const names = who.attendees.slice(0, MAX_NAMES_LISTED).map((person) => {
    const marks = [person.optional ? 'optional' : '', RESPONSE_WORDS[(person.response ?? '').toLowerCase()] ?? ''].filter(Boolean);
    return marks.length > 0 ? `${person.name} (${marks.join(', ')})` : person.name;
  });
  const more = count > MAX_NAMES_LISTED ? ` · and ${count - MAX_NAMES_LISTED} more` : '';
  const people = count === 0 ? '' : `Invited: ${names.join(' · ')}${more}`;
  if (who.asks === 'answer') return { sentence: personAnswerSentence(who.person, who.attendees, who.you === true), people };
  if (who.asks === 'people' || count === 0) return { sentence, people };
  return { sentence: answeredSentence(who.asks, who.attendees, who.you === true), people };
}

/** What an answer of Graph's says after a name ("Sam Smith accepted."). */
const ANSWER_SAID: Readonly<Record<string, string>> = { accepted: 'accepted', tentativelyaccepted: 'accepted tentatively', declined: 'declined' };

/** Whether the copy of a meeting shows anyone's answer: the organizer's does; an invitation's mostly does not. */
function answersSeen(attendees: readonly EventAttendee[], you: boolean): boolean {
  return you || attendees.some((person) => ANSWER_SAID[(person.response ?? '').toLowerCase()] !== undefined);
}

/**
 * "has sam accepted the design review": "Sam Smith accepted." / "Sam Smith hasn't answered." / "No one named "sam" is
 * invited." / their answer not shown to the user (an invitation's copy): "Sam Smith is invited; I can't see their answer".
 */
function personAnswerSentence(person: WhoInfo['person'], attendees: readonly EventAttendee[], you: boolean): string {
  const invited = person?.invited ?? [];
  if (invited.length === 0) return `No one named "${quoted(person?.text)}" is invited.`;
  const seen = answersSeen(attendees, you);
  return invited
    .slice(0, MAX_NAMES_BESIDE)
    .map((one) => {
      const said = ANSWER_SAID[(one.response ?? '').toLowerCase()];
      if (said) return `${one.name} ${said}.`;
      return seen ? `${one.name} hasn't answered.` : `${one.name} is invited; I can't see their answer: Outlook shows answers to the organizer.`;
    })
    .join(' ');
}

/**
 * "Declined: Sam Smith and Priya." / "No one has declined." / "Accepted: ... (2 of 5)." / "No answer yet from ...". An
 * invitation's copy in an attendee's calendar mostly shows no one's answer (Outlook shows them to the organizer): with
 * none seen on a meeting the user did not organize, the sentence says so rather than "no answer from anyone".
 */
function answeredSentence(asks: WhoAnswered, attendees: readonly EventAttendee[], you: boolean): string {
  const response = (person: EventAttendee) => (person.response ?? 'none').toLowerCase();
  const seen = attendees.filter((person) => ANSWER_SAID[response(person)] !== undefined);
  if (!you && seen.length === 0) return `${attendees.length} invited. I can't see their answers: Outlook shows them to the organizer.`;
  // Graph's 'accepted' and 'declined' are the answers asked for; a tentative one is neither.
  const those = asks === 'unanswered' ? attendees.filter((person) => !seen.includes(person)) : attendees.filter((person) => response(person) === asks);
  if (those.length === 0) return asks === 'unanswered' ? 'Everyone invited has answered.' : `No one has ${asks}${asks === 'accepted' ? ' yet' : ''}.`;
  const names = those.slice(0, MAX_NAMES_LISTED).map((person) => person.name);
  const rest = those.length - names.length;
  const list = rest > 0 ? `${names.join(', ')} and ${rest} more` : names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]!;
  const of = ` (${those.length} of ${attendees.length})`;
  return asks === 'unanswered' ? `No answer yet from ${list}${of}.` : `${asks === 'accepted' ? 'Accepted' : 'Declined'}: ${list}${of}.`;
}

/** Why nothing was found for "next meeting with my manager", and the question that would find it. */
function byRoleHint(last: boolean | undefined): string {
  return ` I know people by name, not by role: ask with their name, like "${last ? 'when was my last meeting with' : 'next meeting with'} Sam".`;
}

/**
 * "next meeting": the one meeting, when and in how long. "next 3 meetings": that many in one card, grouped by day
 * (the header names no day), each row as the agenda's; fewer found than asked, the summary says so. "next standup":
 * the header quotes what was matched, and nothing found says how far calbot looked.
 */
export function renderNextAnswer(input: NextInput): ScheduleAnswer {
  const { zone, now, events } = input;
  const count = input.count ?? 1;
  const subject = quoted(input.subject);
  const { within } = input;
  const byLength = input.longest && `${input.longest === 'longest' ? 'Longest' : 'Shortest'} meeting${subject ? ` matching "${subject}"` : ''}`;
  const named = byLength || (input.timeOff && !input.last ? 'Next time off' : input.last ? (subject ? `Last "${subject}"` : 'Last meeting') : subject ? `Next "${subject}"` : 'Next up');
  const header = `${named}${within ? ` · ${within.label}` : ''}`;
  const matching = `${subject ? ` matching "${subject}"` : ''}${input.after ? ` after ${clockTime(DateTime.fromJSDate(input.after, { zone: luxonZone(zone) }), input.clock)}` : ''}`;
  const first = events[0];
  if (!first) {
    const found = within ? `No meetings${matching} ${within.phrase}.` : matching ? `No meeting${matching} ${lookedAhead(input.until, now)}.` : 'Nothing coming up on your calendar.';
    const summary = input.timeOff && !within
      ? `No time off ${lookedAhead(input.until, now)}: nothing shown as out of office, and no all-day vacation, holiday or leave.`
      : input.byRole ? `${found}${byRoleHint(input.last)}` : found;
    return renderAnswer({ header, summary: withNote(input.note, summary), groups: [], ...footnoteOf(input) });
  }
  const local = localClock(zone);
  if (input.status && first.isCancelled) {
    // "Cancelled: the one on Tue 8 Dec at 09:00. The next "offsite" is on Tue 15 Dec, in 12 days."
    const day = localDayOf(first, zone);
    const at = first.isAllDay ? '' : ` at ${clockTime(local(first.start), input.clock)}`;
    const later = events[1];
    const after = later
      ? ` The next "${subject}" is ${sentenceDay(relativeDay(localDayOf(later, zone), now, zone))}, ${later.isAllDay ? 'all day' : startsIn(later.start, now, zone)}.`
      : ` No other "${subject}" ${lookedAhead(input.until, now)}.`;
    return renderAnswer({ header, summary: `Cancelled: the one ${sentenceDay(relativeDay(day, now, zone))}${at}.${after}`, groups: groupsByDay(events.slice(0, 2), now, zone, local, input.clock), ...footnoteOf(input) });
  }
  if (count === 1) {
    const day = localDayOf(first, zone);
    const ends =
      input.last &&
      (input.ended
        ? `Your last meeting${matching} was ${sentenceDay(relativeDay(day, now, zone))}; it ended at ${clockTime(local(first.end), input.clock)}.`
        : `Your last meeting${matching}${within ? ` ${within.phrase}` : ''} ${first.end <= now ? 'ended' : 'ends'} at ${clockTime(local(first.end), input.clock)}.`);
    const long = input.length ? ` · ${durationText(Math.round((first.end.getTime() - first.start.getTime()) / 60_000))} long` : '';
    // "longest meeting this week" may be one gone by: said as over, not as "starting now".
    const soon = input.longest && first.end <= now ? 'over' : startsIn(first.start, now, zone);
    const when = ends || (first.isAllDay ? allDayWhen(first, now, zone) : `${relativeDay(day, now, zone)}, ${soon}${long}`);
    const named = input.attendee && quoted(input.attendee.text);
    const attendee =
      input.attendee && (input.attendee.present === true ? `Yes, "${named}" is in it. ` : input.attendee.present === false ? `No one named "${named}" is in it. ` : "I can't see who is in it. ");
    const who = input.who && whoSaid(input.who);
    const summary = withNote(input.note, input.status ? `Still on: ${when}` : attendee ? `${attendee}${when}` : who ? `${who.sentence} ${when}` : when);
    return renderAnswer({ header, summary, groups: [{ label: '', rows: [eventRow(first, day, local, false, input.clock)] }], people: who?.people, ...footnoteOf(input) });
  }
  const groups = groupsByDay(events, now, zone, local, input.clock);
  const most = input.asked ? ` (${count} is the most I list at once)` : '';
  const found = within
    ? events.length >= count
      ? `Your first ${meetings(count)}${matching} ${within.phrase}${most}.`
      : `Only ${meetings(events.length)}${matching} ${within.phrase}.`
    : events.length >= count
      ? `Your next ${meetings(count)}${matching}${most}.`
      : `Only ${meetings(events.length)}${matching || ' coming up'} ${lookedAhead(input.until, now)}.`;
  const when = first.isAllDay ? startsIn(localDayOf(first, zone).toJSDate(), now, zone) : startsIn(first.start, now, zone);
  const firstStarts = `${events.length === 1 ? 'It' : 'The first'} ${when === 'starting now' ? 'is starting now' : `starts ${when}`}.`;
  return renderAnswer({ header, summary: `${found} ${firstStarts}`, groups, ...footnoteOf(input) });
}

/** Events in start order as rows under their days' labels ("Tomorrow · Fri 27 Nov"), overlaps marked. */
function groupsByDay(events: readonly DisplayEvent[], now: Date, zone: string, local: LocalClock, clock: ClockStyle | undefined): Group[] {
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) }).startOf('day');
  const conflicts = conflictingEvents(events);
  const groups: Group[] = [];
  let groupDay: DateTime | undefined;
  for (const event of events) {
    const eventDay = localDayOf(event, zone);
    if (!groupDay || !sameDate(eventDay, groupDay)) {
      groupDay = eventDay;
      groups.push({ label: dayLabel(groupDay, today), rows: [] });
    }
    groups.at(-1)!.rows.push(eventRow(event, groupDay, local, conflicts.has(event), clock));
  }
  return groups;
}

/** The user's day an event starts on: an all-day event's first date (stored at midnight UTC), a timed one's in `zone`. */
function localDayOf(event: DisplayEvent, zone: string): DateTime {
  if (event.isAllDay) return DateTime.fromISO(allDayDates(event).startDate, { zone: luxonZone(zone) });
  return DateTime.fromJSDate(event.start, { zone: luxonZone(zone) }).startOf('day');
}

/**
 * When a next all-day event is ("when's my next vacation"): "Tomorrow, all day", "Mon 21 Dec, all day, in 18 days",
 * and one of several days to its last ("Mon 21 Dec to Fri 1 Jan 2027, in 18 days"), not "in 17 h" to a midnight.
 */
function allDayWhen(event: DisplayEvent, now: Date, zone: string): string {
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) }).startOf('day');
  const { startDate, endDate } = allDayDates(event);
  const first = DateTime.fromISO(startDate, { zone: luxonZone(zone) });
  const last = DateTime.fromISO(endDate, { zone: luxonZone(zone) }).minus({ days: 1 });
  const days = daysBetween(today, first);
  const span = last > first ? `${relativeDay(first, now, zone)} to ${shortDate(last, today)}` : `${relativeDay(first, now, zone)}, all day`;
  return days >= 2 ? `${span}, in ${days} days` : span;
}

/** `summary` after `note`, when there is one. */
function withNote(note: string | undefined, summary: string): string {
  return note ? `${note} ${summary}` : summary;
}

/** relativeDay inside a sentence: "today", "on Tue 24 Nov". */
function sentenceDay(day: string): string {
  return day === 'Today' || day === 'Tomorrow' || day === 'Yesterday' ? day.toLowerCase() : `on ${day}`;
}

/** "in the next 60 days": how far a search ahead went; the synced part of the calendar when that is all of it. */
function lookedAhead(until: Date | undefined, now: Date): string {
  const days = until ? Math.floor((until.getTime() - now.getTime()) / 86_400_000) : 0;
  return days >= 1 ? `in the next ${days} day${days === 1 ? '' : 's'}` : 'in the part of your calendar I keep in sync';
}

export interface NowInput extends AnswerExtras {
  zone: string;
  now: Date;
  /** Events under way at `now` (the caller's cut; cancelled ones are skipped here anyway). */
  current: readonly DisplayEvent[];
  next?: DisplayEvent | undefined;
  /** "who's in this meeting": who, of the meeting the user is in (the first, when double-booked). */
  who?: WhoInfo | undefined;
}

/** The meetings under way among `current` that make the user busy, in display order: the first is "this meeting". */
export function meetingsNow<E extends DisplayEvent>(current: readonly E[]): E[] {
  return current.filter((event) => !event.isCancelled && blocksTime(event) && !event.isAllDay).sort(byDisplayOrder);
}

export function renderNowAnswer(input: NowInput): ScheduleAnswer {
  const { zone, now } = input;
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) }).startOf('day');
  const current = input.current.filter((event) => !event.isCancelled).sort(byDisplayOrder);
  const busy = meetingsNow(current);
  // An all-day event shown as busy or away is no meeting, but "free right now" would contradict "am I free at 3",
  // which it makes a no (as Outlook's free/busy does).
  const allDay = current.filter((event) => blocksTime(event) && event.isAllDay);
  const away = allDay.some((event) => (event.showAs ?? '').toLowerCase() === 'oof') ? 'out of office' : 'marked busy';
  const summary =
    busy.length === 0
      ? allDay.length > 0
        ? `No meeting right now, but you're ${away} all day.`
        : "You're free right now."
      : busy.length === 1
        ? `You're in a meeting until ${clockTime(DateTime.fromJSDate(busy[0]!.end, { zone: luxonZone(zone) }), input.clock)}.`
        : `You're double-booked: ${busy.length} events right now.`;
  const who = input.who && busy.length > 0 ? whoSaid(input.who) : undefined;
  const groups: Group[] = [];
  if (current.length > 0) groups.push({ label: '', rows: current.map((event) => eventRow(event, today, localClock(zone), busy.length > 1 && busy.includes(event), input.clock)) });
  if (input.next && !input.next.isCancelled) {
    const nextDay = DateTime.fromJSDate(input.next.start, { zone: luxonZone(zone) }).startOf('day');
    groups.push({ label: `Next, ${startsIn(input.next.start, now, zone)}`, rows: [eventRow(input.next, nextDay, localClock(zone), false, input.clock)] });
  }
  return renderAnswer({ header: 'Right now', summary: who ? `${summary} ${busy.length > 1 ? `In "${clip(busy[0]!.subject, MAX_SUBJECT_CHARS)}": ` : ''}${who.sentence}` : summary, groups, people: who?.people, ...footnoteOf(input) });
}

// ---- free at / free slots -------------------------------------------------------------------------------------

export interface FreeAtInput extends AnswerExtras {
  /** The day, "Today · Thu 26 Nov": the header adds the range's times ("· 15:00–15:30"). */
  label: string;
  zone: string;
  range: TimeRange;
  /** The events that make the user busy during the range (conflictsDuring). */
  conflicts: readonly DisplayEvent[];
  /** The user's Outlook working hours (the default when absent): a time outside them is said to be. */
  workingHours?: WorkingHours | undefined;
  /** Which way the question was put ("am I free at 3" / "am I busy at 3"): the yes or no answers that one. */
  asks?: 'free' | 'busy';
  /**
   * The words the meetings asked about had to match ("do I have a call with bob at 3": "bob"): `conflicts` are only
   * those, and the yes or no is about them; the header quotes the words.
   */
  subject?: string | undefined;
  /** With `subject`: the other events that make the user busy then, which an answer that found none says and lists. */
  others?: readonly DisplayEvent[] | undefined;
  /**
   * With `subject`, when none is then: those it names at other times that day ("is my standup at 9", and it is at
   * 9:30), in start order. The answer says when they are rather than a bare no, which reads as "no standup today".
   */
  elsewhere?: readonly DisplayEvent[] | undefined;
  /** A sentence said after the answer ("I can see only your calendar, not Sam's."). */
  note?: string | undefined;
  /** "who organized my 3pm", "who's my 3pm with": who, of the first meeting then, said instead of the yes or no. */
  who?: WhoInfo | undefined;
}

/** Times "No: "standup" is at ..." lists; a day with more of them says how many more (the card lists them all). */
const MAX_TIMES_SAID = 3;

export function renderFreeAtAnswer(input: FreeAtInput): ScheduleAnswer {
  const { zone, range } = input;
  const day = DateTime.fromJSDate(range.start, { zone: luxonZone(zone) }).startOf('day');
  const conflicts = input.conflicts.filter((event) => !event.isCancelled);
  const busy = conflicts.length > 0;
  const yes = (input.asks ?? 'free') === 'free' ? !busy : busy;
  const subject = quoted(input.subject);
  const others = subject ? (input.others ?? []).filter((event) => !event.isCancelled) : [];
  const elsewhere = subject && !busy && !yes ? input.elsewhere ?? [] : [];
  const some = (events: readonly DisplayEvent[], other: boolean) => (events.length === 1 ? (other ? 'something else' : 'something') : `${events.length}${other ? ' other' : ''} events`);
  const local = localClock(zone);
  const then = others.length > 0 ? `You have ${some(others, true)} then.` : "You're free then.";
  // "Yes, you have something matching "bob" then." / "No, nothing matching "bob" then. You have something else then."
  // / "No: "standup" is at 09:30. You're free then."
  const answer = subject
    ? busy
      ? `${yes ? 'Yes' : 'No'}, you have ${some(conflicts, false)} matching "${subject}" then.`
      : elsewhere.length > 0
        ? `No: "${subject}" is at ${startTimes(elsewhere, local, input.clock)}. ${then}`
        : `${yes ? 'Yes' : 'No'}, nothing matching "${subject}" then. ${then}`
    : `${yes ? 'Yes' : 'No'}, ${busy ? `you have ${some(conflicts, false)} then` : "you're free then"}.`;
  // Free at 20:00 is true and worth knowing is after hours, as Outlook's scheduling assistant shades it.
  const hours = input.workingHours ?? DEFAULT_WORKING_HOURS;
  const working = workingWindows(range, zone, hours).reduce((sum, window) => sum + window.end.getTime() - window.start.getTime(), 0);
  const outside = working === 0 ? "That's outside your working hours" : working < range.end.getTime() - range.start.getTime() ? 'Part of it is outside your working hours' : '';
  const said = outside ? `${answer} ${outside} (${describeWorkingHours(hours, zone, input.clock)}).` : answer;
  const who = input.who && busy ? whoSaid(input.who) : undefined;
  const summary = who ? who.sentence : input.who ? 'Nothing on your calendar then.' : input.note ? `${said} ${input.note}` : said;
  const rows = (events: readonly DisplayEvent[]) => events.map((event) => eventRow(event, day, local, false, input.clock));
  // Nothing matching then: those named at other times that day, and what is in the way then, each under its own label.
  const groups: Group[] = busy
    ? [{ label: '', rows: rows(conflicts) }]
    : [...(elsewhere.length > 0 ? [{ label: 'Other times that day', rows: rows(elsewhere) }] : []), ...(others.length > 0 ? [{ label: 'Also then', rows: rows(others) }] : [])];
  const times = `${input.label} · ${timeSpan(range.start, range.end, day, local, input.clock)}`;
  return renderAnswer({ header: subject ? `${times} · "${subject}"` : times, summary, groups, people: who?.people, ...footnoteOf(input) });
}

/** "09:30", "09:30 and 16:00", "09:00, 11:00, 14:00 and 2 more": when events start, on the user's clock. */
function startTimes(events: readonly DisplayEvent[], local: LocalClock, clock: ClockStyle | undefined): string {
  const times = events.slice(0, MAX_TIMES_SAID).map((event) => clockTime(local(event.start), clock));
  if (events.length > MAX_TIMES_SAID) return `${times.join(', ')} and ${events.length - MAX_TIMES_SAID} more`;
  return times.length > 1 ? `${times.slice(0, -1).join(', ')} and ${times.at(-1)}` : times[0]!;
}

export interface FreeSlotsInput extends AnswerExtras {
  label: string;
  phrase?: string;
  zone: string;
  /** The range the slots were looked for in (to tell "not a working day" from "working hours are over"). */
  range: TimeRange;
  /** From freeSlots(): free gaps inside working hours. */
  slots: readonly TimeRange[];
  /** The user's Outlook working hours; the default (09:00–17:00, Mon–Fri) when absent. */
  workingHours?: WorkingHours | undefined;
  /** How long a slot had to be, when the question said ("free for an hour"): `slots` are those. */
  minutes?: number | undefined;
  /** With `minutes` and no slot that long: the longest free time there is, to say instead. */
  longest?: TimeRange | undefined;
  /** The range is a stretch of a day ("between 10 and 12"): the header adds its times ("· 10:00–12:00"). */
  times?: boolean | undefined;
  /** Said instead of the summary ("Tue 8 Dec has no meetings in your working hours (09:00–17:00).": a free day found). */
  lead?: string | undefined;
  /** Said before the summary ("I can see only your calendar, not Bob's.": "find a time with bob"). */
  note?: string | undefined;
}

export function renderFreeSlotsAnswer(input: FreeSlotsInput): ScheduleAnswer {
  const { zone } = input;
  const hours = input.workingHours ?? DEFAULT_WORKING_HOURS;
  const window = describeWorkingHours(hours, zone, input.clock);
  const byDay = new Map<string, { day: DateTime; rows: Row[] }>();
  for (const slot of input.slots) {
    const start = DateTime.fromJSDate(slot.start, { zone: luxonZone(zone) });
    const key = start.toISODate()!;
    const entry = byDay.get(key) ?? { day: start.startOf('day'), rows: [] };
    const times = rowTimes(slot.start, slot.end, start, localClock(zone), input.clock);
    entry.rows.push({ ...EMPTY_ROW, timeStart: times.start, timeEnd: times.end, clockStart: times.clockStart, clockEnd: times.clockEnd, cardDetails: times.days, title: duration(slot.start, slot.end) });
    byDay.set(key, entry);
  }
  const multiDay = byDay.size > 1;
  const groups = [...byDay.values()].map(({ day, rows }) => ({ label: multiDay ? longDate(day) : '', rows }));
  const when = input.phrase ?? 'then';
  const length = input.minutes === undefined ? undefined : durationText(input.minutes);
  let summary = length ? `Free for ${length} or more within working hours (${window}):` : `Free within working hours (${window}):`;
  if (groups.length === 0) {
    // Why there is nothing: no working day in the range, the working day is over, or it is full.
    const inHours = (instant: Date) => DateTime.fromJSDate(instant, { zone: luxonZone(hours.zone ?? zone) });
    const wholeDays = { start: inHours(input.range.start).startOf('day').toJSDate(), end: inHours(new Date(input.range.end.getTime() - 1)).startOf('day').plus({ days: 1 }).toJSDate() };
    const windows = workingWindows(wholeDays, zone, hours);
    if (windows.length === 0) summary = `No working hours ${when}: you work ${describeWorkingWeek(hours, zone, input.clock)}.`;
    // "free between 7 and 8am": a stretch of the day before work has begun is not one where it is over.
    else if (input.times && input.range.end <= windows[0]!.start) summary = `That's before your working hours (${window}).`;
    else if (workingWindows(input.range, zone, hours).length === 0) summary = `Working hours (${window}) are over ${when}.`;
    else if (length) summary = `Nothing free for ${length} or more in working hours (${window}) ${when}.${input.longest ? ` The longest free time: ${longestText(input.longest, zone, input.clock, sameLocalDay(input.range, zone))}.` : ''}`;
    else summary = `No free time in working hours (${window}) ${when}.`;
  }
  if (input.lead) summary = input.lead;
  if (input.note) summary = `${input.note} ${summary}`;
  const local = localClock(zone);
  const label = input.times ? `${input.label} · ${timeSpan(input.range.start, input.range.end, local(input.range.start), local, input.clock)}` : input.label;
  return renderAnswer({ header: `Free time · ${label}`, summary, groups, ...footnoteOf(input) });
}

/** "45 min, 14:15–15:00", or with its day when the range asked about spans days: "45 min, Wed 9 Dec 14:15–15:00". */
function longestText(slot: TimeRange, zone: string, clock: ClockStyle | undefined, oneDay: boolean): string {
  const start = DateTime.fromJSDate(slot.start, { zone: luxonZone(zone) });
  const end = DateTime.fromJSDate(slot.end, { zone: luxonZone(zone) });
  return `${duration(slot.start, slot.end)}, ${oneDay ? '' : `${shortDate(start)} `}${clockTime(start, clock)}–${clockTime(end, clock)}`;
}

/** Whether `range` lies within one day on the user's clock (its end may be that day's midnight). */
function sameLocalDay(range: TimeRange, zone: string): boolean {
  const start = DateTime.fromJSDate(range.start, { zone: luxonZone(zone) });
  return DateTime.fromJSDate(range.end, { zone: luxonZone(zone) }) <= start.startOf('day').plus({ days: 1 });
}

// ---- shared rendering -----------------------------------------------------------------------------------------

interface Row {
  /** When the row starts ("09:30", "Wed 23:00", "All day") and ends ('' for all day or a moment): one span in text. */
  timeStart: string;
  timeEnd: string;
  /**
   * The card's two lines of time, clocks only ("23:00" over "01:00"), and the days they are on when not the row's
   * ("Until Fri", "From Wed"), said with the details: a weekday in the time column widened it for every row.
   */
  clockStart: string;
  clockEnd: string;
  cardDetails: string;
  title: string;
  details: string;
  marker: string;
  markerColor: 'Default' | 'Attention' | 'Warning' | 'Good';
  joinUrl: string;
  struck: boolean;
}

interface Group {
  label: string;
  rows: Row[];
}

interface CardContent {
  header: string;
  summary: string;
  groups: Group[];
  /** "Invited: Sam Smith (accepted) · …": a "who" question's list (whoSaid). */
  people?: string | undefined;
  footnote?: string | undefined;
  footnoteAction?: FootnoteAction | undefined;
}

function footnoteOf(input: AnswerExtras): Pick<CardContent, 'footnote' | 'footnoteAction'> {
  return { footnote: input.footnote, footnoteAction: input.footnoteAction };
}

/** A button that sends a command back as the user would type it (Action.Submit with { command }). */
export interface FootnoteAction {
  title: string;
  command: string;
}

const EMPTY_ROW: Row = { timeStart: '', timeEnd: '', clockStart: '', clockEnd: '', cardDetails: '', title: '', details: '', marker: '', markerColor: 'Default', joinUrl: '', struck: false };

/**
 * Caps rows at MAX_ROWS, then keeps dropping rows until the serialized card and text fit CARD_BYTE_BUDGET (subjects are
 * capped in characters, but a character can be 4 bytes of UTF-8 and more once JSON-escaped).
 */
function renderAnswer(content: CardContent): ScheduleAnswer {
  const total = content.groups.reduce((sum, group) => sum + group.rows.length, 0);
  let limit = Math.min(total, MAX_ROWS);
  for (;;) {
    const groups = takeRows(content.groups, limit);
    const more = total > limit ? `…and ${total - limit} more` : '';
    const data = {
      timeWidth: timeColumnWidth(groups),
      header: clip(content.header, MAX_SUBJECT_CHARS),
      summary: clip(content.summary, MAX_SUBJECT_CHARS * 2),
      groups,
      people: clip(content.people ?? '', MAX_PEOPLE_CHARS),
      more,
      footnote: clip(content.footnote ?? '', MAX_FOOTNOTE_CHARS),
      footnoteTitle: content.footnote ? (content.footnoteAction?.title ?? '') : '',
      footnoteCommand: content.footnoteAction?.command ?? '',
    };
    const attachment = renderCard(SCHEDULE_CARD_TEMPLATE, data);
    const text = plainText(data);
    // The message carries both (answerActivity): Teams' limit is on the whole of it.
    if (limit === 0 || Buffer.byteLength(JSON.stringify(attachment.content), 'utf8') + Buffer.byteLength(JSON.stringify(text), 'utf8') <= CARD_BYTE_BUDGET) {
      return { text, attachment };
    }
    limit = Math.floor(limit * 0.8);
  }
}

/**
 * The time column's width, the same on every row so that titles line up: the longest time on the card in monospace,
 * whose characters are all 0.6 em wide (Courier New, Consolas' 0.55 em aside, and Teams' mobile fonts), at Teams'
 * 14 px. A fixed width where "auto" sized each row's column to its own time and, when a time was long, let the
 * title column take the width first and cut the time ("10:00 AM–10:…" on a phone).
 */
function timeColumnWidth(groups: readonly Group[]): string {
  let longest = 1;
  for (const group of groups) for (const row of group.rows) longest = Math.max(longest, codePoints(row.clockStart), codePoints(row.clockEnd));
  return `${Math.ceil(longest * MONOSPACE_CHAR_PX) + 2}px`;
}

const MONOSPACE_CHAR_PX = 0.6 * 14;

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function takeRows(groups: readonly Group[], limit: number): Group[] {
  const taken: Group[] = [];
  let left = limit;
  for (const group of groups) {
    if (left <= 0) break;
    const rows = group.rows.slice(0, left);
    left -= rows.length;
    taken.push({ label: group.label, rows });
  }
  return taken;
}

function plainText(data: { header: string; summary: string; groups: Group[]; people: string; more: string; footnote: string }): string {
  const lines = [data.header];
  if (data.summary) lines.push(data.summary);
  for (const group of data.groups) {
    if (group.label) lines.push('', group.label);
    for (const row of group.rows) {
      const extras = [row.details, row.marker].filter(Boolean).join(' · ');
      lines.push(`${row.timeEnd ? `${row.timeStart}–${row.timeEnd}` : row.timeStart}  ${row.title}${extras ? ` (${extras})` : ''}${row.joinUrl ? ` ${row.joinUrl}` : ''}`);
    }
  }
  if (data.people) lines.push('', data.people);
  if (data.more) lines.push(data.more);
  if (data.footnote) lines.push('', data.footnote);
  return lines.join('\n');
}

function eventRow(event: DisplayEvent, day: CalendarDate, local: LocalClock, conflict: boolean, clock: ClockStyle = '24h'): Row {
  const markers: string[] = [];
  const response = (event.responseStatus ?? '').toLowerCase();
  const showAs = (event.showAs ?? '').toLowerCase();
  // A cancelled meeting (listed when asked whether it is still on) is that and nothing more.
  const cancelled = event.isCancelled === true;
  if (cancelled) markers.push('Cancelled');
  else {
    if (conflict) markers.push('Conflict');
    if (response === 'declined') markers.push('Declined');
    else if (response === 'tentativelyaccepted') markers.push('Tentative');
    else if (showAs === 'tentative') markers.push('Tentative');
    if (showAs === 'free') markers.push('Free');
    else if (showAs === 'oof') markers.push('Out of office');
  }
  const markerColor = cancelled || conflict || response === 'declined' ? 'Attention' : markers.includes('Tentative') ? 'Warning' : 'Default';
  const times = event.isAllDay ? ALL_DAY_TIMES : rowTimes(event.start, event.end, day, local, clock);
  const details = [clip(event.location?.trim() ?? '', MAX_LOCATION_CHARS), clip(event.withWhom ?? '', MAX_WITH_CHARS)].filter(Boolean).join(' · ');
  return {
    timeStart: times.start,
    timeEnd: times.end,
    clockStart: times.clockStart,
    clockEnd: times.clockEnd,
    cardDetails: [times.days, details].filter(Boolean).join(' · '),
    title: clip(event.subject.trim() || '(no subject)', MAX_SUBJECT_CHARS),
    details,
    marker: markers.join(' · '),
    markerColor,
    joinUrl: cancelled ? '' : safeJoinUrl(event.joinUrl),
    struck: cancelled || response === 'declined',
  };
}

/**
 * Timed events that overlap another busy timed event on the answer. All-day events and time shown as free
 * do not make a conflict (a holiday banner is not a double booking).
 */
/** An invitation the user has not answered (Graph's responseStatus notResponded), still on. */
/**
 * A meeting the user organizes: Graph's response on the organizer's copy is "organizer". An appointment of the user's
 * own, with no one else in it (no `people`: the sync keeps none then), is no meeting they organized for anyone.
 */
function organizedByUser(event: DisplayEvent): boolean {
  return !event.isCancelled && (event.responseStatus ?? '').toLowerCase() === 'organizer' && (event.people?.length ?? 0) > 0;
}

function awaitsAnswer(event: DisplayEvent): boolean {
  return !event.isCancelled && (event.responseStatus ?? '').toLowerCase() === 'notresponded';
}

function conflictingEvents(events: readonly DisplayEvent[]): Set<DisplayEvent> {
  const timed = events.filter((event) => !event.isAllDay && blocksTime(event)).sort((a, b) => a.start.getTime() - b.start.getTime());
  const conflicts = new Set<DisplayEvent>();
  for (let i = 0; i < timed.length; i++) {
    const a = timed[i]!;
    for (let j = i + 1; j < timed.length; j++) {
      const b = timed[j]!;
      if (b.start.getTime() >= a.end.getTime()) break;
      conflicts.add(a).add(b);
    }
  }
  return conflicts;
}

/**
 * "09:30–10:00" on `day`; a start on another day gets its weekday ("Wed 23:00–Thu 01:00"), and so does an end on a
 * later day than the start ("23:00–Fri 01:00"), except an end at exactly the next midnight.
 */
function timeSpan(start: Date, end: Date, day: CalendarDate, local: LocalClock, clock: ClockStyle = '24h'): string {
  const times = rowTimes(start, end, day, local, clock);
  return times.end ? `${times.start}–${times.end}` : times.start;
}

interface RowTimes {
  /** "Wed 23:00" and "Fri 01:00": each end with its weekday when it is not on the row's day (the end: the start's). */
  start: string;
  end: string;
  /** The same ends, clocks only, and the days they name ("From Wed until Fri"; '' when both are the row's). */
  clockStart: string;
  clockEnd: string;
  days: string;
}

const ALL_DAY_TIMES: RowTimes = { start: 'All day', end: '', clockStart: 'All day', clockEnd: '', days: '' };

function rowTimes(start: Date, end: Date, day: CalendarDate, local: LocalClock, clock: ClockStyle = '24h'): RowTimes {
  // Every row of every card comes through here: calendar fields only, since each luxon step in an IANA zone
  // (hasSame, minus, setLocale) asks Intl for the zone offset again, and that was most of a turn's CPU.
  const s = local(start);
  const e = local(end);
  const clockStart = clockTime(s, clock);
  const clockEnd = clockTime(e, clock);
  const startsOnDay = sameDate(s, day);
  // An end at exactly the next midnight still ends "that day".
  const endsSameDay = sameDate(e, s) || (e.toMillis() > s.toMillis() && atMidnightOf(e) && sameDate(e, nextDate(s)));
  const moment = s.toMillis() === e.toMillis();
  // The note names what the row's day does not say: an end on the row's day (or at the midnight that ends it) goes unsaid.
  const endsOnDay = sameDate(e, day) || (atMidnightOf(e) && sameDate(e, nextDate(day)));
  const from = startsOnDay ? '' : `From ${dayWord(s, day)}`;
  const until = endsOnDay || moment ? '' : `${from ? 'until' : 'Until'} ${dayWord(e, day)}`;
  return {
    start: startsOnDay ? clockStart : `${WEEKDAYS_SHORT[s.weekday - 1]} ${clockStart}`,
    end: moment ? '' : endsSameDay ? clockEnd : `${WEEKDAYS_SHORT[e.weekday - 1]} ${clockEnd}`,
    clockStart,
    clockEnd: moment ? '' : clockEnd,
    days: [from, until].filter(Boolean).join(' '),
  };
}

/** The day `date` is on, said beside `day`'s rows: its weekday within a week of it ("Fri"), else its date ("4 Dec"). */
function dayWord(date: CalendarDay, day: CalendarDate): string {
  return Math.abs(daysBetween(day, date)) < 7 ? WEEKDAYS_SHORT[date.weekday - 1]! : dayMonth(date);
}

function atMidnightOf(time: DateTime): boolean {
  return time.hour === 0 && time.minute === 0 && time.second === 0 && time.millisecond === 0;
}

/** The calendar date after `time`'s (plain date arithmetic, no zone). */
function nextDate(time: CalendarDate): { year: number; month: number; day: number } {
  const next = new Date(Date.UTC(time.year, time.month - 1, time.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** The local days `range` touches, each at its local midnight (at most 366). */
function localDays(range: TimeRange, zone: string): DateTime[] {
  const first = DateTime.fromJSDate(range.start, { zone: luxonZone(zone) }).startOf('day');
  const last = DateTime.fromMillis(Math.max(range.end.getTime() - 1, range.start.getTime()), { zone: luxonZone(zone) });
  const count = Math.min(daysBetween(first, last) + 1, 366);
  const days = [first];
  for (let i = 1; i < count; i++) days.push(days[i - 1]!.plus({ days: 1 }).startOf('day'));
  return days;
}

function relativeDay(day: DateTime, now: Date, zone: string): string {
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) });
  const diff = daysBetween(today, day);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Tomorrow';
  if (diff === -1) return 'Yesterday'; // "your last meeting with sam was yesterday"
  return shortDate(day, today);
}

/**
 * "in 25 min", "in 3 h 10 min"; from a day away, the days counted as the calendar counts them, as the day beside it
 * ("Fri 4 Dec, in 2 days"): 24-hour days rounded said "Tomorrow, in 2 days" at 36 hours, and "in 1 day" of the day
 * after tomorrow. Tomorrow is said in hours, however many.
 */
function startsIn(start: Date, now: Date, zone: string): string {
  const minutes = Math.round((start.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'starting now';
  if (minutes < 60) return `in ${minutes} min`;
  const days = daysBetween(DateTime.fromJSDate(now, { zone: luxonZone(zone) }), DateTime.fromJSDate(start, { zone: luxonZone(zone) }));
  if (minutes < 24 * 60 || days <= 1) return `in ${durationText(minutes)}`;
  return `in ${days} days`;
}

function duration(start: Date, end: Date): string {
  return durationText(Math.round((end.getTime() - start.getTime()) / 60_000));
}

function durationText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Join buttons open only https links: a calendar invite from outside can carry any "URL". */
function safeJoinUrl(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).protocol === 'https:' ? url : '';
  } catch {
    return '';
  }
}

/** Cuts at a code point boundary (never half an emoji) and marks the cut with an ellipsis. */
export function clip(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('').trimEnd()}…`;
}
