import { eventDoc, roundOf, startNoticeHarness, syncRound, type NoticeHarness, type TeamsUser, chatUserOf } from './notice-harness.js';
import type { EventDoc } from '../../src/store/collections.js';

/**
 * Teams' per-conversation limits (7 sends a second, 8 in two, 60 in 30, 1,800 an hour), enforced by the fake Bot
 * Connector itself: a send beyond them is answered 429 with Retry-After, as Teams answers it. Real calbot
 * (botbuilder's connector client, the outbox on the test database, the sender's own pacing) sends a burst of
 * notices into one conversation: several rounds in a row, each a few changes, so each change is a message of its
 * own. calbot paces them (ConversationRateLimit); a send path that did not would be refused here.
 */

const ROUNDS = 3;
const PER_ROUND = 5; // the most a round sends as messages of their own (more are one summary card)

describe('a burst of change notices into one conversation, within Teams\' per-conversation limits', () => {
  let h: NoticeHarness;
  beforeAll(async () => {
    h = await startNoticeHarness('notices_rate_limit');
  });
  afterAll(async () => {
    await h.close();
  });

  const chatUser = (name: string) => chatUserOf(h, name);
  /** Rounds of PER_ROUND new events each, one after the other as sync rounds come; their notices' subjects, in order. */
  async function burst(userKey: string, rounds: number): Promise<string[]> {
    const calbot = h.calbots[0]!;
    const subjects: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const events: EventDoc[] = Array.from({ length: PER_ROUND }, (_, i) => {
        const n = round * PER_ROUND + i + 1;
        subjects.push(`Burst ${String(n).padStart(2, '0')}`);
        return eventDoc(userKey, `burst${n}`, { subject: subjects.at(-1)!, start: new Date(Date.UTC(2026, 10, 26, 7, n * 20)), end: new Date(Date.UTC(2026, 10, 26, 7, n * 20 + 15)) });
      });
      await syncRound(calbot, userKey, roundOf(events.map((event) => [undefined, event])));
      await calbot.notices.idle(); // each round's own pass: five messages
    }
    return subjects;
  }
  const subjectsSent = (user: TeamsUser) => h.notices(user).map((n) => /^New: (Burst \d+),/.exec(n.text ?? '')?.[1] ?? n.text);
  const refusedIn = (user: TeamsUser) => h.connector.refused.filter((r) => r.conversationId === user.conversationId);

  it('fifteen notices from three rounds in a row all arrive, in order, and not one is refused', async () => {
    const { user, userKey } = await chatUser('Ada Busy');
    h.connector.limitConversations(); // from here on: the burst alone is measured against the limits
    const subjects = await burst(userKey, ROUNDS);
    expect(subjectsSent(user)).toEqual(subjects);
    expect(refusedIn(user)).toEqual([]);
    const stored = await h.store.collections.outbox.find({ userKey }).toArray();
    expect(stored.map((doc) => [doc.status, doc.attempts])).toEqual(subjects.map(() => ['sent', 0]));
  }, 60_000);

  it("right after a reply in the same conversation (calbot's pacing counts notices only), a refused send is waited out in-line and the burst still arrives whole, in order", async () => {
    h.connector.limitConversations(); // the user's message and calbot's reply count too
    const { user, userKey } = await chatUser('Bob Busy');
    const subjects = await burst(userKey, 2);
    expect(subjectsSent(user)).toEqual(subjects);
    // Any refusal was Teams' 429, and the connector client's in-line wait for its Retry-After got the send through:
    // no notice had to wait for the outbox's retry.
    expect(refusedIn(user).every((r) => r.status === 429)).toBe(true);
    const stored = await h.store.collections.outbox.find({ userKey }).toArray();
    expect(stored.map((doc) => [doc.status, doc.attempts])).toEqual(subjects.map(() => ['sent', 0]));
  }, 60_000);
});
