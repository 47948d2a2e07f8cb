import type { Config } from './config.js';
import type { Logger } from './log.js';
import { connectOutlookCommands, createRedirectHandler, type ConnectionHooks } from './auth/connect-outlook.js';
import { createMicrosoftAuth, type MicrosoftAuth } from './auth/microsoft-auth.js';
import { loadOrCreateEncryptionKey, verifyEncryptionKey } from './auth/token-crypto.js';
import { askCommands } from './chat/ask-commands.js';
import { CalbotBot } from './chat/bot.js';
import { createAdapter } from './chat/adapter.js';
import { createProactiveSender, type ProactiveSender } from './chat/proactive.js';
import { createGraphClient, type GraphClient } from './graph/graph-client.js';
import { RequestLimiter } from './graph/request-limiter.js';
import { createNoticeService, defineNoticeJob, startNoticeJob, type NoticeOptions, type NoticeService, type OnRoundComplete } from './notices/notice-service.js';
import { notifyCommands } from './notices/notify-commands.js';
import { openStore, type Store } from './store/database.js';
import { createScheduler, defineSweepJob, startScheduler, stopScheduler, type Scheduler } from './scheduler.js';
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
  /** The port the server listens on (PORT, or the one the OS chose for PORT=0). */
  port: number;
  /**
   * Graceful: sync rounds stop at their next page boundary, the server stops accepting and lets turns finish, Agenda
   * stops and gets `jobsWaitMs` (15 s; tests: short) for its running jobs, then whatever this process still holds is
   * handed back (rounds that did not stop are cut off), the driver is closed and the embedded database stopped.
   * Another calbot on the database syncs those users at once, resuming the rounds where they stopped.
   */
  stop(options?: { jobsWaitMs?: number }): Promise<void>;
}

/** How long stop() waits for running jobs: a round stops at its next page boundary, a page's writes take a moment. */
const JOBS_STOP_WAIT_MS = 15_000;

/** Wires calbot's parts together and starts them. main.ts adds only the environment and signals. */
export async function startCalbot(
  config: Config,
  logger: Logger,
  options: {
    store?: Store;
    host?: string;
    /** Agenda instance name, poll interval and lock lifetime (tests: short lock lifetimes, two processes). */
    scheduler?: { name?: string; processEveryMs?: number; lockLifetimeMs?: number };
    /** After each stored sync round (the first round's summary notice). */
    onRoundComplete?: (userKey: string, result: RoundComplete) => Promise<void>;
    /** Each page's changes, before the page is stored (change notices). */
    onChanges?: (userKey: string, changes: Change[]) => Promise<void>;
    /** Change-notice retry/claim timings and the clock (tests). */
    notices?: Partial<NoticeOptions>;
  } = {},
): Promise<Calbot> {
  const store = options.store ?? (await openStore(config, logger));
  const { collections } = store;
  let encryptionKey: Buffer;
  try {
    encryptionKey = await loadOrCreateEncryptionKey(config, config.dataDir, logger);
    await verifyEncryptionKey(collections, encryptionKey);
  } catch (error) {
    if (!options.store) await store.close(); // the embedded database too: nothing is left running
    throw error;
  }
  const scheduler = createScheduler(store.db, logger, options.scheduler);

  const auth = createMicrosoftAuth({ config, collections, encryptionKey, logger });
  defineSweepJob(scheduler, collections, logger);

  // One limiter for the process: Outlook allows 4 concurrent requests per mailbox per app.
  const limiter = new RequestLimiter({ perKey: config.sync.maxRequestsPerMailbox, global: config.sync.maxRequestsInFlight });
  const graphFor = (userKey: string): GraphClient => {
    if (!auth) throw new Error('Microsoft app is not configured');
    return createGraphClient({ graphUrl: config.microsoft.graphUrl, getAccessToken: (tokenOptions) => auth.getAccessToken(userKey, tokenOptions), logger, limiter, mailboxKey: userKey });
  };

  const adapter = createAdapter(config, logger);
  const proactive = createProactiveSender(adapter, config.bot.appId, collections, logger);
  const notices = createNoticeService({ collections, proactive, logger, horizonDays: config.notifyHorizonDays, options: options.notices });
  defineNoticeJob(scheduler, notices, logger);
  /** Change notices, queued page by page before each page is stored, and the first round's summary (a test may pass its own hooks). */
  const onChanges = options.onChanges ?? notices.queueChanges;
  const onRoundComplete: OnRoundComplete = options.onRoundComplete ?? notices.onRoundComplete;

  const syncJobs = createSyncJobs({
    agenda: scheduler,
    db: store.db,
    collections,
    engine: { collections, graphFor, config, logger, onChanges, onRoundComplete },
    intervalMs: config.sync.intervalMs,
    auth,
    proactive,
    logger,
    concurrency: config.sync.maxRequestsInFlight,
  });
  const hooks: ConnectionHooks = syncJobs.hooks;
  const connectDeps = { auth, collections, proactive, graphFor, hooks, logger };
  const bot = new CalbotBot({
    collections,
    logger,
    commands: [
      ...connectOutlookCommands(connectDeps),
      ...syncCommands({ collections, jobs: syncJobs, proactive, logger }),
      ...notifyCommands({ collections, notices, logger, horizonDays: config.notifyHorizonDays }),
      // Last: questions are the broadest match; every command above wins over a look-alike question.
      ...askCommands({ collections, auth, logger, syncIntervalMs: config.sync.intervalMs }),
    ],
  });

  const server = createServer({ adapter, bot, logger, ping: store.ping, completeSignIn: createRedirectHandler(connectDeps) });
  await startScheduler(scheduler);
  await startNoticeJob(scheduler);
  if (auth) await syncJobs.ensureAllJobs();
  const port = await server.listen(config.port, options.host ?? config.host);
  logger.info({ port, publicUrl: config.publicUrl.href, localMode: !config.bot.appId, outlook: auth ? 'configured' : 'not configured' }, 'calbot listening');

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    scheduler,
    server,
    bot,
    auth,
    proactive,
    notices,
    graphFor,
    syncJobs,
    port,
    stop: (stopOptions = {}) =>
      (stopping ??= (async () => {
        // First, so that a "sync now" still waiting in a turn hears its round was interrupted before the turn ends.
        syncJobs.stopRounds();
        await server.close();
        await stopScheduler(scheduler, { waitMs: stopOptions.jobsWaitMs ?? JOBS_STOP_WAIT_MS, onTimeout: () => syncJobs.releaseStuckRounds() }).catch((error: Error) =>
          logger.warn({ err: error.message }, 'scheduler stop failed'),
        );
        await notices.idle();
        if (!options.store) await store.close();
        logger.info('calbot stopped');
      })()),
  };
}
