import { DateTime } from 'luxon';
import { startHarness, teamsUser, type Harness } from '../support/calbot-harness.js';
import { ask, cardDate, keepOnlyDays, readScheduleCard, rowTitles, seedAccount, seedEvents } from './ask-support.js';

/**
 * Phrasings whose answer is not the one their words first suggest, end to end: "next meeting" with a day is that
 * day's first, "anything at 2" is what is on then, "next summer" is no span calbot answers for. The days asked about
 * are named by their date, a few days on, so that midnight passing while the test runs does not move them.
 */
describe('asking with a day, a time or a season, end to end', () => {
  let h: Harness;
  const zia = teamsUser('Zia Phrase', 'Europe/Berlin');
  const berlinToday = () => DateTime.now().setZone('Europe/Berlin').startOf('day');
  /** "dec 3 2026", as a user may type a date (in the en-US order Teams' locale gives these messages). */
  const asDate = (day: DateTime) => day.setLocale('en-US').toFormat('LLL d yyyy').toLowerCase();
  // A working day (on a weekend a yes/no adds "That's outside your working hours"), at least three days ahead.
  const fromToday = berlinToday().plus({ days: 3 });
  const named = fromToday.weekday > 5 ? fromToday.plus({ days: 8 - fromToday.weekday }) : fromToday;
  const empty = named.plus({ days: 1 });

  beforeAll(async () => {
    h = await startHarness({}, 'ask-phrasings');
    await seedAccount(h.store.collections, zia, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, zia, [
      // The plain next meeting, days before the one asked about.
      { subject: 'Zia sooner', start: berlinToday().plus({ days: 1, hours: 12 }) },
      { subject: 'Zia declined early', start: named.set({ hour: 8 }), responseStatus: 'declined' },
      { subject: 'Zia holiday', start: named, allDay: true, showAs: 'free' },
      { subject: 'Zia first', start: named.set({ hour: 10 }), minutes: 60 },
      { subject: 'Zia second', start: named.set({ hour: 14 }) },
      { subject: 'Zia third', start: named.set({ hour: 16 }) },
    ]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('"next meeting on <day>" is the first meeting of that day, not the next from now; "first 2 meetings" the first two', async () => {
    const label = cardDate(named, berlinToday());
    for (const question of [`next meeting on ${asDate(named)}`, `what's my first meeting on ${asDate(named)}?`]) {
      const card = readScheduleCard((await ask(h, question, zia)).card);
      // Declined and all-day events are skipped, as "next meeting" skips them.
      expect(card.header).toBe(`Next up · ${label}`);
      expect(rowTitles(card)).toEqual(['Zia first']);
      expect(card.groups[0]!.rows[0]!.time).toBe('10:00–11:00');
    }
    const two = readScheduleCard((await ask(h, `first 2 meetings on ${asDate(named)}`, zia)).card);
    expect(rowTitles(two)).toEqual(['Zia first', 'Zia second']);
    expect(two.summary).toMatch(new RegExp(`^Your first 2 meetings on ${label}\\. The first starts in \\d+ (days|h)`));
    // From a time that day, said as such.
    const later = readScheduleCard((await ask(h, `next meeting on ${asDate(named)} after 3pm`, zia)).card);
    expect(rowTitles(later)).toEqual(['Zia third']);
    // When the day starts is its first meeting.
    expect(rowTitles(readScheduleCard((await ask(h, `what time do I start on ${asDate(named)}?`, zia)).card))).toEqual(['Zia first']);
    // The plain next meeting is still the next from now.
    expect(rowTitles(readScheduleCard((await ask(h, 'next meeting', zia)).card))).toEqual(['Zia sooner']);
  });

  it('"next meeting on <day>" with none that day says so, naming the day, not how far ahead it looked', async () => {
    const card = readScheduleCard((await ask(h, `next meeting on ${asDate(empty)}`, zia)).card);
    expect(card).toMatchObject({ header: `Next up · ${cardDate(empty, berlinToday())}`, summary: `No meetings on ${cardDate(empty, berlinToday())}.`, groups: [] });
    const late = readScheduleCard((await ask(h, `next meeting on ${asDate(named)} after 5pm`, zia)).card);
    expect(late.summary).toBe(`No meetings after 17:00 on ${cardDate(named, berlinToday())}.`);
  });

  it('"anything at <time>" is what is on then, as "is there anything at 3" answers it, not the whole day', async () => {
    const label = cardDate(named, berlinToday());
    const busy = readScheduleCard((await ask(h, `anything on ${asDate(named)} at 10:30am`, zia)).card);
    expect(busy).toMatchObject({ header: `${label} · 10:30–11:00`, summary: 'Yes, you have something then.' });
    expect(rowTitles(busy)).toEqual(['Zia first']);
    const free = readScheduleCard((await ask(h, `what do I have at 12pm on ${asDate(named)}?`, zia)).card);
    expect(free).toMatchObject({ header: `${label} · 12:00–12:30`, summary: 'No, you\'re free then.', groups: [] });
    const whats = readScheduleCard((await ask(h, `what's on ${asDate(named)} at 2pm`, zia)).card);
    expect(rowTitles(whats)).toEqual(['Zia second']);
  });

  it('"I have meeting at 10:30?", "which meeting I have at 2pm", "the 3rd at 2pm": whether something is on then, not the whole day', async () => {
    const label = cardDate(named, berlinToday());
    const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
    const have = readScheduleCard((await ask(h, `I have meeting at 10:30 on ${asDate(named)}?`, zia)).card);
    expect(have).toMatchObject({ header: `${label} · 10:30–11:00`, summary: 'Yes, you have something then.' });
    expect(rowTitles(have)).toEqual(['Zia first']);
    for (const question of [`which meeting I have at 2pm on ${asDate(named)}`, `the ${ordinal(named.day)} at 2pm`]) {
      const which = readScheduleCard((await ask(h, question, zia)).card);
      expect(which).toMatchObject({ header: `${label} · 14:00–14:30`, summary: 'Yes, you have something then.' });
      expect(rowTitles(which)).toEqual(['Zia second']);
    }
  });

  it('"free 1000-1100 on <day>?" is a yes/no about 10:00-11:00 (it was the day\'s free time)', async () => {
    const card = readScheduleCard((await ask(h, `free 1000-1100 on ${asDate(named)}?`, zia)).card);
    expect(card).toMatchObject({ header: `${cardDate(named, berlinToday())} · 10:00–11:00`, summary: 'No, you have something then.' });
    expect(rowTitles(card)).toEqual(['Zia first']);
  });

  it('"when am I free between 10am and 4pm", "any gaps between 2 and 4": the free time in that stretch of the day, not the whole day\'s', async () => {
    const label = cardDate(named, berlinToday());
    const times = (card: ReturnType<typeof readScheduleCard>) => card.groups.flatMap((group) => group.rows.map((row) => `${row.time} ${row.title}`));
    // Zia's day: meetings 10:00-11:00, 14:00-15:00 and 16:00-17:00.
    const stretch = readScheduleCard((await ask(h, `when am I free between 10am and 4pm on ${asDate(named)}`, zia)).card);
    expect(stretch).toMatchObject({ header: `Free time · ${label} · 10:00–16:00`, summary: 'Free within working hours (09:00–17:00):' });
    expect(times(stretch)).toEqual(['11:00–14:00 3 h', '15:00–16:00 1 h']);
    const gaps = readScheduleCard((await ask(h, `any gaps between 2 and 4 on ${asDate(named)}?`, zia)).card);
    expect(gaps.header).toBe(`Free time · ${label} · 14:00–16:00`);
    expect(times(gaps)).toEqual(['15:00–16:00 1 h']);
    // Outside working hours, said which side of them.
    const early = readScheduleCard((await ask(h, `free time between 7 and 8am on ${asDate(named)}`, zia)).card);
    expect(early).toMatchObject({ header: `Free time · ${label} · 07:00–08:00`, summary: "That's before your working hours (09:00–17:00).", groups: [] });
    const late = readScheduleCard((await ask(h, `free slots on ${asDate(named)} between 6 and 8pm`, zia)).card);
    expect(late).toMatchObject({ header: `Free time · ${label} · 18:00–20:00`, summary: 'Working hours (09:00–17:00) are over then.', groups: [] });
    // The whole day's, still, when no stretch is named.
    expect(readScheduleCard((await ask(h, `free time on ${asDate(named)}`, zia)).card).header).toBe(`Free time · ${label}`);
  });

  it('"what was my last meeting" is the most recent one that has ended (it was today\'s agenda)', async () => {
    h.clock.pin(named.set({ hour: 20 }).toJSDate());
    try {
      const card = readScheduleCard((await ask(h, 'what was my last meeting?', zia)).card);
      expect(card.summary).toBe('Your last meeting was today; it ended at 17:00.');
      expect(rowTitles(card)).toEqual(['Zia third']);
    } finally {
      h.clock.unpin();
    }
  });

  it('"free for 2 hours on <day>", "find an hour", "a 4 hour slot": only the free time that long; none, and the longest there is; a follow-up keeps the length', async () => {
    const label = cardDate(named, berlinToday());
    const times = (card: ReturnType<typeof readScheduleCard>) => card.groups.flatMap((group) => group.rows.map((row) => `${row.time} ${row.title}`));
    // Zia's day: meetings 10:00-11:00, 14:00-15:00 and 16:00-17:00 (declined, free and all-day events block nothing).
    const all = readScheduleCard((await ask(h, `when am I free on ${asDate(named)}`, zia)).card);
    expect(times(all)).toEqual(['09:00–10:00 1 h', '11:00–14:00 3 h', '15:00–16:00 1 h']);
    const twoHours = readScheduleCard((await ask(h, `am I free for 2 hours on ${asDate(named)}?`, zia)).card);
    expect(twoHours).toMatchObject({ header: `Free time · ${label}`, summary: 'Free for 2 h or more within working hours (09:00–17:00):' });
    expect(times(twoHours)).toEqual(['11:00–14:00 3 h']);
    // An hour or more: the hour-long gaps too.
    const hour = readScheduleCard((await ask(h, `find an hour on ${asDate(named)}`, zia)).card);
    expect(hour.summary).toBe('Free for 1 h or more within working hours (09:00–17:00):');
    expect(times(hour)).toEqual(times(all));
    const none = await ask(h, `do I have a 4 hour slot on ${asDate(named)}`, zia);
    const noneCard = readScheduleCard(none.card);
    expect(noneCard.groups).toEqual([]);
    expect(noneCard.summary).toBe(`Nothing free for 4 h or more in working hours (09:00–17:00) on ${label}. The longest free time: 3 h, 11:00–14:00.`);
    expect(none.summary).toContain(noneCard.summary);
    // The next working day has nothing on: the length asked carries over.
    const other = named.plus({ days: named.weekday === 5 ? 3 : 1 });
    const next = readScheduleCard((await ask(h, `and ${asDate(other)}?`, zia)).card);
    expect(next).toMatchObject({ header: `Free time · ${cardDate(other, berlinToday())}`, summary: 'Free for 4 h or more within working hours (09:00–17:00):' });
    expect(times(next)).toEqual(['09:00–17:00 8 h']);
  });

  it('"which invitations haven\'t I answered", "any conflicts on <day>": only those meetings, said so; none is said as none, not as a free day', async () => {
    const una = teamsUser('Una Unanswered', 'Europe/Berlin');
    const other = named.plus({ days: named.weekday === 5 ? 3 : 1 });
    await seedAccount(h.store.collections, una, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, una, [
      { subject: 'Una invite', start: named.set({ hour: 10 }), responseStatus: 'notResponded' },
      { subject: 'Una accepted', start: named.set({ hour: 10, minute: 30 }), responseStatus: 'accepted' },
      { subject: 'Una cancelled invite', start: named.set({ hour: 13 }), responseStatus: 'notResponded', isCancelled: true },
      { subject: 'Una own', start: named.set({ hour: 15 }) },
      { subject: 'Una later invite', start: other.set({ hour: 9 }), responseStatus: 'notResponded' },
      { subject: 'Una declined overlap', start: other.set({ hour: 9, minute: 15 }), responseStatus: 'declined' },
    ]);
    const pending = readScheduleCard((await ask(h, "which invitations haven't I answered?", una)).card);
    expect(pending.header).toMatch(/^Next 2 weeks · .+ · Not answered$/);
    expect(pending.summary).toBe("2 invitations you haven't answered");
    expect(rowTitles(pending)).toEqual(['Una invite', 'Una later invite']);

    const label = cardDate(named, berlinToday());
    const conflicts = readScheduleCard((await ask(h, `any conflicts on ${asDate(named)}`, una)).card);
    expect(conflicts).toMatchObject({ header: `${label} · Conflicts`, summary: '2 meetings overlap' });
    expect(rowTitles(conflicts)).toEqual(['Una invite', 'Una accepted']);
    expect(conflicts.groups[0]!.rows.map((row) => row.marker)).toEqual(['Conflict', 'Conflict']);
    // A declined meeting takes no time: nothing overlaps on the other day.
    const none = readScheduleCard((await ask(h, `and ${asDate(other)}?`, una)).card);
    expect(none).toMatchObject({ header: `${cardDate(other, berlinToday())} · Conflicts`, summary: `No overlapping meetings on ${cardDate(other, berlinToday())}.`, groups: [] });
    const noInvites = readScheduleCard((await ask(h, `meetings I haven't accepted on ${asDate(named.plus({ days: 14 }))}`, una)).card);
    expect(noInvites.summary).toMatch(/^No invitations waiting for your answer on /);
  });

  it('"what do I have after the design review on <day>", "anything before my design review": that day\'s meetings after (before) it; no day named, the next one\'s day', async () => {
    const ida = teamsUser('Ida Around', 'Europe/Berlin');
    await seedAccount(h.store.collections, ida, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, ida, [
      { subject: 'Ida standup', start: named.set({ hour: 9 }), minutes: 15 },
      { subject: 'Ida design review', start: named.set({ hour: 11 }) },
      { subject: 'Ida lunch', start: named.set({ hour: 12, minute: 30 }) },
      { subject: 'Ida leave', start: named, allDay: true },
      { subject: 'Ida retro', start: named.set({ hour: 15 }) },
    ]);
    const label = cardDate(named, berlinToday());
    const after = readScheduleCard((await ask(h, `what do I have after the design review on ${asDate(named)}`, ida)).card);
    expect(after).toMatchObject({ header: `${label} · After "Ida design review"`, summary: 'After "Ida design review" (11:00–12:00): 2 meetings · 2 h busy' });
    expect(rowTitles(after)).toEqual(['Ida lunch', 'Ida retro']);
    const before = readScheduleCard((await ask(h, `anything before my design review on ${asDate(named)}?`, ida)).card);
    expect(before.header).toBe(`${label} · Before "Ida design review"`);
    expect(rowTitles(before)).toEqual(['Ida standup']);
    const nothing = readScheduleCard((await ask(h, `what's after my retro on ${asDate(named)}`, ida)).card);
    expect(nothing).toMatchObject({ summary: `Nothing after "Ida retro" (15:00–16:00) on ${label}.`, groups: [] });
    // No day named: the design review is days ahead, so its day is answered.
    const onward = readScheduleCard((await ask(h, "what's after my design review", ida)).card);
    expect(onward.header).toBe(`${label} · After "Ida design review"`);
    expect(rowTitles(onward)).toEqual(['Ida lunch', 'Ida retro']);
    const none = readScheduleCard((await ask(h, "what's after my offsite", ida)).card);
    expect(none.summary).toBe('No meetings matching "offsite" today or coming up.');
  });

  it('"when\'s my next break" is a meeting named so still to come that day (shown as free, as breaks are), else the free time between meetings', async () => {
    const bea = teamsUser('Bea Break', 'Europe/Berlin');
    // The working day after `named` (Monday after a Friday).
    const other = named.plus({ days: named.weekday === 5 ? 3 : 1 });
    await seedAccount(h.store.collections, bea, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, bea, [
      { subject: 'Bea standup', start: named.set({ hour: 9 }), minutes: 60 },
      { subject: 'Bea coffee break', start: named.set({ hour: 15 }), minutes: 15, showAs: 'free' },
      { subject: 'Bea review', start: other.set({ hour: 10 }), minutes: 60 },
    ]);
    const named1 = readScheduleCard((await ask(h, `when's my next break on ${asDate(named)}?`, bea)).card);
    expect(named1.header).toBe(`Next "break" · ${cardDate(named, berlinToday())}`);
    expect(rowTitles(named1)).toEqual(['Bea coffee break']);
    expect(named1.groups[0]!.rows[0]!.time).toBe('15:00–15:15');
    // No break in the calendar that day: the gaps in working hours, not "No meeting matching "break"".
    const gaps = readScheduleCard((await ask(h, `do i get a break on ${asDate(other)}`, bea)).card);
    expect(gaps).toMatchObject({ header: `Free time · ${cardDate(other, berlinToday())}`, summary: 'Free within working hours (09:00–17:00):' });
    expect(gaps.groups.flatMap((group) => group.rows.map((row) => row.time))).toEqual(['09:00–10:00', '11:00–17:00']);
  });

  it('"my last meeting on <day>", "what time do I finish": the meeting that ends last that day (declined, cancelled, free and all-day skipped) and when it ends', async () => {
    const lea = teamsUser('Lea Last', 'Europe/Berlin');
    await seedAccount(h.store.collections, lea, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, lea, [
      { subject: 'Lea holiday', start: named, allDay: true, showAs: 'free' },
      { subject: 'Lea standup', start: named.set({ hour: 9 }), minutes: 30 },
      // Starts last of those that count, but ends before planning does.
      { subject: 'Lea quick sync', start: named.set({ hour: 15, minute: 30 }), minutes: 15 },
      { subject: 'Lea planning', start: named.set({ hour: 15 }), minutes: 90 },
      { subject: 'Lea focus', start: named.set({ hour: 17 }), minutes: 60, showAs: 'free' },
      { subject: 'Lea drinks', start: named.set({ hour: 18 }), responseStatus: 'declined' },
      { subject: 'Lea dinner', start: named.set({ hour: 19 }), isCancelled: true },
    ]);
    const label = cardDate(named, berlinToday());
    for (const question of [`my last meeting on ${asDate(named)}`, `when's my last meeting on ${asDate(named)}?`, `what time do I finish on ${asDate(named)}`]) {
      const card = readScheduleCard((await ask(h, question, lea)).card);
      expect(card).toMatchObject({ header: `Last meeting · ${label}`, summary: `Your last meeting on ${label} ends at 16:30.` });
      expect(rowTitles(card)).toEqual(['Lea planning']);
      expect(card.groups[0]!.rows[0]!.time).toBe('15:00–16:30');
    }
    // Asked that evening, of today: the one that is over, said as over.
    h.clock.pin(named.set({ hour: 20 }).toJSDate());
    try {
      for (const question of ["when's my last meeting?", 'am i done for the day']) {
        const over = readScheduleCard((await ask(h, question, lea)).card);
        expect(over).toMatchObject({ header: `Last meeting · Today · ${cardDate(named, named)}`, summary: 'Your last meeting today ended at 16:30.' });
        expect(rowTitles(over)).toEqual(['Lea planning']);
      }
    } finally {
      h.clock.unpin();
    }
    // None that day: said so, not the next day's.
    const none = readScheduleCard((await ask(h, `last meeting on ${asDate(empty)}`, lea)).card);
    expect(none).toMatchObject({ header: `Last meeting · ${cardDate(empty, berlinToday())}`, summary: `No meetings on ${cardDate(empty, berlinToday())}.`, groups: [] });
  });

  it('"when\'s my next break" after working hours: the next working day\'s free time (or its break), not "working hours are over"', async () => {
    const eve = teamsUser('Eve Evening', 'Europe/Berlin');
    const ivo = teamsUser('Ivo Coffee', 'Europe/Berlin');
    const other = named.plus({ days: named.weekday === 5 ? 3 : 1 });
    for (const user of [eve, ivo]) await seedAccount(h.store.collections, user, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, eve, [
      { subject: 'Eve standup', start: named.set({ hour: 9 }), minutes: 60 },
      { subject: 'Eve review', start: other.set({ hour: 10 }), minutes: 60 },
    ]);
    await seedEvents(h.store.collections, ivo, [{ subject: 'Ivo coffee break', start: other.set({ hour: 15 }), minutes: 15, showAs: 'free' }]);
    // 18:00 on `named`: its working hours are over.
    h.clock.pin(named.set({ hour: 18 }).toJSDate());
    try {
      const nextDay = `${named.weekday === 5 ? '' : 'Tomorrow · '}${cardDate(other, named)}`;
      const gaps = readScheduleCard((await ask(h, "when's my next break?", eve)).card);
      expect(gaps).toMatchObject({ header: `Free time · ${nextDay}`, summary: 'Free within working hours (09:00–17:00):' });
      expect(gaps.groups.flatMap((group) => group.rows.map((row) => row.time))).toEqual(['09:00–10:00', '11:00–17:00']);
      const coffee = readScheduleCard((await ask(h, 'next break', ivo)).card);
      expect(coffee.header).toBe(`Next "break" · ${nextDay}`);
      expect(rowTitles(coffee)).toEqual(['Ivo coffee break']);
      // A day named is that day, over or not.
      expect(readScheduleCard((await ask(h, 'do i get a break today', eve)).card).summary).toBe('Working hours (09:00–17:00) are over today.');
    } finally {
      h.clock.unpin();
    }
  });

  it('"is the offsite still on", "has the board been cancelled": the next one named, cancelled ones too, and the one after a cancelled one; with a day, that day\'s, cancelled ones marked', async () => {
    const ola = teamsUser('Ola Status', 'Europe/Berlin');
    const week = named.plus({ weeks: 1 });
    await seedAccount(h.store.collections, ola, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, ola, [
      { subject: 'Ola offsite', start: named.set({ hour: 9 }), minutes: 120, isCancelled: true, joinUrl: 'https://teams.microsoft.com/l/meetup-join/19%3aola-cancelled' },
      { subject: 'Ola offsite', start: week.set({ hour: 9 }), minutes: 120 },
      { subject: 'Ola retro', start: named.set({ hour: 11 }) },
      { subject: 'Ola board', start: named.set({ hour: 15 }), isCancelled: true },
    ]);
    const label = cardDate(named, berlinToday());
    const offsite = readScheduleCard((await ask(h, 'is the ola offsite still on?', ola)).card);
    expect(offsite.header).toBe('Next "ola offsite"');
    expect(offsite.summary).toMatch(new RegExp(`^Cancelled: the one on ${label} at 09:00\\. The next "ola offsite" is on ${cardDate(week, berlinToday())}, in \\d+ days\\.$`));
    expect(offsite.groups.map((group) => group.label)).toEqual([label, cardDate(week, berlinToday())].map((day) => expect.stringContaining(day)));
    const [cancelled, later] = offsite.groups.flatMap((group) => group.rows);
    // Struck through, no Join button: there is nothing to join.
    expect(cancelled).toMatchObject({ title: 'Ola offsite', time: '09:00–11:00', marker: 'Cancelled' });
    expect(cancelled).not.toHaveProperty('join');
    expect(later).toMatchObject({ title: 'Ola offsite', time: '09:00–11:00' });
    expect(later).not.toHaveProperty('marker');

    const board = readScheduleCard((await ask(h, 'has the ola board been cancelled', ola)).card);
    expect(board.summary).toMatch(new RegExp(`^Cancelled: the one on ${label} at 15:00\\. No other "ola board" in the next \\d+ days\\.$`));
    const retro = readScheduleCard((await ask(h, 'is the ola retro still happening', ola)).card);
    expect(retro.summary).toMatch(new RegExp(`^Still on: ${label}, in \\d+ days$`));
    expect(rowTitles(retro)).toEqual(['Ola retro']);

    // Moved? When it is now: the next one still on.
    const moved = readScheduleCard((await ask(h, 'did the ola offsite get moved', ola)).card);
    expect(moved.groups.flatMap((group) => group.rows)).toEqual([expect.objectContaining({ title: 'Ola offsite', time: '09:00–11:00' })]);
    expect(moved.summary).toMatch(new RegExp(`^${cardDate(week, berlinToday())}, in \\d+ days$`));

    // With the day named: that day's, the cancelled ones listed and counted apart.
    const onDay = readScheduleCard((await ask(h, `is the ola offsite still on ${asDate(named)}`, ola)).card);
    expect(onDay).toMatchObject({ header: `${label} · "ola offsite"`, summary: 'Cancelled: the meeting matching "ola offsite"' });
    expect(onDay.groups[0]!.rows).toEqual([expect.objectContaining({ title: 'Ola offsite', marker: 'Cancelled' })]);
    const all = readScheduleCard((await ask(h, `is anything with ola cancelled on ${asDate(named)}`, ola)).card);
    expect(all.summary).toMatch(/^1 meeting matching "ola" · 1 h busy · 2 cancelled$/);
    // Not asked whether it is on: a cancelled meeting is no meeting of the day, as before.
    expect(readScheduleCard((await ask(h, `ola offsite on ${asDate(named)}`, ola)).card).summary).toBe(`No meetings matching "ola offsite" on ${label} (1 other event).`);
    // The same from the calendar's days alone (their entries keep cancelled events).
    await keepOnlyDays(h.store.collections, ola);
    expect(readScheduleCard((await ask(h, 'is the ola offsite still on?', ola)).card)).toMatchObject({ summary: offsite.summary, groups: offsite.groups });
    expect(readScheduleCard((await ask(h, `is the ola offsite still on ${asDate(named)}`, ola)).card).summary).toBe(onDay.summary);
  });

  it('"meetings about the budget" with no day named and none today: says when the next one is, and shows it', async () => {
    const pia = teamsUser('Pia Onward', 'Europe/Berlin');
    await seedAccount(h.store.collections, pia, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, pia, [
      { subject: 'Pia budget', start: named.set({ hour: 13 }), minutes: 45 },
      { subject: 'Pia other', start: berlinToday().set({ hour: 23 }), minutes: 30 },
    ]);
    const label = cardDate(named, berlinToday());
    const card = readScheduleCard((await ask(h, 'meetings about the pia budget', pia)).card);
    expect(card.header).toMatch(/^Today · .+ · "pia budget"$/);
    expect(card.summary).toMatch(new RegExp(`^No meetings matching "pia budget" today \\(1 other event\\)\\. The next one is on ${label}, in \\d+ days\\.$`));
    expect(card.groups).toEqual([{ label: expect.stringContaining(label), rows: [expect.objectContaining({ title: 'Pia budget', time: '13:00–13:45' })] }]);
    // A day named is that day's answer alone.
    const today = readScheduleCard((await ask(h, 'meetings about the pia budget today', pia)).card);
    expect(today).toMatchObject({ summary: 'No meetings matching "pia budget" today (1 other event).', groups: [] });
    // None at all: as before.
    expect(readScheduleCard((await ask(h, 'meetings about the pia offsite', pia)).card).summary).toBe('No meetings matching "pia offsite" today (1 other event).');
  });

  it('"meetings before 9 in the next 2 weeks", "early meetings", "evening meetings": only those at that time of day, each day', async () => {
    const eda = teamsUser('Eda Early', 'Europe/Berlin');
    await seedAccount(h.store.collections, eda, { mailboxTimeZone: 'Europe/Berlin' });
    await seedEvents(h.store.collections, eda, [
      { subject: 'Eda early', start: named.set({ hour: 7, minute: 30 }), minutes: 60 },
      { subject: 'Eda day', start: named.set({ hour: 10 }) },
      { subject: 'Eda late', start: named.set({ hour: 18, minute: 30 }), minutes: 30 },
      { subject: 'Eda across nine', start: named.plus({ days: 1 }).set({ hour: 8, minute: 45 }), minutes: 30 },
      { subject: 'Eda all day', start: named.plus({ days: 1 }), allDay: true },
    ]);
    const before = readScheduleCard((await ask(h, 'any meetings before 9 in the next 2 weeks?', eda)).card);
    expect(before.header).toMatch(/^Next 2 weeks · .+ · Before 09:00$/);
    expect(before.summary).toBe('2 meetings before 09:00');
    expect(rowTitles(before)).toEqual(['Eda early', 'Eda across nine']);
    // Early: before the working hours (09:00–17:00 with none from Outlook); late: after them.
    const early = readScheduleCard((await ask(h, 'early meetings in the next 2 weeks', eda)).card);
    expect(early).toMatchObject({ header: expect.stringMatching(/ · Before working hours$/), summary: '2 meetings before your working hours (09:00)' });
    expect(rowTitles(early)).toEqual(['Eda early', 'Eda across nine']);
    const late = readScheduleCard((await ask(h, 'any late meetings in the next 2 weeks', eda)).card);
    expect(late).toMatchObject({ summary: '1 meeting after your working hours (17:00)' });
    expect(rowTitles(late)).toEqual(['Eda late']);
    const evenings = readScheduleCard((await ask(h, 'evening meetings in the next 2 weeks', eda)).card);
    expect(evenings.header).toMatch(/ · Evenings$/);
    expect(rowTitles(evenings)).toEqual(['Eda late']);
    // None is said as none, not as a free fortnight.
    const none = readScheduleCard((await ask(h, 'meetings after 8pm in the next 2 weeks', eda)).card);
    expect(none).toMatchObject({ summary: 'No meetings after 20:00 in the next 2 weeks.', groups: [] });
  });

  it('"is sam in my next meeting" of a meeting whose people calbot does not know: says so, and shows it', async () => {
    const card = readScheduleCard((await ask(h, 'is sam in my next meeting?', zia)).card);
    expect(card.header).toBe('Next up');
    expect(rowTitles(card)).toEqual(['Zia sooner']);
    expect(card.summary).toMatch(/^I can't see who is in it\. Tomorrow, in \d+ h/);
  });

  it('"how long is my first meeting on <day>", "how long is my next <name>": that meeting, and how long it is', async () => {
    const card = readScheduleCard((await ask(h, `how long is my first meeting on ${asDate(named)}`, zia)).card);
    expect(card.header).toBe(`Next up · ${cardDate(named, berlinToday())}`);
    expect(rowTitles(card)).toEqual(['Zia first']);
    expect(card.summary).toMatch(/^.+, in \d+ (days|h).* · 1 h long$/);
    const standup = readScheduleCard((await ask(h, 'how long is my next zia second', zia)).card);
    expect(rowTitles(standup)).toEqual(['Zia second']);
    expect(standup.summary).toMatch(/ · 1 h long$/);
  });

  it('"is 10 free": a yes/no about 10:00, not the day\'s free slots', async () => {
    const label = cardDate(named, berlinToday());
    const busy = readScheduleCard((await ask(h, `is 10 free on ${asDate(named)}`, zia)).card);
    expect(busy).toMatchObject({ header: `${label} · 10:00–10:30`, summary: 'No, you have something then.' });
    expect(rowTitles(busy)).toEqual(['Zia first']);
  });

  it('"whats on mon 14" (a weekday and its date, no "th"): that date, not the coming Monday', async () => {
    // A week after the coming one, which the weekday alone would be.
    const later = named.plus({ weeks: 1 });
    const weekdayDate = `whats on ${later.setLocale('en-US').toFormat('ccc').toLowerCase()} ${later.day}`;
    expect(readScheduleCard((await ask(h, weekdayDate, zia)).card)).toMatchObject({ header: cardDate(later, berlinToday()), summary: `Nothing on your calendar on ${cardDate(later, berlinToday())}.` });
  });

  it('"the 3rd until 3pm": that day up to 15:00, not the whole day', async () => {
    const label = cardDate(named, berlinToday());
    const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
    const until = readScheduleCard((await ask(h, `the ${ordinal(named.day)} until 3pm`, zia)).card);
    expect(until.header).toBe(`${label} · 00:00–15:00`);
    expect(rowTitles(until)).toEqual(['Zia holiday', 'Zia declined early', 'Zia first', 'Zia second']);
  });

  it('"brief me", "how busy am I", "how many meetings": the day\'s agenda, its summary the count of meetings and the hours they fill, first', async () => {
    const label = cardDate(named, berlinToday());
    for (const question of [`brief me on ${asDate(named)}`, `how busy am i on ${asDate(named)}?`, `how many meetings on ${asDate(named)}`]) {
      const card = readScheduleCard((await ask(h, question, zia)).card);
      expect(card).toMatchObject({ header: label, summary: '3 meetings · 3 h busy' });
      expect(rowTitles(card)).toEqual(['Zia holiday', 'Zia declined early', 'Zia first', 'Zia second', 'Zia third']);
    }
  });

  it('"next summer", "this winter", "meetings next year": says plainly that it answers for days, weeks and months, connected or not', async () => {
    for (const [question, reply] of [
      ['next summer', 'I can\'t answer for "next summer": a season has no fixed dates (they depend on where you are).'],
      ["what's on this winter?", 'I can\'t answer for "this winter": a season has no fixed dates (they depend on where you are).'],
      ['meetings next year', 'I can\'t answer for "next year": a year is more than I list at once.'],
    ] as const) {
      const answer = await ask(h, question, zia);
      expect(answer.card).toBeUndefined();
      expect(answer.text).toBe(`${reply} Ask about a day, a week or a month instead, like "what's on next week" or "what's on in june".`);
    }
    // The holidays: which days, it cannot tell, and it says how to name them.
    expect((await ask(h, 'what do i have over the holidays?', zia)).text).toBe(
      'I can\'t answer for "over the holidays": the holidays have no fixed dates (they depend on where you are). Ask about the days you mean, like "the christmas holidays" or "what\'s on between christmas and new year".',
    );
    // Not the "connect outlook" answer: no calendar would answer it.
    expect((await ask(h, 'am i free next spring', teamsUser('Nobody Yet'))).text).toMatch(/^I can't answer for "next spring": a season/);
  });

  it('someone else\'s calendar ("is sam free at 3", "what\'s bob\'s schedule tomorrow") is said to be none calbot sees, not answered with the user\'s', async () => {
    for (const [question, whose, name] of [
      ['is sam free at 3?', "Sam's", 'sam'],
      ["what's Bob's schedule tomorrow", "Bob's", 'bob'],
      ['is priya smith busy today', "Priya Smith's", 'priya smith'],
    ] as const) {
      const answer = await ask(h, question, zia);
      expect(answer.card).toBeUndefined();
      expect(answer.text).toBe(`I can see only your calendar, not ${whose}. Ask "meetings with ${name}" for the ones you are both in, or "am I free at 3" for your own time.`);
    }
    expect((await ask(h, "what's my manager's calendar like tomorrow?", zia)).text).toBe(
      'I can see only your calendar, not your manager\'s. Ask "meetings with sam", with their name, for the ones you are both in, or "am I free at 3" for your own time.',
    );
  });

  it('a day no calendar has ("feb 30", "31/02", "30th of february") is said to be none (it was today\'s agenda, or 30 Dec)', async () => {
    for (const [question, date] of [
      ['meetings on feb 30', '30 February'],
      ["what's on the 30th of february?", '30 February'],
      ['am i free on april 31', '31 April'],
      ['whats on 31/02', 'such date as 31/02'],
    ] as const) {
      const answer = await ask(h, question, zia);
      expect(answer.card).toBeUndefined();
      expect(answer.text).toBe(`There's no ${date}. Ask about another day, like "what's on tomorrow" or "what's on dec 3".`);
    }
  });
});
