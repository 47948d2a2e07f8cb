import { setTimeout as sleep } from 'node:timers/promises';
import { configWarnings, type Config } from './config.js';
import type { Logger } from './log.js';
import { connectOutlookCommands, createRedirectHandler, type ConnectionHooks } from './auth/connect-outlook.js';
import { createMicrosoftAuth, type MicrosoftAuth } from './auth/microsoft-auth.js';
import { forgetOnUninstall } from './auth/uninstall.js';
import { verifyOrRotateEncryptionKey } from './auth/key-rotation.js';
import { loadOrCreateEncryptionKey } from './auth/token-crypto.js';
import { askCommands } from './chat/ask-commands.js';
import { CalbotBot } from './chat/bot.js';
import { createAdapter } from './chat/adapter.js';
import { createProactiveSender, type ProactiveSender } from './chat/proactive.js';
import { createGraphClient, type GraphClient } from './graph/graph-client.js';
import { RequestLimiter } from './graph/request-limiter.js';
import { createNoticeService, defineNoticeJob, SEND_NOTICES_JOB, startNoticeJob, type NoticeOptions, type NoticeService, type OnRoundComplete } from './notices/notice-service.js';
import { notifyCommands } from './notices/notify-commands.js';
import { openStore, type Store } from './store/database.js';
import { createScheduler, defineSweepJob, releaseDeadProcessLocks, startProcessLiveness, startScheduler, stopScheduler, SWEEP_EXPIRED_JOB, type ProcessLiveness, type Scheduler } from './scheduler.js';
import { createServer, type CalbotServer } from './server.js';
import type { Change } from './sync/change-set.js';
import type { RoundComplete } from './sync/sync-engine.js';
import { syncCommands } from './sync/sync-commands.js';
import { createSyncJobs, type SyncJobs } from './sync/sync-jobs.js';

export interface Calbot {
  config: Config;
  store: Store;
  scheduler: Scheduler;
  server: CalbotServer;
  bot: CalbotBot;
  auth: MicrosoftAuth | undefined;
  proactive: ProactiveSender;
  /** Change notices: the sync engine queues each page's through `notices.queueChanges` before storing it. */
  notices: NoticeService;
  graphFor(userKey: string): GraphClient;
  /** The sync-calendar jobs: run now, wait for a round, job info. */
  syncJobs: SyncJobs;
  /** This process's liveness record, and the release of dead processes' locks (see startProcessLiveness). */
  liveness: ProcessLiveness;
  /** The port the server listens on (PORT, or the one the OS chose for PORT=0). */
  port: number;
  /**
   * Graceful, and over within `graceMs` (SHUTDOWN_GRACE_MS) whatever is running: sync rounds stop at their next page
   * boundary and Graph's Retry-After waits end; the server stops accepting and lets turns finish while Agenda starts
   * no job and waits for its running ones; whatever this process still holds then is handed back (rounds that did not
   * stop are cut off, their leases and locks released; change notices not sent go back to the outbox, see
   * NoticeService.stop); the driver is closed and the embedded database stopped. Another calbot on the database
   * syncs those users at once, resuming the rounds where they stopped, and sends those notices.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * How stop() splits its budget, as shares of it from the start: turns and jobs may end by themselves until
 * HAND_BACK_AT; what did not is handed back until CLOSE_AT (a cut-off round's writes under way get the first half
 * of that to settle); the rest is kept for closing the driver and the embedded database (tens of ms when idle, more
 * when FerretDB is busy writing).
 */
const HAND_BACK_AT = 0.65;
const CLOSE_AT = 0.8;

/** Wires calbot's parts together and starts them. main.ts adds only the environment and signals. */
export async function startCalbot(
  config: Config,
  logger: Logger,
  options: {
    store?: Store;
    host?: string;
    /** Agenda instance name, poll interval and lock lifetime (tests: short lock lifetimes, two processes). */
    scheduler?: { name?: string; processEveryMs?: number; lockLifetimeMs?: number };
    /** How often this process's liveness record is written (default 15 s; tests: shorter, to find a dead calbot sooner). */
    heartbeatMs?: number;
    /** After each stored sync round (the first round's summary notice). */
    onRoundComplete?: (userKey: string, result: RoundComplete) => Promise<void>;
    /** Each page's changes, before the page is stored (change notices). */
    onChanges?: (userKey: string, changes: Change[]) => Promise<void>;
    /** Change-notice retry/claim timings and the clock (tests). */
    notices?: Partial<NoticeOptions>;
    /**
     * "Now" for what users are told: the day "today" is in answers, "status" and "sync status", and the days the sync
     * window keeps; notices read it too, unless `notices.now` says otherwise. One clock, so that a test that pins it,
     * seeds "today" and asks cannot see two days across a midnight. Agenda, leases, timers and the sync state's
     * stamps stay on the real clock. Default: the real time.
     */
    clock?: () => Date;
  } = {},
): Promise<Calbot> {
  const clock = options.clock ?? (() => new Date());
  const store = options.store ?? (await openStore(config, logger));
  const { collections } = store;
  let encryptionKey: Buffer;
  try {
    encryptionKey = await loadOrCreateEncryptionKey(config, config.dataDir, logger);
    await verifyOrRotateEncryptionKey(collections, encryptionKey, config.tokenEncryptionKeysPrevious, logger);
  } catch (error) {
    if (!options.store) await store.close(); // the embedded database too: nothing is left running
    throw error;
  }
  const scheduler = createScheduler(store.db, logger, options.scheduler);

  const auth = createMicrosoftAuth({ config, collections, encryptionKey, logger });
  defineSweepJob(scheduler, collections, logger, auth);

  // One limiter for the process: Outlook allows 4 concurrent requests per mailbox per app.
  const limiter = new RequestLimiter({ perKey: config.sync.maxRequestsPerMailbox, global: config.sync.maxRequestsInFlight });
  /** Aborted by stop(): Graph calls stop waiting to retry. */
  const stoppingGraph = new AbortController();
  const graphFor = (userKey: string): GraphClient => {
    if (!auth) throw new Error('Microsoft app is not configured');
    return createGraphClient({ graphUrl: config.microsoft.graphUrl, getAccessToken: (tokenOptions) => auth.getAccessToken(userKey, tokenOptions), logger, limiter, mailboxKey: userKey, stopping: stoppingGraph.signal });
  };

  const adapter = createAdapter(config, logger);
  const proactive = createProactiveSender(adapter, config.bot.appId, collections, logger);
  const notices = createNoticeService({ collections, proactive, logger, horizonDays: config.notifyHorizonDays, options: { now: clock, ...options.notices } });
  defineNoticeJob(scheduler, notices, logger);
  /** Change notices, queued page by page before each page is stored, and the first round's summary (a test may pass its own hooks). */
  const onChanges = options.onChanges ?? notices.queueChanges;
  const onRoundComplete: OnRoundComplete = options.onRoundComplete ?? notices.onRoundComplete;

  const syncJobs = createSyncJobs({
    agenda: scheduler,
    db: store.db,
    collections,
    engine: { collections, graphFor, config, logger, onChanges, onRoundComplete, windowClock: clock },
    intervalMs: config.sync.intervalMs,
    auth,
    proactive,
    logger,
    concurrency: config.sync.maxRequestsInFlight,
  });
  const hooks: ConnectionHooks = syncJobs.hooks;
  const connectDeps = { auth, collections, proactive, graphFor, hooks, logger, clock };
  const bot = new CalbotBot({
    collections,
    logger,
    commands: [
      ...connectOutlookCommands(connectDeps),
      ...syncCommands({ collections, jobs: syncJobs, proactive, notices, logger, auth, clock }),
      ...notifyCommands({ collections, notices, logger, horizonDays: config.notifyHorizonDays }),
      // Last: questions are the broadest match; every command above wins over a look-alike question.
      ...askCommands({ collections, auth, logger, syncIntervalMs: config.sync.intervalMs, now: clock }),
    ],
    uninstalled: forgetOnUninstall({ auth, collections, hooks, logger }),
  });

  const server = createServer({ adapter, bot, logger, ping: store.ping, completeSignIn: createRedirectHandler(connectDeps) });
  // calbot's own database admits one calbot (DATA_DIR's lock): whatever is locked there now, a calbot that died left.
  if (store.embedded) await releaseDeadProcessLocks(store.db, collections, logger);
  // Before any job starts: locks of calbots that died sharing this database are released first.
  const liveness = await startProcessLiveness(scheduler, store.db, collections, logger, {
    intervalMs: options.heartbeatMs,
    onTakenForDead: () => syncJobs.fenceOffRounds(),
    onLeasesReleased: async (keys) => void (await syncJobs.resumeReleasedRounds(keys)),
    alone: store.embedded !== undefined,
  });
  await startScheduler(scheduler);
  await startNoticeJob(scheduler);
  if (auth) await syncJobs.ensureAllJobs();

  let stopping: Promise<void> | undefined;
  const stop: Calbot['stop'] = (stopOptions = {}) =>
    (stopping ??= (async () => {
      const started = Date.now();
      const graceMs = stopOptions.graceMs ?? config.shutdownGraceMs;
      /** Time left until `share` of the budget is spent. */
      const until = (share: number) => Math.max(0, started + graceMs * share - Date.now());
      // First, so that a "sync now" still waiting in a turn hears its round was interrupted before the turn ends.
      syncJobs.stopRounds();
      stoppingGraph.abort();
      // No notice starts to be sent from here on; one under way has as long as turns and jobs to be answered.
      const noticesStopped = notices.stop(until(HAND_BACK_AT));
      // Side by side: a turn waiting for a round that gets cut off hears so before its own grace ends.
      const turns = server.close(until(CLOSE_AT));
      const jobs = stopScheduler(scheduler, {
        waitMs: until(HAND_BACK_AT),
        onTimeout: () => syncJobs.releaseStuckRounds({ fenceWaitMs: until((HAND_BACK_AT + CLOSE_AT) / 2) }),
        overlapSafe: [SEND_NOTICES_JOB, SWEEP_EXPIRED_JOB],
      }).catch((error: Error) => logger.warn({ event: 'shutdown-failed', stage: 'scheduler', err: error.message }, 'scheduler stop failed'));
      // Bounded even when the database does not answer (it died: the hand-back's writes wait for it); what was not
      // handed back is left as after a crash, its locks and leases expiring.
      if (!(await settlesWithin(Promise.all([turns, jobs]), until(CLOSE_AT)))) logger.warn({ event: 'shutdown-late', stage: 'turns and jobs' }, 'stopping: turns or jobs still running');
      if (!(await settlesWithin(noticesStopped, until(CLOSE_AT)))) logger.warn({ event: 'shutdown-late', stage: 'notices' }, 'stopping: notices not handed back in time; their claims lapse and another sender sends them');
      // Stopped, not dead: what this process still holds (a round that would not stop) lapses with its lifetime.
      liveness.stop();
      await settlesWithin(liveness.remove().catch((error: Error) => logger.warn({ event: 'shutdown-failed', stage: 'heartbeat', err: error.message }, 'could not remove this process\'s heartbeat')), until((CLOSE_AT + 1) / 2));
      if (!options.store && !(await settlesWithin(store.close(), until(1)))) logger.warn({ event: 'shutdown-late', stage: 'database' }, 'stopping: the database did not close in time');
      logger.info({ event: 'stopped', ms: Date.now() - started, graceMs }, 'calbot stopped');
    })());

  const host = options.host ?? config.host;
  let port: number;
  try {
    port = await server.listen(config.port, host);
  } catch (error) {
    // The database and the jobs are already running: stopped, so that nothing is left locked for the next start.
    await stop();
    throw listenError(error, config.port, host);
  }
  for (const warning of configWarnings(config)) logger.warn({ event: 'config-warning' }, warning);
  logger.info({ event: 'listening', port, host, publicUrl: config.publicUrl.href, localMode: !config.bot.appId, outlook: auth ? 'configured' : 'not configured' }, 'calbot listening');

  return { config, store, scheduler, server, bot, auth, proactive, notices, graphFor, syncJobs, liveness, port, stop };
}

/** Why the server could not listen, naming the variable to change (as a bad configuration value is named). */
function listenError(error: unknown, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new Error(`PORT ${port}: ${host}:${port} is already in use (another calbot, or another program): set PORT to a free port`);
  if (code === 'EACCES') return new Error(`PORT ${port}: not allowed to listen on ${host}:${port} (ports below 1024 need privileges): set PORT to 1024 or above`);
  if (code === 'EADDRNOTAVAIL') return new Error(`HOST ${host}: not an address of this machine: set HOST to one of its addresses, or 0.0.0.0`);
  return error instanceof Error ? error : new Error(String(error));
}

/** True when `work` settles within `ms`; it goes on either way (nothing here can cancel it). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const late = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    timer.abort();
  }
}
