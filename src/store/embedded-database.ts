import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { accessSync, closeSync, constants, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../log.js';

/**
 * calbot's own MongoDB-compatible server for when MONGODB_URI is unset. Rungs, in order:
 *   1. `mongod` on PATH;
 *   2. FerretDB (SQLite backend, loopback, telemetry off): `ferretdb` on PATH, or calbot-ferretdb built once from
 *      tools/ferretdb with Go into a cache folder;
 *   3. mongodb-memory-server (it downloads mongod, where the internet allows).
 * Data lives under DATA_DIR/<engine>/ and survives restarts; the server's log goes to a file beside it. Once an
 * engine's folder holds data, only that engine is started on that DATA_DIR (another would start on an empty
 * database and calbot would carry on as if every user had just arrived). One calbot at a time uses a DATA_DIR
 * (DATA_DIR/calbot.lock).
 */
export interface EmbeddedDatabase {
  uri: string;
  kind: 'mongod' | 'ferretdb' | 'mongodb-memory-server';
  /** What was launched, for the operator's log line. */
  description: string;
  stop(): Promise<void>;
  /**
   * Calls `listener` once if the server exits without stop() (at once if it already has; the launcher has logged
   * it). calbot cannot answer anything without its database, so main.ts stops and exits non-zero for a supervisor
   * to start it again.
   */
  onUnexpectedExit(listener: (exit: DatabaseExit) => void): void;
}

/** `exitCode`, not `code`: the logger redacts any field named code. */
export interface DatabaseExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export class EmbeddedDatabaseError extends Error {
  /** `dataOwner`: the engine folder that holds calbot's data, when that engine is the one that would not start. */
  constructor(attempts: string[], dataOwner?: { kind: string; dir: string }) {
    super(
      dataOwner
        ? `${dataOwner.dir} holds calbot's data, but ${dataOwner.kind} could not start (${attempts.join('; ')}). ` +
            `Fix that (its log is ${dataOwner.dir}.log), or move ${dataOwner.dir} away to start on an empty database.`
        : `Could not start an embedded database (${attempts.join('; ')}). ` +
            'Set MONGODB_URI to a MongoDB 6+ server, or install Go (to build FerretDB) or mongod.',
    );
    this.name = 'EmbeddedDatabaseError';
  }
}

/** Another calbot that is still alive holds DATA_DIR: its database must be left alone. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, readonly pid: number) {
    super(`DATA_DIR ${dataDir} is in use by calbot pid ${pid}`);
    this.name = 'DataDirInUseError';
  }
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  logger: Logger;
  /** Where built binaries are cached; default $XDG_CACHE_HOME/calbot or ~/.cache/calbot. */
  cacheDir?: string;
  /** Test hook: the PATH to search. */
  path?: string;
}

const FERRETDB_SOURCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tools', 'ferretdb');
const READY_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  makeDataDir(dataDir, options.dataDir);
  const unlock = lockDataDir(dataDir, options.dataDir);
  try {
    const database = await startFirstRung(dataDir, options);
    const stop = database.stop;
    return {
      ...database,
      stop: async () => {
        await stop();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

async function startFirstRung(dataDir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const attempts: string[] = [];
  const allRungs: [EmbeddedDatabase['kind'], () => Promise<EmbeddedDatabase | string>][] = [
    ['mongod', () => startMongod(dataDir, options)],
    ['ferretdb', () => startFerretDB(dataDir, options)],
    ['mongodb-memory-server', () => startMemoryServer(dataDir, options)],
  ];
  const withData = enginesHoldingData(dataDir, allRungs.map(([name]) => name));
  if (withData.length > 1) options.logger.warn({ event: 'embedded-database-engines', engines: withData, dataDir }, 'DATA_DIR holds data of several database engines; starting the one written last');
  const owner = withData[0];
  const rungs = owner ? allRungs.filter(([name]) => name === owner) : allRungs;
  for (const [name, start] of rungs) {
    const started = Date.now();
    try {
      const result = await start();
      if (typeof result === 'string') {
        attempts.push(`${name}: ${result}`);
        continue;
      }
      options.logger.info({ event: 'embedded-database-started', database: result.kind, description: result.description, dataDir, startMs: Date.now() - started }, 'embedded database started');
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      attempts.push(`${name}: ${message}`);
      options.logger.warn({ event: 'embedded-database-failed', database: name, err: message }, 'embedded database rung failed');
    }
  }
  throw new EmbeddedDatabaseError(attempts, owner ? { kind: owner, dir: join(dataDir, owner) } : undefined);
}

/** The engines whose folder in DATA_DIR holds files, the one written last first. */
function enginesHoldingData(dataDir: string, kinds: EmbeddedDatabase['kind'][]): EmbeddedDatabase['kind'][] {
  const lastWritten = new Map<EmbeddedDatabase['kind'], number>();
  for (const kind of kinds) {
    const dir = join(dataDir, kind);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    // A file can go between the listing and its stat: SQLite removes its -shm and -wal files when the last
    // connection closes, as a previous calbot's database does while it shuts down.
    const times = entries.flatMap((entry) => statSync(join(dir, entry), { throwIfNoEntry: false })?.mtimeMs ?? []);
    if (times.length === 0) continue; // a rung that failed before writing anything leaves an empty folder
    lastWritten.set(kind, Math.max(...times));
  }
  return [...lastWritten.keys()].sort((a, b) => lastWritten.get(b)! - lastWritten.get(a)!);
}

async function startMongod(dataDir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase | string> {
  const mongod = findOnPath('mongod', options.path);
  if (!mongod) return 'not on PATH';
  const dbPath = join(dataDir, 'mongod');
  mkdirSync(dbPath, { recursive: true });
  const port = await freePort();
  const args = ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(port), '--logpath', join(dataDir, 'mongod.log'), '--logappend'];
  return launch({ kind: 'mongod', binary: mongod, args, port, dataDir, logName: 'mongod.log', stdinWatchdog: false, logger: options.logger });
}

async function startFerretDB(dataDir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase | string> {
  const sqliteDir = join(dataDir, 'ferretdb');
  mkdirSync(sqliteDir, { recursive: true });
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const sqliteUrl = `file:${sqliteDir}/`;

  // A ferretdb on PATH may be another version with other flags: when it fails, calbot's own build still can run.
  const onPath = findOnPath('ferretdb', options.path);
  let onPathFailure: string | undefined;
  if (onPath) {
    const args = ['--handler=sqlite', `--sqlite-url=${sqliteUrl}`, `--listen-addr=${listen}`, '--telemetry=disable', '--debug-addr=-', `--state-dir=${sqliteDir}`, '--log-level=warn'];
    try {
      return await launch({ kind: 'ferretdb', binary: onPath, args, port, dataDir, logName: 'ferretdb.log', stdinWatchdog: false, logger: options.logger });
    } catch (error) {
      onPathFailure = `${onPath}: ${(error as Error).message}`;
      options.logger.warn({ event: 'embedded-database-failed', database: 'ferretdb on PATH', binary: onPath, err: (error as Error).message }, "ferretdb on PATH failed; trying calbot's own FerretDB build");
    }
  }
  const withPathFailure = (message: string) => (onPathFailure ? `${onPathFailure}; calbot's build: ${message}` : message);
  const built = buildCalbotFerretDB(options);
  if (typeof built !== 'string' || !existsSync(built)) return withPathFailure(typeof built === 'object' ? built.reason : 'not built');
  const args = ['--handler=sqlite', `--sqlite-url=${sqliteUrl}`, `--listen-addr=${listen}`, '--log-level=warn'];
  try {
    return await launch({ kind: 'ferretdb', binary: built, args, port, dataDir, logName: 'ferretdb.log', stdinWatchdog: true, logger: options.logger });
  } catch (error) {
    throw new Error(withPathFailure((error as Error).message));
  }
}

/** Builds tools/ferretdb once per source version into the cache; returns the binary's path or why not. */
function buildCalbotFerretDB(options: EmbeddedDatabaseOptions): string | { reason: string } {
  const files = ['go.mod', 'go.sum', 'main.go'].map((f) => join(FERRETDB_SOURCE_DIR, f));
  if (!files.every((f) => existsSync(f))) return { reason: `source not found in ${FERRETDB_SOURCE_DIR}` };
  const hash = createHash('sha256');
  for (const f of files) hash.update(readFileSync(f));
  const cacheDir = options.cacheDir ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'calbot');
  const binary = join(cacheDir, `calbot-ferretdb-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  // Go's official installer puts it in /usr/local/go/bin, which is often not on a service's PATH.
  const go = findOnPath('go', options.path ?? `${process.env.PATH ?? ''}${delimiter}/usr/local/go/bin`);
  if (!go) return { reason: 'not on PATH and Go is not installed to build it' };
  mkdirSync(cacheDir, { recursive: true });
  options.logger.info({ event: 'ferretdb-build', binary }, 'building FerretDB once with Go (a few minutes on first start)');
  const partial = `${binary}.partial-${process.pid}`;
  const result = spawnSync(go, ['build', '-trimpath', '-o', partial, '.'], {
    cwd: FERRETDB_SOURCE_DIR,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (result.status !== 0) {
    rmSync(partial, { force: true });
    const detail = (result.stderr || result.error?.message || '').trim().split('\n').slice(-3).join(' ');
    return { reason: `go build failed: ${detail}` };
  }
  renameSync(partial, binary); // atomic: concurrent starts never run a half-written binary
  return binary;
}

async function startMemoryServer(dataDir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase | string> {
  let MongoMemoryServer: typeof import('mongodb-memory-server-core').MongoMemoryServer;
  try {
    ({ MongoMemoryServer } = await import('mongodb-memory-server-core'));
  } catch {
    return 'package not installed';
  }
  const dbPath = join(dataDir, 'mongodb-memory-server');
  mkdirSync(dbPath, { recursive: true });
  options.logger.info({ event: 'embedded-database-trying', database: 'mongodb-memory-server' }, 'trying mongodb-memory-server (downloads mongod on first use)');
  const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' } });
  const watch = watchForUnexpectedExit('mongodb-memory-server', options.logger, () => '');
  const instance: EventEmitter | undefined = server.instanceInfo?.instance; // its event enum is not exported
  instance?.once('instanceClosed', (code: number | null, signal: NodeJS.Signals | null) => watch.exited({ exitCode: code, signal }));
  return {
    uri: server.getUri(),
    kind: 'mongodb-memory-server',
    description: `mongodb-memory-server at ${dbPath}`,
    stop: async () => {
      watch.stopping();
      await server.stop({ doCleanup: false });
    },
    onUnexpectedExit: watch.onUnexpectedExit,
  };
}

interface LaunchSpec {
  kind: 'mongod' | 'ferretdb';
  binary: string;
  args: string[];
  port: number;
  dataDir: string;
  logName: string;
  /** The child exits when its stdin closes (calbot-ferretdb): no orphan even if calbot is SIGKILLed. */
  stdinWatchdog: boolean;
  logger: Logger;
}

async function launch(spec: LaunchSpec): Promise<EmbeddedDatabase> {
  const pidFile = join(spec.dataDir, `${spec.kind}.pid`);
  await stopStaleChild(pidFile, spec.binary);
  const logFd = openSync(join(spec.dataDir, spec.logName), 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.binary, spec.args, { stdio: [spec.stdinWatchdog ? 'pipe' : 'ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const logTail = () => {
    try {
      return readFileSync(join(spec.dataDir, spec.logName), 'utf8').trim().split('\n').slice(-5).join(' | ');
    } catch {
      return '';
    }
  };
  const watch = watchForUnexpectedExit(spec.kind, spec.logger, logTail);
  let ready = false;
  let exited: ChildExit | undefined;
  const exitPromise = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      done();
      if (ready) watch.exited({ exitCode: code, signal }); // during start-up, waitForPort reports it
    });
    // A binary that could not be run at all (EACCES, a missing interpreter) gets 'error' and never 'exit'.
    child.on('error', (error) => {
      if (child.pid !== undefined || exited) return; // a failed kill, not a failed start
      exited = { code: null, signal: null, error: error.message };
      done();
    });
  });
  if (child.pid) writeFileSync(pidFile, `${child.pid}\n${spec.binary}\n`);

  const stop = async () => {
    watch.stopping();
    if (!exited) {
      child.stdin?.end();
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(killTimer);
    }
    rmSync(pidFile, { force: true });
  };

  try {
    await waitForPort(spec.port, () => exited);
  } catch (error) {
    await stop();
    const tail = readFileSync(join(spec.dataDir, spec.logName), 'utf8').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${(error as Error).message}${tail ? `; log: ${tail}` : ''}`);
  }
  ready = true;
  // Neither the child nor its stdin pipe should keep calbot's event loop alive on their own.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    uri: `mongodb://127.0.0.1:${spec.port}/`,
    kind: spec.kind,
    description: `${spec.binary} on 127.0.0.1:${spec.port}`,
    stop,
    onUnexpectedExit: watch.onUnexpectedExit,
  };
}

/** Logs a server's exit that stop() did not ask for, once, and tells the listeners (late ones too). */
function watchForUnexpectedExit(kind: string, logger: Logger, logTail: () => string) {
  let stopping = false;
  let unexpected: DatabaseExit | undefined;
  const listeners: ((exit: DatabaseExit) => void)[] = [];
  return {
    stopping: () => {
      stopping = true;
    },
    exited: (exit: DatabaseExit) => {
      if (stopping || unexpected) return;
      unexpected = exit;
      logger.fatal({ database: kind, ...exit, log: logTail() }, 'embedded database exited');
      for (const listener of listeners.splice(0)) listener(exit);
    },
    onUnexpectedExit: (listener: (exit: DatabaseExit) => void) => {
      if (unexpected) {
        const exit = unexpected;
        setImmediate(() => listener(exit));
      } else if (!stopping) listeners.push(listener);
    },
  };
}

const LOCK_FILE = 'calbot.lock';
/**
 * DATA_DIR made if missing. Node's own error ("EEXIST: file already exists, mkdir ...") names no variable: an
 * operator who pointed DATA_DIR at a file, or at a folder calbot may not write, is told which setting to change.
 */
function makeDataDir(dataDir: string, given: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'it, or a folder on its path, is a file' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'calbot may not create it there' : (error as Error).message;
    throw new Error(`DATA_DIR ${given} cannot hold calbot's database: ${why}. Set DATA_DIR to a folder calbot can write, or MONGODB_URI to a MongoDB server.`);
  }
}

/** DATA_DIRs this process holds (a second start in one process is refused too). */
const heldDataDirs = new Set<string>();

/**
 * Takes DATA_DIR for this process, or throws DataDirInUseError naming the live calbot that has it. Without this a
 * second calbot would take the first one's database for a stale child and stop it. The lock holds the pid and its
 * start time, so a pid reused after a crash (a container restarts as the same pid) does not count as alive.
 * Returns the release.
 */
function lockDataDir(dataDir: string, shownAs: string): () => void {
  const lockFile = join(dataDir, LOCK_FILE);
  const mine = `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`;
  const draft = `${lockFile}.${process.pid}`;
  writeFileSync(draft, mine);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, lockFile); // atomic, and fails if the lock exists: never seen half-written
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw error;
      }
      let held: string;
      try {
        held = readFileSync(lockFile, 'utf8');
      } catch {
        continue; // released meanwhile
      }
      const owner = liveOwner(held, dataDir);
      if (owner !== undefined) throw new DataDirInUseError(shownAs, owner);
      // Stale: move it aside before deleting it, so that a lock another starter took over meanwhile is put back,
      // not deleted.
      const aside = `${lockFile}.stale-${process.pid}`;
      try {
        renameSync(lockFile, aside);
      } catch {
        continue;
      }
      if (readFileSync(aside, 'utf8') !== held) {
        try {
          linkSync(aside, lockFile);
        } catch {
          // someone else holds it now; the next attempt reads theirs
        }
      }
      rmSync(aside, { force: true });
    }
  } finally {
    rmSync(draft, { force: true });
  }
  heldDataDirs.add(dataDir);
  return () => {
    heldDataDirs.delete(dataDir);
    try {
      if (readFileSync(lockFile, 'utf8') === mine) rmSync(lockFile, { force: true });
    } catch {
      // already gone
    }
  };
}

/** The pid of the calbot a lock file names, if that calbot is still running. */
function liveOwner(lock: string, dataDir: string): number | undefined {
  const [pidText, startTime] = lock.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (pid === process.pid) return heldDataDirs.has(dataDir) ? pid : undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const now = processStartTime(pid);
  if (startTime && now && now !== startTime) return undefined; // the pid now belongs to another process
  return pid;
}

/** The process's start time in clock ticks since boot (Linux), or undefined where /proc does not say. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * A previous calbot that died hard may have left its database running (a mongod or a plain ferretdb). Only called
 * with DATA_DIR locked, so the calbot that started the child is gone.
 */
async function stopStaleChild(pidFile: string, binary: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const [pidText] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidText);
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running
  }
  if (!cmdline.startsWith(binary)) return; // the pid was reused by something else
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await sleep(100);
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when it could not be run at all. */
  error?: string;
}

async function waitForPort(port: number, exited: () => ChildExit | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const status = exited();
    if (status?.error) throw new Error(`could not be run: ${status.error}`);
    if (status) throw new Error(`exited during start-up (code ${status.code}, signal ${status.signal})`);
    if (await canConnect(port)) return;
    await sleep(100);
  }
  throw new Error(`did not listen on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The first executable file of that name on PATH, as the shell would pick it. */
function findOnPath(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not there, or not executable
    }
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
