import type { Collection } from 'mongodb';
import type { Collections, NoticeClaimDoc, OutboxDoc } from '../store/collections.js';
import type { NoticeLine } from './notice-text.js';

/**
 * The outbox: one document per notice, keyed `${userKey}|${eventId}|${fingerprint}`, so a replayed round, or two
 * processes handling the same round, insert it once (the database refuses a second _id).
 *
 * Claims rest on the same guarantee. FerretDB 1.24 checks every filter but _id after reading the document, so a
 * conditional findOneAndUpdate({_id, status: 'pending'}) is not atomic there: two senders can both "claim" (checked:
 * 30 of 30 races were double claims). Instead each notice carries a claim sequence number, and the sender whose
 * insert of noticeClaims {_id: `${noticeId}|${seq}`} succeeds owns that attempt. Every way back to pending
 * (retry, quiet hours, expired claim) moves to seq + 1, so a sender working from a stale read finds its claim taken.
 * A claim is two writes (the claim, then status 'sending'); a sender that dies between them leaves the notice
 * pending under a taken claim number, which the next claimer moves past once that claim is older than a claim lasts.
 *
 *   pending --claim--> sending --sent--> sent
 *      ^                  |--failure--> pending (nextAttemptAt backs off) ... dead when retrying is no use
 *      |                  |--conversation gone / notify off / event over--> dead (logged)
 *      |                  |--stopped, its send unanswered (it may have arrived)--> dead (unconfirmed, logged)
 *      |                  |--stopped before sending it--> pending (handed back: due as it was)
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
  /** Claim sequence: the next claim inserts noticeClaims `${_id}|${claimSeq}` (absent = 0). */
  claimSeq?: number;
  /** When a send of it first failed: failures the connector may recover from are retried for a while after. */
  failingSince?: Date;
}

export type NoticeDoc = OutboxDoc & { payload: NoticePayload & Record<string, unknown> };

export type NewNotice = Pick<OutboxDoc, '_id' | 'userKey' | 'kind'> & { payload: NoticePayload };

export class Outbox {
  private readonly collection: Collection<OutboxDoc>;
  private readonly claims: Collection<NoticeClaimDoc>;

  constructor(collections: Pick<Collections, 'outbox' | 'noticeClaims'>) {
    this.collection = collections.outbox;
    this.claims = collections.noticeClaims;
  }

  /** Upsert-if-absent; true when this call inserted it (false: a replay, or another process was first). */
  async enqueue(notice: NewNotice, now: Date): Promise<boolean> {
    const { _id, ...rest } = notice;
    const doc: Omit<OutboxDoc, '_id'> = { ...rest, payload: { ...rest.payload }, status: 'pending', attempts: 0, nextAttemptAt: now, createdAt: now };
    try {
      const result = await this.collection.updateOne({ _id }, { $setOnInsert: doc }, { upsert: true });
      return result.upsertedCount === 1;
    } catch (error) {
      if (isDuplicateKey(error)) return false; // two upserts of one _id raced; the notice is there either way
      throw error;
    }
  }

  /** Ids of pending notices due by `now` (optionally of one user), oldest first. */
  async listDue(now: Date, userKey?: string, limit = 500): Promise<{ _id: string; userKey: string }[]> {
    const filter = { status: 'pending' as const, nextAttemptAt: { $lte: now }, ...(userKey ? { userKey } : {}) };
    return this.collection.find(filter, { projection: { _id: 1, userKey: 1 }, sort: { createdAt: 1 }, limit }).toArray();
  }

  /** pending -> sending for `claimMs`, if this sender wins the claim; undefined when not due or someone else has it. */
  async claim(id: string, now: Date, claimMs: number): Promise<NoticeDoc | undefined> {
    const doc = (await this.collection.findOne({ _id: id })) as NoticeDoc | null;
    if (!doc || doc.status !== 'pending' || doc.nextAttemptAt.getTime() > now.getTime()) return undefined;
    // A number taken longer ago than a claim lasts, on a notice still pending, was left by a sender that stopped
    // between the claim's two writes: the next number is tried. Only the winner writes the notice (and records its
    // number): FerretDB writes an update back as the whole document, so a second writer could undo the first.
    for (let seq = seqOf(doc); seq < seqOf(doc) + 3; seq++) {
      try {
        await this.claims.insertOne({ _id: `${id}|${seq}`, outboxId: id, claimedAt: now });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const taken = await this.claims.findOne({ _id: `${id}|${seq}` });
        if (taken && now.getTime() - taken.claimedAt.getTime() < claimMs) return undefined;
        const current = (await this.collection.findOne({ _id: id })) as NoticeDoc | null;
        if (current?.status !== 'pending' || seqOf(current) !== seqOf(doc)) return undefined; // moved on meanwhile
        continue;
      }
      const claimedUntil = new Date(now.getTime() + claimMs);
      await this.collection.updateOne({ _id: id }, { $set: { status: 'sending', claimedUntil, 'payload.claimSeq': seq } });
      return { ...doc, status: 'sending', claimedUntil, payload: { ...doc.payload, claimSeq: seq } };
    }
    return undefined;
  }

  /**
   * A sender still at work (the connector is slow, or honours a long Retry-After) keeps its claims: without this,
   * they would expire mid-send and another sender would send the same notices again.
   */
  async renewClaims(docs: readonly NoticeDoc[], claimedUntil: Date): Promise<void> {
    if (docs.length === 0) return;
    // Sent, retried or released notices are no longer 'sending' and keep their state.
    await this.collection.updateMany({ _id: { $in: docs.map((doc) => doc._id) }, status: 'sending' }, { $set: { claimedUntil } });
  }

  /**
   * A sender that crashed (or was killed) between claim and "sent" leaves its claims behind: after claimedUntil
   * they are pending again, under the next claim number. If that crash came after the connector accepted the
   * message, the user gets it twice: the one unavoidable duplicate, as the connector has no idempotency key.
   */
  async releaseExpiredClaims(now: Date): Promise<number> {
    const stale = (await this.collection.find({ status: 'sending', claimedUntil: { $lt: now } }).toArray()) as NoticeDoc[];
    for (const doc of stale) {
      await this.collection.updateOne({ _id: doc._id }, { $set: { status: 'pending', nextAttemptAt: now, 'payload.claimSeq': seqOf(doc) + 1 }, $unset: { claimedUntil: '' } });
    }
    return stale.length;
  }

  async markSent(doc: NoticeDoc, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: doc._id }, { $set: { status: 'sent', sentAt: now }, $unset: { claimedUntil: '' } });
  }

  /**
   * Back to pending at `at`; `attempted`: this send was tried and failed (counts toward giving up), at `failedAt`
   * (kept as failingSince when it is the first failure).
   */
  async retryAt(doc: NoticeDoc, at: Date, attempted: boolean, failedAt?: Date): Promise<void> {
    const failingSince = attempted && !doc.payload.failingSince && failedAt ? { 'payload.failingSince': failedAt } : {};
    await this.collection.updateOne(
      { _id: doc._id },
      {
        $set: { status: 'pending', nextAttemptAt: at, attempts: doc.attempts + (attempted ? 1 : 0), 'payload.claimSeq': seqOf(doc) + 1, ...failingSince },
        $unset: { claimedUntil: '' },
      },
    );
  }

  /** Claimed, but quiet hours: pending again until they end, marked for the summary. */
  async holdUntil(doc: NoticeDoc, until: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: doc._id },
      { $set: { status: 'pending', nextAttemptAt: until, 'payload.heldForQuietHours': true, 'payload.claimSeq': seqOf(doc) + 1 }, $unset: { claimedUntil: '' } },
    );
  }

  async markDead(doc: NoticeDoc, reason: string, attempted: boolean): Promise<void> {
    await this.collection.updateOne(
      { _id: doc._id },
      { $set: { status: 'dead', attempts: doc.attempts + (attempted ? 1 : 0), 'payload.deadReason': reason }, $unset: { claimedUntil: '' } },
    );
  }

  /** Quiet hours turned off: what they were holding is due now (a pending notice changes no owner here). */
  async releaseHeld(userKey: string, now: Date): Promise<number> {
    const held = await this.collection.find({ userKey, status: 'pending', nextAttemptAt: { $gt: now } }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of held) await this.collection.updateOne({ _id }, { $set: { nextAttemptAt: now } });
    return held.length;
  }

  /**
   * No TTL indexes on FerretDB: finished notices (and old claims) are deleted here once older than `before`. They
   * are kept that long so a late replay of a round still finds its notice already there.
   */
  async deleteFinished(before: Date): Promise<number> {
    const { deletedCount } = await this.collection.deleteMany({ status: { $in: ['sent', 'dead'] }, createdAt: { $lt: before } });
    await this.claims.deleteMany({ claimedAt: { $lt: before } });
    return deletedCount;
  }
}

function seqOf(doc: NoticeDoc): number {
  return typeof doc.payload.claimSeq === 'number' ? doc.payload.claimSeq : 0;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown }).code === 11000;
}
