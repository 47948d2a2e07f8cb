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
import { startFakeIdentity, type FakeIdentity, type FakeUser } from '../fakes/identity/fake-identity.js';
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

  it('an unknown path is still refused with a request-rejected warning', async () => {
    const log = await logOf(async () => void (await (await fetch(`${baseUrl}/wp-login.php`)).arrayBuffer()));
    expect(log).toContainEqual(expect.objectContaining({ level: 40, event: 'request-rejected', path: '/wp-login.php', error: 'ResourceNotFoundError' }));
  });
});
