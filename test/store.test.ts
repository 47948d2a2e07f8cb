import { openTestDatabase } from './support/database.js';
import type { Store } from '../src/store/database.js';

describe('store on the test database', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestDatabase('store');
  });
  afterAll(async () => {
    await store.close();
  });

  it('answers ping and has the declared indexes', async () => {
    expect(await store.ping()).toBe(true);
    const names = (await store.collections.events.indexes()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(['user_start_end', 'user_event']));
  });

  it('enforces one event per (user, Graph event id)', async () => {
    const doc = {
      userKey: 'msteams:u1', eventId: 'e1', type: 'singleInstance' as const, subject: 'x', start: new Date(), end: new Date(),
      isAllDay: false, isCancelled: false, updatedAt: new Date(),
    };
    await store.collections.events.insertOne({ _id: 'a', ...doc });
    await expect(store.collections.events.insertOne({ _id: 'b', ...doc })).rejects.toThrow(/duplicate key/i);
  });
});
