import { RequestLimiter, type Release } from '../../src/graph/request-limiter.js';

const tick = () => new Promise((done) => setImmediate(done));

describe('RequestLimiter', () => {
  test('per-key cap: the fifth request for a mailbox waits until one finishes', async () => {
    const limiter = new RequestLimiter({ perKey: 4, global: 100 });
    const releases: Release[] = [];
    for (let i = 0; i < 5; i++) void limiter.acquire('ana').then((release) => releases.push(release));
    await tick();
    expect(releases).toHaveLength(4);
    expect(limiter.running('ana')).toBe(4);
    expect(limiter.waiting).toBe(1);
    releases[0]!();
    await tick();
    expect(releases).toHaveLength(5);
    expect(limiter.running('ana')).toBe(4);
  });

  test('global cap across keys, and a full key is skipped rather than blocking others (FIFO otherwise)', async () => {
    const limiter = new RequestLimiter({ perKey: 1, global: 2 });
    const order: string[] = [];
    const releases = new Map<string, Release>();
    for (const name of ['ana1', 'ana2', 'ben1', 'cem1']) {
      void limiter.acquire(name.slice(0, 3)).then((release) => {
        order.push(name);
        releases.set(name, release);
      });
    }
    await tick();
    expect(order).toEqual(['ana1', 'ben1']);
    releases.get('ana1')!(); // ana2 is first in line for ana, but cem1 waited too: FIFO gives the slot to ana2
    await tick();
    expect(order).toEqual(['ana1', 'ben1', 'ana2']);
    releases.get('ben1')!();
    await tick();
    expect(order).toEqual(['ana1', 'ben1', 'ana2', 'cem1']);
    expect(limiter.running()).toBe(2);
  });

  test('a release called twice frees one slot only', async () => {
    const limiter = new RequestLimiter({ perKey: 1, global: 1 });
    const first = await limiter.acquire('ana');
    let second: Release | undefined;
    let third: Release | undefined;
    void limiter.acquire('ana').then((r) => (second = r));
    void limiter.acquire('ana').then((r) => (third = r));
    first();
    first();
    await tick();
    expect(second).toBeDefined();
    expect(third).toBeUndefined();
    expect(limiter.running()).toBe(1);
  });

  test('run() releases on failure', async () => {
    const limiter = new RequestLimiter({ perKey: 1, global: 1 });
    await expect(limiter.run('ana', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.running()).toBe(0);
    await expect(limiter.run('ana', async () => 42)).resolves.toBe(42);
  });

  test('refuses a limit below 1', () => {
    expect(() => new RequestLimiter({ perKey: 0, global: 1 })).toThrow(RangeError);
  });
});
