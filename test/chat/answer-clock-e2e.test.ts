import { DateTime } from 'luxon';
import { syncWindow } from '../../src/sync/sync-window.js';
import { startHarness, teamsUser, type Harness } from '../support/calbot-harness.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { command, connectedUser, SYNC_ENV } from '../sync/sync-support.js';
import { ask, cardDate, readScheduleCard, rowTitles, seedAccount, seedEvents, shortDate } from './ask-support.js';

/**
 * One clock for a running calbot (startCalbot's `clock`, the harness's `clock`): pinned at 23:59:59.9 on New Year's
 * Eve of a year that is not the real one, every answer is about that instant, never about the real time. A part still
 * reading the real clock answers about another day (and year), so these fail for it.
 */
const ZONE = 'Europe/Berlin';
/** 23:59:59.9 on 31 Dec in Berlin, `yearsBack` years before the real year. */
const newYearsEve = (yearsBack: number) => DateTime.fromObject({ year: DateTime.now().year - yearsBack, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 900 }, { zone: ZONE });

describe('answers at the instant the harness clock is pinned at, not the real one', () => {
  let h: Harness;
  const eve = newYearsEve(1);
  const newYear = eve.plus({ days: 1 }).startOf('day');
  beforeAll(async () => {
    h = await startHarness({}, 'answer-clock');
  });
  afterAll(async () => {
    await h.close();
  });

  it("a meeting seeded for today at 23:59:59.9 is today's; 200 ms on, the next day's is, and the day before is yesterday", async () => {
    // The real clock is on another day: an answer that read it could not list this one's meetings as today's.
    expect(DateTime.now().setZone(ZONE).hasSame(eve, 'day')).toBe(false);
    const user = teamsUser('Eve Pinned', ZONE);
    h.clock.pin(eve.toJSDate());
    await seedAccount(h, user, { mailboxTimeZone: ZONE });
    await seedEvents(h.store.collections, user, [
      { subject: 'Eve dinner', start: eve.set({ hour: 19, minute: 0, second: 0, millisecond: 0 }), minutes: 180 },
      { subject: 'Midnight toast', start: eve.set({ hour: 23, minute: 45, second: 0, millisecond: 0 }), minutes: 30 },
      { subject: 'New Year brunch', start: newYear.set({ hour: 11 }) },
    ]);

    const today = readScheduleCard((await ask(h, "what's on today", user)).card);
    expect(today.header).toBe(`Today · ${shortDate(eve)}`);
    expect(today.groups[0]!.rows).toEqual([
      { time: '19:00–22:00', title: 'Eve dinner' },
      { time: '23:45–00:15', title: 'Midnight toast', details: `Until ${shortDate(newYear).slice(0, 3)}` },
    ]);
    // Tomorrow is in another year: its header says so, as for any date outside the year calbot is in.
    const tomorrow = readScheduleCard((await ask(h, 'tomorrow', user)).card);
    expect(tomorrow.header).toBe(`Tomorrow · ${cardDate(newYear, eve)}`);
    expect(rowTitles(tomorrow)).toEqual(['Midnight toast', 'New Year brunch']);
    const now = readScheduleCard((await ask(h, 'am I in a meeting', user)).card);
    expect(now.summary).toBe("You're in a meeting until 00:15.");
    expect(rowTitles(now)).toEqual(['Midnight toast', 'New Year brunch']);
    expect(now.groups[1]!.label).toBe('Next, in 11 h');

    // Midnight passes when the pinned clock says so, and only then.
    h.clock.pin(eve.plus({ milliseconds: 200 }).toJSDate());
    const next = readScheduleCard((await ask(h, "what's on today", user)).card);
    expect(next.header).toBe(`Today · ${shortDate(newYear)}`);
    expect(rowTitles(next)).toEqual(['Midnight toast', 'New Year brunch']);
    expect(rowTitles(readScheduleCard((await ask(h, 'yesterday', user)).card))).toEqual(['Eve dinner', 'Midnight toast']);
  });

  it('"sync status", "status" and "timezone" say the pinned day and time', async () => {
    const user = teamsUser('Sam Status', ZONE);
    h.clock.pin(eve.toJSDate());
    // Connected and synced ten minutes before the pinned instant (seedAccount's connectedAt is the instant itself).
    await seedAccount(h, user, { mailboxTimeZone: ZONE, sync: { lastSuccessAt: eve.minus({ minutes: 10 }).toJSDate() } });
    const [status] = await h.say('sync status', user);
    expect(status).toBe('Last synced today at 23:49.\n\nNo problems since.');
    const [connection] = await h.say('status', user);
    // The year of a day in the year calbot is in goes without saying.
    expect(connection).toMatch(new RegExp(`^Connected to Outlook as Sam Status \\(sam\\.status@contoso\\.example\\) since ${shortDate(eve)}\\. Times are shown in Europe/Berlin, from your Outlook settings \\(currently 23:59\\)\\. `));
    expect((await h.say('timezone', user))[0]).toBe('Times are shown in Europe/Berlin, from your Outlook settings (currently 23:59). Say "timezone Europe/Paris" to use another.');
    expect((await h.say('what time is it?', user))[0]).toBe('Times are shown in Europe/Berlin, from your Outlook settings (currently 23:59). Say "timezone Europe/Paris" to use another.');

    h.clock.pin(eve.plus({ milliseconds: 200 }).toJSDate());
    expect((await h.say('sync status', user))[0]).toBe('Last synced yesterday at 23:49.\n\nNo problems since.');
    expect((await h.say('status', user))[0]).toMatch(/\(currently 00:00\)\. /);
  });
});

describe('a sync round under a pinned clock', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness(SYNC_ENV, 'answer-clock-sync');
  });
  afterAll(async () => {
    await h.close();
  });

  it("keeps the window around the pinned day, and the pinned day's meetings are today's; \"sync now\" still waits for its round on the real clock", async () => {
    // Two years back: neither window (the real day's, the pinned day's) reaches the other day.
    const eve = newYearsEve(2);
    const realToday = DateTime.now().setZone(ZONE).startOf('day');
    h.clock.pin(eve.toJSDate());
    const iso = (at: DateTime) => at.toUTC().toISO()!;
    const { chat, microsoft, userKey } = await connectedUser(h, 'Rory Round', (oid) => {
      h.graph.addEvent(oid, { subject: 'Eve dinner', start: iso(eve.set({ hour: 19, minute: 0, second: 0, millisecond: 0 })), end: iso(eve.set({ hour: 22, minute: 0, second: 0, millisecond: 0 })) });
      h.graph.addEvent(oid, { subject: 'New Year brunch', start: iso(eve.plus({ days: 1 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 })), end: iso(eve.plus({ days: 1 }).set({ hour: 12, minute: 0, second: 0, millisecond: 0 })) });
      h.graph.addEvent(oid, { subject: 'Real today', start: iso(realToday.set({ hour: 10 })), end: iso(realToday.set({ hour: 11 })) });
    });
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    const window = syncWindow(eve.toJSDate(), 7, 180);
    expect({ start: state!.windowStart, end: state!.windowEnd }).toEqual(window);
    expect((await h.store.collections.events.find({ userKey }).toArray()).map((event) => event.subject).sort()).toEqual(['Eve dinner', 'New Year brunch']);
    expect(h.connector.messages(chat.conversationId).map((r) => r.activity.text)).toContain('Synced 2 events');

    const today = readScheduleCard((await ask(h, "what's on today", chat)).card);
    expect(today.header).toBe(`Today · ${shortDate(eve)}`);
    expect(rowTitles(today)).toEqual(['Eve dinner']);
    // The answer clock stands still; the round's stamps, Agenda and "sync now"'s wait for the round do not.
    h.graph.addEvent(microsoft.oid, { subject: 'Late addition', start: iso(eve.set({ hour: 23, minute: 30, second: 0, millisecond: 0 })), end: iso(eve.plus({ days: 1 }).startOf('day')) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    // Its notice is about the pinned day too: a date in the year calbot is in, without its year.
    const [notice] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /^New: Late addition/.test(r.activity.text ?? ''));
    expect(notice!.activity.text).toBe(`New: Late addition, ${shortDate(eve)} 23:30–00:00`);
    expect(rowTitles(readScheduleCard((await ask(h, "what's on today", chat)).card))).toEqual(['Eve dinner', 'Late addition']);
  });
});
