import { randomBytes } from 'node:crypto';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { ObjectId, type Db } from 'mongodb';
import type { Logger } from './log.js';
import type { MicrosoftAuth } from './auth/microsoft-auth.js';
import { COLLECTIONS, type Collections } from './store/collections.js';

export type Scheduler = Agenda;

export const SWEEP_EXPIRED_JOB = 'sweep-expired';

/** What stopScheduler needs beyond Agenda: the jobs' collection, and the jobs running in this process now (id -> name). */
const schedulerState = new WeakMap<Scheduler, { db: Db; running: Map<string, string> }>();

/**
 * Agenda on calbot's own database and driver (no second connection). Locks live in the job documents, so
 * several calbot processes on one database never run the same job at once, and a crashed process's lock
 * expires after `lockLifetimeMs`, after which another process picks the job up.
 */
export function createScheduler(db: Db, logger: Logger, options: { processEveryMs?: number; lockLifetimeMs?: number; name?: string } = {}): Scheduler {
  const agenda = new Agenda({
    // Unique per process (containers all run as pid 1): stopScheduler finds this process's locks by it.
    name: options.name ?? `calbot-${process.pid}-${randomBytes(4).toString('hex')}`,
    backend: new MongoBackend({ mongo: db, collection: COLLECTIONS.agendaJobs }),
    processEvery: options.processEveryMs ?? 5_000,
    maxConcurrency: 20,
    defaultLockLifetime: options.lockLifetimeMs ?? 10 * 60_000,
    // In-process wake-up: a job saved or asked to run now here starts at once instead of at the next poll.
    // Other processes still find it at their next poll (processEvery).
    notificationChannel: new InMemoryNotificationChannel(),
  });
  agenda.on('fail', (error: Error, job: { attrs: { name: string; _id?: unknown } }) => {
    logger.error({ event: 'job-failed', job: job.attrs.name, jobId: String(job.attrs._id), err: error.message }, 'job failed');
  });
  agenda.on('error', (error: Error) => logger.error({ event: 'scheduler-error', err: error.message }, 'scheduler error'));
  const running = new Map<string, string>();
  agenda.on('start', (job: { attrs: { _id?: unknown; name: string } }) => void running.set(String(job.attrs._id), job.attrs.name));
  agenda.on('complete', (job: { attrs: { _id?: unknown } }) => void running.delete(String(job.attrs._id)));
  schedulerState.set(agenda, { db, running });
  return agenda;
}

/**
 * Shutdown: no job starts any more, and the running ones get up to `waitMs` to end (Agenda's drain). Agenda then
 * leaves two kinds of locks in the job documents, each keeping every process from running that job until the lock
 * lifetime (10 minutes) has passed: those of jobs it had locked and queued but not started (drain never unlocks
 * them; stop() does, but waits for nothing), and those of jobs still running. `onTimeout` lets the owners of jobs
 * still running release what they safely can (the sync jobs); then this process's locks on jobs not running are
 * removed, leaving those jobs due when they were, and so are those of the jobs named in `overlapSafe` even if they
 * still run: their work guards itself (each notice is claimed on its own, a sweep deletes what has expired), so
 * another process may run them meanwhile.
 */
export async function stopScheduler(agenda: Scheduler, options: { waitMs: number; onTimeout?: () => Promise<void>; overlapSafe?: readonly string[] }): Promise<void> {
  const { db, running } = schedulerState.get(agenda)!;
  const drained = await agenda.drain(options.waitMs);
  if (drained.timedOut) await options.onTimeout?.();
  const keepLocked = [...running].filter(([, name]) => !options.overlapSafe?.includes(name)).map(([id]) => new ObjectId(id));
  // A job this process locked last carries its name (lastModifiedBy); one another process took over since does not.
  await db.collection(COLLECTIONS.agendaJobs).updateMany({ lastModifiedBy: agenda.attrs.name, lockedAt: { $ne: null }, _id: { $nin: keepLocked } }, { $set: { lockedAt: null } });
}

/**
 * Expiry without TTL indexes (FerretDB 1.24 refuses them): readers check expiresAt themselves; this job deletes
 * what has expired so the collection does not grow: sign-in states, and with Outlook configured the sign-ins that
 * waited for a code in vain and token caches nothing owns (MicrosoftAuth.deleteExpiredAuthStates).
 */
export function defineSweepJob(agenda: Scheduler, collections: Collections, logger: Logger, auth?: Pick<MicrosoftAuth, 'deleteExpiredAuthStates'>): void {
  agenda.define(SWEEP_EXPIRED_JOB, async () => {
    const started = Date.now();
    const deleted = auth ? await auth.deleteExpiredAuthStates() : (await collections.authStates.deleteMany({ expiresAt: { $lt: new Date() } })).deletedCount;
    logger.info({ event: 'job', job: SWEEP_EXPIRED_JOB, deleted, ms: Date.now() - started }, 'job done');
  });
}

export async function startScheduler(agenda: Scheduler): Promise<void> {
  await agenda.start();
  await agenda.every('10 minutes', SWEEP_EXPIRED_JOB);
}
