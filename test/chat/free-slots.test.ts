import { DateTime } from 'luxon';
import { blocksTime, conflictsDuring, freeSlots, occupiedRange, type BlockingEventFields } from '../../src/chat/free-slots.js';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const hhmm = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone }).toFormat('ccc HH:mm');

function timed(zone: string, start: string, end: string, extra: Partial<BlockingEventFields> = {}): BlockingEventFields {
  return { start: at(start, zone), end: at(end, zone), isAllDay: false, isCancelled: false, ...extra };
}
function allDay(date: string, next: string, extra: Partial<BlockingEventFields> = {}): BlockingEventFields {
  return { start: new Date(`${date}T00:00:00Z`), end: new Date(`${next}T00:00:00Z`), startDate: date, endDate: next, isAllDay: true, isCancelled: false, ...extra };
}
const day = (date: string, zone: string) => ({ start: at(`${date}T00:00`, zone), end: DateTime.fromISO(date, { zone }).plus({ days: 1 }).toJSDate() });

describe('blocksTime', () => {
  it.each([
    [{}, true],
    [{ showAs: 'busy' }, true],
    [{ showAs: 'tentative' }, true],
    [{ showAs: 'oof' }, true],
    [{ showAs: 'free' }, false],
    [{ showAs: 'workingElsewhere' }, false],
    [{ responseStatus: 'declined' }, false],
    [{ responseStatus: 'tentativelyAccepted' }, true],
    [{ isCancelled: true }, false],
    [{ type: 'seriesMaster' }, false],
  ])('%j -> %s', (extra, blocks) => {
    expect(blocksTime(timed('UTC', '2026-11-26T10:00', '2026-11-26T11:00', extra))).toBe(blocks);
  });
});

describe('freeSlots', () => {
  const Z = 'Europe/London';
  const cases: [name: string, zone: string, range: { start: Date; end: Date }, events: BlockingEventFields[], expected: string[]][] = [
    ['an empty working day is one slot', Z, day('2026-11-26', Z), [], ['Thu 09:00–Thu 17:00']],
    [
      'overlapping, free, declined, cancelled and short gaps',
      Z,
      day('2026-11-26', Z),
      [
        timed(Z, '2026-11-26T10:00', '2026-11-26T11:00'),
        timed(Z, '2026-11-26T10:30', '2026-11-26T12:00'),
        timed(Z, '2026-11-26T13:00', '2026-11-26T13:30', { showAs: 'free' }),
        timed(Z, '2026-11-26T14:00', '2026-11-26T14:50'),
        timed(Z, '2026-11-26T15:00', '2026-11-26T16:00', { responseStatus: 'declined' }),
        timed(Z, '2026-11-26T14:55', '2026-11-26T15:00'), // leaves a 5-minute gap: not offered
        timed(Z, '2026-11-26T16:30', '2026-11-26T18:00', { isCancelled: true }),
      ],
      ['Thu 09:00–Thu 10:00', 'Thu 12:00–Thu 14:00', 'Thu 15:00–Thu 17:00'],
    ],
    ['events before and after hours do not matter', Z, day('2026-11-26', Z), [timed(Z, '2026-11-26T07:00', '2026-11-26T09:15'), timed(Z, '2026-11-26T16:45', '2026-11-26T19:00')], ['Thu 09:15–Thu 16:45']],
    ['a range starting mid-day starts there', Z, { start: at('2026-11-26T10:45', Z), end: day('2026-11-26', Z).end }, [], ['Thu 10:45–Thu 17:00']],
    ['weekends have no working hours', Z, { start: at('2026-11-27T00:00', Z), end: at('2026-11-30T00:00', Z) }, [], ['Fri 09:00–Fri 17:00']],
    ['an all-day out-of-office blocks the day', Z, day('2026-11-26', Z), [allDay('2026-11-26', '2026-11-27', { showAs: 'oof' })], []],
    ['an all-day event shown as free does not', Z, day('2026-11-26', Z), [allDay('2026-11-26', '2026-11-27', { showAs: 'free' })], ['Thu 09:00–Thu 17:00']],
    ['a meeting filling the day', Z, day('2026-11-26', Z), [timed(Z, '2026-11-26T08:00', '2026-11-26T18:00')], []],
    // Auckland is UTC+13: working hours are local, the all-day holiday is a local date, not midnight UTC.
    ['Auckland all-day holiday on Thursday leaves Friday free', 'Pacific/Auckland', { start: at('2026-12-03T00:00', 'Pacific/Auckland'), end: at('2026-12-05T00:00', 'Pacific/Auckland') }, [allDay('2026-12-03', '2026-12-04', { showAs: 'oof' })], ['Fri 09:00–Fri 17:00']],
    ['New York, Monday after spring-forward', 'America/New_York', day('2026-03-09', 'America/New_York'), [timed('America/New_York', '2026-03-09T12:00', '2026-03-09T13:00')], ['Mon 09:00–Mon 12:00', 'Mon 13:00–Mon 17:00']],
  ];

  it.each(cases)('%s', (_name, zone, range, events, expected) => {
    expect(freeSlots(events, range, zone).map((slot) => `${hhmm(slot.start, zone)}–${hhmm(slot.end, zone)}`)).toEqual(expected);
  });

  it('keeps working hours local across a DST change', () => {
    const zone = 'Europe/London';
    // Week of the clocks going back (Sun 25 Oct 2026): Friday before is BST (UTC+1), Monday after is GMT.
    const slots = freeSlots([], { start: at('2026-10-23T00:00', zone), end: at('2026-10-27T00:00', zone) }, zone);
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-10-23T08:00:00.000Z', '2026-10-26T09:00:00.000Z']);
  });
});

describe('freeSlots in Outlook working hours', () => {
  const Z = 'Europe/London';
  const show = (slots: { start: Date; end: Date }[], zone = Z) => slots.map((slot) => `${hhmm(slot.start, zone)}–${hhmm(slot.end, zone)}`);

  it('half hours and the working days Outlook names', () => {
    const hours = { startMinute: 8 * 60 + 30, endMinute: 16 * 60 + 30, weekdays: [1, 2, 3, 4] };
    const week = { start: at('2026-11-23T00:00', Z), end: at('2026-11-30T00:00', Z) };
    const busy = [timed(Z, '2026-11-24T08:00', '2026-11-24T09:15'), timed(Z, '2026-11-26T16:00', '2026-11-26T18:00')];
    expect(show(freeSlots(busy, week, Z, hours))).toEqual(['Mon 08:30–Mon 16:30', 'Tue 09:15–Tue 16:30', 'Wed 08:30–Wed 16:30', 'Thu 08:30–Thu 16:00']);
  });

  it('hours kept in another zone are that zone\'s hours, shown in the user\'s', () => {
    // Working hours 09:00-17:00 New York (UTC-5 in November), the user reading in London: 14:00-22:00 there.
    const hours = { startMinute: 9 * 60, endMinute: 17 * 60, weekdays: [1, 2, 3, 4, 5], zone: 'America/New_York' };
    expect(show(freeSlots([], day('2026-11-26', Z), Z, hours))).toEqual(['Thu 14:00–Thu 22:00']);
    // Friday in New York starts at 05:00 London on Friday: a London Saturday holds its last hours, a Monday none.
    const weekend = { start: at('2026-11-27T00:00', Z), end: at('2026-11-30T00:00', Z) };
    expect(show(freeSlots([], weekend, Z, hours))).toEqual(['Fri 14:00–Fri 22:00']);
    const tokyo = { start: at('2026-11-27T00:00', 'Asia/Tokyo'), end: at('2026-11-28T00:00', 'Asia/Tokyo') };
    // Tokyo's Friday (UTC+9) holds New York's Thursday from 10:00 and the first hour of its Friday (23:00 in Tokyo).
    expect(show(freeSlots([], tokyo, 'Asia/Tokyo', hours), 'Asia/Tokyo')).toEqual(['Fri 00:00–Fri 07:00', 'Fri 23:00–Sat 00:00']);
  });

  it('a working day until midnight, and a shift across spring-forward', () => {
    const late = { startMinute: 18 * 60, endMinute: 24 * 60, weekdays: [1, 2, 3, 4, 5] };
    expect(show(freeSlots([], day('2026-11-26', Z), Z, late))).toEqual(['Thu 18:00–Fri 00:00']);
    const early = { startMinute: 1 * 60, endMinute: 5 * 60, weekdays: [7] };
    // London springs forward at 01:00 on Sun 29 Mar 2026: 01:00-02:00 does not exist, the day's hours are 3.
    const slots = freeSlots([], day('2026-03-29', Z), Z, early);
    expect(slots.map((slot) => [slot.start.toISOString(), slot.end.toISOString()])).toEqual([['2026-03-29T01:00:00.000Z', '2026-03-29T04:00:00.000Z']]);
  });
});

describe('conflictsDuring', () => {
  const Z = 'America/New_York';
  const events = [
    timed(Z, '2026-11-26T14:50', '2026-11-26T15:10', { showAs: 'busy' }),
    timed(Z, '2026-11-26T15:20', '2026-11-26T16:00', { showAs: 'tentative' }),
    timed(Z, '2026-11-26T15:00', '2026-11-26T15:30', { showAs: 'free' }),
    timed(Z, '2026-11-26T15:30', '2026-11-26T16:00'),
    timed(Z, '2026-11-26T14:00', '2026-11-26T15:00'),
  ];
  it('lists busy events overlapping the range, in order; touching edges do not overlap', () => {
    const found = conflictsDuring(events, { start: at('2026-11-26T15:00', Z), end: at('2026-11-26T15:30', Z) }, Z);
    expect(found.map((e) => hhmm(e.start, Z))).toEqual(['Thu 14:50', 'Thu 15:20']);
  });
  it('an all-day busy event covers the local day', () => {
    const range = occupiedRange(allDay('2026-12-03', '2026-12-04'), 'Pacific/Honolulu');
    expect([range.start.toISOString(), range.end.toISOString()]).toEqual(['2026-12-03T10:00:00.000Z', '2026-12-04T10:00:00.000Z']);
  });
});
