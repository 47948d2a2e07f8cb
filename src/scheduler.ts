import { randomBytes } from 'node:crypto';
import { Agenda, InMemoryNotificationChannel } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { ObjectId, type Db } from 'mongodb';
import type { JobParameters } from 'agenda';
import type { Logger } from './log.js';
import type { MicrosoftAuth } from './auth/microsoft-auth.js';
import { COLLECTIONS, type Collections } from './store/collections.js';
import { databaseUnavailable } from './store/database.js';
import { releaseLeasesOf } from './store/leases.js';
import { ProcessHeartbeats } from './store/process-heartbeats.js';

export type Scheduler = Agenda;

export const SWEEP_EXPIRED_JOB = 'sweep-expired';

/** What stopScheduler needs beyond Agenda: the jobs' collection, the jobs running in this process now (id -> name), the late saves. */
const schedulerState = new WeakMap<Scheduler, { db: Db; running: Map<string, string>; lateSaves: { stop(): void } }>();

/** How often a job's state that the database could not take (it was away) is saved again. */
const LATE_SAVE_RETRY_MS = 1_000;

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
  schedulerState.set(agenda, { db, running, lateSaves: saveLateWhileDatabaseAway(agenda, db, logger, running) });
  keepRecurringJobsSingle(agenda, db);
  letAgendaTimersHoldNothing(agenda);
  return agenda;
}

/** The private parts of Agenda's job processor (agenda/dist/JobProcessor.js) that make the timers below. */
interface AgendaInternals {
  jobProcessor?: {
    processEvery: number;
    runOrRetry?: (job: AgendaJob) => Promise<void>;
    enqueueJob?: (job: AgendaJob) => void;
    jobQueue?: { insert?: (job: AgendaJob) => void };
  };
}
interface AgendaJob {
  attrs: { name: string };
  gotTimerToExecute?: boolean;
}

/**
 * Agenda makes two timers it never clears, and after stop() they kept the process up (a program embedding calbot,
 * every jest worker: jest force-exited them). Each is unref'd as it is made (Agenda keeps a running scheduler up with
 * its poll interval, and a run with its own work), so a stopped calbot leaves nothing holding its process:
 * - each run races a check that its lock has not expired, every half lock lifetime (5 minutes), and its timer stays
 *   for up to 5 minutes after the run ended. The first check's is made as the run starts, within runOrRetry (told by
 *   its delay); a run longer than that leaves its next check's timer as is.
 * - a job locked for a time within the poll interval waits for it on a timer (agenda#1786: fixed upstream, not in
 *   6.2.6), armed by jobProcessing right after it puts the job back in its queue: the next timer made then.
 */
function letAgendaTimersHoldNothing(agenda: Scheduler): void {
  const internals = agenda as unknown as AgendaInternals;
  const start = agenda.start.bind(agenda);
  agenda.start = async () => {
    await start();
    const processor = internals.jobProcessor;
    if (!processor || patchedProcessors.has(processor)) return;
    patchedProcessors.add(processor);
    const { runOrRetry, enqueueJob, jobQueue } = processor;
    const insert = jobQueue?.insert;
    if (typeof runOrRetry === 'function') {
      processor.runOrRetry = (job) => {
        const lockCheckMs = Math.max(processor.processEvery / 2, (agenda.definitions[job.attrs.name]?.lockLifetime ?? 0) / 2);
        const setTimer = globalThis.setTimeout;
        globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
          const timer = setTimer(callback, ms, ...args);
          if (ms === lockCheckMs) timer.unref();
          return timer;
        }) as typeof setTimeout;
        try {
          return runOrRetry.call(processor, job);
        } finally {
          globalThis.setTimeout = setTimer;
        }
      };
    }
    if (typeof enqueueJob === 'function' && jobQueue && typeof insert === 'function') {
      let enqueuing = false;
      processor.enqueueJob = (job) => {
        enqueuing = true;
        try {
          enqueueJob.call(processor, job);
        } finally {
          enqueuing = false;
        }
      };
      jobQueue.insert = (job) => {
        insert.call(jobQueue, job);
        // Put back by jobProcessing, not queued by enqueueJob: its timer comes next, in this same synchronous step.
        if (!enqueuing && !job.gotTimerToExecute) unrefNextTimer();
      };
    }
  };
}

const patchedProcessors = new WeakSet<object>();

/** The next timer made unref'd, if one is made before the current synchronous step ends. */
function unrefNextTimer(): void {
  const setTimer = globalThis.setTimeout;
  const once = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    globalThis.setTimeout = setTimer;
    return setTimer(callback, ms, ...args).unref();
  }) as typeof setTimeout;
  globalThis.setTimeout = once;
  queueMicrotask(() => {
    if (globalThis.setTimeout === once) globalThis.setTimeout = setTimer;
  });
}

/**
 * agenda.every() (the sweep, send-notices) upserts its job by name with findOneAndUpdate: two calbots starting at once
 * on a new database may both insert one (on FerretDB, most calls made at the same moment do), and both copies then run
 * for good, each under its own lock. No index can refuse the second one on both MongoDB and FerretDB (a job without a user has no key of its own),
 * so once every() has saved its job, any other copy of it is removed. Each caller keeps the first made, so calbots
 * racing agree whichever looks last; the last to insert sees them all.
 */
function keepRecurringJobsSingle(agenda: Scheduler, db: Db): void {
  const every = agenda.every.bind(agenda);
  const jobs = db.collection(COLLECTIONS.agendaJobs);
  agenda.every = (async (...args: Parameters<Scheduler['every']>) => {
    const created = await every(...args);
    const names = typeof args[1] === 'string' ? [args[1]] : args[1];
    for (const name of names) {
      const copies = await jobs.find({ name, type: 'single' }, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray();
      if (copies.length > 1) await jobs.deleteMany({ _id: { $in: copies.slice(1).map((copy) => copy._id) } });
    }
    return created;
  }) as Scheduler['every'];
}

/**
 * Agenda saves a job's state as a run starts and again as it ends, unlocking it, and ignores a failed save at the end.
 * With the database away then (a restart, a network cut: a round under way fails too), the job document keeps the
 * run's lock and the next run Agenda saved at the start: no process runs the job before the lock lifetime (10 minutes)
 * has passed, "sync now" cannot move it, and a round cut off is redone an interval later at best. A failed save at the
 * start leaves the same lock on a job that did not run. Each such save is made again here, once the database answers,
 * as long as the job still carries the lock this process last wrote (not one taken since, here or elsewhere).
 */
function saveLateWhileDatabaseAway(agenda: Scheduler, db: Db, logger: Logger, running: Map<string, string>): { stop(): void } {
  const repository = agenda.db;
  const save = repository.saveJobState.bind(repository);
  const jobs = db.collection(COLLECTIONS.agendaJobs);
  /** The lock this process last saved on each job it holds (a touch renews it). */
  const locks = new Map<string, Date>();
  /** Per job: its state to save (a run's end), or only its lock to remove (a run that did not start), over `lockedAt`. */
  const owed = new Map<string, { job: JobParameters; options: Parameters<typeof save>[1]; unlockOnly: boolean; lockedAt: Date | undefined }>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const retrySoon = () => {
    if (timer || stopped) return;
    timer = setTimeout(() => void saveOwed(), LATE_SAVE_RETRY_MS);
    timer.unref();
  };

  repository.saveJobState = async (job, options) => {
    const id = String(job._id);
    try {
      await save(job, options);
    } catch (error) {
      // A touch failing mid-run is the run's own: it goes on, and its end saves the job. A start save failing stops the
      // run before it starts (no 'start' event), which leaves the lock the job was fetched with.
      const unlockOnly = Boolean(job.lockedAt);
      if (databaseUnavailable(error) && !(unlockOnly && running.has(id))) {
        if (!owed.has(id)) logger.warn({ event: 'job-save-failed', job: job.name, jobId: id, err: (error as Error).message }, 'the database is away: the job is saved again once it answers');
        owed.set(id, { job: { ...job }, options, unlockOnly, lockedAt: unlockOnly ? new Date(job.lockedAt!) : locks.get(id) });
        retrySoon();
      }
      throw error;
    }
    owed.delete(id);
    if (job.lockedAt) locks.set(id, new Date(job.lockedAt));
    else locks.delete(id);
  };

  async function saveOwed(): Promise<void> {
    for (const [id, late] of owed) {
      try {
        const current = await jobs.findOne({ _id: new ObjectId(id) }, { projection: { lockedAt: 1, lastModifiedBy: 1 } });
        if (owed.get(id) !== late) continue; // a newer save came meanwhile
        const ours = current?.lockedAt instanceof Date && current.lastModifiedBy === agenda.attrs.name && late.lockedAt !== undefined && current.lockedAt.getTime() === late.lockedAt.getTime();
        if (ours) {
          if (late.unlockOnly) await repository.unlockJob(late.job);
          else await save(late.job, late.options);
          logger.info({ event: 'job-saved-late', job: late.job.name, jobId: id }, 'the database is back: job saved');
        }
        if (owed.get(id) === late) owed.delete(id);
        locks.delete(id);
      } catch (error) {
        if (databaseUnavailable(error)) break; // still away: all of them again later
        owed.delete(id);
        logger.warn({ event: 'job-save-failed', job: late.job.name, jobId: id, err: (error as Error).message }, 'could not save the job');
      }
    }
    timer = undefined;
    if (owed.size > 0) retrySoon();
  }

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
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
  const { db, running, lateSaves } = schedulerState.get(agenda)!;
  // What is still owed goes with the locks below (or, the database still away, lapses as after a crash).
  lateSaves.stop();
  const drained = await agenda.drain(options.waitMs);
  if (drained.timedOut) await options.onTimeout?.();
  const keepLocked = [...running].filter(([, name]) => !options.overlapSafe?.includes(name)).map(([id]) => new ObjectId(id));
  // A job this process locked last carries its name (lastModifiedBy); one another process took over since does not.
  await db.collection(COLLECTIONS.agendaJobs).updateMany({ lastModifiedBy: agenda.attrs.name, lockedAt: { $ne: null }, _id: { $nin: keepLocked } }, { $set: { lockedAt: null } });
}

/**
 * At start-up, on a database no other calbot can be using (the embedded one: DATA_DIR's lock admits one calbot), every
 * job lock and lease there was left by a calbot that died without stopping (SIGKILL, a crash, a power cut). Each would
 * keep its work from everyone until it expires (a job lock and a sync lease: 10 minutes, so no sync for the users whose
 * rounds it cut off, and no notice retries if the send-notices job was running). They are removed, and the jobs that
 * were running are due at once, as Agenda makes a job whose lock expired: a round cut off resumes from its saved progress.
 */
export async function releaseDeadProcessLocks(db: Db, collections: Pick<Collections, 'leases'>, logger: Logger): Promise<void> {
  const { modifiedCount: jobs } = await db.collection(COLLECTIONS.agendaJobs).updateMany({ lockedAt: { $ne: null } }, { $set: { lockedAt: null, nextRunAt: new Date() } });
  const { deletedCount: leases } = await collections.leases.deleteMany({});
  if (jobs + leases > 0) logger.warn({ event: 'dead-process-locks-released', jobs, leases }, 'the last calbot on this database did not stop cleanly: its job locks and leases released');
}

/** How often a calbot process writes its liveness record by default (others call it dead after 4 missed). */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/** The liveness of this process, beating until stopped (see startProcessLiveness). */
export interface ProcessLiveness {
  heartbeats: ProcessHeartbeats;
  /** No more beats and no more looking at the others (the record stays: see remove). */
  stop(): void;
  /** Clean shutdown's last step: the record goes, so no one takes this process for dead. */
  remove(): Promise<void>;
}

/**
 * On a database several calbots share (MONGODB_URI), none can tell at start-up that the locks there are a dead
 * process's, as on the embedded one (releaseDeadProcessLocks): each process keeps a liveness record fresh instead
 * (ProcessHeartbeats), and at start-up and every beat releases the job locks and leases of the processes whose
 * record went stale (SIGKILLed, OOM-killed, a lost node), so their users sync again within about four beats (a
 * minute by default), not when the locks expire (10 minutes). A process with no record (an older calbot, during a
 * rolling upgrade) is never taken for dead: its locks only lapse.
 */
export async function startProcessLiveness(
  agenda: Scheduler,
  db: Db,
  collections: Pick<Collections, 'leases' | 'processHeartbeats'>,
  logger: Logger,
  /**
   * onTakenForDead: this process learnt the others released its locks (it stalled); its rounds under way must stop.
   * alone: the database is calbot's own (embedded), where no other calbot takes this one for dead.
   * onLeasesReleased: the keys of a dead process's leases this one released, for their work to be taken up at once.
   */
  options: { intervalMs?: number; onTakenForDead?: () => void; alone?: boolean; onLeasesReleased?: (keys: string[]) => Promise<void> } = {},
): Promise<ProcessLiveness> {
  const heartbeats = new ProcessHeartbeats(collections.processHeartbeats, agenda.attrs.name ?? 'calbot', options.intervalMs ?? HEARTBEAT_INTERVAL_MS, { alone: options.alone === true });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;
  /** The beat under way: remove() waits for it, so that a late upsert does not write the record back. */
  let beating: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      const beat = await heartbeats.beat();
      if (beat.wasTakenForDead) {
        // Its rounds under way lost their leases: another calbot may be syncing one of those users alongside, and a
        // late save of theirs would write over its progress. They are cut off first, then it is said.
        options.onTakenForDead?.();
        logger.warn({ event: 'taken-for-dead', intervalMs: heartbeats.intervalMs }, 'this calbot stalled so long the others took it for dead and released its job locks and leases');
      }
      await releaseStaleProcessLocks(heartbeats, db, collections, logger, beat.at, options.onLeasesReleased);
      failing = false;
    } catch (error) {
      // The database away (or refusing): tried again next beat; told once per outage.
      if (!failing) logger.warn({ event: 'heartbeat-failed', err: (error as Error).message }, 'could not write this process\'s heartbeat or release dead processes\' locks');
      failing = true;
    }
    if (stopped) return;
    timer = setTimeout(() => void (beating = tick()), heartbeats.intervalMs);
    timer.unref();
  };
  await (beating = tick());
  return {
    heartbeats,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    remove: async () => {
      await beating;
      await heartbeats.remove();
    },
  };
}

/**
 * The job locks and leases of the processes found dead at the database's time `now`. Each lock is released only as it
 * was seen (same owner, same lockedAt), and only while its owner has still not beaten since: one that changed hands
 * meanwhile, or a process that was only paused, keeps its own. A released job is due at once, as Agenda makes a job
 * whose lock expired: a round cut off resumes from its saved progress.
 */
async function releaseStaleProcessLocks(
  heartbeats: ProcessHeartbeats,
  db: Db,
  collections: Pick<Collections, 'leases'>,
  logger: Logger,
  now: Date,
  onLeasesReleased?: (keys: string[]) => Promise<void>,
): Promise<void> {
  const jobs = db.collection<{ lockedAt?: Date | null; lastModifiedBy?: string | null; nextRunAt?: Date | null }>(COLLECTIONS.agendaJobs);
  for (const dead of await heartbeats.dead(now)) {
    const locked = await jobs.find({ lastModifiedBy: dead._id, lockedAt: { $ne: null } }, { projection: { lockedAt: 1 } }).toArray();
    if (!(await heartbeats.stillDead(dead))) continue;
    let released = 0;
    for (const job of locked) {
      released += (await jobs.updateOne({ _id: job._id, lastModifiedBy: dead._id, lockedAt: job.lockedAt }, { $set: { lockedAt: null, nextRunAt: new Date() } })).modifiedCount;
    }
    const leases = await releaseLeasesOf(collections.leases, dead._id);
    // A lease can outlive its job's lock: on FerretDB two processes may both lock a job, and the one refused the
    // lease saves the job unlocked and due later, while the dead one's round went on under the lease.
    if (leases.length > 0) await onLeasesReleased?.(leases);
    await heartbeats.markReleased(dead);
    logger[released + leases.length > 0 ? 'warn' : 'info'](
      { event: 'stale-process-locks-released', process: dead._id, host: dead.host, pid: dead.pid, heartbeatAt: dead.heartbeatAt.toISOString(), jobs: released, leases: leases.length },
      'a calbot on this database stopped beating: its job locks and leases released',
    );
  }
  await heartbeats.forgetOld(now);
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
