import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { createLogger } from '../../src/log.js';
import { EmbeddedDatabaseError, startEmbeddedDatabase } from '../../src/store/embedded-database.js';

const logger = createLogger('silent');

describe('embedded database launcher', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'calbot-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, keeps data across a stop and a new start on the same DATA_DIR, and logs to a file there', async () => {
    const first = await startEmbeddedDatabase({ dataDir, logger });
    expect(first.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const client = await MongoClient.connect(first.uri);
    await client.db('calbot').collection('probe').insertOne({ _id: 'kept' as never, value: 42 });
    await client.close();
    await first.stop();

    const second = await startEmbeddedDatabase({ dataDir, logger });
    try {
      // Twice in one process is refused too: one launcher per DATA_DIR.
      await expect(startEmbeddedDatabase({ dataDir, logger })).rejects.toThrow(`DATA_DIR ${dataDir} is in use by calbot pid ${process.pid}`);
      const again = await MongoClient.connect(second.uri);
      expect(await again.db('calbot').collection('probe').findOne({ _id: 'kept' as never })).toMatchObject({ value: 42 });
      await again.close();
    } finally {
      await second.stop();
    }
    expect(existsSync(join(dataDir, `${first.kind}.log`))).toBe(true);
  });

  it('leaves no orphan when its parent is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-orphan-'));
    // A separate Node process runs the launcher, prints the child's pid, and is then killed hard.
    const script = `
      import { startEmbeddedDatabase } from './src/store/embedded-database.ts';
      import { createLogger } from './src/log.ts';
      const db = await startEmbeddedDatabase({ dataDir: ${JSON.stringify(dir)}, logger: createLogger('silent') });
      console.log(db.kind + ' ' + require('node:fs').readFileSync(${JSON.stringify(dir)} + '/' + db.kind + '.pid', 'utf8').split('\\n')[0]);
      setInterval(() => {}, 1000);
    `.replace("require('node:fs')", '(await import("node:fs"))');
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((done) => parent.stdout.once('data', (chunk: Buffer) => done(chunk.toString().trim())));
    const [kind, pidText] = line.split(' ');
    const pid = Number(pidText);
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    parent.kill('SIGKILL');
    if (kind === 'ferretdb' && !spawnSync('sh', ['-c', 'command -v ferretdb']).stdout.length) {
      // calbot-ferretdb watches its stdin: the pipe closes with the parent and it exits by itself.
      for (let i = 0; i < 100 && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const alive = existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
      expect(alive).toBe(false);
    } else {
      // Binaries without a watchdog are stopped by the next start through the pid file.
      const next = await startEmbeddedDatabase({ dataDir: dir, logger });
      await next.stop();
      expect(existsSync(`/proc/${pid}`)).toBe(false);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('names DATA_DIR when it is a file, or under one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-file-'));
    const file = join(dir, 'data');
    writeFileSync(file, 'not a folder');
    await expect(startEmbeddedDatabase({ dataDir: file, logger })).rejects.toThrow(`DATA_DIR ${file} cannot hold calbot's database: it, or a folder on its path, is a file. Set DATA_DIR to a folder calbot can write, or MONGODB_URI to a MongoDB server.`);
    await expect(startEmbeddedDatabase({ dataDir: join(file, 'below'), logger })).rejects.toThrow(`DATA_DIR ${join(file, 'below')} cannot hold calbot's database: it, or a folder on its path, is a file.`);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a DATA_DIR that a live calbot holds, and leaves that calbot\'s database running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-locked-'));
    const owner = startLauncherProcess(dir);
    const { kind, databasePid, uri } = await owner.started;
    try {
      const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
      await client.db('calbot').collection('probe').insertOne({ n: 1 });
      await expect(startEmbeddedDatabase({ dataDir: dir, logger })).rejects.toThrow(`DATA_DIR ${dir} is in use by calbot pid ${owner.child.pid}`);
      // The first calbot's database is untouched: still running, still answering, its pid file still there.
      expect(existsSync(`/proc/${databasePid}`)).toBe(true);
      await client.db('calbot').collection('probe').insertOne({ n: 2 });
      expect(readFileSync(join(dir, `${kind}.pid`), 'utf8').split('\n')[0]).toBe(String(databasePid));
      await client.close();
    } finally {
      owner.child.kill('SIGKILL');
    }
    await new Promise((done) => owner.child.once('exit', done));
    // Its owner is dead now: the lock is stale and the next start takes the directory over.
    const next = await startEmbeddedDatabase({ dataDir: dir, logger });
    await next.stop();
    expect(existsSync(join(dir, 'calbot.lock'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('says when its server dies under it, with the exit and the end of its log, but not when stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-dies-'));
    const lines: string[] = [];
    const capture = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) as never);
    const database = await startEmbeddedDatabase({ dataDir: dir, logger: capture });
    const exited = new Promise<{ exitCode: number | null; signal: string | null }>((done) => database.onUnexpectedExit(done));
    const pid = Number(readFileSync(join(dir, `${database.kind}.pid`), 'utf8').split('\n')[0]);
    // What a server writes as it goes down (at --log-level=warn, FerretDB writes nothing before then).
    appendFileSync(join(dir, `${database.kind}.log`), 'FATAL disk I/O error: database disk image is malformed\n');
    process.kill(pid, 'SIGKILL');
    expect(await exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    const fatal = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'embedded database exited');
    expect(fatal).toMatchObject({ level: 60, database: database.kind, exitCode: null, signal: 'SIGKILL' });
    expect(fatal.log).toContain('FATAL disk I/O error: database disk image is malformed');
    // A listener added after the fact hears it too; stopping afterwards is quiet and frees DATA_DIR.
    await new Promise((done) => database.onUnexpectedExit(done));
    await database.stop();
    expect(existsSync(join(dir, 'calbot.lock'))).toBe(false);

    const again = await startEmbeddedDatabase({ dataDir: dir, logger: capture });
    let heard = false;
    again.onUnexpectedExit(() => (heard = true));
    await again.stop();
    await new Promise((done) => setImmediate(done));
    expect(heard).toBe(false);
    expect(lines.filter((l) => l.includes('embedded database exited'))).toHaveLength(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains what to do when no rung works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-none-'));
    // No mongod, ferretdb or go on this PATH and an empty cache. mongodb-memory-server would download mongod where the
    // internet allows, or use one an earlier download left: its download goes to a local server that has none
    // (404, which it does not retry), for an archive no cache holds (mongodb-memory-server names the binary after the
    // archive's platform and version), so the machine's network and caches play no part.
    const ARCHIVE = 'mongodb-linux-x86_64-calbotnone-7.0.999.tgz';
    const asked: string[] = [];
    const mirror = createHttpServer((req, res) => {
      asked.push(req.url ?? '');
      // Not writeHead(404).end(): restify patches http.ServerResponse's writeHead (returning nothing) for every
      // later suite in the same jest worker.
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((done) => mirror.listen(0, '127.0.0.1', done));
    const downloadUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/${ARCHIVE}`;
    const memoryServerEnv = {
      MONGOMS_DOWNLOAD_URL: downloadUrl,
      MONGOMS_USE_HTTP: 'true',
      MONGOMS_DOWNLOAD_DIR: join(dir, 'mongodb-binaries'),
      MONGOMS_SYSTEM_BINARY: undefined,
    };
    const saved = Object.fromEntries(Object.keys(memoryServerEnv).map((name) => [name, process.env[name]]));
    const setEnv = (values: Record<string, string | undefined>) => {
      for (const [name, value] of Object.entries(values)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
    setEnv(memoryServerEnv);
    try {
      const attempt = startEmbeddedDatabase({ dataDir: dir, logger, path: '/nonexistent', cacheDir: join(dir, 'cache') });
      await expect(attempt).rejects.toThrow(EmbeddedDatabaseError);
      await expect(attempt).rejects.toThrow(/Set MONGODB_URI/);
      // It is an optional dependency: where it is installed, its rung really tried (and asked the local server only).
      if (await import('mongodb-memory-server-core').then(() => true, () => false)) {
        await expect(attempt).rejects.toThrow(`mongodb-memory-server: Download failed for url "${downloadUrl}"`);
        expect(asked).toEqual([`/${ARCHIVE}`]);
      }
    } finally {
      setEnv(saved);
      await new Promise((done) => mirror.close(done));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('which engine the launcher starts', () => {
  const root = mkdtempSync(join(tmpdir(), 'calbot-engines-'));
  /** calbot's own FerretDB build, as the first start put it in the cache (the run's database built it). */
  let calbotFerretDB: string;
  beforeAll(async () => {
    const probe = await startEmbeddedDatabase({ dataDir: join(root, 'probe'), logger, path: join(root, 'empty') });
    calbotFerretDB = probe.description.split(' on ')[0]!;
    await probe.stop();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A folder for PATH holding one program. */
  const binWith = (name: string, script: string, mode = 0o755) => {
    const bin = mkdtempSync(join(root, 'bin-'));
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), mode);
    return bin;
  };
  /** A `mongod` that works: calbot's FerretDB on mongod's --dbpath and --port. */
  const workingMongod = () =>
    binWith('mongod', `#!/bin/sh
while [ $# -gt 0 ]; do case "$1" in --dbpath) dbpath=$2; shift;; --port) port=$2; shift;; esac; shift; done
exec ${calbotFerretDB} --handler=sqlite --sqlite-url=file:$dbpath/ --listen-addr=127.0.0.1:$port -exit-on-stdin-close=false
`);

  it('uses its own FerretDB build when a ferretdb on PATH fails', async () => {
    const path = binWith('ferretdb', '#!/bin/sh\necho "ferretdb: error: unknown flag --handler" >&2\nexit 2\n');
    const database = await startEmbeddedDatabase({ dataDir: mkdtempSync(join(root, 'data-')), logger, path });
    await database.stop();
    expect(database.kind).toBe('ferretdb');
    expect(database.description).toContain(calbotFerretDB);
  });

  it.each([
    ['not executable', 'not a program\n', 0o644],
    ['cannot be run (its interpreter is missing)', '#!/nonexistent/interpreter\n', 0o755],
  ])('goes on to the next rung, promptly, when the mongod on PATH %s', async (_case, script, mode) => {
    const database = await startEmbeddedDatabase({ dataDir: mkdtempSync(join(root, 'data-')), logger, path: binWith('mongod', script, mode) });
    await database.stop();
    expect(database.kind).toBe('ferretdb');
  }, 60_000);

  it('starts the engine whose folder holds DATA_DIR\'s data, not another one found on PATH', async () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const first = await startEmbeddedDatabase({ dataDir, logger, path: join(root, 'empty') });
    const client = await MongoClient.connect(first.uri);
    await client.db('calbot').collection('probe').insertOne({ _id: 'kept' as never });
    await client.close();
    await first.stop();

    const mongodBin = workingMongod();
    const again = await startEmbeddedDatabase({ dataDir, logger, path: mongodBin });
    try {
      expect(again.kind).toBe('ferretdb');
      const reader = await MongoClient.connect(again.uri);
      expect(await reader.db('calbot').collection('probe').findOne({ _id: 'kept' as never })).not.toBeNull();
      await reader.close();
    } finally {
      await again.stop();
    }

    // And when that engine cannot start, it says so rather than start another on an empty database.
    const attempt = startEmbeddedDatabase({ dataDir, logger, path: mongodBin, cacheDir: mkdtempSync(join(root, 'cache-')) });
    await expect(attempt).rejects.toThrow(EmbeddedDatabaseError);
    await expect(attempt).rejects.toThrow(`${join(dataDir, 'ferretdb')} holds calbot's data`);
    expect(existsSync(join(dataDir, 'mongod')) && readdirSync(join(dataDir, 'mongod')).length > 0).toBe(false);
  }, 60_000);

  it('starts when a file in the data folder goes between its listing and its stat (SQLite removing its -shm)', async () => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const first = await startEmbeddedDatabase({ dataDir, logger, path: join(root, 'empty') });
    await first.stop();
    // A listed name that no longer stats: a dangling link stands in for the -shm a closing SQLite has just removed.
    symlinkSync(join(dataDir, 'ferretdb', 'gone'), join(dataDir, 'ferretdb', 'calbot.sqlite-shm-vanished'));
    const again = await startEmbeddedDatabase({ dataDir, logger, path: join(root, 'empty') });
    await again.stop();
    expect(again.kind).toBe('ferretdb');
  }, 60_000);
});

/** A separate Node process that runs the launcher on `dataDir` and stays up until killed. */
function startLauncherProcess(dataDir: string) {
  const script = `
    import { readFileSync } from 'node:fs';
    import { startEmbeddedDatabase } from './src/store/embedded-database.ts';
    import { createLogger } from './src/log.ts';
    const db = await startEmbeddedDatabase({ dataDir: ${JSON.stringify(dataDir)}, logger: createLogger('silent') });
    console.log(JSON.stringify({ kind: db.kind, uri: db.uri, databasePid: Number(readFileSync(${JSON.stringify(dataDir)} + '/' + db.kind + '.pid', 'utf8').split('\\n')[0]) }));
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const started = new Promise<{ kind: string; uri: string; databasePid: number }>((done) => child.stdout.once('data', (chunk: Buffer) => done(JSON.parse(chunk.toString()))));
  return { child, started };
}

describe('start-up with a bad configuration', () => {
  it('stops with one line naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, SYNC_INTERVAL: 'whenever', DATA_DIR: join(tmpdir(), 'calbot-never') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.includes('DeprecationWarning') && !l.includes('trace-deprecation'));
    expect(lines).toEqual([expect.stringMatching(/^calbot: configuration error: SYNC_INTERVAL: expected a duration/)]);
  });
});
