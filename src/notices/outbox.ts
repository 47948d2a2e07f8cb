import type { Collection } from 'mongodb';
import type { OutboxDoc } from '../store/collections.js';
import type { NoticeLine } from './notice-text.js';

/**
 * The outbox: one document per notice, keyed `${userKey}|${eventId}|${fingerprint}`, so a replayed round, or two
 * processes handling the same round, insert it once. Every state change is a conditional update on `_id` (the only
 * filter FerretDB 1.24 pushes down to SQL) plus the expected status, so exactly one sender owns a notice at a time.
 *
 *   pending --claim--> sending --sent--> sent
 *      ^                  |--failure--> pending (nextAttemptAt backs off) ... dead after maxAttempts
 *      |                  |--conversation gone / notify off--> dead (logged)
 *      +--claim expired---+--quiet hours--> pending (nextAttemptAt = end of quiet hours, heldForQuietHours)
 */

/** What calbot stores in OutboxDoc.payload. */
export interface NoticePayload {
  /** The plain-text message. */
  text: string;
  /** Change notices: the rendered line (a summary card shows label and detail). */
  line?: NoticeLine;
  /** Sent regardless of quiet hours and "notify off": the answer to something the user just did (connecting). */
  immediate?: boolean;
  /** Held back by quiet hours: arrives in the one summary sent when they end. */
  heldForQuietHours?: boolean;
  /** Why it was given up on, for whoever reads the collection. */
  deadReason?: string;
}

export type NoticeDoc = OutboxDoc & { payload: NoticePayload & Record<string, unknown> };

export type NewNotice = Pick<OutboxDoc, '_id' | 'userKey' | 'kind'> & { payload: NoticePayload };

export class Outbox {
  constructor(private readonly collection: Collection<OutboxDoc>) {}

  /** Upsert-if-absent; true when this call inserted it (false: a replay, or another process was first). */
  async enqueue(notice: NewNotice, now: Date): Promise<boolean> {
    const { _id, ...rest } = notice;
    const doc: Omit<OutboxDoc, '_id'> = { ...rest, payload: { ...rest.payload }, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now };
    try {
      const result = await this.collection.updateOne({ _id }, { $setOnInsert: doc }, { upsert: true });
      return result.upsertedCount === 1;
    } catch (error) {
      // Two upserts of one _id racing: the loser gets a duplicate key error; the notice is there either way.
      if ((error as { code?: unknown }).code === 11000) return false;
      throw error;
    }
  }

  /** Ids of pending notices due by `now` (optionally of one user), oldest first. */
  async listDue(now: Date, userKey?: string, limit = 500): Promise<{ _id: string; userKey: string }[]> {
    const filter = { status: 'pending' as const, nextAttemptAt: { $lte: now }, ...(userKey ? { userKey } : {}) };
    return this.collection.find(filter, { projection: { _id: 1, userKey: 1 }, sort: { createdAt: 1 }, limit }).toArray();
  }

  /** pending -> sending for `claimMs`; undefined when another sender has it, or it is not due. */
  async claim(id: string, now: Date, claimMs: number): Promise<NoticeDoc | undefined> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: id, status: 'pending', nextAttemptAt: { $lte: now } },
      { $set: { status: 'sending', claimedUntil: new Date(now.getTime() + claimMs) } },
      { returnDocument: 'after' },
    );
    return (doc as NoticeDoc | null) ?? undefined;
  }

  /**
   * A sender that crashed (or was killed) between claim and "sent" leaves its claims behind: after claimedUntil
   * they are pending again. If that crash came after the connector accepted the message, the user gets it twice:
   * the one unavoidable duplicate, as the connector has no idempotency key.
   */
  async releaseExpiredClaims(now: Date): Promise<number> {
    const stale = await this.collection.find({ status: 'sending', claimedUntil: { $lt: now } }, { projection: { _id: 1, claimedUntil: 1 } }).toArray();
    let released = 0;
    for (const doc of stale) {
      const result = await this.collection.updateOne({ _id: doc._id, status: 'sending', claimedUntil: doc.claimedUntil! }, { $set: { status: 'pending', nextAttemptAt: now }, $unset: { claimedUntil: '' } });
      released += result.modifiedCount;
    }
    return released;
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: id, status: 'sending' }, { $set: { status: 'sent', sentAt: now }, $unset: { claimedUntil: '' } });
  }

  /** Back to pending at `at`; `attempted`: this send was tried and failed (counts toward giving up). */
  async retryAt(id: string, at: Date, attempted: boolean): Promise<void> {
    await this.collection.updateOne(
      { _id: id, status: 'sending' },
      { $set: { status: 'pending', nextAttemptAt: at }, $unset: { claimedUntil: '' }, ...(attempted ? { $inc: { attempts: 1 } } : {}) },
    );
  }

  /** Claimed, but quiet hours: pending again until they end, marked for the summary. */
  async holdUntil(id: string, until: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: id, status: 'sending' },
      { $set: { status: 'pending', nextAttemptAt: until, 'payload.heldForQuietHours': true }, $unset: { claimedUntil: '' } },
    );
  }

  async markDead(id: string, reason: string, attempted: boolean): Promise<void> {
    await this.collection.updateOne(
      { _id: id, status: 'sending' },
      { $set: { status: 'dead', 'payload.deadReason': reason }, $unset: { claimedUntil: '' }, ...(attempted ? { $inc: { attempts: 1 } } : {}) },
    );
  }

  /** Quiet hours turned off: what they were holding is due now. */
  async releaseHeld(userKey: string, now: Date): Promise<number> {
    const held = await this.collection.find({ userKey, status: 'pending', nextAttemptAt: { $gt: now } }, { projection: { _id: 1 } }).toArray();
    let released = 0;
    for (const { _id } of held) {
      released += (await this.collection.updateOne({ _id, status: 'pending' }, { $set: { nextAttemptAt: now } })).modifiedCount;
    }
    return released;
  }

  /**
   * No TTL indexes on FerretDB: finished notices are deleted here once older than `before`. They are kept that
   * long so a late replay of a round still finds its notice already there.
   */
  async deleteFinished(before: Date): Promise<number> {
    const { deletedCount } = await this.collection.deleteMany({ status: { $in: ['sent', 'dead'] }, createdAt: { $lt: before } });
    return deletedCount;
  }
}
