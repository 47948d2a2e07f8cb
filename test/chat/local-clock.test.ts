import { DateTime } from 'luxon';
import { localClock } from '../../src/chat/local-clock.js';

// The fixed-offset shortcut must read every instant exactly as luxon does in the IANA zone, inside the span and
// around it, on ordinary days, DST days, half-hour and 45-minute zones, and multi-day spans.
const cases: [zone: string, localDay: string, days: number][] = [
  ['Europe/London', '2026-10-25', 1], // clocks go back: 25 hours
  ['Europe/London', '2026-03-29', 1], // clocks go forward: 23 hours
  ['America/New_York', '2026-03-08', 1],
  ['America/New_York', '2026-11-01', 1],
  ['America/New_York', '2026-11-26', 1],
  ['Australia/Lord_Howe', '2026-10-04', 1], // a 30-minute DST change
  ['Asia/Kathmandu', '2026-11-26', 1], // +05:45
  ['Pacific/Chatham', '2026-09-27', 1], // +12:45 -> +13:45
  ['Pacific/Kiritimati', '2026-11-26', 2],
  ['Europe/Berlin', '2026-10-24', 2], // a two-day span holding a change
  ['Europe/Berlin', '2026-10-19', 7], // a week: longer than the shortcut covers
];

describe('localClock', () => {
  it.each(cases)('%s from %s for %i day(s) reads every instant as the IANA zone does', (zone, localDay, days) => {
    const start = DateTime.fromISO(localDay, { zone });
    const span = { start: start.toJSDate(), end: start.plus({ days }).toJSDate() };
    const local = localClock(zone, span);
    let checked = 0;
    for (let at = span.start.getTime() - 36 * 3_600_000; at <= span.end.getTime() + 36 * 3_600_000; at += 7 * 60_000) {
      const instant = new Date(at);
      const expected = DateTime.fromJSDate(instant, { zone });
      const got = local(instant);
      expect([got.year, got.month, got.day, got.weekday, got.hour, got.minute, got.toMillis()]).toEqual([
        expected.year, expected.month, expected.day, expected.weekday, expected.hour, expected.minute, expected.toMillis(),
      ]);
      checked++;
    }
    expect(checked).toBeGreaterThan(700);
  });

  it('reads in the zone when there is no span', () => {
    const instant = new Date('2026-07-01T12:00:00Z');
    expect(localClock('Europe/Paris')(instant).hour).toBe(14);
  });
});
