import 'dotenv/config';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { startCalbot } from './app.js';

// Composition root: environment in, calbot started, signals wired. Nothing else belongs here.
let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`calbot: configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger(config.logLevel);
// A promise no one waits for that fails (Agenda unlocks a job without awaiting it, so a database gone at that moment
// rejects it): Node's default ends the process, and every user's answers and syncs with it, for one lost call that
// the next poll redoes.
process.on('unhandledRejection', (reason) => {
  logger.error({ event: 'unhandled-rejection', err: reason instanceof Error ? reason.message : String(reason) }, 'a call failed with nothing waiting for it');
});

try {
  const calbot = await startCalbot(config, logger);
  const shutDown = (exitCode: number) =>
    calbot.stop().then(
      () => process.exit(exitCode),
      (error: Error) => {
        logger.error({ event: 'shutdown-failed', err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ event: 'shutting-down', signal }, 'shutting down');
      void shutDown(0);
    });
  }
  // Without its database calbot answers nothing and syncs nothing; exiting lets a supervisor start it (and the
  // database) again, where staying up would fail every turn slowly. The launcher has logged why.
  calbot.store.embedded?.onUnexpectedExit(() => void shutDown(1));
} catch (error) {
  logger.fatal({ event: 'start-failed', err: error instanceof Error ? error.message : String(error) }, 'calbot could not start');
  process.exit(1);
}
