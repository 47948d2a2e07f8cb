import { eventDoc, roundOf, startNoticeHarness, syncRound, teamsUser, userKeyOf, type NoticeHarness } from './notice-harness.js';
import type { EventDoc } from '../../src/store/collections.js';

/**
 * Quiet hours with calbot's clock moved by the test (the harness injects it): the clock starts Wed 25 Nov 2026
 * 13:00 in Berlin, where the users are. Also: a notice the connector refuses is given up after maxAttempts.
 */

const HOUR = 3_600_000;
const at = (iso: string, minutes = 60): Pick<EventDoc, 'start' | 'end'> => ({ start: new Date(iso), end: new Date(new Date(iso).getTime() + minutes * 60_000) });
const v2 = (event: EventDoc, overrides: Partial<EventDoc>): EventDoc => ({ ...event, etag: 'W/"2"', ...overrides });

describe('quiet hours', () => {
  let h: NoticeHarness;
  beforeAll(async () => {
    h = await startNoticeHarness('quiet', { maxAttempts: 2 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows quiet hours on the clock the user reads (Outlook\'s timeFormat)', async () => {
    const user = teamsUser('Twelve Hours');
    const now = h.clock.now();
    await h.store.collections.accounts.insertOne({
      _id: userKeyOf(user), homeAccountId: 'home-12h', username: 'twelve@contoso.example', displayName: 'Twelve Hours', tenantId: 'tenant',
      status: 'connected', connectedAt: now, updatedAt: now, mailboxTimeZone: 'America/New_York', clockStyle: '12h',
    });
    expect(await h.say('quiet hours 10pm-7:30am', user)).toEqual([
      'Quiet hours set: 10:00 PM–7:30 AM (America/New_York). Notices that come in then wait and arrive as one summary at 7:30 AM.',
    ]);
    expect(await h.say('quiet hours', user)).toEqual(['Quiet hours: 10:00 PM–7:30 AM (America/New_York). Set them with "quiet hours 22:00-07:00", remove them with "quiet hours off".']);
  });

  it('holds notices during quiet hours in the user zone and sends them as one summary when they end', async () => {
    const user = teamsUser('Night Owl');
    const userKey = userKeyOf(user);
    // No account linked in this harness (the rounds are handed to the notice service directly): the reply says to connect.
    expect(await h.say('quiet hours 22:00-07:00', user)).toEqual([
      'Quiet hours set: 22:00–07:00 (Europe/Berlin). Notices that come in then wait and arrive as one summary at 07:00. Say "connect outlook" first, so that I can see your calendar.',
    ]);
    expect(await h.say('notify', user)).toEqual(['Change notices are on. Quiet hours: 22:00–07:00 (Europe/Berlin). Say "notify off" to change it.']);

    h.clock.advance(9.5 * HOUR); // 22:30 in Berlin
    const review = eventDoc(userKey, 'review', at('2026-11-26T13:00:00Z'));
    const standup = eventDoc(userKey, 'standup', { subject: 'Standup', ...at('2026-11-26T08:00:00Z', 15) });
    const night = eventDoc(userKey, 'night', { subject: 'Night shift handover', ...at('2026-11-26T03:00:00Z', 30) }); // 04:00 in Berlin: over by 07:00
    const kickoff = eventDoc(userKey, 'kickoff', { subject: 'Kickoff', ...at('2026-11-26T14:00:00Z') });
    const early = eventDoc(userKey, 'early', { subject: 'Early call', ...at('2026-11-26T15:00:00Z') });
    const calbot = h.calbots[0]!;
    await syncRound(
      calbot,
      userKey,
      roundOf([[undefined, review], [standup, v2(standup, { subject: 'Daily' })], [undefined, night], [undefined, kickoff], [undefined, early]]),
    );
    await calbot.notices.idle();
    h.clock.advance(4 * HOUR); // 02:30: another round, still quiet. The organizers think again: the review is off, the kickoff later.
    await syncRound(calbot, userKey, roundOf([[review, v2(review, { isCancelled: true })], [kickoff, v2(kickoff, { ...at('2026-11-26T15:00:00Z'), location: 'Room 7' })], [early, v2(early, at('2026-11-26T04:00:00Z', 30))]]));
    await calbot.notices.idle();
    await calbot.notices.sendDue();
    expect(h.notices(user)).toEqual([]);
    const held = await h.store.collections.outbox.find({ userKey }).toArray();
    expect(held.map((doc) => [doc.status, doc.nextAttemptAt.toISOString(), doc.payload.heldForQuietHours])).toEqual([
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
      ['pending', '2026-11-26T06:00:00.000Z', true],
    ]);

    h.clock.advance(4.5 * HOUR + 60_000); // 07:01
    await calbot.notices.sendDue();
    await calbot.notices.idle();
    const received = h.notices(user);
    expect(received).toHaveLength(1);
    const card = received[0]!.card;
    expect(card.body[0].inlines[0].text).toBe('2 calendar changes');
    expect(card.body[1].inlines[0].text).toBe('While your quiet hours were on:');
    const rows = (card.body as { type: string; columns?: any[] }[]).filter((b) => b.type === 'ColumnSet').map((b) => `${b.columns![0].items[0].text}: ${b.columns![1].items[0].inlines[0].text}`);
    // Each event as it is now against what the user last knew: the kickoff is new, where it is now; the review, added
    // and cancelled while they slept, is no news (two rows, "New" and "Cancelled", about a meeting that is not on).
    expect(rows).toEqual(['Changed: Standup → Daily, Thu 26 Nov 09:00–09:15', 'New: Kickoff, Thu 26 Nov 16:00–17:00, Room 7']);
    await calbot.notices.sendDue();
    expect(h.notices(user)).toHaveLength(1);
    expect(await h.store.collections.outbox.countDocuments({ userKey, status: 'sent' })).toBe(3);
    // The handover was over before quiet hours ended: dropped, not reported late; so was the early call, added for
    // the afternoon and then moved to 05:00.
    const dead = await h.store.collections.outbox.find({ userKey, status: 'dead' }).toArray();
    expect(dead.map((doc) => `${doc.kind}: ${doc.payload.deadReason}`).sort()).toEqual([
      'added: event-over',
      'added: event-over',
      'added: superseded: later changes of the event undid it',
      'cancelled: superseded: later changes of the event undid it',
      'moved: event-over',
    ]);
  });

  it('"quiet hours off" sends what they held at once; "Synced N events" is never held', async () => {
    const user = teamsUser('Early Bird');
    const userKey = userKeyOf(user);
    const calbot = h.calbots[0]!;
    // The clock is now Thu 26 Nov 07:01 in Berlin: quiet hours that cover it.
    await h.say('quiet hours 06:00-12:00', user);
    await calbot.notices.onRoundComplete(userKey, { firstRound: true, totalEvents: 7, changeSet: roundOf([]) });
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text === 'Synced 7 events');
    const lunch = eventDoc(userKey, 'lunch', { subject: 'Lunch', ...at('2026-11-26T11:30:00Z') });
    await syncRound(calbot, userKey, roundOf([[undefined, lunch]]));
    await calbot.notices.idle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Synced 7 events']);

    expect(await h.say('quiet hours off', user)).toEqual(['Quiet hours off: notices arrive as they happen.']);
    await calbot.notices.idle();
    const received = h.notices(user);
    expect(received).toHaveLength(2);
    expect(received[1]!.card.body[0].inlines[0].text).toBe('1 calendar change');
    expect(JSON.stringify(received[1]!.card)).toContain('Lunch, Thu 26 Nov 12:30–13:30');
    expect((await h.store.collections.chatUsers.findOne({ _id: userKey }))?.notify?.quietHours).toBeUndefined();
  });

  it('rejects quiet hours it cannot read, with an example', async () => {
    expect(await h.say('quiet hours after lunch', teamsUser())).toEqual([`I couldn't read "after lunch" as quiet hours. Try "quiet hours 22:00-07:00", or "quiet hours off".`]);
  });

  it('gives a notice the connector refuses (400) up after maxAttempts sends, with the reason stored', async () => {
    const user = teamsUser('Unlucky');
    const userKey = userKeyOf(user);
    await h.say('notify on', user);
    const calbot = h.calbots[0]!;
    // The message itself is at fault: sending it again for hours would not help (the client does not retry a 400).
    h.connector.failNext(400, 2);
    const review = eventDoc(userKey, 'review', at('2026-11-27T13:00:00Z'));
    await syncRound(calbot, userKey, roundOf([[undefined, review]]));
    let doc = await h.store.collections.outbox.findOne({ userKey });
    while (doc?.status !== 'dead') {
      await calbot.notices.idle();
      await new Promise((done) => setImmediate(done));
      doc = await h.store.collections.outbox.findOne({ userKey });
    }
    expect(doc).toMatchObject({ status: 'dead', attempts: 2 });
    expect(doc.payload.deadReason).toBe('gave up after 2 attempts (last: 400)');
    expect(h.notices(user)).toEqual([]);
  }, 30_000);
});
