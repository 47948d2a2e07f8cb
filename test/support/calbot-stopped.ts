/**
 * A calbot started in a process of its own on a test database (CALBOT_TEST_MONGODB_URI, database CALBOT_TEST_DATABASE),
 * as a test worker or another program embeds it, and stopped once its scheduler has run a job (the sweep, due at start).
 * Prints "stopped" and then waits for nothing: the process exits by itself only if nothing calbot started still runs.
 */
import { startCalbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { SWEEP_EXPIRED_JOB } from '../../src/scheduler.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { connectStore } from '../../src/store/database.js';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const store = await connectStore(process.env.CALBOT_TEST_MONGODB_URI!, logger, undefined, process.env.CALBOT_TEST_DATABASE);
const calbot = await startCalbot(config, logger, { store, host: '127.0.0.1', scheduler: { processEveryMs: 200 } });
const jobs = store.db.collection(COLLECTIONS.agendaJobs);
for (let i = 0; i < 200 && !(await jobs.findOne({ name: SWEEP_EXPIRED_JOB, lastFinishedAt: { $ne: null } })); i++) await new Promise((done) => setTimeout(done, 50));
process.stdout.write(`sweep ${(await jobs.findOne({ name: SWEEP_EXPIRED_JOB, lastFinishedAt: { $ne: null } })) ? 'ran' : 'never ran'}\n`);
await calbot.stop();
await store.close();
process.stdout.write('stopped\n');
// Says what is left if the process is still up 5 s on (this timer does not hold it itself).
setTimeout(() => process.stdout.write(`still running, held by: ${process.getActiveResourcesInfo().filter((name) => name !== 'PipeWrap').join(', ')}\n`), 5_000).unref();
