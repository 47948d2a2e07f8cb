import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCalbot, type Calbot } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { ProcessHeartbeats } from '../../src/store/process-heartbeats.js';
import { SYNC_JOB, syncLeaseKey } from '../../src/sync/sync-jobs.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { at, connectedUser, SYNC_ENV, waitForState, type ConnectedUser } from '../sync/sync-support.js';

/** Beats of the calbots started here: another is dead once four are missed (800 ms), against a 10-minute lock lifetime. */
const HEARTBEAT_MS = 200;

/**
 * Calbots sharing one database as MONGODB_URI users run them (not the embedded database, where start-up releases every
 * lock): the harness's calbot and the ones started here, all real (restify, botbuilder, MSAL, the Graph client,
 * Agenda), with Microsoft's cloud faked. One of them dies holding a user's round: its heartbeat stops and its job lock
 * and sync lease stay, as after a SIGKILL.
 */
describe('a calbot that dies holding a round, on a database calbots share', () => {
  let h: CloudHarness;
  const started: Calbot[] = [];
  const logger = createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent');
  const deltaPath = '/me/calendarView/delta';

  const startAnother = async (name: string) => {
    const calbot = await startCalbot({ ...h.calbot.config, port: 0 }, logger, { store: h.store, host: '127.0.0.1', scheduler: { name, processEveryMs: 200 }, heartbeatMs: HEARTBEAT_MS });
    started.push(calbot);
    return calbot;
  };
  const job = (userKey: string) => h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
  const lease = (userKey: string) => h.store.collections.leases.findOne({ key: syncLeaseKey(userKey) });

  /** Once the user's last round has handed back its lease and Agenda has saved its job (unlocked), just after the round. */
  const settled = async (userKey: string) => {
    const busy = async () => {
      const saved = await job(userKey);
      return Boolean((await lease(userKey)) || saved?.lockedAt || !(saved?.lastFinishedAt >= saved?.lastRunAt));
    };
    for (let i = 0; i < 100 && (await busy()); i++) await sleep(50);
    await sleep(300); // Agenda's last writes of the run
  };

  beforeAll(async () => {
    h = await startCloudHarness(SYNC_ENV, 'dead_locks');
  }, 30_000);
  afterAll(async () => {
    for (const calbot of started) await calbot.stop();
    await h?.close();
  });

  /** `calbot` runs the user's next round, which waits on Graph's first answer until released. */
  async function roundHeldBy(calbot: Calbot, user: ConnectedUser): Promise<{ release(): void }> {
    await settled(user.userKey);
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath });
    await calbot.syncJobs.requestRun(user.userKey);
    await hold.held;
    expect((await lease(user.userKey))?.owner).toBe(calbot.scheduler.attrs.name);
    expect((await job(user.userKey))?.lastModifiedBy).toBe(calbot.scheduler.attrs.name);
    // Held requests wait on; those made from here on are answered.
    h.graph.holdRequests({ oid: 'nobody' });
    return hold;
  }

  test('each calbot beats while it runs and removes its record when it stops; a dead one\'s record goes an hour after its last beat', async () => {
    const records = h.store.collections.processHeartbeats;
    const calbot = await startAnother('calbot-beating');
    const first = (await records.findOne({ _id: 'calbot-beating' }))!;
    expect(first).toMatchObject({ host: hostname(), pid: process.pid, intervalMs: HEARTBEAT_MS, released: false });
    await sleep(3 * HEARTBEAT_MS);
    const later = (await records.findOne({ _id: 'calbot-beating' }))!;
    expect(later.heartbeatAt.getTime()).toBeGreaterThan(first.heartbeatAt.getTime());
    expect(later.startedAt).toEqual(first.startedAt);

    // A calbot that died two hours ago, its lock still there (the others were down too): released, then forgotten.
    const user = await connectedUser(h, 'Lo Longgone');
    await settled(user.userKey);
    // Two hours before the database's clock, which stamps every beat (under npm run test:hours this process's clock
    // is moved and the database's is not).
    const lastBeat = new Date((await records.findOne({ _id: 'calbot-beating' }))!.heartbeatAt.getTime() - 2 * 60 * 60_000);
    // A lock Agenda would not take over for 10 minutes more, taken before its owner's record is there (as a lock is
    // taken while its owner lives): a beat in between would otherwise release the record with no lock yet to release.
    await h.store.db.collection(COLLECTIONS.agendaJobs).updateOne({ name: SYNC_JOB, 'data.userKey': user.userKey }, { $set: { lockedAt: new Date(), lastModifiedBy: 'calbot-long-gone' } });
    await records.insertOne({ _id: 'calbot-long-gone', host: 'elsewhere', pid: 1, startedAt: lastBeat, heartbeatAt: lastBeat, intervalMs: 15_000, released: false });
    for (let i = 0; i < 100 && (await records.findOne({ _id: 'calbot-long-gone' })); i++) await sleep(50);
    expect(await records.findOne({ _id: 'calbot-long-gone' })).toBeNull();
    const after = await job(user.userKey);
    expect(after?.lastModifiedBy !== 'calbot-long-gone' || after?.lockedAt == null).toBe(true);
    await waitForState(h, user.userKey, (s) => s.roundsCompleted >= 2 && s.status === 'idle');

    await calbot.stop();
    expect(await records.findOne({ _id: 'calbot-beating' })).toBeNull();
  }, 60_000);

  test('a calbot the others took for dead (it stalled) that beats again says so in its log, and counts as alive again', async () => {
    const lines: { event?: string }[] = [];
    const logged = createLogger('warn', new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const calbot = await startCalbot({ ...h.calbot.config, port: 0 }, logged, { store: h.store, host: '127.0.0.1', scheduler: { name: 'calbot-stalled', processEveryMs: 200 }, heartbeatMs: HEARTBEAT_MS });
    started.push(calbot);
    const records = h.store.collections.processHeartbeats;
    // What the others write once they have released its locks.
    await records.updateOne({ _id: 'calbot-stalled' }, { $set: { released: true } });
    for (let i = 0; i < 40 && (await records.findOne({ _id: 'calbot-stalled' }))?.released; i++) await sleep(50);
    expect(await records.findOne({ _id: 'calbot-stalled' })).toMatchObject({ released: false });
    expect(lines.filter((line) => line.event === 'taken-for-dead')).toHaveLength(1);
  }, 30_000);

  test('a calbot whose beats came more than four intervals apart counts itself taken for dead, even if its record was not marked', async () => {
    // Another calbot marks the record only after releasing the locks: a beat in between (or, on FerretDB, over the mark) hides it.
    await stopStarted(); // the harness's calbot alone looks at the others, every 15 s
    const heartbeats = new ProcessHeartbeats(h.store.collections.processHeartbeats, 'calbot-gap', 50);
    try {
      expect(await heartbeats.beat()).toMatchObject({ wasTakenForDead: false });
      expect(await heartbeats.beat()).toMatchObject({ wasTakenForDead: false });
      await sleep(6 * 50);
      expect(await heartbeats.beat()).toMatchObject({ wasTakenForDead: true });
      expect(await heartbeats.beat()).toMatchObject({ wasTakenForDead: false });
    } finally {
      await heartbeats.remove();
    }
    // On calbot's own database (embedded) no other calbot can have taken it for dead, however long it stalled: only
    // its record's mark says so (here, on the shared test database, the calbots of this suite may well mark it).
    const alone = new ProcessHeartbeats(h.store.collections.processHeartbeats, 'calbot-gap-alone', 50, { alone: true });
    try {
      expect(await alone.beat()).toMatchObject({ wasTakenForDead: false });
      await sleep(6 * 50);
      const marked = (await h.store.collections.processHeartbeats.findOne({ _id: 'calbot-gap-alone' }))?.released;
      expect(await alone.beat()).toMatchObject({ wasTakenForDead: marked === true });
    } finally {
      await alone.remove();
    }
  });

  test('its user is synced by another calbot within a few heartbeats, not when its lock expires (10 minutes)', async () => {
    const user = await connectedUser(h, 'Di Dead');
    const dying = await startAnother('calbot-dying');
    const hold = await roundHeldBy(dying, user);
    try {
      h.graph.addEvent(user.microsoft.oid, { subject: 'After the crash', start: at(1, 9), end: at(1, 10) });
      const before = (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!;
      // Dead: no more beats, no more jobs, its lock and lease left as they are.
      dying.liveness.stop();
      await dying.scheduler.drain(1);
      const diedAt = Date.now();
      const survivor = await startAnother('calbot-survivor');

      const state = await waitForState(h, user.userKey, (s) => s.roundsCompleted > before.roundsCompleted && s.status === 'idle', 20_000);
      expect(Date.now() - diedAt).toBeLessThan(15_000);
      expect(state.lastCounts).toMatchObject({ added: 1 });
      expect(await h.store.collections.events.countDocuments({ userKey: user.userKey, subject: 'After the crash' })).toBe(1);
      expect(await h.store.collections.processHeartbeats.findOne({ _id: 'calbot-dying' })).toMatchObject({ released: true });
      // The live ones keep theirs.
      expect(await h.store.collections.processHeartbeats.findOne({ _id: survivor.scheduler.attrs.name })).toMatchObject({ released: false });
      expect(await h.store.collections.processHeartbeats.findOne({ _id: h.calbot.scheduler.attrs.name })).toMatchObject({ released: false });
      await h.connector.waitFor(1, (r) => r.conversationId === user.chat.conversationId && /^New: After the crash/.test(r.activity.text ?? ''));
    } finally {
      hold.release();
    }
  }, 60_000);

  test('its round held the lease but another saved the job (both locked it, FerretDB\'s lock is not atomic): its user is still synced within a few heartbeats', async () => {
    // The calbots of the tests before would take the round "sync now" asks of the dying one first (see stopStarted).
    await stopStarted();
    const user = await connectedUser(h, 'Tw Twice');
    const dying = await startAnother('calbot-dying-twice');
    const hold = await roundHeldBy(dying, user);
    try {
      h.graph.addEvent(user.microsoft.oid, { subject: 'After the lost lock', start: at(1, 11), end: at(1, 12) });
      const before = (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!;
      // What the other locker's run leaves when the lease is refused it: Agenda saves the job unlocked, due when the
      // lease can have ended (its lifetime, 10 minutes), its own name on it.
      const dueLater = new Date(Date.now() + 10 * 60_000);
      await h.store.db.collection(COLLECTIONS.agendaJobs).updateOne({ name: SYNC_JOB, 'data.userKey': user.userKey }, { $set: { lockedAt: null, lastModifiedBy: 'calbot-refused', nextRunAt: dueLater } });
      dying.liveness.stop();
      await dying.scheduler.drain(1);
      const diedAt = Date.now();
      await startAnother('calbot-survivor-twice');

      const state = await waitForState(h, user.userKey, (s) => s.roundsCompleted > before.roundsCompleted && s.status === 'idle', 20_000);
      expect(Date.now() - diedAt).toBeLessThan(15_000);
      expect(state.lastCounts).toMatchObject({ added: 1 });
      expect(await h.store.collections.events.countDocuments({ userKey: user.userKey, subject: 'After the lost lock' })).toBe(1);
      expect(await h.store.collections.processHeartbeats.findOne({ _id: 'calbot-dying-twice' })).toMatchObject({ released: true });
    } finally {
      hold.release();
    }
  }, 60_000);

  /**
   * The calbots the tests before started, stopped: each polls for due jobs every 200 ms, and would often take the round
   * "sync now" asks of a calbot in a process of its own (just started, its first turn is slow) before it does.
   */
  const stopStarted = async () => {
    for (const calbot of started) await calbot.stop();
  };

  /** A real calbot in a process of its own (test/support/calbot-process.ts) on this database, started and listening. */
  async function spawnCalbot(name: string, logLevel = 'warn') {
    const { config } = h.calbot;
    const env = {
      ...process.env,
      PORT: '0',
      PUBLIC_URL: config.publicUrl.href,
      DATA_DIR: config.dataDir,
      LOG_LEVEL: 'warn',
      MICROSOFT_CLIENT_ID: config.microsoft.clientId,
      MICROSOFT_CLIENT_SECRET: config.microsoft.clientSecret,
      MICROSOFT_TENANT_ID: config.microsoft.tenantId,
      MICROSOFT_AUTHORITY_HOST: config.microsoft.authorityHost,
      MICROSOFT_GRAPH_URL: config.microsoft.graphUrl,
      ...SYNC_ENV,
      CALBOT_TEST_DATABASE: h.store.db.databaseName,
      CALBOT_TEST_SCHEDULER_NAME: name,
      CALBOT_TEST_HEARTBEAT_MS: String(HEARTBEAT_MS),
      // npm run test:hours starts each process's clock at the instant it names (libfaketime's "@"): this one's has
      // run on since, so the child's starts where it is now, not minutes behind (its locks and leases would be).
      ...(process.env.FAKETIME?.startsWith('@') ? { FAKETIME: `@${new Date().toISOString().replace('T', ' ').slice(0, 19)}` } : {}),
    };
    env.LOG_LEVEL = logLevel;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/calbot-process.ts'], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const spawned = { child, output: '', port: undefined as string | undefined, exited: new Promise((done) => child.once('exit', done)) };
    child.stdout.on('data', (chunk: Buffer) => (spawned.output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (spawned.output += chunk.toString()));
    try {
      for (let i = 0; i < 300 && !/^listening \d+$/m.test(spawned.output); i++) {
        if (child.exitCode !== null) throw new Error(`the calbot process exited: ${spawned.output}`);
        await sleep(100);
      }
      spawned.port = /^listening (\d+)$/m.exec(spawned.output)?.[1];
      expect(spawned.port).toBeDefined();
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return spawned;
  }

  test('killed (SIGKILL) in its own process mid-round: another calbot syncs its user within a few heartbeats', async () => {
    await stopStarted();
    const user = await connectedUser(h, 'Ki Killed');
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath });
    const { child, port, exited } = await spawnCalbot('calbot-killed');
    try {
      await settled(user.userKey);
      // "sync now" said to it: its round starts there at once (the others find the job due at their next poll).
      void fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(h.message('sync now', user.chat)) }).catch(() => 'cut off');
      await hold.held;
      for (let i = 0; i < 100 && (await lease(user.userKey))?.owner !== 'calbot-killed'; i++) await sleep(50);
      expect((await lease(user.userKey))?.owner).toBe('calbot-killed');
      h.graph.holdRequests({ oid: 'nobody' });
      h.graph.addEvent(user.microsoft.oid, { subject: 'After the kill', start: at(2, 9), end: at(2, 10) });
      const before = (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!;
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      hold.release(); // answered to nobody
      await startAnother('calbot-after-kill');

      await waitForState(h, user.userKey, (s) => s.roundsCompleted > before.roundsCompleted && s.status === 'idle', 20_000);
      expect(Date.now() - killedAt).toBeLessThan(15_000);
      expect(await h.store.collections.events.countDocuments({ userKey: user.userKey, subject: 'After the kill' })).toBe(1);
      expect(await h.store.collections.processHeartbeats.findOne({ _id: 'calbot-killed' })).toMatchObject({ released: true });
    } finally {
      hold.release();
      child.kill('SIGKILL');
    }
  }, 60_000);

  test.each([
    ['comes after its first beat', false],
    ['is there as it wakes', true],
  ])('a calbot frozen (SIGSTOP) past its heartbeat window mid-round, taken for dead: when it wakes its round ends at Graph\'s answer without saving over the other\'s (the answer %s)', async (_, answeredWhileFrozen) => {
    await stopStarted();
    const user = await connectedUser(h, answeredWhileFrozen ? 'Fr Answered' : 'Fr Frozen');
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath });
    const name = answeredWhileFrozen ? 'calbot-frozen-answered' : 'calbot-frozen';
    const frozen = await spawnCalbot(name);
    const { child, port } = frozen;
    try {
      await settled(user.userKey);
      void fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(h.message('sync now', user.chat)) }).catch(() => 'cut off');
      await hold.held;
      for (let i = 0; i < 100 && (await lease(user.userKey))?.owner !== name; i++) await sleep(50);
      expect((await lease(user.userKey))?.owner).toBe(name);
      h.graph.holdRequests({ oid: 'nobody' });
      h.graph.addEvent(user.microsoft.oid, { subject: 'While frozen', start: at(3, 9), end: at(3, 10) });
      const before = (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!;
      // A stopped VM: its round waits on Graph's answer, its heartbeat stops; the others release its lock and lease.
      child.kill('SIGSTOP');
      const other = await startAnother(answeredWhileFrozen ? 'calbot-over-answered' : 'calbot-over-frozen');
      const synced = await waitForState(h, user.userKey, (s) => s.roundsCompleted > before.roundsCompleted && s.status === 'idle', 20_000);
      expect(await h.store.collections.processHeartbeats.findOne({ _id: name })).toMatchObject({ released: true });
      // Graph's answer to the frozen round: waiting on its socket when it wakes, or after it has beaten once.
      if (answeredWhileFrozen) hold.release();
      await sleep(100);
      const thawedAt = new Date();
      child.kill('SIGCONT');
      for (let i = 0; i < 100 && !/"event":"taken-for-dead"/.test(frozen.output); i++) await sleep(50);
      expect(frozen.output).toMatch(/"event":"taken-for-dead"/);
      hold.release();
      // Its run over: Agenda there saved the job (unlocked), or a round after it already began.
      const ended = async () => {
        const saved = await job(user.userKey);
        return (saved?.lastModifiedBy === name && saved.lastFinishedAt >= thawedAt) || (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!.roundsCompleted > synced.roundsCompleted;
      };
      for (let i = 0; i < 200 && !(await ended()); i++) await sleep(50);
      await settled(user.userKey);
      // Each round that ended since counted itself: none saved its stale count, delta link and time over the other's.
      const after = (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!;
      if (after.roundsCompleted === synced.roundsCompleted) expect(after).toMatchObject({ deltaLink: synced.deltaLink, lastSuccessAt: synced.lastSuccessAt });
      expect(await h.store.collections.events.countDocuments({ userKey: user.userKey, subject: 'While frozen' })).toBe(1);
      // Its job is due at once (where it was cut off), so the user's next round is not an interval away.
      await waitForState(h, user.userKey, (s) => s.roundsCompleted > synced.roundsCompleted && s.status === 'idle', 20_000);
      await other.stop();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${name}'s log: ${frozen.output.slice(-3000)}`);
    } finally {
      hold.release();
      child.kill('SIGKILL');
    }
  }, 60_000);

  test('a live calbot whose round is slow keeps its lock and lease, however long past the heartbeat window', async () => {
    const user = await connectedUser(h, 'Sl Slow');
    const slow = await startAnother('calbot-slow');
    h.graph.resetCounters();
    const hold = await roundHeldBy(slow, user);
    const locked = await job(user.userKey);
    const held = await lease(user.userKey);
    try {
      await startAnother('calbot-watcher');
      // Many heartbeat windows: each calbot looks at every beat.
      await sleep(10 * 4 * HEARTBEAT_MS);
      expect(await job(user.userKey)).toMatchObject({ lockedAt: locked!.lockedAt, lastModifiedBy: 'calbot-slow' });
      expect(await lease(user.userKey)).toMatchObject({ _id: held!._id, owner: 'calbot-slow' });
      expect(h.graph.requests.filter((r) => r.oid === user.microsoft.oid && r.path.endsWith(deltaPath))).toHaveLength(1);
    } finally {
      hold.release();
    }
    await waitForState(h, user.userKey, (s) => s.roundsCompleted >= 2 && s.status === 'idle');
  }, 60_000);

  test('a lock whose owner never wrote a heartbeat (an older calbot) is left to its lifetime', async () => {
    const user = await connectedUser(h, 'Ol Older');
    await settled(user.userKey);
    const lockedAt = new Date(Date.now() - 60_000);
    await h.store.db.collection(COLLECTIONS.agendaJobs).updateOne({ name: SYNC_JOB, 'data.userKey': user.userKey }, { $set: { lockedAt, lastModifiedBy: 'calbot-1-older', nextRunAt: new Date() } });
    await h.store.collections.leases.insertOne({ _id: 'older-holding', key: syncLeaseKey(user.userKey), owner: 'calbot-1-older', acquiredAt: lockedAt, expiresAt: new Date(Date.now() + 9 * 60_000) });
    const rounds = (await h.store.collections.syncStates.findOne({ _id: user.userKey }))!.roundsCompleted;
    await startAnother('calbot-new');
    await sleep(10 * 4 * HEARTBEAT_MS);
    expect(await job(user.userKey)).toMatchObject({ lockedAt, lastModifiedBy: 'calbot-1-older' });
    expect(await lease(user.userKey)).toMatchObject({ _id: 'older-holding', owner: 'calbot-1-older' });
    expect((await h.store.collections.syncStates.findOne({ _id: user.userKey }))!.roundsCompleted).toBe(rounds);
  }, 60_000);
});
