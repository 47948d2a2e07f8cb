import { hostname } from 'node:os';
import type { Collection } from 'mongodb';
import type { ProcessHeartbeatDoc } from './collections.js';

/** Heartbeats a process may miss before others call it dead: a long GC pause or a slow database is not death. */
export const MISSED_BEATS_FOR_DEAD = 4;
/** How long the record of a dead process whose locks were released is kept (a late lock of it is still known). */
export const DEAD_RECORD_KEPT_MS = 60 * 60_000;

/**
 * This process's liveness record (see ProcessHeartbeatDoc), and what it reads of the others'. Every time is the
 * database server's: each beat stamps `heartbeatAt` with $currentDate and returns it, and staleness is measured from
 * that, so a host whose clock is off neither looks dead nor calls others dead.
 */
export class ProcessHeartbeats {
  private readonly startedAt = new Date();
  /** The database's time of this process's last beat that went through. */
  private lastBeatAt: Date | undefined;

  constructor(
    private readonly collection: Collection<ProcessHeartbeatDoc>,
    /** The scheduler's name: what this process's job locks and sync leases carry. */
    readonly name: string,
    readonly intervalMs: number,
    /** alone: on calbot's own database (embedded), where no other calbot can take this one for dead. */
    private readonly options: { alone?: boolean } = {},
  ) {}

  /**
   * Upserts this process's record; resolves with the database's time of the beat, and whether the others had taken this
   * process for dead meanwhile (it stalled past MISSED_BEATS_FOR_DEAD beats) and released its locks. A beat that comes
   * that long after the last one counts so even when the record does not say it: another calbot that found this one
   * dead marks the record after releasing its locks, and a beat landing between the two (or over the mark: on FerretDB
   * a conditional update is not atomic) would hide it.
   */
  async beat(): Promise<{ at: Date; wasTakenForDead: boolean }> {
    const record = await this.collection.findOneAndUpdate(
      { _id: this.name },
      {
        $currentDate: { heartbeatAt: true },
        $set: { host: hostname(), pid: process.pid, intervalMs: this.intervalMs },
        $setOnInsert: { startedAt: this.startedAt, released: false },
      },
      { upsert: true, returnDocument: 'after' },
    );
    const at = record?.heartbeatAt ?? new Date();
    const overdue = !this.options.alone && this.lastBeatAt !== undefined && at.getTime() - this.lastBeatAt.getTime() > MISSED_BEATS_FOR_DEAD * this.intervalMs;
    this.lastBeatAt = at;
    if (record?.released === true) await this.collection.updateOne({ _id: this.name }, { $set: { released: false } });
    return { at, wasTakenForDead: record?.released === true || overdue };
  }

  /** The other processes whose last beat, at the database's time `now`, is MISSED_BEATS_FOR_DEAD beats old, not yet released. */
  async dead(now: Date): Promise<ProcessHeartbeatDoc[]> {
    // Few documents (one per calbot process): filtered here, the same on MongoDB and FerretDB.
    const records = await this.collection.find({ released: { $ne: true } }).toArray();
    return records.filter((record) => record._id !== this.name && record.heartbeatAt.getTime() < now.getTime() - MISSED_BEATS_FOR_DEAD * (record.intervalMs || this.intervalMs));
  }

  /** Whether `record` has not beaten since it was read (a paused process that came back has). */
  async stillDead(record: ProcessHeartbeatDoc): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: record._id, heartbeatAt: record.heartbeatAt })) === 1;
  }

  /** Its locks are released: no need to look for them again, unless it beats again. */
  async markReleased(record: ProcessHeartbeatDoc): Promise<void> {
    await this.collection.updateOne({ _id: record._id, heartbeatAt: record.heartbeatAt }, { $set: { released: true } });
  }

  /** Records of dead processes released an hour ago and more. */
  async forgetOld(now: Date): Promise<number> {
    const { deletedCount } = await this.collection.deleteMany({ released: true, heartbeatAt: { $lt: new Date(now.getTime() - DEAD_RECORD_KEPT_MS) } });
    return deletedCount;
  }

  /** Clean shutdown: this process is gone; whatever it still holds lapses with its lifetime. */
  async remove(): Promise<void> {
    await this.collection.deleteOne({ _id: this.name });
  }
}
