import type { EventDoc } from '../../src/store/collections.js';
import { chatUserOf, eventDoc, roundOf, startNoticeHarness, syncRound, type NoticeHarness } from './notice-harness.js';

const tomorrow = (hourUtc: number): Pick<EventDoc, 'start' | 'end'> => ({ start: new Date(Date.UTC(2026, 10, 26, hourUtc)), end: new Date(Date.UTC(2026, 10, 26, hourUtc + 1)) });

/**
 * A Bot Connector that takes a notice's request and never answers it (a hung proxy, a connection whose packets are
 * dropped): real calbot, Agenda and sender, the fake connector holding the request open. Sends give up after 1 s here
 * (60 s by default).
 */
describe('change notices when the Bot Connector never answers a send', () => {
  let h: NoticeHarness;
  beforeAll(async () => {
    h = await startNoticeHarness('notices_hang', { sendTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('the send is given up and the notice retried, not held for good while its claim is renewed', async () => {
    const { user, userKey } = await chatUserOf(h, 'Hana Hung');
    const hung = h.connector.holdNext(user.conversationId);
    await syncRound(h.calbots[0]!, userKey, roundOf([[undefined, eventDoc(userKey, 'review', tomorrow(13))]]));
    await hung.held;
    try {
      // Retried while the first request is still unanswered: delivered by the retry.
      await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('New:') === true, 20_000);
      await h.calbots[0]!.notices.idle();
      const [doc] = await h.store.collections.outbox.find({ userKey }).toArray();
      expect(doc).toMatchObject({ status: 'sent', attempts: 1 });
    } finally {
      hung.release();
    }
  });
});
