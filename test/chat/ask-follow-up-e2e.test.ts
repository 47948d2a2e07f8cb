import { DateTime } from 'luxon';
import { FOLLOW_UP_TTL_MS } from '../../src/chat/follow-up.js';
import { startHarness, teamsUser, type Harness } from '../support/calbot-harness.js';
import { ask, cardDate, readScheduleCard, rowTitles, seedAccount, seedEvents } from './ask-support.js';

/**
 * Follow-ups ("and friday?", "and at 4?") and the questions that read a day or a person in a way of their own ("when
 * do I start", "when is my last meeting with sam", "can I meet with sam at 3"), through /api/messages. The clock is
 * pinned to a Wednesday at 10:00 in Berlin, so that "tomorrow" and "friday" are working days whatever day it is.
 */
const ZONE = 'Europe/Berlin';

describe('follow-up questions and the forms read on their own, end to end', () => {
  let h: Harness;
  const realToday = DateTime.now().setZone(ZONE).startOf('day');
  const wednesday = realToday.plus({ days: ((3 - realToday.weekday + 7) % 7) + 7 }).set({ hour: 10 });
  const thursday = wednesday.plus({ days: 1 }).startOf('day');
  const friday = wednesday.plus({ days: 2 }).startOf('day');
  const date = (day: DateTime) => cardDate(day, wednesday);
  const ada = teamsUser('Ada Follow', ZONE);
  const bob = teamsUser('Bob Follow', ZONE);

  beforeAll(async () => {
    h = await startHarness({}, 'ask-follow-up');
    h.clock.pin(wednesday.toJSDate());
    for (const user of [ada, bob]) {
      await seedAccount(h, user, { mailboxTimeZone: ZONE });
      await seedEvents(h.store.collections, user, [
        { subject: `${user.name} Wednesday standup`, start: wednesday.set({ hour: 9 }), minutes: 30 },
        { subject: `${user.name} Wednesday review`, start: wednesday.set({ hour: 16 }), minutes: 60 },
        { subject: `${user.name} Thursday planning`, start: thursday.set({ hour: 16 }), minutes: 60 },
        { subject: `${user.name} Friday workshop`, start: friday.set({ hour: 9 }), minutes: 240 },
      ]);
    }
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => {
    h.clock.pin(wednesday.toJSDate());
  });

  it('"free time tomorrow", then "and friday?", is free time on Friday (it was Friday\'s agenda)', async () => {
    const first = readScheduleCard((await ask(h, 'free time tomorrow', ada)).card);
    expect(first.header).toBe(`Free time · Tomorrow · ${date(thursday)}`);
    const then = readScheduleCard((await ask(h, 'and friday?', ada)).card);
    expect(then.header).toBe(`Free time · ${date(friday)}`);
    expect(rowTitles(then)).not.toContain(`${ada.name} Friday workshop`);
    // Without a last question, a day alone is that day's agenda.
    const fresh = teamsUser('Cy Fresh', ZONE);
    await seedAccount(h, fresh, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, fresh, [{ subject: 'Cy Friday', start: friday.set({ hour: 11 }) }]);
    const agenda = readScheduleCard((await ask(h, 'and friday?', fresh)).card);
    expect(agenda.header).toBe(date(friday));
    expect(rowTitles(agenda)).toEqual(['Cy Friday']);
  });

  it('"meetings between 3 and 6 tomorrow", then "and friday?", is Friday\'s 15:00-18:00; free time so too (they were whole days)', async () => {
    const thursdayStretch = readScheduleCard((await ask(h, 'meetings between 3 and 6 tomorrow', ada)).card);
    expect(thursdayStretch.header).toBe(`Tomorrow · ${date(thursday)} · 15:00–18:00`);
    expect(rowTitles(thursdayStretch)).toEqual([`${ada.name} Thursday planning`]);
    const fridayStretch = readScheduleCard((await ask(h, 'and friday?', ada)).card);
    expect(fridayStretch.header).toBe(`${date(friday)} · 15:00–18:00`);
    expect(rowTitles(fridayStretch)).toEqual([]);
    // The workshop (09:00-13:00) is in Friday morning's stretch.
    const gus = teamsUser('Gus Stretch', ZONE);
    await seedAccount(h, gus, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, gus, [{ subject: 'Gus Friday workshop', start: friday.set({ hour: 9 }), minutes: 240 }]);
    const morning = readScheduleCard((await ask(h, 'when am I free between 8 and 2 tomorrow', gus)).card);
    expect(morning.header).toBe(`Free time · Tomorrow · ${date(thursday)} · 08:00–14:00`);
    expect(morning.groups.flatMap((group) => group.rows.map((row) => row.time))).toEqual(['09:00–14:00']);
    const fridayMorning = readScheduleCard((await ask(h, 'and friday?', gus)).card);
    expect(fridayMorning.header).toBe(`Free time · ${date(friday)} · 08:00–14:00`);
    expect(fridayMorning.groups.flatMap((group) => group.rows.map((row) => row.time))).toEqual(['13:00–14:00']);
  });

  it('"am I free at 10am EST", "anything at 3pm new york time": that time where it was said, answered on the user\'s clock with both', async () => {
    const zed = teamsUser('Zed Zones', ZONE);
    await seedAccount(h, zed, { mailboxTimeZone: ZONE });
    // 16:00 in Berlin is 10:00 in New York (in winter and in summer alike).
    await seedEvents(h.store.collections, zed, [{ subject: 'Zed review', start: wednesday.set({ hour: 16 }), minutes: 60 }]);
    const busy = readScheduleCard((await ask(h, 'am I free at 10am EST?', zed)).card);
    expect(busy).toMatchObject({ header: `Today · ${date(wednesday)} · 16:00–16:30`, summary: 'No, you have something then. 10:00 EST is 16:00 your time.' });
    expect(rowTitles(busy)).toEqual(['Zed review']);
    const free = readScheduleCard((await ask(h, 'anything at 3pm new york time?', zed)).card);
    expect(free).toMatchObject({ header: `Today · ${date(wednesday)} · 21:00–21:30`, summary: "No, you're free then. That's outside your working hours (09:00–17:00). 15:00 New York time is 21:00 your time." });
    // In the user's own zone, nothing more is said.
    expect(readScheduleCard((await ask(h, 'am I free at 4pm CET', zed)).card).summary).toBe('No, you have something then.');
  });

  it('"what\'s my busiest day this week": the week, its busiest day said first; "and next week?" asks it of that week', async () => {
    const bea = teamsUser('Bea Busiest', ZONE);
    await seedAccount(h, bea, { mailboxTimeZone: ZONE });
    const nextWeek = wednesday.plus({ days: 5 }).startOf('day'); // Monday
    await seedEvents(h.store.collections, bea, [
      { subject: 'Bea Wednesday 1', start: wednesday.set({ hour: 9 }), minutes: 60 },
      { subject: 'Bea Wednesday 2', start: wednesday.set({ hour: 11 }), minutes: 60 },
      { subject: 'Bea Thursday', start: thursday.set({ hour: 9 }), minutes: 180 },
      // Declined and free: no time taken.
      { subject: 'Bea Friday declined', start: friday.set({ hour: 9 }), minutes: 480, responseStatus: 'declined' },
      { subject: 'Bea Friday focus', start: friday.set({ hour: 9 }), minutes: 480, showAs: 'free' },
      { subject: 'Bea next Tuesday', start: nextWeek.plus({ days: 1 }).set({ hour: 13 }), minutes: 90 },
    ]);
    const week = readScheduleCard((await ask(h, "what's my busiest day this week?", bea)).card);
    expect(week.header).toMatch(/^This week · /);
    // (calbot's month names: "Sep", where ICU's en-GB writes "Sept")
    const longDay = (day: DateTime) => `${day.setLocale('en-GB').toFormat('cccc d')} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][day.month - 1]}`;
    expect(week.summary).toBe(`Busiest: ${longDay(thursday)}, 1 meeting · 3 h busy. In all: 3 meetings · 5 h busy`);
    expect(rowTitles(week)).toContain('Bea Wednesday 1');
    const next = readScheduleCard((await ask(h, 'and next week?', bea)).card);
    expect(next.summary).toBe(`Busiest: ${longDay(nextWeek.plus({ days: 1 }))}, 1 meeting · 1 h 30 min busy. In all: 1 meeting · 1 h 30 min busy`);
    // Nothing on: said as for any week.
    const empty = readScheduleCard((await ask(h, 'busiest day the week after next', bea)).card);
    expect(empty.summary).toBe('Nothing on your calendar the week after next.');
  });

  it('"when\'s my next free day": the first working day with no meeting in its working hours, skipping the weekend and a day off', async () => {
    const fay = teamsUser('Fay Free', ZONE);
    await seedAccount(h, fay, { mailboxTimeZone: ZONE });
    const monday = wednesday.plus({ days: 5 }).startOf('day');
    await seedEvents(h.store.collections, fay, [
      { subject: 'Fay Wednesday', start: wednesday.set({ hour: 11 }) },
      // Outside working hours, and shown as free: neither makes Thursday a day with meetings.
      { subject: 'Fay Thursday dinner', start: thursday.set({ hour: 19 }) },
      { subject: 'Fay Thursday focus', start: thursday.set({ hour: 10 }), showAs: 'free' },
      { subject: 'Fay Friday', start: friday.set({ hour: 16 }), minutes: 30 },
    ]);
    const thursdayFree = readScheduleCard((await ask(h, "when's my next free day?", fay)).card);
    expect(thursdayFree).toMatchObject({ header: `Free time · Tomorrow · ${date(thursday)}`, summary: 'Tomorrow has no meetings in your working hours (09:00–17:00).' });
    expect(thursdayFree.groups.flatMap((group) => group.rows.map((row) => `${row.time} ${row.title}`))).toEqual(['09:00–17:00 8 h']);
    // Thursday taken, Friday has a meeting, the weekend is no working day, Monday is a day off: Tuesday.
    await seedEvents(h.store.collections, fay, [
      { subject: 'Fay Thursday call', start: thursday.set({ hour: 9 }), minutes: 15 },
      { subject: 'Fay holiday', start: monday, allDay: true, showAs: 'oof' },
    ]);
    const tuesday = monday.plus({ days: 1 });
    const later = readScheduleCard((await ask(h, 'next day with no meetings', fay)).card);
    expect(later).toMatchObject({ header: `Free time · ${date(tuesday)}`, summary: `${date(tuesday)} has no meetings in your working hours (09:00–17:00).` });
    // Busy every working day: said so.
    const busy = teamsUser('Bo Busy', ZONE);
    await seedAccount(h, busy, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, busy, Array.from({ length: 70 }, (_, i) => ({ subject: `Bo daily ${i}`, start: wednesday.plus({ days: i }).set({ hour: 12 }), minutes: 30 })));
    const none = readScheduleCard((await ask(h, 'first meeting-free day', busy)).card);
    expect(none).toMatchObject({ header: 'Free time · Next free day', groups: [] });
    expect(none.summary).toMatch(/^Every working day in the next \d+ days has a meeting in your working hours \(09:00–17:00\)\.$/);
  });

  it('"am I free tomorrow at 3", then "and at 4?", asks about 16:00 tomorrow (it was today\'s agenda); "what about friday at 10" there', async () => {
    const three = readScheduleCard((await ask(h, 'am I free tomorrow at 3', ada)).card);
    expect(three).toMatchObject({ header: `Tomorrow · ${date(thursday)} · 15:00–15:30`, summary: "Yes, you're free then." });
    const four = readScheduleCard((await ask(h, 'and at 4?', ada)).card);
    expect(four).toMatchObject({ header: `Tomorrow · ${date(thursday)} · 16:00–16:30`, summary: 'No, you have something then.' });
    expect(rowTitles(four)).toEqual([`${ada.name} Thursday planning`]);
    const friday10 = readScheduleCard((await ask(h, 'what about friday at 10', ada)).card);
    expect(friday10).toMatchObject({ header: `${date(friday)} · 10:00–10:30`, summary: 'No, you have something then.' });
  });

  it('"what\'s on tomorrow", then "and the day after?", is Friday\'s agenda; "what about the afternoon" then, Friday afternoon\'s (they were Thursday\'s, and "am I free" today)', async () => {
    const eli = teamsUser('Eli After', ZONE);
    await seedAccount(h, eli, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, eli, [
      { subject: 'Eli Thursday', start: thursday.set({ hour: 11 }) },
      { subject: 'Eli Friday morning', start: friday.set({ hour: 9 }) },
      { subject: 'Eli Friday afternoon', start: friday.set({ hour: 14 }) },
    ]);
    expect(rowTitles(readScheduleCard((await ask(h, "what's on tomorrow", eli)).card))).toEqual(['Eli Thursday']);
    const after = readScheduleCard((await ask(h, 'and the day after?', eli)).card);
    expect(after.header).toBe(date(friday));
    expect(rowTitles(after)).toEqual(['Eli Friday morning', 'Eli Friday afternoon']);
    const afternoon = readScheduleCard((await ask(h, 'what about the afternoon', eli)).card);
    expect(afternoon.header).toBe(`${date(friday)} · Afternoon`);
    expect(rowTitles(afternoon)).toEqual(['Eli Friday afternoon']);
  });

  it("one user's last question never shapes another's follow-up, and a last question is forgotten after 15 minutes", async () => {
    await ask(h, 'am I free tomorrow at 3', ada);
    // Bob asked nothing before: "and at 4?" is today's 16:00, where his review is.
    const bobs = readScheduleCard((await ask(h, 'and at 4?', bob)).card);
    expect(bobs).toMatchObject({ header: `Today · ${date(wednesday)} · 16:00–16:30`, summary: 'No, you have something then.' });
    expect(rowTitles(bobs)).toEqual([`${bob.name} Wednesday review`]);
    // Bob's question is his last now, not Ada's: hers is still tomorrow's 15:00.
    await ask(h, "what's on today", bob);
    const adas = readScheduleCard((await ask(h, 'and at 4?', ada)).card);
    expect(adas.header).toBe(`Tomorrow · ${date(thursday)} · 16:00–16:30`);
    expect(readScheduleCard((await ask(h, 'and tomorrow?', bob)).card).header).toBe(`Tomorrow · ${date(thursday)}`);
    // 15 minutes on, Ada's follow-up is read on its own: today's 16:00.
    h.clock.pin(new Date(wednesday.toMillis() + FOLLOW_UP_TTL_MS));
    expect(readScheduleCard((await ask(h, 'and at 4?', ada)).card).header).toBe(`Today · ${date(wednesday)} · 16:00–16:30`);
  });

  it('"when do I start" is today\'s first meeting; after the day\'s last, it says so and gives the next working day\'s first', async () => {
    h.clock.pin(wednesday.set({ hour: 8 }).toJSDate());
    const morning = readScheduleCard((await ask(h, 'when do I start?', ada)).card);
    expect(rowTitles(morning)).toEqual([`${ada.name} Wednesday standup`]);
    h.clock.pin(wednesday.set({ hour: 18 }).toJSDate());
    const evening = readScheduleCard((await ask(h, 'when do I start', ada)).card);
    expect(evening.header).toBe(`Next up · Tomorrow · ${date(thursday)}`);
    expect(evening.summary).toMatch(/^You have no more meetings today\. Tomorrow, in 22 h/);
    expect(rowTitles(evening)).toEqual([`${ada.name} Thursday planning`]);
  });

  it('"when is my last meeting with sam" is the most recent one with Sam that has ended; "last meeting today with sam" today\'s', async () => {
    const dee = teamsUser('Dee Past', ZONE);
    await seedAccount(h, dee, { mailboxTimeZone: ZONE });
    const monday = wednesday.minus({ days: 2 }).startOf('day');
    await seedEvents(h.store.collections, dee, [
      { subject: '1:1 Sam', start: wednesday.minus({ days: 5 }).set({ hour: 11 }) },
      { subject: '1:1 Sam', start: monday.set({ hour: 14 }), minutes: 45 },
      { subject: 'Sam retro', start: wednesday.set({ hour: 15 }) }, // later today: not over
      { subject: 'Sam planning', start: friday.set({ hour: 9 }) },
    ]);
    const last = readScheduleCard((await ask(h, 'when is my last meeting with sam', dee)).card);
    expect(last.summary).toBe(`Your last meeting matching "sam" was on ${date(monday)}; it ended at 14:45.`);
    expect(last.groups[0]!.rows).toMatchObject([{ title: '1:1 Sam', time: '14:00–14:45' }]);
    expect(last.footnote).toBeUndefined();
    const today = readScheduleCard((await ask(h, 'last meeting today with sam', dee)).card);
    expect(today.summary).toBe('Your last meeting matching "sam" today ends at 16:00.');
    // Asked in the past tense, or as when they last met: the same one (they were today's agenda, or no question).
    for (const question of ['when was my last meeting with sam?', 'when did I last meet Sam']) {
      expect(readScheduleCard((await ask(h, question, dee)).card).summary).toBe(`Your last meeting matching "sam" was on ${date(monday)}; it ended at 14:45.`);
    }
  });

  it('"design review this week", then "and the workshop?": the same span, another name; "and the planning on thursday?" that day', async () => {
    const dee = teamsUser('Dee Names', ZONE);
    await seedAccount(h, dee, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, dee, [
      { subject: 'Dee design review', start: thursday.set({ hour: 11 }) },
      { subject: 'Dee workshop', start: friday.set({ hour: 9 }), minutes: 120 },
      { subject: 'Dee planning', start: thursday.set({ hour: 14 }) },
      { subject: 'Dee offsite', start: friday.set({ hour: 13 }), isCancelled: true },
    ]);
    const asked = await ask(h, 'design review in the next 3 days', dee);
    const first = readScheduleCard(asked.card);
    expect(rowTitles(first)).toEqual(['Dee design review']);
    const workshop = readScheduleCard((await ask(h, 'and the workshop?', dee)).card);
    expect(workshop.header).toBe(first.header.replace('"design review"', '"workshop"'));
    expect(rowTitles(workshop)).toEqual(['Dee workshop']);
    const planning = readScheduleCard((await ask(h, 'what about the planning on thursday?', dee)).card);
    expect(planning.header).toBe(`Tomorrow · ${date(thursday)} · "planning"`);
    expect(rowTitles(planning)).toEqual(['Dee planning']);
    // Whether it is still on, asked again of another name.
    expect(readScheduleCard((await ask(h, 'is the dee workshop still on?', dee)).card).summary).toMatch(/^Still on: /);
    expect(readScheduleCard((await ask(h, 'and the dee offsite?', dee)).card).summary).toMatch(/^Cancelled: the one on /);
    // Its own question, not a name: read as it stands.
    expect(readScheduleCard((await ask(h, "and what's on friday?", dee)).card).header).toBe(date(friday));
    // A name with no question before it that named a meeting: no question.
    expect((await ask(h, 'and the workshop?', dee)).text).toBe('I didn\'t catch that. Type "help" to see what I can do.');
    const fresh = teamsUser('Di Fresh', ZONE);
    await seedAccount(h, fresh, { mailboxTimeZone: ZONE });
    expect((await ask(h, 'what about bob?', fresh)).text).toBe('I didn\'t catch that. Type "help" to see what I can do.');
  });

  it('"when is my longest meeting this week", "my shortest call tomorrow": that one, how long it is, and when', async () => {
    const lou = teamsUser('Lou Longest', ZONE);
    await seedAccount(h, lou, { mailboxTimeZone: ZONE });
    const monday = wednesday.minus({ days: 2 }).startOf('day');
    await seedEvents(h.store.collections, lou, [
      { subject: 'Lou Monday offsite', start: monday.set({ hour: 9 }), minutes: 300 },
      { subject: 'Lou Thursday workshop', start: thursday.set({ hour: 9 }), minutes: 180 },
      { subject: 'Lou Thursday check-in', start: thursday.set({ hour: 14 }), minutes: 15 },
      // Neither takes time: not the longest.
      { subject: 'Lou Friday focus', start: friday.set({ hour: 9 }), minutes: 480, showAs: 'free' },
      { subject: 'Lou Friday declined', start: friday.set({ hour: 9 }), minutes: 420, responseStatus: 'declined' },
    ]);
    const week = readScheduleCard((await ask(h, 'when is my longest meeting this week?', lou)).card);
    expect(week.header).toMatch(/^Longest meeting · This week · /);
    expect(rowTitles(week)).toEqual(['Lou Monday offsite']);
    expect(week.summary).toMatch(/, over · 5 h long$/);
    const short = readScheduleCard((await ask(h, "what's my shortest call tomorrow", lou)).card);
    expect(short.header).toBe(`Shortest meeting · Tomorrow · ${date(thursday)}`);
    expect(rowTitles(short)).toEqual(['Lou Thursday check-in']);
    expect(short.summary).toMatch(/^Tomorrow, in \d.* · 15 min long$/);
    expect(readScheduleCard((await ask(h, 'longest meeting next week', lou)).card).summary).toBe('No meetings next week.');
  });

  it('"find a time with bob tomorrow", "when are sam and I both free": the user\'s free time, said to be all calbot sees', async () => {
    const ida = teamsUser('Ida Shared', ZONE);
    await seedAccount(h, ida, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, ida, [{ subject: 'Ida Thursday', start: thursday.set({ hour: 9 }), minutes: 240 }]);
    const card = readScheduleCard((await ask(h, 'find a time with bob tomorrow', ida)).card);
    expect(card).toMatchObject({ header: `Free time · Tomorrow · ${date(thursday)}`, summary: "I can see only your calendar, not Bob's. Free within working hours (09:00–17:00):" });
    expect(card.groups.flatMap((group) => group.rows.map((row) => row.time))).toEqual(['13:00–17:00']);
    expect(readScheduleCard((await ask(h, 'when are sam and i both free on friday', ida)).card).summary).toMatch(/^I can see only your calendar, not Sam's\. Free within/);
    expect(readScheduleCard((await ask(h, 'when am i free tomorrow', ida)).card).summary).toBe('Free within working hours (09:00–17:00):');
  });

  it('"can I meet with sam at 3" answers whether the user is free at 3, saying calbot sees only their calendar', async () => {
    const free = readScheduleCard((await ask(h, 'can I meet with sam at 3', ada)).card);
    expect(free).toMatchObject({ header: `Today · ${date(wednesday)} · 15:00–15:30`, summary: "Yes, you're free then. I can see only your calendar, not Sam's." });
    const busy = readScheduleCard((await ask(h, 'could we catch up with sam at 4pm?', ada)).card);
    expect(busy.summary).toBe("No, you have something then. I can see only your calendar, not Sam's.");
    expect(rowTitles(busy)).toEqual([`${ada.name} Wednesday review`]);
  });
});
