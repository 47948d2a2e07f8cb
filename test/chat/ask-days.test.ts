import { DateTime } from 'luxon';
import { calendarDayId } from '../../src/store/collections.js';
import { startHarness, teamsUser, type Harness, type TeamsUser } from '../support/calbot-harness.js';
import { ask, keepOnlyDays, shortDate, readScheduleCard, rowTitles, seedAccount, seedEvents, userKeyOf } from './ask-support.js';

/**
 * Where answers are read from: calendarDays for a user whose days the sync engine has filed (daysVersion), the
 * events collection for one synced before calendarDays existed. The day-boundary cases (a meeting across midnight
 * UTC, all-day events far from UTC) run with the user's `events` removed, so only the days can answer them.
 */
describe('answers from calendarDays, and from events before there are days', () => {
  let h: Harness;
  /** calbot's "now" in `zone` (the harness's clock, pinned for the whole file), and its today there. */
  const localNow = (zone: string) => DateTime.fromJSDate(h.clock.now(), { zone });
  const localToday = (zone: string) => localNow(zone).startOf('day');

  beforeAll(async () => {
    h = await startHarness({}, 'ask-days');
    // What is seeded for today and what calbot answers read one instant, whatever midnight passes meanwhile.
    h.clock.pin();
  });
  afterAll(async () => {
    await h.close();
  });

  const titles = async (text: string, user: TeamsUser) => rowTitles(readScheduleCard((await ask(h, text, user)).card));

  it('a user synced before calendarDays (no daysVersion) is answered from the events collection', async () => {
    const old = teamsUser('Olga Old', 'Europe/Berlin');
    const c = h.store.collections;
    await seedAccount(h, old, { mailboxTimeZone: 'Europe/Berlin', days: false });
    const today = localToday('Europe/Berlin');
    // The next meeting starts in one to two minutes (from the next whole minute but one: started at :59, the next
    // whole minute had begun before "next meeting" was asked, which then skipped it) and lasts five. It must not
    // fall in the half hour asked about below: then the question (and the meeting in it) move from 15:00 to 09:00.
    const soon = localNow('Europe/Berlin').startOf('minute').plus({ minutes: 2 });
    const askedHour = soon.plus({ minutes: 5 }) > today.set({ hour: 15 }) && soon < today.set({ hour: 15, minute: 30 }) ? 9 : 15;
    await seedEvents(c, old, [
      { subject: 'Olga holiday', start: today, allDay: true, showAs: 'free' },
      { subject: 'Olga at the hour', start: today.set({ hour: askedHour }) },
      { subject: 'Olga soon', start: soon, minutes: 5 },
      { subject: 'Olga tomorrow', start: today.plus({ days: 1 }).set({ hour: 10 }) },
    ]);
    expect(await c.calendarDays.countDocuments({ userKey: userKeyOf(old) })).toBe(0);

    expect(await titles("what's on today", old)).toEqual(expect.arrayContaining(['Olga holiday', 'Olga at the hour']));
    // (In the last minutes before midnight, "soon" reaches into tomorrow.)
    const tomorrowStart = today.plus({ days: 1 });
    expect(await titles('tomorrow', old)).toEqual(soon.plus({ minutes: 5 }) > tomorrowStart ? ['Olga soon', 'Olga tomorrow'] : ['Olga tomorrow']);
    expect(await titles('next meeting', old)).toEqual(['Olga soon']);
    const freeAt = readScheduleCard((await ask(h, askedHour === 15 ? 'am I free today at 3' : 'am I free today at 9am', old)).card);
    expect(freeAt.summary).toMatch(/^No, you have something then\./); // (on a weekend: "…outside your working hours")
    expect(rowTitles(freeAt)).toEqual(['Olga at the hour']);
  });

  it('two users with meetings on the same dates never see each other\'s days', async () => {
    const c = h.store.collections;
    const ann = teamsUser('Ann Twin', 'Europe/Berlin');
    const ben = teamsUser('Ben Twin', 'Europe/Berlin');
    const today = localToday('Europe/Berlin');
    const now = localNow('Europe/Berlin');
    const soon = now.startOf('minute').plus({ hours: 1 });
    // A fixed hour that is never between now and "soon" (so "next meeting" is always "soon").
    const fixedHour = now.hour === 9 ? 14 : 10;
    for (const [user, name] of [[ann, 'Ann'], [ben, 'Ben']] as const) {
      await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin' });
      await seedEvents(c, user, [
        { subject: `${name} all day`, start: today, allDay: true, showAs: 'oof' },
        { subject: `${name} at ${fixedHour}`, start: today.set({ hour: fixedHour }) },
        { subject: `${name} soon`, start: soon, minutes: 30 },
        { subject: `${name} tomorrow`, start: today.plus({ days: 1 }).set({ hour: 10 }) },
      ]);
    }
    // Same dates, one document each.
    const date = today.toISODate()!;
    expect(await c.calendarDays.findOne({ _id: calendarDayId(userKeyOf(ann), date) })).toMatchObject({ userKey: userKeyOf(ann) });
    expect(await c.calendarDays.findOne({ _id: calendarDayId(userKeyOf(ben), date) })).toMatchObject({ userKey: userKeyOf(ben) });
    await keepOnlyDays(c, ann);
    await keepOnlyDays(c, ben);

    for (const [user, own, other] of [[ann, 'Ann', 'Ben'], [ben, 'Ben', 'Ann']] as const) {
      const todays = await titles("what's on today", user);
      expect(todays).toEqual(expect.arrayContaining([`${own} all day`, `${own} at ${fixedHour}`]));
      expect(todays.every((title) => title.startsWith(own))).toBe(true);
      for (const question of ['tomorrow', 'this week', 'next week', 'next meeting', 'am I in a meeting', 'am I free at 10', 'when am I free this week']) {
        expect(JSON.stringify((await ask(h, question, user)).card)).not.toContain(other);
      }
      expect(await titles('next meeting', user)).toEqual([`${own} soon`]);
    }
  });

  it('a meeting across midnight UTC is on both UTC dates\' answers, and on the local day it falls in', async () => {
    const c = h.store.collections;
    const utc = teamsUser('Uma Utc', 'UTC');
    const tonga = teamsUser('Tevita Tonga', 'Pacific/Tongatapu');
    await seedAccount(h, utc, { mailboxTimeZone: 'UTC' });
    await seedAccount(h, tonga, { mailboxTimeZone: 'Pacific/Tongatapu' });
    // 23:30 today to 00:30 tomorrow, UTC.
    await seedEvents(c, utc, [{ subject: 'Uma late call', start: localToday('UTC').set({ hour: 23, minute: 30 }), minutes: 60 }]);
    // 11:00-14:00 in Tonga (UTC+13) is 22:00 to 01:00 UTC, across midnight UTC and inside one local day.
    await seedEvents(c, tonga, [{ subject: 'Tevita workshop', start: localToday('Pacific/Tongatapu').set({ hour: 11 }), minutes: 180 }]);
    await keepOnlyDays(c, utc);
    await keepOnlyDays(c, tonga);

    const today = readScheduleCard((await ask(h, "what's on today", utc)).card);
    const tomorrowName = localToday('UTC').plus({ days: 1 }).setLocale('en-GB').toFormat('ccc');
    expect(today.groups[0]!.rows).toEqual([{ time: '23:30–00:30', title: 'Uma late call', details: `Until ${tomorrowName}` }]);
    expect(await titles('tomorrow', utc)).toEqual(['Uma late call']);
    expect(await titles('yesterday', utc)).toEqual([]);

    const tongaToday = readScheduleCard((await ask(h, "what's on today", tonga)).card);
    expect(tongaToday.groups[0]!.rows).toEqual([{ time: '11:00–14:00', title: 'Tevita workshop' }]);
    expect(await titles('tomorrow', tonga)).toEqual([]);
    expect(await titles('yesterday', tonga)).toEqual([]);
    const busy = readScheduleCard((await ask(h, 'am I free today at 12:30', tonga)).card);
    expect(busy.summary).toMatch(/^No, you have something then\./);
    expect(rowTitles(busy)).toEqual(['Tevita workshop']);
  });

  it.each([
    ['UTC+13', 'Pacific/Tongatapu', 'am I free today at 9', 9],
    ['UTC-10', 'Pacific/Honolulu', 'am I free today at 9pm', 21],
  ] as const)('all-day events in %s: on their own local dates only, and busy for an hour whose UTC date is another', async (_offset, zone, freeQuestion, hour) => {
    const c = h.store.collections;
    const user = teamsUser(`Far ${zone}`, zone);
    await seedAccount(h, user, { mailboxTimeZone: zone });
    const today = localToday(zone);
    await seedEvents(c, user, [
      { subject: 'Far yesterday off', start: today.minus({ days: 1 }), allDay: true, showAs: 'oof' },
      { subject: 'Far today off', start: today, allDay: true, showAs: 'oof' },
      { subject: 'Far tomorrow off', start: today.plus({ days: 1 }), allDay: true, showAs: 'oof' },
      { subject: 'Far conference', start: today.plus({ days: 3 }), minutes: 2 * 1440, allDay: true, showAs: 'busy' },
    ]);
    await keepOnlyDays(c, user);

    const card = readScheduleCard((await ask(h, "what's on today", user)).card);
    expect(card.header).toBe(`Today · ${shortDate(today)}`);
    expect(card.groups[0]!.rows).toEqual([{ time: 'All day', title: 'Far today off', marker: 'Out of office' }]);
    expect(await titles('tomorrow', user)).toEqual(['Far tomorrow off']);
    expect(await titles('yesterday', user)).toEqual(['Far yesterday off']);
    const threeDays = today.plus({ days: 3 });
    expect(await titles(`what's on ${threeDays.toISODate()}`, user)).toEqual(['Far conference']);
    expect(await titles(`what's on ${threeDays.plus({ days: 1 }).toISODate()}`, user)).toEqual(['Far conference']);
    expect(await titles(`what's on ${threeDays.plus({ days: 2 }).toISODate()}`, user)).toEqual([]);

    // The hour's UTC date is yesterday's (Tonga) or tomorrow's (Honolulu): the all-day event is filed under the
    // local date, which the read must include.
    const freeAt = readScheduleCard((await ask(h, freeQuestion, user)).card);
    expect(freeAt.header).toContain(`${String(hour).padStart(2, '0')}:00–`);
    // (9:00 on a weekend and 21:00 are outside working hours too, which the answer adds.)
    expect(freeAt.summary).toMatch(/^No, you have something then\./);
    expect(rowTitles(freeAt)).toEqual(['Far today off']);
  });

  it('answers in the mailbox zone when Teams reports another zone, or none: the days read early are only a guess', async () => {
    const c = h.store.collections;
    // Teams says UTC+14, the mailbox UTC-11: their todays are always different dates.
    const traveller = teamsUser('Tia Traveller', 'Pacific/Kiritimati');
    const quiet = teamsUser('Quinn Quiet', '');
    const today = localToday('Pacific/Pago_Pago');
    for (const user of [traveller, quiet]) {
      await seedAccount(h, user, { mailboxTimeZone: 'Pacific/Pago_Pago' });
      await seedEvents(c, user, [
        { subject: 'Home today', start: today.set({ hour: 10 }) },
        { subject: 'Home all day', start: today, allDay: true },
        { subject: 'Home tomorrow', start: today.plus({ days: 1 }).set({ hour: 10 }) },
        { subject: 'Home yesterday', start: today.minus({ days: 1 }).set({ hour: 23 }) },
      ]);
      await keepOnlyDays(c, user);
      const card = readScheduleCard((await ask(h, "what's on today", user)).card);
      expect(card.header).toBe(`Today · ${shortDate(today)}`);
      expect(rowTitles(card)).toEqual(['Home all day', 'Home today']);
      expect(card.groups[0]!.rows[1]!.time).toMatch(/^10:00–/);
      expect(await titles('tomorrow', user)).toEqual(['Home tomorrow']);
      // Today's is next until 10:00 in Pago Pago, by calbot's clock.
      const next = await ask(h, 'next meeting', user);
      expect(rowTitles(readScheduleCard(next.card))).toEqual([today.set({ hour: 10 }).toMillis() >= h.clock.now().getTime() ? 'Home today' : 'Home tomorrow']);
    }
  });

  it('next meeting reads forward past empty weeks, counts a meeting spanning dates once, and says so when there is none', async () => {
    const c = h.store.collections;
    const far = teamsUser('Nina Next', 'Europe/Berlin');
    const empty = teamsUser('Ned Nothing', 'Europe/Berlin');
    await seedAccount(h, far, { mailboxTimeZone: 'Europe/Berlin' });
    await seedAccount(h, empty, { mailboxTimeZone: 'Europe/Berlin' });
    const today = localToday('Europe/Berlin');
    await seedEvents(c, far, [
      { subject: 'Nina past', start: today.minus({ days: 2 }).set({ hour: 9 }) },
      { subject: 'Nina declined', start: today.plus({ days: 5 }).set({ hour: 9 }), responseStatus: 'declined' },
      { subject: 'Nina retreat', start: today.plus({ days: 40 }).set({ hour: 9 }), minutes: 3 * 1440 },
      { subject: 'Nina after', start: today.plus({ days: 41 }).set({ hour: 9 }) },
    ]);
    await keepOnlyDays(c, far);

    const card = readScheduleCard((await ask(h, 'next meeting', far)).card);
    expect(rowTitles(card)).toEqual(['Nina retreat']);
    const now = readScheduleCard((await ask(h, 'am I in a meeting', far)).card);
    expect(now.summary).toBe("You're free right now.");
    expect(rowTitles(now)).toEqual(['Nina retreat']);

    const none = readScheduleCard((await ask(h, 'next meeting', empty)).card);
    expect(none.summary).toBe('Nothing coming up on your calendar.');
  });
});
