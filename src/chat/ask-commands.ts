import { TurnContext } from 'botbuilder';
import { DateTime } from 'luxon';
import { microsoftAppMissingMessage, signInCard } from '../auth/sign-in-card.js';
import type { MicrosoftAuth } from '../auth/microsoft-auth.js';
import type { Logger } from '../log.js';
import { answerContextFor } from '../store/answer-context.js';
import { eventDocId, type AccountDoc, type ChatUserDoc, type Collections } from '../store/collections.js';
import { calendarFreshness, syncCoverage } from './calendar-freshness.js';
import { defineCommand, type ChatCommand } from './chat-command.js';
import { clockTime, shortDate, type ClockStyle } from './date-text.js';
import { blocksTime, conflictsDuring, DEFAULT_WORKING_HOURS, describeWorkingHours, freeSlots, workingWindows, type TimeRange, type WorkingHours } from './free-slots.js';
import { LastQuestions } from './follow-up.js';
import { dayOfQuestion, isScheduleQuestion, lastQuestionOf, matchesSubject, parseQuestion, readsDayFirst, type LastQuestion, type MeetingAnchor, type Question, type QuestionOptions, type SubjectFilter, type UnsupportedSpan, type WhoAsked, type ZoneSaid } from './question.js';
import {
  answerActivity,
  eventsForDisplay,
  meetingsNow,
  MAX_ROWS,
  withWhomText,
  renderFreeAtAnswer,
  renderFreeSlotsAnswer,
  renderNextAnswer,
  renderNowAnswer,
  renderScheduleAnswer,
  type AnswerExtras,
  type DisplayEvent,
  type ScheduleAnswer,
  type WhoInfo,
} from './schedule-card.js';
import { atTimeOfDay, dailyBounds, eventsBetween, isUpcomingMeeting, nextEvents, nextHorizon, prefetchDays, storedCalendar, type StoredCalendar } from './schedule-query.js';
import { clientTimeZoneOf } from './chat-users.js';
import type { DayReads } from '../sync/calendar-days.js';
import { BadTimeZoneInput, describeUserZone, parseTimeZoneCommand, resolveUserZone, userZoneWithSource, type TimeZoneCommand } from './time-zone.js';
import { luxonZone } from './zone-offsets.js';

/**
 * "what's on today", "next meeting", "am I free at 3" and "timezone Europe/Paris": questions answered from the
 * stored calendar in the user's zone, with the data's freshness said plainly. Never calls Graph.
 */
export interface AskCommandDeps {
  collections: Collections;
  /** Undefined when the Microsoft app is not configured: "connect outlook" then explains that instead. */
  auth: MicrosoftAuth | undefined;
  logger: Logger;
  /** SYNC_INTERVAL: data older than two of these gets an "As of" footnote. */
  syncIntervalMs: number;
  /** The clock (tests and benchmarks may pin it). */
  now?: () => Date;
}

/**
 * What a question starts reading before the chat user is in: the question read in the zone Teams reported, and the
 * reads of its days. Whether (and how freshly) the calendar is synced comes with the chat user (answer-context.ts).
 */
export interface AskPrefetch {
  now: Date;
  likely: { zone: string; question: Question | UnsupportedSpan } | undefined;
  dayReads: DayReads | undefined;
  /** The user's last question, which a follow-up ("and friday?") asks again: this process's memory (LastQuestions). */
  last: LastQuestion | undefined;
}

export const FIRST_SYNC_TEXT = "I'm still syncing your calendar for the first time; ask again in a minute.";
export const NOT_CONNECTED_TEXT = "You haven't connected your Outlook calendar yet, so I can't see your schedule.";

/**
 * "next summer", "this year": what calbot says of a span it does not answer for, in the words typed. A season's
 * dates depend on where one is (and on whom one asks); a year or a quarter is more than one answer lists.
 */
export function unsupportedSpanText(question: UnsupportedSpan): string {
  if (question.what === 'calendar') {
    // "my manager's calendar": by role, so the meetings with them are asked by their name.
    const role = question.span.startsWith('my ') ? question.span.slice(3) : undefined;
    const whose = role ? `your ${role}'s` : possessive(question.span);
    return `I can see only your calendar, not ${whose}. Ask "meetings with ${role ? 'sam' : question.span}"${role ? ', with their name,' : ''} for the ones you are both in, or "am I free at 3" for your own time.`;
  }
  if (question.what === 'date') return `There's no ${/\//.test(question.span) ? `such date as ${question.span}` : question.span}. Ask about another day, like "what's on tomorrow" or "what's on dec 3".`;
  if (question.what === 'holidays') {
    return `I can't answer for "${question.span}": the holidays have no fixed dates (they depend on where you are). Ask about the days you mean, like "the christmas holidays" or "what's on between christmas and new year".`;
  }
  const why = question.what === 'season' ? 'a season has no fixed dates (they depend on where you are)' : `a ${question.what} is more than I list at once`;
  return `I can't answer for "${question.span}": ${why}. Ask about a day, a week or a month instead, like "what's on next week" or "what's on in june".`;
}

/** The user's zone: their override, else the mailbox's, else the one Teams reports, else UTC. */
export function userZone(user: Pick<ChatUserDoc, 'timeZoneOverride' | 'clientTimeZone'>, account: Pick<AccountDoc, 'mailboxTimeZone'> | null | undefined): string {
  return resolveUserZone({ override: user.timeZoneOverride, mailbox: account?.mailboxTimeZone, client: user.clientTimeZone });
}

export function askCommands(deps: AskCommandDeps): ChatCommand<any, any>[] {
  const { collections, auth, logger } = deps;
  const clock = deps.now ?? (() => new Date());
  const lastQuestions = new LastQuestions(clock);

  const notConnected = async (turn: TurnContext, user: ChatUserDoc) => {
    if (!auth) {
      await turn.sendActivity(`${NOT_CONNECTED_TEXT} ${microsoftAppMissingMessage()}`);
      return;
    }
    const link = await auth.createSignInLink(user._id, TurnContext.getConversationReference(turn.activity));
    await turn.sendActivity({ text: `${NOT_CONNECTED_TEXT} Connect it here, or say "connect outlook" any time.`, attachments: [signInCard(link)], textFormat: 'plain' });
  };

  return [
    defineCommand<TimeZoneCommand | BadTimeZoneInput>({
      name: 'timezone',
      help: { usage: 'timezone Europe/Paris', description: 'show times in this zone (or a city\'s: timezone paris; also: timezone reset; timezone alone says which one is used)' },
      match: (text) => parseTimeZoneCommand(text),
      async run(turn, user, parsed) {
        // match() saw lower-cased text: a zone not known is quoted back as typed. Only then: the text as typed may
        // carry what normalizing dropped ("calbot, timezone Paris please").
        const original = parsed instanceof BadTimeZoneInput ? parseTimeZoneCommand((turn.activity.text ?? '').replace(/<at>[^<]*<\/at>/gi, ' ').trim()) : undefined;
        const command = original ?? parsed;
        if (command instanceof BadTimeZoneInput) {
          await turn.sendActivity({ text: command.message, textFormat: 'plain' });
          return;
        }
        const now = clock();
        const account = await collections.accounts.findOne({ _id: user._id }, { projection: { mailboxTimeZone: 1, clockStyle: 1 } });
        const style = account?.clockStyle;
        if ('show' in command) {
          const { zone, source } = userZoneWithSource({ override: user.timeZoneOverride, mailbox: account?.mailboxTimeZone, client: user.clientTimeZone });
          const change = source === 'mailbox' || source === 'client' ? ' Say "timezone Europe/Paris" to use another.' : '';
          await turn.sendActivity({ text: `${describeUserZone(zone, source, localTime(now, zone, style))}${change}`, textFormat: 'plain' });
          return;
        }
        if ('clear' in command) {
          await collections.chatUsers.updateOne({ _id: user._id }, { $unset: { timeZoneOverride: '' } });
          const { zone, source } = userZoneWithSource({ mailbox: account?.mailboxTimeZone, client: user.clientTimeZone });
          await turn.sendActivity({ text: `Time zone override cleared. ${describeUserZone(zone, source, localTime(now, zone, style))}`, textFormat: 'plain' });
          logger.info({ event: 'timezone-cleared', userKey: user._id, zone }, 'time zone override cleared');
          return;
        }
        await collections.chatUsers.updateOne({ _id: user._id }, { $set: { timeZoneOverride: command.zone } });
        await turn.sendActivity({ text: `Times are now shown in ${command.zone} (currently ${localTime(now, command.zone, style)}).`, textFormat: 'plain' });
        logger.info({ event: 'timezone-set', userKey: user._id, zone: command.zone }, 'time zone override set');
      },
    }),
    defineCommand<{ text: string }, AskPrefetch>({
      name: 'ask',
      help: { usage: "what's on today", description: "your schedule (also: tomorrow, this afternoon, tonight, this week, friday, dec 3, next meeting, next 3 meetings, next standup, meetings with sam, who's in my next meeting, am I free at 3, when am I free tomorrow, next free day)" },
      // Whether this is a question at all needs no zone; run() reads it in the user's own zone, once.
      match: (text) => (isScheduleQuestion(text, clock()) ? { text } : undefined),
      load: async (userKey, { text }, turn) => {
        const now = clock();
        // The zone Teams sends with the message is nearly always the one the answer is in: the days the question
        // needs there are read now, beside the chat user (and the answer context it carries), not after it.
        const likelyZone = resolveUserZone({ client: clientTimeZoneOf(turn.activity) });
        const last = lastQuestions.get(userKey);
        const likely = parseQuestion(text, now, likelyZone, questionOptions(turn, last));
        const dayReads = likely && likely.kind !== 'unsupported' ? prefetchDays(collections, userKey, likely.kind === 'free-at' ? { ...likely, range: rangeRead(likely, likelyZone) } : likely, now, likelyZone) : undefined;
        return { now, likely: likely && { zone: likelyZone, question: likely }, dayReads, last };
      },
      async run(turn, user, { text }, { now, likely, dayReads, last }) {
        const { account, syncState } = await answerContextFor(collections, user);
        const zone = userZone(user, account);
        const style = account?.clockStyle;
        const question = likely?.zone === zone ? likely.question : parseQuestion(text, now, zone, questionOptions(turn, last));
        if (question && question.kind !== 'unsupported') lastQuestions.set(user._id, lastQuestionOf(question, zone));
        // No calendar can answer it, connected or not.
        if (question?.kind === 'unsupported') return void (await turn.sendActivity({ text: unsupportedSpanText(question), textFormat: 'plain' }));
        if (!question) {
          // "and bob?" with no last question it follows (none named a meeting, or it was forgotten), or a date that
          // does not exist in the user's zone (rare): no question, connected or not.
          await turn.sendActivity({ text: 'I didn\'t catch that. Type "help" to see what I can do.', textFormat: 'plain' });
          return;
        }
        const freshness = calendarFreshness({ account, syncState, now, zone, clock: style, syncIntervalMs: deps.syncIntervalMs });
        if (freshness.kind === 'not-connected') return notConnected(turn, user);
        if (freshness.kind === 'first-sync') {
          const reply = freshness.reconnect
            ? 'Your Outlook connection expired before I could read your calendar. Say "reconnect" to sign in again.'
            : freshness.problem
              ? `I haven't been able to read your calendar yet: ${freshness.problem}`
              : FIRST_SYNC_TEXT;
          await turn.sendActivity({ text: reply, textFormat: 'plain' });
          return;
        }
        // Days outside the synced window are not in the store: say so rather than answer "nothing on" or "free".
        let asked = question;
        let windowNote: string | undefined;
        // "next meeting tomorrow" is bounded by that day, as "what's on tomorrow" is.
        const bounded = question.kind === 'next' ? question.within : question.kind === 'now' ? undefined : question;
        if (bounded) {
          const coverage = syncCoverage(bounded.range, syncState, now, zone);
          if (coverage.kind === 'outside' || (coverage.kind === 'partly' && question.kind === 'free-at')) {
            const then = question.kind === 'agenda' || question.kind === 'next' ? "what's on then" : "whether you're free then";
            await turn.sendActivity({ text: `${bounded.label} is outside the part of your calendar I keep in sync (${coverage.synced}), so I can't tell ${then}.`, textFormat: 'plain' });
            return;
          }
          if (coverage.kind === 'partly') {
            if (question.kind === 'next' && question.ended && question.within) {
              // "when is my last meeting with sam" looks back over the synced days, whichever they are: no note, and
              // the answer names the first of them ("No meetings matching "sam" since Mon 2 Nov").
              const since = shortDate(DateTime.fromJSDate(coverage.range.start, { zone: luxonZone(zone) }), DateTime.fromJSDate(now, { zone: luxonZone(zone) }));
              asked = { ...question, within: { range: coverage.range, label: `Since ${since}`, phrase: `since ${since}` } };
            } else {
              if (question.kind === 'next' && question.within) asked = { ...question, within: { ...question.within, range: coverage.range } };
              else if (question.kind !== 'next' && question.kind !== 'now') asked = { ...question, range: coverage.range };
              windowNote = coverage.note;
            }
          }
        }
        const calendar = storedCalendar(collections, user._id, syncState, dayReads);
        const footnoteAction = freshness.fix ? { title: freshness.fix === 'reconnect' ? 'Reconnect' : 'Sync now', command: freshness.fix } : undefined;
        const footnote = [windowNote, freshness.footnote].filter(Boolean).join('\n') || undefined;
        const answer = await answerQuestion(calendar, asked, { now, zone, footnote, footnoteAction, workingHours: account?.workingHours, clock: style });
        await turn.sendActivity(answerActivity(answer, turn.activity.channelId));
      },
    }),
  ];
}

/** One question, answered from the user's stored calendar (calendarDays, or the events collection before those). */
export async function answerQuestion(
  calendar: StoredCalendar,
  question: Question,
  context: { now: Date; zone: string; workingHours?: WorkingHours | undefined } & AnswerExtras,
): Promise<ScheduleAnswer> {
  const { now, zone } = context;
  const extras: AnswerExtras = { footnote: context.footnote, footnoteAction: context.footnoteAction, clock: context.clock };
  switch (question.kind) {
    case 'agenda': {
      if (question.anchor) return answerAround(calendar, question, question.anchor, now, zone, extras);
      // "meetings with sam this week": only those (matchesSubject, in code, as for "next standup").
      const { subject } = question;
      // "is standup still on tomorrow": the cancelled ones too, marked.
      const all = await eventsBetween(calendar, question.range, zone, { cancelled: question.status === true && subject !== undefined });
      // "meetings before 9 this week", "early meetings": only those at that time of day.
      const daily = question.daily && dailyBounds(question.daily, context.workingHours ?? DEFAULT_WORKING_HOURS, zone);
      const found = all.filter((event) => (!subject || matchesSubject(subject, event)) && (!daily || atTimeOfDay(event, daily)));
      // "who am I meeting tomorrow": each meeting with who is in it.
      const events = question.who ? await withWhomOf(calendar, found) : found;
      const named = subject && { subject: subject.text, others: all.length - events.length };
      // "meetings with sam", none today: the next one so named.
      const [nextNamed] = subject && question.onward && events.length === 0 ? await nextEvents(calendar, question.range.end, 1, subject, zone) : [];
      const { label, phrase, range, times, only, status, busiest } = question;
      return renderScheduleAnswer({ label, phrase, zone, range, times, only, status, daily, busiest, events, nextNamed, now, ...named, ...extras });
    }
    case 'next': {
      const { count, asked, subject, after, within } = question;
      if (question.last && within) {
        // "when's my last meeting", "what time do I finish": the meeting that ends last that day, begun or not, as
        // "next meeting" picks meetings (not declined, cancelled, free or all-day). "when is my last meeting with sam"
        // (`ended`): the last one that is over.
        const found = (await eventsBetween(calendar, within.range, zone)).filter(
          (event) => !event.isAllDay && blocksTime(event) && (!subject || matchesSubject(subject, event)) && (!question.ended || event.end.getTime() <= now.getTime()),
        );
        const last = found.reduce<DisplayEvent | undefined>((latest, event) => (!latest || event.end > latest.end || (event.end.getTime() === latest.end.getTime() && event.start > latest.start) ? event : latest), undefined);
        return renderNextAnswer({ zone, now, events: last ? [last] : [], count: 1, subject: subject?.text, within: { label: within.label, phrase: within.phrase }, last: true, ended: question.ended, byRole: subject?.role, ...extras });
      }
      if (within && question.longest) {
        // "when is my longest meeting this week": of the meetings that take time then, the longest (the earlier of equals).
        const found = (await eventsBetween(calendar, within.range, zone)).filter((event) => !event.isAllDay && blocksTime(event) && (!subject || matchesSubject(subject, event)));
        const length = (event: DisplayEvent) => event.end.getTime() - event.start.getTime();
        const longer = question.longest === 'longest' ? (a: DisplayEvent, b: DisplayEvent) => length(a) > length(b) : (a: DisplayEvent, b: DisplayEvent) => length(a) < length(b);
        const pick = found.reduce<DisplayEvent | undefined>((best, event) => (!best || longer(event, best) ? event : best), undefined);
        return renderNextAnswer({ zone, now, events: pick ? [pick] : [], count: 1, subject: subject?.text, within: { label: within.label, phrase: within.phrase }, length: true, longest: question.longest, ...extras });
      }
      if (within) {
        // "next meeting tomorrow": the first meetings of that day (from now, today), as "next meeting" picks them.
        const from = within.range.start;
        const found = (await eventsBetween(calendar, within.range, zone)).filter((event) => isUpcomingMeeting(event, from) && (!subject || matchesSubject(subject, event)));
        const on = { label: within.label, phrase: within.phrase };
        // "when do I start" once today's meetings are over: the next working day's first, and that today's are over.
        const onward = found.length === 0 && question.onward ? await nextWorkingDayOf(calendar, within.range, zone, context.workingHours ?? DEFAULT_WORKING_HOURS, now) : undefined;
        if (onward) {
          const first = onward.events.filter((event) => isUpcomingMeeting(event, onward.day.range.start) && (!subject || matchesSubject(subject, event)));
          const day = { label: onward.day.label, phrase: onward.day.phrase };
          return renderNextAnswer({ zone, now, events: first.slice(0, count), count, subject: subject?.text, within: day, note: 'You have no more meetings today.', ...extras });
        }
        const attendee = question.who === 'answer' ? undefined : attendeeIn(question.attendee, found[0]);
        const who = count === 1 ? await whoOf(calendar, found[0], question.who, question.attendee) : undefined;
        return renderNextAnswer({ zone, now, events: found.slice(0, count), count, asked, subject: subject?.text, after, within: on, length: question.length, attendee, who, ...extras });
      }
      if (question.status && subject) {
        // "is the offsite still on": the next one, cancelled or not; cancelled, the next one still on after it.
        const [first] = await nextEvents(calendar, now, 1, subject, zone, { cancelled: true });
        const [later] = first?.isCancelled ? await nextEvents(calendar, now, 1, subject, zone) : [];
        const events = first ? [first, ...(later ? [later] : [])] : [];
        return renderNextAnswer({ zone, now, events, count: 1, subject: subject.text, until: nextHorizon(calendar, now, subject), status: true, byRole: subject.role, ...extras });
      }
      const from = after ?? now; // "next meeting after 3": the meetings from 15:00 on
      const events = await nextEvents(calendar, from, count, subject, zone);
      // "is sam in my next meeting": whether Sam is among its people (unknown for an event stored before people were).
      const attendee = question.who === 'answer' ? undefined : attendeeIn(question.attendee, events[0]);
      const who = count === 1 ? await whoOf(calendar, events[0], question.who, question.attendee) : undefined;
      return renderNextAnswer({ zone, now, events, count, asked, subject: subject?.text, after, until: nextHorizon(calendar, from, subject), length: question.length, byRole: subject?.role, timeOff: subject?.away, attendee, who, ...extras });
    }
    case 'now': {
      const [current, [next]] = await Promise.all([
        eventsBetween(calendar, { start: now, end: new Date(now.getTime() + 1) }, zone),
        nextEvents(calendar, now, 1),
      ]);
      // "who's in this meeting": the one the user is in now (a meeting that blocks time, as "am I in a meeting" reads).
      const who = question.who ? await whoOf(calendar, meetingsNow(current)[0], question.who) : undefined;
      return renderNowAnswer({ zone, now, current, next, who, ...extras });
    }
    case 'free-at': {
      const { subject } = question;
      const read = await eventsBetween(calendar, rangeRead(question, zone), zone);
      const events = subject ? eventsForDisplay(read, question.range, zone) : read;
      const workingHours = context.workingHours ?? DEFAULT_WORKING_HOURS;
      const conflicts = conflictsDuring(events, question.range, zone);
      // "do I have a call with bob at 3": the yes or no is about Bob's; the others then are said, not counted. "Is my
      // standup at 9:30" is yes for a standup shown as free too (standups often are): whether it is then, not whether
      // it blocks the time; not for one declined, which the user is not going to (nor, as ever, a free all-day event).
      const isMeeting = (event: DisplayEvent) => !event.isAllDay && event.responseStatus?.toLowerCase() !== 'declined';
      const isThen = (event: DisplayEvent) => conflicts.includes(event) || isMeeting(event);
      const matching = subject ? events.filter((event) => matchesSubject(subject, event) && isThen(event)) : conflicts;
      // None then: when that day it is instead ("is my standup at 9", and it is at 9:30).
      const elsewhere = subject && matching.length === 0 ? read.filter((event) => !events.includes(event) && isMeeting(event) && matchesSubject(subject, event)) : undefined;
      const named = subject && { subject: subject.text, others: conflicts.filter((event) => !matching.includes(event)), elsewhere };
      // "can I meet with sam at 3": the user's own time; Sam's calendar is not one calbot reads.
      const note = question.proposedWith ? `I can see only your calendar, not ${possessive(question.proposedWith)}.` : question.saidIn ? zoneSaidNote(question.range, question.saidIn, zone, context.clock) : undefined;
      // "who organized my 3pm": the first meeting then (a declined or cancelled one is no one's meeting to ask about).
      const who = question.who ? ((await whoOf(calendar, matching.find((event) => !event.isCancelled && isMeeting(event)) ?? matching.find((event) => !event.isCancelled), question.who)) ?? { asks: question.who }) : undefined;
      return renderFreeAtAnswer({ label: question.label, zone, range: question.range, conflicts: matching, workingHours, asks: question.asks, note, who, ...named, ...extras });
    }
    case 'free-slots': {
      if (question.freeDay) return freeDayAnswer(calendar, question, zone, context.workingHours ?? DEFAULT_WORKING_HOURS, now, extras);
      const events = await eventsBetween(calendar, question.range, zone);
      // "when's my next break": the meeting so named still to come ("Coffee break", often shown as free, which "next
      // meeting" would skip), else the gaps.
      const { named } = question;
      const breakOn = (events: readonly DisplayEvent[]) => named && events.find((event) => !event.isAllDay && event.start >= now && event.responseStatus?.toLowerCase() !== 'declined' && matchesSubject(named, event));
      const namedNext = breakOn(events);
      if (named && namedNext) return renderNextAnswer({ zone, now, events: [namedNext], count: 1, subject: named.text, within: { label: question.label, phrase: question.phrase }, ...extras });
      const workingHours = context.workingHours ?? DEFAULT_WORKING_HOURS;
      const slots = freeSlots(events, question.range, zone, workingHours, question.minutes);
      // "when's my next break" after work (or with the rest of the day booked): the next working day's, not "working
      // hours are over today", which answers nothing asked.
      const onward = slots.length === 0 && question.onward ? await nextWorkingDayOf(calendar, question.range, zone, workingHours, now) : undefined;
      if (onward) {
        const { day, events: later } = onward;
        const namedThen = breakOn(later);
        if (named && namedThen) return renderNextAnswer({ zone, now, events: [namedThen], count: 1, subject: named.text, within: { label: day.label, phrase: day.phrase }, ...extras });
        const laterSlots = freeSlots(later, day.range, zone, workingHours);
        return renderFreeSlotsAnswer({ label: day.label, phrase: day.phrase, zone, range: day.range, slots: laterSlots, workingHours, ...extras });
      }
      // Asked for so long a slot, and there is none: the longest there is, so the user can decide.
      const longest = question.minutes !== undefined && slots.length === 0 ? longestOf(freeSlots(events, question.range, zone, workingHours)) : undefined;
      // "find a time with bob": the user's free time, which is all calbot can see.
      const note = question.proposedWith ? `I can see only your calendar, not ${possessive(question.proposedWith)}.` : undefined;
      return renderFreeSlotsAnswer({ label: question.label, phrase: question.phrase, zone, range: question.range, times: question.times, slots, workingHours, minutes: question.minutes, longest, note, ...extras });
    }
  }
}

/**
 * "what do I have after the design review", "anything before my 1:1 tomorrow": the first meeting so named in the
 * range (declined, cancelled and all-day ones are no such landmark), and the meetings of its day that start after
 * (before) it. No day named and none today: the next one so named, and its day.
 */
async function answerAround(calendar: StoredCalendar, question: Extract<Question, { kind: 'agenda' }>, anchor: MeetingAnchor, now: Date, zone: string, extras: AnswerExtras): Promise<ScheduleAnswer> {
  const isLandmark = (event: DisplayEvent) => !event.isAllDay && !event.isCancelled && event.responseStatus?.toLowerCase() !== 'declined' && matchesSubject(anchor.subject, event);
  let day = { range: question.range, label: question.label, phrase: question.phrase };
  let events = await eventsBetween(calendar, day.range, zone);
  let landmark = events.find(isLandmark);
  if (!landmark && anchor.onward) {
    const [next] = (await nextEvents(calendar, now, 3, anchor.subject, zone)).filter(isLandmark);
    if (next) {
      day = dayOfQuestion(next.start, 0, now, zone);
      events = await eventsBetween(calendar, day.range, zone);
      landmark = events.find(isLandmark);
    }
  }
  if (!landmark) return renderScheduleAnswer({ label: day.label, phrase: anchor.onward ? 'today or coming up' : day.phrase, zone, range: day.range, events: [], subject: anchor.subject.text, others: anchor.onward ? 0 : events.length, ...extras });
  const after = anchor.side === 'after';
  const start = landmark.start.getTime();
  const around = events.filter((event) => event !== landmark && !event.isAllDay && (after ? event.start.getTime() > start : event.start.getTime() < start));
  const range = after ? { start: landmark.start, end: day.range.end } : { start: day.range.start, end: landmark.start };
  return renderScheduleAnswer({ label: day.label, phrase: day.phrase, zone, range, events: around, around: { side: anchor.side, landmark }, ...extras });
}

function longestOf(slots: readonly TimeRange[]): TimeRange | undefined {
  let longest: TimeRange | undefined;
  for (const slot of slots) if (!longest || slot.end.getTime() - slot.start.getTime() > longest.end.getTime() - longest.start.getTime()) longest = slot;
  return longest;
}

/** How long `ranges` last in all. */
function totalMs(ranges: readonly TimeRange[]): number {
  return ranges.reduce((sum, range) => sum + (range.end.getTime() - range.start.getTime()), 0);
}

/**
 * "when's my next free day": the first working day from today with no meeting in its working hours (its free time
 * the whole of them), within the question's range and the synced window. Today counts until its working hours are over.
 */
async function freeDayAnswer(calendar: StoredCalendar, question: Extract<Question, { kind: 'free-slots' }>, zone: string, workingHours: WorkingHours, now: Date, extras: AnswerExtras): Promise<ScheduleAnswer> {
  const end = calendar.windowEnd && calendar.windowEnd < question.range.end ? calendar.windowEnd : question.range.end;
  const events = await eventsBetween(calendar, { start: question.range.start, end }, zone);
  const window = describeWorkingHours(workingHours, zone, extras.clock);
  for (let ahead = 0; ; ahead++) {
    const day = dayOfQuestion(question.range.start, ahead, now, zone);
    if (day.range.start >= end) break;
    const working = workingWindows(day.range, zone, workingHours);
    if (working.length === 0 || working.at(-1)!.end <= now) continue;
    const onDay = events.filter((event) => event.start < day.range.end && event.end > day.range.start);
    const free = freeSlots(onDay, day.range, zone, workingHours);
    if (free.length > 0 && totalMs(free) === totalMs(working)) {
      const lead = `${day.phrase === 'today' ? 'Today' : day.phrase === 'tomorrow' ? 'Tomorrow' : day.label} has no meetings in your working hours (${window}).`;
      // Today's free time from now on, as any "when am I free today" shows it.
      const slots = day.range.start < now ? freeSlots(onDay, { start: now, end: day.range.end }, zone, workingHours) : free;
      return renderFreeSlotsAnswer({ label: day.label, phrase: day.phrase, zone, range: day.range, slots, workingHours, lead, ...extras });
    }
  }
  const days = Math.round((end.getTime() - question.range.start.getTime()) / 86_400_000);
  return renderFreeSlotsAnswer({ label: question.label, phrase: question.phrase, zone, range: question.range, slots: [], workingHours, lead: `Every working day in the next ${days} days has a meeting in your working hours (${window}).`, ...extras });
}

/**
 * The first day after `range` with working hours (a week on at most), and its events: where "when's my next break"
 * looks once the day asked about has no free time left in them. Not past the synced window, where no day is filed.
 */
async function nextWorkingDayOf(calendar: StoredCalendar, range: TimeRange, zone: string, workingHours: WorkingHours, now: Date) {
  for (let ahead = 1; ahead <= 7; ahead++) {
    const day = dayOfQuestion(range.start, ahead, now, zone);
    if (calendar.windowEnd && day.range.start >= calendar.windowEnd) return undefined;
    if (workingWindows(day.range, zone, workingHours).length > 0) return { day, events: await eventsBetween(calendar, day.range, zone) };
  }
  return undefined;
}

/**
 * What a yes/no reads: the time asked about, or for one about meetings named the whole day it starts on too, to say
 * when they are when they are not then. Prefetched as such, so the answer still waits for one read.
 */
function rangeRead(question: Extract<Question, { kind: 'free-at' }>, zone: string): TimeRange {
  if (!question.subject) return question.range;
  const day = DateTime.fromJSDate(question.range.start, { zone: luxonZone(zone) }).startOf('day');
  const end = day.plus({ days: 1 }).startOf('day').toJSDate();
  return { start: day.toJSDate(), end: end > question.range.end ? end : question.range.end };
}

/** "15:00 EST is 20:00 your time.": a time said in another zone ("am I free at 3pm EST"), on both clocks. */
function zoneSaidNote(range: TimeRange, said: ZoneSaid, zone: string, clock: ClockStyle | undefined): string {
  const at = (where: string) => clockTime(DateTime.fromJSDate(range.start, { zone: luxonZone(where) }), clock);
  return `${at(said.zone)} ${said.name} is ${at(zone)} your time.`;
}

/** "Sam's", "the design team's": whose calendar calbot does not see, as typed but with names capitalized. */
function possessive(name: string): string {
  const words = name.split(' ').map((word) => (['the', 'my', 'our', 'a', 'an'].includes(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)));
  const whole = words.join(' ');
  return /s$/i.test(whole) ? `${whole}'` : `${whole}'s`;
}

/** How to read the question's numeric dates: in the order of the locale the client sends with the message. */
function questionOptions(turn: TurnContext, last: LastQuestion | undefined): QuestionOptions {
  return { dayFirst: readsDayFirst(turn.activity.locale), last };
}

function localTime(now: Date, zone: string, clock: ClockStyle | undefined): string {
  return clockTime(DateTime.fromJSDate(now, { zone: luxonZone(zone) }), clock);
}

/** "is sam in my next meeting": whether the person asked of is among the meeting's people (unknown for one stored before people were). */
function attendeeIn(person: SubjectFilter | undefined, meeting: DisplayEvent | undefined): { text: string; present: boolean | undefined } | undefined {
  if (!person || !meeting) return undefined;
  return { text: person.text, present: meeting.people ? matchesSubject(person, meeting) : undefined };
}

/**
 * "who organized the design review", "who's in my next meeting": the rest of the one meeting found, read from the
 * events collection by its id (calendarDays files no more than answers show). Nothing asked or no meeting: undefined.
 * With `person` ("has sam accepted the design review"), those invited so named too.
 */
async function whoOf(calendar: StoredCalendar, meeting: DisplayEvent | undefined, asks: WhoAsked | undefined, person?: SubjectFilter): Promise<WhoInfo | undefined> {
  if (!asks || !meeting) return undefined;
  const doc = meeting.eventId
    ? await calendar.collections.events.findOne({ _id: eventDocId(calendar.userKey, meeting.eventId) }, { projection: { _id: 0, organizer: 1, isOrganizer: 1, attendees: 1 } })
    : null;
  if (!doc) return { asks };
  const invited = asks === 'answer' && person && doc.attendees ? { person: { text: person.text, invited: doc.attendees.filter((one) => matchesSubject(person, { subject: '', people: [one.name] })) } } : {};
  return { asks, organizer: doc.organizer?.name || doc.organizer?.address, you: doc.isOrganizer === true, attendees: doc.attendees, ...invited };
}

/** `events` with who the user meets in each (DisplayEvent.withWhom), read from the events collection, those shown at most. */
async function withWhomOf(calendar: StoredCalendar, events: DisplayEvent[]): Promise<DisplayEvent[]> {
  const ids = events.slice(0, MAX_ROWS).flatMap((event) => (event.eventId ? [eventDocId(calendar.userKey, event.eventId)] : []));
  if (ids.length === 0) return events;
  const docs = await calendar.collections.events
    .find({ userKey: calendar.userKey, _id: { $in: ids } }, { projection: { _id: 0, eventId: 1, organizer: 1, isOrganizer: 1, attendees: 1 } })
    .toArray();
  const byId = new Map(docs.map((doc) => [doc.eventId, doc]));
  return events.map((event) => {
    const doc = event.eventId ? byId.get(event.eventId) : undefined;
    const withWhom = doc && withWhomText({ organizer: doc.organizer?.name || doc.organizer?.address, you: doc.isOrganizer === true, attendees: doc.attendees });
    return withWhom ? { ...event, withWhom } : event;
  });
}
