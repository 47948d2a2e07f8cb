import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startCalbot, type Calbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { Store } from '../../src/store/database.js';
import { startFakeConnector, type FakeConnector } from '../fakes/connector/fake-connector.js';
import { openTestDatabase } from './database.js';
import { freePort } from '../../src/store/embedded-database.js';

/**
 * The real calbot (real restify server on a random port, real botbuilder, real driver on the test database)
 * talking to a fake Bot Connector. Environment overrides go through loadConfig like production.
 */
export interface Harness {
  calbot: Calbot;
  store: Store;
  connector: FakeConnector;
  /** calbot's clock (startCalbot's `clock`): the real time until a test pins it. */
  clock: TestClock;
  baseUrl: string;
  /** POSTs an activity to /api/messages; returns the HTTP status. */
  post(activity: object, headers?: Record<string, string>): Promise<number>;
  /** A Teams-shaped personal-chat message from `user`. */
  message(text: string, user?: TeamsUser, extra?: object): object;
  /** Sends `text` as `user` and waits for `replies` new messages in that user's conversation. */
  say(text: string, user?: TeamsUser, replies?: number): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The one clock a harness's calbot reads for what it tells users ("today", "sync status", "status", notices, the sync
 * window). A test that seeds relative to "now" and then asks pins it first and reads "now" from it: the seed and the
 * answer then see the same instant, whatever midnight the real clock passes meanwhile. Pinned, it stands still:
 * notices' retries, claims and quiet hours (which read it too) wait for a time that never comes, so a test that needs
 * those to move on leaves it unpinned. Agenda, leases, timers and the sync state's stamps stay on the real clock.
 */
export interface TestClock {
  /** The pinned instant, or the real time. */
  now(): Date;
  /** Stops the clock at `at` (default: the real time now) until unpin() or another pin(); returns that instant. */
  pin(at?: Date): Date;
  /** Back to the real time. */
  unpin(): void;
}

export function testClock(): TestClock {
  let pinned: Date | undefined;
  return {
    now: () => new Date(pinned?.getTime() ?? Date.now()),
    pin(at = new Date()) {
      pinned = new Date(at.getTime());
      return new Date(pinned.getTime());
    },
    unpin() {
      pinned = undefined;
    },
  };
}

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
  conversationId: string;
  tenantId: string;
  timeZone?: string;
}

export function teamsUser(name = 'Ada Lovelace', timeZone = 'Europe/Berlin'): TeamsUser {
  const uuid = randomUUID();
  return { id: `29:${uuid}`, name, aadObjectId: uuid, conversationId: `a:${uuid}`, tenantId: 'tenant-1', timeZone };
}

/** A Teams-shaped personal-chat message activity from `user`, as the Bot Connector at `serviceUrl` delivers it. */
export function teamsMessage(text: string, user: TeamsUser, serviceUrl: string, extra: object = {}): object {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: { id: user.conversationId, conversationType: 'personal', tenantId: user.tenantId },
    recipient: { id: '28:calbot', name: 'calbot' },
    text,
    textFormat: 'plain',
    locale: 'en-US',
    channelData: { tenant: { id: user.tenantId } },
    entities: user.timeZone ? [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: user.timeZone }] : [],
    ...extra,
  };
}

export async function startHarness(env: Record<string, string> = {}, name = 'calbot', options: { logger?: Logger } = {}): Promise<Harness> {
  const store = await openTestDatabase(name);
  const connector = await startFakeConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'calbot-test-'));
  // The port is chosen up front so PUBLIC_URL (and the redirect URI registered at the identity fake) is known.
  const port = env.PORT ?? String(await freePort());
  const config = loadConfig({ PORT: port, PUBLIC_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent', ...env });
  const clock = testClock();
  const calbot = await startCalbot(config, options.logger ?? createLogger(config.logLevel), { store, host: '127.0.0.1', clock: clock.now });
  const baseUrl = `http://127.0.0.1:${calbot.port}`;
  const defaultUser = teamsUser();

  const message = (text: string, user: TeamsUser = defaultUser, extra: object = {}) => teamsMessage(text, user, connector.url, extra);

  const post = async (activity: object, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    await response.arrayBuffer();
    return response.status;
  };

  return {
    calbot,
    store,
    connector,
    clock,
    baseUrl,
    post,
    message,
    async say(text, user = defaultUser, replies = 1) {
      const before = connector.messages(user.conversationId).length;
      const status = await post(message(text, user));
      if (status >= 300) throw new Error(`/api/messages answered ${status}`);
      const received = await connector.waitFor(before + replies, (r) => r.activity.type === 'message' && r.conversationId === user.conversationId);
      return received.slice(before).map((r) => r.activity.text ?? JSON.stringify(r.activity.attachments?.[0]?.content ?? null));
    },
    async close() {
      await calbot.stop();
      await connector.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
