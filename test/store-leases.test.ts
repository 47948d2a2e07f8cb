import { openTestDatabase } from './support/database.js';
import { Leases, releaseLeasesOf } from '../src/store/leases.js';
import type { Store } from '../src/store/database.js';

describe('Leases on the test database', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestDatabase('leases');
  });
  afterAll(async () => {
    await store.close();
  });

  it('grants a key to exactly one of 40 concurrent contenders from separate owners', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const key = `sync:user-${trial}`;
      const contenders = Array.from({ length: 40 }, (_, i) => new Leases(store.collections.leases, `process-${i}`));
      const granted = (await Promise.all(contenders.map((leases) => leases.acquire(key, 60_000)))).filter(Boolean);
      expect(granted).toHaveLength(1);
      await granted[0]!.release();
    }
  });

  it('is free again after release, and different keys do not block each other', async () => {
    const leases = new Leases(store.collections.leases, 'p1');
    const a = await leases.acquire('k-a', 60_000);
    expect(await leases.acquire('k-b', 60_000)).toBeDefined();
    expect(await leases.acquire('k-a', 60_000)).toBeUndefined();
    await a!.release();
    expect(await leases.acquire('k-a', 60_000)).toBeDefined();
  });

  it('takes over an expired lease (a crashed holder) exactly once, and the old holder learns it lost it', async () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const clock = () => now;
    const crashed = await new Leases(store.collections.leases, 'crashed', clock).acquire('k-exp', 1000);
    expect(crashed).toBeDefined();
    expect(await new Leases(store.collections.leases, 'early', clock).acquire('k-exp', 1000)).toBeUndefined();
    now = new Date(now.getTime() + 5000);
    const takers = await Promise.all(Array.from({ length: 20 }, (_, i) => new Leases(store.collections.leases, `taker-${i}`, clock).acquire('k-exp', 1000)));
    expect(takers.filter(Boolean)).toHaveLength(1);
    expect(await crashed!.renew(1000)).toBe(false);
    expect(await takers.find(Boolean)!.renew(1000)).toBe(true);
  });

  it('withLease runs the work only for the holder and always releases', async () => {
    const leases = new Leases(store.collections.leases, 'p2');
    await expect(leases.withLease('k-w', 60_000, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    const ran = await leases.withLease('k-w', 60_000, async () => 'done');
    expect(ran).toEqual({ value: 'done' });
    const held = await leases.acquire('k-w', 60_000);
    expect(await leases.withLease('k-w', 60_000, async () => 'never')).toBeUndefined();
    await held!.release();
  });

  it('releaseLeasesOf removes the holdings of a dead owner only and names them: their keys are free at once, others\' leases stay', async () => {
    const dead = new Leases(store.collections.leases, 'dead-process');
    const live = new Leases(store.collections.leases, 'live-process');
    await dead.acquire('k-d1', 600_000);
    await dead.acquire('k-d2', 600_000);
    const kept = await live.acquire('k-l', 600_000);
    expect((await releaseLeasesOf(store.collections.leases, 'dead-process')).sort()).toEqual(['k-d1', 'k-d2']);
    expect(await live.acquire('k-d1', 600_000)).toBeDefined();
    expect(await live.acquire('k-d2', 600_000)).toBeDefined();
    expect(await store.collections.leases.findOne({ key: 'k-l' })).toMatchObject({ _id: kept!.token, owner: 'live-process' });
    expect(await kept!.renew(600_000)).toBe(true);
    expect(await releaseLeasesOf(store.collections.leases, 'dead-process')).toEqual([]);
  });
});
