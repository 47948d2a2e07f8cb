import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Config } from '../config.js';
import { fillBareOccurrences, lookUpEvents, readDeltaPage, type DeltaPage, type SeriesMasters } from '../graph/calendar-delta.js';
import type { GraphClient } from '../graph/graph-client.js';
import { SyncStateLostError } from '../graph/graph-errors.js';
import type { Logger } from '../log.js';
import { bulkWriteInsertOrReplace } from '../store/bulk-write.js';
import { eventDocId, type Collections, type EventDoc, type SyncStateDoc } from '../store/collections.js';
import { DAYS_VERSION, datesOverlapping, dropDays, fileByDate, patchDays, rebuildDays, writeDays, type EventChange } from './calendar-days.js';
import { emptyChangeSet, recordChange, recordRemoval, type Change, type ChangeSet } from './change-set.js';
import { EventMappingError, mailboxOwnerOf, toEventDoc, type MailboxOwner } from './event-mapping.js';
import { describeSyncFailure, fullRoundOf, markFirstRoundStarted, markRoundStarted, markRoundStopped, recordSyncFailure, type FullRoundProgress } from './sync-state.js';
import { syncWindow, windowMoved, type SyncWindow } from './sync-window.js';

/** Events a first round stores per write (it is a bulk import; later rounds store page by page). */
const FIRST_ROUND_BATCH = 1_000;
/** Up to this many events named by an incremental page are looked up one by one. */
const POINT_READS_PER_PAGE = 16;
/**
 * Up to this many removed events a page (or a full round's reconcile) names are looked up at Graph, to tell one moved
 * out of the window from one deleted (lookUpEvents); beyond it, the rest read "Removed" as Graph's answer says.
 */
const LOOKUPS_PER_PAGE = 20;

/** How often a round looks, between pages, whether its account is still the linked one (see checkAccount). */
export const ACCOUNT_CHECK_EVERY_MS = 1_000;

/** What the notices layer gets after a round is stored. */
export interface RoundComplete {
  changeSet: ChangeSet;
  /** The first round of a connection: counts only, no per-event changes. */
  firstRound: boolean;
  /** Events stored for the user after the round; counted on the first round only (its "Synced N events" line). */
  totalEvents?: number;
}

export interface SyncEngineDeps {
  /** accounts: the round works for the account linked when it starts; outbox: removed with the rest when that goes. */
  collections: Pick<Collections, 'events' | 'syncStates' | 'calendarDays' | 'accounts' | 'outbox'>;
  graphFor(userKey: string): GraphClient;
  config: { sync: Pick<Config['sync'], 'windowPastDays' | 'windowFutureDays' | 'pageSize'> };
  logger: Logger;
  /** The round's stamps (lastRunAt, lastSuccessAt, failures), which "sync now" and Agenda's locks are compared with. */
  clock?: () => Date;
  /**
   * The day the window is read from (default: `clock`): calbot's clock for what users are told, so that the days kept
   * are the days answers ask about when a test pins that clock, and the stamps stay on the real one.
   */
  windowClock?: () => Date;
  /**
   * Called with each page's notice-worthy changes before the page is stored (never on a first round, which is
   * summed up in onRoundComplete instead). Before, not after: if it fails, the round fails with nothing of the
   * page stored, and the next round finds the same changes; if the process dies after it, the page is read again
   * and gives the same changes, which the notices layer keys by content (an idempotent enqueue).
   */
  onChanges?: (userKey: string, changes: Change[]) => Promise<void>;
  /** Called after the events and the state of a successful round are stored (the notices engineer's hook). */
  onRoundComplete?: (userKey: string, result: RoundComplete) => Promise<void>;
  /** Called after each stored page: the job extends its lock here. */
  onPage?: () => Promise<void>;
  /**
   * Aborted when calbot shuts down: the round stops at its next page boundary (RoundStoppedError), with what it has
   * read stored and its progress saved, so that the next round, here or in another process, resumes from there.
   */
  stopping?: AbortSignal;
}

export interface SyncRoundResult {
  changeSet: ChangeSet;
  firstRound: boolean;
  /** Delta pages applied in this call. */
  pages: number;
  /** Delta pages requested from Graph in this call (retries inside the Graph client not counted). */
  requests: number;
}

/**
 * The account a round started for was disconnected, or replaced by another Microsoft account, while it ran (or before
 * it began): the round stopped and removed everything synced for the user, what it wrote itself included.
 */
export class RoundAbandonedError extends Error {
  constructor(
    readonly userKey: string,
    readonly reason: 'disconnected' | 'account-changed',
  ) {
    super(`sync round abandoned: ${reason}`);
    this.name = 'RoundAbandonedError';
  }
}

/**
 * calbot is shutting down: the round stopped between two pages (or was cut off by its job's RoundFence) and the
 * next round resumes from the progress it saved. Not a failure: nothing is recorded as the user's last problem.
 */
export class RoundStoppedError extends Error {
  constructor(readonly userKey: string) {
    super('sync round stopped: calbot is shutting down');
    this.name = 'RoundStoppedError';
  }
}

/**
 * Everything synced for a user: events, days, sync state, and the outbox's notices about them (sent or not: a held or
 * retrying one would still be delivered, and each names a meeting). Disconnecting and switching accounts call this,
 * and so does a round that finds its account gone.
 */
export async function forgetCalendar(collections: Pick<Collections, 'events' | 'calendarDays' | 'syncStates' | 'outbox'>, userKey: string): Promise<void> {
  await forgetSyncedData(collections, userKey);
  // Last: while it stands, the next round knows whose mailbox whatever is left came from, and forgets it again.
  await collections.syncStates.deleteOne({ _id: userKey });
}

/** forgetCalendar but for the sync state, which a round for another account then replaces. */
async function forgetSyncedData(collections: Pick<Collections, 'events' | 'calendarDays' | 'outbox'>, userKey: string): Promise<void> {
  await collections.events.deleteMany({ userKey });
  await collections.calendarDays.deleteMany({ userKey });
  await collections.outbox.deleteMany({ userKey });
}

/**
 * One delta round for one user. Starts a full round from the window when there is no delta token, the window moved
 * (daily) or Graph lost the delta state; otherwise continues from the stored nextLink (a crashed round resumes
 * mid-round) or deltaLink. Each page is stored with one unordered bulkWrite, then the progress is persisted, so a
 * re-applied page changes nothing and a crash loses at most the page in flight. Failures are recorded in the sync
 * state and rethrown as the typed errors of graph-errors.ts / auth-errors.ts.
 *
 * The round is bound to the Microsoft account linked when it starts: after a failed Graph answer, between pages (at
 * most every ACCOUNT_CHECK_EVERY_MS) and after its last writes it checks that account is still the linked one. If it is gone or another one replaced it, the round stops
 * with RoundAbandonedError, having removed what is stored for the user: a disconnect's own clean-up may have run
 * before the round's last write, and a page read with the new account's token must not be diffed against the old one.
 * The sync state names the account its links, events and days come from; a round for another account forgets them and
 * starts as a first round, announcing nothing: the switch's own clean-up (hooks.connected) comes only after the
 * connect has read the new profile, or never if the connect dies first.
 */
export async function syncCalendar(deps: SyncEngineDeps, userKey: string): Promise<SyncRoundResult> {
  const clock = deps.clock ?? (() => new Date());
  const { syncStates } = deps.collections;
  const logger = deps.logger.child({ component: 'sync', userKey });
  const account = await deps.collections.accounts.findOne({ _id: userKey }, { projection: { homeAccountId: 1, username: 1, mail: 1, displayName: 1 } });
  if (!account) {
    // Disconnected before the round began (a job run racing the disconnect): nothing is synced for no account.
    await forgetCalendar(deps.collections, userKey);
    throw new RoundAbandonedError(userKey, 'disconnected');
  }
  const started = clock();
  let state = await markRoundStarted(syncStates, userKey, started, account.homeAccountId);
  try {
    if (state.homeAccountId !== account.homeAccountId) {
      logger.info({ event: 'sync-account-switched' }, 'the sync state is another account\'s: forgetting its calendar, starting afresh');
      await forgetSyncedData(deps.collections, userKey);
      state = await markFirstRoundStarted(syncStates, userKey, started, account.homeAccountId);
    }
    const result = await runRound(deps, userKey, account.homeAccountId, mailboxOwnerOf(account), state, clock, logger);
    logger.info(
      { event: 'sync-round', pages: result.pages, requests: result.requests, added: result.changeSet.added, updated: result.changeSet.updated, removed: result.changeSet.removed, changes: result.changeSet.changes.length, firstRound: result.firstRound, ms: clock().getTime() - started.getTime() },
      'sync round done',
    );
    return result;
  } catch (error) {
    if (error instanceof RoundAbandonedError) {
      // Nothing to record: the sync state went with the rest.
      logger.info({ event: 'sync-abandoned', reason: error.reason }, 'sync round stopped: the account it started for is no longer linked');
      throw error;
    }
    if (error instanceof RoundStoppedError) {
      // A round cut off by its job's fence cannot write this: the job does, once the fence has settled.
      await markRoundStopped(syncStates, userKey).catch(() => undefined);
      logger.info({ event: 'sync-stopped', ms: clock().getTime() - started.getTime() }, 'sync round stopped for shutdown; the next round resumes it');
      throw error;
    }
    const failure = describeSyncFailure(error, clock());
    await recordSyncFailure(syncStates, userKey, failure, clock()).catch((stateError: Error) => logger.error({ event: 'sync-failure-not-recorded', err: stateError.message }, 'could not record the sync failure'));
    logger.warn({ event: 'sync-failed', kind: failure.kind, err: (error as Error).message }, 'sync round failed');
    throw error;
  }
}

interface RoundPlan {
  from: string | SyncWindow;
  window: SyncWindow;
  fullRound: FullRoundProgress | undefined;
}

/**
 * `restart`: Graph lost the delta state mid-round (410) and the round starts over from the window; `current` is the
 * full round that was under way, if one was (its reason and previous window carry over).
 */
function planRound(state: SyncStateDoc, now: Date, deps: SyncEngineDeps, restart?: { current: FullRoundProgress | undefined }): RoundPlan {
  const window = syncWindow(deps.windowClock?.() ?? now, deps.config.sync.windowPastDays, deps.config.sync.windowFutureDays);
  const moved = windowMoved(state, window);
  const previous = fullRoundOf(state);
  // A full round begun by an older calbot marked the events it saw by round number, which a failed round reuses: it
  // cannot be resumed safely, so it begins again.
  const resumable = !restart && !moved && (previous === undefined || previous.mark !== undefined);
  if (resumable && state.nextLink) return { from: state.nextLink, window, fullRound: previous };
  if (resumable && state.deltaLink) return { from: state.deltaLink, window, fullRound: undefined };
  const current = restart ? (restart.current ?? previous) : previous;
  // A round that restarts keeps its reason (and the window before the move), so a crash or a 410 cannot turn it into
  // news: events that merely left or entered the window are not reported, and the days left behind are dropped.
  const reason: FullRoundProgress['reason'] =
    state.roundsCompleted === 0 ? 'initial' : moved || current?.reason === 'window-moved' ? 'window-moved' : restart ? 'sync-state-lost' : (current?.reason ?? 'sync-state-lost');
  const previousWindow = current?.previousWindow ?? (state.windowStart && state.windowEnd ? { start: state.windowStart, end: state.windowEnd } : undefined);
  // A fresh mark per attempt: a failed round's marks must not count as seen by the next (random, far above the round
  // numbers older versions marked with).
  const mark = randomInt(2 ** 32, 2 ** 47);
  return { from: window, window, fullRound: { startedAt: now, reason, mark, ...(reason === 'window-moved' && previousWindow ? { previousWindow } : {}) } };
}

async function runRound(deps: SyncEngineDeps, userKey: string, homeAccountId: string, owner: MailboxOwner, state: SyncStateDoc, clock: () => Date, logger: Logger): Promise<SyncRoundResult> {
  const { events, syncStates, calendarDays, accounts } = deps.collections;
  const graph = deps.graphFor(userKey);
  const firstRound = state.roundsCompleted === 0;
  const round = state.roundsCompleted + 1;
  const changeSet = emptyChangeSet();
  let plan = planRound(state, clock(), deps);
  /** What this round's earlier part counted, when it resumes one stopped there (sync state roundCounts). */
  const resumedCounts = !firstRound && state.nextLink && plan.from === state.nextLink ? state.roundCounts : undefined;
  /** The round's counts so far, its earlier part's included: what "sync now" reports. */
  const roundCounts = () => countsOf(changeSet, resumedCounts);
  // A full round reads the user's stored events once; an incremental one looks up each event it is sent by _id.
  let stored = plan.fullRound || firstRound ? await StoredEvents.loadAll(events, userKey) : StoredEvents.perPage(events, userKey);
  let restartedAfterLoss = false;
  let pages = 0;
  let requests = 0;
  const masters: SeriesMasters = new Map();
  const request = (from: string | SyncWindow): Promise<DeltaPage> => {
    requests++;
    const reading = readDeltaPage(graph, from, { pageSize: deps.config.sync.pageSize }).then(async (page) => {
      await fillBareOccurrences(graph, page, masters);
      return page;
    });
    reading.catch(() => undefined); // awaited (and its error handled) by the loop, unless the round fails first
    return reading;
  };
  // The next page, asked for while the current one is being stored: Graph's latency and the database's overlap.
  let nextPage: Promise<DeltaPage> | undefined;
  /** The page to go on with, or STOPPED: shutdown came first (a page still on its way is left to itself). */
  const nextOrStopped = (): Promise<DeltaPage | typeof STOPPED> => (deps.stopping?.aborted ? Promise.resolve(STOPPED) : untilAborted(nextPage ?? request(plan.from), deps.stopping));
  let savingProgress: Promise<unknown> = Promise.resolve();
  /** `counts`: what the round has counted with the pages up to `nextLink` stored (not in a first round's batches). */
  const saveProgress = async (nextLink: string, counts?: SyncStateDoc['roundCounts']): Promise<void> => {
    await savingProgress;
    savingProgress = syncStates.updateOne(
      { _id: userKey },
      {
        $set: { nextLink, windowStart: plan.window.start, windowEnd: plan.window.end, ...(plan.fullRound ? { fullRound: plan.fullRound } : {}), ...(counts ? { roundCounts: counts } : {}) },
        ...(plan.fullRound ? {} : { $unset: { fullRound: '' } }),
      },
    );
    savingProgress.catch(() => undefined); // awaited before the next save, the round's end, or a failure
  };
  /**
   * Still the account the round started for? Checked after a failed Graph answer, at a stop, after the last writes,
   * and between pages at most every ACCOUNT_CHECK_EVERY_MS: whatever the round stored after a disconnect's or an
   * account switch's clean-up is removed again here. A page read after a switch is not diffed: the old account's links
   * with the new account's token fail (410), and a failed answer is checked at once.
   */
  let lastAccountCheck = Date.now();
  const checkAccount = async (): Promise<void> => {
    lastAccountCheck = Date.now();
    const account = await accounts.findOne({ _id: userKey }, { projection: { homeAccountId: 1 } });
    if (account?.homeAccountId === homeAccountId) return;
    await savingProgress.catch(() => undefined);
    await forgetCalendar(deps.collections, userKey);
    throw new RoundAbandonedError(userKey, account ? 'account-changed' : 'disconnected');
  };
  /**
   * Where Graph holds now the stored events a page or a reconcile removes, by document _id (lookUpEvents). Not on a
   * first round, which announces nothing.
   */
  const locate = firstRound
    ? undefined
    : async (docs: EventDoc[]): Promise<Map<string, EventDoc>> => {
        const lookup = await lookUpEvents(graph, docs.map((doc) => ({ id: doc.eventId, seriesMasterId: doc.seriesMasterId })), masters, LOOKUPS_PER_PAGE);
        if (lookup.refused > 0) logger.warn({ event: 'event-lookup-refused', refused: lookup.refused }, 'Graph refused reading removed events: they are told as removed');
        const now = clock();
        const located = new Map<string, EventDoc>();
        for (const event of lookup.found.values()) {
          try {
            const doc = toEventDoc(userKey, event, now, owner);
            located.set(doc._id, doc);
          } catch (error) {
            if (!(error instanceof EventMappingError)) throw error;
          }
        }
        return located;
      };
  const announce = async (changes: Change[]): Promise<void> => {
    if (changes.length > 0 && deps.onChanges) await deps.onChanges(userKey, changes);
  };
  const batch = new PageBatch();
  /** Stores the batch, then saves the progress of its last page (a batch ending the round has none to save). */
  const storeBatch = async (): Promise<void> => {
    const { write, nextLink } = batch.take();
    await storeWrite(deps, userKey, write, { window: plan.window, now: clock(), patchDaysFirst: false });
    if (nextLink) await saveProgress(nextLink);
  };

  try {
    for (;;) {
      let page: DeltaPage | typeof STOPPED;
      try {
        page = await nextOrStopped();
      } catch (error) {
        // A 410 (or a token refused) right after an account switch is the new account's answer to the old one's link.
        await checkAccount();
        // The delta or skip token is gone (410): forget the links and read the whole window again, once per call.
        if (error instanceof SyncStateLostError && typeof plan.from === 'string' && !restartedAfterLoss) {
          logger.warn({ event: 'sync-state-lost' }, 'delta state lost: starting a full round');
          restartedAfterLoss = true;
          nextPage = undefined;
          batch.take(); // its pages are read again with the whole window
          await savingProgress;
          plan = planRound(state, clock(), deps, { current: plan.fullRound });
          stored = await StoredEvents.loadAll(events, userKey);
          await syncStates.updateOne({ _id: userKey }, { $unset: { deltaLink: '', nextLink: '' } });
          continue;
        }
        throw error;
      }
      if (page === STOPPED) {
        // Between two pages: the first round's batch is stored with its progress (a resumed round need not read
        // it again), an incremental round's last page already is; then as after the round's last writes, a check
        // that the account is still linked. The next round resumes from the saved nextLink, as after a crash.
        if (firstRound) await storeBatch();
        await savingProgress;
        await checkAccount();
        throw new RoundStoppedError(userKey);
      }
      nextPage = page.nextLink ? request(page.nextLink) : undefined;
      pages++;
      const now = clock();
      const noticed = changeSet.changes.length;
      // The check runs beside the diff (which writes nothing); it is settled before anything is announced or stored.
      // Not on every page: on FerretDB a point read is a few ms of the database's CPU, a tenth of a 100-event page's
      // cost, and a disconnect waits ROUND_STOP_WAIT_MS (seconds) for the round to notice.
      const checking = Date.now() - lastAccountCheck >= ACCOUNT_CHECK_EVERY_MS ? checkAccount() : Promise.resolve();
      checking.catch(() => undefined); // awaited right after the diff (or dropped if the diff fails)
      const write = await diffPage(userKey, page, { window: plan.window, fullRound: plan.fullRound, stored, changeSet, now, owner, logger, locate });
      await checking;
      if (!firstRound) await announce(changeSet.changes.slice(noticed));

      if (firstRound) {
        // A first sync is a bulk import: its pages are stored in batches of FIRST_ROUND_BATCH events (per-command
        // cost dominates small inserts), and the progress is saved after each batch. A crash re-reads at most one
        // batch's pages. An event met twice in one round is never in one batch twice (its page goes in the next).
        if (batch.touches(write)) await storeBatch();
        batch.add(write, page.nextLink);
        stored.apply(write); // later pages are diffed against what this batch will have stored
        if (batch.size >= FIRST_ROUND_BATCH || !page.nextLink) await storeBatch();
      } else {
        await storeWrite(deps, userKey, write, { window: plan.window, now, patchDaysFirst: true });
        stored.apply(write);
        // The progress is saved while the next page is stored (one save at a time, in order): a crash before it
        // lands replays this page, which changes nothing.
        if (page.nextLink) await saveProgress(page.nextLink, roundCounts());
      }
      if (page.nextLink) {
        plan = { ...plan, from: page.nextLink };
        await deps.onPage?.();
        continue;
      }
      await savingProgress;
      // A first round reconciles too: one that starts over after a partial import (a crash before its state was
      // saved, a 410) finds events it stored before, and Microsoft may have deleted some since. It announces nothing.
      if (plan.fullRound) await reconcile(deps, userKey, { window: plan.window, fullRound: plan.fullRound, stored, changeSet, now, locate, announce: firstRound ? async () => undefined : announce });
      const previousWindow = plan.fullRound?.previousWindow;
      if (previousWindow) {
        // The days the window no longer covers: before its new start (the daily move), and from its new end on (a
        // shorter SYNC_WINDOW_FUTURE_DAYS). Their events were reconciled away above.
        await dropDays(calendarDays, userKey, previousWindow.start, plan.window.start);
        await dropDays(calendarDays, userKey, plan.window.end, previousWindow.end);
        // The days the window gained (after its old end: the daily move; before its old start: a longer
        // SYNC_WINDOW_PAST_DAYS). An event stored before that reaches into them came with its etag unchanged, so no
        // page filed it there: a month's leave running past the window's end would be missing from each day the
        // window moves onto. Filed from what the round holds, which is what is stored.
        const gained = gainedDates(previousWindow, plan.window);
        if (gained.size > 0) await writeDays(calendarDays, userKey, fileByDate(stored.all(), plan.window, gained), now);
      }
      if (firstRound) {
        // The first round files every day at its end: its pages arrive in Graph's order, not by date, and filing
        // page by page would rewrite each day once per page that touches it. Nothing is filed before (disconnect and
        // account changes remove the days with the events), so the days are all new.
        await writeDays(calendarDays, userKey, fileByDate(stored.all(), plan.window), now, { fresh: true });
      } else if (state.daysVersion !== DAYS_VERSION) {
        await rebuildDays(deps.collections, userKey, plan.window, now);
      }
      if (firstRound) changeSet.changes = [];
      const counts = roundCounts();
      await syncStates.updateOne(
        { _id: userKey },
        {
          $set: { status: 'idle', deltaLink: page.deltaLink!, windowStart: plan.window.start, windowEnd: plan.window.end, roundsCompleted: round, lastSuccessAt: now, lastCounts: counts, daysVersion: DAYS_VERSION },
          $unset: { nextLink: '', fullRound: '', throttledUntil: '', roundCounts: '' },
        },
      );
      await checkAccount();
      if (deps.onRoundComplete) {
        // A first round is a full round: what it holds is what is stored.
        const totalEvents = firstRound ? stored.all().length : undefined;
        await deps.onRoundComplete(userKey, { changeSet, firstRound, totalEvents });
        await checkAccount(); // its summary notice too
      }
      return { changeSet, firstRound, pages, requests };
    }
  } catch (error) {
    // A progress save still in flight lands before the failure is recorded.
    await savingProgress.catch(() => undefined);
    throw error;
  }
}

const STOPPED = Symbol('stopped');

type RoundCounts = NonNullable<SyncStateDoc['roundCounts']>;

/** A round's counts, as the sync state keeps them, plus those of its part `before` (a resumed round's). */
function countsOf(changeSet: RoundCounts, before: RoundCounts = { added: 0, updated: 0, removed: 0 }): RoundCounts {
  return { added: before.added + changeSet.added, updated: before.updated + changeSet.updated, removed: before.removed + changeSet.removed };
}

/** `work`, or STOPPED as soon as `signal` aborts, whichever comes first; the listener goes when `work` settles. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof STOPPED> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const stop = () => resolve(STOPPED);
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error);
      },
    );
  });
}

/**
 * What is stored of the user's events, as a round sees it. Never `_id: {$in}` alone: FerretDB 1.24 does not push
 * `$in` down to SQL and would read and decode every stored event (all users') per page.
 */
class StoredEvents {
  private constructor(
    private readonly known: Map<string, EventDoc> | undefined,
    private readonly events: Collection<EventDoc>,
    private readonly userKey: string,
  ) {}

  /** A full round: every stored event of the user, read once (one query by userKey), then kept up to date here. */
  static async loadAll(events: Collection<EventDoc>, userKey: string): Promise<StoredEvents> {
    const docs = await events.find({ userKey }).toArray();
    return new StoredEvents(new Map(docs.map((doc) => [doc._id, doc])), events, userKey);
  }

  /** An incremental round: the events a page names, looked up as they come (pages are mostly tiny). */
  static perPage(events: Collection<EventDoc>, userKey: string): StoredEvents {
    return new StoredEvents(undefined, events, userKey);
  }

  async lookUp(ids: string[]): Promise<Map<string, EventDoc>> {
    if (this.known) return new Map(ids.flatMap((id) => (this.known!.has(id) ? [[id, this.known!.get(id)!] as const] : [])));
    // A few ids: a point read each. More (a series edited, an import): one query, which FerretDB's PostgreSQL
    // backend narrows to the user's events in SQL (userKey equality) where each point read scans the collection.
    const docs =
      ids.length <= POINT_READS_PER_PAGE ? await Promise.all(ids.map((_id) => this.events.findOne({ _id }))) : await this.events.find({ userKey: this.userKey, _id: { $in: ids } }).toArray();
    return new Map(docs.flatMap((doc) => (doc ? [[doc._id, doc] as const] : [])));
  }

  /** After a write: keeps a full round's copy equal to the collection. */
  written(id: string, doc: EventDoc | undefined): void {
    if (!this.known) return;
    if (doc) this.known.set(id, doc);
    else this.known.delete(id);
  }

  apply(write: PageWrite): void {
    for (const { before, after } of write.changed) this.written((after ?? before)!._id, after);
    for (const doc of write.marked) this.written(doc._id, doc);
  }

  all(): EventDoc[] {
    return [...(this.known?.values() ?? [])];
  }
}

interface PageContext {
  window: SyncWindow;
  fullRound: FullRoundProgress | undefined;
  stored: StoredEvents;
  changeSet: ChangeSet;
  now: Date;
  /** Left out of each event's people. */
  owner: MailboxOwner;
  logger: Logger;
  /** Where Graph holds the stored events named as removed now (runRound's locate); none: each reads "Removed". */
  locate?: Locate;
}

type Locate = (docs: EventDoc[]) => Promise<Map<string, EventDoc>>;

/** What one page (or a batch of pages) changes: the event writes, the changes they make, the days they touch. */
interface PageWrite {
  operations: AnyBulkWriteOperation<EventDoc>[];
  changed: EventChange[];
  /** Unchanged events marked as seen by this full round (seenInRound = its mark). */
  marked: EventDoc[];
  ids: Set<string>;
}

/** One page: map, look up what is stored for it, diff, and record the changes; nothing is written yet. */
async function diffPage(userKey: string, page: DeltaPage, context: PageContext): Promise<PageWrite> {
  const { window, fullRound, stored, changeSet, now, owner, logger } = context;
  const incoming = new Map<string, EventDoc>();
  const removed = new Set<string>();
  /** Sent by Graph, outside calbot's window only because the window moved: removed, but no news. */
  const leftWindow = new Set<string>();
  /** Sent by Graph in full, but moved out of calbot's window: removed, and where to is known. */
  const departed = new Map<string, EventDoc>();
  for (const event of page.events) {
    let doc: EventDoc;
    try {
      doc = toEventDoc(userKey, event, now, owner);
    } catch (error) {
      if (!(error instanceof EventMappingError)) throw error;
      logger.warn({ event: 'event-skipped', eventId: error.eventId, err: error.message }, 'unreadable Graph event skipped');
      continue;
    }
    // calendarView delta only sends events in the window; one outside it (moved out) is no longer ours. Graph holds an
    // all-day event in the window by its own zone's midnights, calbot by its dates: after a move, one of a zone behind
    // UTC dated the old first day still reaches past the new start, and Graph sends it. It only left the window.
    if (!overlaps(doc, window)) {
      incoming.delete(doc._id);
      removed.add(doc._id);
      if (fullRound?.reason === 'window-moved') leftWindow.add(doc._id);
      else departed.set(doc._id, doc);
      continue;
    }
    removed.delete(doc._id);
    leftWindow.delete(doc._id);
    departed.delete(doc._id);
    incoming.set(doc._id, fullRound ? { ...doc, seenInRound: fullRound.mark } : doc);
  }
  for (const eventId of page.removedIds) {
    const id = eventDocId(userKey, eventId);
    incoming.delete(id);
    removed.add(id);
    leftWindow.delete(id);
    departed.delete(id);
  }
  const write: PageWrite = { operations: [], changed: [], marked: [], ids: new Set([...incoming.keys(), ...removed]) };
  if (write.ids.size === 0) return write;
  const before = await stored.lookUp([...write.ids]);

  for (const [id, doc] of incoming) {
    const old = before.get(id);
    // Unchanged in Outlook, but read otherwise now: stored before calbot kept people (EventDoc.people), attendees
    // (EventDoc.attendees) or read invitations for join links, or before it left out those who declined and knew the
    // user's mail address. Written again once, unannounced (the same etag is no news).
    const readAnew =
      old !== undefined &&
      (!isDeepStrictEqual(old.people, doc.people) || !isDeepStrictEqual(old.attendees, doc.attendees) || old.isOrganizer !== doc.isOrganizer || old.joinUrl !== doc.joinUrl);
    if (old && old.etag !== undefined && old.etag === doc.etag && !readAnew) {
      // Replayed or re-sent unchanged: nothing to write, except the mark a full round reconciles by.
      if (fullRound && old.seenInRound !== fullRound.mark) {
        write.operations.push({ updateOne: { filter: { _id: id }, update: { $set: { seenInRound: fullRound.mark } } } });
        write.marked.push({ ...old, seenInRound: fullRound.mark });
      }
      continue;
    }
    // A window move brings in events that were always there: not news.
    const enteredWindow = !old && fullRound?.reason === 'window-moved' && fullRound.previousWindow !== undefined && !overlaps(doc, fullRound.previousWindow);
    if (!enteredWindow) recordChange(changeSet, old, doc);
    write.changed.push({ before: old, after: doc });
    // Not stored (we just looked): a plain insert. FerretDB runs an upsert as a query plus a write per document,
    // about 15x slower than a batched insert; a first sync is all inserts.
    write.operations.push(old ? { replaceOne: { filter: { _id: id }, replacement: doc, upsert: true } } : { insertOne: { document: doc } });
  }
  // Graph says "@removed" for an event moved out of the window as for one deleted: where it is now tells them apart.
  const unexplained = [...removed].flatMap((id) => {
    const old = before.get(id);
    return old && !old.isCancelled && !leftWindow.has(id) && !departed.has(id) ? [old] : [];
  });
  const located = context.locate && unexplained.length > 0 ? await context.locate(unexplained) : new Map<string, EventDoc>();
  for (const id of removed) {
    const old = before.get(id);
    if (!old) continue; // never stored (or already removed by a replayed page)
    if (!leftWindow.has(id)) recordRemoval(changeSet, old, departedTo(departed.get(id) ?? located.get(id), window));
    write.changed.push({ before: old, after: undefined });
    write.operations.push({ deleteOne: { filter: { _id: id } } });
  }
  return write;
}

/**
 * Writes a page: the changed days first (`patchDaysFirst`; the first round files all days at its end instead),
 * then the events in one unordered bulkWrite. Days first: a crash between the two leaves the events unchanged, so
 * the replayed page finds the same differences and files them again (filing is idempotent).
 */
async function storeWrite(deps: SyncEngineDeps, userKey: string, write: PageWrite, options: { window: SyncWindow; now: Date; patchDaysFirst: boolean }): Promise<void> {
  if (write.operations.length === 0) return;
  if (options.patchDaysFirst && write.changed.length > 0) await patchDays(deps.collections.calendarDays, userKey, write.changed, options.window, options.now);
  await bulkWriteInsertOrReplace(deps.collections.events, write.operations);
}

/** The first round's pages waiting to be stored together. */
class PageBatch {
  private write: PageWrite = { operations: [], changed: [], marked: [], ids: new Set() };
  private nextLink: string | undefined;

  get size(): number {
    return this.write.operations.length;
  }

  touches(page: PageWrite): boolean {
    for (const id of page.ids) if (this.write.ids.has(id)) return true;
    return false;
  }

  add(page: PageWrite, nextLink: string | undefined): void {
    this.write.operations.push(...page.operations);
    this.write.changed.push(...page.changed);
    this.write.marked.push(...page.marked);
    for (const id of page.ids) this.write.ids.add(id);
    this.nextLink = nextLink;
  }

  take(): { write: PageWrite; nextLink: string | undefined } {
    const taken = { write: this.write, nextLink: this.nextLink };
    this.write = { operations: [], changed: [], marked: [], ids: new Set() };
    this.nextLink = undefined;
    return taken;
  }
}

/**
 * The end of a full round: what it did not see (what does not carry its mark) is gone. Deleted meanwhile (still
 * inside the window) is news; left the window because the window moved is not.
 */
async function reconcile(
  deps: SyncEngineDeps,
  userKey: string,
  context: { window: SyncWindow; fullRound: FullRoundProgress; stored: StoredEvents; changeSet: ChangeSet; now: Date; locate: Locate | undefined; announce: (changes: Change[]) => Promise<void> },
): Promise<void> {
  const stale = context.stored.all().filter((doc) => doc.seenInRound !== context.fullRound.mark);
  if (stale.length === 0) return;
  const noticed = context.changeSet.changes.length;
  const news = stale.filter((doc) => !(context.fullRound.reason === 'window-moved' && !overlaps(doc, context.window)));
  // Not seen in the window: deleted, or moved out of it (as a page's "@removed" is).
  const unexplained = news.filter((doc) => !doc.isCancelled);
  const located = context.locate && unexplained.length > 0 ? await context.locate(unexplained) : new Map<string, EventDoc>();
  for (const doc of news) recordRemoval(context.changeSet, doc, departedTo(located.get(doc._id), context.window));
  await context.announce(context.changeSet.changes.slice(noticed));
  await patchDays(deps.collections.calendarDays, userKey, stale.map((doc) => ({ before: doc })), context.window, context.now);
  // One deleteOne per event: FerretDB would answer `_id: {$in}` by reading the whole collection.
  await deps.collections.events.bulkWrite(stale.map((doc) => ({ deleteOne: { filter: { _id: doc._id } } })), { ordered: false });
  for (const doc of stale) context.stored.written(doc._id, undefined);
}

/** The UTC dates `window` covers and `previous` did not (windows run from one UTC midnight to another). */
function gainedDates(previous: SyncWindow, window: SyncWindow): Set<string> {
  const gained = new Set<string>();
  const add = (from: number, to: number) => {
    if (to > from) for (const date of datesOverlapping({ start: new Date(from), end: new Date(to - 1) })) gained.add(date);
  };
  add(window.start.getTime(), Math.min(previous.start.getTime(), window.end.getTime()));
  add(Math.max(previous.end.getTime(), window.start.getTime()), window.end.getTime());
  return gained;
}

/** `now` (where Graph holds a removed event) when it explains the removal: moved out of `window`, or cancelled. */
function departedTo(now: EventDoc | undefined, window: SyncWindow): EventDoc | undefined {
  return now && (now.isCancelled || !overlaps(now, window)) ? now : undefined;
}

function overlaps(doc: Pick<EventDoc, 'start' | 'end'>, window: SyncWindow): boolean {
  // A zero-length event at the window start still belongs to it.
  return doc.start.getTime() < window.end.getTime() && (doc.end.getTime() > window.start.getTime() || doc.start.getTime() === window.start.getTime());
}
