import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { UNKNOWN_TEXT } from '../../src/chat/bot.js';
import { startHarness, teamsUser, type Harness, type TeamsUser } from '../support/calbot-harness.js';
import { ask, cardDate, longDate, shortDate, readScheduleCard, rowTitles, seedAccount, seedEvents, userKeyOf } from './ask-support.js';

/**
 * Schedule questions end to end: an activity POSTed to /api/messages, the real bot reading the events the sync
 * engine stored, the reply as the fake Bot Connector received it. "Today" is today in each user's zone, so the
 * events are seeded relative to the harness's clock in that zone, pinned for the whole file: what is seeded for today
 * and what calbot answers read the same instant, whatever midnight the real clock passes meanwhile.
 */
describe('asking about the schedule, end to end', () => {
  let h: Harness;
  const ada = teamsUser('Ada Lovelace', 'Europe/Berlin');
  const bob = teamsUser('Bob Kahn', 'America/New_York');
  /** calbot's "now" in `zone`, and its today there. */
  const localNow = (zone: string) => DateTime.fromJSDate(h.clock.now(), { zone });
  const berlinNow = () => localNow('Europe/Berlin');
  const berlin = () => berlinNow().startOf('day');
  const newYork = () => localNow('America/New_York').startOf('day');

  beforeAll(async () => {
    h = await startHarness({}, 'ask');
    // At a whole minute: meetings seeded "in 30 minutes" from the minute start in exactly 30.
    h.clock.pin(DateTime.now().startOf('minute').toJSDate());
    const c = h.store.collections;
    await seedAccount(h, ada, { mailboxTimeZone: 'W. Europe Standard Time' });
    await seedAccount(h, bob, { mailboxTimeZone: 'Eastern Standard Time' });
    const today = berlin();
    const monday = today.startOf('week');
    // A day of this week that is neither yesterday, today nor tomorrow.
    const otherDay = today.weekday >= 4 ? monday : monday.plus({ days: 6 });
    await seedEvents(c, ada, [
      { subject: 'Ada standup', start: today.set({ hour: 9 }), minutes: 30, location: 'Room 4', joinUrl: 'https://teams.microsoft.com/l/meetup-join/ada-standup' },
      { subject: 'Ada design review', start: today.set({ hour: 9, minute: 15 }), minutes: 60 },
      { subject: 'Ada 1:1 with Grace', start: today.set({ hour: 15 }), minutes: 60 },
      { subject: 'Ada company holiday', start: today, allDay: true, showAs: 'free' },
      { subject: 'Ada cancelled sync', start: today.set({ hour: 11 }), isCancelled: true },
      { subject: 'Ada declined lunch', start: today.set({ hour: 12 }), responseStatus: 'declined' },
      { subject: 'Ada late yesterday', start: today.minus({ days: 1 }).set({ hour: 23 }), minutes: 30 },
      { subject: 'Ada early tomorrow', start: today.plus({ days: 1 }).set({ minute: 30 }), minutes: 30 },
      { subject: 'Ada retro', start: otherDay.set({ hour: 10 }) },
      { subject: 'Ada next week', start: monday.plus({ weeks: 1, days: 2 }).set({ hour: 10 }) }, // (never tomorrow, even on a Sunday)
    ]);
    const nyToday = newYork();
    await seedEvents(c, bob, [
      { subject: 'Bob breakfast', start: nyToday.set({ hour: 8 }) },
      { subject: 'Bob at four', start: nyToday.set({ hour: 16 }), joinUrl: 'https://teams.microsoft.com/l/meetup-join/bob-four' },
      { subject: 'Bob tomorrow', start: nyToday.plus({ days: 1 }).set({ hour: 10 }) },
    ]);
  });
  afterAll(async () => {
    await h.close();
  });

  it("what's on today: the day in Berlin, all-day first, conflicts marked, Join button, nothing cancelled, nobody else's", async () => {
    const reply = await ask(h, "what's on today?", ada);
    expect(reply.textFormat).toBe('plain');
    const card = readScheduleCard(reply.card);
    expect(card.header).toBe(`Today · ${shortDate(berlin())}`);
    expect(card.groups).toHaveLength(1);
    expect(card.groups[0]!.rows).toEqual([
      { time: 'All day', title: 'Ada company holiday', marker: 'Free' },
      { time: '09:00–09:30', title: 'Ada standup', details: 'Room 4', marker: 'Conflict', join: 'https://teams.microsoft.com/l/meetup-join/ada-standup' },
      { time: '09:15–10:15', title: 'Ada design review', marker: 'Conflict' },
      { time: '12:00–13:00', title: 'Ada declined lunch', marker: 'Declined' },
      { time: '15:00–16:00', title: 'Ada 1:1 with Grace' },
    ]);
    // The standup and the review overlap (09:00–10:15 once), the 1:1 is an hour; declined and free do not count.
    expect(card.summary).toBe('3 meetings · 2 h 15 min busy');
    expect(card.footnote).toBeUndefined();
    // The listing as plain text, for channels that cannot render the card: in Teams in the summary, not the text,
    // which Teams would show above the card (the same listing twice).
    expect(reply.text).toBe('');
    expect(reply.summary).toContain('09:00–09:30  Ada standup (Room 4 · Conflict) https://teams.microsoft.com/l/meetup-join/ada-standup');
    expect(reply.summary).not.toMatch(/Bob|cancelled sync|late yesterday|early tomorrow/);
  });

  it('what is on tomorrow / this week, grouped by day', async () => {
    const tomorrow = readScheduleCard((await ask(h, 'what do I have tomorrow', ada)).card);
    expect(rowTitles(tomorrow)).toEqual(['Ada early tomorrow']);
    expect(tomorrow.groups[0]!.rows[0]!.time).toBe('00:30–01:00');

    const week = readScheduleCard((await ask(h, 'my schedule this week', ada)).card);
    expect(week.header).toMatch(/^This week · /);
    const titles = rowTitles(week);
    // The week is Monday to Sunday: on a Monday yesterday is last week's, on a Sunday tomorrow is next week's.
    const today = berlin();
    const monday = today.startOf('week');
    const yesterday = today.minus({ days: 1 });
    const tomorrowInWeek = today.weekday < 7;
    const yesterdayInWeek = today.weekday > 1;
    expect(titles).toEqual(expect.arrayContaining(['Ada retro', 'Ada standup', ...(tomorrowInWeek ? ['Ada early tomorrow'] : []), ...(yesterdayInWeek ? ['Ada late yesterday'] : [])]));
    if (!tomorrowInWeek) expect(titles).not.toContain('Ada early tomorrow');
    if (!yesterdayInWeek) expect(titles).not.toContain('Ada late yesterday');
    expect(titles).not.toContain('Ada next week');
    expect(titles).not.toContain('Ada cancelled sync');
    // Its first day is the first one with something on.
    const firstDay = today.weekday >= 4 ? monday : yesterdayInWeek ? yesterday : today;
    expect(week.groups[0]!.label).toBe(longDate(firstDay));
  });

  it('New York: its own today, times in its own zone, and never Ada', async () => {
    const reply = await ask(h, "what's on today", bob);
    const card = readScheduleCard(reply.card);
    expect(card.header).toBe(`Today · ${shortDate(newYork())}`);
    expect(card.groups[0]!.rows).toEqual([
      { time: '08:00–09:00', title: 'Bob breakfast' },
      { time: '16:00–17:00', title: 'Bob at four', join: 'https://teams.microsoft.com/l/meetup-join/bob-four' },
    ]);
    expect(rowTitles(readScheduleCard((await ask(h, 'tomorrow', bob)).card))).toEqual(['Bob tomorrow']);
    // Each user's widest questions hold only their own events.
    for (const question of ["what's on this week", 'next week', 'next meeting', 'am I free this week']) {
      expect(JSON.stringify((await ask(h, question, bob)).card)).not.toMatch(/Ada /);
      expect(JSON.stringify((await ask(h, question, ada)).card)).not.toMatch(/Bob /);
    }
  });

  it('parts of the day: tomorrow morning, afternoon and evening each show their own events', async () => {
    const pat = teamsUser('Pat Parts', 'Europe/Berlin');
    await seedAccount(h, pat, { mailboxTimeZone: 'Europe/Berlin' });
    const tomorrow = berlin().plus({ days: 1 });
    await seedEvents(h.store.collections, pat, [
      { subject: 'Pat morning', start: tomorrow.set({ hour: 9 }) },
      { subject: 'Pat afternoon', start: tomorrow.set({ hour: 14 }) },
      { subject: 'Pat evening', start: tomorrow.set({ hour: 19 }) },
      { subject: 'Pat past midnight', start: tomorrow.set({ hour: 23, minute: 30 }), minutes: 60 },
    ]);
    const afternoon = readScheduleCard((await ask(h, "what's on tomorrow afternoon?", pat)).card);
    expect(afternoon.header).toBe(`Tomorrow · ${cardDate(tomorrow, berlin())} · Afternoon`);
    expect(rowTitles(afternoon)).toEqual(['Pat afternoon']);
    expect(rowTitles(readScheduleCard((await ask(h, 'tomorrow morning', pat)).card))).toEqual(['Pat morning']);
    expect(rowTitles(readScheduleCard((await ask(h, 'anything on tomorrow evening', pat)).card))).toEqual(['Pat evening', 'Pat past midnight']);
    const evening = readScheduleCard((await ask(h, 'am I free tomorrow evening', pat)).card);
    expect(evening.header).toBe(`Tomorrow · ${cardDate(tomorrow, berlin())} · 17:00–00:00`);
    expect(evening.summary).toBe("No, you have 2 events then. That's outside your working hours (09:00–17:00).");
  });

  it('the rest of today: what is under way and what is still to come, not what is over', async () => {
    const rosa = teamsUser('Rosa Rest', 'Europe/Berlin');
    await seedAccount(h, rosa, { mailboxTimeZone: 'Europe/Berlin' });
    const now = berlinNow();
    await seedEvents(h.store.collections, rosa, [
      { subject: 'Rosa over', start: now.minus({ hours: 3 }), minutes: 60 },
      { subject: 'Rosa under way', start: now.minus({ minutes: 30 }), minutes: 60 },
      { subject: 'Rosa tomorrow', start: now.plus({ days: 1 }), minutes: 30 },
    ]);
    const card = readScheduleCard((await ask(h, 'any meetings left today?', rosa)).card);
    expect(card.header).toBe(`Rest of today · ${shortDate(now)}`);
    // (Within 3 h of midnight, "over" was yesterday and is not today's anyway.)
    expect(rowTitles(card)).toEqual(['Rosa under way']);
  });

  it('a stretch of a day: "in the next 2 hours" and "after 4pm tomorrow" list what is in it, with its times, not a yes/no for half an hour', async () => {
    const hal = teamsUser('Hal Hours', 'Europe/Berlin');
    await seedAccount(h, hal, { mailboxTimeZone: 'Europe/Berlin' });
    const now = berlinNow();
    const tomorrow = berlin().plus({ days: 1 });
    await seedEvents(h.store.collections, hal, [
      { subject: 'Hal soon', start: now.plus({ minutes: 30 }), minutes: 30 },
      { subject: 'Hal later', start: now.plus({ hours: 3 }), minutes: 30 },
      { subject: 'Hal tomorrow morning', start: tomorrow.set({ hour: 10 }) },
      { subject: 'Hal tomorrow evening', start: tomorrow.set({ hour: 17 }) },
    ]);
    const soon = readScheduleCard((await ask(h, 'is there anything in the next 2 hours?', hal)).card);
    expect(soon.header).toMatch(new RegExp(`^Today · ${shortDate(berlin())} · \\d{2}:\\d{2}–(\\w{3} )?\\d{2}:\\d{2}$`));
    expect(rowTitles(soon)).toEqual(['Hal soon']);
    const evening = readScheduleCard((await ask(h, 'do i have any meetings after 4pm tomorrow', hal)).card);
    // Tomorrow in another year (asked on 31 Dec) has its year in the header.
    expect(evening.header).toBe(`Tomorrow · ${cardDate(tomorrow, berlin())} · 16:00–00:00`);
    expect(rowTitles(evening)).toEqual(['Hal tomorrow evening']);
  });

  it('understands every command the Teams app suggests (manifest commandLists)', async () => {
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'manifest', 'manifest.json'), 'utf8'));
    const titles: string[] = manifest.bots[0].commandLists.flatMap((list: { commands: { title: string }[] }) => list.commands.map((command) => command.title));
    expect(titles.length).toBeGreaterThan(5);
    const newcomer = teamsUser('Manifest Reader', 'Europe/Berlin');
    for (const title of titles) {
      const reply = await ask(h, title, newcomer);
      expect([title, reply.text]).not.toEqual([title, UNKNOWN_TEXT]);
    }
  });

  it('am I free today at 3: no for Ada (her 1:1), yes for Bob', async () => {
    const adaReply = readScheduleCard((await ask(h, 'am I free today at 3', ada)).card);
    // Today may be a weekend, when 15:00 is outside working hours too (the answer then says so).
    expect(adaReply.summary).toMatch(/^No, you have something then\.($| That's outside your working hours \(09:00–17:00\)\.$)/);
    expect(rowTitles(adaReply)).toEqual(['Ada 1:1 with Grace']);
    const bobReply = readScheduleCard((await ask(h, 'am I free today at 3', bob)).card);
    expect(bobReply.summary).toMatch(/^Yes, you're free then\.($| That's outside your working hours \(09:00–17:00\)\.$)/);
    expect(bobReply.groups).toEqual([]);
  });

  it('am I busy today at 3: the yes or no answers the question as put (yes for Ada, no for Bob)', async () => {
    const adaReply = readScheduleCard((await ask(h, 'am I busy today at 3', ada)).card);
    expect(adaReply.summary).toMatch(/^Yes, you have something then\.($| That's outside your working hours \(09:00–17:00\)\.$)/);
    expect(rowTitles(adaReply)).toEqual(['Ada 1:1 with Grace']);
    const bobReply = readScheduleCard((await ask(h, 'do I have a meeting today at 3?', bob)).card);
    expect(bobReply.summary).toMatch(/^No, you're free then\.($| That's outside your working hours \(09:00–17:00\)\.$)/);
  });

  it('next meeting skips declined, cancelled, free and all-day events', async () => {
    const cleo = teamsUser('Cleo Next', 'Europe/Berlin');
    await seedAccount(h, cleo, { mailboxTimeZone: 'Europe/Berlin' });
    const now = berlinNow();
    await seedEvents(h.store.collections, cleo, [
      { subject: 'Cleo past', start: now.minus({ hours: 2 }) },
      { subject: 'Cleo declined', start: now.plus({ minutes: 20 }), responseStatus: 'declined' },
      { subject: 'Cleo cancelled', start: now.plus({ minutes: 30 }), isCancelled: true },
      { subject: 'Cleo focus (free)', start: now.plus({ minutes: 40 }), showAs: 'free' },
      { subject: 'Cleo holiday', start: now.plus({ days: 1 }).startOf('day'), allDay: true, showAs: 'oof' },
      { subject: 'Cleo real next', start: now.plus({ hours: 3 }), joinUrl: 'https://teams.microsoft.com/l/meetup-join/next' },
      { subject: 'Cleo after', start: now.plus({ hours: 4 }) },
    ]);
    const reply = await ask(h, 'next meeting?', cleo);
    const card = readScheduleCard(reply.card);
    expect(card.header).toBe('Next up');
    expect(card.summary).toMatch(/, in 3 h$/);
    expect(card.groups[0]!.rows).toHaveLength(1);
    const [row] = card.groups[0]!.rows;
    expect(row).toMatchObject({ title: 'Cleo real next', join: 'https://teams.microsoft.com/l/meetup-join/next' });
    expect(row!.time.startsWith(`${now.plus({ hours: 3 }).toFormat('HH:mm')}–`)).toBe(true);
  });

  it('next 3 meetings: the three after now in one card, by day, skipping what "next meeting" skips; fewer said plainly', async () => {
    const nia = teamsUser('Nia Next', 'Europe/Berlin');
    await seedAccount(h, nia, { mailboxTimeZone: 'Europe/Berlin' });
    const now = berlinNow();
    const dayAfter = now.plus({ days: 2 }).startOf('day');
    await seedEvents(h.store.collections, nia, [
      { subject: 'Nia past', start: now.minus({ hours: 2 }) },
      { subject: 'Nia soon', start: now.plus({ minutes: 30 }), joinUrl: 'https://teams.microsoft.com/l/meetup-join/nia-soon' },
      { subject: 'Nia declined', start: now.plus({ minutes: 40 }), responseStatus: 'declined' },
      { subject: 'Nia cancelled', start: now.plus({ minutes: 50 }), isCancelled: true },
      { subject: 'Nia focus (free)', start: now.plus({ minutes: 55 }), showAs: 'free' },
      { subject: 'Nia holiday', start: dayAfter, allDay: true, showAs: 'oof' },
      { subject: 'Nia later', start: now.plus({ minutes: 90 }), minutes: 30, location: 'Room 7' },
      { subject: 'Nia day after', start: dayAfter.set({ hour: 10 }), responseStatus: 'tentativelyAccepted' },
      { subject: 'Nia fourth', start: dayAfter.set({ hour: 15 }) },
    ]);
    const reply = await ask(h, 'what are my next 3 meetings?', nia);
    const card = readScheduleCard(reply.card);
    expect(card.header).toBe('Next up');
    expect(card.summary).toBe('Your next 3 meetings. The first starts in 30 min.');
    // Grouped by the day each starts on ("Nia later" may be after midnight, on the first day's group or its own),
    // labelled from the day calbot answered on.
    const groupsAt = (answeredAt: Date) => {
      const today = DateTime.fromJSDate(answeredAt, { zone: 'Europe/Berlin' }).startOf('day');
      const labelOf = (start: DateTime) => {
        const day = start.startOf('day');
        const date = cardDate(day, today);
        return day.equals(today) ? `Today · ${date}` : day.equals(today.plus({ days: 1 })) ? `Tomorrow · ${date}` : date;
      };
      const byDay = new Map<string, string[]>();
      for (const [subject, start] of [['Nia soon', now.plus({ minutes: 30 })], ['Nia later', now.plus({ minutes: 90 })], ['Nia day after', dayAfter.set({ hour: 10 })]] as const) {
        byDay.set(labelOf(start), [...(byDay.get(labelOf(start)) ?? []), subject]);
      }
      return [...byDay];
    };
    expect(card.groups.map((group) => [group.label, group.rows.map((row) => row.title)])).toEqual(groupsAt(h.clock.now()));
    const rows = card.groups.flatMap((group) => group.rows);
    expect(rows[0]).toMatchObject({ title: 'Nia soon', join: 'https://teams.microsoft.com/l/meetup-join/nia-soon' });
    // Begun before Berlin's midnight and over after it (asked between 22:00 and 22:30), the row says the day it ends.
    const laterStart = now.plus({ minutes: 90 });
    const laterEnd = laterStart.plus({ minutes: 30 });
    const until = laterEnd.hasSame(laterStart, 'day') || laterEnd.equals(laterEnd.startOf('day')) ? '' : `Until ${laterEnd.toFormat('ccc')} · `;
    expect(rows[1]).toMatchObject({ title: 'Nia later', details: `${until}Room 7` });
    expect(rows[1]!.time.startsWith(`${now.plus({ minutes: 90 }).toFormat('HH:mm')}–`)).toBe(true);
    expect(rows[2]).toMatchObject({ title: 'Nia day after', time: '10:00–11:00', marker: 'Tentative' });
    expect(reply.summary).toContain('10:00–11:00  Nia day after (Tentative)');

    const two = readScheduleCard((await ask(h, 'my next two meetings', nia)).card);
    expect(rowTitles(two)).toEqual(['Nia soon', 'Nia later']);
    // Asked for more than there are: all of them, and the answer says it found fewer, within the synced window.
    const many = readScheduleCard((await ask(h, 'next 10 meetings', nia)).card);
    expect(rowTitles(many)).toEqual(['Nia soon', 'Nia later', 'Nia day after', 'Nia fourth']);
    expect(many.summary).toMatch(/^Only 4 meetings coming up in the next 18[01] days\. The first starts in 30 min\.$/);
    expect(rowTitles(readScheduleCard((await ask(h, 'next meeting', nia)).card))).toEqual(['Nia soon']);
  });

  it.each([
    ['filed by day', true],
    ['synced before calendarDays (the events collection)', false],
  ] as const)('when is my next standup / 1:1 with sam: the next meeting so named, %s', async (_name, days) => {
    const sol = teamsUser(`Sol Subject ${days ? 'days' : 'events'}`, 'Europe/Berlin');
    await seedAccount(h, sol, { mailboxTimeZone: 'Europe/Berlin', days });
    const today = berlin();
    const now = berlinNow();
    await seedEvents(h.store.collections, sol, [
      { subject: 'Sol planning', start: now.plus({ minutes: 30 }) },
      { subject: 'Standup', start: now.plus({ minutes: 40 }), responseStatus: 'declined' },
      { subject: 'Daily Stand-up', start: today.plus({ days: 2 }).set({ hour: 9 }), minutes: 15, joinUrl: 'https://teams.microsoft.com/l/meetup-join/standup' },
      { subject: 'Daily Stand-up', start: today.plus({ days: 3 }).set({ hour: 9 }), minutes: 15 },
      { subject: 'Sam / Sol 1-on-1', start: today.plus({ days: 4 }).set({ hour: 14 }), location: 'Café Élysée' },
      { subject: 'Design Review', start: today.plus({ days: 5 }).set({ hour: 11 }) },
      { subject: 'Quarterly sync with Bob', start: today.plus({ days: 90 }).set({ hour: 10 }) },
    ]);
    const header = async (text: string) => {
      const card = readScheduleCard((await ask(h, text, sol)).card);
      return { header: card.header, summary: card.summary, titles: rowTitles(card), rows: card.groups.flatMap((group) => group.rows) };
    };

    const standup = await header('when is my next standup?');
    expect(standup.header).toBe('Next "standup"');
    expect(standup.titles).toEqual(['Daily Stand-up']); // not the declined one sooner, nor the planning before it
    expect(standup.rows[0]).toMatchObject({ time: '09:00–09:15', join: 'https://teams.microsoft.com/l/meetup-join/standup' });
    expect(standup.summary).toMatch(new RegExp(`^${cardDate(today.plus({ days: 2 }), today)}, in (1 day|2 days)$`));

    for (const question of ['next 1:1 with sam', "when's my next one on one with Sam", 'next meeting at cafe elysee']) {
      expect((await header(question)).titles).toEqual(['Sam / Sol 1-on-1']);
    }
    expect((await header('next design review')).titles).toEqual(['Design Review']);
    const two = await header('my next 2 standups');
    expect(two.header).toBe('Next "standups"');
    expect(two.summary).toMatch(/^Your next 2 meetings matching "standups"\. The first starts in (1 day|2 days)\.$/);
    expect(two.titles).toEqual(['Daily Stand-up', 'Daily Stand-up']);

    // Bob's meeting is 90 days away: the search stops at 60, and says so.
    const bob = await ask(h, "when's my next meeting with Bob", sol);
    expect(readScheduleCard(bob.card)).toMatchObject({ header: 'Next "bob"', summary: 'No meeting matching "bob" in the next 60 days.', groups: [] });
    expect(bob.summary).toBe('Next "bob"\nNo meeting matching "bob" in the next 60 days.');
    // The plain next meeting is still the plain next meeting, and what is asked of it is no name to look for.
    expect((await header('next meeting')).titles).toEqual(['Sol planning']);
    expect((await header('when does my next meeting start')).titles).toEqual(['Sol planning']);
  });

  it('meetings named beside a day, a week or a time: only those, the words quoted; none found says so, not "nothing on"', async () => {
    const nina = teamsUser('Nina Named', 'Europe/Berlin');
    await seedAccount(h, nina, { mailboxTimeZone: 'Europe/Berlin' });
    const today = berlin();
    const tomorrow = today.plus({ days: 1 });
    // The week after next never holds tomorrow (on a Sunday, next week does).
    const later = today.startOf('week').plus({ weeks: 2 });
    await seedEvents(h.store.collections, nina, [
      { subject: 'Daily Standup', start: tomorrow.set({ hour: 9 }), minutes: 15 },
      { subject: 'Sam / Nina 1:1', start: tomorrow.set({ hour: 10 }), minutes: 30, location: 'Room 4' },
      { subject: 'Budget planning', start: tomorrow.set({ hour: 14 }) },
      { subject: 'Sam sync', start: later.plus({ days: 1 }).set({ hour: 11 }) },
      { subject: 'Design review', start: later.plus({ days: 2 }).set({ hour: 15 }) },
      { subject: 'Lunch with Sam', start: later.plus({ days: 3 }).set({ hour: 12 }) },
      { subject: 'Offsite prep', start: later.plus({ days: 4 }).set({ hour: 10 }) },
    ]);
    const tomorrowLabel = `Tomorrow · ${cardDate(tomorrow, today)}`;

    // A day: the matching meetings, the header and the plain text saying what was filtered on.
    const day = await ask(h, 'meetings with Sam tomorrow?', nina);
    const dayCard = readScheduleCard(day.card);
    expect(dayCard).toMatchObject({ header: `${tomorrowLabel} · "sam"`, summary: '1 meeting matching "sam" · 30 min busy' });
    expect(dayCard.groups).toEqual([{ rows: [{ time: '10:00–10:30', title: 'Sam / Nina 1:1', details: 'Room 4' }] }]);
    expect(day.summary).toBe(`${tomorrowLabel} · "sam"\n1 meeting matching "sam" · 30 min busy\n10:00–10:30  Sam / Nina 1:1 (Room 4)`);
    expect(rowTitles(readScheduleCard((await ask(h, 'next standup tomorrow', nina)).card))).toEqual(['Daily Standup']);
    expect(rowTitles(readScheduleCard((await ask(h, 'team meeting tomorrow', nina)).card))).toEqual([]);
    // The question without a name is the whole day, as ever.
    expect(rowTitles(readScheduleCard((await ask(h, "what's on tomorrow", nina)).card))).toEqual(['Daily Standup', 'Sam / Nina 1:1', 'Budget planning']);

    // A week: the matching meetings, by day.
    const week = readScheduleCard((await ask(h, 'any meetings with sam the week after next', nina)).card);
    expect(week.header).toMatch(/^Week after next · .+ · "sam"$/);
    expect(week.summary).toBe('2 meetings matching "sam" · 2 h busy');
    expect(week.groups.map((group) => [group.label, group.rows.map((row) => row.title)])).toEqual([
      [longDate(later.plus({ days: 1 })), ['Sam sync']],
      [longDate(later.plus({ days: 3 })), ['Lunch with Sam']],
    ]);
    expect(rowTitles(readScheduleCard((await ask(h, 'design review on wednesday the week after next', nina)).card))).toEqual(['Design review']);

    // None matching: says so, with both the name and the range, and that there are other events.
    const none = await ask(h, 'anything with Bob the week after next', nina);
    expect(readScheduleCard(none.card)).toMatchObject({ summary: 'No meetings matching "bob" the week after next (4 other events).', groups: [] });
    expect(none.summary).toMatch(/^Week after next · .+ · "bob"\nNo meetings matching "bob" the week after next \(4 other events\)\.$/);
    expect(none.summary).not.toMatch(/Nothing on your calendar/);

    // At a time: a yes/no about the meeting named; no, with what is there instead.
    const yes = readScheduleCard((await ask(h, 'do I have a call with sam at 10 tomorrow', nina)).card);
    expect(yes.header).toBe(`${tomorrowLabel} · 10:00–10:30 · "sam"`);
    expect(yes.summary).toMatch(/^Yes, you have something matching "sam" then\./);
    expect(rowTitles(yes)).toEqual(['Sam / Nina 1:1']);
    const no = await ask(h, 'do I have a call with bob at 10 tomorrow', nina);
    const noCard = readScheduleCard(no.card);
    expect(noCard.summary).toMatch(/^No, nothing matching "bob" then\. You have something else then\./);
    expect(noCard.groups).toEqual([{ label: 'Also then', rows: [{ time: '10:00–10:30', title: 'Sam / Nina 1:1', details: 'Room 4' }] }]);
    const standup = readScheduleCard((await ask(h, 'is my standup at 9 tomorrow', nina)).card);
    expect(standup.summary).toMatch(/^Yes, you have something matching "standup" then\./);
    expect(rowTitles(standup)).toEqual(['Daily Standup']);
    // Asked about any meeting, as before: yes.
    expect(readScheduleCard((await ask(h, 'do I have a call at 10 tomorrow', nina)).card).summary).toMatch(/^Yes, you have something then\./);
  });

  it('a yes/no about a meeting named: yes for one shown as free (a standup often is), no for one declined', async () => {
    const fay = teamsUser('Fay Free', 'Europe/Berlin');
    await seedAccount(h, fay, { mailboxTimeZone: 'Europe/Berlin' });
    const tomorrow = berlin().plus({ days: 1 });
    await seedEvents(h.store.collections, fay, [
      { subject: 'Daily Standup', start: tomorrow.set({ hour: 9, minute: 30 }), minutes: 15, showAs: 'free' },
      { subject: 'Call with Bob', start: tomorrow.set({ hour: 15 }), minutes: 30, responseStatus: 'declined' },
      { subject: 'Budget review', start: tomorrow.set({ hour: 15 }), minutes: 60 },
    ]);
    const standup = readScheduleCard((await ask(h, 'is my standup at 9:30 tomorrow', fay)).card);
    expect(standup.summary).toMatch(/^Yes, you have something matching "standup" then\./);
    expect(standup.groups).toEqual([{ rows: [{ time: '09:30–09:45', title: 'Daily Standup', marker: 'Free' }] }]);
    // Asked about any meeting then, a free one is no meeting, as ever.
    expect(readScheduleCard((await ask(h, 'do i have a meeting at 9:30 tomorrow', fay)).card).summary).toMatch(/^No, you're free then\./);
    const bob = readScheduleCard((await ask(h, 'do i have a call with bob at 3 tomorrow', fay)).card);
    expect(bob.summary).toMatch(/^No, nothing matching "bob" then\. You have something else then\./);
    expect(bob.groups).toEqual([{ label: 'Also then', rows: [{ time: '15:00–16:00', title: 'Budget review' }] }]);
  });

  it('a command\'s word naming a meeting ("sync meeting tomorrow", "sync with sam"): the meetings so named; the commands still answer as commands', async () => {
    const cora = teamsUser('Cora Command', 'Europe/Berlin');
    await seedAccount(h, cora, { mailboxTimeZone: 'Europe/Berlin' });
    const tomorrow = berlin().plus({ days: 1 });
    await seedEvents(h.store.collections, cora, [
      { subject: 'Team sync', start: tomorrow.set({ hour: 9 }), minutes: 30 },
      { subject: 'Status meeting', start: tomorrow.set({ hour: 11 }), minutes: 30 },
      { subject: 'Sync with Sam', start: tomorrow.set({ hour: 14 }), minutes: 30 },
      { subject: 'Budget planning', start: tomorrow.set({ hour: 16 }) },
    ]);
    const titles = async (text: string) => rowTitles(readScheduleCard((await ask(h, text, cora)).card));
    expect(await titles('sync meeting tomorrow')).toEqual(['Team sync', 'Sync with Sam']);
    expect(await titles('status meeting tomorrow')).toEqual(['Status meeting']);
    expect(await titles('sync with sam tomorrow')).toEqual(['Sync with Sam']);
    // The commands those words start are still the commands: the bot tries them before any question.
    const status = await ask(h, 'status', cora);
    expect(status.text).toMatch(/^Connected to Outlook as Cora Command/);
    expect(status.card).toBeUndefined();
    expect((await ask(h, 'sync status', cora)).text).toMatch(/^Last synced today at \d\d:\d\d/);
    // "refresh my calendar" is "sync now" said another way (this calbot has no Outlook set up: both say so).
    const syncNow = await ask(h, 'sync now', cora);
    expect(syncNow.text).toMatch(/^Outlook is not set up on this calbot yet/);
    expect(await ask(h, 'refresh my calendar', cora)).toEqual(syncNow);
  });

  it('a day word typed with a slip after a name ("with sam tmorrow"): that day\'s meetings so named, not today\'s with "sam tmorrow"', async () => {
    const tam = teamsUser('Tam Typo', 'Europe/Berlin');
    await seedAccount(h, tam, { mailboxTimeZone: 'Europe/Berlin' });
    const today = berlin();
    const tomorrow = today.plus({ days: 1 });
    await seedEvents(h.store.collections, tam, [
      { subject: 'Sam / Tam 1:1', start: today.set({ hour: 23 }), minutes: 30 },
      { subject: 'Sam / Tam planning', start: tomorrow.set({ hour: 10 }), minutes: 30 },
      { subject: 'Budget planning', start: tomorrow.set({ hour: 16 }) },
    ]);
    const reply = readScheduleCard((await ask(h, 'meetings with sam tmorrow', tam)).card);
    expect(reply.header).toBe(`Tomorrow · ${cardDate(tomorrow, today)} · "sam"`);
    expect(rowTitles(reply)).toEqual(['Sam / Tam planning']);
    expect(rowTitles(readScheduleCard((await ask(h, 'anything about the budget 2moz', tam)).card))).toEqual(['Budget planning']);
  });

  it('a time named with a meeting named ("anything about the project at 2"): the yes/no about it then, as "do I have anything with bob at 2" is, not the whole day', async () => {
    const pia = teamsUser('Pia Project', 'Europe/Berlin');
    await seedAccount(h, pia, { mailboxTimeZone: 'Europe/Berlin' });
    const today = berlin();
    const tomorrow = today.plus({ days: 1 });
    await seedEvents(h.store.collections, pia, [
      { subject: 'Project kickoff', start: tomorrow.set({ hour: 14 }), minutes: 30 },
      { subject: 'Bob / Pia sync', start: tomorrow.set({ hour: 14 }), minutes: 30 },
      { subject: 'Project review', start: tomorrow.set({ hour: 16 }) },
    ]);
    const project = readScheduleCard((await ask(h, 'anything about the project at 2 tomorrow', pia)).card);
    expect(project.header).toBe(`Tomorrow · ${cardDate(tomorrow, today)} · 14:00–14:30 · "project"`);
    expect(project.summary).toMatch(/^Yes, you have something matching "project" then\./);
    expect(rowTitles(project)).toEqual(['Project kickoff']);
    const bob = readScheduleCard((await ask(h, 'do I have anything with bob at 2 tomorrow', pia)).card);
    expect(bob.summary).toMatch(/^Yes, you have something matching "bob" then\./);
    expect(rowTitles(bob)).toEqual(['Bob / Pia sync']);
    expect(readScheduleCard((await ask(h, 'anything with bob at 2 tomorrow', pia)).card)).toEqual(bob);
    // A stretch of the day is still a list of those named in it.
    expect(rowTitles(readScheduleCard((await ask(h, 'anything about the project after 2 tomorrow', pia)).card))).toEqual(['Project kickoff', 'Project review']);
  });

  it('a yes/no about a meeting named that is at another time that day: no, and when it is ("No: "standup" is at 09:30."); none that day, as before', async () => {
    const sol = teamsUser('Sol Elsewhere', 'Europe/Berlin');
    await seedAccount(h, sol, { mailboxTimeZone: 'Europe/Berlin' });
    const tomorrow = berlin().plus({ days: 1 });
    const after = tomorrow.plus({ days: 1 });
    await seedEvents(h.store.collections, sol, [
      { subject: 'Daily Standup', start: tomorrow.set({ hour: 9, minute: 30 }), minutes: 15, showAs: 'free' },
      { subject: 'Budget review', start: tomorrow.set({ hour: 15 }), minutes: 60 },
      { subject: 'Call with Bob', start: tomorrow.set({ hour: 15, minute: 30 }), minutes: 30 },
      { subject: 'Bob (declined)', start: tomorrow.set({ hour: 17 }), minutes: 30, responseStatus: 'declined' },
      { subject: 'Standup', start: after.set({ hour: 9, minute: 30 }), minutes: 15 },
      { subject: 'Standup (EMEA)', start: after.set({ hour: 16 }), minutes: 15 },
    ]);
    const standup = readScheduleCard((await ask(h, 'is my standup at 9 tomorrow', sol)).card);
    expect(standup.summary).toMatch(/^No: "standup" is at 09:30\. You're free then\./);
    expect(standup.groups).toEqual([{ label: 'Other times that day', rows: [{ time: '09:30–09:45', title: 'Daily Standup', marker: 'Free' }] }]);
    // What is there then instead is still said; one declined is not when Bob's call is.
    const bob = await ask(h, 'do i have a call with bob at 3 tomorrow', sol);
    const bobCard = readScheduleCard(bob.card);
    expect(bobCard.summary).toMatch(/^No: "bob" is at 15:30\. You have something else then\./);
    expect(bobCard.groups).toEqual([
      { label: 'Other times that day', rows: [{ time: '15:30–16:00', title: 'Call with Bob' }] },
      { label: 'Also then', rows: [{ time: '15:00–16:00', title: 'Budget review' }] },
    ]);
    expect(bob.summary).toContain('15:30–16:00  Call with Bob');
    // Several that day: all of them, in order.
    const two = readScheduleCard((await ask(h, 'is my standup at 11 the day after tomorrow', sol)).card);
    expect(two.summary).toMatch(/^No: "standup" is at 09:30 and 16:00\. You're free then\./);
    expect(rowTitles(two)).toEqual(['Standup', 'Standup (EMEA)']);
    // None that day: as before.
    const retro = readScheduleCard((await ask(h, 'is my retro at 9 tomorrow', sol)).card);
    expect(retro.summary).toMatch(/^No, nothing matching "retro" then\. You're free then\./);
    expect(retro.groups).toEqual([]);
  });

  it('a list of names ("meetings with sam, bob", "sam and bob", "sam or bob"): the meetings of either, quoted as read', async () => {
    const lia = teamsUser('Lia List', 'Europe/Berlin');
    await seedAccount(h, lia, { mailboxTimeZone: 'Europe/Berlin' });
    const today = berlin();
    const tomorrow = today.plus({ days: 1 });
    await seedEvents(h.store.collections, lia, [
      { subject: 'Sam / Lia 1:1', start: tomorrow.set({ hour: 10 }), minutes: 30 },
      { subject: 'Bob sync', start: tomorrow.set({ hour: 11 }), minutes: 30 },
      { subject: 'Budget planning', start: tomorrow.set({ hour: 14 }) },
      { subject: 'Sam & Bob review', start: tomorrow.set({ hour: 15 }) },
    ]);
    const comma = await ask(h, 'meetings with sam, bob tomorrow', lia);
    const card = readScheduleCard(comma.card);
    expect(card).toMatchObject({ header: `Tomorrow · ${cardDate(tomorrow, today)} · "sam or bob"`, summary: '3 meetings matching "sam or bob" · 2 h busy' });
    expect(rowTitles(card)).toEqual(['Sam / Lia 1:1', 'Bob sync', 'Sam & Bob review']);
    for (const text of ['meetings with sam and bob tomorrow', 'anything with Sam or Bob tomorrow?']) expect(readScheduleCard((await ask(h, text, lia)).card)).toEqual(card);
    // Set against each other, no list: the whole day.
    expect(rowTitles(readScheduleCard((await ask(h, 'meetings with sam vs bob tomorrow', lia)).card))).toHaveLength(4);
  });

  it('next meeting after a time: the first from then, not the plain next one; none after it says so', async () => {
    const tia = teamsUser('Tia After', 'Europe/Berlin');
    await seedAccount(h, tia, { mailboxTimeZone: 'Europe/Berlin' });
    const now = berlinNow();
    await seedEvents(h.store.collections, tia, [
      { subject: 'Tia soon', start: now.plus({ minutes: 30 }) },
      { subject: 'Tia later', start: now.plus({ hours: 3 }) },
    ]);
    // With am/pm, so that 7:00 is not read as the evening. A time past midnight is today's, long over: from now.
    const clock = (time: DateTime) => time.setLocale('en-US').toFormat('h:mma').toLowerCase();
    // Whether two (four) hours on is still today, on the day calbot answers on: the pinned one.
    const todays = (time: DateTime) => time.hasSame(now, 'day');
    const inTwoHours = now.plus({ hours: 2 });
    const reply = await ask(h, `next meeting after ${clock(inTwoHours)}`, tia);
    expect(rowTitles(readScheduleCard(reply.card))).toEqual([todays(inTwoHours) ? 'Tia later' : 'Tia soon']);
    const inFourHours = now.plus({ hours: 4 });
    const none = readScheduleCard((await ask(h, `whats my next meeting after ${clock(inFourHours)}?`, tia)).card);
    expect(rowTitles(none)).toEqual(todays(inFourHours) ? [] : ['Tia soon']);
    if (rowTitles(none).length === 0) expect(none).toMatchObject({ header: 'Next up', summary: expect.stringMatching(/^No meeting after \d{2}:\d{2} in the next \d+ days\.$/), groups: [] });
  });

  it('am I in a meeting: the meeting under way, when it ends, and what is next', async () => {
    const eve = teamsUser('Eve Now', 'Europe/Berlin');
    await seedAccount(h, eve, { mailboxTimeZone: 'Europe/Berlin' });
    const now = berlinNow();
    await seedEvents(h.store.collections, eve, [
      { subject: 'Eve ongoing', start: now.minus({ minutes: 10 }), minutes: 40 },
      { subject: 'Eve later', start: now.plus({ hours: 2 }), minutes: 30 },
    ]);
    const card = readScheduleCard((await ask(h, 'am I in a meeting right now?', eve)).card);
    expect(card.header).toBe('Right now');
    expect(card.summary).toBe(`You're in a meeting until ${now.plus({ minutes: 30 }).toFormat('HH:mm')}.`);
    expect(rowTitles(card)).toEqual(['Eve ongoing', 'Eve later']);
    expect(card.groups[1]!.label).toBe('Next, in 2 h');
  });

  it('"timezone ..." changes the times in the answer; "timezone reset" goes back to the mailbox zone', async () => {
    const dan = teamsUser('Dan Zone', 'America/New_York');
    await seedAccount(h, dan, { mailboxTimeZone: 'Eastern Standard Time' });
    const start = localNow('America/New_York').startOf('hour').plus({ hours: 5 });
    await seedEvents(h.store.collections, dan, [{ subject: 'Dan call', start }]);
    const timeIn = (zone: string) => start.setZone(zone).toFormat('HH:mm');
    const nextRowTime = async () => readScheduleCard((await ask(h, 'next meeting', dan)).card).groups[0]!.rows[0]!.time;

    expect(await nextRowTime()).toMatch(new RegExp(`^(\\w{3} )?${timeIn('America/New_York')}–`));
    expect((await ask(h, "what's my time zone?", dan)).text).toMatch(
      /^Times are shown in America\/New_York, from your Outlook settings \(currently \d\d:\d\d\)\. Say "timezone Europe\/Paris" to use another\.$/,
    );
    // "Currently" is calbot's minute: the pinned one.
    const set = await ask(h, 'timezone Asia/Tokyo', dan);
    expect(set.text).toBe(`Times are now shown in Asia/Tokyo (currently ${localNow('Asia/Tokyo').toFormat('HH:mm')}).`);
    expect(await h.store.collections.chatUsers.findOne({ _id: userKeyOf(dan) })).toMatchObject({ timeZoneOverride: 'Asia/Tokyo' });
    expect(await nextRowTime()).toMatch(new RegExp(`^(\\w{3} )?${timeIn('Asia/Tokyo')}–`));
    expect((await ask(h, 'timezone', dan)).text).toMatch(/^Times are shown in Asia\/Tokyo, as you set it \(currently \d\d:\d\d\)\. Say "timezone reset" to follow Outlook again\.$/);

    const windows = await ask(h, 'tz W. Europe Standard Time', dan);
    expect(windows.text).toMatch(/^Times are now shown in Europe\/Berlin \(currently \d\d:\d\d\)\.$/);
    expect(await nextRowTime()).toMatch(new RegExp(`^(\\w{3} )?${timeIn('Europe/Berlin')}–`));

    const reset = await ask(h, 'timezone reset', dan);
    expect(reset.text).toMatch(/^Time zone override cleared\. Times are shown in America\/New_York, from your Outlook settings \(currently \d\d:\d\d\)\.$/);
    expect(await nextRowTime()).toMatch(new RegExp(`^(\\w{3} )?${timeIn('America/New_York')}–`));

    const bad = await ask(h, 'timezone Mars/Olympus_Mons', dan);
    expect(bad.text).toBe('I don\'t know the time zone "Mars/Olympus_Mons". Use a name like Europe/Paris or America/New_York (or a Windows name like "W. Europe Standard Time").');
    expect((await h.store.collections.chatUsers.findOne({ _id: userKeyOf(dan) }))?.timeZoneOverride).toBeUndefined();
  });

  it('reads "3/12" in the order of the locale Teams sends: 3 December for en-GB, 12 March for en-US', async () => {
    // The day asked about: the card's header, or (a day outside the synced window, as 3 Dec is from mid-December
    // on) the answer that says so, which names it the same way.
    const dayOf = (reply: Awaited<ReturnType<typeof ask>>) => (reply.card ? readScheduleCard(reply.card).header : /^(.*) is outside the part of your calendar I keep in sync/.exec(reply.text)?.[1]);
    expect(dayOf(await ask(h, "what's on 3/12", ada, { locale: 'en-GB' }))).toMatch(/^(Today · |Tomorrow · |Yesterday · )?\w{3} 3 Dec( \d{4})?$/);
    expect(dayOf(await ask(h, "what's on 3/12", ada, { locale: 'en-US' }))).toMatch(/^(Today · |Tomorrow · |Yesterday · )?\w{3} 12 Mar( \d{4})?$/);
  });

  it('"dec 14 and 15" shows both days, in every locale (en-GB read a two-digit day as a year: December 2014)', async () => {
    const lia = teamsUser('Lia Lists', 'Europe/Berlin');
    await seedAccount(h, lia, { mailboxTimeZone: 'Europe/Berlin' });
    // Two days of one month, both with two-digit dates, well inside the synced window.
    let first = berlin().plus({ days: 14 });
    while (first.day < 10 || first.day > 27) first = first.plus({ days: 1 });
    const second = first.plus({ days: 1 });
    await seedEvents(h.store.collections, lia, [
      { subject: 'Lia first', start: first.set({ hour: 10 }) },
      { subject: 'Lia second', start: second.set({ hour: 11 }) },
      { subject: 'Lia the day after', start: second.plus({ days: 1 }).set({ hour: 12 }) },
    ]);
    // (Not luxon's en-GB month names: ICU's is "Sept".)
    const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][first.month - 1];
    const dayLabel = (day: DateTime) => `${day.setLocale('en-GB').toFormat('cccc')} ${day.day} ${month}`;
    for (const locale of ['en-US', 'en-GB']) {
      const card = readScheduleCard((await ask(h, `what's on ${month} ${first.day} and ${second.day}?`, lia, { locale })).card);
      expect(card.header).toBe(`${first.day}–${second.day} ${month}${first.year !== berlin().year ? ` ${first.year}` : ''}`);
      expect(card.groups.map((group) => [group.label, group.rows.map((row) => row.title)])).toEqual([
        [dayLabel(first), ['Lia first']],
        [dayLabel(second), ['Lia second']],
      ]);
    }
  });

  it('help lists the question and the time zone command', async () => {
    const [help] = await h.say('help', ada);
    expect(help).toContain("• **what's on today**: your schedule (also: tomorrow, this afternoon, tonight, this week, friday, dec 3, next meeting, next 3 meetings, next standup, meetings with sam, who's in my next meeting, am I free at 3");
    expect(help).toContain('• **timezone Europe/Paris**: show times in this zone (or a city\'s: timezone paris; also: timezone reset; timezone alone says which one is used)');
  });
});

describe('answers say how fresh the stored calendar is', () => {
  let h: Harness;
  beforeAll(async () => {
    // One-minute sync interval: two minutes without a successful round is "late".
    h = await startHarness({ SYNC_INTERVAL: '1 minute' }, 'ask-states');
    // One "now" for the seeds (today's meeting, a sync minutes ago) and the answers.
    h.clock.pin();
  });
  afterAll(async () => {
    await h.close();
  });

  /** "10:42", or "yesterday 23:59" once midnight has passed in `zone`, as the footnote writes a sync at `at` seen at `now`. */
  const asOf = (at: Date, now: Date, zone: string) => {
    const local = DateTime.fromJSDate(at, { zone });
    return `${local.hasSame(DateTime.fromJSDate(now, { zone }), 'day') ? '' : 'yesterday '}${local.toFormat('HH:mm')}`;
  };
  const withMeeting = async (user: TeamsUser) => {
    const today = DateTime.fromJSDate(h.clock.now(), { zone: 'Europe/Berlin' }).startOf('day');
    await seedEvents(h.store.collections, user, [{ subject: 'Stored meeting', start: today.set({ hour: 10 }) }]);
  };

  it('not connected: says so and points to "connect outlook" (Microsoft app not configured here)', async () => {
    const user = teamsUser('Nobody Yet');
    const reply = await ask(h, "what's on today", user);
    expect(reply.text).toMatch(/^You haven't connected your Outlook calendar yet, so I can't see your schedule\. Outlook is not set up on this calbot yet/);
    expect(reply.card).toBeUndefined();
  });

  it.each([
    ['no sync state yet', null],
    ['a round started but none completed', { status: 'running', roundsCompleted: 0, lastSuccessAt: undefined }],
  ] as const)('first sync (%s): "still syncing", not an empty day', async (_name, sync) => {
    const user = teamsUser('First Sync');
    await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin', sync: sync as never });
    const reply = await ask(h, "what's on today", user);
    expect(reply.text).toBe("I'm still syncing your calendar for the first time; ask again in a minute.");
    expect(reply.card).toBeUndefined();
  });

  it('a first sync that failed says why', async () => {
    const user = teamsUser('First Failed');
    const message = 'Microsoft asked me to slow down; your calendar will catch up in a few minutes.';
    await seedAccount(h, user, { sync: { status: 'error', roundsCompleted: 0, lastSuccessAt: undefined, lastError: { at: h.clock.now(), kind: 'throttled', message } } });
    expect((await ask(h, "what's on today", user)).text).toBe(`I haven't been able to read your calendar yet: ${message}`);
  });

  describe('days outside the synced window (7 days back, 180 ahead)', () => {
    const user = teamsUser('Window Edge', 'Europe/Berlin');
    const berlinToday = () => DateTime.fromJSDate(h.clock.now(), { zone: 'Europe/Berlin' }).startOf('day');
    const asDate = (day: DateTime) => day.setLocale('en-US').toFormat('LLL d yyyy').toLowerCase();
    beforeAll(async () => {
      await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin' });
      await seedEvents(h.store.collections, user, [{ subject: 'Inside the window', start: berlinToday().minus({ days: 6 }).set({ hour: 10 }) }]);
    });

    it('a day wholly outside: says so, instead of "nothing on" or "you\'re free"', async () => {
      const far = berlinToday().plus({ days: 300 });
      const synced = /\(\w{3} \d{1,2} \w{3}( \d{4})? – \w{3} \d{1,2} \w{3}( \d{4})?\)/;
      for (const [question, then] of [
        [`what's on ${asDate(far)}`, "what's on then"],
        [`am i free on ${asDate(far)} at 10`, "whether you're free then"],
        [`when am i free on ${asDate(far)}`, "whether you're free then"],
        [`what's on ${asDate(berlinToday().minus({ days: 60 }))}`, "what's on then"],
      ] as const) {
        const reply = await ask(h, question, user);
        expect(reply.card).toBeUndefined();
        expect(reply.text).toContain(" is outside the part of your calendar I keep in sync (");
        expect(reply.text).toMatch(synced);
        expect(reply.text.endsWith(`so I can't tell ${then}.`)).toBe(true);
      }
    });

    it('a range partly outside: the synced days, and a note naming the first one', async () => {
      const from = berlinToday().minus({ days: 10 });
      const card = readScheduleCard((await ask(h, `what's on ${asDate(from)} to ${asDate(berlinToday().minus({ days: 2 }))}`, user)).card);
      expect(card.footnote).toMatch(/^Days before \w{3} \d{1,2} \w{3}( \d{4})? aren't synced, so they aren't shown\.$/);
      expect(rowTitles(card)).toEqual(['Inside the window']);
      // Free time is not made up for the days left out either: none is offered before the first synced day.
      const free = await ask(h, `when am i free ${asDate(from)} to ${asDate(berlinToday().minus({ days: 2 }))}`, user);
      expect(JSON.stringify(free.card)).not.toContain(shortDate(from));
      expect(readScheduleCard(free.card).footnote).toMatch(/^Days before /);
    });
  });

  it('fresh data: no footnote', async () => {
    const user = teamsUser('Fresh');
    await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin' });
    await withMeeting(user);
    const card = readScheduleCard((await ask(h, "what's on today", user)).card);
    expect(rowTitles(card)).toEqual(['Stored meeting']);
    expect(card.footnote).toBeUndefined();
    expect(card.footnoteAction).toBeUndefined();
  });

  it('late sync: "As of HH:mm" in the user\'s zone, and still the stored answer', async () => {
    const user = teamsUser('Stale');
    const lastSuccessAt = new Date(h.clock.now().getTime() - 5 * 60_000);
    await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin', sync: { lastSuccessAt } });
    await withMeeting(user);
    const reply = await ask(h, "what's on today", user);
    const card = readScheduleCard(reply.card);
    expect(card.footnote).toBe(`As of ${asOf(lastSuccessAt, h.clock.now(), 'Europe/Berlin')} · syncing is running late; newer changes aren't in yet.`);
    expect(rowTitles(card)).toEqual(['Stored meeting']);
    expect(reply.summary!.endsWith(card.footnote!)).toBe(true);
    expect(card.footnoteAction).toEqual({ title: 'Sync now', command: 'sync now' });
  });

  it('last sync failed: the reason in plain words', async () => {
    const user = teamsUser('Failed');
    const lastSuccessAt = new Date(h.clock.now().getTime() - 30_000);
    await seedAccount(h, user, {
      mailboxTimeZone: 'America/New_York',
      sync: { status: 'error', lastSuccessAt, lastError: { at: h.clock.now(), kind: 'graph-unavailable', message: 'Outlook did not answer; calbot will try again at the next sync.' } },
    });
    // Half a minute after midnight in New York, the last success was yesterday's.
    const card = readScheduleCard((await ask(h, 'next meeting', user)).card);
    expect(card.footnote).toBe(`As of ${asOf(lastSuccessAt, h.clock.now(), 'America/New_York')} · the last sync failed: Outlook did not answer; calbot will try again at the next sync.`);
  });

  it('needs reconnect: answers from stored data and says to reconnect', async () => {
    const user = teamsUser('Expired');
    await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin', status: 'needs-reconnect', sync: { status: 'needs-reconnect' } });
    await withMeeting(user);
    const { lastSuccessAt } = (await h.store.collections.syncStates.findOne({ _id: userKeyOf(user) }))!;
    const card = readScheduleCard((await ask(h, "what's on today", user)).card);
    expect(rowTitles(card)).toEqual(['Stored meeting']);
    expect(card.footnote).toBe(`As of ${asOf(lastSuccessAt!, h.clock.now(), 'Europe/Berlin')} · your Outlook connection has expired, so I can't see newer changes. Say "reconnect" to sign in again.`);
    expect(card.footnoteAction).toEqual({ title: 'Reconnect', command: 'reconnect' });
  });
});
