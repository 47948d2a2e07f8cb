/**
 * A calbot in a process of its own, on a test database (CALBOT_TEST_MONGODB_URI, database CALBOT_TEST_DATABASE) as
 * MONGODB_URI users run it, configured from its environment like production: for tests that SIGKILL it. Prints
 * "listening <port>" once started.
 */
import { startCalbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { connectStore } from '../../src/store/database.js';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const store = await connectStore(process.env.CALBOT_TEST_MONGODB_URI!, logger, undefined, process.env.CALBOT_TEST_DATABASE);
const calbot = await startCalbot(config, logger, {
  store,
  host: '127.0.0.1',
  scheduler: { name: process.env.CALBOT_TEST_SCHEDULER_NAME, processEveryMs: 200 },
  heartbeatMs: Number(process.env.CALBOT_TEST_HEARTBEAT_MS) || undefined,
});
process.stdout.write(`listening ${calbot.port}\n`);
