import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../src/store/embedded-database.js';
import { startFakeConnector, type FakeConnector } from '../fakes/connector/fake-connector.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';
import { openAuthorizeUrl, startFakeIdentity, type FakeIdentity, type FakeUser } from '../fakes/identity/fake-identity.js';
import { teamsMessage, teamsUser } from '../support/calbot-harness.js';

const DAY = 24 * 60 * 60 * 1000;
/** `hour`:00 UTC, `days` from today. */
const dayAt = (days: number, hour: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY + hour * 3_600_000).toISOString();

/**
 * The real entry point (src/main.ts) on its embedded database, killed with SIGKILL in the middle of a sync round and
 * started again on the same DATA_DIR, as a supervisor restarts it (systemd, Docker's restart policy). Microsoft's
 * identity platform, Graph and the Bot Connector are the fakes, reached over HTTPS as calbot reaches Microsoft.
 */
describe('calbot killed mid-round and started again on its DATA_DIR', () => {
  let connector: FakeConnector;
  let identity: FakeIdentity;
  let graph: FakeGraph;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';
  const client = { clientId: randomUUID(), clientSecret: `secret-${randomUUID()}`, redirectUris: [] as string[] };
  const users: FakeUser[] = [];
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    client.redirectUris.push(`http://127.0.0.1:${port}/microsoft_account/authentication`);
    connector = await startFakeConnector();
    identity = await startFakeIdentity({ clients: [client], users });
    graph = await startFakeGraph();
    dataDir = mkdtempSync(join(tmpdir(), 'calbot-crash-'));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await connector.close();
    await graph.close();
    await identity.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** src/main.ts on DATA_DIR, configured for the fakes; resolves once /healthz answers. */
  async function startMain(): Promise<{ main: ChildProcess; exit: Promise<unknown> }> {
    const env = {
      // npm run test:hours moves the clock through libfaketime: calbot's clock moves with the fakes'.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(LD_PRELOAD$|FAKETIME)/.test(name))),
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      MICROSOFT_CLIENT_ID: client.clientId,
      MICROSOFT_CLIENT_SECRET: client.clientSecret,
      MICROSOFT_TENANT_ID: users[0]!.tid,
      MICROSOFT_AUTHORITY_HOST: identity.authorityHost,
      MICROSOFT_GRAPH_URL: graph.url,
      SYNC_INTERVAL: '1 hour',
      GRAPH_PAGE_SIZE: '2',
    };
    const main = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child = main;
    main.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    main.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise((done) => main.once('exit', done));
    for (let healthy = false; !healthy; ) {
      if (main.exitCode !== null) throw new Error(`calbot exited: ${output}`);
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (!healthy) await sleep(200);
    }
    return { main, exit };
  }

  it('resumes the round it was killed in at once, not when its lock and lease expire (10 minutes): every event once, each change told once', async () => {
    const microsoft: FakeUser = { oid: randomUUID(), tid: randomUUID(), upn: 'kim.killed@contoso.example', name: 'Kim Killed' };
    users.push(microsoft);
    graph.addMailbox({ oid: microsoft.oid, upn: microsoft.upn, displayName: microsoft.name, timeZone: 'W. Europe Standard Time', tenantId: microsoft.tid });
    const ids = Array.from({ length: 10 }, (_, i) => graph.addEvent(microsoft.oid, { subject: `E${i}`, start: dayAt(1 + i, 9), end: dayAt(1 + i, 10) }));
    const chat = { ...teamsUser('Kim Killed'), aadObjectId: microsoft.oid };
    const say = (text: string) =>
      fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(text, chat, connector.url)) }).then(
        (r) => r.status,
        () => 'cut off',
      );
    const said = (pattern: RegExp) => connector.received.filter((r) => r.conversationId === chat.conversationId && pattern.test(r.activity.text ?? '')).map((r) => r.activity.text);
    /** Killed once the round is waiting for its third page; started again. */
    const killMidRound = async (main: { main: ChildProcess; exit: Promise<unknown> }, hold: { held: Promise<void>; release(): void }) => {
      await hold.held;
      main.main.kill('SIGKILL');
      await main.exit;
      hold.release(); // answered to nobody
      graph.resetCounters();
      return startMain();
    };

    // The first round of the connection reads two pages, then waits for the third: killed there.
    let hold = graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta', after: 2 });
    const first = await startMain();
    await say('connect outlook');
    const [card] = await connector.waitFor(1, (r) => r.conversationId === chat.conversationId);
    const signInUrl = card!.activity.attachments?.[0]?.content?.actions?.find((a: { type: string }) => a.type === 'Action.OpenUrl')?.url;
    identity.signInAs(microsoft.oid);
    const authorize = await openAuthorizeUrl(signInUrl);
    expect(await (await fetch(authorize.location!, { redirect: 'manual' })).text()).toContain('Connected as');
    const second = await killMidRound(first, hold);
    await connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /^Synced \d+ events?$/.test(r.activity.text ?? ''), 60_000);
    // Every event once: the first round's line counts what is stored.
    expect(said(/^Synced \d+ events?$/)).toEqual([`Synced ${ids.length} events`]);

    // A later round, killed after storing two pages of changes (and queueing their notices) but before telling them.
    const added = Array.from({ length: 5 }, (_, i) => `New meeting ${i}`);
    for (const [i, subject] of added.entries()) graph.addEvent(microsoft.oid, { subject, start: dayAt(1 + i, 14), end: dayAt(1 + i, 15) });
    hold = graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta', after: 2 });
    void say('sync now');
    await killMidRound(second, hold);
    await connector.waitFor(added.length, (r) => r.conversationId === chat.conversationId && /^New: /.test(r.activity.text ?? ''), 60_000);
    // Resumed where it was killed (a skip token), not read again from its delta link.
    const delta = graph.requests.filter((r) => r.oid === microsoft.oid && /\/calendarView\/delta$/i.test(r.path));
    expect(delta[0]!.query.$skiptoken).toBeDefined();
    // Each change told once, those queued before the kill too.
    expect(said(/^New: /).map((text) => text!.split(',')[0]).sort()).toEqual(added.map((subject) => `New: ${subject}`).sort());
    const logLines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'dead-process-locks-released' })]));
  }, 180_000);
});
