import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase } from '../support/database.js';

/**
 * calbot embedded in a process of its own (test/support/calbot-stopped.ts), as every test worker runs it: once its
 * stop() has returned and its store is closed, nothing it started holds the process open. Agenda's check on each job
 * run (a 5-minute timer it never clears) kept such a process alive for 5 minutes after the last run, its timer for a
 * job due within its poll interval for up to 5 s, and jest said "A worker process has failed to exit gracefully".
 */
test('a stopped calbot that has run a job and locked one due in 4.5 s leaves nothing holding its process: it exits by itself at once', async () => {
  const store = await openTestDatabase('stopped');
  const dataDir = mkdtempSync(join(tmpdir(), 'calbot-exits-'));
  const env = { ...process.env, PORT: '0', PUBLIC_URL: 'http://127.0.0.1:9', DATA_DIR: dataDir, LOG_LEVEL: 'warn', CALBOT_TEST_DATABASE: store.db.databaseName };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/calbot-stopped.ts'], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    for (let i = 0; i < 600 && !/^stopped$/m.test(output) && child.exitCode === null; i++) await new Promise((done) => setTimeout(done, 50));
    if (!/^stopped$/m.test(output)) throw new Error(`the calbot did not stop (exit code ${child.exitCode}): ${output}`);
    expect(output).toContain('sweep ran');
    expect(output).toContain('sweep due in 4.5 s locked');
    const within = new Promise<string>((done) => {
      const timer = setTimeout(() => done('still running 2 s after stop()'), 2_000);
      void exited.then(() => (clearTimeout(timer), done('exited')));
    });
    expect({ outcome: await within, output }).toEqual({ outcome: 'exited', output: expect.not.stringContaining('still running') });
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);
