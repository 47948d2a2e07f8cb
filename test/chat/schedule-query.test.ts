import { DAYS_VERSION } from '../../src/sync/calendar-days.js';
import { parseQuestion, type Question } from '../../src/chat/question.js';
import { atTimeOfDay, datesToRead, nextDateChunks, prefetchDays, storedCalendar } from '../../src/chat/schedule-query.js';
import type { Store } from '../../src/store/database.js';
import { openTestDatabase } from '../support/database.js';

const at = (iso: string) => new Date(iso);

describe('atTimeOfDay: a meeting at a time of day, each day', () => {
  const event = (start: string, end: string, extra: { isAllDay?: boolean } = {}) => ({ subject: 'x', start: new Date(start), end: new Date(end), isAllDay: false, isCancelled: false, ...extra });
  const beforeTen = { from: 0, to: 600, zone: 'Europe/London' };

  it('reads the wall clock on a day the clocks change: "before 10" on 29 March 2026 (BST from 01:00) ends at 10:00 BST', () => {
    expect(atTimeOfDay(event('2026-03-29T08:30:00Z', '2026-03-29T08:55:00Z'), beforeTen)).toBe(true); // 09:30 BST
    expect(atTimeOfDay(event('2026-03-29T09:30:00Z', '2026-03-29T10:00:00Z'), beforeTen)).toBe(false); // 10:30 BST
    expect(atTimeOfDay(event('2026-10-25T10:30:00Z', '2026-10-25T11:00:00Z'), beforeTen)).toBe(false); // 10:30 GMT, the day back
  });

  it('counts a meeting that overlaps the window, on any day it spans; never an all-day one', () => {
    expect(atTimeOfDay(event('2026-12-03T08:30:00Z', '2026-12-03T10:30:00Z'), { from: 600, to: 1440, zone: 'UTC' })).toBe(true);
    expect(atTimeOfDay(event('2026-12-03T23:00:00Z', '2026-12-04T08:00:00Z'), { from: 0, to: 480, zone: 'UTC' })).toBe(true);
    expect(atTimeOfDay(event('2026-12-03T00:00:00Z', '2026-12-04T00:00:00Z', { isAllDay: true }), beforeTen)).toBe(false);
  });
});

describe('datesToRead: the calendarDays a range needs', () => {
  it.each([
    ['a whole day in UTC', 'UTC', '2026-11-26T00:00:00Z', '2026-11-27T00:00:00Z', ['2026-11-26']],
    ['a whole day in Berlin (UTC+1)', 'Europe/Berlin', '2026-11-25T23:00:00Z', '2026-11-26T23:00:00Z', ['2026-11-25', '2026-11-26']],
    ['a whole day in Tonga (UTC+13)', 'Pacific/Tongatapu', '2026-11-25T11:00:00Z', '2026-11-26T11:00:00Z', ['2026-11-25', '2026-11-26']],
    ['a whole day in Honolulu (UTC-10)', 'Pacific/Honolulu', '2026-11-26T10:00:00Z', '2026-11-27T10:00:00Z', ['2026-11-26', '2026-11-27']],
    // 09:00 on the 26th in Tonga is 20:00 UTC on the 25th: the 26th's all-day events are filed under the 26th.
    ['09:00-09:30 in Tonga', 'Pacific/Tongatapu', '2026-11-25T20:00:00Z', '2026-11-25T20:30:00Z', ['2026-11-25', '2026-11-26']],
    // 21:00 on the 26th in Honolulu is 07:00 UTC on the 27th.
    ['21:00-21:30 in Honolulu', 'Pacific/Honolulu', '2026-11-27T07:00:00Z', '2026-11-27T07:30:00Z', ['2026-11-26', '2026-11-27']],
    ['an instant ("am I in a meeting")', 'UTC', '2026-11-26T10:00:00Z', '2026-11-26T10:00:00.001Z', ['2026-11-26']],
    ['a week in Berlin', 'Europe/Berlin', '2026-11-22T23:00:00Z', '2026-11-29T23:00:00Z', ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']],
  ])('%s', (_name, zone, start, end, dates) => {
    expect(datesToRead({ start: at(start), end: at(end) }, zone)).toEqual(dates);
  });
});

describe('nextDateChunks: "next meeting" reads forward in growing chunks', () => {
  it('2, then 7, then doubling, up to the end of the window', () => {
    const chunks = nextDateChunks(at('2026-11-26T10:00:00Z'), at('2027-05-26T00:00:00Z'));
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 7, 14, 28, 56, 74]);
    expect(chunks[0]).toEqual(['2026-11-26', '2026-11-27']);
    expect(chunks.flat()).toHaveLength(181);
    expect(chunks.flat().at(-1)).toBe('2027-05-25');
  });

  it('nothing to read when the window ended before now', () => {
    expect(nextDateChunks(at('2026-11-26T10:00:00Z'), at('2026-11-26T00:00:00Z'))).toEqual([]);
  });
});

describe('storedCalendar: where a user is answered from', () => {
  const collections = {} as never;
  it.each([
    ['days filed at this layout', { daysVersion: DAYS_VERSION }, 'calendarDays'],
    ['no daysVersion (synced before calendarDays)', {}, 'events'],
    ['an older layout', { daysVersion: DAYS_VERSION - 1 }, 'events'],
    ['no sync state', null, 'events'],
  ] as const)('%s', (_name, state, source) => {
    expect(storedCalendar(collections, 'msteams:u', state).source).toBe(source);
  });
});

describe('prefetchDays: the days a question starts reading before the chat user is in', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestDatabase('prefetch-days');
  });
  afterAll(async () => {
    await store.close();
  });
  const now = at('2026-11-26T10:42:00Z'); // Thursday
  const zone = 'Europe/Berlin';
  const prefetched = async (text: string) => {
    const question = parseQuestion(text, now, zone) as Question;
    const reads = prefetchDays(store.collections, 'msteams:prefetch', question, now, zone);
    await Promise.all(reads.values());
    return { question, dates: [...reads.keys()].sort() };
  };

  it('"next meeting on monday": that day\'s dates, where its answer is read, not the two from now', async () => {
    const { question, dates } = await prefetched('next meeting on monday');
    expect(dates).toEqual(datesToRead((question as Extract<Question, { kind: 'next' }>).within!.range, zone));
    expect(dates).toEqual(['2026-11-29', '2026-11-30']);
  });

  it('"next meeting": the first chunk from now', async () => {
    expect((await prefetched('next meeting')).dates).toEqual(['2026-11-26', '2026-11-27']);
  });
});
