import { DateTime } from 'luxon';
import { startHarness, teamsUser, type Harness } from '../support/calbot-harness.js';
import { ask, cardDate, readScheduleCard, rowTitles, seedAccount, seedEvents } from './ask-support.js';

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
    // Not the "connect outlook" answer: no calendar would answer it.
    expect((await ask(h, 'am i free next spring', teamsUser('Nobody Yet'))).text).toMatch(/^I can't answer for "next spring": a season/);
  });
});
