import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('explains what to do when no rung works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-none-'));
    // No mongod, ferretdb or go on this PATH, an empty cache, and no internet for mongodb-memory-server.
    const attempt = startEmbeddedDatabase({ dataDir: dir, logger, path: '/nonexistent', cacheDir: join(dir, 'cache') });
    await expect(attempt).rejects.toThrow(EmbeddedDatabaseError);
    await expect(attempt).rejects.toThrow(/Set MONGODB_URI/);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

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
