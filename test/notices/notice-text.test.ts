import { diffEvent, type Change } from '../../src/sync/change-set.js';
import type { EventDoc } from '../../src/store/collections.js';
import { describeChange, firstSyncText, foldSeries, isNoticeWorthy, mergeByEvent, noticeFingerprint, noticeId } from '../../src/notices/notice-text.js';
import { renderNoticeSummary } from '../../src/notices/notice-card.js';
import { parseQuietHours, quietHoursEnd, BadQuietHoursInput } from '../../src/notices/quiet-hours.js';
import { ConversationRateLimit } from '../../src/notices/conversation-rate-limit.js';
import { matchNotify, matchQuietHours } from '../../src/notices/notify-commands.js';

const ZONE = 'Europe/Berlin';
/** When the changes are told: the day before the events (their year goes without saying). */
const NOW = new Date('2026-11-25T10:00:00Z');

function doc(overrides: Partial<EventDoc> = {}): EventDoc {
  return {
    _id: 'u|E1',
    userKey: 'u',
    eventId: 'E1',
    type: 'singleInstance',
    subject: 'Design review',
    start: new Date('2026-11-26T13:00:00Z'), // 14:00 Berlin
    end: new Date('2026-11-26T14:00:00Z'),
    isAllDay: false,
    location: 'Room 4',
    isCancelled: false,
    etag: 'W/"1"',
    updatedAt: new Date('2026-11-20T00:00:00Z'),
    ...overrides,
  };
}

const v2 = (overrides: Partial<EventDoc>) => doc({ etag: 'W/"2"', ...overrides });
const change = (before: EventDoc | undefined, after: EventDoc | undefined): Change => {
  const found = diffEvent(before, after);
  if (!found) throw new Error('no change');
  return found;
};

describe('describeChange: one line per kind, in the user zone', () => {
  test.each<[string, Change, string]>([
    ['new', change(undefined, doc()), 'New: Design review, Thu 26 Nov 14:00–15:00, Room 4'],
    ['new without a location', change(undefined, doc({ location: undefined })), 'New: Design review, Thu 26 Nov 14:00–15:00'],
    ['moved to another day, same length', change(doc(), v2({ start: new Date('2026-11-27T09:00:00Z'), end: new Date('2026-11-27T10:00:00Z') })), 'Moved: Design review, Thu 26 Nov 14:00 → Fri 27 Nov 10:00'],
    ['moved later the same day', change(doc(), v2({ start: new Date('2026-11-26T15:00:00Z'), end: new Date('2026-11-26T16:00:00Z') })), 'Moved: Design review, Thu 26 Nov 14:00 → 16:00'],
    ['made longer', change(doc(), v2({ end: new Date('2026-11-26T14:30:00Z') })), 'Changed: Design review, Thu 26 Nov 14:00–15:00 → 14:00–15:30'],
    ['moved and renamed', change(doc(), v2({ subject: 'Design sync', start: new Date('2026-11-27T09:00:00Z'), end: new Date('2026-11-27T10:00:00Z') })), 'Moved: Design review → Design sync, Thu 26 Nov 14:00 → Fri 27 Nov 10:00'],
    ['renamed', change(doc(), v2({ subject: 'Design sync' })), 'Changed: Design review → Design sync, Thu 26 Nov 14:00–15:00'],
    ['relocated', change(doc(), v2({ location: 'Room 5' })), 'Changed: Design review, Thu 26 Nov 14:00–15:00, location Room 4 → Room 5'],
    ['location removed', change(doc(), v2({ location: undefined })), 'Changed: Design review, Thu 26 Nov 14:00–15:00, location Room 4 → (none)'],
    ['cancelled', change(doc(), v2({ isCancelled: true })), 'Cancelled: Design review, Thu 26 Nov 14:00–15:00'],
    // Exchange renames an attendee's copy of a cancelled meeting.
    ['cancelled, renamed "Canceled: …"', change(doc(), v2({ isCancelled: true, subject: 'Canceled: Design review' })), 'Cancelled: Design review, Thu 26 Nov 14:00–15:00'],
    ['removed', change(doc(), undefined), 'Removed: Design review, Thu 26 Nov 14:00–15:00'],
    ['past midnight', change(undefined, doc({ start: new Date('2026-11-26T22:00:00Z'), end: new Date('2026-11-27T00:30:00Z') })), 'New: Design review, Thu 26 Nov 23:00–Fri 27 Nov 01:30, Room 4'],
    [
      'all-day, moved by a day',
      change(doc({ isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-27' }), v2({ isAllDay: true, startDate: '2026-11-27', endDate: '2026-11-28' })),
      'Moved: Design review, Thu 26 Nov (all day) → Fri 27 Nov (all day)',
    ],
    [
      'all-day, a day longer (the same first day)',
      change(doc({ isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-27' }), v2({ isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-28' })),
      'Changed: Design review, Thu 26 Nov (all day) → Thu 26 Nov – Fri 27 Nov (all day)',
    ],
    ['multi-day all-day', change(undefined, doc({ isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-29', location: undefined })), 'New: Design review, Thu 26 Nov – Sat 28 Nov (all day)'],
    ['empty subject', change(undefined, doc({ subject: '  ', location: undefined })), 'New: (no subject), Thu 26 Nov 14:00–15:00'],
  ])('%s', (_name, input, expected) => {
    expect(describeChange(input, ZONE, NOW).text).toBe(expected);
  });

  test.each<[string, Change, string]>([
    ['new', change(undefined, doc()), 'New: Design review, Thu 26 Nov 2:00 PM–3:00 PM, Room 4'],
    ['moved the same day', change(doc(), v2({ start: new Date('2026-11-26T15:00:00Z'), end: new Date('2026-11-26T16:00:00Z') })), 'Moved: Design review, Thu 26 Nov 2:00 PM → 4:00 PM'],
    ['made longer', change(doc(), v2({ end: new Date('2026-11-26T14:30:00Z') })), 'Changed: Design review, Thu 26 Nov 2:00 PM–3:00 PM → 2:00 PM–3:30 PM'],
    ['past midnight', change(undefined, doc({ start: new Date('2026-11-26T22:00:00Z'), end: new Date('2026-11-27T00:30:00Z') })), 'New: Design review, Thu 26 Nov 11:00 PM–Fri 27 Nov 1:30 AM, Room 4'],
  ])('on a 12-hour clock: %s', (_name, input, expected) => {
    expect(describeChange(input, ZONE, NOW, '12h').text).toBe(expected);
  });

  const january = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2027, 0, day, hour, minute));
  test.each<[string, Change, string]>([
    ['new, next year', change(undefined, doc({ start: january(4, 8), end: january(4, 9) })), 'New: Design review, Mon 4 Jan 2027 09:00–10:00, Room 4'],
    ['moved into next year', change(doc(), v2({ start: january(4, 9), end: january(4, 10) })), 'Moved: Design review, Thu 26 Nov 14:00 → Mon 4 Jan 2027 10:00'],
    ['made longer, next year', change(doc({ start: january(4, 8), end: january(4, 9) }), v2({ start: january(4, 8), end: january(4, 9, 30) })), 'Changed: Design review, Mon 4 Jan 2027 09:00–10:00 → 09:00–10:30'],
    ['all-day across the new year', change(undefined, doc({ isAllDay: true, startDate: '2026-12-31', endDate: '2027-01-02', location: undefined })), 'New: Design review, Thu 31 Dec – Fri 1 Jan 2027 (all day)'],
  ])('a date in another year says its year: %s', (_name, input, expected) => {
    expect(describeChange(input, ZONE, NOW).text).toBe(expected);
  });

  test("the year that goes without saying is the user's: already 2027 in Berlin, still 2026 in UTC", () => {
    const newYearsEve = doc({ start: new Date('2026-12-31T20:00:00Z'), end: new Date('2026-12-31T21:00:00Z') });
    const lateOnTheThirtyFirst = new Date('2026-12-31T23:30:00Z');
    expect(describeChange(change(undefined, newYearsEve), ZONE, lateOnTheThirtyFirst).text).toBe('New: Design review, Thu 31 Dec 2026 21:00–22:00, Room 4');
    expect(describeChange(change(undefined, doc({ start: january(4, 8), end: january(4, 9) })), ZONE, lateOnTheThirtyFirst).text).toBe('New: Design review, Mon 4 Jan 09:00–10:00, Room 4');
  });

  test('a move is over when both its old and its new time are: moved into the past, it still ends tomorrow', () => {
    const intoThisMorning = describeChange(change(doc(), v2({ start: new Date('2026-11-25T07:00:00Z'), end: new Date('2026-11-25T08:00:00Z') })), ZONE, NOW);
    expect(intoThisMorning.startsAt.toISOString()).toBe('2026-11-25T07:00:00.000Z');
    expect(intoThisMorning.endsAt.toISOString()).toBe('2026-11-26T14:00:00.000Z');
    const intoNextWeek = describeChange(change(doc(), v2({ start: new Date('2026-12-01T07:00:00Z'), end: new Date('2026-12-01T08:00:00Z') })), ZONE, NOW);
    expect(intoNextWeek.endsAt.toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });

  test('the same change reads in the zone given', () => {
    expect(describeChange(change(undefined, doc()), 'America/New_York', NOW).text).toBe('New: Design review, Thu 26 Nov 08:00–09:00, Room 4');
  });

  test('first sync line', () => {
    expect(firstSyncText(123)).toBe('Synced 123 events');
    expect(firstSyncText(1)).toBe('Synced 1 event');
  });
});

describe('mergeByEvent: several notices about one event, told at once, are one line from before the first to after the last', () => {
  const v = (n: number, overrides: Partial<EventDoc> = {}) => doc({ etag: `W/"${n}"`, ...overrides });
  const later = { start: new Date('2026-11-26T15:00:00Z'), end: new Date('2026-11-26T16:00:00Z') };
  const merge = (steps: [EventDoc | undefined, EventDoc | undefined][], clock: '24h' | '12h' = '24h') =>
    mergeByEvent(steps.map(([before, after]) => describeChange(change(before, after), ZONE, NOW, clock)), ZONE, NOW, clock).map(({ line, members }) => [line?.text, members]);

  test.each<[string, [EventDoc | undefined, EventDoc | undefined][], [string | undefined, number[]][]]>([
    ['added, then moved: new, at its new time', [[undefined, v(1)], [v(1), v(2, later)]], [['New: Design review, Thu 26 Nov 16:00–17:00, Room 4', [0, 1]]]],
    ['added, then cancelled: nothing', [[undefined, v(1)], [v(1), v(2, { isCancelled: true })]], [[undefined, [0, 1]]]],
    ['added, then deleted: nothing', [[undefined, v(1)], [v(1), undefined]], [[undefined, [0, 1]]]],
    ['moved, and moved back: nothing', [[v(1), v(2, later)], [v(2, later), v(3)]], [[undefined, [0, 1]]]],
    ['moved twice: from the first time to the last', [[v(1), v(2, later)], [v(2, later), v(3, { start: new Date('2026-11-27T09:00:00Z'), end: new Date('2026-11-27T10:00:00Z') })]], [['Moved: Design review, Thu 26 Nov 14:00 → Fri 27 Nov 10:00', [0, 1]]]],
    ['renamed, then relocated', [[v(1), v(2, { subject: 'Design sync' })], [v(2, { subject: 'Design sync' }), v(3, { subject: 'Design sync', location: 'Room 5' })]], [['Changed: Design review → Design sync, Thu 26 Nov 14:00–15:00, location Room 4 → Room 5', [0, 1]]]],
    ['renamed, then cancelled: cancelled, by the name the user knew', [[v(1), v(2, { subject: 'Design sync' })], [v(2, { subject: 'Design sync' }), v(3, { subject: 'Canceled: Design sync', isCancelled: true })]], [['Cancelled: Design review, Thu 26 Nov 14:00–15:00', [0, 1]]]],
    [
      'other events keep their own lines, in order',
      [[undefined, doc({ eventId: 'E2', subject: 'Kickoff' })], [v(1), v(2, later)], [doc({ eventId: 'E2', subject: 'Kickoff' }), v(2, { eventId: 'E2', subject: 'Kickoff', location: 'Room 9' })]],
      [['New: Kickoff, Thu 26 Nov 14:00–15:00, Room 9', [0, 2]], ['Moved: Design review, Thu 26 Nov 14:00 → 16:00', [1]]],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(merge(steps)).toEqual(expected);
  });

  test('on the clock given; a line queued without its change stays as it is', () => {
    expect(merge([[undefined, v(1)], [v(1), v(2, later)]], '12h')).toEqual([['New: Design review, Thu 26 Nov 4:00 PM–5:00 PM, Room 4', [0, 1]]]);
    const { change: _dropped, ...old } = describeChange(change(undefined, v(1)), ZONE, NOW);
    const moved = describeChange(change(v(1), v(2, later)), ZONE, NOW);
    expect(mergeByEvent([old, moved], ZONE, NOW).map(({ line }) => line?.text)).toEqual(['New: Design review, Thu 26 Nov 14:00–15:00, Room 4', 'Moved: Design review, Thu 26 Nov 14:00 → 16:00']);
  });

  test('read back from the outbox (dates as stored, sides without the fields a notice does not read)', () => {
    const stored = JSON.parse(JSON.stringify([describeChange(change(undefined, v(1, { people: ['Sam'] })), ZONE, NOW), describeChange(change(v(1), v(2, later)), ZONE, NOW)]));
    expect(stored[0].change.after.people).toBeUndefined();
    expect(mergeByEvent(stored, ZONE, NOW).map(({ line }) => line?.text)).toEqual(['New: Design review, Thu 26 Nov 16:00–17:00, Room 4']);
  });
});

describe('foldSeries: one edit of a recurring series, one line', () => {
  const DAY = 86_400_000;
  /** The nth daily occurrence of a standup at 09:00 Berlin (08:00 UTC), 15 minutes long. */
  const occurrence = (n: number, overrides: Partial<EventDoc> = {}) =>
    doc({ eventId: `S${n}`, seriesMasterId: 'M', type: 'occurrence', subject: 'Standup', location: 'Room 1', start: new Date(Date.parse('2026-11-26T08:00:00Z') + n * DAY), end: new Date(Date.parse('2026-11-26T08:15:00Z') + n * DAY), ...overrides });
  const shifted = (n: number, minutes: number, overrides: Partial<EventDoc> = {}) => {
    const before = occurrence(n);
    return edited(before, { start: new Date(before.start.getTime() + minutes * 60_000), end: new Date(before.end.getTime() + minutes * 60_000), ...overrides });
  };
  const edited = (before: EventDoc, overrides: Partial<EventDoc>): EventDoc => ({ ...before, etag: 'W/"2"', ...overrides });
  const fold = (changes: Change[], clock: '24h' | '12h' = '24h') => foldSeries(changes.map((c) => describeChange(c, ZONE, NOW, clock))).map(({ line, members }) => [line.text, members]);

  test.each<[string, Change[], [string, number[]][]]>([
    ['moved the same day', [0, 1, 2].map((n) => change(occurrence(n), shifted(n, 30))), [['Moved: Standup, 3 occurrences from Thu 26 Nov to Sat 28 Nov, 09:00 → 09:30', [0, 1, 2]]]],
    ['made longer', [0, 1].map((n) => change(occurrence(n), edited(occurrence(n), { end: new Date(occurrence(n).end.getTime() + 15 * 60_000) }))), [['Changed: Standup, 2 occurrences from Thu 26 Nov to Fri 27 Nov, 09:00–09:15 → 09:00–09:30', [0, 1]]]],
    ['renamed', [0, 1].map((n) => change(occurrence(n), edited(occurrence(n), { subject: 'Daily' }))), [['Changed: Standup → Daily, 2 occurrences from Thu 26 Nov to Fri 27 Nov, 09:00–09:15', [0, 1]]]],
    ['relocated', [0, 1].map((n) => change(occurrence(n), edited(occurrence(n), { location: 'Room 2' }))), [['Changed: Standup, 2 occurrences from Thu 26 Nov to Fri 27 Nov, 09:00–09:15, location Room 1 → Room 2', [0, 1]]]],
    ['cancelled by the organizer', [0, 1, 2].map((n) => change(occurrence(n), edited(occurrence(n), { isCancelled: true, subject: 'Canceled: Standup' }))), [['Cancelled: Standup, 3 occurrences from Thu 26 Nov to Sat 28 Nov, 09:00–09:15', [0, 1, 2]]]],
    ['deleted', [0, 1].map((n) => change(occurrence(n), undefined)), [['Removed: Standup, 2 occurrences from Thu 26 Nov to Fri 27 Nov, 09:00–09:15', [0, 1]]]],
    ['added, in any order', [2, 0, 1].map((n) => change(undefined, occurrence(n))), [['New: Standup, 3 occurrences from Thu 26 Nov to Sat 28 Nov, 09:00–09:15, Room 1', [0, 1, 2]]]],
    // Europe/Berlin leaves summer time on 25 Oct 2026: the standup stays at 09:00 local, an hour later in UTC.
    [
      'across a DST change, by the local time',
      [change(undefined, occurrence(-33, { start: new Date('2026-10-24T07:00:00Z'), end: new Date('2026-10-24T07:15:00Z') })), change(undefined, occurrence(-31))],
      [['New: Standup, 2 occurrences from Sat 24 Oct to Mon 26 Oct, 09:00–09:15, Room 1', [0, 1]]],
    ],
    [
      'an occurrence changed otherwise, another series, a single meeting: lines of their own',
      [change(occurrence(0), shifted(0, 30)), change(occurrence(1), shifted(1, 60)), change(occurrence(2), shifted(2, 30)), change(occurrence(3, { seriesMasterId: 'N' }), shifted(3, 30, { seriesMasterId: 'N' })), change(doc(), v2({ location: 'Room 5' }))],
      [
        ['Moved: Standup, 2 occurrences from Thu 26 Nov to Sat 28 Nov, 09:00 → 09:30', [0, 2]],
        ['Moved: Standup, Fri 27 Nov 09:00 → 10:00', [1]],
        ['Moved: Standup, Sun 29 Nov 09:00 → 09:30', [3]],
        ['Changed: Design review, Thu 26 Nov 14:00–15:00, location Room 4 → Room 5', [4]],
      ],
    ],
    ['moved to another day: each says its days', [0, 1].map((n) => change(occurrence(n), shifted(n, 24 * 60))), [['Moved: Standup, Thu 26 Nov 09:00 → Fri 27 Nov 09:00', [0]], ['Moved: Standup, Fri 27 Nov 09:00 → Sat 28 Nov 09:00', [1]]]],
    ['all-day occurrences', [0, 7].map((n) => change(undefined, occurrence(n, { isAllDay: true, startDate: `2026-${n ? '12-03' : '11-26'}`, endDate: `2026-${n ? '12-04' : '11-27'}`, location: undefined }))), [['New: Standup, 2 occurrences from Thu 26 Nov to Thu 3 Dec (all day)', [0, 1]]]],
  ])('%s', (_name, changes, expected) => {
    expect(fold(changes)).toEqual(expected);
  });

  test('on a 12-hour clock, and the folded line ends with its last occurrence', () => {
    const lines = [0, 1].map((n) => describeChange(change(occurrence(n), shifted(n, 30)), ZONE, NOW, '12h'));
    const [folded] = foldSeries(lines);
    expect(folded!.line.text).toBe('Moved: Standup, 2 occurrences from Thu 26 Nov to Fri 27 Nov, 9:00 AM → 9:30 AM');
    expect(folded!.line.startsAt).toEqual(lines[0]!.startsAt);
    expect(folded!.line.endsAt).toEqual(lines[1]!.endsAt);
  });
});

describe('isNoticeWorthy: not ended, starting within the horizon', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const at = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });
  test.each<[string, Change, boolean]>([
    ['tomorrow', change(undefined, doc()), true],
    ['under way', change(undefined, doc(at('2026-11-25T11:00:00Z', '2026-11-25T13:00:00Z'))), true],
    ['already ended', change(undefined, doc(at('2026-11-25T10:00:00Z', '2026-11-25T11:00:00Z'))), false],
    ['beyond 14 days', change(undefined, doc(at('2026-12-10T10:00:00Z', '2026-12-10T11:00:00Z'))), false],
    ['moved from beyond the horizon into it', change(doc(at('2026-12-20T10:00:00Z', '2026-12-20T11:00:00Z')), v2(at('2026-11-26T10:00:00Z', '2026-11-26T11:00:00Z'))), true],
    ['moved out of the horizon', change(doc(), v2(at('2027-01-20T10:00:00Z', '2027-01-20T11:00:00Z'))), true],
    ['moved, both sides past', change(doc(at('2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z')), v2(at('2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z'))), false],
    ['cancelled, past', change(doc(at('2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z')), v2({ ...at('2026-11-20T10:00:00Z', '2026-11-20T11:00:00Z'), isCancelled: true })), false],
    ['removed, upcoming', change(doc(), undefined), true],
    ['series master', change(undefined, doc({ type: 'seriesMaster' })), false],
    ['all-day today (local dates)', change(undefined, doc({ isAllDay: true, startDate: '2026-11-25', endDate: '2026-11-26' })), true],
  ])('%s', (_name, input, expected) => {
    expect(isNoticeWorthy(input, now, 14, ZONE)).toBe(expected);
  });
});

describe('noticeFingerprint', () => {
  test('same change, same id; any shown difference or a new edit, a new id', () => {
    const renamed = change(doc(), v2({ subject: 'B' }));
    expect(noticeId('u', renamed)).toBe(noticeId('u', change(doc(), v2({ subject: 'B' }))));
    expect(noticeId('u', renamed)).toMatch(/^u\|E1\|[A-Za-z0-9_-]{22}$/);
    const others = [
      change(doc(), v2({ subject: 'C' })),
      change(doc(), v2({ subject: 'B', etag: 'W/"4"' })),
      change(doc(), v2({ location: 'Room 5' })),
      change(doc(), v2({ isCancelled: true })),
      change(doc(), undefined),
    ];
    const fingerprints = new Set([renamed, ...others].map(noticeFingerprint));
    expect(fingerprints.size).toBe(others.length + 1);
  });
});

describe('renderNoticeSummary', () => {
  const lines = Array.from({ length: 12 }, (_, i) =>
    describeChange(change(undefined, doc({ eventId: `E${i}`, subject: `Meeting ${i}`, start: new Date(Date.UTC(2026, 10, 26, 20 - i)), end: new Date(Date.UTC(2026, 10, 26, 21 - i)) })), ZONE, NOW),
  );
  test('first ten rows in start order, then "and N more"', () => {
    const { attachment, text } = renderNoticeSummary(lines);
    const card = JSON.stringify(attachment.content);
    expect(card).toContain('12 calendar changes');
    expect(card).toContain('and 2 more');
    expect(card).toContain('Meeting 11');
    expect(card).not.toContain('Meeting 0"');
    expect(card).not.toContain('${');
    expect(text.split('\n')).toHaveLength(12);
  });
  test('quiet-hours summary says so; a subject cannot break the card', () => {
    const odd = describeChange(change(undefined, doc({ subject: '"}],"x":{"${evil}' })), ZONE, NOW);
    const { attachment } = renderNoticeSummary([odd], { heldForQuietHours: true });
    const card = JSON.stringify(attachment.content);
    expect(card).toContain('While your quiet hours were on:');
    expect((attachment.content as { body: { columns?: { items: { inlines?: { text: string }[] }[] }[] }[] }).body[2]!.columns![1]!.items[0]!.inlines![0]!.text).toContain('"}],"x":{"${evil}');
  });
});

describe('quiet hours', () => {
  test.each<[string, { start: string; end: string } | undefined]>([
    ['22:00-07:00', { start: '22:00', end: '07:00' }],
    ['22-7', { start: '22:00', end: '07:00' }],
    ['10pm to 7am', { start: '22:00', end: '07:00' }],
    ['12:30–13:30', { start: '12:30', end: '13:30' }],
    ['22:00-22:00', undefined],
    ['25:00-07:00', undefined],
    ['tonight', undefined],
    ['22h-7h', { start: '22:00', end: '07:00' }],
    ['10 p.m. to 7 a.m', { start: '22:00', end: '07:00' }],
    ['10:00-07:00', { start: '10:00', end: '07:00' }],
    ['1-3', { start: '01:00', end: '03:00' }],
    ['10-7', undefined],
  ])('parses %j', (input, expected) => {
    const parsed = parseQuietHours(input);
    if (expected) expect(parsed).toEqual(expected);
    else expect(parsed).toBeInstanceOf(BadQuietHoursInput);
  });

  test.each([
    ['25:00-7', '"25:00" isn\'t a time of day. Try "quiet hours 22:00-07:00", or "quiet hours off".'],
    ['22:00-10:60', '"10:60" isn\'t a time of day. Try "quiet hours 22:00-07:00", or "quiet hours off".'],
    ['22:00-22:00', 'Quiet hours need to end at another time than they start, like "quiet hours 22:00-07:00".'],
    // On the 24-hour clock that is 21 hours of quiet from 10 in the morning: asked, not taken.
    ['10-7', 'I can\'t tell whether "10-7" is in the morning or the evening: say it with am or pm, like "quiet hours 10pm-7am", or on the 24-hour clock, like "quiet hours 22:00-07:00".'],
    ['9 to 5', 'I can\'t tell whether "9 to 5" is in the morning or the evening: say it with am or pm, like "quiet hours 9pm-5am", or on the 24-hour clock, like "quiet hours 21:00-05:00".'],
    ['12-1', 'I can\'t tell whether "12-1" is in the morning or the evening: say it with am or pm, like "quiet hours 10pm-7am", or on the 24-hour clock, like "quiet hours 22:00-07:00".'],
  ])('%j: says what is wrong and what to type', (input, message) => {
    expect((parseQuietHours(input) as BadQuietHoursInput).message).toBe(message);
  });

  const quiet = { start: '22:00', end: '07:00' };
  test.each<[string, string | undefined]>([
    ['2026-11-25T21:30:00Z', '2026-11-26T06:00:00Z'], // 22:30 Berlin -> 07:00 Berlin next day
    ['2026-11-26T03:00:00Z', '2026-11-26T06:00:00Z'], // 04:00 Berlin -> 07:00 same day
    ['2026-11-26T06:00:00Z', undefined], // 07:00 Berlin: over
    ['2026-11-26T12:00:00Z', undefined],
  ])('at %s quiet hours end at %s', (now, end) => {
    expect(quietHoursEnd(new Date(now), ZONE, quiet)?.toISOString()).toBe(end && new Date(end).toISOString());
  });

  test('across a DST change the end is the local wall-clock time', () => {
    // Europe/Berlin leaves summer time on 25 Oct 2026 at 03:00.
    expect(quietHoursEnd(new Date('2026-10-24T21:00:00Z'), ZONE, quiet)?.toISOString()).toBe('2026-10-25T06:00:00.000Z');
  });
});

describe('ConversationRateLimit: Teams 7/1 s, 8/2 s, 60/30 s', () => {
  test('the 8th message in a second waits; the 9th in two seconds waits', () => {
    const limit = new ConversationRateLimit();
    for (let i = 0; i < 7; i++) {
      expect(limit.delayMs('c', 1000 + i)).toBe(0);
      limit.record('c', 1000 + i);
    }
    expect(limit.delayMs('c', 1010)).toBe(990);
    expect(limit.delayMs('other', 1010)).toBe(0);
    limit.record('c', 2000);
    expect(limit.delayMs('c', 2100)).toBe(900); // 8 in 2 s: wait until the first leaves the 2 s window
  });
  test('60 in 30 s', () => {
    const limit = new ConversationRateLimit();
    for (let i = 0; i < 60; i++) limit.record('c', i * 400);
    expect(limit.delayMs('c', 60 * 400)).toBe(30_000 - 60 * 400);
  });
});

describe('commands', () => {
  test.each<[string, unknown]>([
    ['notify off', { enabled: false }],
    ['notify on', { enabled: true }],
    ['notifications off', { enabled: false }],
    ['turn off notifications', { enabled: false }],
    ['notify', { show: true }],
    ['notify me about lunch', undefined],
    ['notify: off', { enabled: false }],
    ['stop notifications', { enabled: false }],
    ['enable change notices', { enabled: true }],
    ['notify maybe', { bad: 'maybe' }],
    ['notifications sometimes', { bad: 'sometimes' }],
  ])('notify: %j', (text, expected) => {
    expect(matchNotify(text)).toEqual(expected);
  });
  test.each<[string, unknown]>([
    ['quiet hours 22:00-07:00', { set: { start: '22:00', end: '07:00' } }],
    ['quiet hours: 10pm-7am', { set: { start: '22:00', end: '07:00' } }],
    ['quiet hours off', { off: true }],
    ['quiet hours', { show: true }],
    ['quietly', undefined],
  ])('quiet hours: %j', (text, expected) => {
    expect(matchQuietHours(text)).toEqual(expected);
  });
  test('bad quiet hours are a sentence', () => {
    const args = matchQuietHours('quiet hours after lunch');
    expect(args && 'bad' in args && args.bad.message).toMatch(/quiet hours 22:00-07:00/);
  });
});
