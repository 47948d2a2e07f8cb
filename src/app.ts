import type { Config } from './config.js';
import type { Logger } from './log.js';
import { CalbotBot } from './chat/bot.js';
import { createAdapter } from './chat/adapter.js';
import { createProactiveSender } from './chat/proactive.js';
import { openStore, type Store } from './store/database.js';
import { createScheduler, defineSweepJob, startScheduler, type Scheduler } from './scheduler.js';
import { createServer, type CalbotServer } from './server.js';

export interface Calbot {
  config: Config;
  store: Store;
  scheduler: Scheduler;
  server: CalbotServer;
  bot: CalbotBot;
  /** The port the server listens on (PORT, or the one the OS chose for PORT=0). */
  port: number;
  /** Graceful: stop accepting, let turns finish, stop Agenda, close the driver, stop the embedded database. */
  stop(): Promise<void>;
}

/** Wires calbot's parts together and starts them. main.ts adds only the environment and signals. */
export async function startCalbot(config: Config, logger: Logger, options: { store?: Store; host?: string } = {}): Promise<Calbot> {
  const store = options.store ?? (await openStore(config, logger));
  const { collections } = store;
  const scheduler = createScheduler(store.db, logger);
  defineSweepJob(scheduler, collections, logger);

  const adapter = createAdapter(config, logger);
  createProactiveSender(adapter, config.bot.appId, collections, logger);
  const bot = new CalbotBot({ collections, logger, commands: [] });

  const server = createServer({
    adapter,
    bot,
    logger,
    ping: store.ping,
    completeSignIn: async () => ({ status: 503, html: '<!doctype html><title>calbot</title><p>Sign-in is not available yet.</p>' }),
  });
  await startScheduler(scheduler);
  const port = await server.listen(config.port, options.host);
  logger.info({ port, publicUrl: config.publicUrl.href, localMode: !config.bot.appId }, 'calbot listening');

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    scheduler,
    server,
    bot,
    port,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        await scheduler.drain(15_000).catch((error: Error) => logger.warn({ err: error.message }, 'scheduler drain failed'));
        if (!options.store) await store.close();
        logger.info('calbot stopped');
      })()),
  };
}
