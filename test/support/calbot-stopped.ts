/**
 * A calbot started in a process of its own on a test database (CALBOT_TEST_MONGODB_URI, database CALBOT_TEST_DATABASE),
 * as a test worker or another program embeds it, and stopped once its scheduler has run a job (the sweep, due at start)
 * and locked one due within its poll interval (20 s here: one due in 4.5 s is locked as it is saved), which Agenda
 * waits for with a timer of its own.
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
const calbot = await startCalbot(config, logger, { store, host: '127.0.0.1', scheduler: { processEveryMs: 20_000 } });
const jobs = store.db.collection(COLLECTIONS.agendaJobs);
for (let i = 0; i < 200 && !(await jobs.findOne({ name: SWEEP_EXPIRED_JOB, lastFinishedAt: { $ne: null } })); i++) await new Promise((done) => setTimeout(done, 50));
process.stdout.write(`sweep ${(await jobs.findOne({ name: SWEEP_EXPIRED_JOB, lastFinishedAt: { $ne: null } })) ? 'ran' : 'never ran'}\n`);
await calbot.scheduler.schedule(new Date(Date.now() + 4_500), SWEEP_EXPIRED_JOB, {});
const lockedSoon = () => jobs.findOne({ name: SWEEP_EXPIRED_JOB, lockedAt: { $ne: null }, nextRunAt: { $gt: new Date() } });
for (let i = 0; i < 40 && !(await lockedSoon()); i++) await new Promise((done) => setTimeout(done, 50));
process.stdout.write(`sweep due in 4.5 s ${(await lockedSoon()) ? 'locked' : 'not locked'}\n`);
await calbot.stop();
await store.close();
process.stdout.write('stopped\n');
// Says what is left if the process is still up 1.5 s on (this timer does not hold it itself).
setTimeout(() => process.stdout.write(`still running, held by: ${process.getActiveResourcesInfo().filter((name) => name !== 'PipeWrap').join(', ')}\n`), 1_500).unref();
