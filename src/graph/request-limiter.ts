/**
 * Caps Graph requests in flight: at most `perKey` per mailbox (Outlook's MailboxConcurrency allows 4 per mailbox
 * per app and answers the fifth with 429) and `global` across all mailboxes, so one process never floods Graph.
 * Waiters are served first come, first served, skipping a waiter whose mailbox is still full so that one busy
 * mailbox does not hold up the others.
 */
export interface RequestLimiterOptions {
  perKey: number;
  global: number;
}

export type Release = () => void;

interface Waiter {
  key: string;
  grant: (release: Release) => void;
}

export class RequestLimiter {
  readonly perKey: number;
  readonly global: number;
  private inFlight = 0;
  private readonly inFlightByKey = new Map<string, number>();
  private readonly waiters: Waiter[] = [];

  constructor({ perKey, global }: RequestLimiterOptions) {
    if (!(perKey >= 1 && global >= 1)) throw new RangeError('RequestLimiter limits must be at least 1');
    this.perKey = perKey;
    this.global = global;
  }

  /** Resolves with a release function once a slot for `key` is free; call it exactly once (extra calls are ignored). */
  acquire(key: string): Promise<Release> {
    return new Promise((grant) => {
      this.waiters.push({ key, grant });
      this.dispatch();
    });
  }

  /** Runs `task` holding a slot for `key`. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Requests running now, overall or for one key. */
  running(key?: string): number {
    return key === undefined ? this.inFlight : (this.inFlightByKey.get(key) ?? 0);
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  private dispatch(): void {
    for (let i = 0; i < this.waiters.length && this.inFlight < this.global; ) {
      const waiter = this.waiters[i]!;
      const forKey = this.inFlightByKey.get(waiter.key) ?? 0;
      if (forKey >= this.perKey) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      this.inFlight++;
      this.inFlightByKey.set(waiter.key, forKey + 1);
      waiter.grant(this.releaser(waiter.key));
    }
  }

  private releaser(key: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const left = (this.inFlightByKey.get(key) ?? 1) - 1;
      if (left === 0) this.inFlightByKey.delete(key);
      else this.inFlightByKey.set(key, left);
      this.dispatch();
    };
  }
}
