import { DateTime } from 'luxon';
import { copyAnswerContext, readAnswerContext } from '../../src/store/answer-context.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import type { TeamsUser } from '../support/calbot-harness.js';
import { readScheduleCard } from '../chat/ask-support.js';
import { command, connectedUser, SYNC_ENV } from './sync-support.js';

/**
 * The chat user's copy of the account and sync state (what an answer reads instead of those two documents),
 * through real sign-in, real Agenda job runs against the fake Graph, and /api/messages.
 */
describe('the answer context on the chat user', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'answer_context');
  });
  afterAll(async () => {
    await h.close();
  });

  const chatUser = (userKey: string) => h.store.collections.chatUsers.findOne({ _id: userKey });
  /** What the copy says, without when it was taken: it must equal what the sources say now. */
  const copied = async (userKey: string) => {
    const context = (await chatUser(userKey))?.answerContext;
    if (!context) return undefined;
    const { copiedAt: _at, ...rest } = context;
    return rest;
  };
  /** The job's run is over (its copy written) once Agenda has released the job. */
  const jobReleased = async (userKey: string) => {
    for (let i = 0; i < 100; i++) {
      const info = await h.calbot.syncJobs.jobInfo(userKey);
      if (info && !info.lockedAt) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error('the sync job was never released');
  };
  /** The card answering `text` (by replyToId: change notices may arrive in the same conversation meanwhile). */
  const askCard = async (chat: TeamsUser, text: string) => {
    const activity = h.message(text, chat) as { id: string };
    expect(await h.post(activity)).toBeLessThan(300);
    const [reply] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.replyToId === activity.id);
    return readScheduleCard(reply!.activity.attachments![0]!.content);
  };
  const subjects = (card: ReturnType<typeof readScheduleCard>) => card.groups.flatMap((group) => group.rows.map((row) => row.title));
  // The day the test's events are on, asked for by its date: "today" may be another day by the time it asks
  // (test:hours runs the suite from two minutes to midnight).
  const berlinDay = DateTime.now().setZone('Europe/Berlin').startOf('day');
  const berlinToday = (hour: number) => berlinDay.set({ hour }).toISO()!;

  test('connect, sync rounds, a failed round and disconnect: the copy always says what the account and sync state say', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Ada Copy', (oid) => void h.graph.addEvent(oid, { subject: 'Standup', start: berlinToday(12), end: berlinToday(13) }));
    await jobReleased(userKey);
    const afterFirst = await copied(userKey);
    expect(afterFirst).toMatchObject({ account: { status: 'connected', mailboxTimeZone: 'Europe/Berlin' }, syncState: { status: 'idle', roundsCompleted: 1 } });
    expect(afterFirst).toEqual(await readAnswerContext(h.store.collections, userKey));

    // A round Graph fails: the copy has the failure, and the next answer says so from it.
    h.graph.failNext({ status: 500, oid: microsoft.oid }, 1);
    const [reply] = await command(h, chat, 'sync now');
    expect(reply).toMatch(/^The sync didn't work/);
    await jobReleased(userKey);
    const failed = await copied(userKey);
    expect(failed?.syncState?.lastError).toBeDefined();
    expect(failed).toEqual(await readAnswerContext(h.store.collections, userKey));
    const read = await askCard(chat, `what's on ${berlinDay.toISODate()}`);
    expect(subjects(read)).toContain('Standup');
    expect(read.footnote).toMatch(/· the last sync failed: /);

    // The next round succeeds: the footnote goes, because the copy moved on with the sync state.
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 0 changed, 0 removed.']);
    await jobReleased(userKey);
    const recovered = await copied(userKey);
    expect(recovered?.syncState?.roundsCompleted).toBe(2); // rounds that succeeded
    expect(recovered).toEqual(await readAnswerContext(h.store.collections, userKey));
    const fresh = await askCard(chat, `what's on ${berlinDay.toISODate()}`);
    expect(subjects(fresh)).toContain('Standup');
    expect(fresh.footnote).toBeUndefined();

    // Disconnect removes it; answers then read the (absent) account and offer to connect.
    await command(h, chat, 'disconnect outlook');
    expect((await chatUser(userKey))?.answerContext).toBeUndefined();
    const [notConnected] = await command(h, chat, "what's on today");
    expect(notConnected).toContain("You haven't connected your Outlook calendar yet");
  });

  test('a job run refreshes a copy but never makes one: a round ending after a disconnect cannot bring the account back', async () => {
    const { userKey, chat } = await connectedUser(h, 'Ada Late');
    await jobReleased(userKey);
    expect((await chatUser(userKey))?.answerContext).toBeDefined();
    await command(h, chat, 'disconnect outlook');
    expect((await chatUser(userKey))?.answerContext).toBeUndefined();
    // What a round that read the sources just before the disconnect would write afterwards: refused, no copy.
    await h.store.collections.accounts.insertOne({ _id: userKey, homeAccountId: 'h', username: 'ada@contoso.example', displayName: 'Ada', tenantId: 't', status: 'connected', connectedAt: new Date(), updatedAt: new Date() });
    await copyAnswerContext(h.store.collections, userKey, { onlyIfCopied: true });
    expect((await chatUser(userKey))?.answerContext).toBeUndefined();
    // Not for want of an account to copy: a copy that may be made (a sign-in's) is made of it.
    await copyAnswerContext(h.store.collections, userKey);
    expect((await chatUser(userKey))?.answerContext).toMatchObject({ account: { status: 'connected' } });
    await h.store.collections.accounts.deleteOne({ _id: userKey });
    await copyAnswerContext(h.store.collections, userKey); // no account: the copy goes, as the disconnect left it
  });

  test('start-up gives a copy to connected users who have none (data from before copies), and only to them', async () => {
    const { userKey, chat } = await connectedUser(h, 'Ada Before');
    await jobReleased(userKey);
    const stranger = { ...chat, id: `${chat.id}-stranger`, name: 'Never Connected' };
    const strangerKey = `msteams:${stranger.id}`;
    expect(await h.post(h.message('hello', stranger))).toBe(200);
    // The stranger is a chat user (who wrote) with no account: the one start-up must leave without a copy.
    expect(await chatUser(strangerKey)).toMatchObject({ userName: 'Never Connected' });
    expect(await h.store.collections.accounts.findOne({ _id: strangerKey })).toBeNull();
    await h.store.collections.chatUsers.updateOne({ _id: userKey }, { $unset: { answerContext: '' } });
    // Without a copy the answer reads the sources: still an answer, not "not connected".
    expect((await askCard(chat, "what's on today")).header).toMatch(/^Today · /);

    await h.calbot.syncJobs.ensureAllJobs();
    expect(await copied(userKey)).toEqual(await readAnswerContext(h.store.collections, userKey));
    const strangerAfter = await chatUser(strangerKey);
    expect(strangerAfter).toMatchObject({ userName: 'Never Connected' });
    expect(strangerAfter!.answerContext).toBeUndefined();
  });
});
