import { randomUUID } from 'node:crypto';
import { MongoServerError, type Collection, type Db } from 'mongodb';

/**
 * Who is syncing a user right now, across processes. Agenda's job lock is a conditional findOneAndUpdate, and
 * FerretDB 1.24 does not make those atomic (measured: 10 concurrent lockers of one free job, 4-6 win), so two
 * processes could run one user's round at once. An insert with the user's key as `_id` is atomic everywhere: the
 * primary key lets one writer through. A crashed holder's lease expires after `lifetimeMs`.
 */
export const SYNC_LEASES = 'syncLeases'; // not in store/collections.ts COLLECTIONS yet: move it there.

export interface SyncLeaseDoc {
  _id: string; // userKey
  owner: string;
  expiresAt: Date;
}

export interface SyncLeases {
  /** Held: this process now holds the user's lease; otherwise, until when someone else's lease runs. */
  acquire(userKey: string): Promise<{ held: true } | { held: false; until: Date }>;
  /** Pushes the expiry out again (after each page of a long round). */
  extend(userKey: string): Promise<void>;
  release(userKey: string): Promise<void>;
}

export function createSyncLeases(db: Db, options: { lifetimeMs: number; ownerPrefix?: string; now?: () => Date }): SyncLeases {
  const leases: Collection<SyncLeaseDoc> = db.collection<SyncLeaseDoc>(SYNC_LEASES);
  const owner = `${options.ownerPrefix ?? 'calbot'}:${randomUUID()}`;
  const now = options.now ?? (() => new Date());
  const expiry = () => new Date(now().getTime() + options.lifetimeMs);

  const insert = async (userKey: string): Promise<boolean> => {
    try {
      await leases.insertOne({ _id: userKey, owner, expiresAt: expiry() });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  };

  return {
    async acquire(userKey) {
      if (await insert(userKey)) return { held: true };
      const current = await leases.findOne({ _id: userKey });
      if (current && current.expiresAt.getTime() > now().getTime()) return { held: false, until: current.expiresAt };
      // Expired (its holder crashed): remove exactly that lease, then race for a new one by insert again.
      if (current) await leases.deleteOne({ _id: userKey, owner: current.owner, expiresAt: current.expiresAt });
      return (await insert(userKey)) ? { held: true } : { held: false, until: expiry() };
    },
    async extend(userKey) {
      await leases.updateOne({ _id: userKey, owner }, { $set: { expiresAt: expiry() } });
    },
    async release(userKey) {
      await leases.deleteOne({ _id: userKey, owner });
    },
  };
}
