import { MongoClient } from 'mongodb';
import { collections as collectionsOf } from '../../src/store/collections.js';
import { Outbox, type NewNotice } from '../../src/notices/outbox.js';
import { openTestDatabase } from '../support/database.js';
import type { Store } from '../../src/store/database.js';
import { startNoticeHarness, teamsUser, userKeyOf } from './notice-harness.js';

/** The outbox's guarantees on the real database (FerretDB in the test run), from several clients at once. */
describe('outbox', () => {
  let store: Store;
  let other: MongoClient;
  let outboxes: Outbox[];
  beforeAll(async () => {
    store = await openTestDatabase('outbox');
    // A second driver connection: another calbot process, as far as the database can tell.
    other = await MongoClient.connect(process.env.CALBOT_TEST_MONGODB_URI!);
    outboxes = [new Outbox(store.collections), new Outbox(collectionsOf(other.db(store.db.databaseName)))];
  });
  afterAll(async () => {
    await other.close();
    await store.close();
  });

  const notice = (id: string): NewNotice => ({ _id: id, userKey: 'u', kind: 'added', payload: { text: `New: ${id}` } });

  it('enqueues a notice once, however many times and from however many clients', async () => {
    const inserted = await Promise.all(Array.from({ length: 10 }, (_, i) => outboxes[i % 2]!.enqueue(notice('u|E1|fp'), new Date())));
    expect(inserted.filter(Boolean)).toHaveLength(1);
    expect(await store.collections.outbox.countDocuments({ _id: 'u|E1|fp' })).toBe(1);
  });

  it('gives each attempt of a notice to exactly one of many concurrent claimers', async () => {
    for (let round = 0; round < 10; round++) {
      const id = `u|race${round}|fp`;
      await outboxes[0]!.enqueue(notice(id), new Date(Date.now() - 1000));
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => outboxes[i % 2]!.claim(id, new Date(), 60_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
  });

  it('a retried notice is claimable again, once; a claimer working from the old state is refused', async () => {
    const id = 'u|retry|fp';
    await outboxes[0]!.enqueue(notice(id), new Date(Date.now() - 1000));
    const first = await outboxes[0]!.claim(id, new Date(), 60_000);
    await outboxes[0]!.retryAt(first!, new Date(Date.now() - 1), true);
    const [a, b] = await Promise.all([outboxes[0]!.claim(id, new Date(), 60_000), outboxes[1]!.claim(id, new Date(), 60_000)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((a ?? b)!.attempts).toBe(1);
  });

  it('a claim whose sender stopped before marking the notice sending is moved past once older than a claim lasts, by one claimer', async () => {
    const id = 'u|half-claimed|fp';
    const queued = new Date(Date.now() - 1000);
    await outboxes[0]!.enqueue(notice(id), queued);
    // The first of claim's two writes; its sender died (or the second write failed) before status 'sending'.
    await store.collections.noticeClaims.insertOne({ _id: `${id}|0`, outboxId: id, claimedAt: queued });
    // Within a claim's time it may be a live sender about to write 'sending'.
    expect(await outboxes[1]!.claim(id, new Date(queued.getTime() + 30_000), 60_000)).toBeUndefined();
    const later = new Date(queued.getTime() + 61_000);
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => outboxes[i % 2]!.claim(id, later, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.collections.outbox.findOne({ _id: id })).toMatchObject({ status: 'sending', payload: { claimSeq: 1 } });
  });
});

describe('a sender that stops between claim and send', () => {
  it('leaves a claim that expires; the next pass sends the notice, once; also when it stopped mid-claim', async () => {
    const h = await startNoticeHarness('crash');
    try {
      const user = teamsUser();
      const userKey = userKeyOf(user);
      await h.say('notify', user);
      // A process that claimed this notice and died: its claim (one minute) is all that is left of it.
      const crashed = new Outbox(h.store.collections);
      await h.store.collections.outbox.insertOne({
        _id: `${userKey}|review|fp`,
        userKey,
        kind: 'added',
        payload: { text: 'New: Design review, Thu 26 Nov 14:00–15:00, Room 4' },
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(h.clock.now().getTime() - 10_000),
        createdAt: h.clock.now(),
      });
      expect(await crashed.claim(`${userKey}|review|fp`, h.clock.now(), 60_000)).toBeDefined();
      await h.calbots[0]!.notices.sendDue();
      expect(h.notices(user)).toEqual([]); // still claimed

      h.clock.advance(61_000); // the claim has expired
      await h.calbots[0]!.notices.sendDue(); // releases it (pending again, next claim number)
      await h.calbots[0]!.notices.idle();
      h.clock.advance(5_000);
      await h.calbots[0]!.notices.sendDue(); // due again: sent
      await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && r.activity.text?.startsWith('New:') === true);
      // The dead process's claim number is spent: it cannot send it again.
      expect(await crashed.claim(`${userKey}|review|fp`, h.clock.now(), 60_000)).toBeUndefined();
      await h.calbots[0]!.notices.sendDue();
      expect(h.notices(user).map((n) => n.text)).toEqual(['New: Design review, Thu 26 Nov 14:00–15:00, Room 4']);
      expect(await h.store.collections.outbox.findOne({ _id: `${userKey}|review|fp` })).toMatchObject({ status: 'sent', payload: { claimSeq: 1 } });

      // Another that died between the claim's two writes: the notice still pending under a taken claim number.
      const id = `${userKey}|standup|fp`;
      const at = h.clock.now();
      await h.store.collections.outbox.insertOne({ _id: id, userKey, kind: 'added', payload: { text: 'New: Standup, Fri 27 Nov 09:00–09:15' }, status: 'pending', attempts: 0, nextAttemptAt: new Date(at.getTime() - 10_000), createdAt: at });
      await h.store.collections.noticeClaims.insertOne({ _id: `${id}|0`, outboxId: id, claimedAt: at });
      await h.calbots[0]!.notices.sendDue();
      expect(h.notices(user)).toHaveLength(1); // its claim may still be a live sender's
      h.clock.advance(121_000); // older than a claim lasts (two minutes)
      await h.calbots[0]!.notices.sendDue();
      await h.calbots[0]!.notices.idle();
      expect(h.notices(user).map((n) => n.text)).toEqual(['New: Design review, Thu 26 Nov 14:00–15:00, Room 4', 'New: Standup, Fri 27 Nov 09:00–09:15']);
      expect(await h.store.collections.outbox.findOne({ _id: id })).toMatchObject({ status: 'sent', payload: { claimSeq: 1 } });
    } finally {
      await h.close();
    }
  });
});
