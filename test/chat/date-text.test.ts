import { DateTime } from 'luxon';
import { clockTime, dayLabel, daysBetween, longDate, shortDate } from '../../src/chat/date-text.js';

describe('date text', () => {
  const at = (iso: string, zone = 'Europe/London') => DateTime.fromISO(iso, { zone });

  it('writes dates the en-GB way, as luxon does', () => {
    for (const iso of ['2026-11-26T10:42', '2027-01-03T00:00', '2026-02-28T23:59', '2028-02-29T12:00']) {
      const day = at(iso);
      expect(shortDate(day)).toBe(day.setLocale('en-GB').toFormat('ccc d LLL'));
      expect(shortDate(day, { year: day.year + 1 })).toBe(day.setLocale('en-GB').toFormat('ccc d LLL yyyy'));
      expect(shortDate(day, { year: day.year })).toBe(day.setLocale('en-GB').toFormat('ccc d LLL'));
      expect(longDate(day)).toBe(day.setLocale('en-GB').toFormat('cccc d LLL'));
      expect(clockTime(day)).toBe(day.toFormat('HH:mm'));
    }
  });

  it('writes times on a 12-hour clock as en-US does, every minute of a day', () => {
    const day = at('2026-11-26T00:00');
    for (let minute = 0; minute < 24 * 60; minute++) {
      const time = day.plus({ minutes: minute });
      expect(clockTime(time, '12h')).toBe(time.setLocale('en-US').toFormat('h:mm a'));
    }
    expect([0, 12 * 60, 13 * 60 + 5].map((minute) => clockTime(day.plus({ minutes: minute }), '12h'))).toEqual(['12:00 AM', '12:00 PM', '1:05 PM']);
  });

  it('counts calendar days, a DST day and a year end included', () => {
    expect(daysBetween(at('2026-10-24T23:00'), at('2026-10-26T00:30'))).toBe(2); // over a 25-hour day
    expect(daysBetween(at('2026-03-29T00:00'), at('2026-03-30T00:00'))).toBe(1); // a 23-hour day
    expect(daysBetween(at('2026-12-31T23:59'), at('2027-01-01T00:00'))).toBe(1);
    expect(daysBetween(at('2026-11-26T10:00'), at('2026-11-25T23:00'))).toBe(-1);
  });

  it('labels days relative to today', () => {
    const today = at('2026-11-26T10:42');
    expect(dayLabel(at('2026-11-26T23:00'), today)).toBe('Today · Thu 26 Nov');
    expect(dayLabel(at('2026-11-27T00:00'), today)).toBe('Tomorrow · Fri 27 Nov');
    expect(dayLabel(at('2026-11-25T08:00'), today)).toBe('Yesterday · Wed 25 Nov');
    expect(dayLabel(at('2026-11-30T08:00'), today)).toBe('Mon 30 Nov');
    expect(dayLabel(at('2027-12-03T08:00'), today)).toBe('Fri 3 Dec 2027');
  });
});
