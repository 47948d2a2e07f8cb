import type { Collection } from 'mongodb';
import { AuthFailure, ReconnectNeededError } from '../auth/auth-errors.js';
import { GraphFailure, waitAskedFor } from '../graph/graph-errors.js';
import type { SyncStateDoc } from '../store/collections.js';
import type { SyncWindow } from './sync-window.js';

/**
 * The per-user sync state: what a round persists between pages (links, window, full-round progress) and what
 * "sync status" shows (status, last success, last error in plain words, throttling).
 */

/** SyncStateDoc.fullRound plus the window the previous delta token covered (events entering the new window are not news). */
export interface FullRoundProgress {
  startedAt: Date;
  reason: 'initial' | 'sync-state-lost' | 'window-moved';
  /**
   * What this attempt writes into the seenInRound of each event it sees; reconcile removes the events without it.
   * Random per attempt, kept when a crashed round resumes. Absent: begun by an older calbot (which marked by round
   * number), so begun again.
   */
  mark?: number;
  previousWindow?: SyncWindow;
}

export function fullRoundOf(state: SyncStateDoc | null | undefined): FullRoundProgress | undefined {
  return state?.fullRound as FullRoundProgress | undefined;
}

/**
 * A round for the account `homeAccountId` begins: status running, lastRunAt now; creates the document for a new
 * connection. The state returned may be another account's (the caller checks its homeAccountId).
 */
export async function markRoundStarted(syncStates: Collection<SyncStateDoc>, userKey: string, now: Date, homeAccountId: string): Promise<SyncStateDoc> {
  const state = (await syncStates.findOneAndUpdate(
    { _id: userKey },
    { $set: { status: 'running', lastRunAt: now }, $setOnInsert: { roundsCompleted: 0, homeAccountId } },
    { upsert: true, returnDocument: 'after' },
  ))!;
  if (state.homeAccountId !== undefined) return state;
  // Written before sync states named their account (or by a failure recorded without one): the linked account's.
  await syncStates.updateOne({ _id: userKey, homeAccountId: { $exists: false } }, { $set: { homeAccountId } });
  return { ...state, homeAccountId };
}

/** The state of another account's mailbox gives way to a new one for `homeAccountId`: its round is a first round. */
export async function markFirstRoundStarted(syncStates: Collection<SyncStateDoc>, userKey: string, now: Date, homeAccountId: string): Promise<SyncStateDoc> {
  const state: SyncStateDoc = { _id: userKey, status: 'running', lastRunAt: now, roundsCompleted: 0, homeAccountId };
  await syncStates.replaceOne({ _id: userKey }, state, { upsert: true });
  return state;
}

/**
 * A round stopped for shutdown: no longer running (a "sync now" in the next process must not wait for it), and not
 * failed either, since the next round resumes it. Only over "running": a status set meanwhile (needs-reconnect) stays.
 */
export async function markRoundStopped(syncStates: Collection<SyncStateDoc>, userKey: string): Promise<void> {
  await syncStates.updateOne({ _id: userKey, status: 'running' }, { $set: { status: 'idle' } });
}

/** The last round ended with neither a success nor a failure of its own: its calbot stopped it (shutdown), to be resumed. */
export function roundWasStopped(state: SyncStateDoc): boolean {
  const ended = (at: Date | undefined) => at !== undefined && state.lastRunAt !== undefined && at.getTime() >= state.lastRunAt.getTime();
  return state.status !== 'running' && !ended(state.lastSuccessAt) && !ended(state.lastError?.at);
}

export interface SyncFailure {
  kind: string;
  /** One sentence the user can read. */
  message: string;
  status: SyncStateDoc['status'];
  /** When Graph asked to wait: do not run again before this. */
  throttledUntil?: Date;
}

/** The failure families of a round, each with the sentence "sync status" shows. */
export function describeSyncFailure(error: unknown, now: Date): SyncFailure {
  if (error instanceof ReconnectNeededError) return { kind: error.kind, message: error.userMessage, status: 'needs-reconnect' };
  // A 429, or a 503/504 with Retry-After: no request before then, whoever asks (the job and "sync now" check this).
  const waitMs = waitAskedFor(error);
  if (error instanceof GraphFailure && waitMs !== undefined) {
    return { kind: error.kind, message: error.userMessage, status: 'error', throttledUntil: new Date(now.getTime() + waitMs) };
  }
  if (error instanceof GraphFailure || error instanceof AuthFailure) return { kind: error.kind, message: error.userMessage, status: 'error' };
  return { kind: 'internal', message: 'calbot hit an unexpected problem while reading your calendar; it will try again at the next sync.', status: 'error' };
}

/** Records a failed round. Links are kept: the next round resumes where this one stopped. */
export async function recordSyncFailure(syncStates: Collection<SyncStateDoc>, userKey: string, failure: SyncFailure, now: Date): Promise<void> {
  await syncStates.updateOne(
    { _id: userKey },
    {
      $set: {
        status: failure.status,
        lastError: { at: now, kind: failure.kind, message: failure.message },
        ...(failure.throttledUntil ? { throttledUntil: failure.throttledUntil } : {}),
      },
      $setOnInsert: { roundsCompleted: 0 },
    },
    { upsert: true },
  );
}
