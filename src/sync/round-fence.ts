import { RoundStoppedError } from './sync-engine.js';

/**
 * Everything a sync job's round writes goes through its fence, so that shutdown can cut off a round that did not
 * stop in time and hand the user to another process at once (sync-jobs.ts, releaseStuckRounds). Once the fence is
 * closed no call through it starts (each is refused with RoundStoppedError), and close() resolves when the calls
 * already under way have settled. From then on nothing of the round reaches the database: it has stopped exactly
 * as if its process had died there, which the engine is built to resume from (each page is stored days first, then
 * events, then its progress, and each step replays idempotently). Without the fence a write still to come (a
 * progress save carrying an old nextLink, a round's end carrying its deltaLink) could land after a successor's round
 * had moved on, and send the next round back to stale pages.
 */
export class RoundFence {
  private open = true;
  private readonly underWay = new Set<Promise<void>>();

  constructor(private readonly userKey: string) {}

  get closed(): boolean {
    return !this.open;
  }

  /** `work` under the fence: refused once it is closed, waited for by close() while under way. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.open) return Promise.reject(new RoundStoppedError(this.userKey));
    const running = work();
    this.track(running);
    return running;
  }

  /**
   * The collections, with every method call on them made under the fence. A cursor (find) is not waited for: what
   * it reads changes nothing, and the round cannot write what it read.
   */
  collections<T extends object>(collections: T): T {
    const fenced = new Map<PropertyKey, unknown>();
    return new Proxy(collections, {
      get: (target, name) => {
        const collection: unknown = Reflect.get(target, name);
        if (typeof collection !== 'object' || collection === null) return collection;
        if (!fenced.has(name)) fenced.set(name, this.collection(collection));
        return fenced.get(name);
      },
    });
  }

  /** No call passes any more; true once those under way have settled, false if some have not within `waitMs`. */
  async close(waitMs: number): Promise<boolean> {
    this.open = false;
    if (this.underWay.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), waitMs)));
    try {
      return await Promise.race([Promise.all(this.underWay).then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private collection(collection: object): object {
    return new Proxy(collection, {
      get: (target, name) => {
        const value: unknown = Reflect.get(target, name);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (!this.open) throw new RoundStoppedError(this.userKey);
          const result: unknown = value.apply(target, args);
          if (result instanceof Promise) this.track(result);
          return result;
        };
      },
    });
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.underWay.add(settled);
    void settled.then(() => this.underWay.delete(settled));
  }
}
