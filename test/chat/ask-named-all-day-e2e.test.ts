import { DateTime } from 'luxon';
import { startHarness, teamsUser, type Harness, type TeamsUser } from '../support/calbot-harness.js';
import { ask, cardDate, readScheduleCard, rowTitles, seedAccount, seedEvents } from './ask-support.js';

/**
 * "When's my next vacation", "next company holiday", "next lunch": a search by name finds all-day events and time
 * shown as free too (the plain "next meeting" does not), in the order they start for the user. All-day events are
 * stored at midnight UTC, up to 14 hours from the user's midnight: in Auckland the Offsite (all day) starts before
 * the Offsite prep at 10:00 that day although stored after it; in Honolulu tomorrow's holiday is stored at 14:00
 * today. Asked of both stores: the days filed by date, and the events collection alone (a user synced before them).
 */
describe('the next meeting by name, all-day and free ones included', () => {
  let h: Harness;
  const now = () => h.clock.now();

  beforeAll(async () => {
    h = await startHarness({}, 'ask_named_all_day');
    h.clock.pin(DateTime.now().startOf('minute').toJSDate());
  });
  afterAll(async () => {
    await h.close();
  });

  const users: [string, string, string, boolean][] = [
    ['Ann Auckland', 'Pacific/Auckland', 'New Zealand Standard Time', true],
    ['Hal Honolulu', 'Pacific/Honolulu', 'Hawaiian Standard Time', true],
    ['Ana Auckland', 'Pacific/Auckland', 'New Zealand Standard Time', false],
    ['Hoku Honolulu', 'Pacific/Honolulu', 'Hawaiian Standard Time', false],
  ];

  async function seeded(name: string, zone: string, mailbox: string, days: boolean): Promise<{ user: TeamsUser; today: DateTime }> {
    const user = teamsUser(name, zone);
    await seedAccount(h, user, { mailboxTimeZone: mailbox, days });
    const today = DateTime.fromJSDate(now(), { zone }).startOf('day');
    const offsite = today.plus({ days: 3 });
    await seedEvents(h.store.collections, user, [
      { subject: 'Offsite prep', start: offsite.set({ hour: 10 }), minutes: 60 },
      { subject: 'Offsite', start: offsite, allDay: true, showAs: 'oof' },
      { subject: 'Vacation', start: today.plus({ days: 5 }), allDay: true, minutes: 3 * 1440, showAs: 'oof' },
      { subject: 'Company holiday', start: today.plus({ days: 1 }), allDay: true, showAs: 'free' },
      { subject: 'Lunch', start: today.plus({ days: 1 }).set({ hour: 12 }), minutes: 45, showAs: 'free' },
      { subject: 'Lunch with Bob', start: today.plus({ days: 1 }).set({ hour: 11 }), minutes: 60, responseStatus: 'declined' },
      { subject: 'Budget review', start: today.plus({ days: 2 }).set({ hour: 9 }), minutes: 60 },
    ]);
    return { user, today };
  }

  it.each(users)('%s (%s, mailbox %s; days filed: %s)', async (name, zone, mailbox, days) => {
    const { user, today } = await seeded(name, zone, mailbox, days);
    const offsite = today.plus({ days: 3 });

    const next = readScheduleCard((await ask(h, 'when is my next offsite', user)).card);
    expect(rowTitles(next)).toEqual(['Offsite']);
    expect(next.summary).toBe(`${cardDate(offsite, today)}, all day, in 3 days`);

    const two = readScheduleCard((await ask(h, 'next two offsites', user)).card);
    expect(two.groups.map((group) => group.rows.map((row) => row.title))).toEqual([['Offsite', 'Offsite prep']]);

    const vacation = readScheduleCard((await ask(h, "when's my next vacation", user)).card);
    expect(rowTitles(vacation)).toEqual(['Vacation']);
    expect(vacation.summary).toBe(`${cardDate(today.plus({ days: 5 }), today)} to ${cardDate(today.plus({ days: 7 }), today)}, in 5 days`);

    const holiday = readScheduleCard((await ask(h, 'next company holiday', user)).card);
    expect(rowTitles(holiday)).toEqual(['Company holiday']);
    expect(holiday.summary).toBe('Tomorrow, all day');

    // Shown as free, and still what was asked for; the declined one is not.
    expect(rowTitles(readScheduleCard((await ask(h, 'next lunch', user)).card))).toEqual(['Lunch']);
    // Time off: shown as out of office, or all day and named so (the free "Company holiday" tomorrow comes first).
    const off = readScheduleCard((await ask(h, 'when am i off next', user)).card);
    expect(off.header).toBe('Next time off');
    expect(rowTitles(off)).toEqual(['Company holiday']);
    // "next meeting" names none: meetings that take time only, as before.
    expect(rowTitles(readScheduleCard((await ask(h, "what's my next meeting", user)).card))).toEqual(['Budget review']);
  });

  it('no time off ahead says so, and what counts as time off; a timed out-of-office meeting counts, a timed "Holiday party" does not', async () => {
    const user = teamsUser('Tim Nooff', 'Europe/London');
    await seedAccount(h, user, { mailboxTimeZone: 'GMT Standard Time' });
    const today = DateTime.fromJSDate(now(), { zone: 'Europe/London' }).startOf('day');
    await seedEvents(h.store.collections, user, [
      { subject: 'Holiday party', start: today.plus({ days: 2 }).set({ hour: 18 }), minutes: 120 },
      { subject: 'Leave planning', start: today.plus({ days: 2 }).set({ hour: 10 }), minutes: 30 },
    ]);
    const none = readScheduleCard((await ask(h, "when's my next day off", user)).card);
    expect(none.groups).toEqual([]);
    expect(none.summary).toMatch(/^No time off in the next \d+ days: nothing shown as out of office, and no all-day vacation, holiday or leave\.$/);

    await seedEvents(h.store.collections, user, [{ subject: 'Dentist', start: today.plus({ days: 4 }).set({ hour: 8 }), minutes: 90, showAs: 'oof' }]);
    expect(rowTitles(readScheduleCard((await ask(h, 'when am i next out of office', user)).card))).toEqual(['Dentist']);
  });
});
