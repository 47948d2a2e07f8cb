import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import { ConnectorSend, connectorRetryAfterMs } from '../chat/connector-retry-after.js';
import { ConversationGoneError, NoConversationError, statusOf, type ProactiveSender } from '../chat/proactive.js';
import { readUserClock } from '../chat/chat-users.js';
import { CARD_CHANNELS } from '../chat/schedule-card.js';
import type { Logger } from '../log.js';
import type { Scheduler } from '../scheduler.js';
import type { Collections } from '../store/collections.js';
import { databaseUnavailable } from '../store/database.js';
import { Leases, type Lease } from '../store/leases.js';
import { createUserLocks } from '../auth/user-lock.js';
import type { Change, ChangeSet } from '../sync/change-set.js';
import { syncLeaseKey } from '../sync/sync-jobs.js';
import { ConversationRateLimit } from './conversation-rate-limit.js';
import { MAX_SEPARATE_NOTICES, renderNoticeSummary } from './notice-card.js';
import { describeChange, firstSyncText, foldSeries, isNoticeWorthy, mergeByEvent, noticeId, type NoticeLine } from './notice-text.js';
import { Outbox, type NoticeDoc } from './outbox.js';
import { quietHoursEnd } from './quiet-hours.js';

/**
 * Change notices: the sync engine hands over each stored round's change set; the worthy changes go into the
 * outbox (once, whatever replays or races); a sender claims due notices, shapes them into as few messages as
 * reads well (one each up to MAX_SEPARATE_NOTICES, else one summary card), respects "notify off", quiet hours
 * and Teams' per-conversation limits, and retries failures with backoff.
 *
 * Gone conversations (connector 403/404): the notices are dropped with a log line, not held. They are about
 * changes that were current then; when the user writes again (which revives the conversation) new changes are
 * announced as usual and "what's on" shows the calendar as it is.
 *
 * A throttled conversation (429 or 503 with a Retry-After longer than the connector client waits in-line, see
 * connector-retry-after.ts): that user's notices are due again when the connector asked, and meanwhile no calbot
 * on the database sends that user anything new; the pass goes on with everyone else's.
 *
 * Stopping (stop()): no message starts to be sent; claimed notices not sent are handed back, due as they were, so
 * the next sender (another process, or this one restarted) takes them at once rather than after their claims lapse.
 * A send under way when the time is up is given up. Known not to have arrived (not sent yet, or refused and
 * waiting to retry), it is handed back too, due when the connector asked; accepted, it is sent. One whose request
 * is out unanswered may or may not have arrived, and the Bot Connector has no idempotency key: it is marked
 * unconfirmed and never sent again (at most once: a user may miss one notice, never see one twice; the calendar
 * itself, and "what's on", show the change either way).
 */

/** What one successful sync round reports; called after its events and sync state are stored. */
export interface RoundResult {
  changeSet: ChangeSet;
  /** The first round of a connection: one "Synced N events" line instead of a notice per event. */
  firstRound: boolean;
  totalEvents?: number;
}

export type OnRoundComplete = (userKey: string, result: RoundResult) => Promise<void>;

export interface NoticeOptions {
  /**
   * Failures the connector may recover from (5xx, 408, 429, 401, no answer) are retried this long after a notice's
   * first failed send, so an outage of the Bot Connector delays notices rather than losing them. A notice about an
   * event that ends sooner is dropped when it ends (event-over).
   */
  retryForMs: number;
  /** Sends before a notice the connector refuses (another 4xx: the message itself is at fault) is given up. */
  maxAttempts: number;
  /** First retry after this; doubles per attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a claim (and the per-user sender lease) lasts unless renewed: a sender that dies is replaced after it. */
  claimMs: number;
  /** A sender renews its claims and lease this often while it sends (a slow connector, a long Retry-After). */
  claimRenewMs: number;
  /** Sent and dead notices are deleted after this (a replay older than this would notify again). */
  retentionMs: number;
  /**
   * A send the connector has not answered in this long is given up (the client makes no further attempt) and retried
   * as a failure with no answer: a connection it never answers (a hung proxy, packets dropped) held the user's notices,
   * and the send-notices job every user's, until the job's lock lifetime ran out, again and again.
   */
  sendTimeoutMs: number;
  /** The clock every decision reads: horizon, quiet hours, backoff. */
  now: () => Date;
}

export const DEFAULT_NOTICE_OPTIONS: NoticeOptions = {
  retryForMs: 24 * 3_600_000,
  maxAttempts: 6,
  retryBaseMs: 10_000,
  retryMaxMs: 15 * 60_000,
  claimMs: 2 * 60_000,
  claimRenewMs: 30_000,
  retentionMs: 7 * 86_400_000,
  sendTimeoutMs: 60_000,
  now: () => new Date(),
};

export interface NoticeServiceDependencies {
  collections: Collections;
  proactive: ProactiveSender;
  logger: Logger;
  /** NOTIFY_HORIZON_DAYS: only events starting within this many days are worth a notice. */
  horizonDays: number;
  options?: Partial<NoticeOptions>;
}

export interface NoticeService {
  /**
   * For the sync engine, before it stores a page: puts the page's notices in the outbox (each keyed by its content,
   * so the same change queued again is one notice). Throws when they could not be queued: the engine then fails
   * the round before storing the page, and the changes are found again next round. They are sent when the round
   * completes, all pages' together (a round that fails leaves them to the send-notices job).
   */
  queueChanges(userKey: string, changes: readonly Change[]): Promise<void>;
  /** For the sync engine, after a round: sends what its pages queued; a first round's one-line summary instead. */
  onRoundComplete: OnRoundComplete;
  /** One sender pass: every due notice (or one user's); what the send-notices job runs. */
  sendDue(userKey?: string): Promise<{ sent: number }>;
  /** Quiet hours were turned off: send what they held now. */
  releaseHeld(userKey: string): Promise<void>;
  /** Resolves when every sender pass under way (after a round, a command, the job) has finished. */
  idle(): Promise<void>;
  /**
   * Shutdown: from now on no message starts to be sent (passes started later send nothing), and what is claimed
   * but not sent goes back to the outbox; a send under way gets `giveUpAfterMs` to be answered, then is given up
   * (see above). Resolves when every pass has ended.
   */
  stop(giveUpAfterMs: number): Promise<void>;
}

export const SEND_NOTICES_JOB = 'send-notices';
/**
 * The lease "sync now" holds while it answers: the user's notices wait for it, in every process, so its reply
 * ("Synced: 1 new, ...") comes before the notices of the round it reports; it sends them once its reply is out.
 */
export const replyHoldKey = (userKey: string) => `notices-after-reply:${userKey}`;
/** The lease a conversation's Retry-After holds until it has passed (see throttledUntil). */
const throttleKey = (userKey: string) => `notices-throttled:${userKey}`;
const FRESH_NOTICE_MS = 2_000;
/** How often a send the connector took, and the database could not record (it was away), is recorded again. */
const RECORD_RETRY_MS = 1_000;
/** Why a notice whose send was given up at shutdown without an answer is not sent again. */
export const UNCONFIRMED = 'unconfirmed: calbot stopped before the Bot Connector answered; it may have arrived';

export function createNoticeService(deps: NoticeServiceDependencies): NoticeService {
  const { collections, proactive, logger, horizonDays } = deps;
  const options = { ...DEFAULT_NOTICE_OPTIONS, ...deps.options };
  const now = options.now;
  const outbox = new Outbox(collections);
  const rateLimit = new ConversationRateLimit();
  // One sender per user across processes, so a round's notices are composed (batched, ordered, paced) as one.
  // Exactly-once does not rest on it: each notice is claimed on its own (see Outbox.claim).
  const leases = new Leases(collections.leases, `notices-${process.pid}-${randomBytes(4).toString('hex')}`, now);
  // Only read, to see whether a user's round is under way: the sync jobs' leases run on the real clock.
  const syncLeases = new Leases(collections.leases, 'notices', () => new Date());
  const background = new Set<Promise<unknown>>();
  let lastCleanup = 0;

  /**
   * Until when the connector asked calbot to leave the user's conversation alone (Retry-After): a lease lasting that
   * long, so that every process's senders wait, not only the one it refused (kept in memory, another calbot on the
   * database sent the user's next notices at once, into the refusal).
   */
  const throttledUntil = (userKey: string): Promise<Date | undefined> => leases.heldUntil(throttleKey(userKey));

  /** Sends for one user run one at a time in this process, so a batch is composed and paced as one. */
  const userLocks = createUserLocks();

  /** stop(): no message starts to be sent; waits for the conversation's pace end at once. */
  const stopping = new AbortController();
  /** stop()'s time is up: sends still under way are given up. */
  const givingUp = new AbortController();
  const givenUp = new Promise<'given-up'>((done) => givingUp.signal.addEventListener('abort', () => done('given-up'), { once: true }));

  /** Every sender pass is tracked, whoever started it (a round, a command, the job), so idle() can wait for all. */
  const tracked = <T>(run: Promise<T>): Promise<T> => {
    background.add(run);
    void run.then(
      () => background.delete(run),
      () => background.delete(run),
    );
    return run;
  };

  const kick = (userKey: string) => {
    void sendDue(userKey).catch((error: Error) => logger.error({ event: 'notices-send-failed', userKey, err: error.message }, 'sending notices failed'));
  };

  /**
   * Never throws: the round is already stored, so failing the sync job would not bring the summary back; the
   * error is logged. Per-event notices are not queued here: the engine queued each page's before storing it.
   */
  const onRoundComplete: OnRoundComplete = async (userKey, { changeSet, firstRound, totalEvents }) => {
    if (!firstRound) {
      // Every page of the round is queued now: sent together, they are composed as one (a card beyond
      // MAX_SEPARATE_NOTICES). Kicked page by page, each page would go out on its own.
      if (changeSet.changes.length > 0) kick(userKey);
      return;
    }
    try {
      // Keyed by the connection: a replayed first round says it once; a later reconnect says it again.
      const account = await collections.accounts.findOne({ _id: userKey }, { projection: { connectedAt: 1 } });
      const connection = account?.connectedAt?.getTime() ?? 'unknown';
      const inserted = await outbox.enqueue(
        { _id: `${userKey}|#first-sync|${connection}`, userKey, kind: 'summary', payload: { text: firstSyncText(totalEvents ?? changeSet.added), immediate: true } },
        now(),
      );
      logger.info({ event: 'notices-first-sync', userKey, totalEvents, inserted }, 'first sync: one summary line, no per-event notices');
      if (inserted) kick(userKey);
    } catch (error) {
      logger.error({ event: 'notices-queue-failed', userKey, err: (error as Error).message }, 'could not queue the first sync summary');
    }
  };

  async function queueChanges(userKey: string, changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const at = now();
    const user = await collections.chatUsers.findOne({ _id: userKey });
    if (user?.notify?.enabled === false) {
      logger.info({ event: 'notices-off', userKey, changes: changes.length }, 'notices off: nothing queued');
      return;
    }
    const { zone, clock } = await readUserClock(collections, userKey, user);
    const worthy = changes.filter((change) => isNoticeWorthy(change, at, horizonDays, zone));
    let inserted = 0;
    for (const change of worthy) {
      const line = describeChange(change, zone, at, clock);
      if (await outbox.enqueue({ _id: noticeId(userKey, change), userKey, kind: change.kind, payload: { text: line.text, line } }, at)) inserted++;
    }
    logger.info({ event: 'notices-queued', userKey, changes: changes.length, worthy: worthy.length, inserted }, 'notices queued');
  }

  async function idle(): Promise<void> {
    while (background.size > 0) await Promise.allSettled([...background]);
  }

  function sendDue(onlyUser?: string): Promise<{ sent: number }> {
    return tracked(sendPass(onlyUser));
  }

  async function sendPass(onlyUser: string | undefined): Promise<{ sent: number }> {
    if (stopping.signal.aborted) return { sent: 0 };
    const at = now();
    if (!onlyUser) {
      const released = await outbox.releaseExpiredClaims(at);
      if (released > 0) logger.warn({ event: 'notices-claims-expired', released }, 'notice claims expired (a sender stopped mid-send); sending them again');
      if (at.getTime() - lastCleanup > 3_600_000) {
        lastCleanup = at.getTime();
        const deleted = await outbox.deleteFinished(new Date(at.getTime() - options.retentionMs));
        if (deleted > 0) logger.info({ event: 'notices-cleanup', deleted }, 'old notices deleted');
      }
    }
    // The job's pass leaves a round still being synced to the kick that follows its completion, so it never sends
    // half of a round (and splits a summary into messages): it skips notices younger than a moment, and users
    // whose round is under way (its sync lease held; a crashed round's lapses, and the job sends what it queued).
    const due = await outbox.listDue(onlyUser ? at : new Date(at.getTime() - FRESH_NOTICE_MS), onlyUser);
    const byUser = new Map<string, string[]>();
    for (const { _id, userKey } of due) byUser.set(userKey, [...(byUser.get(userKey) ?? []), _id]);
    const counts = await Promise.all(
      [...byUser].map(async ([userKey, ids]) => {
        if (!onlyUser && (await syncLeases.isHeld(syncLeaseKey(userKey)))) return 0;
        if (await syncLeases.isHeld(replyHoldKey(userKey))) return 0;
        // Another process holding this user's lease sends these; what it misses, the next pass finds.
        return userLocks.run(userKey, async () => (await leases.withLease(`notices|${userKey}`, options.claimMs, (lease) => deliver(userKey, ids, lease)))?.value ?? 0);
      }),
    );
    return { sent: counts.reduce((sum, count) => sum + count, 0) };
  }

  /** Claims the user's due notices, then sends them as a few messages; returns how many notices were sent. */
  async function deliver(userKey: string, ids: string[], lease: Lease): Promise<number> {
    if (stopping.signal.aborted) return 0;
    const claimed: NoticeDoc[] = [];
    for (const id of ids) {
      const doc = await outbox.claim(id, now(), options.claimMs);
      if (doc) claimed.push(doc);
    }
    if (claimed.length === 0) return 0;
    const keepingClaims = <T>(slow: () => Promise<T>) => whileRenewing(userKey, lease, claimed, slow);

    const user = await collections.chatUsers.findOne({ _id: userKey });
    if (!user?.conversationReference || user.conversationDead) {
      await drop(userKey, claimed, user ? 'conversation-gone' : 'no-conversation', false);
      return 0;
    }
    const immediate = claimed.filter((doc) => doc.payload.immediate);
    let notices = claimed.filter((doc) => !doc.payload.immediate);
    if (notices.length > 0 && user.notify?.enabled === false) {
      await drop(userKey, notices, 'notify-off', false);
      notices = [];
    }
    const words = notices.length > 0 ? await readUserClock(collections, userKey, user) : undefined;
    const quietUntil = words ? quietHoursEnd(now(), words.zone, user.notify?.quietHours) : undefined;
    if (quietUntil) {
      for (const doc of notices) await outbox.holdUntil(doc, quietUntil);
      logger.info({ event: 'notices-held', userKey, count: notices.length, until: quietUntil.toISOString() }, 'quiet hours: notices held');
      notices = [];
    }

    // Held through quiet hours or retried for long, a notice about an event that is over is noise by now.
    const over = notices.filter((doc) => doc.payload.line && new Date(doc.payload.line.endsAt).getTime() <= now().getTime());
    if (over.length > 0) {
      await drop(userKey, over, 'event-over', false);
      notices = notices.filter((doc) => !over.includes(doc));
    }

    // Several about one event (held, or retried): one line from the event as the user knew it to the event as it is.
    const told = (words ? mergeByEvent(notices.map(lineOf), words.zone, now(), words.clock) : []).map(({ line, members }) => ({ line, docs: members.map((index) => notices[index]!) }));
    const superseded = told.filter(({ line }) => !line).flatMap(({ docs }) => docs);
    for (const doc of superseded) await outbox.markDead(doc, 'superseded: later changes of the event undid it', false);
    if (superseded.length > 0) logger.info({ event: 'notices-superseded', userKey, notices: superseded.length }, 'notices undone by later changes of their event: not sent');
    // Added tomorrow and then moved into this morning, it is over: as above.
    const overNow = told.filter(({ line, docs }) => line && docs.length > 1 && line.endsAt.getTime() <= now().getTime()).flatMap(({ docs }) => docs);
    if (overNow.length > 0) await drop(userKey, overNow, 'event-over', false);
    const lines = told.flatMap(({ line, docs }) => (line && !docs.some((doc) => overNow.includes(doc)) ? [{ line, docs }] : []));

    const messages = [...immediate.map((doc) => ({ docs: [doc], activity: textActivity(doc.payload.text) })), ...compose(lines, user.conversationReference.channelId)];
    // Refused until then: these wait with the notices the connector refused (and go out after them) rather than
    // be refused again, or overtake them if it took them.
    const waitUntil = messages.length > 0 ? await throttledUntil(userKey) : undefined;
    if (waitUntil) {
      const waiting = messages.flatMap((message) => message.docs);
      for (const doc of waiting) await outbox.retryAt(doc, waitUntil, false);
      logger.info({ event: 'notices-deferred', userKey, notices: waiting.length, until: waitUntil.toISOString() }, 'conversation throttled by the Bot Connector: notices wait for its Retry-After');
      return 0;
    }
    let sent = 0;
    for (const [index, message] of messages.entries()) {
      const rest = messages.slice(index).flatMap((m) => m.docs);
      if (stopping.signal.aborted) {
        await handBack(userKey, rest);
        return sent;
      }
      const send = new ConnectorSend();
      let outcome: 'sent' | 'stopped' | 'given-up';
      try {
        outcome = await keepingClaims(async () => {
          // Again after each wait: a timer may fire a millisecond early by Date.now().
          for (let wait = rateLimit.delayMs(userKey, Date.now()); wait > 0; wait = rateLimit.delayMs(userKey, Date.now())) {
            if (!(await sleep(wait, true, { signal: stopping.signal }).catch(() => false))) return 'stopped';
          }
          if (stopping.signal.aborted) return 'stopped';
          const sending = send.run(() => proactive.send(userKey, message.activity)).finally(() => {
            // Counted from the connector's answer, not from the start of the send: Teams counts a send when it
            // arrives, somewhere in between, and counted from its start, a send slow to arrive (the chat-user read
            // before it, the connector's latency) fell inside a later one's window: Teams refused a burst twice.
            rateLimit.record(userKey, Date.now());
          });
          const timeout = new AbortController();
          const unanswered = sleep(options.sendTimeoutMs, undefined, { signal: timeout.signal }).then(() => {
            if (send.giveUp() === 'delivered') return 'sent' as const; // answered just now
            throw new Error(`the Bot Connector did not answer within ${Math.round(options.sendTimeoutMs / 1000)} s`);
          }, () => new Promise<never>(() => undefined));
          try {
            return await Promise.race([sending.then(() => 'sent' as const), givenUp, unanswered]);
          } finally {
            timeout.abort();
          }
        });
      } catch (error) {
        if (error instanceof ConversationGoneError || error instanceof NoConversationError) {
          await drop(userKey, rest, 'conversation-gone', true);
        } else {
          await retryLater(userKey, message.docs, messages.slice(index + 1).flatMap((m) => m.docs), error);
        }
        return sent;
      }
      if (outcome === 'stopped') {
        await handBack(userKey, rest);
        return sent;
      }
      const known = outcome === 'given-up' ? send.giveUp() : 'delivered';
      if (known === 'not-delivered') {
        // Nothing of it is out, and no further attempt starts: it waits for the next sender with the rest, no
        // sooner than the connector asked if it refused it.
        const retryAfterMs = send.retryAfterLeftMs();
        await handBack(userKey, rest, retryAfterMs > 0 ? new Date(now().getTime() + retryAfterMs) : undefined);
        return sent;
      }
      if (known === 'unknown') {
        for (const doc of message.docs) await outbox.markDead(doc, UNCONFIRMED, true);
        logger.warn({ event: 'notices-unconfirmed', userKey, notices: message.docs.length }, 'stopping: a notice send got no answer in time; it may have arrived, and is not sent again');
        await handBack(userKey, messages.slice(index + 1).flatMap((m) => m.docs));
        return sent;
      }
      await recordSent(userKey, message.docs, now());
      sent += message.docs.length;
      logger.info({ event: 'notices-sent', userKey, notices: message.docs.length, summary: message.docs.length > 1 }, 'notice sent');
    }
    return sent;
  }

  /**
   * Runs `slow` (a rate-limit wait and a connector send) while renewing the claims and the user's lease: the
   * connector client waits out a short Retry-After in-line (up to MAX_INLINE_RETRY_AFTER_MS, three times) and
   * retries a 5xx, and a claim that lapsed mid-send would let another process send the same notices again.
   * Renewals stop before the sender writes the notices again: FerretDB writes an update back as the whole
   * document, so a renewal racing "sent" could put "sending" back.
   */
  async function whileRenewing<T>(userKey: string, lease: Lease, claimed: readonly NoticeDoc[], slow: () => Promise<T>): Promise<T> {
    let renewing: Promise<void> | undefined;
    const renewal = setInterval(() => {
      renewing ??= Promise.all([outbox.renewClaims(claimed, new Date(now().getTime() + options.claimMs)), lease.renew(options.claimMs)])
        .then(([, held]) => {
          if (!held) logger.warn({ event: 'notices-lease-lost', userKey }, 'notice sender lease lost mid-send');
        })
        .catch((error: Error) => logger.warn({ event: 'notices-renew-failed', userKey, err: error.message }, 'could not renew notice claims'))
        .finally(() => {
          renewing = undefined;
        });
    }, options.claimRenewMs);
    renewal.unref();
    try {
      return await slow();
    } finally {
      clearInterval(renewal);
      await renewing;
    }
  }

  /**
   * The connector took the message: it is recorded as sent, or its claim lapses and it is sent again, a second copy in
   * the chat. With the database away, the user's notices wait here (behind the user's lock, so no pass of this
   * process sends it again meanwhile) and the record is tried again every second until the database answers; only
   * stop()'s time running out ends the wait, the notice then left to be sent again once its claim lapses.
   */
  async function recordSent(userKey: string, docs: NoticeDoc[], sentAt: Date): Promise<void> {
    let waiting = false;
    for (const doc of docs) {
      for (;;) {
        try {
          await outbox.markSent(doc, sentAt);
          break;
        } catch (error) {
          if (!databaseUnavailable(error) || givingUp.signal.aborted) throw error;
          if (!waiting) logger.warn({ event: 'notices-sent-unrecorded', userKey, notices: docs.length, err: (error as Error).message }, 'notice sent, but the database is away: recorded once it answers');
          waiting = true;
          await sleep(RECORD_RETRY_MS, undefined, { signal: givingUp.signal }).catch(() => undefined);
        }
      }
    }
    if (waiting) logger.info({ event: 'notices-sent-recorded', userKey, notices: docs.length }, 'the database is back: the notice sent is recorded');
  }

  /**
   * The occurrences of a series changed alike are one line (foldSeries). Up to MAX_SEPARATE_NOTICES lines: a message
   * each, in start order. More, or held by quiet hours: one summary card, its rows also as text where cards do not
   * show (on a channel that renders them, its header is the summary: what Teams puts in the notification).
   */
  function compose(lines: { line: NoticeLine; docs: NoticeDoc[] }[], channelId: string | undefined): { docs: NoticeDoc[]; activity: Partial<Activity> }[] {
    if (lines.length === 0) return [];
    const folded = foldSeries(lines.map(({ line }) => line)).map(({ line, members }) => ({ line, docs: members.flatMap((index) => lines[index]!.docs) }));
    const docs = folded.flatMap((message) => message.docs);
    const held = docs.some((doc) => doc.payload.heldForQuietHours);
    if (held || folded.length > MAX_SEPARATE_NOTICES) {
      const summary = renderNoticeSummary(folded.map(({ line }) => line), { heldForQuietHours: held });
      const plain = CARD_CHANNELS.has(channelId ?? '') ? { summary: summary.text.split('\n')[0] } : { text: summary.text, textFormat: 'plain' as const };
      return [{ docs, activity: { type: 'message', ...plain, attachments: [summary.attachment] } }];
    }
    return folded.sort((a, b) => a.line.startsAt.getTime() - b.line.startsAt.getTime()).map(({ line, docs: members }) => ({ docs: members, activity: textActivity(line.text) }));
  }

  /**
   * A failed send: retried with backoff (capped at retryMaxMs) for retryForMs after the notice first failed, as
   * long as the connector may recover; a message it refuses (a 4xx other than 401, 408 and 429) is given up after
   * maxAttempts. Gone conversations (403/404) never get here: they are dropped at once. A Retry-After is honoured
   * whatever its length: the connector refuses the conversation until then.
   */
  async function retryLater(userKey: string, failed: NoticeDoc[], untried: NoticeDoc[], error: unknown): Promise<void> {
    const attempts = Math.max(...failed.map((doc) => doc.attempts)) + 1;
    const status = statusOf(error);
    const failedAt = now();
    const failingSince = Math.min(...failed.map((doc) => (doc.payload.failingSince ? new Date(doc.payload.failingSince).getTime() : failedAt.getTime())));
    const refused = status !== undefined && status >= 400 && status < 500 && ![401, 408, 429].includes(status);
    const failingMs = failedAt.getTime() - failingSince;
    const askedMs = connectorRetryAfterMs(error);
    const retryAt = new Date(failedAt.getTime() + Math.max(askedMs ?? 0, Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempts - 1))));
    if (refused ? attempts >= options.maxAttempts : failingMs >= options.retryForMs) {
      const over = refused ? '' : ` in ${Math.round(failingMs / 360_000) / 10} h`;
      for (const doc of failed) await outbox.markDead(doc, `gave up after ${attempts} attempts${over} (last: ${status ?? (error as Error).message})`, true);
      logger.error({ event: 'notices-dead', userKey, notices: failed.length, attempts, failingMs, status, err: (error as Error).message }, 'notice given up after repeated send failures');
    } else {
      for (const doc of failed) await outbox.retryAt(doc, retryAt, true, failedAt);
      if (!askedMs) {
        logger.warn({ event: 'notices-retry', userKey, notices: failed.length, attempts, status, err: (error as Error).message, retryAt: retryAt.toISOString() }, 'notice send failed; will retry');
      } else {
        // Held already (refused meanwhile elsewhere): that one's end stands. Never released: it lapses at retryAt.
        await leases.acquire(throttleKey(userKey), retryAt.getTime() - now().getTime());
        logger.warn(
          { event: 'notices-throttled', userKey, status, retryAfterMs: askedMs, notices: failed.length + untried.length, attempts, retryAt: retryAt.toISOString() },
          "the Bot Connector asked to wait (Retry-After): this user's notices are due again then, the others' go on",
        );
      }
    }
    // What came after the failed message keeps its place in line, without an attempt counted.
    for (const doc of untried) await outbox.retryAt(doc, retryAt, false);
  }

  /**
   * Stopping: claimed notices that were not sent are pending again (under the next claim number, no attempt
   * counted), due when they were, or at `notBefore` when later: the next sender takes them as if never claimed.
   */
  async function handBack(userKey: string, docs: NoticeDoc[], notBefore?: Date): Promise<void> {
    for (const doc of docs) await outbox.retryAt(doc, notBefore && notBefore > doc.nextAttemptAt ? notBefore : doc.nextAttemptAt, false);
    if (docs.length > 0) logger.info({ event: 'notices-handed-back', userKey, notices: docs.length, due: notBefore?.toISOString() }, 'stopping: notices not sent handed back to the outbox');
  }

  async function drop(userKey: string, docs: NoticeDoc[], reason: string, attempted: boolean): Promise<void> {
    for (const doc of docs) await outbox.markDead(doc, reason, attempted);
    if (docs.length > 0) logger.warn({ event: 'notices-dropped', userKey, reason, notices: docs.length }, 'notices dropped');
  }

  return {
    queueChanges,
    onRoundComplete,
    sendDue,
    async releaseHeld(userKey) {
      const released = await outbox.releaseHeld(userKey, now());
      if (released > 0) kick(userKey);
    },
    idle,
    async stop(giveUpAfterMs) {
      stopping.abort();
      const timer = setTimeout(() => givingUp.abort(), giveUpAfterMs);
      try {
        await idle();
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The Agenda job that sends due notices: retries, the end of quiet hours, and whatever a stopped process left. */
export function defineNoticeJob(scheduler: Scheduler, notices: NoticeService, logger: Logger): void {
  scheduler.define(SEND_NOTICES_JOB, async () => {
    const started = Date.now();
    const { sent } = await notices.sendDue();
    if (sent > 0) logger.info({ event: 'job', job: SEND_NOTICES_JOB, sent, ms: Date.now() - started }, 'job done');
  });
}

/** After the scheduler started: one recurring job for all processes (Agenda's lock runs it in one at a time). */
export async function startNoticeJob(scheduler: Scheduler, every = '5 seconds'): Promise<void> {
  await scheduler.every(every, SEND_NOTICES_JOB);
}

function textActivity(text: string): Partial<Activity> {
  // Plain: subjects and locations come from other people's invites and must not render as markdown.
  return { type: 'message', text, textFormat: 'plain' };
}

function lineOf(doc: NoticeDoc): NoticeLine {
  const line = doc.payload.line;
  if (line) return { ...line, startsAt: new Date(line.startsAt), endsAt: new Date(line.endsAt) };
  return { kind: 'added', label: '', detail: doc.payload.text, text: doc.payload.text, startsAt: doc.createdAt, endsAt: doc.createdAt };
}
