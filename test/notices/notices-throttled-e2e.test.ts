import { eventDoc, roundOf, startNoticeHarness, syncRound, type NoticeHarness, type TeamsUser, chatUserOf } from './notice-harness.js';
import type { EventDoc } from '../../src/store/collections.js';

/**
 * One conversation throttled for long: the Bot Connector answers a send to it 429 (or 503) with Retry-After:
 * 120, as Teams does for a conversation over its limits. Real calbot (botbuilder's connector client, the Agenda
 * send job, the outbox on the test database) and the fake connector throttling that conversation only. The
 * send job's pass must not wait those two minutes out (and hold up everyone's notices behind it): that user's
 * notices come back no sooner than the connector asked, and the others' go out meanwhile.
 */

const at = (day: number, hourUtc: number): Pick<EventDoc, 'start' | 'end'> => ({ start: new Date(Date.UTC(2026, 10, day, hourUtc)), end: new Date(Date.UTC(2026, 10, day, hourUtc + 1)) });
const WAIT = 120_000;

describe('change notices when the Bot Connector throttles one conversation', () => {
  let h: NoticeHarness;
  beforeAll(async () => {
    h = await startNoticeHarness('notices_throttled');
  });
  afterAll(async () => {
    await h.close();
  });

  const chatUser = (name: string) => chatUserOf(h, name);
  /** Polls (no clock involved) until `check` holds. */
  async function until(check: () => boolean | Promise<boolean>): Promise<void> {
    while (!(await check())) await new Promise((done) => setTimeout(done, 20));
  }
  const refusedIn = (user: TeamsUser) => h.connector.refused.filter((r) => r.conversationId === user.conversationId);

  it("a long Retry-After for one conversation is not waited out: the send job goes on with the others' notices, and that user's come back after it", async () => {
    const calbot = h.calbots[0]!;
    const ada = await chatUser('Ada Throttled');
    const bob = await chatUser('Bob Waiting');
    const outbox = h.store.collections.outbox;
    h.connector.failNext(429, 1, { 'Retry-After': '120' }, ada.user.conversationId);

    // Both users' rounds failed after queueing their pages: their notices are the send job's to send.
    await calbot.notices.queueChanges(ada.userKey, roundOf([[undefined, eventDoc(ada.userKey, 'review', at(26, 13))]]).changes);
    h.clock.advance(10_000); // no longer fresh: the job's next pass takes it
    const asked = h.clock.now().getTime();
    await until(() => refusedIn(ada.user).length > 0); // the job's pass met the 429
    await calbot.notices.queueChanges(bob.userKey, roundOf([[undefined, eventDoc(bob.userKey, 'standup', { subject: 'Standup', ...at(26, 8) })]]).changes);
    h.clock.advance(10_000);

    // Waiting the two minutes out in-line, the job's pass would hold Bob's notice (and everyone's) behind Ada's.
    await h.connector.waitFor(1, (r) => r.conversationId === bob.user.conversationId && r.activity.text?.startsWith('New: Standup') === true, 30_000);
    expect(h.notices(bob.user).map((n) => n.text)).toEqual(['New: Standup, Thu 26 Nov 09:00–10:00, Room 4']);
    await until(async () => (await outbox.findOne({ userKey: ada.userKey }))?.status === 'pending');
    const throttled = (await outbox.findOne({ userKey: ada.userKey }))!;
    // One call, no retries in-line; a failure the connector recovers from (counted, within the day's retries),
    // due again no sooner than the connector asked.
    expect(refusedIn(ada.user).map((r) => r.status)).toEqual([429]);
    expect(throttled).toMatchObject({ status: 'pending', attempts: 1 });
    expect(throttled.payload.failingSince).toBeInstanceOf(Date);
    expect(throttled.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(asked + WAIT);
    expect(throttled.nextAttemptAt.getTime()).toBeLessThanOrEqual(h.clock.now().getTime() + WAIT);

    // A round of Ada's meanwhile: the connector asked calbot not to write to her conversation yet, so its notice
    // waits with the first one (no attempt counted) rather than overtake it or be refused again.
    await syncRound(calbot, ada.userKey, roundOf([[undefined, eventDoc(ada.userKey, 'lunch', { subject: 'Team lunch', ...at(26, 11) })]]));
    await calbot.notices.idle();
    await calbot.notices.sendDue();
    expect(refusedIn(ada.user)).toHaveLength(1);
    expect(h.notices(ada.user)).toEqual([]);
    const waiting = await outbox.find({ userKey: ada.userKey }).toArray();
    expect(waiting.map((doc) => [doc.status, doc.attempts, doc.nextAttemptAt.getTime()])).toEqual([
      ['pending', 1, throttled.nextAttemptAt.getTime()],
      ['pending', 0, throttled.nextAttemptAt.getTime()],
    ]);

    h.clock.advance(WAIT); // the Retry-After has passed: the send job sends both, in order of start
    await h.connector.waitFor(2, (r) => r.conversationId === ada.user.conversationId && r.activity.text?.startsWith('New:') === true, 30_000);
    await calbot.notices.idle();
    expect(h.notices(ada.user).map((n) => n.text)).toEqual(['New: Team lunch, Thu 26 Nov 12:00–13:00, Room 4', 'New: Design review, Thu 26 Nov 14:00–15:00, Room 4']);
    expect((await outbox.find({ userKey: ada.userKey }).toArray()).map((doc) => doc.status)).toEqual(['sent', 'sent']);
  }, 60_000);

  it('a short Retry-After is waited out in-line, three times; refused a fourth time, the notice is due again no sooner than the last one asked', async () => {
    const calbot = h.calbots[0]!;
    const dee = await chatUser('Dee Briefly Throttled');
    h.connector.failNext(429, 4, { 'Retry-After': '2' }, dee.user.conversationId);
    await syncRound(calbot, dee.userKey, roundOf([[undefined, eventDoc(dee.userKey, 'sync', { subject: 'Weekly sync', ...at(27, 10) })]]));
    await calbot.notices.idle();
    const doc = (await h.store.collections.outbox.findOne({ userKey: dee.userKey }))!;
    expect(refusedIn(dee.user).map((r) => r.status)).toEqual([429, 429, 429, 429]);
    expect(doc).toMatchObject({ status: 'pending', attempts: 1 });
    // The last refusal's two seconds count from then (on calbot's clock; the test did not move it), not the
    // harness's backoff of 300 ms.
    const lastRefused = refusedIn(dee.user)[3]!.receivedAt.getTime() + (h.clock.now().getTime() - Date.now());
    expect(doc.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(lastRefused + 2_000 - 50);
    await h.connector.waitFor(1, (r) => r.conversationId === dee.user.conversationId && r.activity.text?.startsWith('New: Weekly sync') === true, 30_000);
  }, 60_000);

  it('a 503 with a Retry-After date is honoured the same way', async () => {
    const calbot = h.calbots[0]!;
    const cy = await chatUser('Cy Unavailable');
    // Read before the date is made: a read after it may be a millisecond on, and the date has lost its milliseconds
    // (made at 12:00:00.999, it says 12:02:00, 999 ms short of asked + WAIT: a read at 12:00:01.000 leaves nothing over).
    const asked = h.clock.now().getTime();
    h.connector.failNext(503, 1, { 'Retry-After': new Date(Date.now() + WAIT).toUTCString() }, cy.user.conversationId);
    await syncRound(calbot, cy.userKey, roundOf([[undefined, eventDoc(cy.userKey, 'retro', { subject: 'Retro', ...at(27, 9) })]]));
    await calbot.notices.idle();
    const doc = (await h.store.collections.outbox.findOne({ userKey: cy.userKey }))!;
    expect(refusedIn(cy.user).map((r) => r.status)).toEqual([503]);
    expect(doc).toMatchObject({ status: 'pending', attempts: 1 });
    // An HTTP date says whole seconds: up to one less than asked.
    expect(doc.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(asked + WAIT - 1_000);
    expect(h.notices(cy.user)).toEqual([]);
  }, 60_000);

  it("a chat turn's reply throttled for longer than a notice would wait is sent late, not lost (it has no outbox to come back from)", async () => {
    const eve = await chatUser('Eve Replied Late');
    // Longer than MAX_INLINE_RETRY_AFTER_MS (5 s): a notice send would hand it back; a reply waits it out.
    h.connector.failNext(429, 1, { 'Retry-After': '6' }, eve.user.conversationId);
    const [reply] = await h.say('help', eve.user);
    expect(reply).toMatch(/^Here's what I can do:/);
    const refused = refusedIn(eve.user);
    expect(refused.map((r) => r.status)).toEqual([429]);
    const delivered = h.connector.messages(eve.user.conversationId).at(-1)!;
    expect(delivered.receivedAt.getTime() - refused[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(6_000 - 50);
  }, 60_000);
});
