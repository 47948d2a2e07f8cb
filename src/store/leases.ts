import { randomBytes } from 'node:crypto';
import { MongoServerError, type Collection } from 'mongodb';
import type { LeaseDoc } from './collections.js';

/**
 * Mutual exclusion across calbot processes that holds on MongoDB and on FerretDB 1.24 alike. FerretDB applies
 * filters other than _id after reading, so findOneAndUpdate({ lockedAt: null }) can grant a lock twice (measured:
 * several winners in most trials of 40 concurrent calls); inserts under a unique key are refused by the database
 * itself. Agenda's job lock is a findOneAndUpdate, so calbot takes one of these around work that must not overlap.
 */
export interface Lease {
  key: string;
  token: string;
  /** Pushes the expiry out; false when the lease was lost (expired and taken over). */
  renew(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

export class Leases {
  constructor(
    private readonly collection: Collection<LeaseDoc>,
    private readonly owner: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The lease on `key` for `ttlMs`, or undefined while someone else holds it. */
  async acquire(key: string, ttlMs: number): Promise<Lease | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.now();
      const token = randomBytes(16).toString('hex');
      try {
        await this.collection.insertOne({ _id: token, key, owner: this.owner, acquiredAt: now, expiresAt: new Date(now.getTime() + ttlMs) });
        return this.lease(key, token);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
      const holder = await this.collection.findOne({ key });
      if (!holder) continue; // released in between: try again
      if (holder.expiresAt.getTime() > now.getTime()) return undefined;
      // The holder crashed or stalled past its expiry: remove exactly that holding, then compete again.
      await this.collection.deleteOne({ _id: holder._id });
    }
    return undefined;
  }

  /** Whether anyone holds the lease on `key` now (a holder past its expiry does not). */
  async isHeld(key: string): Promise<boolean> {
    const holder = await this.collection.findOne({ key });
    return holder !== null && holder.expiresAt.getTime() > this.now().getTime();
  }

  /** Runs `work` under the lease on `key`; undefined (work not run) while someone else holds it. */
  async withLease<T>(key: string, ttlMs: number, work: (lease: Lease) => Promise<T>): Promise<{ value: T } | undefined> {
    const lease = await this.acquire(key, ttlMs);
    if (!lease) return undefined;
    try {
      return { value: await work(lease) };
    } finally {
      await lease.release();
    }
  }

  private lease(key: string, token: string): Lease {
    return {
      key,
      token,
      renew: async (ttlMs) => {
        const result = await this.collection.updateOne({ _id: token }, { $set: { expiresAt: new Date(this.now().getTime() + ttlMs) } });
        return result.matchedCount === 1;
      },
      release: async () => {
        await this.collection.deleteOne({ _id: token });
      },
    };
  }
}
