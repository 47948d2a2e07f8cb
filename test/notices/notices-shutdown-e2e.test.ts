import { eventDoc, roundOf, startNoticeHarness, syncRound, type NoticeHarness, type TeamsUser, chatUserOf } from './notice-harness.js';
import { ConnectorSend } from '../../src/chat/connector-retry-after.js';
import { UNCONFIRMED } from '../../src/notices/notice-service.js';
import type { EventDoc, OutboxDoc } from '../../src/store/collections.js';

/**
 * Stopping calbot while it sends change notices, then another calbot on the same database: what the stopped one
 * did not send must go out at once from the other (not after its claims lapse, two minutes later), and what it
 * may have sent must never go out twice (the Bot Connector has no idempotency key). Real calbots (botbuilder's
 * connector client, the outbox on the test database, stop() as SIGTERM runs it) and the fake connector, which
 * holds or refuses a send so that "mid-send" needs no clock.
 */

const tomorrow = (hourUtc: number): Pick<EventDoc, 'start' | 'end'> => ({ start: new Date(Date.UTC(2026, 10, 26, hourUtc)), end: new Date(Date.UTC(2026, 10, 26, hourUtc, 30)) });
const SUBJECTS = ['Standup', 'Review', 'Retro']; // in order of start: three messages of their own
const GRACE_MS = 1_000; // a send under way is given up after two thirds of it

/** Polls (no clock involved) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((done) => setTimeout(done, 20));
}

describe('stopping calbot while it sends change notices', () => {
  let h: NoticeHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const chatUser = chatUserOf;
  const round = (userKey: string) => roundOf(SUBJECTS.map((subject, i) => [undefined, eventDoc(userKey, subject.toLowerCase(), { subject, ...tomorrow(8 + 2 * i) })]));
  const subjectsSent = (harness: NoticeHarness, user: TeamsUser) => harness.notices(user).map((n) => /^New: (\w+),/.exec(n.text ?? '')?.[1] ?? n.text);
  /** The user's notices in the outbox, in the order of SUBJECTS. */
  const stored = async (harness: NoticeHarness, userKey: string): Promise<OutboxDoc[]> => {
    const docs = await harness.store.collections.outbox.find({ userKey }).toArray();
    return SUBJECTS.map((subject) => docs.find((doc) => String(doc.payload.text).startsWith(`New: ${subject},`))!);
  };

  it('what a connector send knows when given up: "not-delivered" between two attempts (and it makes no further one), "unknown" with its request out, "delivered" once answered', async () => {
    h = await startNoticeHarness('notices_stop_send');
    const { user, userKey } = await chatUser(h, 'Ann Attempts');
    const reference = (await h.store.collections.chatUsers.findOne({ _id: userKey }))!.conversationReference;
    const proactive = h.calbots[0]!.proactive;
    const refusals = () => h!.connector.refused.filter((r) => r.conversationId === user.conversationId).length;

    // Refused with a Retry-After the connector client waits out in-line: given up while it waits.
    h.connector.failNext(429, 1, { 'Retry-After': '3' }, user.conversationId);
    const waiting = new ConnectorSend();
    const refusedOnce = waiting.run(() => proactive.sendToReference(reference, 'one'));
    // The connector counts the refusal as it answers; the client has it once it knows the Retry-After.
    await until(() => refusals() === 1 && waiting.retryAfterLeftMs() > 0);
    expect(waiting.giveUp()).toBe('not-delivered');
    expect(waiting.retryAfterLeftMs()).toBeGreaterThan(0);
    await expect(refusedOnce).rejects.toThrow('send given up before its next attempt');
    expect(refusals()).toBe(1);

    // Out, and not answered yet: it may arrive (here it does, once released).
    const hold = h.connector.holdNext(user.conversationId);
    const out = new ConnectorSend();
    const unanswered = out.run(() => proactive.sendToReference(reference, 'two'));
    await hold.held;
    expect(out.giveUp()).toBe('unknown');
    hold.release();
    await unanswered;

    const answered = new ConnectorSend();
    await answered.run(() => proactive.sendToReference(reference, 'three'));
    expect(answered.giveUp()).toBe('delivered');
    expect(h.notices(user).map((n) => n.text)).toEqual(['two', 'three']);
  }, 30_000);

  it('a send held at the connector when stop() is out of time is marked unconfirmed and never sent again; the notices behind it go back to the outbox, and another calbot sends them at once, in order', async () => {
    h = await startNoticeHarness('notices_stop_held');
    const [a, b] = [h.calbots[0]!, await h.startAnother()];
    const { user, userKey } = await chatUser(h, 'Ben Held');
    const hold = h.connector.holdNext(user.conversationId);
    await syncRound(a, userKey, round(userKey));
    await hold.held; // A's first message is out, and gets no answer

    await a.stop({ graceMs: GRACE_MS });
    const stopped = h.clock.now().getTime();
    const [first, ...rest] = await stored(h, userKey);
    expect(first).toMatchObject({ status: 'dead', attempts: 1, payload: { deadReason: UNCONFIRMED } });
    // Not sent, known: pending again as they were, due already (not when their claims would have lapsed).
    expect(rest.map((doc) => [doc.status, doc.attempts])).toEqual([['pending', 0], ['pending', 0]]);
    expect(rest.every((doc) => doc.nextAttemptAt.getTime() <= stopped)).toBe(true);
    expect(await h.store.collections.leases.findOne({ key: `notices|${userKey}` })).toBeNull();

    hold.release(); // the connector had it all along: the user got it
    await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('New: Standup') === true);
    await b.notices.sendDue(userKey);
    await b.notices.idle();
    expect(subjectsSent(h, user)).toEqual(SUBJECTS);
    // Long after a claim would have lapsed, the send job's pass finds nothing more to send: no notice twice.
    h.clock.advance(3 * 60_000);
    await b.notices.sendDue();
    await b.notices.idle();
    expect(subjectsSent(h, user)).toEqual(SUBJECTS);
    expect((await stored(h, userKey)).map((doc) => doc.status)).toEqual(['dead', 'sent', 'sent']);
  }, 30_000);

  it('a send the connector refused, waiting in-line for its Retry-After when stop() is out of time, goes back to the outbox with the rest, due when the connector asked; another calbot sends them then, in order, once', async () => {
    h = await startNoticeHarness('notices_stop_refused');
    const [a, b] = [h.calbots[0]!, await h.startAnother()];
    const { user, userKey } = await chatUser(h, 'Cat Refused');
    // Five seconds: the longest the connector client waits out in-line, far longer than stop() waits here.
    h.connector.failNext(429, 1, { 'Retry-After': '5' }, user.conversationId);
    await syncRound(a, userKey, round(userKey));
    await until(() => h!.connector.refused.some((r) => r.conversationId === user.conversationId));
    const refusedAt = h.connector.refused.at(-1)!.receivedAt.getTime() + (h.clock.now().getTime() - Date.now());

    await a.stop({ graceMs: GRACE_MS });
    const docs = await stored(h, userKey);
    expect(docs.map((doc) => [doc.status, doc.attempts])).toEqual(SUBJECTS.map(() => ['pending', 0]));
    // No sooner than the connector asked (on calbot's clock), and all three then: the first keeps its place.
    const due = docs[0]!.nextAttemptAt.getTime();
    expect(due).toBeGreaterThanOrEqual(refusedAt + 5_000 - 50);
    expect(docs.map((doc) => doc.nextAttemptAt.getTime())).toEqual([due, due, due]);

    await b.notices.sendDue(userKey);
    await b.notices.idle();
    expect(h.notices(user)).toEqual([]); // not yet due
    h.clock.advance(5_000);
    await b.notices.sendDue(userKey);
    await b.notices.idle();
    expect(subjectsSent(h, user)).toEqual(SUBJECTS);
    expect((await stored(h, userKey)).map((doc) => doc.status)).toEqual(['sent', 'sent', 'sent']);
  }, 30_000);
});
