import { MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import type { Config } from '../config.js';
import { readDeltaPage, type DeltaPage } from '../graph/calendar-delta.js';
import type { GraphClient } from '../graph/graph-client.js';
import { SyncStateLostError } from '../graph/graph-errors.js';
import type { Logger } from '../log.js';
import { eventDocId, type Collections, type EventDoc, type SyncStateDoc } from '../store/collections.js';
import { emptyChangeSet, recordChange, type ChangeSet } from './change-set.js';
import { EventMappingError, toEventDoc } from './event-mapping.js';
import { describeSyncFailure, fullRoundOf, markRoundStarted, recordSyncFailure, type FullRoundProgress } from './sync-state.js';
import { syncWindow, windowMoved, type SyncWindow } from './sync-window.js';

/** What the notices layer gets after a round is stored. */
export interface RoundComplete {
  changeSet: ChangeSet;
  /** The first round of a connection: counts only, no per-event changes. */
  firstRound: boolean;
  /** Events stored for the user after the round; counted on the first round only (its "Synced N events" line). */
  totalEvents?: number;
}

export interface SyncEngineDeps {
  collections: Pick<Collections, 'events' | 'syncStates'>;
  graphFor(userKey: string): GraphClient;
  config: { sync: Pick<Config['sync'], 'windowPastDays' | 'windowFutureDays' | 'pageSize'> };
  logger: Logger;
  clock?: () => Date;
  /** Called after the events and the state of a successful round are stored (the notices engineer's hook). */
  onRoundComplete?: (userKey: string, result: RoundComplete) => Promise<void>;
  /** Called after each stored page: the job extends its lock here. */
  onPage?: () => Promise<void>;
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
 * One delta round for one user. Starts a full round from the window when there is no delta token, the window moved
 * (daily) or Graph lost the delta state; otherwise continues from the stored nextLink (a crashed round resumes
 * mid-round) or deltaLink. Each page is stored with one unordered bulkWrite, then the progress is persisted, so a
 * re-applied page changes nothing and a crash loses at most the page in flight. Failures are recorded in the sync
 * state and rethrown as the typed errors of graph-errors.ts / auth-errors.ts.
 */
export async function syncCalendar(deps: SyncEngineDeps, userKey: string): Promise<SyncRoundResult> {
  const clock = deps.clock ?? (() => new Date());
  const { syncStates } = deps.collections;
  const logger = deps.logger.child({ component: 'sync', userKey });
  const started = clock();
  const state = await markRoundStarted(syncStates, userKey, started);
  try {
    const result = await runRound(deps, userKey, state, clock, logger);
    logger.info(
      { event: 'sync-round', pages: result.pages, requests: result.requests, added: result.changeSet.added, updated: result.changeSet.updated, removed: result.changeSet.removed, changes: result.changeSet.changes.length, firstRound: result.firstRound, ms: clock().getTime() - started.getTime() },
      'sync round done',
    );
    return result;
  } catch (error) {
    const failure = describeSyncFailure(error, clock());
    await recordSyncFailure(syncStates, userKey, failure, clock()).catch((stateError: Error) => logger.error({ err: stateError.message }, 'could not record the sync failure'));
    logger.warn({ event: 'sync-failed', kind: failure.kind, err: (error as Error).message }, 'sync round failed');
    throw error;
  }
}

interface RoundPlan {
  from: string | SyncWindow;
  window: SyncWindow;
  fullRound: FullRoundProgress | undefined;
}

function planRound(state: SyncStateDoc, now: Date, deps: SyncEngineDeps, lost: boolean): RoundPlan {
  const window = syncWindow(now, deps.config.sync.windowPastDays, deps.config.sync.windowFutureDays);
  const moved = windowMoved(state, window);
  if (!lost && !moved && state.nextLink) return { from: state.nextLink, window, fullRound: fullRoundOf(state) };
  if (!lost && !moved && state.deltaLink) return { from: state.deltaLink, window, fullRound: undefined };
  const previous = fullRoundOf(state);
  // A round that restarts keeps its reason (and the window before the move), so a crash cannot turn it into news.
  const reason: FullRoundProgress['reason'] = state.roundsCompleted === 0 ? 'initial' : lost ? 'sync-state-lost' : moved ? 'window-moved' : (previous?.reason ?? 'sync-state-lost');
  const previousWindow = previous?.previousWindow ?? (state.windowStart && state.windowEnd ? { start: state.windowStart, end: state.windowEnd } : undefined);
  return { from: window, window, fullRound: { startedAt: now, reason, ...(reason === 'window-moved' && previousWindow ? { previousWindow } : {}) } };
}

async function runRound(deps: SyncEngineDeps, userKey: string, state: SyncStateDoc, clock: () => Date, logger: Logger): Promise<SyncRoundResult> {
  const { events, syncStates } = deps.collections;
  const graph = deps.graphFor(userKey);
  const firstRound = state.roundsCompleted === 0;
  const round = state.roundsCompleted + 1;
  const changeSet = emptyChangeSet();
  let plan = planRound(state, clock(), deps, false);
  let restartedAfterLoss = false;
  let pages = 0;
  let requests = 0;

  for (;;) {
    let page: DeltaPage;
    try {
      requests++;
      page = await readDeltaPage(graph, plan.from, { pageSize: deps.config.sync.pageSize });
    } catch (error) {
      // The delta or skip token is gone (410): forget the links and read the whole window again, once per call.
      if (error instanceof SyncStateLostError && typeof plan.from === 'string' && !restartedAfterLoss) {
        logger.warn({ event: 'sync-state-lost' }, 'delta state lost: starting a full round');
        restartedAfterLoss = true;
        plan = planRound(state, clock(), deps, true);
        await syncStates.updateOne({ _id: userKey }, { $unset: { deltaLink: '', nextLink: '' } });
        continue;
      }
      throw error;
    }
    pages++;
    const now = clock();
    await applyPage(deps, userKey, page, { round, window: plan.window, fullRound: plan.fullRound, changeSet, now, logger });

    if (page.nextLink) {
      await syncStates.updateOne(
        { _id: userKey },
        {
          $set: { nextLink: page.nextLink, windowStart: plan.window.start, windowEnd: plan.window.end, ...(plan.fullRound ? { fullRound: plan.fullRound } : {}) },
          ...(plan.fullRound ? {} : { $unset: { fullRound: '' } }),
        },
      );
      plan = { ...plan, from: page.nextLink };
      await deps.onPage?.();
      continue;
    }

    // A connection's first round has nothing older to reconcile (disconnect and account changes delete the events),
    // and on FerretDB the userKey query behind reconcile is a scan of every user's events.
    if (plan.fullRound && plan.fullRound.reason !== 'initial') await reconcile(deps, userKey, { round, window: plan.window, fullRound: plan.fullRound, changeSet, firstRound });
    if (firstRound) changeSet.changes = [];
    const counts = { added: changeSet.added, updated: changeSet.updated, removed: changeSet.removed };
    await syncStates.updateOne(
      { _id: userKey },
      {
        $set: { status: 'idle', deltaLink: page.deltaLink!, windowStart: plan.window.start, windowEnd: plan.window.end, roundsCompleted: round, lastSuccessAt: now, lastCounts: counts },
        $unset: { nextLink: '', fullRound: '', throttledUntil: '' },
      },
    );
    if (deps.onRoundComplete) {
      // Only the first round's summary needs the total: on FerretDB a count by userKey reads every user's events.
      const totalEvents = firstRound ? await events.countDocuments({ userKey }) : undefined;
      await deps.onRoundComplete(userKey, { changeSet, firstRound, totalEvents });
    }
    return { changeSet, firstRound, pages, requests };
  }
}

interface PageContext {
  round: number;
  window: SyncWindow;
  fullRound: FullRoundProgress | undefined;
  changeSet: ChangeSet;
  now: Date;
  logger: Logger;
}

/** One page: map, load what is stored for it by _id, diff, and write it all in one unordered bulkWrite. */
async function applyPage(deps: SyncEngineDeps, userKey: string, page: DeltaPage, context: PageContext): Promise<void> {
  const { round, window, fullRound, changeSet, now, logger } = context;
  const incoming = new Map<string, EventDoc>();
  const removed = new Set<string>();
  for (const event of page.events) {
    let doc: EventDoc;
    try {
      doc = toEventDoc(userKey, event, now);
    } catch (error) {
      if (!(error instanceof EventMappingError)) throw error;
      logger.warn({ event: 'event-skipped', eventId: error.eventId, err: error.message }, 'unreadable Graph event skipped');
      continue;
    }
    // calendarView delta only sends events in the window; one outside it (moved out) is no longer ours.
    if (!overlaps(doc, window)) {
      incoming.delete(doc._id);
      removed.add(doc._id);
      continue;
    }
    removed.delete(doc._id);
    incoming.set(doc._id, { ...doc, seenInRound: round });
  }
  for (const eventId of page.removedIds) {
    const id = eventDocId(userKey, eventId);
    incoming.delete(id);
    removed.add(id);
  }
  const ids = [...incoming.keys(), ...removed];
  if (ids.length === 0) return;
  const stored = new Map((await deps.collections.events.find({ _id: { $in: ids } }).toArray()).map((doc) => [doc._id, doc]));

  const operations: AnyBulkWriteOperation<EventDoc>[] = [];
  for (const [id, doc] of incoming) {
    const before = stored.get(id);
    if (before && before.etag !== undefined && before.etag === doc.etag) {
      // Replayed or re-sent unchanged: nothing to write, except the mark a full round reconciles by.
      if (fullRound && before.seenInRound !== round) operations.push({ updateOne: { filter: { _id: id }, update: { $set: { seenInRound: round } } } });
      continue;
    }
    // A window move brings in events that were always there: not news.
    const enteredWindow = !before && fullRound?.reason === 'window-moved' && fullRound.previousWindow !== undefined && !overlaps(doc, fullRound.previousWindow);
    if (!enteredWindow) recordChange(changeSet, before, doc);
    // Not stored (we just looked): a plain insert. FerretDB runs an upsert as a query plus a write per document,
    // about 15x slower than a batched insert; a first sync is all inserts.
    operations.push(before ? { replaceOne: { filter: { _id: id }, replacement: doc, upsert: true } } : { insertOne: { document: doc } });
  }
  for (const id of removed) {
    const before = stored.get(id);
    if (!before) continue; // never stored (or already removed by a replayed page)
    recordChange(changeSet, before, undefined);
    operations.push({ deleteOne: { filter: { _id: id } } });
  }
  if (operations.length > 0) await writeEvents(deps, operations);
}

/**
 * One unordered bulkWrite. An insert that meets a document someone stored since we looked (a duplicate key) is
 * retried as the replaceOne upsert it would otherwise have been, so the page still lands exactly once.
 */
async function writeEvents(deps: SyncEngineDeps, operations: AnyBulkWriteOperation<EventDoc>[]): Promise<void> {
  try {
    await deps.collections.events.bulkWrite(operations, { ordered: false });
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const failed = (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]).filter(Boolean);
    if (failed.length === 0 || failed.some((writeError) => writeError.code !== 11000)) throw error;
    const retries: AnyBulkWriteOperation<EventDoc>[] = failed.map((writeError) => {
      const operation = operations[writeError.index]!;
      if (!('insertOne' in operation)) throw error;
      const doc = operation.insertOne.document as EventDoc;
      return { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } };
    });
    await deps.collections.events.bulkWrite(retries, { ordered: false });
  }
}

/**
 * The end of a full round: what it did not see is gone. Deleted meanwhile (still inside the window) is news;
 * left the window because the window moved is not.
 */
async function reconcile(
  deps: SyncEngineDeps,
  userKey: string,
  context: { round: number; window: SyncWindow; fullRound: FullRoundProgress; changeSet: ChangeSet; firstRound: boolean },
): Promise<void> {
  const { events } = deps.collections;
  const stale = await events.find({ userKey, seenInRound: { $ne: context.round } }).toArray();
  if (stale.length === 0) return;
  for (const doc of stale) {
    const leftWindow = context.fullRound.reason === 'window-moved' && !overlaps(doc, context.window);
    if (!leftWindow) recordChange(context.changeSet, doc, undefined);
  }
  await events.deleteMany({ _id: { $in: stale.map((doc) => doc._id) } });
}

function overlaps(doc: Pick<EventDoc, 'start' | 'end'>, window: SyncWindow): boolean {
  // A zero-length event at the window start still belongs to it.
  return doc.start.getTime() < window.end.getTime() && (doc.end.getTime() > window.start.getTime() || doc.start.getTime() === window.start.getTime());
}
