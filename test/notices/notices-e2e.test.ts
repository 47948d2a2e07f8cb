import { eventDoc, roundOf, startNoticeHarness, syncRound, teamsUser, type NoticeHarness, chatUserOf } from './notice-harness.js';
import { teamsMessage } from '../support/calbot-harness.js';
import type { EventDoc } from '../../src/store/collections.js';
import { Leases } from '../../src/store/leases.js';
import { emptyChangeSet } from '../../src/sync/change-set.js';
import { syncLeaseKey } from '../../src/sync/sync-jobs.js';

/**
 * Change notices end to end: a real calbot (server, bot, Agenda job, sender) on the test database, a fake Bot
 * Connector, and change sets built by the sync engine's own recordChange from real EventDocs. The clock starts
 * Wed 25 Nov 2026 12:00 UTC; the users are in Europe/Berlin (Teams clientInfo).
 */

const tomorrow = (hourUtc: number, minutes = 60): Pick<EventDoc, 'start' | 'end'> => ({
  start: new Date(Date.UTC(2026, 10, 26, hourUtc)),
  end: new Date(Date.UTC(2026, 10, 26, hourUtc) + minutes * 60_000),
});
const v2 = (event: EventDoc, overrides: Partial<EventDoc>): EventDoc => ({ ...event, etag: 'W/"2"', ...overrides });

describe('change notices', () => {
  let h: NoticeHarness;
  beforeAll(async () => {
    h = await startNoticeHarness('notices');
  });
  afterAll(async () => {
    await h.close();
  });

  /** A chat user who has written to calbot (so it has a conversation to post in). */
  const chatUser = (name = 'Ada Lovelace') => chatUserOf(h, name);

  /** Runs every sender once more and waits for background sends: whatever was going to arrive has arrived. */
  async function settle(): Promise<void> {
    for (const calbot of h.calbots) {
      await calbot.notices.idle();
      await calbot.notices.sendDue();
    }
  }

  it('tells about an added, moved, changed and cancelled event: one message each, in order of start; nothing for untouched, past or far events', async () => {
    const { user, userKey } = await chatUser();
    const review = eventDoc(userKey, 'review', { ...tomorrow(13) });
    const standup = eventDoc(userKey, 'standup', { subject: 'Standup', ...tomorrow(8, 15), location: 'Room 1' });
    const lunch = eventDoc(userKey, 'lunch', { subject: 'Team lunch', ...tomorrow(11), location: 'Canteen' });
    const retro = eventDoc(userKey, 'retro', { subject: 'Retro', ...tomorrow(15) });
    const past = eventDoc(userKey, 'past', { subject: 'Yesterday', start: new Date('2026-11-24T09:00:00Z'), end: new Date('2026-11-24T10:00:00Z') });
    const far = eventDoc(userKey, 'far', { subject: 'Offsite', start: new Date('2026-12-20T09:00:00Z'), end: new Date('2026-12-20T17:00:00Z') });
    const untouched = eventDoc(userKey, 'same', { subject: 'Untouched' });

    await syncRound(
      h.calbots[0]!,
      userKey,
      roundOf([
        [undefined, review],
        [standup, v2(standup, { start: new Date('2026-11-27T09:00:00Z'), end: new Date('2026-11-27T09:15:00Z') })],
        [lunch, v2(lunch, { location: 'Pizzeria' })],
        [retro, v2(retro, { isCancelled: true })],
        [untouched, untouched],
        [past, v2(past, { subject: 'Renamed, but over' })],
        [undefined, far],
      ]),
    );
    await h.connector.waitFor(4, (r) => r.conversationId === user.conversationId && !r.activity.text?.startsWith('Change notices are'));
    await settle();
    // In order of when each event now starts (the standup moved to Friday).
    expect(h.notices(user).map((n) => n.text)).toEqual([
      'Changed: Team lunch, Thu 26 Nov 12:00–13:00, location Canteen → Pizzeria',
      'New: Design review, Thu 26 Nov 14:00–15:00, Room 4',
      'Cancelled: Retro, Thu 26 Nov 16:00–17:00',
      'Moved: Standup, Thu 26 Nov 09:00 → Fri 27 Nov 10:00',
    ]);
    expect(h.notices(user)[0]!.activity.textFormat).toBe('plain');
    const stored = await h.store.collections.outbox.find({ userKey }).toArray();
    expect(stored.map((doc) => doc.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(stored.every((doc) => doc._id.startsWith(`${userKey}|`) && doc.attempts === 0)).toBe(true);
  });

  it('a replayed round, and the same round from two callers at once, notify once', async () => {
    const { user, userKey } = await chatUser();
    const review = eventDoc(userKey, 'review', tomorrow(13));
    const round = roundOf([[review, v2(review, { subject: 'Design sync' })]]);
    await Promise.all([
      syncRound(h.calbots[0]!, userKey, round),
      syncRound(h.calbots[0]!, userKey, round),
    ]);
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('Changed:') === true);
    await syncRound(h.calbots[0]!, userKey, round);
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Changed: Design review → Design sync, Thu 26 Nov 14:00–15:00']);
    expect(await h.store.collections.outbox.countDocuments({ userKey })).toBe(1);
  });

  it('the first round of a connection ends with one "Synced N events" line, once', async () => {
    const { user, userKey } = await chatUser();
    const many = roundOf(Array.from({ length: 30 }, (_, i) => [undefined, eventDoc(userKey, `e${i}`, tomorrow(10))] as [undefined, EventDoc]));
    await h.calbots[0]!.notices.onRoundComplete(userKey, { firstRound: true, totalEvents: 123, changeSet: many });
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text === 'Synced 123 events');
    await h.calbots[0]!.notices.onRoundComplete(userKey, { firstRound: true, totalEvents: 123, changeSet: many });
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Synced 123 events']);
  });

  it('more than five changes in a round: one summary card, ten rows and "and N more"', async () => {
    const { user, userKey } = await chatUser();
    const events = Array.from({ length: 12 }, (_, i) => eventDoc(userKey, `m${i}`, { subject: `Meeting ${String(i + 1).padStart(2, '0')}`, ...tomorrow(7 + i, 30) }));
    await syncRound(h.calbots[0]!, userKey, roundOf(events.map((e) => [undefined, e])));
    const [message] = await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.attachments !== undefined);
    await settle();
    expect(h.notices(user)).toHaveLength(1);
    const card = message!.activity.attachments![0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const json = JSON.stringify(card.content);
    expect(card.content.body[0].inlines[0].text).toBe('12 calendar changes');
    expect(card.content.body.filter((b: { type: string }) => b.type === 'ColumnSet')).toHaveLength(10);
    expect(json).toContain('Meeting 01, Thu 26 Nov 08:00–08:30, Room 4');
    expect(json).toContain('Meeting 10,');
    expect(json).not.toContain('Meeting 11');
    expect(json).toContain('and 2 more');
    expect(json).not.toContain('${');
    expect(message!.activity.summary).toBe('12 calendar changes');
    expect(await h.store.collections.outbox.countDocuments({ userKey, status: 'sent' })).toBe(12);
  });

  it('a round of several pages is sent when it completes: nine changes over three pages are one card', async () => {
    const { user, userKey } = await chatUser();
    const round = roundOf(Array.from({ length: 9 }, (_, i) => [undefined, eventDoc(userKey, `pg${i}`, { subject: `Paged ${i + 1}`, ...tomorrow(7 + i, 30) })] as [undefined, EventDoc]));
    for (let page = 0; page < 3; page++) {
      await h.calbots[0]!.notices.queueChanges(userKey, round.changes.slice(page * 3, page * 3 + 3));
      await h.calbots[0]!.notices.idle();
    }
    expect(h.notices(user)).toEqual([]); // the round is not complete: its later pages may hold more
    await h.calbots[0]!.notices.onRoundComplete(userKey, { changeSet: round, firstRound: false });
    await settle();
    expect(h.notices(user)).toHaveLength(1);
    expect(h.notices(user)[0]!.card.body[0].inlines[0].text).toBe('9 calendar changes');
  });

  it('the send job leaves a round under way alone (its sync lease held); a round that fails, it sends once the lease is gone', async () => {
    const { user, userKey } = await chatUser();
    const round = roundOf(Array.from({ length: 7 }, (_, i) => [undefined, eventDoc(userKey, `slow${i}`, { subject: `Slow ${i + 1}`, ...tomorrow(7 + i, 30) })] as [undefined, EventDoc]));
    // A round in another process whose pages come slowly (Graph throttling): its sync job holds the user's lease.
    const syncLease = await new Leases(h.store.collections.leases, 'another-process').acquire(syncLeaseKey(userKey), 60_000);
    expect(syncLease).toBeDefined();
    await h.calbots[0]!.notices.queueChanges(userKey, round.changes.slice(0, 3));
    h.clock.advance(10_000); // the first page's notices are no longer fresh
    await h.calbots[0]!.notices.sendDue();
    await h.calbots[0]!.notices.idle();
    expect(h.notices(user)).toEqual([]);

    await h.calbots[0]!.notices.queueChanges(userKey, round.changes.slice(3));
    await syncLease!.release(); // the round failed after its second page
    h.clock.advance(10_000);
    await h.calbots[0]!.notices.sendDue();
    await settle();
    expect(h.notices(user)).toHaveLength(1);
    expect(h.notices(user)[0]!.card.body[0].inlines[0].text).toBe('7 calendar changes');
  });

  it('a meeting moved from tomorrow into this morning is told: it is over, but the user expects it tomorrow', async () => {
    const { user, userKey } = await chatUser();
    const review = eventDoc(userKey, 'review', tomorrow(13));
    const thisMorning = { start: new Date('2026-11-25T08:00:00Z'), end: new Date('2026-11-25T09:00:00Z') }; // 09:00 Berlin; now is 13:00
    await syncRound(h.calbots[0]!, userKey, roundOf([[review, v2(review, thisMorning)]]));
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Moved: Design review, Thu 26 Nov 14:00 → Wed 25 Nov 09:00']);
  });

  it('on a channel that shows no cards, a summary card carries its rows as text too', async () => {
    const user = teamsUser('Tele Gram');
    const userKey = `telegram:${user.id}`;
    const response = await fetch(`http://127.0.0.1:${h.calbots[0]!.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsMessage('notify', user, h.connector.url, { channelId: 'telegram', channelData: {} })),
    });
    expect(response.status).toBeLessThan(300);
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId);
    const events = Array.from({ length: 7 }, (_, i) => eventDoc(userKey, `t${i}`, { subject: `Meeting ${i + 1}`, ...tomorrow(7 + i) }));
    await syncRound(h.calbots[0]!, userKey, roundOf(events.map((e) => [undefined, e])));
    const [message] = await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.attachments !== undefined);
    await settle();
    // It said "7 calendar changes" there (the card's summary), and nothing of what changed.
    expect(message!.activity.text).toBe(['7 calendar changes', ...events.map((_, i) => `New: Meeting ${i + 1}, Thu 26 Nov ${String(8 + i).padStart(2, '0')}:00–${String(9 + i).padStart(2, '0')}:00, Room 4`)].join('\n'));
    expect(message!.activity.textFormat).toBe('plain');
    expect(message!.activity.attachments![0]!.content.body[0].inlines[0].text).toBe('7 calendar changes');
  });

  it('exactly five changes are five messages (the card starts at six)', async () => {
    const { user, userKey } = await chatUser();
    const events = Array.from({ length: 5 }, (_, i) => eventDoc(userKey, `f${i}`, { subject: `Focus ${i + 1}`, ...tomorrow(8 + i) }));
    await syncRound(h.calbots[0]!, userKey, roundOf(events.map((e) => [undefined, e])));
    await h.connector.waitFor(5, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('New: Focus') === true);
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual([1, 2, 3, 4, 5].map((i) => `New: Focus ${i}, Thu 26 Nov ${String(8 + i).padStart(2, '0')}:00–${String(9 + i).padStart(2, '0')}:00, Room 4`));
  });

  it('uses the zone the user chose with "timezone" over the Teams client zone', async () => {
    const { user, userKey } = await chatUser();
    await h.say('timezone America/New_York', user);
    const review = eventDoc(userKey, 'review', tomorrow(13));
    await syncRound(h.calbots[0]!, userKey, roundOf([[undefined, review]]));
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('New:') === true);
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['New: Design review, Thu 26 Nov 08:00–09:00, Room 4']);
  });

  it('connector 500, then 200: delivered once, after a retry', async () => {
    const { user, userKey } = await chatUser();
    const review = eventDoc(userKey, 'review', tomorrow(13));
    // The connector client retries a 500 three times itself; the fourth failure reaches calbot's outbox retry.
    h.connector.failNext(500, 4);
    await syncRound(h.calbots[0]!, userKey, roundOf([[review, v2(review, { isCancelled: true })]]));
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('Cancelled:') === true, 20_000);
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Cancelled: Design review, Thu 26 Nov 14:00–15:00']);
    const [doc] = await h.store.collections.outbox.find({ userKey }).toArray();
    expect(doc).toMatchObject({ status: 'sent' });
    expect(doc!.attempts).toBe(1);
  });

  it('connector 404: the conversation is marked dead, the notice dropped, no retries; writing again resumes notices', async () => {
    const { user, userKey } = await chatUser();
    const review = eventDoc(userKey, 'review', tomorrow(13));
    h.connector.failNext(404, 1);
    await syncRound(h.calbots[0]!, userKey, roundOf([[undefined, review]]));
    await h.calbots[0]!.notices.idle();
    expect(await h.store.collections.chatUsers.findOne({ _id: userKey })).toMatchObject({ conversationDead: true });
    const [dropped] = await h.store.collections.outbox.find({ userKey }).toArray();
    expect(dropped).toMatchObject({ status: 'dead', attempts: 1, payload: { deadReason: 'conversation-gone' } });

    // While dead, a new change is dropped without a call to the connector (which would now deliver it).
    await syncRound(h.calbots[0]!, userKey, roundOf([[review, v2(review, { subject: 'Renamed' })]]));
    await settle();
    expect(await h.store.collections.outbox.countDocuments({ userKey, status: 'dead' })).toBe(2);
    expect(h.notices(user)).toEqual([]);

    await h.say('notify', user); // the user is back: rememberChatUser revives the conversation
    const renamed = v2(review, { subject: 'Renamed' });
    await syncRound(h.calbots[0]!, userKey, roundOf([[renamed, { ...renamed, etag: 'W/"3"', location: 'Room 9' }]]));
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('Changed:') === true);
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Changed: Renamed, Thu 26 Nov 14:00–15:00, location Room 4 → Room 9']);
  });

  it('"notify off": nothing is queued or sent; "notify on" resumes', async () => {
    const { user, userKey } = await chatUser();
    expect(await h.say('notify off', user)).toEqual(['Change notices are off. Say "notify on" to get them again.']);
    const review = eventDoc(userKey, 'review', tomorrow(13));
    await syncRound(h.calbots[0]!, userKey, roundOf([[undefined, review]]));
    await settle();
    expect(await h.store.collections.outbox.countDocuments({ userKey })).toBe(0);
    expect(h.notices(user)).toEqual([]);

    expect((await h.say('notify on', user))[0]).toMatch(/^Change notices are on: I'll tell you here when a meeting in the next 14 days/);
    await syncRound(h.calbots[0]!, userKey, roundOf([[review, v2(review, { isCancelled: true })]]));
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('Cancelled:') === true);
    await settle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['Cancelled: Design review, Thu 26 Nov 14:00–15:00']);
  });

  it('an empty round says nothing', async () => {
    const { user, userKey } = await chatUser();
    await syncRound(h.calbots[0]!, userKey, emptyChangeSet());
    await settle();
    expect(h.notices(user)).toEqual([]);
  });

  it('"help" lists the notice commands', async () => {
    const [help] = await h.say('help', teamsUser());
    expect(help).toContain('**notify on / notify off**');
    expect(help).toContain('**quiet hours 22:00-07:00**');
  });

  it('two calbot processes on one database, both sending: every notice exactly once', async () => {
    if (h.calbots.length < 2) await h.startAnother();
    const [a, b] = h.calbots as [(typeof h.calbots)[number], (typeof h.calbots)[number]];
    const users = await Promise.all([chatUser('One'), chatUser('Two'), chatUser('Three')]);
    const rounds = users.map(({ userKey }, u) =>
      roundOf(Array.from({ length: u === 0 ? 8 : 3 }, (_, i) => [undefined, eventDoc(userKey, `p${i}`, { subject: `Planning ${i}`, ...tomorrow(8 + i) })] as [undefined, EventDoc])),
    );
    await Promise.all(
      users.flatMap(({ userKey }, u) => [
        syncRound(a, userKey, rounds[u]!),
        syncRound(b, userKey, rounds[u]!),
        a.notices.sendDue(),
        b.notices.sendDue(),
      ]),
    );
    await settle();
    for (const [u, { user, userKey }] of users.entries()) {
      const received = h.notices(user);
      const texts = received.flatMap((n) => (n.text ? [n.text] : (n.card.body as { type: string; columns?: any[] }[]).filter((x) => x.type === 'ColumnSet').map((x) => x.columns![1].items[0].inlines[0].text as string)));
      const expected = u === 0 ? 8 : 3;
      expect(texts).toHaveLength(expected);
      expect(new Set(texts).size).toBe(expected);
      // Not split between the processes either: eight changes are one card, three are three messages.
      expect(received).toHaveLength(u === 0 ? 1 : 3);
      expect(await h.store.collections.outbox.countDocuments({ userKey, status: 'sent' })).toBe(expected);
    }
  });
});

/** Failures that last: the clock moves by hours here, so these run on a calbot (and a database) of their own. */
describe('change notices when the Bot Connector fails for long', () => {
  const HOUR = 3_600_000;
  let h: NoticeHarness;
  beforeAll(async () => {
    // Backoff from a minute, so the send job's own passes never retry between the test's steps.
    h = await startNoticeHarness('notices_failing', { retryBaseMs: 60_000, claimRenewMs: 100 });
  });
  afterAll(async () => {
    await h.close();
  });

  const chatUser = (name: string) => chatUserOf(h, name);
  const nextWeek = (day: number): Pick<EventDoc, 'start' | 'end'> => ({ start: new Date(Date.UTC(2026, 11, day, 9)), end: new Date(Date.UTC(2026, 11, day, 10)) });
  /** Polls until `check` holds (true) or `give up` does (false). */
  async function until(check: () => Promise<boolean>, giveUp: () => boolean): Promise<boolean> {
    for (;;) {
      if (await check()) return true;
      if (giveUp()) return false;
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  it('an outage of hours (503): retried with the backoff capped at 15 minutes, and delivered once it ends', async () => {
    const { user, userKey } = await chatUser('Patient');
    const calbot = h.calbots[0]!;
    // Twelve sends of four connector calls each (the client retries a 503 three times, here at once: Retry-After 0).
    h.connector.failNext(503, 4 * 12, { 'Retry-After': '0' });
    await syncRound(calbot, userKey, roundOf([[undefined, eventDoc(userKey, 'offsite', { subject: 'Offsite', ...nextWeek(3) })]]));
    await calbot.notices.idle();
    for (let step = 0; step < 20 && h.notices(user).length === 0; step++) {
      h.clock.advance(15 * 60_000);
      await calbot.notices.sendDue();
      await calbot.notices.idle();
    }
    expect(h.notices(user).map((n) => n.text)).toEqual(['New: Offsite, Thu 3 Dec 10:00–11:00, Room 4']);
    const doc = await h.store.collections.outbox.findOne({ userKey });
    expect(doc).toMatchObject({ status: 'sent', attempts: 12 });
    const failingSince = (doc!.payload as { failingSince: Date }).failingSince;
    expect(doc!.sentAt!.getTime() - failingSince.getTime()).toBeGreaterThan(2.5 * HOUR);
  });

  it('gives up on a notice the connector keeps failing for longer than a day, with the reason stored', async () => {
    const { user, userKey } = await chatUser('Given Up');
    const calbot = h.calbots[0]!;
    h.connector.failNext(503, 4 * 2, { 'Retry-After': '0' });
    await syncRound(calbot, userKey, roundOf([[undefined, eventDoc(userKey, 'board', { subject: 'Board', ...nextWeek(7) })]]));
    await calbot.notices.idle();
    expect(await h.store.collections.outbox.findOne({ userKey })).toMatchObject({ status: 'pending', attempts: 1 });
    h.clock.advance(25 * HOUR);
    await calbot.notices.sendDue();
    await calbot.notices.idle();
    const doc = await h.store.collections.outbox.findOne({ userKey });
    expect(doc).toMatchObject({ status: 'dead', attempts: 2, payload: { deadReason: 'gave up after 2 attempts in 25 h (last: 503)' } });
    expect(h.notices(user)).toEqual([]);
  });

  it('a send the connector holds up keeps its claim and lease: another process sends nothing meanwhile, and its claim alone keeps it off once the lease is gone', async () => {
    if (h.calbots.length < 2) await h.startAnother();
    const [a, b] = h.calbots as [(typeof h.calbots)[number], (typeof h.calbots)[number]];
    const { user, userKey } = await chatUser('Held Up');
    // A slow connector (or one whose Retry-After the client waits out in-line): A's send is not answered until the
    // test says so, so everything below happens while it is under way, however fast or slow the machine.
    const hold = h.connector.holdNext(user.conversationId);
    await syncRound(a, userKey, roundOf([[undefined, eventDoc(userKey, 'retro', { subject: 'Retro', ...nextWeek(8) })]]));
    await hold.held;
    const outbox = h.store.collections.outbox;
    const leaseKey = `notices|${userKey}`;
    // Twice just short of a claim's two minutes: without renewals, claim and lease would have lapsed by now.
    for (let step = 0; step < 2; step++) {
      h.clock.advance(110_000);
      const renewed = async () => {
        const claim = await outbox.findOne({ userKey });
        const lease = await h.store.collections.leases.findOne({ key: leaseKey });
        const soon = h.clock.now().getTime() + 60_000;
        return claim!.claimedUntil!.getTime() > soon && lease!.expiresAt.getTime() > soon;
      };
      expect(await until(renewed, () => false)).toBe(true);
    }
    await b.notices.sendDue(); // the send job's pass in the other process
    await b.notices.idle();
    expect(h.notices(user)).toEqual([]);
    // Exactly-once does not rest on the lease (see Outbox.claim): with A's lease gone (as when its renewal failed
    // and it lapsed), B may take the user, and A's claim alone must keep the notice from being sent again.
    await h.store.collections.leases.deleteOne({ key: leaseKey });
    h.clock.advance(10_000); // a later pass of B's send job: anything released is no longer fresh
    await b.notices.sendDue();
    await b.notices.idle();
    expect(h.notices(user)).toEqual([]);
    expect(await outbox.findOne({ userKey })).toMatchObject({ status: 'sending', attempts: 0 });

    hold.release();
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('New: Retro') === true);
    await a.notices.idle();
    await b.notices.sendDue();
    await b.notices.idle();
    expect(h.notices(user).map((n) => n.text)).toEqual(['New: Retro, Tue 8 Dec 10:00–11:00, Room 4']);
    expect(await outbox.findOne({ userKey })).toMatchObject({ status: 'sent', attempts: 0 });
  }, 30_000);
});
