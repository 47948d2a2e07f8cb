import { DateTime } from 'luxon';
import { describeWorkingHours } from '../../src/chat/free-slots.js';
import {
  eventsForDisplay,
  renderFreeAtAnswer,
  renderFreeSlotsAnswer,
  renderNextAnswer,
  renderNowAnswer,
  renderScheduleAnswer,
  answerActivity,
  type DisplayEvent,
  type ScheduleAnswer,
  whoSaid,
  withWhomText,
} from '../../src/chat/schedule-card.js';
import { cardProblems } from '../support/card-validation.js';
import { sampleNoticeSummaries, sampleScheduleAnswers } from '../support/sample-cards.js';
import type { EventAttendee } from '../../src/store/collections.js';
import { readScheduleCard } from './ask-support.js';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const dayOf = (date: string, zone: string) => ({ start: at(`${date}T00:00`, zone), end: DateTime.fromISO(date, { zone }).plus({ days: 1 }).toJSDate() });

function timed(zone: string, subject: string, start: string, end: string, extra: Partial<DisplayEvent> = {}): DisplayEvent {
  return { subject, start: at(start, zone), end: at(end, zone), isAllDay: false, isCancelled: false, ...extra };
}
function allDay(subject: string, date: string, next: string): DisplayEvent {
  return { subject, start: new Date(`${date}T00:00:00Z`), end: new Date(`${next}T00:00:00Z`), startDate: date, endDate: next, isAllDay: true, isCancelled: false };
}

type Node = Record<string, unknown>;
const card = (answer: ScheduleAnswer) => answer.attachment.content as Node;
function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((child) => walk(child, visit));
  else if (node && typeof node === 'object') {
    visit(node as Node);
    Object.values(node).forEach((child) => walk(child, visit));
  }
}
/** Every text a user sees on the card, in order; a row's time column (start over end) read as one span, "09:30–10:00". */
function texts(answer: ScheduleAnswer): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    const items = n.items as Node[] | undefined;
    if (n.type === 'Column' && items?.[0]?.fontType === 'Monospace') {
      found.push(items.map((item) => String(item.text)).join('–'));
      return;
    }
    if ((n.type === 'TextBlock' || n.type === 'TextRun') && typeof n.text === 'string') found.push(n.text);
    Object.values(n).forEach(visit);
  };
  visit(card(answer));
  return found;
}
function joinUrls(answer: ScheduleAnswer): string[] {
  const found: string[] = [];
  walk(card(answer), (n) => {
    if (n.type === 'Action.OpenUrl') found.push(String(n.url));
  });
  return found;
}
const bytes = (answer: ScheduleAnswer) => Buffer.byteLength(JSON.stringify(answer.attachment.content), 'utf8');

const L = 'Europe/London';
const THU = dayOf('2026-11-26', L);

describe('renderScheduleAnswer', () => {
  const events = [
    timed(L, 'Standup', '2026-11-26T09:30', '2026-11-26T10:00', { joinUrl: 'https://teams.microsoft.com/l/meetup-join/abc', location: 'Room 4' }),
    timed(L, 'Design review', '2026-11-26T09:45', '2026-11-26T11:00', { responseStatus: 'tentativelyAccepted' }),
    timed(L, 'Vendor call', '2026-11-26T13:00', '2026-11-26T14:00', { responseStatus: 'declined' }),
    timed(L, 'Focus time', '2026-11-26T14:00', '2026-11-26T16:00', { showAs: 'free' }),
    timed(L, 'Cancelled sync', '2026-11-26T16:00', '2026-11-26T16:30', { isCancelled: true }),
    allDay('Company holiday', '2026-11-26', '2026-11-27'),
  ];
  const answer = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THU, events, footnote: 'As of 10:42 · last sync failed: Microsoft asked us to slow down' });

  it('is an Adaptive Card of the shared version with the header first', () => {
    expect(answer.attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card(answer)).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(texts(answer)[0]).toBe('Today · Thu 26 Nov');
  });

  it('shows one row per active event in the user zone, all-day first, cancelled skipped', () => {
    const t = texts(answer);
    expect(t).toEqual(expect.arrayContaining(['All day', 'Company holiday', '09:30–10:00', 'Standup', 'Room 4', '09:45–11:00', 'Design review', '13:00–14:00', '14:00–16:00']));
    expect(t.join('\n')).not.toMatch(/Cancelled sync/);
    expect(t.indexOf('Company holiday')).toBeLessThan(t.indexOf('Standup'));
  });

  it('marks conflicts, tentative, declined and free', () => {
    const t = texts(answer);
    expect(t).toContain('Conflict');
    expect(t).toContain('Conflict · Tentative');
    expect(t).toContain('Declined');
    expect(t).toContain('Free');
  });

  it('offers Join only where there is a join URL', () => {
    expect(joinUrls(answer)).toEqual(['https://teams.microsoft.com/l/meetup-join/abc']);
  });

  it('ends with the footnote and has a plain-text twin, one line per event', () => {
    expect(texts(answer).at(-1)).toBe('As of 10:42 · last sync failed: Microsoft asked us to slow down');
    const lines = answer.text.split('\n');
    expect(lines[0]).toBe('Today · Thu 26 Nov');
    expect(lines).toContain('09:30–10:00  Standup (Room 4 · Conflict) https://teams.microsoft.com/l/meetup-join/abc');
    expect(lines.filter((line) => /^(\d\d:\d\d|All day)/.test(line))).toHaveLength(5);
  });

  it('a stretch of a day ("after 4pm", "in the next 3 hours") has its times in the header, on the user\'s clock', () => {
    const range = { start: at('2026-11-26T16:00', L), end: at('2026-11-27T00:00', L) };
    const answer = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'then', zone: L, range, times: true, events: [timed(L, 'Late sync', '2026-11-26T17:00', '2026-11-26T17:30')] });
    expect(texts(answer)[0]).toBe('Today · Thu 26 Nov · 16:00–00:00');
    expect(answer.text.split('\n')[0]).toBe('Today · Thu 26 Nov · 16:00–00:00');
    const empty = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'then', zone: L, range, times: true, events: [], clock: '12h' });
    expect(texts(empty).slice(0, 2)).toEqual(['Today · Thu 26 Nov · 4:00 PM–12:00 AM', 'Nothing on your calendar then.']);
    // Across midnight the end names its day; the rows are grouped by day.
    const late = { start: at('2026-11-26T22:00', L), end: at('2026-11-27T01:00', L) };
    const night = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'in the next 3 hours', zone: L, range: late, times: true, events: [] });
    expect(texts(night).slice(0, 2)).toEqual(['Today · Thu 26 Nov · 22:00–Fri 01:00', 'Nothing on your calendar in the next 3 hours.']);
    // Without times, the label alone.
    expect(texts(renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THU, events: [] }))[0]).toBe('Today · Thu 26 Nov');
    // A meeting across that midnight is listed once, under the day it starts; whole days list it under each.
    const release = timed(L, 'Release', '2026-11-26T23:30', '2026-11-27T00:30');
    const stretch = readScheduleCard(renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'in the next 3 hours', zone: L, range: late, times: true, events: [release] }).attachment.content);
    expect(stretch.groups.map((group) => [group.label, group.rows.map((row) => row.title)])).toEqual([['Thursday 26 Nov', ['Release']]]);
    const days = readScheduleCard(renderScheduleAnswer({ label: 'Thu–Fri', zone: L, range: { start: at('2026-11-26T00:00', L), end: at('2026-11-28T00:00', L) }, events: [release] }).attachment.content);
    expect(days.groups.map((group) => group.rows.map((row) => row.title))).toEqual([['Release'], ['Release']]);
  });

  it('says so kindly when the day is empty', () => {
    const empty = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THU, events: [] });
    expect(texts(empty)).toContain('Nothing on your calendar today. Enjoy!');
    expect(empty.text).toContain('Nothing on your calendar today. Enjoy!');
    const cancelledOnly = renderScheduleAnswer({ label: 'Fri 4 Dec', phrase: 'on Fri 4 Dec', zone: L, range: dayOf('2026-12-04', L), events: [timed(L, 'x', '2026-12-04T10:00', '2026-12-04T11:00', { isCancelled: true })] });
    expect(cancelledOnly.text).toContain('Nothing on your calendar on Fri 4 Dec.');
  });

  it('groups a week by day with a sub-header per day that has events', () => {
    const week = { start: at('2026-11-23T00:00', L), end: at('2026-11-30T00:00', L) };
    const weekAnswer = renderScheduleAnswer({
      label: 'This week · 23–29 Nov',
      zone: L,
      range: week,
      events: [timed(L, 'Mon thing', '2026-11-23T10:00', '2026-11-23T11:00'), timed(L, 'Wed thing', '2026-11-25T10:00', '2026-11-25T11:00')],
    });
    const t = texts(weekAnswer);
    expect(t.filter((x) => /day \d/.test(x))).toEqual(['Monday 23 Nov', 'Wednesday 25 Nov']);
    expect(t.indexOf('Monday 23 Nov')).toBeLessThan(t.indexOf('Mon thing'));
    expect(t.indexOf('Mon thing')).toBeLessThan(t.indexOf('Wednesday 25 Nov'));
  });

  it('caps a 500-event day with "and N more" and stays under Teams message limit, card and plain text together', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      timed(L, `${String(i).padStart(3, '0')} ${'x'.repeat(251)}`, '2026-11-26T09:00', '2026-11-26T17:00', { location: 'L'.repeat(255), joinUrl: `https://teams.microsoft.com/l/${'j'.repeat(400)}` }),
    );
    const big = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THU, events: many });
    // The whole activity as it goes out: card, plain text and the rest.
    const message = (answer: ScheduleAnswer) => Buffer.byteLength(JSON.stringify(answerActivity(answer, 'msteams')), 'utf8');
    expect(message(big)).toBeLessThan(28_000);
    expect(texts(big).join('\n')).toMatch(/and \d+ more/);
    expect(big.text).toMatch(/and \d+ more/);
    const emoji = many.map((event) => ({ ...event, subject: '🗓️'.repeat(128) }));
    expect(message(renderScheduleAnswer({ label: 'Today', zone: L, range: THU, events: emoji }))).toBeLessThan(28_000);
  });

  it('sends the plain text as the summary where the channel renders the card (Teams shows text above it), else as the text', () => {
    const answer = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THU, events: [timed(L, 'Standup', '2026-11-26T09:00', '2026-11-26T09:15')] });
    for (const channel of ['msteams', 'emulator', 'webchat', 'directline']) {
      const activity = answerActivity(answer, channel);
      expect(activity.text).toBeUndefined();
      expect(activity.summary).toBe(answer.text);
      expect(activity.attachments).toEqual([answer.attachment]);
    }
    for (const channel of ['sms', 'email', undefined]) {
      const activity = answerActivity(answer, channel);
      expect(activity.text).toBe(answer.text);
      expect(activity.summary).toBeUndefined();
    }
    expect(answer.text).toContain('09:00–09:15  Standup');
  });
});

describe('hostile subjects', () => {
  const hostile = [
    '**bold** _it_ [Sign in](https://evil.example)',
    'He said "hi" \\ and \'bye\'',
    '{ "type": "Action.Submit" } {}',
    '${$root.footnote}',
    '${header}',
    '${if(true, "x", "y")}',
    '<script>alert(1)</script>',
    'Planning 🚀🔥 👩‍👩‍👧',
    'اجتماع الفريق שלום',
    '\u0000\u0007 control \t chars',
  ];

  it.each(hostile)('%j comes out literally, in valid JSON', (subject) => {
    // The card's data holds a value of its own beside the subject (the footnote): a subject evaluated as an expression
    // ("${$root.footnote}") would show it a second time.
    const answer = renderScheduleAnswer({ label: 'Today', zone: L, range: THU, events: [timed(L, subject, '2026-11-26T10:00', '2026-11-26T11:00', { location: subject })], footnote: 'secret-value' });
    const roundTrip = JSON.parse(JSON.stringify(answer.attachment.content)) as unknown;
    expect(roundTrip).toEqual(answer.attachment.content);
    const t = texts(answer);
    expect(t).toContain(subject.trim());
    expect(answer.text).toContain(subject.trim());
    expect(JSON.stringify(answer.attachment.content).split('secret-value')).toHaveLength(2);
    expect(answer.text.split('secret-value')).toHaveLength(2);
  });

  // "next <whatever the user typed>": their words are quoted in the header and the summary.
  it.each(hostile)('a subject asked for, %j, is quoted literally, in valid JSON', (typed) => {
    const answer = renderNextAnswer({ zone: L, now: at('2026-11-26T10:42', L), events: [], subject: typed, until: at('2027-01-25T10:42', L), footnote: 'secret-value' });
    expect(JSON.parse(JSON.stringify(answer.attachment.content))).toEqual(answer.attachment.content);
    const quoted = typed.replace(/[\u0000-\u001f]/g, '').trim();
    expect(texts(answer).slice(0, 2)).toEqual([`Next "${quoted}"`, `No meeting matching "${quoted}" in the next 60 days.`]);
    expect(answer.text.startsWith(`Next "${quoted}"\nNo meeting matching "${quoted}"`)).toBe(true);
    expect(JSON.stringify(answer.attachment.content).split('secret-value')).toHaveLength(2);
    // Bound as TextRuns (no markdown), never as a link.
    walk(card(answer), (n) => expect(n.type).not.toBe('Action.OpenUrl'));
  });

  // "meetings with <whatever the user typed> today", "do I have a call with <...> at 3": quoted the same way.
  it.each(hostile)('meetings named %j, on a day and at a time, are quoted literally, in valid JSON', (typed) => {
    const quoted = typed.replace(/[\u0000-\u001f]/g, '').trim();
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    const other = timed(L, 'Review', '2026-11-26T15:00', '2026-11-26T16:00');
    const answers = [
      [renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range: THU, events: [], subject: typed, others: 1, footnote: 'secret-value' }), `Today · "${quoted}"`, `No meetings matching "${quoted}" today (1 other event).`],
      [renderFreeAtAnswer({ label: 'Today', zone: L, range, conflicts: [], others: [other], subject: typed, asks: 'busy', footnote: 'secret-value' }), `Today · 15:00–15:30 · "${quoted}"`, `No, nothing matching "${quoted}" then. You have something else then.`],
      [renderFreeAtAnswer({ label: 'Today', zone: L, range, conflicts: [], elsewhere: [timed(L, typed, '2026-11-26T16:00', '2026-11-26T16:30')], subject: typed, asks: 'busy', footnote: 'secret-value' }), `Today · 15:00–15:30 · "${quoted}"`, `No: "${quoted}" is at 16:00. You're free then.`],
    ] as const;
    for (const [answer, header, summary] of answers) {
      expect(JSON.parse(JSON.stringify(answer.attachment.content))).toEqual(answer.attachment.content);
      expect(texts(answer).slice(0, 2)).toEqual([header, summary]);
      expect(answer.text.startsWith(`${header}\n${summary}`)).toBe(true);
      expect(JSON.stringify(answer.attachment.content).split('secret-value')).toHaveLength(2);
      walk(card(answer), (n) => expect(n.type).not.toBe('Action.OpenUrl'));
    }
  });

  it('meetings named with 64 KB of words: quoted clipped, and the card stays small', () => {
    const typed = `{"a":"${'x'.repeat(64 * 1024)}"}`;
    const day = renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range: THU, events: [timed(L, typed, '2026-11-26T10:00', '2026-11-26T11:00')], subject: typed, others: 0 });
    expect(texts(day).slice(0, 2)).toEqual([`Today · "{"a":"${'x'.repeat(53)}…"`, `1 meeting matching "{"a":"${'x'.repeat(53)}…" · 1 h busy`]);
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    const free = renderFreeAtAnswer({ label: 'Today', zone: L, range, conflicts: [], subject: typed, asks: 'busy' });
    expect(texts(free)[1]).toBe(`No, nothing matching "{"a":"${'x'.repeat(53)}…" then. You're free then.`);
    for (const answer of [day, free]) {
      expect(JSON.parse(JSON.stringify(answer.attachment.content))).toEqual(answer.attachment.content);
      expect(bytes(answer)).toBeLessThan(5_000);
      expect(answer.text.length).toBeLessThan(1_000);
    }
  });

  it('a subject asked for loses controls and bidi overrides (the sentence it is quoted in stays the right way round), and is clipped', () => {
    const answer = renderNextAnswer({ zone: L, now: at('2026-11-26T10:42', L), events: [], subject: '\u202Eweiver\u202C \u2066x\u2069\u0007', until: at('2027-01-25T10:42', L) });
    expect(texts(answer)[1]).toBe('No meeting matching "weiver x" in the next 60 days.');
    const long = texts(renderNextAnswer({ zone: L, now: at('2026-11-26T10:42', L), events: [], subject: 'x'.repeat(900), until: at('2027-01-25T10:42', L) }));
    expect(long[0]).toMatch(/^Next "x{59}…"$/);
    expect(long[1]).toMatch(/^No meeting matching "x{59}…" in the next 60 days\.$/);
  });

  it('does not evaluate data as template expressions', () => {
    const answer = renderScheduleAnswer({ label: '${footnote}', zone: L, range: THU, events: [timed(L, '${header}', '2026-11-26T10:00', '2026-11-26T11:00')], footnote: 'secret-value' });
    const t = texts(answer);
    expect(t[0]).toBe('${footnote}');
    expect(t).toContain('${header}');
    expect(t.filter((x) => x === 'secret-value')).toHaveLength(1);
  });

  it('truncates a 64 KB subject with an ellipsis', () => {
    const answer = renderScheduleAnswer({ label: 'Today', zone: L, range: THU, events: [timed(L, 'A'.repeat(64 * 1024), '2026-11-26T10:00', '2026-11-26T11:00')] });
    const subject = texts(answer).find((x) => x.startsWith('AAA'))!;
    expect(subject.endsWith('…')).toBe(true);
    expect(subject.length).toBeLessThanOrEqual(160);
    expect(bytes(answer)).toBeLessThan(5_000);
  });

  it('never cuts an emoji in half', () => {
    const answer = renderScheduleAnswer({ label: 'Today', zone: L, range: THU, events: [timed(L, '🚀'.repeat(500), '2026-11-26T10:00', '2026-11-26T11:00')] });
    const subject = texts(answer).find((x) => x.startsWith('🚀'))!;
    expect(subject).toMatch(/^(🚀)+…$/u);
  });

  it.each(['javascript:alert(1)', 'http://teams.example/join', 'not a url', ''])('offers no Join button for %j', (joinUrl) => {
    const answer = renderScheduleAnswer({ label: 'Today', zone: L, range: THU, events: [timed(L, 'Call', '2026-11-26T10:00', '2026-11-26T11:00', { joinUrl })] });
    expect(joinUrls(answer)).toEqual([]);
  });
});

describe('time zones', () => {
  it('shows an event crossing midnight on both days, with the other day named', () => {
    const event = timed(L, 'Release', '2026-11-26T23:00', '2026-11-27T01:00', { location: 'War room' });
    const thu = renderScheduleAnswer({ label: 'Thu', zone: L, range: THU, events: [event] });
    const fri = renderScheduleAnswer({ label: 'Fri', zone: L, range: dayOf('2026-11-27', L), events: [event] });
    // The card's time column holds clocks only (a weekday in it widened it for every row); the day is said with the details.
    expect(texts(thu)).toEqual(expect.arrayContaining(['23:00–01:00', 'Release', 'Until Fri · War room']));
    expect(texts(fri)).toEqual(expect.arrayContaining(['23:00–01:00', 'From Thu · War room']));
    // Text has room for the days in the span itself.
    expect(thu.text).toContain('23:00–Fri 01:00  Release (War room)');
    expect(fri.text).toContain('Thu 23:00–Fri 01:00  Release (War room)');
    expect(eventsForDisplay([event], dayOf('2026-11-28', L), L)).toEqual([]);
  });

  it('names both days of an event that began before the day and ends after it, a date when over a week away', () => {
    const days = timed(L, 'Hackathon', '2026-11-25T09:00', '2026-11-27T17:00');
    const weeks = timed(L, 'Secondment', '2026-11-16T09:00', '2026-12-04T17:00');
    const thu = renderScheduleAnswer({ label: 'Thu', zone: L, range: THU, events: [days, weeks] });
    expect(texts(thu)).toEqual(expect.arrayContaining(['09:00–17:00', 'From Wed until Fri', 'From 16 Nov until 4 Dec']));
    expect(thu.text).toContain('Wed 09:00–Fri 17:00  Hackathon');
    // An end at exactly the next midnight ends that day: no other day named.
    const late = renderScheduleAnswer({ label: 'Thu', zone: L, range: THU, events: [timed(L, 'Late', '2026-11-26T22:00', '2026-11-27T00:00')] });
    expect(texts(late)).toContain('22:00–00:00');
    expect(texts(late).filter((text) => /^(?:From|Until)\b/.test(text))).toEqual([]);
  });

  it('shows times in the user zone, not UTC', () => {
    const event = timed('UTC', 'Sync', '2026-11-26T15:00', '2026-11-26T15:30');
    expect(texts(renderScheduleAnswer({ label: 'x', zone: 'America/New_York', range: dayOf('2026-11-26', 'America/New_York'), events: [event] }))).toContain('10:00–10:30');
    expect(texts(renderScheduleAnswer({ label: 'x', zone: 'Asia/Kolkata', range: dayOf('2026-11-26', 'Asia/Kolkata'), events: [event] }))).toContain('20:30–21:00');
  });

  it('handles the 23-hour day in New York (spring forward, 8 Mar 2026)', () => {
    const NY = 'America/New_York';
    const day = dayOf('2026-03-08', NY);
    expect((day.end.getTime() - day.start.getTime()) / 3_600_000).toBe(23);
    const across = timed(NY, 'Across the gap', '2026-03-08T01:30', '2026-03-08T03:30'); // one hour of real time
    const late = timed(NY, 'Late', '2026-03-08T23:30', '2026-03-09T00:00');
    const nextDay = timed(NY, 'Next day', '2026-03-09T00:30', '2026-03-09T01:00');
    expect(eventsForDisplay([nextDay, late, across], day, NY).map((e) => e.subject)).toEqual(['Across the gap', 'Late']);
    expect(texts(renderScheduleAnswer({ label: 'Sun', zone: NY, range: day, events: [across, late, nextDay] }))).toEqual(expect.arrayContaining(['01:30–03:30', '23:30–00:00']));
  });

  it('handles the 25-hour day in London (fall back, 25 Oct 2026)', () => {
    const day = dayOf('2026-10-25', L);
    expect((day.end.getTime() - day.start.getTime()) / 3_600_000).toBe(25);
    const firstOneThirty = { ...timed('UTC', 'First 01:30 (BST)', '2026-10-25T00:30', '2026-10-25T00:45') };
    const secondOneThirty = { ...timed('UTC', 'Second 01:30 (GMT)', '2026-10-25T01:30', '2026-10-25T01:45') };
    const lastHour = timed('UTC', 'Last hour', '2026-10-25T23:15', '2026-10-25T23:45');
    const shown = eventsForDisplay([lastHour, secondOneThirty, firstOneThirty], day, L);
    expect(shown.map((e) => e.subject)).toEqual(['First 01:30 (BST)', 'Second 01:30 (GMT)', 'Last hour']);
    const t = texts(renderScheduleAnswer({ label: 'Sun', zone: L, range: day, events: shown }));
    expect(t.filter((x) => x === '01:30–01:45')).toHaveLength(2);
    expect(t).toContain('23:15–23:45');
  });

  it.each(['Pacific/Auckland', 'Pacific/Honolulu'])('puts an all-day event on 3 Dec on 3 Dec only, for a user in %s', (zone) => {
    const holiday = allDay('Holiday', '2026-12-03', '2026-12-04');
    expect(eventsForDisplay([holiday], dayOf('2026-12-02', zone), zone)).toEqual([]);
    expect(eventsForDisplay([holiday], dayOf('2026-12-03', zone), zone)).toEqual([holiday]);
    expect(eventsForDisplay([holiday], dayOf('2026-12-04', zone), zone)).toEqual([]);
    const week = { start: at('2026-11-30T00:00', zone), end: at('2026-12-07T00:00', zone) };
    const t = texts(renderScheduleAnswer({ label: 'Week', zone, range: week, events: [holiday] }));
    expect(t.filter((x) => /day \d/.test(x))).toEqual(['Thursday 3 Dec']);
    expect(t).toContain('All day');
  });

  it('keeps a three-day all-day event on each of its days', () => {
    const offsite = allDay('Offsite', '2026-12-02', '2026-12-05');
    const zone = 'Pacific/Honolulu';
    const days = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'].map((d) => eventsForDisplay([offsite], dayOf(d, zone), zone).length);
    expect(days).toEqual([0, 1, 1, 1, 0]);
  });
});

describe('the other answers', () => {
  const now = at('2026-11-26T10:42', L);

  it('next meeting: when and what, with Join', () => {
    const event = timed(L, 'Standup', '2026-11-26T11:07', '2026-11-26T11:30', { joinUrl: 'https://teams.microsoft.com/x' });
    const answer = renderNextAnswer({ zone: L, now, events: [event] });
    expect(texts(answer)).toEqual(expect.arrayContaining(['Next up', 'Today, in 25 min', '11:07–11:30', 'Standup']));
    expect(joinUrls(answer)).toEqual(['https://teams.microsoft.com/x']);
    expect(texts(renderNextAnswer({ zone: L, now, events: [] }))).toContain('Nothing coming up on your calendar.');
  });

  it('how soon: tomorrow in hours, later days as the calendar counts them (not 24-hour days rounded)', () => {
    const summaryOf = (from: Date, ...starts: string[]) => {
      const events = starts.map((start) => timed(L, 'Planning', start, DateTime.fromISO(start, { zone: L }).plus({ hours: 1 }).toISO()!));
      return renderNextAnswer({ zone: L, now: from, events, count: events.length }).text.split('\n')[1];
    };
    // 36 h 18 min ahead, and tomorrow: it was "Tomorrow, in 2 days".
    expect(summaryOf(now, '2026-11-27T23:00')).toBe('Tomorrow, in 36 h 18 min');
    expect(summaryOf(now, '2026-11-27T11:00')).toBe('Tomorrow, in 24 h 18 min');
    expect(summaryOf(now, '2026-11-27T09:00')).toBe('Tomorrow, in 22 h 18 min');
    // Late on Thursday, Saturday morning is 33 hours off: it was "in 1 day".
    const late = at('2026-11-26T23:00', L);
    expect(summaryOf(late, '2026-11-28T08:00')).toBe('Sat 28 Nov, in 2 days');
    expect(summaryOf(late, '2026-11-28T08:00', '2026-11-28T10:00')).toBe('Your next 2 meetings. The first starts in 2 days.');
    expect(summaryOf(now, '2026-12-03T09:00')).toBe('Thu 3 Dec, in 7 days');
    const right = renderNowAnswer({ zone: L, now: late, current: [], next: timed(L, 'Planning', '2026-11-28T08:00', '2026-11-28T09:00') });
    expect(texts(right)).toContain('Next, in 2 days');
  });

  it('next 3 meetings: one card, grouped by day, rows as the agenda has them, and how soon the first starts', () => {
    const events = [
      timed(L, 'Standup', '2026-11-26T11:07', '2026-11-26T11:30', { joinUrl: 'https://teams.microsoft.com/x', location: 'Room 4' }),
      timed(L, 'Review', '2026-11-26T11:15', '2026-11-26T12:00', { responseStatus: 'tentativelyAccepted' }),
      timed(L, 'Planning', '2026-11-30T09:00', '2026-11-30T10:00'),
    ];
    const answer = renderNextAnswer({ zone: L, now, events, count: 3, until: at('2027-05-26T00:00', L) });
    const t = texts(answer);
    expect(t.slice(0, 2)).toEqual(['Next up', 'Your next 3 meetings. The first starts in 25 min.']);
    expect(t.filter((x) => /\d \w{3}$/.test(x))).toEqual(['Today · Thu 26 Nov', 'Mon 30 Nov']);
    expect(t.indexOf('Review')).toBeLessThan(t.indexOf('Mon 30 Nov'));
    expect(t).toEqual(expect.arrayContaining(['11:07–11:30', 'Room 4', '09:00–10:00', 'Planning', 'Conflict · Tentative']));
    expect(t.filter((x) => x.startsWith('Conflict'))).toHaveLength(2);
    expect(joinUrls(answer)).toEqual(['https://teams.microsoft.com/x']);
    expect(answer.text.split('\n')).toEqual([
      'Next up',
      'Your next 3 meetings. The first starts in 25 min.',
      '',
      'Today · Thu 26 Nov',
      '11:07–11:30  Standup (Room 4 · Conflict) https://teams.microsoft.com/x',
      '11:15–12:00  Review (Conflict · Tentative)',
      '',
      'Mon 30 Nov',
      '09:00–10:00  Planning',
    ]);
    // All on one day: still labelled with it, since "Next up" names no day.
    const sameDay = texts(renderNextAnswer({ zone: L, now, events: events.slice(0, 2), count: 2 }));
    expect(sameDay.filter((x) => /\d \w{3}$/.test(x))).toEqual(['Today · Thu 26 Nov']);
  });

  it('next 5 meetings with fewer coming up says how many, and how far it looked; none is the usual line', () => {
    const events = [timed(L, 'Standup', '2026-11-26T10:42', '2026-11-26T11:00'), timed(L, 'Planning', '2026-12-01T09:00', '2026-12-01T10:00')];
    const until = new Date(now.getTime() + 180.5 * 86_400_000); // the synced window's end, 180 and a half days on
    expect(texts(renderNextAnswer({ zone: L, now, events, count: 5, until }))[1]).toBe('Only 2 meetings coming up in the next 180 days. The first is starting now.');
    expect(texts(renderNextAnswer({ zone: L, now, events: events.slice(1), count: 5, until }))[1]).toBe('Only 1 meeting coming up in the next 180 days. It starts in 5 days.');
    expect(texts(renderNextAnswer({ zone: L, now, events: events.slice(1), count: 5, until: now }))[1]).toBe('Only 1 meeting coming up in the part of your calendar I keep in sync. It starts in 5 days.');
    expect(texts(renderNextAnswer({ zone: L, now, events: [], count: 5, until }))).toContain('Nothing coming up on your calendar.');
  });

  it('next meeting after 3: none or fewer found say after when, on the user\'s clock', () => {
    const until = new Date(now.getTime() + 180.5 * 86_400_000);
    const after = at('2026-11-26T15:00', L);
    expect(texts(renderNextAnswer({ zone: L, now, events: [], after, until }))).toEqual(['Next up', 'No meeting after 15:00 in the next 180 days.']);
    expect(texts(renderNextAnswer({ zone: L, now, events: [], after, until, clock: '12h' }))[1]).toBe('No meeting after 3:00 PM in the next 180 days.');
    const planning = timed(L, 'Planning', '2026-11-26T16:00', '2026-11-26T17:00');
    expect(texts(renderNextAnswer({ zone: L, now, events: [planning], count: 2, after, until }))[1]).toBe('Only 1 meeting after 15:00 in the next 180 days. It starts in 5 h 18 min.');
    expect(texts(renderNextAnswer({ zone: L, now, events: [], subject: 'standup', after, until }))[1]).toBe('No meeting matching "standup" after 15:00 in the next 180 days.');
  });

  it('next standup: the header quotes what was matched; none found says how far calbot looked', () => {
    const standup = timed(L, 'Daily Stand-up', '2026-11-27T09:00', '2026-11-27T09:15');
    const until = new Date(now.getTime() + 60 * 86_400_000);
    const one = texts(renderNextAnswer({ zone: L, now, events: [standup], subject: 'standup', until }));
    expect(one.slice(0, 2)).toEqual(['Next "standup"', 'Tomorrow, in 22 h 18 min']);
    expect(one).toContain('Daily Stand-up');
    const none = renderNextAnswer({ zone: L, now, events: [], subject: 'standup', until });
    expect(texts(none)).toEqual(['Next "standup"', 'No meeting matching "standup" in the next 60 days.']);
    expect(none.text).toBe('Next "standup"\nNo meeting matching "standup" in the next 60 days.');
    const two = texts(renderNextAnswer({ zone: L, now, events: [standup], count: 3, subject: 'standup', until }));
    expect(two[1]).toBe('Only 1 meeting matching "standup" in the next 60 days. It starts in 22 h 18 min.');
    const three = texts(renderNextAnswer({ zone: L, now, events: [standup, { ...standup, start: at('2026-11-30T09:00', L), end: at('2026-11-30T09:15', L) }], count: 2, subject: 'standup', until }));
    expect(three[1]).toBe('Your next 2 meetings matching "standup". The first starts in 22 h 18 min.');
  });

  it('next 50 meetings: the ten it lists, and that ten is the most', () => {
    const events = Array.from({ length: 10 }, (_, i) => timed(L, `Meeting ${i}`, `2026-12-${String(i + 1).padStart(2, '0')}T09:00`, `2026-12-${String(i + 1).padStart(2, '0')}T10:00`));
    const answer = renderNextAnswer({ zone: L, now, events, count: 10, asked: 50 });
    expect(texts(answer)[1]).toBe('Your next 10 meetings (10 is the most I list at once). The first starts in 5 days.');
    expect(texts(answer).filter((x) => x.startsWith('Meeting '))).toHaveLength(10);
  });

  it('now: free, in a meeting, double-booked', () => {
    expect(texts(renderNowAnswer({ zone: L, now, current: [] }))).toContain("You're free right now.");
    const meeting = timed(L, 'Review', '2026-11-26T10:30', '2026-11-26T11:15');
    const next = timed(L, 'Lunch', '2026-11-26T12:00', '2026-11-26T13:00');
    const inMeeting = texts(renderNowAnswer({ zone: L, now, current: [meeting], next }));
    expect(inMeeting).toEqual(expect.arrayContaining(["You're in a meeting until 11:15.", 'Review', 'Next, in 1 h 18 min', 'Lunch']));
    const other = timed(L, 'Clash', '2026-11-26T10:00', '2026-11-26T11:00');
    const both = texts(renderNowAnswer({ zone: L, now, current: [meeting, other] }));
    expect(both).toContain("You're double-booked: 2 events right now.");
    expect(both.filter((x) => x === 'Conflict')).toHaveLength(2);
  });

  it('now: an all-day event shown as busy or away is no meeting, but no "free right now" either (free at 3 would say no)', () => {
    const offsite = allDay('Offsite', '2026-11-26', '2026-11-27');
    expect(texts(renderNowAnswer({ zone: L, now, current: [offsite] }))).toEqual(expect.arrayContaining(["No meeting right now, but you're marked busy all day.", 'Offsite']));
    expect(texts(renderNowAnswer({ zone: L, now, current: [{ ...offsite, subject: 'Vacation', showAs: 'oof' }] }))).toContain("No meeting right now, but you're out of office all day.");
    expect(texts(renderNowAnswer({ zone: L, now, current: [{ ...offsite, subject: 'Holiday', showAs: 'free' }] }))).toContain("You're free right now.");
    const meeting = timed(L, 'Review', '2026-11-26T10:30', '2026-11-26T11:15');
    expect(texts(renderNowAnswer({ zone: L, now, current: [offsite, meeting] }))).toContain("You're in a meeting until 11:15.");
    // The same all-day event makes "am I free at 3" a no.
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    expect(texts(renderFreeAtAnswer({ label: 'Today · Thu 26 Nov', zone: L, range, conflicts: [offsite] }))).toContain('No, you have something then.');
  });

  it('free at: yes, or no with the conflicting events', () => {
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    expect(texts(renderFreeAtAnswer({ label: 'Today · Thu 26 Nov', zone: L, range, conflicts: [] })).slice(0, 2)).toEqual(['Today · Thu 26 Nov · 15:00–15:30', "Yes, you're free then."]);
    const no = texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [timed(L, '1:1 with Sam', '2026-11-26T15:15', '2026-11-26T15:45')] }));
    expect(no).toEqual(expect.arrayContaining(['No, you have something then.', '15:15–15:45', '1:1 with Sam']));
  });

  it('free at, asked the busy way round ("am I busy at 3"): yes means busy', () => {
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [], asks: 'busy' }))[1]).toBe("No, you're free then.");
    const two = [timed(L, '1:1 with Sam', '2026-11-26T15:15', '2026-11-26T15:45'), timed(L, 'Review', '2026-11-26T15:00', '2026-11-26T16:00')];
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: two, asks: 'busy' }))[1]).toBe('Yes, you have 2 events then.');
  });

  it('meetings named on a day: the header quotes the words, the summary counts what matched; none found names both, never "nothing on"', () => {
    const sam = timed(L, 'Sam / Ada 1:1', '2026-11-26T10:00', '2026-11-26T10:30');
    const found = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'today', zone: L, range: THU, events: [sam], subject: 'sam', others: 4 });
    expect(texts(found).slice(0, 2)).toEqual(['Today · Thu 26 Nov · "sam"', '1 meeting matching "sam" · 30 min busy']);
    expect(found.text.split('\n')).toEqual(['Today · Thu 26 Nov · "sam"', '1 meeting matching "sam" · 30 min busy', '10:00–10:30  Sam / Ada 1:1']);
    const holiday = renderScheduleAnswer({ label: 'x', phrase: 'today', zone: L, range: THU, events: [allDay('Sam away', '2026-11-26', '2026-11-27')], subject: 'sam' });
    expect(texts(holiday)[1]).toBe('1 event matching "sam"');
    const week = { start: at('2026-11-23T00:00', L), end: at('2026-11-30T00:00', L) };
    const none = renderScheduleAnswer({ label: 'This week · 23–29 Nov', phrase: 'this week', zone: L, range: week, events: [], subject: 'sam', others: 7 });
    expect(none.text).toBe('This week · 23–29 Nov · "sam"\nNo meetings matching "sam" this week (7 other events).');
    const empty = renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range: THU, events: [], subject: 'sam', others: 0 });
    expect(texts(empty)[1]).toBe('No meetings matching "sam" today.');
    const stretch = renderScheduleAnswer({ label: 'Today · Thu 26 Nov', phrase: 'then', zone: L, range: { start: at('2026-11-26T16:00', L), end: THU.end }, times: true, events: [], subject: 'sam', others: 1 });
    expect(texts(stretch).slice(0, 2)).toEqual(['Today · Thu 26 Nov · 16:00–00:00 · "sam"', 'No meetings matching "sam" then (1 other event).']);
  });

  it('free at, for a meeting named ("do I have a call with bob at 3"): yes or no about that one; no, with the others then said and listed', () => {
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    const bob = timed(L, 'Call with Bob', '2026-11-26T15:00', '2026-11-26T15:30');
    const review = timed(L, 'Review', '2026-11-26T15:00', '2026-11-26T16:00');
    const yes = renderFreeAtAnswer({ label: 'Today · Thu 26 Nov', zone: L, range, conflicts: [bob], others: [review], subject: 'bob', asks: 'busy' });
    expect(yes.text.split('\n')).toEqual(['Today · Thu 26 Nov · 15:00–15:30 · "bob"', 'Yes, you have something matching "bob" then.', '15:00–15:30  Call with Bob']);
    const no = renderFreeAtAnswer({ label: 'Today · Thu 26 Nov', zone: L, range, conflicts: [], others: [review], subject: 'bob', asks: 'busy' });
    expect(no.text.split('\n')).toEqual(['Today · Thu 26 Nov · 15:00–15:30 · "bob"', 'No, nothing matching "bob" then. You have something else then.', '', 'Also then', '15:00–16:00  Review']);
    const two = renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [], others: [review, review], subject: 'bob', asks: 'busy' });
    expect(texts(two)[1]).toBe('No, nothing matching "bob" then. You have 2 other events then.');
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [], subject: 'bob', asks: 'busy' }))[1]).toBe('No, nothing matching "bob" then. You\'re free then.');
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [bob, bob], subject: 'bob', asks: 'busy' }))[1]).toBe('Yes, you have 2 events matching "bob" then.');
  });

  it('free at, for a meeting named that is at another time that day ("is my standup at 9"): no, and when it is, on the user\'s clock', () => {
    const range = { start: at('2026-11-26T09:00', L), end: at('2026-11-26T09:30', L) };
    const standup = timed(L, 'Daily Standup', '2026-11-26T09:30', '2026-11-26T09:45');
    const late = timed(L, 'Standup (EMEA)', '2026-11-26T16:00', '2026-11-26T16:15');
    const review = timed(L, 'Review', '2026-11-26T09:00', '2026-11-26T10:00');
    const one = renderFreeAtAnswer({ label: 'Today · Thu 26 Nov', zone: L, range, conflicts: [], others: [], elsewhere: [standup], subject: 'standup', asks: 'busy' });
    expect(one.text.split('\n')).toEqual(['Today · Thu 26 Nov · 09:00–09:30 · "standup"', 'No: "standup" is at 09:30. You\'re free then.', '', 'Other times that day', '09:30–09:45  Daily Standup']);
    const twelve = renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [], others: [review], elsewhere: [standup, late], subject: 'standup', asks: 'busy', clock: '12h' });
    expect(twelve.text.split('\n')).toEqual([
      'x · 9:00 AM–9:30 AM · "standup"',
      'No: "standup" is at 9:30 AM and 4:00 PM. You have something else then.',
      '',
      'Other times that day',
      '9:30 AM–9:45 AM  Daily Standup',
      '4:00 PM–4:15 PM  Standup (EMEA)',
      '',
      'Also then',
      '9:00 AM–10:00 AM  Review',
    ]);
    const many = ['09', '11', '13', '15', '17'].map((hour) => timed(L, 'Standup', `2026-11-26T${hour}:30`, `2026-11-26T${hour}:45`));
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [], elsewhere: many, subject: 'standup', asks: 'busy' }))[1]).toBe('No: "standup" is at 09:30, 11:30, 13:30 and 2 more. You\'re free then.');
    // None elsewhere that day, as before; one then, yes (whatever else there is).
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [], elsewhere: [], subject: 'standup', asks: 'busy' }))[1]).toBe('No, nothing matching "standup" then. You\'re free then.');
    expect(texts(renderFreeAtAnswer({ label: 'x', zone: L, range, conflicts: [review], elsewhere: [standup], subject: 'review', asks: 'busy' }))[1]).toBe('Yes, you have something matching "review" then.');
  });

  it('sums a day up: meetings that take time, and the time they fill, overlaps once', () => {
    const summary = (events: DisplayEvent[], range = THU) => texts(renderScheduleAnswer({ label: 'Today', phrase: 'today', zone: L, range, events }))[1];
    const standup = timed(L, 'Standup', '2026-11-26T09:00', '2026-11-26T09:30');
    expect(summary([standup])).toBe('1 meeting · 30 min busy');
    expect(
      summary([
        standup,
        timed(L, 'Review', '2026-11-26T09:15', '2026-11-26T10:15'),
        timed(L, 'Inside the review', '2026-11-26T09:30', '2026-11-26T09:45'),
        timed(L, 'Declined', '2026-11-26T11:00', '2026-11-26T12:00', { responseStatus: 'declined' }),
        timed(L, 'Focus', '2026-11-26T13:00', '2026-11-26T15:00', { showAs: 'free' }),
        allDay('Offsite', '2026-11-26', '2026-11-27'),
      ]),
    ).toBe('3 meetings · 1 h 15 min busy');
    // Only the part inside the range counts: a night shift from yesterday, a call running past midnight.
    expect(summary([timed(L, 'Night', '2026-11-25T22:00', '2026-11-26T02:00'), timed(L, 'Late', '2026-11-26T23:00', '2026-11-27T01:00')])).toBe('2 meetings · 3 h busy');
    // Nothing that takes time: no summary line, the rows say it.
    expect(summary([allDay('Holiday', '2026-11-26', '2026-11-27')])).not.toMatch(/meeting|busy/);
  });

  it('free at: says when the time is outside working hours, wholly or in part', () => {
    const hours = { startMinute: 8 * 60, endMinute: 16 * 60, weekdays: [1, 2, 3, 4, 5] };
    const summary = (start: string, end: string, conflicts: DisplayEvent[] = [], workingHours: typeof hours | undefined = hours) =>
      texts(renderFreeAtAnswer({ label: 'x', zone: L, range: { start: at(start, L), end: at(end, L) }, conflicts, ...(workingHours ? { workingHours } : {}) }))[1];
    expect(summary('2026-11-26T15:00', '2026-11-26T15:30')).toBe("Yes, you're free then.");
    expect(summary('2026-11-26T20:00', '2026-11-26T20:30')).toBe("Yes, you're free then. That's outside your working hours (08:00–16:00).");
    expect(summary('2026-11-26T15:00', '2026-11-26T17:00')).toBe("Yes, you're free then. Part of it is outside your working hours (08:00–16:00).");
    expect(summary('2026-11-28T10:00', '2026-11-28T10:30', [timed(L, 'Brunch', '2026-11-28T10:00', '2026-11-28T11:00')])).toBe(
      "No, you have something then. That's outside your working hours (08:00–16:00).",
    );
    // Without Outlook's hours, the default's: 16:00 is inside 09:00-17:00.
    const withDefault = texts(renderFreeAtAnswer({ label: 'x', zone: L, range: { start: at('2026-11-26T16:00', L), end: at('2026-11-26T16:30', L) }, conflicts: [] }))[1];
    expect(withDefault).toBe("Yes, you're free then.");
  });

  it('free slots: a list with durations, grouped by day when several, or a clear none', () => {
    const slots = [
      { start: at('2026-11-26T09:00', L), end: at('2026-11-26T10:30', L) },
      { start: at('2026-11-27T14:00', L), end: at('2026-11-27T14:45', L) },
    ];
    const week = { start: at('2026-11-23T00:00', L), end: at('2026-11-30T00:00', L) };
    const t = texts(renderFreeSlotsAnswer({ label: 'This week · 23–29 Nov', zone: L, range: week, slots }));
    expect(t).toEqual(
      expect.arrayContaining(['Free time · This week · 23–29 Nov', 'Free within working hours (09:00–17:00):', 'Thursday 26 Nov', '09:00–10:30', '1 h 30 min', 'Friday 27 Nov', '14:00–14:45', '45 min']),
    );
    expect(texts(renderFreeSlotsAnswer({ label: 'Tomorrow', phrase: 'tomorrow', zone: L, range: dayOf('2026-11-27', L), slots: [] }))).toContain('No free time in working hours (09:00–17:00) tomorrow.');
  });

  it('free slots of a length asked for: said in the summary; none that long, the longest there is (with its day over several days)', () => {
    const week = { start: at('2026-11-23T00:00', L), end: at('2026-11-28T00:00', L) };
    const longest = { start: at('2026-11-26T14:15', L), end: at('2026-11-26T15:45', L) };
    const slots = [longest];
    expect(texts(renderFreeSlotsAnswer({ label: 'x', phrase: 'this week', zone: L, range: week, slots, minutes: 90 }))).toContain('Free for 1 h 30 min or more within working hours (09:00–17:00):');
    const say = (range: { start: Date; end: Date }, phrase: string, found?: { start: Date; end: Date }) =>
      texts(renderFreeSlotsAnswer({ label: 'x', phrase, zone: L, range, slots: [], minutes: 120, longest: found, clock: '12h' }))[1];
    expect(say(week, 'this week', longest)).toBe('Nothing free for 2 h or more in working hours (9:00 AM–5:00 PM) this week. The longest free time: 1 h 30 min, Thu 26 Nov 2:15 PM–3:45 PM.');
    expect(say(dayOf('2026-11-26', L), 'today', longest)).toBe('Nothing free for 2 h or more in working hours (9:00 AM–5:00 PM) today. The longest free time: 1 h 30 min, 2:15 PM–3:45 PM.');
    expect(say(dayOf('2026-11-26', L), 'today')).toBe('Nothing free for 2 h or more in working hours (9:00 AM–5:00 PM) today.');
  });

  it("free slots: the user's Outlook working hours, their days and their zone when it is not the user's", () => {
    const hours = { startMinute: 8 * 60 + 30, endMinute: 16 * 60 + 30, weekdays: [1, 2, 3, 4] };
    const thursday = dayOf('2026-11-26', L);
    const slots = [{ start: at('2026-11-26T08:30', L), end: at('2026-11-26T09:00', L) }];
    expect(texts(renderFreeSlotsAnswer({ label: 'Today', phrase: 'today', zone: L, range: thursday, slots, workingHours: hours }))).toContain('Free within working hours (08:30–16:30, Mon–Thu):');
    // Hours kept in New York, the user reading in London: the hours say whose clock they are on.
    const abroad = { ...hours, zone: 'America/New_York' };
    expect(texts(renderFreeSlotsAnswer({ label: 'Today', phrase: 'today', zone: L, range: thursday, slots, workingHours: abroad }))).toContain(
      'Free within working hours (08:30–16:30, Mon–Thu, America/New_York time):',
    );
    expect(texts(renderFreeSlotsAnswer({ label: 'Today', phrase: 'today', zone: 'America/New_York', range: thursday, slots, workingHours: abroad }))).toContain(
      'Free within working hours (08:30–16:30, Mon–Thu):',
    );
  });

  it('free slots: says why there are none (not a working day, hours over, or full)', () => {
    const hours = { startMinute: 9 * 60, endMinute: 17 * 60, weekdays: [1, 2, 3, 4] };
    const friday = dayOf('2026-11-27', L);
    const say = (range: { start: Date; end: Date }, phrase: string) => texts(renderFreeSlotsAnswer({ label: 'x', phrase, zone: L, range, slots: [], workingHours: hours }))[1];
    expect(say(friday, 'on Fri 27 Nov')).toBe('No working hours on Fri 27 Nov: you work Mon–Thu, 09:00–17:00.');
    const weekend = { start: at('2026-11-28T00:00', L), end: at('2026-11-30T00:00', L) };
    expect(texts(renderFreeSlotsAnswer({ label: 'x', phrase: 'this weekend', zone: L, range: weekend, slots: [] }))[1]).toBe('No working hours this weekend: you work Mon–Fri, 09:00–17:00.');
    const thursdayEvening = { start: at('2026-11-26T18:05', L), end: dayOf('2026-11-26', L).end };
    expect(say(thursdayEvening, 'today')).toBe('Working hours (09:00–17:00, Mon–Thu) are over today.');
    expect(say(dayOf('2026-11-26', L), 'today')).toBe('No free time in working hours (09:00–17:00, Mon–Thu) today.');
  });

  it('a 12-hour clock when Outlook shows one: rows, spans over midnight, "until", the free-at header, working hours', () => {
    const events = [timed(L, 'Standup', '2026-11-26T09:00', '2026-11-26T09:15'), timed(L, 'Night shift', '2026-11-26T23:00', '2026-11-27T01:00')];
    const day = texts(renderScheduleAnswer({ label: 'Today', zone: L, range: THU, events, clock: '12h' }));
    expect(day).toEqual(expect.arrayContaining(['9:00 AM–9:15 AM', '11:00 PM–1:00 AM', 'Until Fri']));
    const now = texts(renderNowAnswer({ zone: L, now: at('2026-11-26T09:05', L), current: [events[0]!], clock: '12h' }));
    expect(now).toContain("You're in a meeting until 9:15 AM.");
    const range = { start: at('2026-11-26T15:00', L), end: at('2026-11-26T15:30', L) };
    expect(texts(renderFreeAtAnswer({ label: 'Today · Thu 26 Nov', zone: L, range, conflicts: [], clock: '12h' }))[0]).toBe('Today · Thu 26 Nov · 3:00 PM–3:30 PM');
    const late = { startMinute: 18 * 60, endMinute: 24 * 60, weekdays: [1, 2, 3, 4, 5] };
    expect(describeWorkingHours(late, L, '12h')).toBe('6:00 PM–12:00 AM');
    const slots = [{ start: at('2026-11-26T18:00', L), end: at('2026-11-26T20:00', L) }];
    expect(texts(renderFreeSlotsAnswer({ label: 'Today', zone: L, range: THU, slots, workingHours: late, clock: '12h' }))).toEqual(
      expect.arrayContaining(['Free within working hours (6:00 PM–12:00 AM):', '6:00 PM–8:00 PM']),
    );
  });

  it.each([
    [[1, 2, 3, 4, 5], '09:00–17:00'],
    [[1, 2, 3, 4], '09:00–17:00, Mon–Thu'],
    [[1, 3, 5], '09:00–17:00, Mon, Wed, Fri'],
    [[1, 2, 4, 5, 6], '09:00–17:00, Mon, Tue, Thu–Sat'],
    [[7], '09:00–17:00, Sun'],
    [[6, 7], '09:00–17:00, Sat, Sun'],
  ])('working days %j read as %s', (weekdays, expected) => {
    expect(describeWorkingHours({ startMinute: 540, endMinute: 1020, weekdays }, L)).toBe(expected);
  });

  it('working hours ending at midnight read 24:00', () => {
    expect(describeWorkingHours({ startMinute: 22 * 60, endMinute: 24 * 60, weekdays: [1, 2, 3, 4, 5] }, L)).toBe('22:00–24:00');
  });
});

describe('who organized a meeting, who is invited (whoSaid)', () => {
  it('says the organizer, the user when they organize it, or that it cannot tell', () => {
    expect(whoSaid({ asks: 'organizer', organizer: 'Priya Raman', attendees: [] })).toEqual({ sentence: 'Organized by Priya Raman.', people: '' });
    expect(whoSaid({ asks: 'organizer', organizer: 'Ada Lovelace', you: true })).toEqual({ sentence: 'You organized it.', people: '' });
    expect(whoSaid({ asks: 'organizer' })).toEqual({ sentence: "I can't see who organized it.", people: '' });
  });

  it('lists those invited with their answers; none invited and not known are told apart', () => {
    const attendees = [
      { name: 'Sam Smith', response: 'accepted' },
      { name: 'Robert Kahn', response: 'tentativelyAccepted', optional: true as const },
      { name: 'Priya Raman', response: 'declined' },
      { name: 'Grace Hopper', response: 'notResponded' },
      { name: 'guest@fabrikam.example' },
    ];
    expect(whoSaid({ asks: 'people', organizer: 'Ana Lima', attendees })).toEqual({
      sentence: 'Organized by Ana Lima · 5 invited.',
      people: 'Invited: Sam Smith (accepted) · Robert Kahn (optional, tentative) · Priya Raman (declined) · Grace Hopper (no answer) · guest@fabrikam.example',
    });
    expect(whoSaid({ asks: 'people', you: true, attendees: [] })).toEqual({ sentence: 'You organized it · no one else is invited.', people: '' });
    expect(whoSaid({ asks: 'people', attendees: [] })).toEqual({ sentence: 'No one else is invited.', people: '' });
    expect(whoSaid({ asks: 'people', organizer: 'Ana Lima' })).toEqual({ sentence: "Organized by Ana Lima. I can't see who is invited yet.", people: '' });
  });

  it('beside a row ("who am I meeting tomorrow"): the organizer unless it is the user, then those not declined, three at most', () => {
    expect(withWhomText({ organizer: 'Ana', attendees: [{ name: 'Sam' }] })).toBe('with Ana and Sam');
    expect(withWhomText({ organizer: 'Ana', you: true, attendees: [{ name: 'Sam' }, { name: 'Bob', response: 'declined' }, { name: 'Grace' }] })).toBe('with Sam and Grace');
    expect(withWhomText({ organizer: 'Ana', attendees: [{ name: 'Sam' }, { name: 'Grace' }] })).toBe('with Ana, Sam and Grace');
    expect(withWhomText({ organizer: 'Ana', attendees: [{ name: 'Sam' }, { name: 'Grace' }, { name: 'Bob' }] })).toBe('with Ana, Sam and 2 others');
    expect(withWhomText({ organizer: 'Ana' })).toBe('with Ana');
    expect(withWhomText({ you: true, attendees: [] })).toBeUndefined();
    expect(withWhomText({ you: true, attendees: [{ name: 'Bob', response: 'Declined' }] })).toBeUndefined();
  });

  it('an answer asked about: those who gave it, of how many; none; and none seen on another\'s invitation', () => {
    const attendees = [
      { name: 'Sam Smith', response: 'accepted' },
      { name: 'Robert Kahn', response: 'tentativelyAccepted', optional: true as const },
      { name: 'Priya Raman', response: 'Declined' },
      { name: 'Grace Hopper', response: 'notResponded' },
      { name: 'guest@fabrikam.example', response: 'none' },
    ];
    const said = (asks: 'accepted' | 'declined' | 'unanswered', list: readonly EventAttendee[] = attendees, you = false) => whoSaid({ asks, organizer: 'Ana Lima', you, attendees: list }).sentence;
    expect(said('declined')).toBe('Declined: Priya Raman (1 of 5).');
    expect(said('accepted')).toBe('Accepted: Sam Smith (1 of 5).');
    expect(said('unanswered')).toBe('No answer yet from Grace Hopper and guest@fabrikam.example (2 of 5).');
    // The list of everyone is the same as for "who's in it".
    expect(whoSaid({ asks: 'declined', organizer: 'Ana Lima', attendees }).people).toBe(whoSaid({ asks: 'people', organizer: 'Ana Lima', attendees }).people);
    const answered = attendees.slice(0, 3);
    expect(said('unanswered', answered)).toBe('Everyone invited has answered.');
    expect(said('accepted', [{ name: 'Priya Raman', response: 'declined' }])).toBe('No one has accepted yet.');
    expect(said('declined', [{ name: 'Sam Smith', response: 'accepted' }])).toBe('No one has declined.');
    // An invitation's copy with no answer seen: Outlook shows them to the organizer; the user's own meeting shows them.
    const unseen = [{ name: 'Sam Smith', response: 'none' }, { name: 'Grace Hopper' }];
    expect(said('declined', unseen)).toBe("2 invited. I can't see their answers: Outlook shows them to the organizer.");
    expect(said('unanswered', unseen, true)).toBe('No answer yet from Sam Smith and Grace Hopper (2 of 2).');
    expect(whoSaid({ asks: 'declined', attendees: [] }).sentence).toBe('No one else is invited.');
    expect(whoSaid({ asks: 'declined' }).sentence).toBe("I can't see who is invited yet.");
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `P${i}`, response: 'declined' }));
    expect(said('declined', many)).toBe(`Declined: ${many.slice(0, 12).map((a) => a.name).join(', ')} and 8 more (20 of 20).`);
  });

  it('one person\'s answer: theirs, none yet, no one so named, or not shown on another\'s invitation', () => {
    const attendees: EventAttendee[] = [{ name: 'Sam Smith', response: 'accepted' }, { name: 'Sam Jones', response: 'notResponded' }, { name: 'Bob Kahn', response: 'tentativelyAccepted' }];
    const said = (text: string, invited: EventAttendee[], list: EventAttendee[] = attendees, you = false) => whoSaid({ asks: 'answer', organizer: 'Ana', you, attendees: list, person: { text, invited } }).sentence;
    expect(said('sam', attendees.slice(0, 2))).toBe("Sam Smith accepted. Sam Jones hasn't answered.");
    expect(said('bob', [attendees[2]!])).toBe('Bob Kahn accepted tentatively.');
    expect(said('zed', [])).toBe('No one named "zed" is invited.');
    const unseen: EventAttendee[] = [{ name: 'Sam Smith', response: 'none' }];
    expect(said('sam', unseen, unseen)).toBe("Sam Smith is invited; I can't see their answer: Outlook shows answers to the organizer.");
    expect(said('sam', unseen, unseen, true)).toBe("Sam Smith hasn't answered.");
    expect(whoSaid({ asks: 'answer', organizer: 'Ana', person: { text: 'sam', invited: [] } }).sentence).toBe("Organized by Ana. I can't see who is invited yet.");
  });

  it('a meeting of fifty lists the first twelve and how many more', () => {
    const attendees = Array.from({ length: 50 }, (_, i) => ({ name: `Person ${i}` }));
    const { sentence, people } = whoSaid({ asks: 'people', organizer: 'Ana Lima', attendees });
    expect(sentence).toBe('Organized by Ana Lima · 50 invited.');
    expect(people).toBe(`Invited: ${attendees.slice(0, 12).map((a) => a.name).join(' · ')} · and 38 more`);
  });

  it('the card shows the list under the meeting, as text (never markdown), and the plain text has it too', () => {
    const now = new Date('2026-11-26T10:42:00Z');
    const event = { subject: 'Weekly sync', start: new Date('2026-11-26T14:00:00Z'), end: new Date('2026-11-26T15:00:00Z'), isAllDay: false, isCancelled: false };
    const answer = renderNextAnswer({ zone: 'Europe/London', now, events: [event], who: { asks: 'people', organizer: 'Ana', attendees: [{ name: '**Sam** [x](https://evil.example)' }] } });
    const body = (answer.attachment.content as { body: { id?: string; type: string; inlines?: { type: string; text: string }[] }[] }).body;
    const people = body.find((element) => element.id === 'people')!;
    expect(people.type).toBe('RichTextBlock');
    expect(people.inlines).toEqual([{ type: 'TextRun', text: 'Invited: **Sam** [x](https://evil.example)' }]);
    expect(answer.text).toContain('\n\nInvited: **Sam** [x](https://evil.example)');
    expect(answer.text).toMatch(/^Next up\nOrganized by Ana · 1 invited\. Today, in 3 h 18 min/);
  });
});

describe("every card, by Microsoft's Adaptive Cards parser", () => {
  const answers = sampleScheduleAnswers();

  it.each(answers)('%s: valid Adaptive Card 1.5, as Teams renders it on desktop, web and mobile', (_name, answer) => {
    expect(answer.attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardProblems(answer.attachment.content)).toEqual([]);
  });

  it.each(answers)('%s: calendar text only in TextRuns, which Teams shows without markdown', (_name, answer) => {
    walk(card(answer), (n) => {
      if (n.type === 'TextBlock') expect(String(n.text)).not.toMatch(/bold|Sign in|اجتماع/);
    });
  });

  it('a cancelled meeting listed (asked whether it is still on) is struck through and marked, with no Join button', () => {
    const [, answer] = answers.find(([name]) => name === 'next, still on?, cancelled')!;
    const content = JSON.stringify(card(answer));
    expect(content.match(/"strikethrough":true/g)).toHaveLength(1);
    expect(content).toContain('"text":"Cancelled"');
    expect(content).not.toContain('meetup-join/cancelled');
    expect(content).toContain('later');
    expect(answer.text).toMatch(/\(.*Cancelled\)/);
  });

  it('the change-notice summary card too', () => {
    for (const summary of sampleNoticeSummaries()) {
      expect(cardProblems(summary.content)).toEqual([]);
      walk(summary.content, (n) => {
        if (n.type === 'TextBlock') expect(String(n.text)).not.toMatch(/bold|Sign in|اجتماع/);
      });
    }
  });
});
