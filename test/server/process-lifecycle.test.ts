import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/store/embedded-database.js';
import { startFakeConnector, type FakeConnector } from '../fakes/connector/fake-connector.js';

/** The real entry point (src/main.ts) as `npm start` runs it: embedded database, no configuration at all. */
describe('calbot as a process on embedded defaults', () => {
  let connector: FakeConnector;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    connector = await startFakeConnector();
    dataDir = mkdtempSync(join(tmpdir(), 'calbot-process-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await connector.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts src/main.ts on embedded defaults (plus `extraEnv`) and waits until /healthz answers; `exit` resolves with its code. */
  async function startMain(extraEnv: Record<string, string> = {}): Promise<{ port: number; main: ChildProcess; exit: Promise<number | null> }> {
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', ...extraEnv };
    output = '';
    const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((done) => started.once('exit', (code) => done(code)));
    let healthy = false;
    for (let i = 0; i < 300 && !healthy; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 200));
    }
    expect(healthy).toBe(true);
    return { port, main: started, exit };
  }

  it('starts its own database, answers in chat, and stops cleanly on SIGTERM leaving no database process', async () => {
    const { port, main, exit } = await startMain();

    const activity = {
      type: 'message', id: 'm1', channelId: 'msteams', serviceUrl: connector.url, text: 'help',
      from: { id: '29:someone', name: 'Someone' }, recipient: { id: '28:calbot' }, conversation: { id: 'a:conv-1', conversationType: 'personal' },
    };
    const posted = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(posted.status).toBe(200);
    const [reply] = await connector.waitFor(1);
    expect(reply!.activity.text).toMatch(/Here's what I can do/);

    const pidFile = readdirSync(dataDir).find((name) => name.endsWith('.pid'));
    expect(pidFile).toBeDefined();
    const databasePid = Number(readFileSync(join(dataDir, pidFile!), 'utf8').split('\n')[0]);
    expect(existsSync(`/proc/${databasePid}`)).toBe(true);

    main.kill('SIGTERM');
    expect(await exit).toBe(0);
    child = undefined;
    const zombieOrGone = () => !existsSync(`/proc/${databasePid}`) || readFileSync(`/proc/${databasePid}/stat`, 'utf8').includes(') Z ');
    for (let i = 0; i < 50 && !zombieOrGone(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(zombieOrGone()).toBe(true);

    const logLines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['embedded database started', 'calbot listening', 'turn', 'shutting down', 'calbot stopped']));
    // An operator filters by event: a line without one, from start-up to shutdown, is found by no filter.
    expect(logLines.filter((l) => l.level >= 30 && typeof l.event !== 'string').map((l) => l.msg)).toEqual([]);
    // The key generated for embedded mode is announced, never printed.
    expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ level: 40, event: 'encryption-key-generated', path: join(dataDir, 'token-encryption.key') })]));
    const key = readFileSync(join(dataDir, 'token-encryption.key'), 'utf8').trim();
    expect(key.length).toBeGreaterThan(20);
    expect(output).not.toContain(key);
  }, 120_000);

  it('exits non-zero, saying why, when its database dies under it (so that a supervisor restarts it)', async () => {
    const { port, exit } = await startMain();

    const pidFile = readdirSync(dataDir).find((name) => name.endsWith('.pid'));
    process.kill(Number(readFileSync(join(dataDir, pidFile!), 'utf8').split('\n')[0]), 'SIGKILL');
    expect(await exit).toBe(1);
    child = undefined;
    const logLines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ level: 60, msg: 'embedded database exited', signal: 'SIGKILL' })]));
    expect(logLines.map((l) => l.msg)).toContain('calbot stopped');
    // DATA_DIR is free again for the restart.
    expect(existsSync(join(dataDir, 'calbot.lock'))).toBe(false);
  }, 120_000);

  it('is gone within SHUTDOWN_GRACE_MS of SIGTERM though a turn is still waiting for the Bot Connector', async () => {
    // A connector that takes the reply and never answers: the turn waits as long as the connection stays up.
    const held: ServerResponse[] = [];
    let replying!: () => void;
    const replied = new Promise<void>((done) => (replying = done));
    const silent = createServer((_req, res) => {
      held.push(res);
      replying();
    });
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const { port, main, exit } = await startMain({ SHUTDOWN_GRACE_MS: '3000' });

      const activity = {
        type: 'message', id: 'm2', channelId: 'msteams', serviceUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, text: 'help',
        from: { id: '29:someone', name: 'Someone' }, recipient: { id: '28:calbot' }, conversation: { id: 'a:conv-2', conversationType: 'personal' },
      };
      const turn = fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) }).then((r) => r.status, () => 'cut off');
      await replied;

      const signalled = Date.now();
      main.kill('SIGTERM');
      expect(await exit).toBe(0);
      // Within its 3 s and the process's exit; the server's own grace for turns used to be 10 s.
      expect(Date.now() - signalled).toBeLessThan(6_000);
      child = undefined;
      expect(await turn).toBe('cut off');
      const logLines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'calbot stopped', graceMs: 3000 })]));
    } finally {
      for (const res of held) res.destroy();
      silent.close();
    }
  }, 120_000);
  it('keeps running, with one log line, when a promise fails with nothing waiting for it (a library\'s fire-and-forget call)', async () => {
    const preload = join(process.cwd(), 'test/support/stray-rejection.mjs');
    const { port, main, exit } = await startMain({ NODE_OPTIONS: `--import ${preload}` });
    main.kill('SIGUSR2');
    const logged = () => output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((l) => l.event === 'unhandled-rejection');
    for (let i = 0; i < 100 && logged().length === 0 && main.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    expect(main.exitCode).toBeNull();
    expect(logged()).toEqual([expect.objectContaining({ level: 50, err: 'stray rejection for the test' })]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);
    main.kill('SIGTERM');
    expect(await exit).toBe(0);
    child = undefined;
  }, 120_000);

  it('says PORT is taken in one line when another program listens there, and leaves nothing running or locked', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    try {
      const port = (taken.address() as AddressInfo).port;
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
      // As npm start runs it: restify's use of process.binding warns otherwise.
      const main = spawn(process.execPath, ['--import', 'tsx', '--disable-warning=DEP0111', 'src/main.ts'], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child = main;
      let stdout = '';
      let stderr = '';
      main.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      main.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await new Promise<number | null>((done) => main.once('exit', (code) => done(code)))).toBe(1);
      child = undefined;
      const logLines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      // It said "listen EADDRINUSE: address already in use 127.0.0.1:PORT", naming no variable.
      expect(logLines.filter((l) => l.level === 60)).toEqual([
        expect.objectContaining({ event: 'start-failed', msg: 'calbot could not start', err: `PORT ${port}: 127.0.0.1:${port} is already in use (another calbot, or another program): set PORT to a free port` }),
      ]);
      expect(stderr).toBe('');
      // It had started its database and jobs: they were stopped, and DATA_DIR is free.
      expect(logLines.map((l) => l.msg)).toContain('calbot stopped');
      expect(existsSync(join(dataDir, 'calbot.lock'))).toBe(false);
    } finally {
      taken.close();
    }
  }, 120_000);

  it('stops on a SIGTERM sent to `npm start` itself, as a supervisor or `docker stop` sends it (calbot was left running, orphaned)', async () => {
    // npm passes the signal to the shell running the start script; that shell must have become calbot (exec), or it
    // dies and calbot keeps the port and DATA_DIR. Run in a copy of the project: the build writes its own dist/.
    const project = mkdtempSync(join(tmpdir(), 'calbot-npm-start-'));
    const projectDataDir = join(project, 'data');
    for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'manifest', 'tools']) cpSync(join(process.cwd(), entry), join(project, entry), { recursive: true });
    symlinkSync(join(process.cwd(), 'node_modules'), join(project, 'node_modules'));
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, PORT: String(port), LOG_LEVEL: 'info' };
    const npm = spawn('npm', ['start'], { cwd: project, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let npmOutput = '';
    npm.stdout!.on('data', (chunk: Buffer) => (npmOutput += chunk.toString()));
    npm.stderr!.on('data', (chunk: Buffer) => (npmOutput += chunk.toString()));
    const npmExit = new Promise<number | null>((done) => npm.once('exit', (code) => done(code)));
    let calbotPid: number | undefined;
    const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    try {
      // The build comes first: up to a few minutes on a busy machine.
      let healthy = false;
      for (let i = 0; i < 900 && !healthy && npm.exitCode === null; i++) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (!healthy) await new Promise((r) => setTimeout(r, 200));
      }
      expect({ healthy, npmOutput: healthy ? '' : npmOutput }).toEqual({ healthy: true, npmOutput: '' });
      calbotPid = Number(readFileSync(join(projectDataDir, 'calbot.lock'), 'utf8').trim().split(/\s+/)[0]);
      expect(alive(calbotPid)).toBe(true);

      npm.kill('SIGTERM');
      await npmExit;
      for (let i = 0; i < 100 && alive(calbotPid); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(calbotPid)).toBe(false);
      const logLines = npmOutput.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
      expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }), expect.objectContaining({ msg: 'calbot stopped' })]));
      expect(existsSync(join(projectDataDir, 'calbot.lock'))).toBe(false);
    } finally {
      npm.kill('SIGKILL');
      if (calbotPid && alive(calbotPid)) process.kill(calbotPid, 'SIGKILL');
      rmSync(project, { recursive: true, force: true });
    }
  }, 300_000);
});
