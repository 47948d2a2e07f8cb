import { DateTime } from 'luxon';
import type { MicrosoftAuth } from '../auth/microsoft-auth.js';
import { microsoftAppMissingMessage } from '../auth/sign-in-card.js';
import { defineCommand, type ChatCommand } from '../chat/chat-command.js';
import type { ProactiveSender } from '../chat/proactive.js';
import { clockTime, shortDate, type ClockStyle } from '../chat/date-text.js';
import { resolveUserZone } from '../chat/time-zone.js';
import type { Logger } from '../log.js';
import { replyHoldKey, type NoticeService } from '../notices/notice-service.js';
import type { AccountDoc, ChatUserDoc, Collections, SyncStateDoc } from '../store/collections.js';
import { Leases } from '../store/leases.js';
import type { SyncJobInfo, SyncJobs } from './sync-jobs.js';
import { luxonZone } from '../chat/zone-offsets.js';

const SYNC_NOW = /^(?:re-?sync|sync|refresh)(?: (?:my |the )?(?:outlook|calendar|outlook calendar))?(?: now| again)?$/;
const SYNC_STATUS = /^(?:sync status|sync info|last sync|when did you last sync|calendar sync status)$/;

export interface SyncCommandDeps {
  collections: Collections;
  jobs: SyncJobs;
  proactive: ProactiveSender;
  /** The round's change notices wait for "sync now"'s reply, then are sent. */
  notices: Pick<NoticeService, 'sendDue'>;
  logger: Logger;
  /** Undefined when the Microsoft app is not configured: nothing syncs, and only an admin can change that. */
  auth: MicrosoftAuth | undefined;
  /** How long "sync now" keeps the turn open before answering later, proactively (Bot Framework turns time out). */
  inTurnWaitMs?: number;
  /** How long to wait for a round at all. */
  roundTimeoutMs?: number;
  /** "Now" for the answers' words ("today at 14:05"); whether Graph may be called yet stays on the real clock. */
  clock?: () => Date;
}

/** How long a "sync now"'s hold on the user's notices lasts unless renewed: a process that dies holding it delays them this long. */
const REPLY_HOLD_MS = 30_000;

/** "sync now" and "sync status". */
export function syncCommands(deps: SyncCommandDeps): ChatCommand<any, any>[] {
  const { collections, jobs, logger } = deps;
  const inTurnWaitMs = deps.inTurnWaitMs ?? 10_000;
  const roundTimeoutMs = deps.roundTimeoutMs ?? 10 * 60_000;
  const clock = deps.clock ?? (() => new Date());
  // Leases run on the real clock, as the notice sender reads them.
  const holds = new Leases(collections.leases, `sync-now-${process.pid}`);

  /**
   * The user asked; the answer ("Synced: 1 new, ...") comes first, then the notices of what the round found, which
   * say what it counted. Until `release()` the notice senders (of every process: a lease) leave the user's notices
   * in the outbox, untouched, so nothing is lost or sent twice; release() sends them. Another "sync now" holding it
   * already (said twice): that one's release sends them.
   */
  const holdNotices = async (userKey: string) => {
    const hold = await holds.acquire(replyHoldKey(userKey), REPLY_HOLD_MS).catch((error: Error) => {
      // Notices then simply do not wait for the reply.
      logger.warn({ event: 'sync-now-hold-failed', userKey, err: error.message }, 'sync now: could not hold the notices back');
      return undefined;
    });
    const renewal = setInterval(() => void hold?.renew(REPLY_HOLD_MS).catch(() => undefined), REPLY_HOLD_MS / 3);
    renewal.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(renewal);
      if (!hold) return;
      await hold.release().catch((error: Error) => logger.warn({ event: 'sync-now-hold-release-failed', userKey, err: error.message }, 'sync now: could not release the notices (they go when the hold lapses)'));
      // Not awaited: a turn does not wait for the notices' pacing (the notice service tracks the pass).
      void deps.notices.sendDue(userKey).catch((error: Error) => logger.error({ event: 'notices-send-failed', userKey, err: error.message }, 'sending notices failed'));
    };
  };

  /**
   * What the round did, unless the user disconnected while it ran ("disconnect outlook" said right after): the round
   * stops, what it stored is deleted, and "Synced: 1 new" (or "didn't finish in time") would tell of a calendar gone.
   */
  const summaryFor = async (userKey: string, state: SyncStateDoc | undefined) =>
    (await collections.accounts.findOne({ _id: userKey }, { projection: { _id: 1 } })) ? roundSummary(state) : DISCONNECTED_DURING_SYNC_TEXT;

  return [
    defineCommand({
      name: 'sync-now',
      help: { usage: 'sync now', description: 'read your Outlook calendar again right away' },
      match: (text) => (SYNC_NOW.test(text) ? {} : undefined),
      async run(turn, user) {
        // Not "connect outlook", which would only say the same after one more turn.
        if (!deps.auth) return void (await turn.sendActivity(microsoftAppMissingMessage()));
        const account = await collections.accounts.findOne({ _id: user._id });
        if (!account) return void (await turn.sendActivity('You are not connected to Outlook. Say "connect outlook" to link your calendar.'));
        if (account.status === 'needs-reconnect') return void (await turn.sendActivity(`Your Outlook connection (${account.username}) has expired or was revoked. Say "reconnect" to sign in again.`));
        const state = await collections.syncStates.findOne({ _id: user._id }, { projection: { throttledUntil: 1, 'lastError.kind': 1 } });
        if (state?.throttledUntil && state.throttledUntil.getTime() > Date.now()) {
          // The job would not call Graph before then anyway; say so instead of waiting for nothing.
          const zone = resolveUserZone({ override: user.timeZoneOverride, mailbox: account.mailboxTimeZone, client: user.clientTimeZone });
          const why = state.lastError?.kind === 'unavailable' ? 'Microsoft Graph is not answering and asked me to wait' : 'Microsoft asked me to slow down';
          return void (await turn.sendActivity(`${why}, so I won't read your calendar before ${formatWhen(state.throttledUntil, clock(), zone, account.clockStyle)}. I'll catch up then on my own.`));
        }
        // Before the round is asked for: its notices are sent as it ends, and must find the hold there.
        const release = await holdNotices(user._id);
        let later = false;
        try {
          let request = await jobs.requestRun(user._id);
          if (request.missing) {
            await jobs.ensureJob(user._id);
            request = await jobs.requestRun(user._id);
          }
          if (request.alreadyRunning) await turn.sendActivity("A sync is already running; I'll tell you when it finishes.");
          const round = jobs.waitForRound(user._id, request.since, { timeoutMs: roundTimeoutMs, includeRunning: request.alreadyRunning });
          const early = await Promise.race([round, new Promise<'later'>((done) => setTimeout(() => done('later'), inTurnWaitMs).unref())]);
          if (early !== 'later') return void (await turn.sendActivity(await summaryFor(user._id, early)));
          // "Already running" has said that the answer comes when the round ends; saying it again adds nothing.
          if (!request.alreadyRunning) await turn.sendActivity("Syncing your calendar; it's taking a while, I'll tell you when it's done.");
          later = true;
          void round
            .then(
              async (state) => deps.proactive.send(user._id, await summaryFor(user._id, state)),
              (error: Error) => logger.warn({ event: 'sync-now-wait-failed', userKey: user._id, err: error.message }, 'sync now: waiting failed'),
            )
            .catch((error: Error) => logger.warn({ event: 'sync-now-reply-failed', userKey: user._id, err: error.message }, 'sync now: could not reply'))
            .finally(() => release());
        } finally {
          // Answered in the turn (or failed): the notices go now. Answered later: when that answer is out.
          if (!later) await release();
        }
      },
    }),
    defineCommand({
      name: 'sync-status',
      help: { usage: 'sync status', description: 'when your calendar was last synced, and any problem' },
      match: (text) => (SYNC_STATUS.test(text) ? {} : undefined),
      async run(turn, user) {
        const account = await collections.accounts.findOne({ _id: user._id });
        const state = await collections.syncStates.findOne({ _id: user._id });
        if (!account && !deps.auth) return void (await turn.sendActivity(microsoftAppMissingMessage()));
        const job = account ? await jobs.jobInfo(user._id) : undefined;
        await turn.sendActivity(syncStatusText({ user, account, state, job, now: clock() }));
      },
    }),
  ];
}

export const DISCONNECTED_DURING_SYNC_TEXT = 'The sync stopped: you disconnected Outlook.';

/** The answer to "sync now" once the round is over. */
export function roundSummary(state: SyncStateDoc | undefined): string {
  if (!state) return "The sync didn't finish in time; say \"sync status\" in a moment to see how it went.";
  const succeeded = state.lastSuccessAt && state.lastRunAt && state.lastSuccessAt.getTime() >= state.lastRunAt.getTime();
  // Ended with neither a success nor a failure of its own: stopped because calbot is shutting down (RoundStoppedError).
  const failedNow = state.lastError && state.lastRunAt && state.lastError.at.getTime() >= state.lastRunAt.getTime();
  if (!succeeded && !failedNow) return "The sync was interrupted: calbot is shutting down. It picks up where it left off when calbot is back.";
  if (!succeeded) return `The sync didn't work: ${state.lastError?.message ?? 'an unknown problem'}`;
  const counts = state.lastCounts ?? { added: 0, updated: 0, removed: 0 };
  return `Synced: ${counts.added} new, ${counts.updated} changed, ${counts.removed} removed.`;
}

/** "sync status": last success, last problem in plain words, next run; times in the user's own zone. */
export function syncStatusText(input: { user: ChatUserDoc; account: AccountDoc | null; state: SyncStateDoc | null; job: SyncJobInfo | undefined; now: Date }): string {
  const { user, account, state, job, now } = input;
  if (!account) return 'You are not connected to Outlook, so nothing is synced. Say "connect outlook" to link your calendar.';
  const zone = resolveUserZone({ override: user.timeZoneOverride, mailbox: account.mailboxTimeZone, client: user.clientTimeZone });
  const when = (date: Date) => formatWhen(date, now, zone, account.clockStyle);
  const lines: string[] = [];
  const paused = account.status === 'needs-reconnect' || state?.status === 'needs-reconnect';
  if (paused) {
    lines.push(`Syncing is paused: your Outlook connection (${account.username}) has expired or was revoked. Say "reconnect" to sign in again.`);
  }
  const running = state?.status === 'running';
  if (running) lines.push(`A sync is running now (started ${when(state.lastRunAt ?? now)}).`);
  if (state?.lastSuccessAt) {
    const counts = state.lastCounts;
    lines.push(`Last synced ${when(state.lastSuccessAt)}${counts ? ` (${counts.added} new, ${counts.updated} changed, ${counts.removed} removed)` : ''}.`);
  } else {
    lines.push('Your calendar has not been synced yet.');
  }
  if (state?.lastError && (!state.lastSuccessAt || state.lastError.at.getTime() > state.lastSuccessAt.getTime())) {
    // The paused line already says it (with "reconnect", where this stored sentence says "connect outlook").
    if (!(paused && state.lastError.kind === 'reconnect-needed')) lines.push(`Last problem, ${when(state.lastError.at)}: ${state.lastError.message}`);
  } else if (state?.lastSuccessAt) {
    // "Since" the sync above: with none yet, there is nothing for it to follow.
    lines.push('No problems since.');
  }
  if (state?.throttledUntil && state.throttledUntil.getTime() > now.getTime()) lines.push(`Microsoft asked me to wait; I won't read your calendar before ${when(state.throttledUntil)}.`);
  // While a round runs, Agenda's next run is the one under way: "Next sync: now" beside "running now" says it twice.
  if (account.status === 'connected' && job && !job.disabled && job.nextRunAt && !(running && job.nextRunAt.getTime() <= now.getTime())) {
    lines.push(job.nextRunAt.getTime() <= now.getTime() ? 'Next sync: now.' : `Next sync ${when(job.nextRunAt)}.`);
  }
  return lines.join('\n\n');
}

/** "today at 14:05" (or 2:05 PM), "yesterday at 09:00", "on Tue 24 Nov at 09:00" ("on Wed 30 Dec 2026 at 09:00" from 2027), " UTC" after it in UTC. */
function formatWhen(date: Date, now: Date, zone: string, clock: ClockStyle | undefined): string {
  const at = DateTime.fromJSDate(date, { zone: luxonZone(zone) });
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) }).startOf('day');
  const days = Math.round(at.startOf('day').diff(today, 'days').days);
  const time = clockTime(at, clock);
  const day = days === 0 ? 'today' : days === -1 ? 'yesterday' : days === 1 ? 'tomorrow' : `on ${shortDate(at, today)}`;
  return `${day} at ${time}${zone === 'UTC' ? ' UTC' : ''}`;
}
