import { DateTime } from 'luxon';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { at, command, connectedUser, SYNC_ENV, waitForState } from '../sync/sync-support.js';
import { cardDate } from '../chat/ask-support.js';

/**
 * The whole path: events change in (fake) Outlook, "sync now" runs a real round through the sync engine, and the
 * chat receives the notices through the fake Bot Connector. The mailbox is in W. Europe Standard Time (Berlin),
 * and so is the Teams client; times are real (relative to today), so expectations are formatted here with luxon.
 * A notice writes a date's year when it is not the current one: the harness's clock is pinned, so that "current" is
 * one year for calbot and for these expectations, even as New Year's midnight passes.
 */
const ZONE = 'Europe/Berlin';
const time = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toFormat('HH:mm');

describe('change notices after real sync rounds', () => {
  let h: CloudHarness;
  const day = (iso: string) => cardDate(DateTime.fromISO(iso, { zone: ZONE }), DateTime.fromJSDate(h.clock.now(), { zone: ZONE }));
  beforeAll(async () => {
    // Two events a page, so a round of changes spans pages.
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'notices_sync');
    h.clock.pin();
  });
  afterAll(async () => {
    await h.close();
  });

  it('first round: "Synced N events" only; then add, move, change, cancel: one notice each; a second sync: nothing', async () => {
    const ids: Record<string, string> = {};
    const { chat, microsoft, userKey } = await connectedUser(h, 'Noa Notice', (oid) => {
      ids.review = h.graph.addEvent(oid, { subject: 'Design review', start: at(1, 13), end: at(1, 14), location: 'Room 4' });
      ids.standup = h.graph.addEvent(oid, { subject: 'Standup', start: at(2, 8), end: at(2, 8, 15) });
      ids.lunch = h.graph.addEvent(oid, { subject: 'Team lunch', start: at(3, 11), end: at(3, 12), location: 'Canteen' });
      ids.untouched = h.graph.addEvent(oid, { subject: 'Untouched', start: at(4, 9), end: at(4, 10) });
    });
    const notices = () =>
      h.connector
        .messages(chat.conversationId)
        .map((r) => r.activity.text ?? '')
        .filter((text) => /^(Synced \d+ events?|New|Moved|Changed|Cancelled|Removed):?/.test(text) && !text.startsWith('Synced:'));
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 4 events');
    expect(notices()).toEqual(['Synced 4 events']);

    h.graph.addEvent(microsoft.oid, { subject: 'Kickoff', start: at(2, 14), end: at(2, 15), location: 'Room 1' });
    h.graph.addEvent(microsoft.oid, { subject: 'Last week', start: at(-2, 9), end: at(-2, 10) });
    h.graph.addEvent(microsoft.oid, { subject: 'Far away', start: at(40, 9), end: at(40, 10) });
    h.graph.updateEvent(microsoft.oid, ids.standup!, { start: at(5, 8), end: at(5, 8, 15) });
    h.graph.updateEvent(microsoft.oid, ids.lunch!, { location: 'Pizzeria' });
    h.graph.cancelEvent(microsoft.oid, ids.review!);

    const before = h.connector.messages(chat.conversationId).length;
    expect(await h.post(h.message('sync now', chat))).toBe(200);
    await h.connector.waitFor(before + 5, (r) => r.conversationId === chat.conversationId);
    await h.calbot.notices.idle();
    const expected = [
      `Cancelled: Design review, ${day(at(1, 13))} ${time(at(1, 13))}–${time(at(1, 14))}`,
      `New: Kickoff, ${day(at(2, 14))} ${time(at(2, 14))}–${time(at(2, 15))}, Room 1`,
      `Changed: Team lunch, ${day(at(3, 11))} ${time(at(3, 11))}–${time(at(3, 12))}, location Canteen → Pizzeria`,
      `Moved: Standup, ${day(at(2, 8))} ${time(at(2, 8))} → ${day(at(5, 8))} ${time(at(5, 8))}`,
    ];
    expect(notices()).toEqual(['Synced 4 events', ...expected]);

    const again = h.connector.messages(chat.conversationId).length;
    expect(await h.post(h.message('sync now', chat))).toBe(200);
    await h.connector.waitFor(again + 1, (r) => r.conversationId === chat.conversationId);
    await waitForState(h, userKey, (state) => state.status !== 'running');
    await h.calbot.notices.idle();
    await h.calbot.notices.sendDue();
    expect(notices()).toEqual(['Synced 4 events', ...expected]);
    expect(h.connector.messages(chat.conversationId).slice(again).map((r) => r.activity.text)).toEqual(['Synced: 0 new, 0 changed, 0 removed.']);
  });

  it('eight changes in one round over four pages: one summary card when the round completes, not a message per page', async () => {
    const ids: string[] = [];
    const { chat, microsoft, userKey } = await connectedUser(h, 'Paula Pages', (oid) => {
      for (let i = 0; i < 8; i++) ids.push(h.graph.addEvent(oid, { subject: `Meeting ${i + 1}`, start: at(1 + (i % 5), 8 + i), end: at(1 + (i % 5), 9 + i) }));
    });
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 8 events');
    const before = h.connector.messages(chat.conversationId).length;
    for (const id of ids) h.graph.updateEvent(microsoft.oid, id, { location: 'Elsewhere' });

    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 8 changed, 0 removed.']);
    await waitForState(h, userKey, (state) => state.status !== 'running' && state.roundsCompleted >= 2);
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.attachments !== undefined);
    await h.calbot.notices.idle();
    await h.calbot.notices.sendDue();
    await h.calbot.notices.idle();
    const notices = h.connector.messages(chat.conversationId).slice(before).filter((r) => !r.activity.text?.startsWith('Synced:'));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.activity.attachments![0]!.content.body[0].inlines[0].text).toBe('8 calendar changes');
  });

  it('a daily meeting moved, then deleted, as a series: one line for its occurrences each time, not a card of ten', async () => {
    let occurrenceIds: string[] = [];
    let review = '';
    const { chat, microsoft, userKey } = await connectedUser(h, 'Seri Series', (oid) => {
      ({ occurrenceIds } = h.graph.addRecurringSeries(oid, { subject: 'Standup', start: at(1, 8), end: at(1, 8, 15), count: 10, exceptionIndex: -1, cancelledIndex: -1 }));
      review = h.graph.addEvent(oid, { subject: 'Design review', start: at(2, 13), end: at(2, 14), location: 'Room 4' });
    });
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 11 events');
    const first = DateTime.fromISO(at(1, 8), { zone: ZONE });
    const days = `from ${day(first.toISO()!)} to ${day(first.plus({ days: 9 }).toISO()!)}`;
    const noticesSince = async (before: number, count: number) => {
      await h.connector.waitFor(before + count, (r) => r.conversationId === chat.conversationId);
      await waitForState(h, userKey, (state) => state.status !== 'running');
      await h.calbot.notices.idle();
      await h.calbot.notices.sendDue();
      return h.connector.messages(chat.conversationId).slice(before).map((r) => r.activity.text ?? '(a card)');
    };

    // The organizer moves the series half an hour later (each occurrence changes), and another meeting moves.
    const beforeMove = h.connector.messages(chat.conversationId).length;
    for (const id of occurrenceIds) {
      const { start, end } = h.graph.calendar.event(microsoft.oid, id);
      h.graph.updateEvent(microsoft.oid, id, { start: start.plus({ minutes: 30 }).toISO()!, end: end.plus({ minutes: 30 }).toISO()! });
    }
    h.graph.updateEvent(microsoft.oid, review, { start: at(2, 15), end: at(2, 16) });
    expect(await h.post(h.message('sync now', chat))).toBe(200);
    expect(await noticesSince(beforeMove, 3)).toEqual([
      'Synced: 0 new, 11 changed, 0 removed.',
      `Moved: Standup, 10 occurrences ${days}, ${time(at(1, 8))} → ${time(at(1, 8, 30))}`,
      `Moved: Design review, ${day(at(2, 13))} ${time(at(2, 13))} → ${time(at(2, 15))}`,
    ]);

    // The organizer deletes the series: their copies go (@removed).
    const beforeDelete = h.connector.messages(chat.conversationId).length;
    for (const id of occurrenceIds) h.graph.deleteEvent(microsoft.oid, id);
    expect(await h.post(h.message('sync now', chat))).toBe(200);
    expect(await noticesSince(beforeDelete, 2)).toEqual(['Synced: 0 new, 0 changed, 10 removed.', `Removed: Standup, 10 occurrences ${days}, ${time(at(1, 8, 30))}–${time(at(1, 8, 45))}`]);
  });

  it('"sync now": its reply comes first, then the notices of the round it reports, each once', async () => {
    const ids: Record<string, string> = {};
    const { chat, microsoft, userKey } = await connectedUser(h, 'Ora Order', (oid) => {
      ids.standup = h.graph.addEvent(oid, { subject: 'Standup', start: at(2, 8), end: at(2, 8, 15) });
    });
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 1 event');
    const before = h.connector.messages(chat.conversationId).length;
    h.graph.addEvent(microsoft.oid, { subject: 'Kickoff', start: at(1, 14), end: at(1, 15), location: 'Room 1' });
    h.graph.updateEvent(microsoft.oid, ids.standup!, { start: at(3, 8), end: at(3, 8, 15) });

    expect(await h.post(h.message('sync now', chat))).toBe(200);
    await h.connector.waitFor(before + 3, (r) => r.conversationId === chat.conversationId);
    await waitForState(h, userKey, (state) => state.status !== 'running' && state.roundsCompleted >= 2);
    await h.calbot.notices.idle();
    await h.calbot.notices.sendDue();
    expect(h.connector.messages(chat.conversationId).slice(before).map((r) => r.activity.text)).toEqual([
      'Synced: 1 new, 1 changed, 0 removed.',
      `New: Kickoff, ${day(at(1, 14))} ${time(at(1, 14))}–${time(at(1, 15))}, Room 1`,
      `Moved: Standup, ${day(at(2, 8))} ${time(at(2, 8))} → ${day(at(3, 8))} ${time(at(3, 8))}`,
    ]);
    // Held, not dropped: both went out through the outbox, and nothing waits there.
    expect(await h.store.collections.outbox.countDocuments({ userKey, status: 'sent', kind: { $ne: 'summary' } })).toBe(2);
    expect(await h.store.collections.outbox.countDocuments({ userKey, status: { $ne: 'sent' } })).toBe(0);
  });

  it('a round that fails after storing a page still tells about that page; the next round tells the rest, nothing twice', async () => {
    const ids: Record<string, string> = {};
    const { chat, microsoft, userKey } = await connectedUser(h, 'Pia Pages', (oid) => {
      ids.review = h.graph.addEvent(oid, { subject: 'Review', start: at(1, 13), end: at(1, 14) });
      ids.standup = h.graph.addEvent(oid, { subject: 'Standup', start: at(2, 8), end: at(2, 8, 15) });
      ids.lunch = h.graph.addEvent(oid, { subject: 'Lunch', start: at(3, 11), end: at(3, 12), location: 'Canteen' });
      ids.planning = h.graph.addEvent(oid, { subject: 'Planning', start: at(4, 9), end: at(4, 10) });
    });
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 4 events');
    const notices = () =>
      h.connector
        .messages(chat.conversationId)
        .map((r) => r.activity.text ?? '')
        .filter((text) => /^(New|Moved|Changed|Cancelled|Removed):/.test(text));

    h.graph.cancelEvent(microsoft.oid, ids.review!);
    h.graph.updateEvent(microsoft.oid, ids.standup!, { start: at(5, 8), end: at(5, 8, 15) });
    h.graph.updateEvent(microsoft.oid, ids.lunch!, { location: 'Pizzeria' });
    h.graph.updateEvent(microsoft.oid, ids.planning!, { subject: 'Quarterly planning' });
    const all = [
      `Cancelled: Review, ${day(at(1, 13))} ${time(at(1, 13))}–${time(at(1, 14))}`,
      `Moved: Standup, ${day(at(2, 8))} ${time(at(2, 8))} → ${day(at(5, 8))} ${time(at(5, 8))}`,
      `Changed: Lunch, ${day(at(3, 11))} ${time(at(3, 11))}–${time(at(3, 12))}, location Canteen → Pizzeria`,
      `Changed: Planning → Quarterly planning, ${day(at(4, 9))} ${time(at(4, 9))}–${time(at(4, 10))}`,
    ];

    // The round reads its first page (two changes), stores it, and then Graph fails: the round fails.
    h.graph.failNext({ status: 500, oid: microsoft.oid, laterPagesOnly: true });
    await command(h, chat, 'sync now');
    const failed = await waitForState(h, userKey, (state) => state.status !== 'running' && state.lastError !== undefined);
    expect(failed.nextLink).toBeDefined();
    // What the stored page queued is due now: sent here as the notice job's next pass would send it (every 5 s,
    // which a loaded machine stretched past the wait below), so the test waits on the queue, not on the job.
    await h.calbot.notices.sendDue(userKey);
    await h.connector.waitFor(2, (r) => r.conversationId === chat.conversationId && /^(Moved|Changed|Cancelled):/.test(r.activity.text ?? ''));
    await h.calbot.notices.idle();
    const afterFailure = notices();
    expect(afterFailure).toHaveLength(2);
    for (const text of afterFailure) expect(all).toContain(text);

    // The next round resumes at the second page: the other two changes, and nothing said twice.
    await command(h, chat, 'sync now');
    await waitForState(h, userKey, (state) => state.status !== 'running' && state.roundsCompleted >= 2 && state.nextLink === undefined);
    await h.connector.waitFor(4, (r) => r.conversationId === chat.conversationId && /^(Moved|Changed|Cancelled):/.test(r.activity.text ?? ''));
    await h.calbot.notices.idle();
    await h.calbot.notices.sendDue();
    expect([...notices()].sort()).toEqual([...all].sort());
  });

  it('a meeting moved months ahead, past the window calbot keeps: "Moved" to its new date, not "Removed", and counted as a change', async () => {
    const ids: Record<string, string> = {};
    const { chat, microsoft, userKey } = await connectedUser(h, 'Mona Months', (oid) => {
      ids.offsite = h.graph.addEvent(oid, { subject: 'Offsite', start: at(3, 9), end: at(3, 17), location: 'Lisbon' });
      ids.coffee = h.graph.addEvent(oid, { subject: 'Coffee', start: at(4, 10), end: at(4, 10, 30) });
    });
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 2 events');
    const before = h.connector.messages(chat.conversationId).length;
    h.graph.updateEvent(microsoft.oid, ids.offsite!, { start: at(240, 9), end: at(240, 17) });
    h.graph.deleteEvent(microsoft.oid, ids.coffee!);

    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 1 changed, 1 removed.']);
    await waitForState(h, userKey, (state) => state.status !== 'running' && state.roundsCompleted >= 2);
    await h.connector.waitFor(before + 3, (r) => r.conversationId === chat.conversationId);
    await h.calbot.notices.idle();
    await h.calbot.notices.sendDue();
    const notices = h.connector.messages(chat.conversationId).slice(before).map((r) => r.activity.text ?? '').filter((text) => !text.startsWith('Synced:'));
    expect([...notices].sort()).toEqual([
      `Moved: Offsite, ${day(at(3, 9))} ${time(at(3, 9))} → ${day(at(240, 9))} ${time(at(240, 9))}`,
      `Removed: Coffee, ${day(at(4, 10))} ${time(at(4, 10))}–${time(at(4, 10, 30))}`,
    ]);
    // Its old day is free now (three UTC days on: never "Tomorrow" in Berlin, whatever the hour).
    const oldDay = DateTime.fromISO(at(3, 9), { zone: ZONE });
    expect((await command(h, chat, `what's on ${oldDay.toFormat('yyyy-MM-dd')}`))[0]).toBe(`${day(oldDay.toISO()!)}\nNothing on your calendar on ${day(oldDay.toISO()!)}.`);
  });
});
