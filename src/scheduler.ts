import { Agenda, InMemoryNotificationChannel } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { Logger } from './log.js';
import { COLLECTIONS, type Collections } from './store/collections.js';

export type Scheduler = Agenda;

export const SWEEP_EXPIRED_JOB = 'sweep-expired';

/**
 * Agenda on calbot's own database and driver (no second connection). Locks live in the job documents, so
 * several calbot processes on one database never run the same job at once, and a crashed process's lock
 * expires after `lockLifetimeMs`, after which another process picks the job up.
 */
export function createScheduler(db: Db, logger: Logger, options: { processEveryMs?: number; lockLifetimeMs?: number; name?: string } = {}): Scheduler {
  const agenda = new Agenda({
    name: options.name ?? `calbot-${process.pid}`,
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
  return agenda;
}

/**
 * Expiry without TTL indexes (FerretDB 1.24 refuses them): readers check expiresAt themselves; this job deletes
 * what has expired so the collection does not grow.
 */
export function defineSweepJob(agenda: Scheduler, collections: Collections, logger: Logger): void {
  agenda.define(SWEEP_EXPIRED_JOB, async () => {
    const started = Date.now();
    const { deletedCount } = await collections.authStates.deleteMany({ expiresAt: { $lt: new Date() } });
    logger.info({ event: 'job', job: SWEEP_EXPIRED_JOB, deleted: deletedCount, ms: Date.now() - started }, 'job done');
  });
}

export async function startScheduler(agenda: Scheduler): Promise<void> {
  await agenda.start();
  await agenda.every('10 minutes', SWEEP_EXPIRED_JOB);
}
