import { datesOfEvent, datesOverlapping, fileByDate } from '../../src/sync/calendar-days.js';
import type { EventDoc } from '../../src/store/collections.js';

const window = { start: new Date('2026-11-18T00:00:00Z'), end: new Date('2027-05-25T00:00:00Z') };

function event(id: string, start: string, end: string, extra: Partial<EventDoc> = {}): EventDoc {
  return { _id: `u|${id}`, userKey: 'u', eventId: id, type: 'singleInstance', subject: id, start: new Date(start), end: new Date(end), isAllDay: false, isCancelled: false, updatedAt: new Date(0), ...extra };
}

describe('calendar days', () => {
  test.each([
    ['one hour', '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z', ['2026-11-26']],
    ['crossing midnight UTC', '2026-11-26T23:30:00Z', '2026-11-27T00:30:00Z', ['2026-11-26', '2026-11-27']],
    ['ending exactly at midnight', '2026-11-26T23:00:00Z', '2026-11-27T00:00:00Z', ['2026-11-26']],
    ['zero length', '2026-11-26T12:00:00Z', '2026-11-26T12:00:00Z', ['2026-11-26']],
    ['zero length at midnight', '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z', ['2026-11-27']],
    ['three whole days', '2026-11-26T00:00:00Z', '2026-11-29T00:00:00Z', ['2026-11-26', '2026-11-27', '2026-11-28']],
  ])('%s', (_name, start, end, dates) => {
    expect(datesOverlapping({ start: new Date(start), end: new Date(end) })).toEqual(dates);
    expect(datesOfEvent(event('x', start, end), window)).toEqual(dates);
  });

  test('an event is filed only inside the window', () => {
    expect(datesOfEvent(event('x', '2026-11-10T09:00:00Z', '2026-11-19T10:00:00Z'), window)).toEqual(['2026-11-18', '2026-11-19']);
    expect(datesOfEvent(event('x', '2026-11-10T09:00:00Z', '2026-11-18T00:00:00Z'), window)).toEqual([]);
    expect(datesOfEvent(event('x', '2026-11-18T00:00:00Z', '2026-11-18T00:00:00Z'), window)).toEqual(['2026-11-18']);
    expect(datesOfEvent(event('x', '2027-05-24T23:00:00Z', '2028-01-01T00:00:00Z'), window)).toEqual(['2027-05-24']);
    expect(datesOfEvent(event('x', '2025-01-01T00:00:00Z', '2028-01-01T00:00:00Z'), window)).toHaveLength(188);
  });

  test('fileByDate: all-day events under their own dates, entries in start order, display fields only', () => {
    const days = fileByDate(
      [
        event('late', '2026-11-26T15:00:00Z', '2026-11-26T16:00:00Z', { location: 'Room 1', etag: 'W/"1"', organizer: { name: 'Bo' } }),
        event('early', '2026-11-26T08:00:00Z', '2026-11-26T09:00:00Z', { joinUrl: 'https://teams.example/j' }),
        event('off', '2026-11-26T00:00:00Z', '2026-11-28T00:00:00Z', { isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-28' }),
      ],
      window,
    );
    expect([...days.keys()]).toEqual(['2026-11-26', '2026-11-27']);
    expect(days.get('2026-11-26')!.map((e) => e.eventId)).toEqual(['off', 'early', 'late']);
    expect(days.get('2026-11-27')!.map((e) => e.eventId)).toEqual(['off']);
    expect(days.get('2026-11-26')![2]).toEqual({ eventId: 'late', subject: 'late', start: new Date('2026-11-26T15:00:00Z'), end: new Date('2026-11-26T16:00:00Z'), isAllDay: false, isCancelled: false, type: 'singleInstance', location: 'Room 1' });
  });

  test('fileByDate: the people of a meeting go with it into each of its days, for "meetings with sam"', () => {
    const days = fileByDate([event('sync', '2026-11-26T23:00:00Z', '2026-11-27T01:00:00Z', { people: ['Ana Lima', 'Sam Smith'] })], window);
    expect(days.get('2026-11-26')![0]!.people).toEqual(['Ana Lima', 'Sam Smith']);
    expect(days.get('2026-11-27')![0]!.people).toEqual(['Ana Lima', 'Sam Smith']);
  });

  test('fileByDate with `only`: the named dates, empty ones included (to be cleared)', () => {
    const days = fileByDate([event('a', '2026-11-26T09:00:00Z', '2026-11-26T10:00:00Z')], window, new Set(['2026-11-25', '2026-11-26']));
    expect(Object.fromEntries([...days].map(([date, entries]) => [date, entries.length]))).toEqual({ '2026-11-25': 0, '2026-11-26': 1 });
  });
});
