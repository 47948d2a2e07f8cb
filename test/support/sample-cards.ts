import { DateTime } from 'luxon';
import type { Attachment } from 'botbuilder';
import { connectedCard, signInCard } from '../../src/auth/sign-in-card.js';
import {
  renderFreeAtAnswer,
  renderFreeSlotsAnswer,
  renderNextAnswer,
  renderNowAnswer,
  renderScheduleAnswer,
  type DisplayEvent,
  type ScheduleAnswer,
} from '../../src/chat/schedule-card.js';
import { renderNoticeSummary } from '../../src/notices/notice-card.js';
import type { NoticeLine } from '../../src/notices/notice-text.js';
import type { EventAttendee } from '../../src/store/collections.js';
import { MAX_PEOPLE } from '../../src/sync/event-mapping.js';

/**
 * Every kind of card calbot sends, filled the way that strains it: the Adaptive Cards parser (card-validation.ts) and
 * the renderer in Chromium (card-render.ts) check the same set. Europe/London, Thursday 26 November 2026.
 */
export const SAMPLE_ZONE = 'Europe/London';
const L = SAMPLE_ZONE;

/** Markdown, a template expression, an emoji and right-to-left text: what a calendar invite from outside can carry. */
export const HOSTILE_TEXT = '**bold** _it_ 1. [Sign in](https://evil.example) ${header} 🚀 اجتماع';

export const at = (iso: string, zone = L) => DateTime.fromISO(iso, { zone }).toJSDate();

export function timed(subject: string, start: string, end: string, extra: Partial<DisplayEvent> = {}, zone = L): DisplayEvent {
  return { subject, start: at(start, zone), end: at(end, zone), isAllDay: false, isCancelled: false, ...extra };
}

export function allDay(subject: string, date: string, next: string): DisplayEvent {
  return { subject, start: new Date(`${date}T00:00:00Z`), end: new Date(`${next}T00:00:00Z`), startDate: date, endDate: next, isAllDay: true, isCancelled: false };
}

const THURSDAY = { start: at('2026-11-26T00:00'), end: at('2026-11-27T00:00') };
const join = (id: string) => `https://teams.microsoft.com/l/meetup-join/${id}`;

/** A busy working day as people have them: overlaps, a declined call, time shown as free, Teams meetings. */
export const BUSY_DAY: DisplayEvent[] = [
  allDay('Company offsite prep', '2026-11-26', '2026-11-27'),
  timed('Standup', '2026-11-26T09:00', '2026-11-26T09:15', { joinUrl: join('standup'), location: 'Microsoft Teams Meeting' }),
  timed('Design review: calendar cards for phones', '2026-11-26T09:30', '2026-11-26T10:30', { location: 'Room 4.12 (Fishbowl)', responseStatus: 'tentativelyAccepted', joinUrl: join('review') }),
  timed('1:1 with Sam', '2026-11-26T10:00', '2026-11-26T10:30', { joinUrl: join('sam') }),
  timed('Lunch', '2026-11-26T12:00', '2026-11-26T13:00', { showAs: 'free' }),
  timed('Vendor call — renewal', '2026-11-26T13:00', '2026-11-26T14:00', { responseStatus: 'declined' }),
  timed('Sprint planning', '2026-11-26T14:00', '2026-11-26T15:30', { location: 'Room 2', joinUrl: join('planning') }),
  timed('Focus time', '2026-11-26T16:00', '2026-11-26T17:00'),
  timed('Release night', '2026-11-26T23:00', '2026-11-27T01:00', { location: 'On call' }),
];

export function busyDayAnswer(clock: '24h' | '12h' = '24h'): ScheduleAnswer {
  return renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THURSDAY, events: BUSY_DAY, clock });
}

/** "who's in the design review" on the busy day, at 09:05: its organizer and those invited, with their answers. */
export function whoIsInvitedAnswer(): ScheduleAnswer {
  const attendees: EventAttendee[] = [
    { name: 'Sam Smith', response: 'accepted' },
    { name: 'Grace Hopper', response: 'tentativelyAccepted', optional: true },
    { name: 'Robert Kahn', response: 'declined' },
    { name: 'José Núñez', response: 'notResponded' },
    { name: 'guest@fabrikam.example' },
  ];
  return renderNextAnswer({ zone: L, now: at('2026-11-26T09:05'), events: [BUSY_DAY[2]!], subject: 'design review', who: { asks: 'people', organizer: 'Priya Raman', attendees } });
}

/** [name, card] for every kind of schedule answer, hostile text in its subjects and locations, both clocks. */
export function sampleScheduleAnswers(): [string, ScheduleAnswer][] {
  const hostile = HOSTILE_TEXT;
  const events = [
    allDay(hostile, '2026-11-26', '2026-11-27'),
    timed(hostile, '2026-11-26T09:30', '2026-11-26T10:00', { joinUrl: join('abc'), location: hostile }),
    timed('Design review', '2026-11-26T09:45', '2026-11-26T11:00', { responseStatus: 'tentativelyAccepted' }),
    timed('Vendor call', '2026-11-26T13:00', '2026-11-26T14:00', { responseStatus: 'declined' }),
    timed('Focus time', '2026-11-26T14:00', '2026-11-26T16:00', { showAs: 'free' }),
    timed('Away', '2026-11-26T16:00', '2026-11-26T17:00', { showAs: 'oof' }),
  ];
  const extras = { footnote: 'As of 10:42 · last sync failed', footnoteAction: { title: 'Sync now', command: 'sync now' }, clock: '12h' as const };
  const now = at('2026-11-26T09:40');
  const range = { start: at('2026-11-26T15:00'), end: at('2026-11-26T15:30') };
  const week = { start: at('2026-11-23T00:00'), end: at('2026-11-30T00:00') };
  // A meeting cancelled (with a join link it no longer offers), and the next one so named.
  const cancelled = timed(hostile, '2026-11-26T11:00', '2026-11-26T12:00', { isCancelled: true, joinUrl: join('cancelled'), location: hostile });
  const later = timed(hostile, '2026-12-03T11:00', '2026-12-03T12:00', { joinUrl: join('later') });
  const many = Array.from({ length: 60 }, (_, i) => timed(`${hostile} ${'x'.repeat(250)}`, '2026-11-26T08:00', '2026-11-26T20:00', { location: 'L'.repeat(255), joinUrl: join(String(i)) }));
  return [
    ['agenda, a busy day', busyDayAnswer('24h')],
    ['agenda, a busy day, 12-hour clock', busyDayAnswer('12h')],
    ['next, who is invited to the design review', whoIsInvitedAnswer()],
    ['agenda', renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THURSDAY, events, ...extras })],
    ['agenda, who am I meeting', renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THURSDAY, events: events.map((event) => ({ ...event, withWhom: `with ${hostile}, ${hostile} and 48 others` })), ...extras })],
    ['agenda, empty', renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THURSDAY, events: [] })],
    ['agenda, a week', renderScheduleAnswer({ label: 'This week', zone: L, range: week, events, ...extras })],
    ['agenda, 60 meetings', renderScheduleAnswer({ label: 'Today', zone: L, range: THURSDAY, events: many })],
    ['agenda, meetings named', renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range: THURSDAY, events: [], subject: hostile, others: 3 })],
    ['next', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), ...extras })],
    ['next 3', renderNextAnswer({ zone: L, now, events: events.slice(1, 4), count: 3, ...extras })],
    ['next, none', renderNextAnswer({ zone: L, now, events: [], subject: hostile, until: at('2027-01-25T09:40') })],
    ['now', renderNowAnswer({ zone: L, now, current: events.slice(1, 3), next: events[3], ...extras })],
    ['now, who is in it', renderNowAnswer({ zone: L, now, current: events.slice(1, 3), next: events[3], who: { asks: 'people', organizer: hostile, attendees: invitees(hostile) }, ...extras })],
    ['free at', renderFreeAtAnswer({ label: 'Today', zone: L, range, conflicts: events.slice(4, 5), ...extras })],
    ['free at, who organized it', renderFreeAtAnswer({ label: 'Today', zone: L, range, conflicts: events.slice(4, 5), asks: 'busy', who: { asks: 'people', you: true, attendees: invitees(hostile).slice(0, 3) }, ...extras })],
    ['free at, named elsewhere', renderFreeAtAnswer({ label: 'Today', zone: L, range, conflicts: [], elsewhere: events.slice(1, 2), others: events.slice(4, 5), subject: hostile })],
    ['free slots', renderFreeSlotsAnswer({ label: 'Today', zone: L, range: THURSDAY, slots: [{ start: at('2026-11-26T11:00'), end: at('2026-11-26T13:00') }], ...extras })],
    ['free slots, none', renderFreeSlotsAnswer({ label: 'Saturday', zone: L, range: { start: at('2026-11-28T00:00'), end: at('2026-11-29T00:00') }, slots: [] })],
    ['agenda, a time of day each day', renderScheduleAnswer({ label: 'This week', phrase: 'this week', zone: L, range: week, events, daily: { from: 0, to: 600 }, ...extras })],
    ['agenda, early meetings, none', renderScheduleAnswer({ label: 'This week', phrase: 'this week', zone: L, range: week, events: [], daily: { from: 0, to: 540, working: 'before' } })],
    ['agenda, still on?, cancelled ones', renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range: THURSDAY, events: [cancelled, ...events.slice(1, 3)], subject: hostile, status: true })],
    ['agenda, none named today, the next one', renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range: THURSDAY, events: [], subject: hostile, others: 2, nextNamed: later, now })],
    ['next, still on?, cancelled', renderNextAnswer({ zone: L, now, events: [cancelled, later], subject: hostile, status: true, ...extras })],
    ['next, still on?, cancelled, none after', renderNextAnswer({ zone: L, now, events: [cancelled], subject: hostile, status: true, until: at('2027-01-25T09:40') })],
    ['next, still on', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), subject: hostile, status: true })],
    ['next, who is in it', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), attendee: { text: hostile, present: false }, ...extras })],
    // "who's in my next meeting": the most names listed, each as long as a name is kept, hostile, with their answers.
    ['next, who is invited', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), who: { asks: 'people', organizer: hostile, attendees: invitees(hostile) }, ...extras })],
    ['next, who organized it', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), who: { asks: 'organizer', organizer: hostile } })],
    // "who declined the design review", "has sam accepted it": the names of those who answered so, hostile.
    ['next, who declined', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), who: { asks: 'declined', organizer: hostile, you: true, attendees: invitees(hostile).map((person) => ({ ...person, response: 'declined' })) }, ...extras })],
    ['next, one person\'s answer', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), who: { asks: 'answer', attendees: invitees(hostile), person: { text: hostile, invited: invitees(hostile).slice(0, 3) } } })],
    ['next, the longest', renderNextAnswer({ zone: L, now, events: events.slice(1, 2), subject: hostile, within: { label: 'This week', phrase: 'this week' }, length: true, longest: 'longest', ...extras })],
    ['agenda, the busiest day', renderScheduleAnswer({ label: 'This week', phrase: 'this week', zone: L, range: week, events, busiest: true, ...extras })],
    ['agenda, organized by you', renderScheduleAnswer({ label: 'This week', phrase: 'this week', zone: L, range: week, events: events.map((event) => ({ ...event, responseStatus: 'organizer', people: [hostile] })), only: 'organized' })],
    ['free slots, a stretch, with someone', renderFreeSlotsAnswer({ label: 'Today', zone: L, range: { start: at('2026-11-26T10:00'), end: at('2026-11-26T12:00') }, times: true, slots: [{ start: at('2026-11-26T11:00'), end: at('2026-11-26T12:00') }], note: `I can see only your calendar, not ${hostile}'s.`, ...extras })],
    ['free slots, a free day', renderFreeSlotsAnswer({ label: 'Mon 30 Nov', zone: L, range: { start: at('2026-11-30T00:00'), end: at('2026-12-01T00:00') }, slots: [{ start: at('2026-11-30T09:00'), end: at('2026-11-30T17:00') }], lead: 'Mon 30 Nov has no meetings in your working hours (09:00–17:00).' })],
  ];
}

/** Fifty invitees (EventDoc.attendees' most) of 100-character names, every answer among them. */
function invitees(text: string): EventAttendee[] {
  const responses = ['accepted', 'tentativelyAccepted', 'declined', 'notResponded', undefined];
  return Array.from({ length: MAX_PEOPLE }, (_, i) => ({
    name: `${i} ${text}`.padEnd(100, 'x').slice(0, 100),
    ...(responses[i % responses.length] ? { response: responses[i % responses.length]! } : {}),
    ...(i % 3 === 0 ? { optional: true as const } : {}),
  }));
}

/** The change-notice summary cards: a long one, and one held over quiet hours. */
export function sampleNoticeSummaries(text = HOSTILE_TEXT): Attachment[] {
  const line = (label: string, hour: number): NoticeLine => ({
    kind: 'added',
    label,
    detail: `${text}, Thu 26 Nov ${hour}:00–${hour + 1}:00, ${text}`,
    text: `${label}: ${text}`,
    startsAt: at(`2026-11-26T${hour}:00`),
    endsAt: at(`2026-11-26T${hour + 1}:00`),
  });
  const lines = ['New', 'Moved', 'Changed', 'Cancelled', 'Removed', 'New', 'New', 'New', 'New', 'New', 'New', 'New'].map((label, i) => line(label, 8 + i));
  return [renderNoticeSummary(lines).attachment, renderNoticeSummary(lines.slice(0, 6), { heldForQuietHours: true }).attachment];
}

/** The sign-in cards: connect, reconnect, switch (named by the account), and "already connected". */
export function sampleSignInCards(name = HOSTILE_TEXT): [string, Attachment][] {
  const url = 'https://login.example/authorize?state=abc&x="y"';
  return [
    ['sign-in', signInCard(url)],
    ['sign-in, reconnect', signInCard(url, { reconnect: true })],
    ['sign-in, switch', signInCard(url, { connectedAs: name })],
    ['connected', connectedCard({ username: 'ada.lovelace@contoso.example', displayName: name, connectedAt: new Date('2025-03-04T05:06:07.890Z') }, url)],
  ];
}
