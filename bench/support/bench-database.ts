import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort, startEmbeddedDatabase } from '../../src/store/embedded-database.js';
import { createLogger } from '../../src/log.js';

/**
 * The database a benchmark runs against, in order: the one bench/run.mjs started (CALBOT_BENCH_MONGODB_URI); MONGODB_URI; FerretDB on a throwaway PostgreSQL 15
 * cluster (production-like: the PostgreSQL backend pushes userKey equality down to SQL); else calbot's embedded
 * FerretDB on SQLite, which filters everything but _id in Go, announced loudly because numbers are then worse.
 */
export interface BenchDatabase {
  uri: string;
  /** For the table header: which server and backend the numbers are from. */
  description: string;
  /** Runs SQL on the PostgreSQL cluster behind FerretDB (only there); returns psql's unaligned output. */
  psql?: (sql: string) => string;
  stop(): Promise<void>;
}

const PG_BIN = process.env.CALBOT_BENCH_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export async function startBenchDatabase(): Promise<BenchDatabase> {
  // Started by bench/run.mjs (BENCH_DATABASE=postgresql picks FerretDB on PostgreSQL there): use that one.
  if (process.env.CALBOT_BENCH_MONGODB_URI) {
    return { uri: process.env.CALBOT_BENCH_MONGODB_URI, description: process.env.CALBOT_BENCH_DATABASE ?? 'from bench/run.mjs', stop: async () => undefined };
  }
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, description: `MONGODB_URI (${redact(process.env.MONGODB_URI)})`, stop: async () => undefined };
  try {
    return await startFerretDbOnPostgres();
  } catch (error) {
    console.error(`\n!!! PostgreSQL backend unavailable (${(error as Error).message}).\n!!! FALLING BACK TO FerretDB ON SQLITE: expect slower reads (only _id filters reach SQL).\n`);
    const dataDir = mkdtempSync(join(tmpdir(), 'calbot-bench-sqlite-'));
    const database = await startEmbeddedDatabase({ dataDir, logger: createLogger('warn') });
    return {
      uri: database.uri,
      description: `FALLBACK: ${database.description} (SQLite backend)`,
      stop: async () => {
        await database.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
}

async function startFerretDbOnPostgres(): Promise<BenchDatabase> {
  if (!existsSync(join(PG_BIN, 'postgres'))) throw new Error(`no PostgreSQL in ${PG_BIN}`);
  const ferretdb = findFerretDb();
  const dir = mkdtempSync(join(tmpdir(), 'calbot-bench-pg-'));
  const dataDir = join(dir, 'data');
  // PostgreSQL refuses to run as root: run it as the postgres user, in a directory that user owns.
  const asRoot = userInfo().uid === 0;
  const pgUser = asRoot ? 'postgres' : userInfo().username;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }
  const run = (bin: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args]) as [string, string[]];

  const init = spawnSync(...run('initdb', ['-D', dataDir, '-A', 'trust', '-U', pgUser, '-E', 'UTF8', '--no-sync']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr.trim().split('\n').pop()}`);
  const pgPort = await freePort();
  const postgres = spawn(
    ...run('postgres', [
      '-D', dataDir, '-p', String(pgPort), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      // A throwaway cluster: durability off, memory for the working set.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'shared_buffers=512MB', '-c', 'max_connections=200',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let pgLog = '';
  postgres.stderr!.on('data', (chunk: Buffer) => void (pgLog = (pgLog + chunk.toString()).slice(-4000)));
  const stopPostgres = async () => {
    // pg_ctl first (runuser may not pass the signal on), then the wrapper process.
    spawnSync(...run('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']), { stdio: 'ignore' });
    await stopChild(postgres, 'SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => spawnSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(pgPort)]).status === 0, 20_000, () => `postgres did not start: ${pgLog}`);
    const created = spawnSync(...run('createdb', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', pgUser, 'ferretdb']), { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr.trim()}`);

    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    // calbot's FerretDB build exits when its stdin closes: keep the pipe open for as long as the benchmark runs.
    const ferret = spawn(ferretdb, ['--handler=postgresql', `--postgresql-url=postgres://${pgUser}@127.0.0.1:${pgPort}/ferretdb`, `--listen-addr=${listen}`, '--log-level=warn'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let ferretLog = '';
    ferret.stderr!.on('data', (chunk: Buffer) => void (ferretLog = (ferretLog + chunk.toString()).slice(-4000)));
    const uri = `mongodb://${listen}/`;
    const pingable = async () => {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500 });
      try {
        await client.db('admin').command({ ping: 1 });
        return true;
      } catch {
        return false;
      } finally {
        await client.close();
      }
    };
    await waitForAsync(pingable, 20_000, () => `FerretDB did not start: ${ferretLog}`);
    return {
      uri,
      description: `FerretDB 1.24 (${ferretdb.split('/').pop()}) on PostgreSQL 15, 127.0.0.1:${pgPort} (fsync off)`,
      psql: (sql) => {
        const result = spawnSync(...run('psql', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', pgUser, '-d', 'ferretdb', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql]), { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`psql: ${result.stderr.trim()}`);
        return result.stdout.trim();
      },
      stop: async () => {
        await stopChild(ferret, 'SIGTERM');
        await stopPostgres();
      },
    };
  } catch (error) {
    await stopPostgres();
    throw error;
  }
}

function findFerretDb(): string {
  if (process.env.CALBOT_BENCH_FERRETDB) return process.env.CALBOT_BENCH_FERRETDB;
  const cache = join(homedir(), '.cache', 'calbot');
  const built = existsSync(cache) ? readdirSync(cache).filter((name) => name.startsWith('calbot-ferretdb-')) : [];
  if (built.length === 0) throw new Error(`no calbot-ferretdb-* in ${cache}: run the tests once so the embedded launcher builds it`);
  return join(cache, built[0]!);
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

async function waitFor(check: () => boolean, timeoutMs: number, message: () => string): Promise<void> {
  return waitForAsync(async () => check(), timeoutMs, message);
}

async function waitForAsync(check: () => Promise<boolean>, timeoutMs: number, message: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
