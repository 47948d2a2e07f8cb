import { randomBytes } from 'node:crypto';
import { MongoServerError, type Collection } from 'mongodb';
import type { LeaseDoc } from './collections.js';
import { databaseUnavailable } from './database.js';

/** How often a release the database could not take (it was away) is tried again. */
const RELEASE_RETRY_MS = 1_000;

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
  /**
   * Rejects when the database is away, and is then tried again until it answers (or the lease has expired anyway):
   * a release lost so would keep the work it guards from everyone until the expiry (a sync lease: 10 minutes).
   */
  release(): Promise<void>;
}

export class Leases {
  /** Releases owed to a database that was away: token -> the lease's expiry. */
  private readonly owedReleases = new Map<string, Date>();
  private releaseTimer: NodeJS.Timeout | undefined;

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
        const expiresAt = new Date(now.getTime() + ttlMs);
        await this.collection.insertOne({ _id: token, key, owner: this.owner, acquiredAt: now, expiresAt });
        return this.lease(key, token, expiresAt);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
      const holder = await this.collection.findOne({ key });
      if (!holder) continue; // released in between: try again
      // A holding of this process's that was released while the database was away is as good as gone.
      if (holder.expiresAt.getTime() > now.getTime() && !this.owedReleases.has(holder._id)) return undefined;
      // The holder crashed or stalled past its expiry (or let go): remove exactly that holding, then compete again.
      await this.collection.deleteOne({ _id: holder._id });
      this.owedReleases.delete(holder._id);
    }
    return undefined;
  }

  /** Whether anyone holds the lease on `key` now (a holder past its expiry does not). */
  async isHeld(key: string): Promise<boolean> {
    return (await this.heldUntil(key)) !== undefined;
  }

  /** Until when the lease on `key` is held, or undefined when nobody holds it now. */
  async heldUntil(key: string): Promise<Date | undefined> {
    const holder = await this.collection.findOne({ key });
    return holder && holder.expiresAt.getTime() > this.now().getTime() ? holder.expiresAt : undefined;
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

  private lease(key: string, token: string, expiresAt: Date): Lease {
    return {
      key,
      token,
      renew: async (ttlMs) => {
        const until = new Date(this.now().getTime() + ttlMs);
        const result = await this.collection.updateOne({ _id: token }, { $set: { expiresAt: until } });
        if (result.matchedCount === 1) expiresAt = until;
        return result.matchedCount === 1;
      },
      release: async () => {
        try {
          await this.collection.deleteOne({ _id: token });
          this.owedReleases.delete(token);
        } catch (error) {
          if (databaseUnavailable(error)) this.releaseLater(token, expiresAt);
          throw error;
        }
      },
    };
  }

  /** By token, so a late release never removes a lease someone took after this one expired. */
  private releaseLater(token: string, expiresAt: Date): void {
    this.owedReleases.set(token, expiresAt);
    this.retryReleasesSoon();
  }

  private retryReleasesSoon(): void {
    if (this.releaseTimer) return;
    this.releaseTimer = setTimeout(() => void this.releaseOwed(), RELEASE_RETRY_MS);
    this.releaseTimer.unref();
  }

  private async releaseOwed(): Promise<void> {
    for (const [token, expiresAt] of this.owedReleases) {
      if (expiresAt.getTime() <= this.now().getTime()) {
        this.owedReleases.delete(token); // lapsed by itself: anyone may take the key
        continue;
      }
      try {
        await this.collection.deleteOne({ _id: token });
        this.owedReleases.delete(token);
      } catch (error) {
        if (!databaseUnavailable(error)) this.owedReleases.delete(token);
        else break; // still away
      }
    }
    this.releaseTimer = undefined;
    if (this.owedReleases.size > 0) this.retryReleasesSoon();
  }
}

/**
 * The leases `owner` holds, removed one by one by their token: a process other calbots found dead (its heartbeat long
 * overdue, see ProcessHeartbeats), whose sync leases would otherwise keep its users' rounds from everyone until they
 * expire (10 minutes). A lease taken since by anyone else has another owner and token, and is left alone. Resolves
 * with the keys of those removed.
 */
export async function releaseLeasesOf(collection: Collection<LeaseDoc>, owner: string): Promise<string[]> {
  const released: string[] = [];
  for (const holding of await collection.find({ owner }, { projection: { _id: 1, key: 1 } }).toArray()) {
    if ((await collection.deleteOne({ _id: holding._id, owner })).deletedCount === 1) released.push(holding.key);
  }
  return released;
}
