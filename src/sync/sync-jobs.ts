import type { Db } from 'mongodb';
import type { Job } from 'agenda';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdminActionNeededError, ReconnectNeededError } from '../auth/auth-errors.js';
import type { ConnectionHooks } from '../auth/connect-outlook.js';
import type { MicrosoftAuth } from '../auth/microsoft-auth.js';
import { signInCard } from '../auth/sign-in-card.js';
import type { ProactiveSender } from '../chat/proactive.js';
import { GraphAuthError, MailboxAccessDisabledError, MailboxUnavailableError, waitAskedFor } from '../graph/graph-errors.js';
import type { Logger } from '../log.js';
import type { Scheduler } from '../scheduler.js';
import { copyAnswerContext, forgetAnswerContext } from '../store/answer-context.js';
import { COLLECTIONS, type Collections, type SyncStateDoc } from '../store/collections.js';
import { databaseUnavailable } from '../store/database.js';
import { forgetCalendar, RoundAbandonedError, RoundStoppedError, syncCalendar, type SyncEngineDeps, type SyncRoundResult } from './sync-engine.js';
import { Leases, type Lease } from '../store/leases.js';
import { refreshMailboxSettings } from './mailbox-settings.js';
import { markRoundStopped, roundWasStopped } from './sync-state.js';
import { RoundFence } from './round-fence.js';

export const SYNC_JOB = 'sync-calendar';
/** How long "sync now" waits for Agenda to release the job of a round that has already ended. */
const UNLOCK_WAIT_MS = 3_000;
/** How long waitForRound waits, after a round has ended, for the chat's copy of its outcome (a moment after it). */
const COPY_WAIT_MS = 2_000;
/**
 * How long disconnecting or switching accounts waits for the user's running round to stop. It stops at its next
 * Graph answer, seeing its account gone; a chat turn or the sign-in page waits meanwhile, so not for long.
 */
const ROUND_STOP_WAIT_MS = 5_000;
/** The sync lease the connection hooks take while they delete: a few deletes' worth. */
const HOOK_LEASE_MS = 15_000;
/**
 * How long the job waits after Graph said the account has no mailbox it can read (MailboxUnavailableError), or
 * Microsoft refused the account's token for a reason only an admin clears (AdminActionNeededError): every interval
 * would get that answer until an administrator assigns a licence, moves the mailbox or re-enables the account.
 * "sync now" still tries at once.
 */
export const MAILBOX_RETRY_MS = 6 * 60 * 60_000;
/** How long a cut-off round's database calls under way get to settle before its lease and lock are handed back (unless shutdown's budget says less). */
const FENCE_WAIT_MS = 5_000;

export interface SyncJobData {
  userKey: string;
}

/** What the agendaJobs document of a user's sync job tells about it. */
export interface SyncJobInfo {
  nextRunAt: Date | null;
  lockedAt: Date | null;
  disabled: boolean;
}

/**
 * The Agenda side of sync: ONE repeating `sync-calendar` job per connected user (unique on data.userKey).
 * Agenda's lock on that job document is what keeps two calbot processes from syncing one user at once; a crashed
 * process's lock expires after the lock lifetime. "Run now" moves the job's nextRunAt instead of adding a second
 * job, so the one lock still covers every round.
 */
export interface SyncJobs {
  /** Creates the user's job if missing, enables it (after a reconnect); `runNow` asks for a round at once. */
  ensureJob(userKey: string, options?: { runNow?: boolean }): Promise<void>;
  /** Every connected account gets its job, enabled (start-up; idempotent). Returns how many accounts were checked. */
  ensureAllJobs(): Promise<number>;
  /**
   * Asks for a round now. `alreadyRunning`: a round holds the lock (or is about to), so that one is what to wait
   * for. `missing`: no job (not connected). `noRoundSince`: the caller knows no round ran after this instant (it held
   * the sync lease), so a lock taken before it is a finished run's, to wait for rather than report as running.
   */
  requestRun(userKey: string, options?: { noRoundSince?: Date }): Promise<{ alreadyRunning: boolean; missing: boolean; since: SyncStateDoc | null }>;
  /**
   * Resolves with the sync state once a round newer than `since` (or `since` itself, if it was running) has ended,
   * and the chat's copy of its outcome (the answer context) is taken: an answer asked for right after says what the
   * round did.
   */
  waitForRound(userKey: string, since: SyncStateDoc | null, options?: { timeoutMs?: number; includeRunning?: boolean }): Promise<SyncStateDoc | undefined>;
  jobInfo(userKey: string): Promise<SyncJobInfo | undefined>;
  removeJob(userKey: string): Promise<void>;
  /**
   * Shutdown, first step: running rounds stop at their next page boundary, with their progress stored, and their jobs
   * become due at once for whichever process runs next; a job that starts from now on runs no round.
   */
  stopRounds(): void;
  /**
   * Shutdown, once the scheduler has given up waiting: the rounds of this process still running are cut off from the
   * database (RoundFence), then their sync leases and job locks are released, so that another process syncs those
   * users at once rather than after the lock lifetime. A round whose database calls do not settle within
   * `fenceWaitMs` (default 5 s) keeps both.
   */
  releaseStuckRounds(options?: { fenceWaitMs?: number }): Promise<void>;
  /**
   * The other calbots took this one for dead (it stalled past its heartbeat window) and released its rounds' sync
   * leases and job locks: another may be running those users' rounds now. Each round under way is fenced off at once
   * (RoundFence): nothing more of it reaches the database, so it ends at its next call (a Graph answer's save) without
   * writing over the other's progress. Returns how many were cut off.
   */
  fenceOffRounds(): number;
  /**
   * A calbot found dead held these leases, now released: the users whose sync leases they were have their jobs due at
   * once (an unlocked one; a locked one was the dead process's and is released already, or is another's round), so
   * that their rounds cut off resume now, even when the job's lock had passed to a process that was refused the lease
   * and saved the job due an interval later. Resolves with how many jobs were moved.
   */
  resumeReleasedRounds(leaseKeys: readonly string[]): Promise<number>;
  /**
   * connected: job + immediate round (another account: the old one's synced data removed first); disconnected: job,
   * events, days, sync state and notices removed. Both wait for a running round of the user to stop before deleting.
   */
  hooks: ConnectionHooks;
}

export interface SyncJobsDeps {
  agenda: Scheduler;
  db: Db;
  collections: Collections;
  engine: Omit<SyncEngineDeps, 'onPage'>;
  intervalMs: number;
  auth: MicrosoftAuth | undefined;
  proactive: ProactiveSender;
  logger: Logger;
  /** Jobs of this type one process runs at once (Graph's global in-flight cap makes more pointless). */
  concurrency?: number;
  /** How often waitForRound looks at the sync state. */
  pollMs?: number;
}

/** The lease that lets one round per user run at a time, across processes. */
const SYNC_LEASE_PREFIX = 'sync:';
export const syncLeaseKey = (userKey: string) => `${SYNC_LEASE_PREFIX}${userKey}`;

/** When the last round ended: its success, or its failure, whichever is later (its start if neither is known). */
function roundEndedAt(state: SyncStateDoc): Date | undefined {
  const ends = [state.lastSuccessAt, state.lastError?.at].filter((at): at is Date => at !== undefined);
  return ends.length > 0 ? new Date(Math.max(...ends.map((at) => at.getTime()))) : state.lastRunAt;
}

export function createSyncJobs(deps: SyncJobsDeps): SyncJobs {
  const { agenda, collections } = deps;
  const logger = deps.logger.child({ component: 'sync-jobs' });
  const jobsCollection = deps.db.collection<{ name: string; data: SyncJobData; nextRunAt: Date | null; lockedAt?: Date | null; disabled?: boolean | null; repeatInterval?: number | string; lastModifiedBy?: string | null }>(COLLECTIONS.agendaJobs);
  const pollMs = deps.pollMs ?? 100;
  const leases = new Leases(collections.leases, agenda.attrs.name ?? 'calbot');
  const leaseMs = agenda.attrs.defaultLockLifetime;
  const shutdown = new AbortController();
  // Each running round waits on it (maxConcurrency of them): expected, not a leak (no MaxListenersExceededWarning).
  setMaxListeners(0, shutdown.signal);
  /** The job runs of this process holding a sync lease, for releaseStuckRounds. */
  const running = new Set<{ userKey: string; lease: Lease; fence: RoundFence }>();

  agenda.define<SyncJobData>(
    SYNC_JOB,
    async (job) => {
      try {
        await runSyncJob(job);
      } catch (error) {
        // The database went away before the round began (or before it could record its end): as for a round it cut off.
        if (databaseUnavailable(error)) job.schedule(new Date());
        throw error;
      }
    },
    { concurrency: deps.concurrency ?? 16 },
  );

  async function runSyncJob(job: Job<SyncJobData>): Promise<SyncRoundResult | undefined> {
    const { userKey } = job.attrs.data;
    const state = await collections.syncStates.findOne({ _id: userKey }, { projection: { throttledUntil: 1 } });
    if (state?.throttledUntil && state.throttledUntil.getTime() > Date.now()) {
      // Graph asked us to wait: no request before Retry-After, whoever asked for this run.
      job.schedule(state.throttledUntil);
      return undefined;
    }
    if (shutdown.signal.aborted) {
      // Shutting down: the round is the next process's, at once.
      job.schedule(new Date());
      return undefined;
    }
    // Agenda's lock alone is not atomic on FerretDB: the lease makes sure one round per user runs at a time.
    const lease = await leases.acquire(syncLeaseKey(userKey), leaseMs);
    if (!lease) {
      // Try again when that lease can have ended (sooner than the interval when its holder crashed).
      const retryAt = new Date(Date.now() + leaseMs + 100);
      if (job.attrs.nextRunAt && retryAt.getTime() < job.attrs.nextRunAt.getTime()) job.schedule(retryAt);
      logger.info({ event: 'sync-skipped', userKey }, 'a round for this user is running elsewhere');
      return undefined;
    }
    // Whatever this run writes goes through the fence, Agenda's touch included: a late touch would lock the job again
    // after shutdown handed it over (releaseStuckRounds).
    const fence = new RoundFence(userKey);
    const fenced = fence.collections(collections);
    const run = { userKey, lease, fence };
    running.add(run);
    try {
      const { onChanges, onRoundComplete } = deps.engine;
      // Each stored page extends the lock and the lease, so a long first sync is not taken over by another process.
      const result = await syncCalendar(
        {
          ...deps.engine,
          collections: fenced,
          ...(onChanges ? { onChanges: (key, changes) => fence.run(() => onChanges(key, changes)) } : {}),
          ...(onRoundComplete ? { onRoundComplete: (key, outcome) => fence.run(() => onRoundComplete(key, outcome)) } : {}),
          onPage: () =>
            fence.run(async () => {
              await job.touch();
              if (await lease.renew(leaseMs)) return;
              // The lease is gone: released by a calbot that took this one for dead, or expired and swept. Another
              // round may hold the user now, so this one writes nothing more (as fenceOffRounds cuts rounds off).
              void fence.close(0);
              logger.warn({ event: 'sync-cut-off', userKey, reason: 'lease-lost' }, 'this round lost its lease: cut off, the user\'s next round runs wherever it is taken up');
              throw new RoundStoppedError(userKey);
            }),
          stopping: shutdown.signal,
        },
        userKey,
      );
      // Before the copy that lets "sync now" answer: "can read your calendar again" comes before "Synced: …".
      await tellRefusalLifted(userKey, fenced);
      // The round's outcome reaches answers at once, before the mailbox settings' Graph call below.
      await refreshAnswerContext(userKey, fenced);
      // About once a day, after a round that reached Graph: the mailbox's zone, working hours and clock (never throws).
      // Not while shutting down: the next round reads them.
      if (shutdown.signal.aborted) return result;
      const settings = await refreshMailboxSettings({ collections: fenced, graphFor: deps.engine.graphFor, logger, ...(deps.engine.clock ? { clock: deps.engine.clock } : {}) }, userKey);
      if (settings !== 'fresh') await refreshAnswerContext(userKey, fenced);
      return result;
    } catch (caught) {
      // Cut off at shutdown (releaseStuckRounds): whatever the error, the user is the next process's now.
      if (fence.closed) return undefined;
      // Graph refusing a token MSAL had just refreshed (graph-client.ts retries a 401 once so), or refusing the
      // calendar to this grant (403 for consent withdrawn or never given, or conditional access asking for more
      // claims): the grant is no good for syncing any more, and every interval would be refused the same way. Only
      // a new sign-in (which asks for consent again) fixes it: handled like a refused refresh token, the user told
      // once. Other 403s (a licence removed for a while, an Exchange policy) are recorded, and the next interval
      // tries again.
      const refusal = caught instanceof GraphAuthError ? graphRefusal(caught) : undefined;
      const error = refusal && deps.auth ? await deps.auth.graphRefusedToken(userKey, refusal).catch(() => caught) : caught;
      const waitMs = waitAskedFor(error);
      if (waitMs !== undefined) {
        // A 429, or a 503/504 with Retry-After. Do not hold the worker for minutes: the job's own next run moves past
        // Retry-After (saved when it ends).
        job.schedule(new Date(Date.now() + waitMs));
      } else if (error instanceof MailboxUnavailableError) {
        // No mailbox to read (no licence, on-premises): not a sign-in problem, so the account stays connected, and not
        // one the next interval can fix either. The state says why ("sync status", answers).
        job.schedule(new Date(Date.now() + Math.max(MAILBOX_RETRY_MS, deps.intervalMs)));
        await tellAdminRefusal(userKey, fenced, mailboxRefusal(error));
      } else if (error instanceof AdminActionNeededError) {
        // Refused until the user's admin acts (an account disabled, Conditional Access): no interval changes that.
        job.schedule(new Date(Date.now() + Math.max(MAILBOX_RETRY_MS, deps.intervalMs)));
        // A lockout lifts by itself, usually within minutes: answers and "sync status" say so, no message for it.
        if (!error.clearsByItself) await tellAdminRefusal(userKey, fenced, { key: `AADSTS${error.aadsts}`, what: error.reason, code: `AADSTS${error.aadsts}` });
      } else if (error instanceof ReconnectNeededError) {
        await collections.syncStates.updateOne({ _id: userKey }, { $set: { status: 'needs-reconnect' } });
        const disabled = await agenda.disable({ name: SYNC_JOB, data: { userKey } });
        // Whenever syncing stops for this, the user hears why: the call that marked the account may have been
        // another's (a process that died before it told them), which this one's error does not say.
        if (error.newlyDetected || disabled > 0) await askToReconnect(userKey);
      } else if (error instanceof RoundAbandonedError && error.reason === 'disconnected') {
        // The round removed what is synced; the job goes too (the disconnect's own clean-up may never have run: a crash).
        await removeJob(userKey);
      } else if (error instanceof RoundAbandonedError && error.reason === 'account-changed') {
        // The new account's first round, at once: the switch asked for it (hooks.connected), but a round that outlived
        // ROUND_STOP_WAIT_MS (a Retry-After wait) still held the job, and that request went to it.
        job.schedule(new Date());
      } else if (error instanceof RoundStoppedError) {
        // Shutdown stopped it between pages: whichever process runs next resumes it from its saved progress, at once.
        job.schedule(new Date());
      } else if (databaseUnavailable(error)) {
        // The database went away mid-round (nothing recorded it, not even as failed): redone from the saved progress as
        // soon as the database takes this job's save again (the scheduler saves it late), not an interval later. A
        // page stored in part replays idempotently, and its notices are keyed by content.
        job.schedule(new Date());
      }
      // Everything else is recorded in the sync state; the next interval tries again.
      await refreshAnswerContext(userKey, fenced);
      return undefined;
    } finally {
      // Cut off (releaseStuckRounds made the job due now), whatever came of the run: Agenda saves the job when this
      // returns, and must not move its next run a whole interval on while the database is still open.
      if (fence.closed) job.schedule(new Date());
      running.delete(run);
      await lease.release().catch((error: Error) => logger.warn({ event: 'lease-release-failed', userKey, err: error.message }, 'could not release the sync lease'));
    }
  }

  /** After a job run, whatever it did: the chat's copy of the account and sync state (never throws). */
  async function refreshAnswerContext(userKey: string, through: Collections = collections): Promise<void> {
    try {
      await copyAnswerContext(through, userKey, { onlyIfCopied: true });
    } catch (error) {
      // Answers stay as of the last copy; the next run copies again.
      logger.warn({ event: 'answer-context-copy-failed', userKey, err: (error as Error).message }, 'could not copy the answer context');
    }
  }

  function stopRounds(): void {
    shutdown.abort();
  }

  /**
   * The rounds still running when shutdown stopped waiting (stuck in a Graph call the engine does not race, in a
   * slow write, in a hook). Each is fenced off first and its calls under way are waited for: only then may another
   * process start the user's next round, which resumes from what this one stored, as after a crash. Its sync state
   * says "idle" again, its job is unlocked and due now, its lease is released (a lease is released by its token, so
   * the run's own release later changes nothing). Agenda's own save when the run finally returns (in this process,
   * if it lives that long) writes the job's lock as free and its next run as now: at worst it frees a successor's job
   * lock, which the successor's sync lease still covers (that is what the lease is for), and asks for a round more.
   */
  async function releaseStuckRounds({ fenceWaitMs = FENCE_WAIT_MS }: { fenceWaitMs?: number } = {}): Promise<void> {
    await Promise.all(
      [...running].map(async ({ userKey, lease, fence }) => {
        try {
          if (!(await fence.close(fenceWaitMs))) {
            logger.warn({ event: 'sync-cut-off-unsettled', userKey }, 'a stopped round kept writing; its lease and job lock are left to expire');
            return;
          }
          await markRoundStopped(collections.syncStates, userKey);
          // Still this process's lock (Agenda writes its name with each lock and touch), not a successor's.
          await jobsCollection.updateOne({ name: SYNC_JOB, 'data.userKey': userKey, lastModifiedBy: agenda.attrs.name, lockedAt: { $ne: null } }, { $set: { lockedAt: null, nextRunAt: new Date() } });
          await lease.release();
          logger.info({ event: 'sync-cut-off', userKey }, 'a round did not stop in time: cut off, its lease and job lock released');
        } catch (error) {
          logger.warn({ event: 'sync-cut-off-failed', userKey, err: (error as Error).message }, 'could not release a stopped round');
        }
      }),
    );
  }

  function fenceOffRounds(): number {
    for (const { userKey, fence } of running) {
      // Not waited for: the calls under way were sent before the stall ended; the lease and lock are already gone.
      void fence.close(0);
      logger.warn({ event: 'sync-cut-off', userKey, reason: 'taken-for-dead' }, 'this calbot was taken for dead: its round is cut off, the user\'s next round runs wherever it was taken over');
    }
    return running.size;
  }

  async function askToReconnect(userKey: string): Promise<void> {
    try {
      const user = await collections.chatUsers.findOne({ _id: userKey }, { projection: { conversationReference: 1 } });
      if (!deps.auth || !user?.conversationReference) return;
      const link = await deps.auth.createSignInLink(userKey, user.conversationReference);
      await deps.proactive.send(userKey, {
        attachments: [signInCard(link, { reconnect: true })],
        text: 'I stopped syncing your calendar: your Outlook connection has expired or was revoked.',
      });
      logger.info({ event: 'reconnect-asked', userKey }, 'asked the user to reconnect');
    } catch (error) {
      logger.warn({ event: 'reconnect-ask-failed', userKey, err: (error as Error).message }, 'could not ask the user to reconnect');
    }
  }

  /**
   * Tells the user, once, that Microsoft refuses their account for a reason only their IT admin clears: when the
   * round before did not end with the same refusal (the sync state's adminRefusal, removed by a round that succeeds),
   * so the retries hours apart say nothing, unless that message never got through (the Bot Connector down: told is
   * still false), when the next try tells them. Sent at once, as the reconnect card is: quiet hours and "notify off"
   * are for calendar changes, and syncing has stopped. Never throws.
   */
  async function tellAdminRefusal(userKey: string, through: Collections, refusal: AdminRefusal): Promise<void> {
    try {
      const state = await through.syncStates.findOne({ _id: userKey }, { projection: { adminRefusal: 1, lastSuccessAt: 1 } });
      const previous = state?.adminRefusal;
      if (!state || (previous?.key === refusal.key && previous.told)) return;
      const since = new Date();
      // Every calbot reading this state makes the same claim, and the database lets one insert it (FerretDB applies a
      // filter other than _id after reading, so a conditional update of the state could let two through). The sign-in
      // is part of it: a state made afresh after a disconnect and a new connect is a new episode.
      const account = await through.accounts.findOne({ _id: userKey }, { projection: { connectedAt: 1 } });
      const episode = `${account?.connectedAt.getTime() ?? 0}|${state.lastSuccessAt?.getTime() ?? 0}|${previous ? `${previous.key}@${previous.since.getTime()}` : '-'}`;
      if (!(await claimMessage(through, `admin-refusal|${userKey}|${refusal.key}|${episode}`, since))) return;
      await through.syncStates.updateOne({ _id: userKey }, { $set: { adminRefusal: { key: refusal.key, since, told: false } } });
      const hours = Math.round(Math.max(MAILBOX_RETRY_MS, deps.intervalMs) / 3_600_000);
      await deps.proactive.send(userKey, {
        text: `Microsoft does not let calbot read your calendar: ${refusal.what}. Only your IT admin can change that; give them this code: ${refusal.code}. I'll keep trying every ${hours} hours, or say "sync now" once they have.`,
        textFormat: 'plain',
      });
      await through.syncStates.updateOne({ _id: userKey }, { $set: { 'adminRefusal.told': true } });
      logger.info({ event: 'admin-refusal-told', userKey, refusal: refusal.key }, 'told the user only their admin can clear the refusal');
    } catch (error) {
      logger.warn({ event: 'admin-refusal-tell-failed', userKey, refusal: refusal.key, err: (error as Error).message }, 'could not tell the user about the refusal');
    }
  }

  /**
   * After a round that succeeded: a refusal the user was told of is over, and they hear so once. A message the Bot
   * Connector refused is tried again after the next round (LIFTED_TELL_TRIES in all, each under a claim of its own),
   * the refusal kept until then. Never throws.
   */
  async function tellRefusalLifted(userKey: string, through: Collections): Promise<void> {
    try {
      const refusal = (await through.syncStates.findOne({ _id: userKey }, { projection: { adminRefusal: 1 } }))?.adminRefusal;
      if (!refusal) return;
      const tries = refusal.liftedTellTries ?? 0;
      const forget = () => through.syncStates.updateOne({ _id: userKey }, { $unset: { adminRefusal: '' } });
      if (!refusal.told || tries >= LIFTED_TELL_TRIES || !(await claimMessage(through, `admin-refusal-lifted|${userKey}|${refusal.key}|${refusal.since.getTime()}${tries > 0 ? `|${tries}` : ''}`, new Date()))) {
        await forget();
        return;
      }
      try {
        await deps.proactive.send(userKey, { text: 'calbot can read your calendar again; syncing is back to normal.', textFormat: 'plain' });
      } catch (error) {
        await through.syncStates.updateOne({ _id: userKey }, { $set: { 'adminRefusal.liftedTellTries': tries + 1 } });
        throw error;
      }
      await forget();
      logger.info({ event: 'admin-refusal-lifted', userKey, refusal: refusal.key }, 'told the user the refusal is over');
    } catch (error) {
      logger.warn({ event: 'admin-refusal-lifted-tell-failed', userKey, err: (error as Error).message }, 'could not tell the user the refusal is over');
    }
  }

  /** Whether this process may send the message `id` names: the one whose insert of the claim succeeds. */
  async function claimMessage(through: Collections, id: string, now: Date): Promise<boolean> {
    try {
      // Old claims are deleted with the outbox's (deleteFinished); by then the sync state has moved on.
      await through.noticeClaims.insertOne({ _id: id, outboxId: id, claimedAt: now });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return false;
      throw error;
    }
  }

  async function ensureJob(userKey: string, options: { runNow?: boolean; noRoundSince?: Date } = {}): Promise<void> {
    // insertOnly: an existing job keeps its schedule and, above all, its lock (save() would clear lockedAt).
    try {
      await agenda
        .create<SyncJobData>(SYNC_JOB, { userKey })
        .unique({ 'data.userKey': userKey }, { insertOnly: true })
        .repeatEvery(deps.intervalMs)
        .schedule(new Date())
        .save();
    } catch (error) {
      // Another calbot inserted the job at the same moment (the database's one_job_per_user refused this one): it exists.
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
    await agenda.enable({ name: SYNC_JOB, data: { userKey } });
    if (options.runNow) await requestRun(userKey, options.noRoundSince ? { noRoundSince: options.noRoundSince } : {});
  }

  async function requestRun(userKey: string, options: { noRoundSince?: Date } = {}): Promise<{ alreadyRunning: boolean; missing: boolean; since: SyncStateDoc | null }> {
    const since = await collections.syncStates.findOne({ _id: userKey });
    const now = new Date();
    // Only an unlocked job is moved: touching a locked one could let a second process start the same user.
    const moveJob = () => jobsCollection.updateOne({ name: SYNC_JOB, 'data.userKey': userKey, lockedAt: null, disabled: { $ne: true } }, { $set: { nextRunAt: now } });
    let moved = await moveJob();
    // A round that has just ended keeps Agenda's lock until its job is saved (after the mailbox settings, when they
    // are due): wait for that rather than report a round that is no longer running. The round's pages touch the lock
    // as they are stored, so only a lock taken after the round ended is a new round.
    const endedAt = options.noRoundSince ?? (since && since.status !== 'running' ? roundEndedAt(since) : undefined);
    for (let waited = 0; moved.matchedCount === 0 && endedAt && waited < UNLOCK_WAIT_MS; waited += pollMs) {
      const info = await jobInfo(userKey);
      if (!info || info.disabled || (info.lockedAt && info.lockedAt.getTime() > endedAt.getTime())) break;
      // Released since the last try (or just now): move it at once.
      if (info.lockedAt) await sleep(pollMs);
      moved = await moveJob();
    }
    if (moved.matchedCount === 0) {
      const info = await jobInfo(userKey);
      if (!info || info.disabled) return { alreadyRunning: false, missing: true, since };
      return { alreadyRunning: true, missing: false, since };
    }
    // Wake this process's job processor now rather than at its next poll.
    const wake = agenda.create<SyncJobData>(SYNC_JOB, { userKey });
    wake.attrs.nextRunAt = now;
    await agenda.publishJobNotification(wake);
    return { alreadyRunning: since?.status === 'running', missing: false, since };
  }

  async function waitForRound(userKey: string, since: SyncStateDoc | null, options: { timeoutMs?: number; includeRunning?: boolean } = {}): Promise<SyncStateDoc | undefined> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let seen = since?.lastRunAt?.getTime();
    let includeRunning = options.includeRunning === true;
    while (Date.now() < deadline) {
      const state = await collections.syncStates.findOne({ _id: userKey });
      if (state && state.status !== 'running' && state.lastRunAt) {
        const runAt = state.lastRunAt.getTime();
        if (seen === undefined || runAt > seen || (includeRunning && runAt === seen && since?.status === 'running')) {
          if (roundWasStopped(state) && !shutdown.signal.aborted) {
            // Another calbot's shutdown stopped the round and handed it back, due at once: the one that resumes it
            // (this one, or another) says how it went. "calbot is shutting down" would be untrue from this one.
            seen = runAt;
            includeRunning = false;
            continue;
          }
          await waitForAnswerCopy(userKey, roundEndedAt(state) ?? state.lastRunAt, Math.min(COPY_WAIT_MS, Math.max(0, deadline - Date.now())));
          return state;
        }
      }
      if (!state && since) return undefined; // disconnected meanwhile
      await sleep(pollMs);
    }
    return undefined;
  }

  /**
   * The job run copies a round's outcome onto the chat user after the round has written its sync state: until then,
   * answers still say what the copy said before (say, "syncing is running late"). No copy to refresh: nothing to
   * wait for. Bounded: a copy that failed (logged by the job) or a clock skewed between processes only delays.
   */
  async function waitForAnswerCopy(userKey: string, endedAt: Date, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const user = await collections.chatUsers.findOne({ _id: userKey }, { projection: { 'answerContext.copiedAt': 1 } });
      const copiedAt = user?.answerContext?.copiedAt;
      if (!copiedAt || copiedAt.getTime() >= endedAt.getTime() || Date.now() >= deadline) return;
      await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
    }
  }

  async function jobInfo(userKey: string): Promise<SyncJobInfo | undefined> {
    const job = await jobsCollection.findOne({ name: SYNC_JOB, 'data.userKey': userKey });
    if (!job) return undefined;
    return { nextRunAt: job.nextRunAt ?? null, lockedAt: job.lockedAt ?? null, disabled: job.disabled === true };
  }

  async function removeJob(userKey: string): Promise<void> {
    await agenda.cancel({ name: SYNC_JOB, data: { userKey } });
  }

  async function ensureAllJobs(): Promise<number> {
    const accounts = await collections.accounts.find({ status: 'connected' }, { projection: { _id: 1 } }).toArray();
    const jobs = await jobsCollection.find({ name: SYNC_JOB }, { projection: { data: 1, disabled: 1 } }).toArray();
    const enabled = new Set(jobs.filter((job) => job.disabled !== true).map((job) => job.data?.userKey));
    for (const { _id: userKey } of accounts) {
      // Missing, or still disabled though the account is connected (a reconnect that died before enabling it).
      if (!enabled.has(userKey)) await ensureJob(userKey);
    }
    // Accounts connected before the chat kept a copy of their answer context get one now (job runs only refresh one).
    const copied = new Set((await collections.chatUsers.find({ answerContext: { $exists: true } }, { projection: { _id: 1 } }).toArray()).map((user) => user._id));
    for (const { _id: userKey } of accounts) {
      if (!copied.has(userKey)) await copyAnswerContext(collections, userKey);
    }
    await applyInterval();
    return accounts.length;
  }

  /**
   * SYNC_INTERVAL changed since the jobs were created: insertOnly keeps an existing job's interval, so set it here,
   * and pull a next run the old, longer interval put far out to within one new interval. Locked jobs are left to
   * their holder (their next save would undo it) and fixed at the next start-up.
   */
  async function applyInterval(): Promise<void> {
    const stale = await jobsCollection.find({ name: SYNC_JOB, repeatInterval: { $ne: deps.intervalMs } }).toArray();
    for (const job of stale) {
      if (job.lockedAt) continue;
      const latest = new Date(Date.now() + deps.intervalMs);
      const nextRunAt = job.nextRunAt && job.nextRunAt.getTime() < latest.getTime() ? job.nextRunAt : latest;
      await jobsCollection.updateOne({ _id: job._id, lockedAt: null }, { $set: { repeatInterval: deps.intervalMs, nextRunAt } });
    }
    if (stale.length > 0) logger.info({ event: 'sync-interval-applied', jobs: stale.length, intervalMs: deps.intervalMs }, 'sync jobs moved to the configured interval');
  }

  /**
   * Runs `work` under the user's sync lease, so no round writes while it deletes: a running round is waited for up to
   * ROUND_STOP_WAIT_MS. Past that `work` runs anyway; the round removes what it stores itself once it sees its
   * account gone (syncCalendar). Returns when the lease was taken: no round has run since.
   */
  async function withRoundsStopped(userKey: string, work: () => Promise<void>): Promise<Date | undefined> {
    const deadline = Date.now() + ROUND_STOP_WAIT_MS;
    let lease = await leases.acquire(syncLeaseKey(userKey), HOOK_LEASE_MS);
    while (!lease && Date.now() < deadline) {
      await sleep(pollMs);
      lease = await leases.acquire(syncLeaseKey(userKey), HOOK_LEASE_MS);
    }
    const acquiredAt = lease ? new Date() : undefined;
    if (!lease) logger.warn({ event: 'sync-lease-wait-timeout', userKey }, 'a round kept running; it removes what it stored once it sees the account gone');
    try {
      await work();
    } finally {
      await lease?.release().catch((error: Error) => logger.warn({ event: 'lease-release-failed', userKey, err: error.message }, 'could not release the sync lease'));
    }
    return acquiredAt;
  }

  const hooks: ConnectionHooks = {
    async connected(userKey, { accountChanged }) {
      // Another mailbox: what was synced from the old one (its notices included) must not be mistaken for this one's.
      const noRoundSince = accountChanged ? await withRoundsStopped(userKey, () => forgetCalendar(collections, userKey)) : undefined;
      // A reconnect after needs-reconnect: the state says so until the next round; the job was disabled.
      await collections.syncStates.updateOne({ _id: userKey, status: 'needs-reconnect' }, { $set: { status: 'idle' } });
      // Copied before the first round is asked for, so that round's end refreshes this copy rather than racing it.
      await copyAnswerContext(collections, userKey);
      // The old account's round may have just ended, its job not yet released: the new account's round still runs now.
      await ensureJob(userKey, { runNow: true, ...(noRoundSince ? { noRoundSince } : {}) });
    },
    async disconnected(userKey) {
      await removeJob(userKey);
      await withRoundsStopped(userKey, () => forgetCalendar(collections, userKey));
      await forgetAnswerContext(collections, userKey);
    },
  };

  async function resumeReleasedRounds(leaseKeys: readonly string[]): Promise<number> {
    const userKeys = leaseKeys.filter((key) => key.startsWith(SYNC_LEASE_PREFIX)).map((key) => key.slice(SYNC_LEASE_PREFIX.length));
    let moved = 0;
    for (const userKey of userKeys) {
      moved += (await jobsCollection.updateOne({ name: SYNC_JOB, 'data.userKey': userKey, lockedAt: null, disabled: { $ne: true } }, { $set: { nextRunAt: new Date() } })).modifiedCount;
    }
    return moved;
  }

  return { ensureJob, ensureAllJobs, requestRun, waitForRound, jobInfo, removeJob, stopRounds, releaseStuckRounds, fenceOffRounds, resumeReleasedRounds, hooks };
}

/** How many rounds in a row try to say a refusal is over, when the Bot Connector refuses the message (a chat gone). */
const LIFTED_TELL_TRIES = 3;

/** A refusal only the user's IT admin clears: `key` tells one from another, `what` is it in the user's words, `code` for the admin. */
interface AdminRefusal {
  key: string;
  what: string;
  code: string;
}

/** Graph's code (one of a few it documents, else the status), never its free-text message. */
function mailboxRefusal(error: MailboxUnavailableError): AdminRefusal {
  const code = error.code !== undefined && /^[A-Za-z]{1,64}$/.test(error.code) ? error.code : `HTTP ${error.statusCode}`;
  if (error instanceof MailboxAccessDisabledError) {
    return { key: 'graph:odata-disabled', what: 'your organisation\'s Exchange settings keep apps like calbot out of your mailbox ("Access to OData is disabled")', code };
  }
  return { key: `graph:${code}`, what: 'your account has no Exchange Online mailbox calbot can read (no Exchange Online licence, or a mailbox on an on-premises Exchange server or inactive)', code };
}

/** 403 codes Graph answers for a grant that lacks consent (or the claims conditional access wants): only a sign-in helps. */
const GRANT_REFUSED_CODES = new Set(['ErrorAccessDenied', 'Authorization_RequestDenied', 'insufficient_claims', 'AccessDenied']);

function graphRefusal(error: GraphAuthError): 'graph_unauthorized' | 'graph_forbidden' | undefined {
  if (error.statusCode === 401) return 'graph_unauthorized';
  if (error.statusCode === 403 && error.code !== undefined && GRANT_REFUSED_CODES.has(error.code)) return 'graph_forbidden';
  return undefined;
}
