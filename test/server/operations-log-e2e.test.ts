import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { startCalbot, type Calbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../../src/store/embedded-database.js';
import type { Store } from '../../src/store/database.js';
import { startFakeConnector, type FakeConnector } from '../fakes/connector/fake-connector.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';
import { openAuthorizeUrl, startFakeIdentity, type FakeIdentity, type FakeUser } from '../fakes/identity/fake-identity.js';
import { teamsMessage, teamsUser, type TeamsUser } from '../support/calbot-harness.js';
import { openTestDatabase } from '../support/database.js';

/**
 * What calbot writes to its log while it runs, as an operator reads it: calbot against the fakes of Microsoft's
 * identity platform, Graph and the Bot Connector, its pino output captured line by line.
 */
describe('the operations log', () => {
  let store: Store;
  let connector: FakeConnector;
  let identity: FakeIdentity;
  let graph: FakeGraph;
  let calbot: Calbot;
  let baseUrl: string;
  let dataDir: string;
  const lines: Record<string, unknown>[] = [];
  const users: FakeUser[] = [];
  /** The lines written while `step` ran. */
  const logOf = async (step: () => Promise<unknown>) => {
    const from = lines.length;
    await step();
    return lines.slice(from);
  };

  beforeAll(async () => {
    store = await openTestDatabase('operations-log');
    connector = await startFakeConnector();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const client = { clientId: randomUUID(), clientSecret: `secret-${randomUUID()}`, redirectUris: [`${publicUrl}/microsoft_account/authentication`] };
    identity = await startFakeIdentity({ clients: [client], users });
    graph = await startFakeGraph();
    dataDir = mkdtempSync(join(tmpdir(), 'calbot-test-'));
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const config = loadConfig({
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      MICROSOFT_CLIENT_ID: client.clientId,
      MICROSOFT_CLIENT_SECRET: client.clientSecret,
      MICROSOFT_TENANT_ID: randomUUID(),
      MICROSOFT_AUTHORITY_HOST: identity.authorityHost,
      MICROSOFT_GRAPH_URL: graph.url,
    });
    calbot = await startCalbot(config, logger, { store, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${calbot.port}`;
  });
  afterAll(async () => {
    await calbot.stop();
    await Promise.all([connector.close(), graph.close(), identity.close()]);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a browser asking for /favicon.ico gets 204 and one request line, no request-rejected warning', async () => {
    let status = 0;
    const log = await logOf(async () => {
      const page = await fetch(`${baseUrl}/`);
      await page.arrayBuffer();
      const icon = await fetch(`${baseUrl}/favicon.ico`, { headers: { accept: 'image/avif,image/webp,image/png,image/*,*/*;q=0.8' } });
      status = icon.status;
      expect(await icon.arrayBuffer()).toHaveProperty('byteLength', 0);
    });
    expect(status).toBe(204);
    expect(log.filter((line) => (line.level as number) >= 40)).toEqual([]);
    expect(log.filter((line) => line.path === '/favicon.ico')).toEqual([expect.objectContaining({ event: 'request', method: 'GET', status: 204 })]);
  });

  /** `text` from `user`; resolves once calbot has posted `replies` more messages in their chat (a proactive one too). */
  const say = async (text: string, user: TeamsUser, replies = 1) => {
    const before = connector.messages(user.conversationId).length;
    const response = await fetch(`${baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage(text, user, connector.url)) });
    expect(response.status).toBe(200);
    const received = await connector.waitFor(before + replies, (r) => r.activity.type === 'message' && r.conversationId === user.conversationId);
    return received.slice(before).map((r) => r.activity.text ?? '');
  };
  const untilSaid = (user: TeamsUser, pattern: RegExp) => connector.waitFor(1, (r) => r.conversationId === user.conversationId && pattern.test(r.activity.text ?? ''));

  // Each line says what happened in `event` (sign-in and sync lines keep their child logger's `component` beside it):
  // an operator filters by event, and a line without one is found by no filter.
  it('every line of a sign-in, its sync rounds and a disconnect names its event', async () => {
    const chat = teamsUser('Lia Logs');
    const microsoft: FakeUser = { oid: randomUUID(), tid: randomUUID(), upn: 'lia.logs@contoso.example', name: 'Lia Logs' };
    users.push(microsoft);
    graph.addMailbox({ oid: microsoft.oid, upn: microsoft.upn, displayName: microsoft.name, timeZone: 'W. Europe Standard Time', tenantId: microsoft.tid });
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    graph.addEvent(microsoft.oid, { subject: 'Logged meeting', start: tomorrow.toISOString(), end: new Date(tomorrow.getTime() + 3600_000).toISOString() });

    const log = await logOf(async () => {
      // Signed in as someone Teams does not say the chat user is: the page shows a code, typed in the chat.
      const [card] = await say('connect outlook', chat);
      expect(card).toBe('');
      const signInUrl = connector.messages(chat.conversationId).at(-1)!.activity.attachments![0]!.content.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl').url;
      identity.signInAs(microsoft.oid);
      const authorize = await openAuthorizeUrl(signInUrl);
      const page = await (await fetch(authorize.location!, { redirect: 'manual' })).text();
      const code = /(\d{3}) (\d{3})<\/p>/.exec(page)!.slice(1).join(' ');
      await untilSaid(chat, /6-digit code/);
      await say(code, chat, 1);
      await untilSaid(chat, /^Synced \d+ events?$/);
      expect((await say('sync now', chat)).at(-1)).toMatch(/^Synced: 0 new, 0 changed, 0 removed\.$/);
      // Throttled for longer than calbot waits in-process: the round fails, with its warnings.
      graph.failNext({ status: 429, retryAfterSeconds: 600, oid: microsoft.oid, resource: '/me/calendarView/delta' });
      expect((await say('sync now', chat)).at(-1)).toMatch(/^The sync didn't work: /);
      expect(await say('disconnect outlook', chat)).toEqual([expect.stringMatching(/^Disconnected from Outlook/)]);
    });

    const unnamed = log.filter((line) => (line.level as number) >= 30 && typeof line.event !== 'string');
    expect(unnamed).toEqual([]);
    const events = log.map((line) => line.event);
    for (const event of ['sign-in-awaiting-code', 'confirm-code', 'account-linked', 'connected', 'sync-round', 'graph-retry-after-too-long', 'sync-failed', 'disconnected', 'account-unlinked']) expect(events).toContain(event);
    expect(log.find((line) => line.event === 'account-linked')).toMatchObject({ component: 'auth' });
    expect(log.find((line) => line.event === 'sync-round')).toMatchObject({ component: 'sync' });
    // Secrets never: not the code typed, nor a token.
    expect(JSON.stringify(log)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('an unknown path is still refused with a request-rejected warning', async () => {
    const log = await logOf(async () => void (await (await fetch(`${baseUrl}/wp-login.php`)).arrayBuffer()));
    expect(log).toContainEqual(expect.objectContaining({ level: 40, event: 'request-rejected', path: '/wp-login.php', error: 'ResourceNotFoundError' }));
  });
});
