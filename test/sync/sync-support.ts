import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/log.js';
import type { EventDoc, SyncStateDoc } from '../../src/store/collections.js';
import { fileByDate } from '../../src/sync/calendar-days.js';
import { syncCalendar, type RoundComplete, type SyncEngineDeps, type SyncRoundResult } from '../../src/sync/sync-engine.js';
import type { CloudHarness } from '../support/microsoft-cloud.js';
import { teamsUser, type TeamsUser } from '../support/calbot-harness.js';
import type { FakeUser } from '../fakes/identity/fake-identity.js';

/** Sync tests drive rounds themselves ("sync now", agenda runs, syncCalendar): no interval run gets in between. */
export const SYNC_ENV = { SYNC_INTERVAL: '1 hour' };

const DAY = 24 * 60 * 60 * 1000;

/** An instant `days` from today at `hour`:`minute` UTC, as the fake wants it ("...Z"). */
export function at(days: number, hour = 9, minute = 0): string {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return new Date(today + days * DAY + hour * 3_600_000 + minute * 60_000).toISOString();
}

/** 'YYYY-MM-DD' `days` from today (UTC). */
export function dateIn(days: number): string {
  return at(days, 0).slice(0, 10);
}

export interface ConnectedUser {
  chat: TeamsUser;
  microsoft: FakeUser;
  userKey: string;
}

/** A chat user linked to a new mailbox; `seed` fills the mailbox before the first round runs. */
export async function connectedUser(h: CloudHarness, name: string, seed: (oid: string) => void = () => undefined): Promise<ConnectedUser> {
  const chat = teamsUser(name);
  const microsoft = h.addMicrosoftUser(name);
  seed(microsoft.oid);
  const userKey = `msteams:${chat.id}`;
  // The first round's "Synced N events" line too: arriving late, it would land among the next test step's messages.
  const { status, page } = await h.connect(chat, microsoft, { waitForFirstSync: true });
  if (status !== 200) throw new Error(`connect failed: ${status} ${page}`);
  await waitForState(h, userKey, (state) => state.roundsCompleted >= 1 && state.status !== 'running');
  return { chat, microsoft, userKey };
}

/** Polls the sync state (by _id) until `done`; fails after `timeoutMs`. */
export async function waitForState(h: CloudHarness, userKey: string, done: (state: SyncStateDoc) => boolean, timeoutMs = 15_000): Promise<SyncStateDoc> {
  const deadline = Date.now() + timeoutMs;
  let last: SyncStateDoc | null = null;
  while (Date.now() < deadline) {
    last = await h.store.collections.syncStates.findOne({ _id: userKey });
    if (last && done(last)) return last;
    await sleep(50);
  }
  throw new Error(`sync state never matched; last: ${JSON.stringify(last)}`);
}

/**
 * Sends `text` as the chat user and returns the bot's in-turn replies to it (by replyToId), so change notices
 * arriving in the same conversation meanwhile do not get in the way. A card answer gives its plain text (in Teams
 * the activity's summary).
 */
export async function command(h: CloudHarness, chat: TeamsUser, text: string, replies = 1): Promise<string[]> {
  const activity = h.message(text, chat) as { id: string };
  const status = await h.post(activity);
  if (status >= 300) throw new Error(`/api/messages answered ${status}`);
  const received = await h.connector.waitFor(replies, (r) => r.conversationId === chat.conversationId && r.replyToId === activity.id);
  return received.filter((r) => r.replyToId === activity.id).map((r) => r.activity.text ?? r.activity.summary ?? JSON.stringify(r.activity.attachments?.[0]?.content ?? null));
}

/** The engine with calbot's own collections and Graph clients (real parts), for driving one round directly. */
export function engineDeps(h: CloudHarness, extra: Partial<SyncEngineDeps> = {}): SyncEngineDeps & { completed: { userKey: string; result: RoundComplete }[] } {
  const completed: { userKey: string; result: RoundComplete }[] = [];
  return {
    collections: h.store.collections,
    graphFor: h.calbot.graphFor,
    config: h.calbot.config,
    logger: createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent'),
    onRoundComplete: async (userKey, result) => void completed.push({ userKey, result }),
    ...extra,
    completed,
  };
}

export function runRound(h: CloudHarness, userKey: string, extra: Partial<SyncEngineDeps> = {}): Promise<SyncRoundResult> {
  return syncCalendar(engineDeps(h, extra), userKey);
}

/** The user's stored events by subject, sorted, with the fields that matter for assertions. */
export async function storedEvents(h: CloudHarness, userKey: string): Promise<EventDoc[]> {
  return (await h.store.collections.events.find({ userKey }).toArray()).sort((a, b) => a.start.getTime() - b.start.getTime() || a.subject.localeCompare(b.subject));
}

export function summary(changes: { kind: string; subject: string }[]): string[] {
  return changes.map((change) => `${change.kind}: ${change.subject}`).sort();
}

/** The user's calendarDays as date -> subjects in filing order. */
export async function storedDays(h: CloudHarness, userKey: string): Promise<Record<string, string[]>> {
  const docs = await h.store.collections.calendarDays.find({ userKey }).toArray();
  return Object.fromEntries(docs.sort((a, b) => a.date.localeCompare(b.date)).map((doc) => [doc.date, doc.events.map((e) => e.subject)]));
}

/**
 * The days the engine kept up page by page equal the days filed afresh from what `events` holds now, inside the
 * window the sync state records.
 */
export async function expectDaysMatchEvents(h: CloudHarness, userKey: string): Promise<void> {
  const state = await h.store.collections.syncStates.findOne({ _id: userKey });
  const window = { start: state!.windowStart!, end: state!.windowEnd! };
  const expected = Object.fromEntries([...fileByDate(await storedEvents(h, userKey), window)].sort(([a], [b]) => a.localeCompare(b)).map(([date, entries]) => [date, entries.map((e) => e.subject)]));
  expect(await storedDays(h, userKey)).toEqual(expected);
}

/**
 * Graph's delta state lost (as after a 410, or the daily window move): a full round sends every event again, each
 * with the etag already stored. Runs it through "sync now" and checks it reported no change and sent no notice.
 */
export async function fullRoundWithoutNotice(h: CloudHarness, { chat, microsoft, userKey }: ConnectedUser): Promise<void> {
  h.graph.invalidateAllTokens(microsoft.oid);
  const messages = h.connector.messages(chat.conversationId).length;
  expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 0 changed, 0 removed.']);
  await waitForState(h, userKey, (s) => s.status === 'idle' && s.roundsCompleted >= 2);
  await h.calbot.notices.idle();
  expect(h.connector.messages(chat.conversationId).length).toBe(messages + 1); // the reply, and no change notice
}
