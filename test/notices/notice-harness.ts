import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCalbot, type Calbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { NoticeOptions } from '../../src/notices/notice-service.js';
import type { EventDoc } from '../../src/store/collections.js';
import type { Store } from '../../src/store/database.js';
import { emptyChangeSet, recordChange, type ChangeSet } from '../../src/sync/change-set.js';
import { startFakeConnector, type FakeConnector } from '../fakes/connector/fake-connector.js';
import { openTestDatabase } from '../support/database.js';
import { teamsMessage, teamsUser, type TeamsUser } from '../support/calbot-harness.js';

/**
 * Real calbot processes (server, bot, Agenda, notice sender) on one test database, talking to one fake Bot
 * Connector, with a clock the test can move: "now" starts at NOW and runs at real speed plus `clock.advance()`.
 */
export const NOW = new Date('2026-11-25T12:00:00Z'); // Wed 25 Nov, 13:00 in Berlin

export interface NoticeHarness {
  store: Store;
  connector: FakeConnector;
  calbots: Calbot[];
  clock: { now(): Date; advance(ms: number): void };
  /** Another calbot process on the same database (two senders racing). */
  startAnother(): Promise<Calbot>;
  /** `text` from `user` to calbots[0]; resolves with the replies' texts. */
  say(text: string, user: TeamsUser, replies?: number): Promise<string[]>;
  /** Notice messages in the user's conversation: everything but the replies `say` waited for. */
  notices(user: TeamsUser): { text?: string; card?: any; activity: any }[];
  close(): Promise<void>;
}

export async function startNoticeHarness(name: string, options: Partial<NoticeOptions> = {}): Promise<NoticeHarness> {
  const store = await openTestDatabase(name);
  const connector = await startFakeConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'calbot-notices-'));
  const started = Date.now();
  let offset = 0;
  const clock = { now: () => new Date(NOW.getTime() + (Date.now() - started) + offset), advance: (ms: number) => void (offset += ms) };
  const calbots: Calbot[] = [];
  const start = async () => {
    const config = loadConfig({ PORT: '0', PUBLIC_URL: 'http://127.0.0.1:3978', DATA_DIR: dataDir, LOG_LEVEL: process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent', SYNC_INTERVAL: '1 hour' });
    const calbot = await startCalbot(config, createLogger(config.logLevel), {
      store,
      host: '127.0.0.1',
      scheduler: { name: `notices-${calbots.length}`, processEveryMs: 500 },
      notices: { retryBaseMs: 300, now: clock.now, ...options },
    });
    calbots.push(calbot);
    return calbot;
  };
  await start();

  const post = async (activity: object) => {
    const response = await fetch(`http://127.0.0.1:${calbots[0]!.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`/api/messages answered ${response.status}`);
  };
  const replies = new Set<unknown>();
  return {
    store,
    connector,
    calbots,
    clock,
    startAnother: start,
    async say(text, user, count = 1) {
      const before = connector.messages(user.conversationId).length;
      await post(teamsMessage(text, user, connector.url));
      const received = (await connector.waitFor(before + count, (r) => r.conversationId === user.conversationId)).slice(before);
      for (const r of received) replies.add(r);
      return received.map((r) => r.activity.text ?? '');
    },
    notices(user) {
      return connector
        .messages(user.conversationId)
        .filter((r) => !replies.has(r))
        .map((r) => ({ text: r.activity.text, card: r.activity.attachments?.[0]?.content, activity: r.activity }));
    },
    async close() {
      for (const calbot of calbots) await calbot.stop();
      await connector.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { teamsUser, type TeamsUser };

/** A stored-event document as the sync engine keeps it. */
export function eventDoc(userKey: string, eventId: string, overrides: Partial<EventDoc> = {}): EventDoc {
  return {
    _id: `${userKey}|${eventId}`,
    userKey,
    eventId,
    type: 'singleInstance',
    subject: 'Design review',
    start: new Date('2026-11-26T13:00:00Z'),
    end: new Date('2026-11-26T14:00:00Z'),
    isAllDay: false,
    location: 'Room 4',
    isCancelled: false,
    etag: 'W/"1"',
    updatedAt: NOW,
    ...overrides,
  };
}

/** The change set a sync round would report for these (before, after) pairs, built by the sync engine's own code. */
export function roundOf(pairs: [EventDoc | undefined, EventDoc | undefined][]): ChangeSet {
  const changeSet = emptyChangeSet();
  for (const [before, after] of pairs) recordChange(changeSet, before, after);
  return changeSet;
}

/** What the sync engine does with a round's changes: queues them (before storing its pages), then reports the round complete. */
export async function syncRound(calbot: Calbot, userKey: string, round: ChangeSet): Promise<void> {
  await calbot.notices.queueChanges(userKey, round.changes);
  await calbot.notices.onRoundComplete(userKey, { changeSet: round, firstRound: false });
}

export function userKeyOf(user: TeamsUser): string {
  return `msteams:${user.id}`;
}

/** A Teams user who has written to calbot ("notify": nothing else happens), so that calbot can reach them. */
export async function chatUserOf(harness: NoticeHarness, name: string): Promise<{ user: TeamsUser; userKey: string }> {
  const user = teamsUser(name);
  await harness.say('notify', user);
  return { user, userKey: userKeyOf(user) };
}
