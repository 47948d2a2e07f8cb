import { DateTime } from 'luxon';
import { createLogger } from '../../src/log.js';
import { startCalbot, type Calbot } from '../../src/app.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { MAILBOX_RETRY_MS, SYNC_JOB, syncLeaseKey } from '../../src/sync/sync-jobs.js';
import { MailboxUnavailableError } from '../../src/graph/graph-errors.js';
import { copyAnswerContext } from '../../src/store/answer-context.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { at, command, connectedUser, storedDays, storedEvents, SYNC_ENV, waitForState } from './sync-support.js';
import { teamsUser, type TeamsUser } from '../support/calbot-harness.js';
import { TOKEN_REFUSALS } from '../fakes/identity/fake-identity.js';
import { between, cardDate, expectedBetween, readScheduleCard } from '../chat/ask-support.js';

/** The sync-calendar jobs and the chat commands, through the server, real Agenda and the fakes. */
describe('sync jobs and commands', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'sync_jobs');
  });
  afterAll(async () => {
    await h.close();
  });

  /** Waits until Agenda has released (and re-saved) the user's job after a round; fails when it never does. */
  async function waitForJobUnlocked(userKey: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const job = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
      if (job && !job.lockedAt) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${userKey}: the job was never unlocked`);
  }

  const jobsOf = (userKey: string) => h.store.db.collection(COLLECTIONS.agendaJobs).find({ name: SYNC_JOB, 'data.userKey': userKey }).toArray();

  /** Sends "sync now" and returns its activity id and a wait for its first `count` replies' text (by replyToId). */
  async function postSyncNow(chat: TeamsUser): Promise<{ posted: Promise<number>; replies(count: number): Promise<string[]> }> {
    const activity = h.message('sync now', chat) as { id: string };
    const posted = h.post(activity);
    const replies = async (count: number) =>
      (await h.connector.waitFor(count, (r) => r.conversationId === chat.conversationId && r.replyToId === activity.id)).map((r) => r.activity.text ?? r.activity.summary ?? '');
    return { posted, replies };
  }

  test('connecting creates ONE repeating job and runs it at once; "sync now" waits for the round and reports it', async () => {
    let planning = '';
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Now', (oid) => {
      planning = h.graph.addEvent(oid, { subject: 'Planning', start: at(1, 9), end: at(1, 10) });
    });
    const jobs = await jobsOf(userKey);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ repeatInterval: 60 * 60_000, data: { userKey } });
    await h.calbot.syncJobs.ensureJob(userKey);
    expect(await jobsOf(userKey)).toHaveLength(1);

    h.graph.addEvent(microsoft.oid, { subject: 'New', start: at(2, 9), end: at(2, 10) });
    h.graph.updateEvent(microsoft.oid, planning, { subject: 'Planning v2' });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 1 changed, 0 removed.']);
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(2);
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 0 changed, 0 removed.']);
  });

  test('"sync now" while a round runs: says so, then reports that round when it ends', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Busy');
    await waitForJobUnlocked(userKey);
    for (let i = 0; i < 3; i++) h.graph.addEvent(microsoft.oid, { subject: `E${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
    // The round's first page waits at Graph until the second "sync now" has been answered: it is running throughout.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta' });
    try {
      const first = command(h, chat, 'sync now');
      await hold.held;
      expect((await h.store.collections.syncStates.findOne({ _id: userKey }))!.status).toBe('running');
      const second = await postSyncNow(chat);
      expect(await second.replies(1)).toEqual(["A sync is already running; I'll tell you when it finishes."]);
      hold.release();
      expect(await first).toEqual(['Synced: 3 new, 0 changed, 0 removed.']);
      expect(await second.replies(2)).toEqual(["A sync is already running; I'll tell you when it finishes.", 'Synced: 3 new, 0 changed, 0 removed.']);
      expect(await second.posted).toBeLessThan(300);
    } finally {
      hold.release();
    }
  });

  test('"sync now" while a round runs past the turn\'s wait: "already running" and, when it ends, the round; no "taking a while" besides', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Long');
    await waitForJobUnlocked(userKey);
    h.graph.addEvent(microsoft.oid, { subject: 'Long', start: at(1, 9), end: at(1, 10) });
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta' });
    try {
      const first = await postSyncNow(chat);
      await hold.held;
      const second = await postSyncNow(chat);
      // The turn waits its in-turn time for the held round, then ends: all it says in the turn has been said.
      expect(await second.posted).toBeLessThan(300);
      expect(await second.replies(1)).toEqual(["A sync is already running; I'll tell you when it finishes."]);
      // The "sync now" that started the round says it is taking a while (its turn's wait began first, so it has ended too).
      expect(await first.posted).toBeLessThan(300);
      expect(await first.replies(1)).toEqual(["Syncing your calendar; it's taking a while, I'll tell you when it's done."]);
      hold.release();
      // Each "sync now" is answered once the round ends, in the chat (their turns are over).
      const summaries = await h.connector.waitFor(2, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced: 1 new, 0 changed, 0 removed.', 20_000);
      expect(summaries).toHaveLength(2);
    } finally {
      hold.release();
    }
  }, 60_000);

  test('"sync now" just after a paged round, while its job still holds Agenda\'s lock: a new round, not "already running"', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Again');
    await waitForJobUnlocked(userKey);
    for (let i = 0; i < 5; i++) h.graph.addEvent(microsoft.oid, { subject: `E${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
    // The mailbox settings are due, and slow: the job reads them after the round has ended, still locked, and its
    // lock was touched by the round's pages (three of them) after the round started.
    const dayAgo = new Date(Date.now() - 25 * 60 * 60_000);
    await h.store.collections.accounts.updateOne({ _id: userKey }, { $set: { mailboxSettingsReadAt: dayAgo } });
    // The settings read waits at Graph until the next "sync now" has begun: the job stays locked until then.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/mailboxSettings' });
    try {
      expect(await command(h, chat, 'sync now')).toEqual(['Synced: 5 new, 0 changed, 0 removed.']);
      await hold.held;
      const job = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
      expect(job?.lockedAt).toBeTruthy();
      h.graph.addEvent(microsoft.oid, { subject: 'Late', start: at(7, 9), end: at(7, 10) });
      // Under a new display name, so that its turn writes the chat user first: seen written, the turn is under way
      // (the job is released only after that, so "sync now" finds it still locked by a finished round).
      const renamed = { ...chat, name: 'Bo Again Renamed' };
      const again = command(h, renamed, 'sync now');
      await until(async () => (await h.store.collections.chatUsers.findOne({ _id: userKey }))?.userName === renamed.name);
      expect((await jobsOf(userKey))[0]!.lockedAt).toBeTruthy();
      hold.release();
      expect(await again).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    } finally {
      hold.release();
    }
  });

  test('a round counts as ended for "sync now" once the chat\'s copy of it is taken, so the next answer says what it did', async () => {
    const { userKey } = await connectedUser(h, 'Bo Copy');
    await waitForJobUnlocked(userKey);
    const since = await h.store.collections.syncStates.findOne({ _id: userKey });
    // As a job run leaves things for a moment: its round has written the sync state, its copy is still the old one.
    // (Now, not later: the copy taken below must be the round's, whatever the clock says.)
    const endedAt = new Date(Math.max(Date.now(), since!.lastRunAt!.getTime() + 1));
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $set: { lastRunAt: endedAt, lastSuccessAt: endedAt } });
    const copyWhenAnswered = h.calbot.syncJobs.waitForRound(userKey, since, { timeoutMs: 10_000 }).then(async (state) => ({
      state,
      copiedAt: (await h.store.collections.chatUsers.findOne({ _id: userKey }))?.answerContext?.copiedAt,
    }));
    await copyAnswerContext(h.store.collections, userKey, { onlyIfCopied: true });
    const answered = await copyWhenAnswered;
    expect(answered.state!.lastSuccessAt).toEqual(endedAt);
    // The answer came with the round's copy in place: an answer asked for now says what the round did.
    expect(answered.copiedAt!.getTime()).toBeGreaterThanOrEqual(endedAt.getTime());

    // A copy that never comes (it failed; the job logged it) holds the answer back a moment (waitForRound's copy
    // wait, 2 s), not until the timeout. Without that wait the answer would come at once: this is what shows it.
    const again = await h.store.collections.syncStates.findOne({ _id: userKey });
    const later = new Date(Date.now() + 60_000);
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $set: { lastRunAt: later, lastSuccessAt: later } });
    const asked = Date.now();
    expect((await h.calbot.syncJobs.waitForRound(userKey, again, { timeoutMs: 10_000 }))!.lastSuccessAt).toEqual(later);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - asked).toBeLessThan(8_000);
  });

  test('"sync status": last success in the user\'s zone, no problem, next run from the job', async () => {
    const { userKey, chat } = await connectedUser(h, 'Bo Status');
    await waitForJobUnlocked(userKey); // Agenda saves the next run a moment after the round ends
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    const [job] = await jobsOf(userKey);
    const { result: [reply], ...asked } = await between(() => command(h, chat, 'sync status'));
    const berlin = (date: Date) => DateTime.fromJSDate(date, { zone: 'Europe/Berlin' }).toFormat('HH:mm');
    expect(expectedBetween(asked, (now) => `Last synced ${berlinWhen(state!.lastSuccessAt!, now)} (0 new, 0 changed, 0 removed).`)).toContain(paragraph(reply!, 'Last synced'));
    expect(reply).toContain('No problems since.');
    expect(reply).toMatch(new RegExp(`Next sync (today|tomorrow) at ${berlin(job!.nextRunAt)}\\.`));
  });

  test('429 storm: no retry before Retry-After, never more than 4 in flight; a long Retry-After moves the job instead of holding it', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Throttled');
    const oid = microsoft.oid;
    h.graph.addEvent(oid, { subject: 'After the storm', start: at(1, 9), end: at(1, 10) });
    h.graph.resetCounters();
    h.graph.failNext({ status: 429, retryAfterSeconds: 1, oid }, 2);
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    const mine = h.graph.requests.filter((r) => r.oid === oid);
    expect(mine.map((r) => r.status)).toEqual([429, 429, 200, 200]);
    expect(mine[1]!.at.getTime() - mine[0]!.at.getTime()).toBeGreaterThanOrEqual(1000);
    expect(mine[2]!.at.getTime() - mine[1]!.at.getTime()).toBeGreaterThanOrEqual(1000);
    expect(h.graph.maxInFlight(oid)).toBeLessThanOrEqual(4);

    // Agenda unlocks the job a moment after the round's reply; until then "sync now" rightly says a round is running.
    await waitForJobUnlocked(userKey);
    h.graph.failNext({ status: 429, retryAfterSeconds: 3600, oid }, 1);
    const asked = Date.now();
    const [reply] = await command(h, chat, 'sync now');
    expect(reply).toBe("The sync didn't work: Microsoft asked me to slow down; your calendar will catch up in a few minutes.");
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(state!.throttledUntil!.getTime()).toBeGreaterThanOrEqual(asked + 3600_000 - 1000);
    const [job] = await jobsOf(userKey);
    expect(job!.nextRunAt.getTime()).toBeGreaterThanOrEqual(state!.throttledUntil!.getTime());
    expect(job!.lockedAt).toBeNull();

    const count = h.graph.requestCount(oid);
    const [wait] = await command(h, chat, 'sync now');
    expect(wait).toMatch(/^Microsoft asked me to slow down, so I won't read your calendar before (today|tomorrow) at \d\d:\d\d\./);
    const { result: [status], ...statusAsked } = await between(() => command(h, chat, 'sync status'));
    expect(expectedBetween(statusAsked, (now) => `Last problem, ${berlinWhen(state!.lastError!.at, now)}: ${state!.lastError!.message}`)).toContain(paragraph(status!, 'Last problem'));
    expect(status).toContain('Microsoft asked me to slow down');
    expect(h.graph.requestCount(oid)).toBe(count);
  });

  test('a 503 with a long Retry-After is honoured as a 429 is: the job moves past it and "sync now" does not call Graph', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Unavailable');
    const oid = microsoft.oid;
    await waitForJobUnlocked(userKey);
    h.graph.failNext({ status: 503, retryAfterSeconds: 3600, oid }, 1);
    const asked = Date.now();
    expect(await command(h, chat, 'sync now')).toEqual(["The sync didn't work: Microsoft Graph is not answering right now; I'll try again shortly."]);
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(state!.throttledUntil!.getTime()).toBeGreaterThanOrEqual(asked + 3600_000 - 1000);
    await waitForJobUnlocked(userKey);
    const [job] = await jobsOf(userKey);
    expect(job!.nextRunAt.getTime()).toBeGreaterThanOrEqual(state!.throttledUntil!.getTime());

    const count = h.graph.requestCount(oid);
    const [wait] = await command(h, chat, 'sync now');
    expect(wait).toMatch(/^Microsoft Graph is not answering and asked me to wait, so I won't read your calendar before (today|tomorrow) at \d\d:\d\d\./);
    expect(h.graph.requestCount(oid)).toBe(count);
  });

  test('Graph refusing the calendar (403 ErrorAccessDenied, as for a token without Calendars.Read): reconnect needed, the job stops, one card, and "sync status" says why', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Denied');
    await waitForJobUnlocked(userKey);
    h.graph.failNext({ status: 403, oid: microsoft.oid, resource: '/me/calendarView/delta' });
    const before = h.connector.messages(chat.conversationId).length;
    expect(await command(h, chat, 'sync now')).toEqual(['The sync didn\'t work: I can no longer read your Outlook calendar. Say "reconnect" to sign in again.']);
    // Every interval would be refused the same way: syncing stops until a new sign-in, and the user is told once.
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'needs-reconnect' });
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(true);
    const cards = (await h.connector.waitFor(before + 2, (r) => r.conversationId === chat.conversationId)).slice(before).filter((r) => r.activity.attachments?.length);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.activity.attachments![0]!.content.body.map((b: { text?: string }) => b.text).join(' ')).toContain('Reconnect your Outlook calendar');
    // What happened, above the card that says what to do (Teams shows both).
    expect(cards[0]!.activity.text).toBe('I stopped syncing your calendar: your Outlook connection has expired or was revoked.');
    const { lastError } = (await h.store.collections.syncStates.findOne({ _id: userKey }))!;
    const { result: [status], ...asked } = await between(() => command(h, chat, 'sync status'));
    expect(status).toMatch(/^Syncing is paused: your Outlook connection \(bo\.denied@contoso\.example\) has expired or was revoked\. Say "reconnect" to sign in again\./);
    expect(expectedBetween(asked, (now) => `Last problem, ${berlinWhen(lastError!.at, now)}: I can no longer read your Outlook calendar. Say "reconnect" to sign in again.`)).toContain(paragraph(status!, 'Last problem'));
  });

  test('a 403 for another reason (no consent missing: a licence removed for a while): recorded, the account stays connected and the next round tries again', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Unlicensed');
    await waitForJobUnlocked(userKey);
    h.graph.failNext({ status: 403, oid: microsoft.oid, resource: '/me/calendarView/delta', code: 'MailboxNotEnabledForRESTAPI', message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.' });
    const before = h.connector.messages(chat.conversationId).length;
    const [failed] = await command(h, chat, 'sync now');
    expect(failed).toMatch(/^The sync didn't work/);
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(false);
    expect(h.connector.messages(chat.conversationId).slice(before).filter((r) => r.activity.attachments?.length)).toHaveLength(0);
    h.graph.addEvent(microsoft.oid, { subject: 'Back again', start: at(1, 9), end: at(1, 10) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
  });

  test('an account without an Exchange Online mailbox (no licence): answers and "sync status" say so, the account stays connected, the job waits hours, not an interval, and the chat is told once; a licence assigned, "sync now" syncs and the chat hears so', async () => {
    const chat = teamsUser('Bo Nomailbox');
    const microsoft = h.addMicrosoftUser('Bo Nomailbox');
    const userKey = `msteams:${chat.id}`;
    h.graph.setExchange(microsoft.oid, 'none');
    expect((await h.connect(chat, microsoft)).status).toBe(200);
    const connected = h.connector.messages(chat.conversationId).length; // the sign-in card and "Connected to Outlook"
    const state = await waitForState(h, userKey, (s) => s.lastError !== undefined && s.status !== 'running');
    const message = new MailboxUnavailableError(404).userMessage;
    expect(state).toMatchObject({ status: 'error', roundsCompleted: 0, lastError: { kind: 'mailbox', message } });
    expect(message).toBe(
      'Your Microsoft account has no Exchange Online mailbox I can read (it may have no Exchange Online licence, or its mailbox is on an on-premises Exchange server or inactive), so there is no Outlook calendar to sync. Once your administrator has fixed that, say "sync now"; or say "reconnect" to link another account.',
    );
    // Not a sign-in problem: no reconnect card, the account stays connected and its job enabled, due again in hours.
    await waitForJobUnlocked(userKey);
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    const [job] = await jobsOf(userKey);
    expect(job!.disabled).toBeFalsy();
    expect(job!.nextRunAt.getTime()).toBeGreaterThanOrEqual(state.lastError!.at.getTime() + MAILBOX_RETRY_MS - 60_000);
    expect(h.connector.messages(chat.conversationId).slice(connected).filter((r) => r.activity.attachments?.length)).toHaveLength(0);
    // Told once, without asking: only their admin can fix it, Graph's code for the admin, and when calbot tries again.
    const told =
      'Microsoft does not let calbot read your calendar: your account has no Exchange Online mailbox calbot can read (no Exchange Online licence, or a mailbox on an on-premises Exchange server or inactive). Only your IT admin can change that; give them this code: MailboxNotEnabledForRESTAPI. I\'ll keep trying every 6 hours, or say "sync now" once they have.';
    const toldOfMailbox = () => h.connector.messages(chat.conversationId).filter((r) => r.activity.text === told || r.activity.text === 'calbot can read your calendar again; syncing is back to normal.').map((r) => r.activity.text);
    expect(toldOfMailbox()).toEqual([told]);

    expect(await command(h, chat, "what's on today")).toEqual([`I haven't been able to read your calendar yet: ${message}`]);
    const [status] = await command(h, chat, 'sync status');
    expect(paragraph(status!, 'Last problem')).toMatch(/^Last problem, (today|yesterday) at \d\d:\d\d: Your Microsoft account has no Exchange Online mailbox/);
    expect(paragraph(status!, 'Next sync')).toMatch(/^Next sync (today|tomorrow) at \d\d:\d\d\.$/);
    // "status" says connected, and that syncing is not working.
    const [account] = await command(h, chat, 'status');
    expect(account).toMatch(/^Connected to Outlook as .* The last sync did not work: say "sync status" for why\.$/);
    // The next try, still no mailbox: nothing more.
    expect(await command(h, chat, 'sync now')).toEqual([`The sync didn't work: ${message}`]);
    await waitForJobUnlocked(userKey);
    expect(toldOfMailbox()).toEqual([told]);

    h.graph.setExchange(microsoft.oid, 'online');
    h.graph.addEvent(microsoft.oid, { subject: 'First meeting', start: at(1, 9), end: at(1, 10) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    expect(toldOfMailbox()).toEqual([told, 'calbot can read your calendar again; syncing is back to normal.']);
    expect((await command(h, chat, 'status'))[0]).not.toContain('The last sync did not work');
    await waitForJobUnlocked(userKey);
    const [after] = await jobsOf(userKey);
    expect(after!.nextRunAt.getTime()).toBeLessThan(Date.now() + MAILBOX_RETRY_MS / 2); // the interval again
  });

  test('an account without a mailbox disconnected and connected again is told again: the same refusal, a new connection', async () => {
    const chat = teamsUser('Bo Twice');
    const microsoft = h.addMicrosoftUser('Bo Twice');
    const userKey = `msteams:${chat.id}`;
    h.graph.setExchange(microsoft.oid, 'none');
    const told = () => h.connector.messages(chat.conversationId).filter((r) => /^Microsoft does not let calbot read your calendar: your account has no Exchange Online mailbox/.test(r.activity.text ?? '')).length;
    for (let connect = 1; connect <= 2; connect++) {
      expect((await h.connect(chat, microsoft)).status).toBe(200);
      await waitForState(h, userKey, (s) => s.lastError?.kind === 'mailbox' && s.status !== 'running');
      await waitForJobUnlocked(userKey);
      expect(told()).toBe(connect);
      expect(await command(h, chat, 'sync now')).toEqual([`The sync didn't work: ${new MailboxUnavailableError(404).userMessage}`]);
      await waitForJobUnlocked(userKey);
      expect(told()).toBe(connect);
      if (connect === 1) expect((await command(h, chat, 'disconnect outlook'))[0]).toMatch(/^Disconnected from Outlook/);
    }
  });

  test('a refusal only an admin can clear whose message the Bot Connector refused is told at the next try, not never, and so is its end', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Unreached');
    await waitForJobUnlocked(userKey);
    const told = () => h.connector.messages(chat.conversationId).filter((r) => /^Microsoft does not let calbot read your calendar: your account has no Exchange Online mailbox/.test(r.activity.text ?? '')).length;
    const roundEnded = async () => {
      const since = await h.store.collections.syncStates.findOne({ _id: userKey });
      await h.calbot.syncJobs.requestRun(userKey);
      await h.calbot.syncJobs.waitForRound(userKey, since, { timeoutMs: 15_000, includeRunning: true });
      await waitForJobUnlocked(userKey);
    };
    h.graph.setExchange(microsoft.oid, 'none');
    // The connector down for this conversation while calbot tells the user: the send and its 3 retries refused.
    h.connector.failNext(503, 4, { 'Retry-After': '0' }, chat.conversationId);
    await roundEnded();
    expect(h.connector.refused.filter((r) => r.conversationId === chat.conversationId)).toHaveLength(4);
    expect(told()).toBe(0);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ adminRefusal: { key: 'graph:MailboxNotEnabledForRESTAPI', told: false } });
    // The next try (6 hours on, or "sync now"), still refused: told now.
    await roundEnded();
    expect(told()).toBe(1);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ adminRefusal: { key: 'graph:MailboxNotEnabledForRESTAPI', told: true } });
    await roundEnded();
    expect(told()).toBe(1);
    // Its mailbox back, the connector down again as calbot says so: said after the next round, once.
    const again = () => h.connector.messages(chat.conversationId).filter((r) => r.activity.text === 'calbot can read your calendar again; syncing is back to normal.').length;
    h.graph.setExchange(microsoft.oid, 'online');
    h.connector.failNext(503, 4, { 'Retry-After': '0' }, chat.conversationId);
    await roundEnded();
    expect(h.connector.refused.filter((r) => r.conversationId === chat.conversationId)).toHaveLength(8);
    expect(again()).toBe(0);
    await roundEnded();
    expect(again()).toBe(1);
    expect((await h.store.collections.syncStates.findOne({ _id: userKey }))?.adminRefusal).toBeUndefined();
    await roundEnded();
    expect(again()).toBe(1);
  });

  test('start-up enables the job of a connected account that was left disabled', async () => {
    const { userKey } = await connectedUser(h, 'Bo Disabled');
    await waitForJobUnlocked(userKey);
    // As a reconnect that died between linking the account and enabling its job leaves it.
    await h.calbot.scheduler.disable({ name: SYNC_JOB, data: { userKey } });
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(true);
    await h.calbot.syncJobs.ensureAllJobs();
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(false);
    expect(await jobsOf(userKey)).toHaveLength(1);
  });

  test('start-up applies a changed SYNC_INTERVAL to existing jobs and pulls a far next run in', async () => {
    const { userKey } = await connectedUser(h, 'Bo Interval');
    // Agenda unlocks the job after the connect's own round; a locked job is left to its holder.
    await waitForJobUnlocked(userKey);
    // As if the job had been created when SYNC_INTERVAL was a day.
    const farOut = new Date(Date.now() + 24 * 60 * 60_000);
    await h.store.db.collection(COLLECTIONS.agendaJobs).updateOne({ name: SYNC_JOB, 'data.userKey': userKey }, { $set: { repeatInterval: 24 * 60 * 60_000, nextRunAt: farOut } });
    await h.calbot.syncJobs.ensureAllJobs();
    const [job] = await jobsOf(userKey);
    expect(job).toMatchObject({ repeatInterval: 60 * 60_000 });
    expect(job!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    expect(job!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
  });

  test('the mailbox zone and working hours: read at sign-in, again about daily by the job, and used by "when am I free"', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Hours');
    const account = () => h.store.collections.accounts.findOne({ _id: userKey });
    const signedIn = await account();
    // A new mailbox works Monday to Friday, 08:00-17:00, in its own zone.
    expect(signedIn).toMatchObject({ mailboxTimeZone: 'Europe/Berlin', workingHours: { startMinute: 480, endMinute: 1020, weekdays: [1, 2, 3, 4, 5], zone: 'Europe/Berlin' } });
    const settingsReads = () => h.graph.requests.filter((r) => r.oid === microsoft.oid && r.path.toLowerCase() === '/v1.0/me/mailboxsettings').length;
    const readsAtSignIn = settingsReads();

    // The user moves to New York and now works Monday to Thursday, 07:30-15:30: Outlook says so.
    const mailbox = h.graph.calendar.mailbox(microsoft.oid);
    mailbox.timeZone = 'Eastern Standard Time';
    mailbox.workingHours = { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday'], startTime: '07:30:00.0000000', endTime: '15:30:00.0000000', timeZone: { name: 'Eastern Standard Time' } };
    mailbox.timeFormat = 'h:mm tt';

    // Rounds within the day do not ask again.
    await command(h, chat, 'sync now');
    await waitForJobUnlocked(userKey);
    expect(settingsReads()).toBe(readsAtSignIn);
    expect((await account())!.workingHours!.weekdays).toEqual([1, 2, 3, 4, 5]);

    // Graph refusing the settings (consent for MailboxSettings.Read withdrawn): the round still syncs, what is
    // stored stays, and the next round asks again.
    const dayAgo = new Date(signedIn!.mailboxSettingsReadAt!.getTime() - 25 * 60 * 60_000);
    await h.store.collections.accounts.updateOne({ _id: userKey }, { $set: { mailboxSettingsReadAt: dayAgo } });
    h.graph.failNext({ status: 403, oid: microsoft.oid, resource: '/me/mailboxSettings' });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 0 changed, 0 removed.']);
    await waitForJobUnlocked(userKey);
    expect(settingsReads()).toBe(readsAtSignIn + 1);
    expect(await account()).toMatchObject({ mailboxTimeZone: 'Europe/Berlin', mailboxSettingsReadAt: dayAgo, workingHours: { weekdays: [1, 2, 3, 4, 5] } });

    await command(h, chat, 'sync now');
    await waitForJobUnlocked(userKey);
    expect(settingsReads()).toBe(readsAtSignIn + 2);
    const moved = await account();
    expect(moved).toMatchObject({ mailboxTimeZone: 'America/New_York', workingHours: { startMinute: 450, endMinute: 930, weekdays: [1, 2, 3, 4], zone: 'America/New_York' }, clockStyle: '12h' });
    expect(moved!.mailboxSettingsReadAt!.getTime()).toBeGreaterThan(dayAgo.getTime());

    // Free time is now looked for in those hours, in New York, on the 12-hour clock Outlook now shows.
    const newYork = DateTime.now().setZone('America/New_York').startOf('day');
    const next = (weekday: number) => newYork.plus({ days: ((weekday - newYork.weekday + 7) % 7) + 7 });
    const [friday] = await command(h, chat, `when am I free on ${next(5).toISODate()}`);
    expect(friday).toContain(`No working hours on ${cardDate(next(5), newYork)}: you work Mon–Thu, 7:30 AM–3:30 PM.`);
    const [monday] = await command(h, chat, `when am I free on ${next(1).toISODate()}`);
    expect(monday!.split('\n')).toEqual([`Free time · ${cardDate(next(1), newYork)}`, 'Free within working hours (7:30 AM–3:30 PM, Mon–Thu):', '7:30 AM–3:30 PM  8 h']);
  });

  test('a late sync: the card\'s "Sync now" button syncs, and the next answer has no footnote', async () => {
    // Today in the mailbox's zone (Berlin), whatever the hour in UTC.
    const berlinToday = (hour: number) => DateTime.now().setZone('Europe/Berlin').set({ hour, minute: 0, second: 0, millisecond: 0 }).toISO()!;
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Button', (oid) => void h.graph.addEvent(oid, { subject: 'Button meeting', start: berlinToday(12), end: berlinToday(13) }));
    await waitForJobUnlocked(userKey);
    /** The card answering `text` (by replyToId: change notices may arrive in the same conversation meanwhile). */
    const askCard = async (text: string, extra: object = {}) => {
      const activity = h.message(text, chat, extra) as { id: string };
      expect(await h.post(activity)).toBeLessThan(300);
      const [reply] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.replyToId === activity.id);
      return reply!.activity;
    };
    // Three hours without a successful round (the interval is one hour): the answer says so and offers a sync.
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $set: { lastSuccessAt: new Date(Date.now() - 3 * 3_600_000) } });
    // As the last job run, three hours ago, would have left the chat's copy.
    await copyAnswerContext(h.store.collections, userKey, { onlyIfCopied: true });
    const late = readScheduleCard((await askCard("what's on today")).attachments![0]!.content);
    expect(late.footnote).toMatch(/^As of .* · syncing is running late; newer changes aren't in yet\.$/);
    expect(late.footnoteAction).toEqual({ title: 'Sync now', command: 'sync now' });

    h.graph.addEvent(microsoft.oid, { subject: 'Button new', start: berlinToday(14), end: berlinToday(15) });
    // Pressing it sends the command as the card's data (Action.Submit), with no text.
    expect((await askCard('', { value: { command: late.footnoteAction!.command } })).text).toBe('Synced: 1 new, 0 changed, 0 removed.');
    const fresh = readScheduleCard((await askCard("what's on today")).attachments![0]!.content);
    expect(fresh.footnote).toBeUndefined();
    expect(fresh.groups.flatMap((group) => group.rows.map((row) => row.title))).toEqual(['Button meeting', 'Button new']);
  });

  test('disconnect removes the job, the events and the sync state', async () => {
    const { userKey, chat } = await connectedUser(h, 'Bo Leaving', (oid) => void h.graph.addEvent(oid, { subject: 'X', start: at(1, 9), end: at(1, 10) }));
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(1);
    expect(await h.store.collections.calendarDays.countDocuments({ userKey })).toBe(1);
    await h.say('disconnect outlook', chat);
    expect(await jobsOf(userKey)).toHaveLength(0);
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(0);
    expect(await h.store.collections.calendarDays.countDocuments({ userKey })).toBe(0);
    expect(await h.store.collections.syncStates.countDocuments({ _id: userKey })).toBe(0);
    expect(await command(h, chat, 'sync now')).toEqual(['You are not connected to Outlook. Say "connect outlook" to link your calendar.']);
  });

  test('disconnect while a round\'s last request is in flight: once that round is over nothing of the calendar is left, held notices included', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Gone', (oid) => void h.graph.addEvent(oid, { subject: 'Kept secret', start: at(1, 9), end: at(1, 10) }));
    const oid = microsoft.oid;
    // Quiet hours now: the next round's change notice is held in the outbox.
    const berlin = DateTime.now().setZone('Europe/Berlin');
    await h.say(`quiet hours ${berlin.minus({ hours: 1 }).toFormat('HH:mm')}-${berlin.plus({ hours: 2 }).toFormat('HH:mm')}`, chat);
    h.graph.addEvent(oid, { subject: 'Held news', start: at(2, 9), end: at(2, 10) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    await until(async () => (await h.store.collections.outbox.countDocuments({ userKey, status: 'pending', 'payload.heldForQuietHours': true })) === 1);
    await waitForJobUnlocked(userKey);

    // The next round is one request (no trailing empty page), held at Graph until the disconnect has unlinked the
    // account and is waiting for that round to stop: it lands while the request is in flight.
    h.graph.setTrailingEmptyPage(false);
    h.graph.addEvent(oid, { subject: 'Late news', start: at(3, 9), end: at(3, 10) });
    const hold = h.graph.holdRequests({ oid });
    try {
      const syncing = command(h, chat, 'sync now');
      await hold.held;
      const disconnecting = command(h, chat, 'disconnect outlook');
      // The disconnect removes the account, then the job, then waits for the round (its sync lease).
      await until(async () => (await jobsOf(userKey)).length === 0);
      expect(await h.store.collections.accounts.findOne({ _id: userKey })).toBeNull();
      expect(await h.store.collections.leases.countDocuments({ key: syncLeaseKey(userKey) })).toBe(1);
      hold.release();
      expect((await disconnecting)[0]).toMatch(/^Disconnected from Outlook/);
      // Not "Synced: 1 new": the user stopped it, and what it stored is gone.
      expect(await syncing).toEqual(['The sync stopped: you disconnected Outlook.']);
      await until(async () => h.graph.inFlight(oid) === 0 && (await h.store.collections.leases.countDocuments({ key: syncLeaseKey(userKey) })) === 0);
    } finally {
      h.graph.setTrailingEmptyPage(true);
      hold.release();
    }
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(0);
    expect(await h.store.collections.calendarDays.countDocuments({ userKey })).toBe(0);
    expect(await h.store.collections.syncStates.countDocuments({ _id: userKey })).toBe(0);
    expect(await h.store.collections.outbox.countDocuments({ userKey })).toBe(0);
    expect(await jobsOf(userKey)).toHaveLength(0);
  });

  test('a round whose sync lease is gone (released by a calbot that took this one for dead) stops at its next page: nothing more is read or saved, and the next round syncs it all', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Lease', (oid) => void h.graph.addEvent(oid, { subject: 'Known', start: at(1, 9), end: at(1, 10) }));
    await waitForJobUnlocked(userKey);
    const before = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(before?.deltaLink).toBeTruthy();
    // Five new events: three pages of two, the round's first page held at Graph while its lease goes.
    for (let i = 0; i < 5; i++) h.graph.addEvent(microsoft.oid, { subject: `New ${i}`, start: at(2, 9 + i), end: at(2, 10 + i) });
    const delta = () => h.graph.requests.filter((r) => r.oid === microsoft.oid && r.path.includes('/calendarView/delta')).length;
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta' });
    let deltaBefore = 0;
    try {
      deltaBefore = delta();
      await h.calbot.syncJobs.requestRun(userKey);
      await hold.held;
      expect((await h.store.collections.leases.deleteMany({ key: syncLeaseKey(userKey) })).deletedCount).toBe(1);
      hold.release();
      await until(async () => h.graph.inFlight(microsoft.oid) === 0 && (await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey }))?.lockedAt == null);
    } finally {
      hold.release();
    }
    // The page it stored, and at most the next, asked for as that one was stored: not the third, and no progress saved.
    expect(delta() - deltaBefore).toBeLessThanOrEqual(2);
    const after = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(after).toMatchObject({ deltaLink: before!.deltaLink, roundsCompleted: before!.roundsCompleted });
    expect(after?.lastSuccessAt?.getTime()).toBe(before?.lastSuccessAt?.getTime());
    // The job is due again at once (its round did not end): "sync now" may join that round, which has it all.
    expect((await command(h, chat, 'sync now')).at(-1)).toBe('Synced: 5 new, 0 changed, 0 removed.');
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(6);
  });

  test('another Microsoft account while a round runs: that round stops, nothing about the new mailbox is announced, and its first round follows at once', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Switch', (oid) => void h.graph.addEvent(oid, { subject: 'Old mailbox', start: at(1, 9), end: at(1, 10) }));
    const other = h.addMicrosoftUser('Bo Other');
    for (let i = 0; i < 5; i++) h.graph.addEvent(other.oid, { subject: `New mailbox ${i}`, start: at(1 + i, 11), end: at(1 + i, 12) });
    await waitForJobUnlocked(userKey);
    // The old mailbox's next round reads two pages; the first waits at Graph until the new account is linked, so the
    // switch lands while it is in flight (the second would go out with the new account's token, and meet a 410).
    h.graph.addEvent(microsoft.oid, { subject: 'Old news', start: at(2, 9), end: at(2, 10) });
    const hold = h.graph.holdRequests({ oid: microsoft.oid });
    try {
      const syncing = command(h, chat, 'sync now');
      await hold.held;
      const before = h.connector.messages(chat.conversationId).length;
      const connecting = h.connect(chat, other, { waitForFirstSync: true });
      await until(async () => (await h.store.collections.accounts.findOne({ _id: userKey }))?.username === other.upn);
      hold.release();
      expect((await connecting).status).toBe(200);
      await syncing;
      const lines = h.connector.messages(chat.conversationId).slice(before).map((r) => r.activity.text ?? '');
      expect(lines.filter((text) => /^Synced \d+ events?$/.test(text))).toEqual(['Synced 5 events']);
    } finally {
      hold.release();
    }
    await waitForState(h, userKey, (state) => state.roundsCompleted >= 1 && state.status !== 'running');
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(Array.from({ length: 5 }, (_, i) => `New mailbox ${i}`));
    expect(await h.store.collections.outbox.find({ userKey, kind: { $ne: 'summary' } }).toArray()).toEqual([]);
  });

  test('another Microsoft account: a round between its link and the switch\'s clean-up starts it afresh, with nothing of the old mailbox and no news of either', async () => {
    const { userKey, chat } = await connectedUser(h, 'Bo Gap', (oid) => void h.graph.addEvent(oid, { subject: 'Old mailbox', start: at(1, 9), end: at(1, 10) }));
    const other = h.addMicrosoftUser('Bo Gap Other');
    for (let i = 0; i < 3; i++) h.graph.addEvent(other.oid, { subject: `New mailbox ${i}`, start: at(1 + i, 11), end: at(1 + i, 12) });
    await waitForJobUnlocked(userKey);
    const before = h.connector.messages(chat.conversationId).length;
    // The connect reads /me after linking the new account and before handing the switch to the sync jobs: held there,
    // it leaves the new account linked beside the old mailbox's sync state, events and days, as a connect that died
    // there (or whose hook failed) leaves them for good.
    const hold = h.graph.holdRequests({ oid: other.oid, resource: '/me' });
    const connecting = h.connect(chat, other);
    let reply: string[];
    try {
      await hold.held;
      const linked = await h.store.collections.accounts.findOne({ _id: userKey });
      expect(linked).toMatchObject({ username: other.upn });
      // A round now ("sync now", or the job's own schedule) is the new account's first.
      reply = await command(h, chat, 'sync now');
      expect(await h.store.collections.outbox.find({ userKey, kind: { $ne: 'summary' } }).toArray()).toEqual([]);
      expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['New mailbox 0', 'New mailbox 1', 'New mailbox 2']);
      expect(Object.values(await storedDays(h, userKey)).flat()).not.toContain('Old mailbox');
      expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ homeAccountId: linked!.homeAccountId, roundsCompleted: 1 });
    } finally {
      hold.release();
    }
    expect(reply).toEqual(['Synced: 3 new, 0 changed, 0 removed.']);
    expect((await connecting).status).toBe(200);
    await waitForJobUnlocked(userKey);
    await waitForState(h, userKey, (state) => state.roundsCompleted >= 1 && state.status !== 'running');
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['New mailbox 0', 'New mailbox 1', 'New mailbox 2']);
    expect(await h.store.collections.outbox.find({ userKey, kind: { $ne: 'summary' } }).toArray()).toEqual([]);
    expect(h.connector.messages(chat.conversationId).slice(before).filter((r) => /(Old|New) mailbox/.test(JSON.stringify(r.activity)))).toEqual([]);
  });

  test('another Microsoft account while the old one\'s round outlives the switch\'s wait: the new account\'s first round follows that round at once, not an interval later', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Bo Stuck', (oid) => void h.graph.addEvent(oid, { subject: 'Old mailbox', start: at(1, 9), end: at(1, 10) }));
    const other = h.addMicrosoftUser('Bo Stuck Other');
    for (let i = 0; i < 2; i++) h.graph.addEvent(other.oid, { subject: `New mailbox ${i}`, start: at(1 + i, 11), end: at(1 + i, 12) });
    await waitForJobUnlocked(userKey);
    // The old mailbox's next round waits on Graph (as in a Retry-After wait) for longer than the switch waits for it.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta' });
    try {
      await h.calbot.syncJobs.requestRun(userKey);
      await hold.held;
      expect((await h.connect(chat, other)).status).toBe(200);
      // The switch's own request for a round found the job still locked by that round.
      expect((await h.calbot.syncJobs.jobInfo(userKey))!.lockedAt).not.toBeNull();
    } finally {
      hold.release();
    }
    await waitForState(h, userKey, (state) => state.roundsCompleted >= 1 && state.status !== 'running');
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['New mailbox 0', 'New mailbox 1']);
  });
});

/**
 * "today at 23:59", or "yesterday at 23:59" once midnight has passed in Berlin (the test users' zone): as "sync status"
 * writes `at` when it answers at `now`. It answers a moment after a round: the day may have turned between the two.
 */
function berlinWhen(at: Date, now: Date): string {
  const local = DateTime.fromJSDate(at, { zone: 'Europe/Berlin' });
  return `${local.hasSame(DateTime.fromJSDate(now, { zone: 'Europe/Berlin' }), 'day') ? 'today' : 'yesterday'} at ${local.toFormat('HH:mm')}`;
}

/** The paragraph of a "sync status" reply that starts with `start`. */
function paragraph(reply: string, start: string): string | undefined {
  return reply.split('\n\n').find((line) => line.startsWith(start));
}

/** Polls `done` until it holds; fails after `timeoutMs`. */
async function until(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

describe('tokens during sync', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    // Below MSAL's 5-minute margin: every Graph request refreshes its token.
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'sync_tokens', { accessTokenLifetimeSeconds: 60 });
  });
  afterAll(async () => {
    await h.close();
  });

  test('tokens expiring mid-round are refreshed page by page; the round completes', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Cy Expiring');
    for (let i = 0; i < 5; i++) h.graph.addEvent(microsoft.oid, { subject: `E${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
    h.graph.resetCounters();
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 5 new, 0 changed, 0 removed.']);
    const pages = h.graph.requests.filter((r) => r.oid === microsoft.oid);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((r) => r.status === 200)).toBe(true);
    expect(new Set(pages.map((r) => r.authorization)).size).toBe(pages.length);
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(5);
  });

  test('a revoked grant: needs-reconnect, job disabled, ONE reconnect card in the chat', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Cy Revoked');
    h.identity.revokeRefreshTokens(microsoft.oid);
    const before = h.connector.messages(chat.conversationId).length;
    expect(await command(h, chat, 'sync now')).toEqual(['The sync didn\'t work: Your Outlook connection has expired or was revoked. Say "reconnect" to sign in again.']);
    const cards = (await h.connector.waitFor(before + 2, (r) => r.conversationId === chat.conversationId)).slice(before).filter((r) => r.activity.attachments?.length);
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expect(card!.activity.attachments![0]!.content.body.map((b: { text?: string }) => b.text).join(' ')).toContain('Reconnect your Outlook calendar');
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ status: 'needs-reconnect', lastError: { kind: 'reconnect-needed' } });
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(true);

    expect(await command(h, chat, 'sync now')).toEqual([`Your Outlook connection (${microsoft.upn}) has expired or was revoked. Say "reconnect" to sign in again.`]);
    expect(h.connector.messages(chat.conversationId).filter((r) => r.activity.attachments?.length && r.receivedAt.getTime() >= card!.receivedAt.getTime())).toHaveLength(1);

    // Reconnecting enables the job again and syncs at once.
    const reconnected = await h.connect(chat, microsoft);
    expect(reconnected.status).toBe(200);
    await waitForState(h, userKey, (state) => state.status === 'idle' && state.lastSuccessAt !== undefined && state.lastSuccessAt > state.lastError!.at);
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(false);
  });

  test('a token Graph refuses (401) is refreshed once and the round goes on; still refused, reconnect needed with one card', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Cy Refused');
    h.graph.addEvent(microsoft.oid, { subject: 'Still there', start: at(1, 9), end: at(1, 10) });
    // A session revoked at Microsoft while the cached access token has not expired: one 401, then a fresh token works.
    h.graph.resetCounters();
    h.graph.failNext({ status: 401, oid: microsoft.oid, code: 'InvalidAuthenticationToken' });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    const requests = h.graph.requests.filter((r) => r.oid === microsoft.oid);
    const refused = requests.findIndex((r) => r.status === 401);
    expect(refused).toBeGreaterThanOrEqual(0);
    // The same request again, at once, with another (refreshed) token.
    expect(requests[refused + 1]).toMatchObject({ path: requests[refused]!.path, status: 200 });
    expect(requests[refused + 1]!.authorization).not.toBe(requests[refused]!.authorization);
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });

    // Graph refusing the refreshed token too (consent withdrawn): only a new sign-in helps, and the user is told once.
    h.graph.failNext({ status: 401, oid: microsoft.oid, code: 'InvalidAuthenticationToken' }, 2);
    const before = h.connector.messages(chat.conversationId).length;
    await command(h, chat, 'sync now');
    const cards = (await h.connector.waitFor(before + 2, (r) => r.conversationId === chat.conversationId)).slice(before).filter((r) => r.activity.attachments?.length);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.activity.attachments![0]!.content.body.map((b: { text?: string }) => b.text).join(' ')).toContain('Reconnect your Outlook calendar');
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'needs-reconnect' });
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(true);
  });

  test('an account marked needs-reconnect by someone else: the job that stops for it sends the reconnect card', async () => {
    const { userKey, chat } = await connectedUser(h, 'Cy Marked');
    // As a token refresh elsewhere (another process, which died before telling the user) leaves it.
    await h.store.collections.accounts.updateOne({ _id: userKey }, { $set: { status: 'needs-reconnect' } });
    const before = h.connector.messages(chat.conversationId).length;
    await h.calbot.syncJobs.requestRun(userKey);
    const [card] = (await h.connector.waitFor(before + 1, (r) => r.conversationId === chat.conversationId)).slice(before);
    expect(card!.activity.attachments![0]!.content.body.map((b: { text?: string }) => b.text).join(' ')).toContain('Reconnect your Outlook calendar');
    expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(true);
  });
});

describe('two calbot processes on one database', () => {
  let h: CloudHarness;
  let b: Calbot;
  let c: Calbot | undefined;
  const started = { a: 0, b: 0 };
  beforeAll(async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'sync_two');
    h.calbot.scheduler.on(`start:${SYNC_JOB}`, () => void started.a++);
  });
  afterAll(async () => {
    await c?.stop();
    await b?.stop();
    await h.close();
  });

  test('never the same user at once; a crashed process\'s lock expires; start-up recreates missing jobs', async () => {
    const users = [];
    for (let i = 0; i < 3; i++) {
      const user = await connectedUser(h, `Di Twin${i}`, (oid) => {
        for (let j = 0; j < 4; j++) h.graph.addEvent(oid, { subject: `E${j}`, start: at(1 + j, 9), end: at(1 + j, 10) });
      });
      users.push(user);
    }
    // One job went missing (say, an old version never made it): start-up puts it back.
    await h.store.db.collection(COLLECTIONS.agendaJobs).deleteMany({ name: SYNC_JOB, 'data.userKey': users[2]!.userKey });
    b = await startCalbot({ ...h.calbot.config, port: 0 }, createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent'), {
      store: h.store,
      host: '127.0.0.1',
      scheduler: { name: 'calbot-b', processEveryMs: 100, lockLifetimeMs: 1500 },
    });
    b.scheduler.on(`start:${SYNC_JOB}`, () => void started.b++);
    expect(await h.calbot.syncJobs.jobInfo(users[2]!.userKey)).toBeDefined();

    h.graph.resetCounters();
    h.graph.slowRequests({ delayMs: 60 });
    try {
      for (let round = 0; round < 4; round++) {
        const since = await Promise.all(users.map((u) => h.store.collections.syncStates.findOne({ _id: u.userKey })));
        await Promise.all(users.flatMap((u) => [h.calbot.syncJobs.requestRun(u.userKey), b.syncJobs.requestRun(u.userKey)]));
        const ended = await Promise.all(users.map((u, i) => b.syncJobs.waitForRound(u.userKey, since[i]!, { timeoutMs: 15_000, includeRunning: true })));
        // Every user's round ran to its end (waitForRound gives up after its timeout with nothing): the next round's
        // requests are not piled onto one still running, and the in-flight count below is of rounds that happened.
        expect(ended.map((state) => state?.status)).toEqual(users.map(() => 'idle'));
      }
    } finally {
      h.graph.clearSlowRequests();
    }
    for (const user of users) expect(h.graph.maxInFlight(user.microsoft.oid)).toBe(1);
    expect(started.a).toBeGreaterThan(0);
    expect(started.b).toBeGreaterThan(0);

    // Process A dies in the middle of user 0's round: its Agenda lock and its sync lease stay behind. After the
    // lock lifetime (B: 1.5 s) B takes the job over, and the lease (same lifetime) lets it through.
    const victim = users[0]!.userKey;
    await h.calbot.scheduler.stop();
    await waitForQuiet(h, victim);
    const before = await h.store.collections.syncStates.findOne({ _id: victim });
    const startedB = started.b;
    const diedAt = new Date();
    await h.store.db.collection(COLLECTIONS.agendaJobs).updateOne({ name: SYNC_JOB, 'data.userKey': victim }, { $set: { lockedAt: diedAt, nextRunAt: diedAt } });
    await h.store.collections.leases.insertOne({ _id: 'dead-holding', key: syncLeaseKey(victim), owner: 'calbot-a', acquiredAt: diedAt, expiresAt: new Date(diedAt.getTime() + 1500) });
    const after = await waitForState(h, victim, (state) => state.status !== 'running' && state.lastRunAt!.getTime() > before!.lastRunAt!.getTime());
    expect(after.lastRunAt!.getTime()).toBeGreaterThanOrEqual(diedAt.getTime() + 1500);
    expect(after.status).toBe('idle');
    expect(started.b).toBeGreaterThan(startedB);
  });

  test('a refusal only an admin can clear is told once whichever calbot meets it: another calbot meeting it again finds it told in the sync state; the one that syncs again says "again"', async () => {
    // A's scheduler stopped above: B runs this user's rounds, then C, a calbot that has seen nothing of them.
    const { userKey, chat, microsoft } = await connectedUser(h, 'Di Refused');
    const roundIn = async (calbot: Calbot, refused = true) => {
      // The cached access token is good for an hour: a 401 makes the round ask Microsoft for another.
      if (refused) h.graph.failNext({ status: 401, oid: microsoft.oid, code: 'InvalidAuthenticationToken' });
      const since = await h.store.collections.syncStates.findOne({ _id: userKey });
      await calbot.syncJobs.requestRun(userKey);
      const ended = await calbot.syncJobs.waitForRound(userKey, since, { timeoutMs: 15_000, includeRunning: true });
      expect(ended?.lastRunAt?.getTime()).toBeGreaterThan(since!.lastRunAt!.getTime());
      expect(ended?.status).toBe(refused ? 'error' : 'idle');
      await waitForQuiet(h, userKey);
    };
    const again = 'calbot can read your calendar again; syncing is back to normal.';
    const told = () =>
      h.connector
        .messages(chat.conversationId)
        .map((r) => r.activity.text ?? '')
        .filter((text) => text.startsWith('Microsoft does not let calbot read your calendar: the account is disabled.') || text === again);
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.userDisabled);
    await roundIn(b);
    expect(told()).toHaveLength(1);
    await b.scheduler.stop();
    c = await startCalbot({ ...h.calbot.config, port: 0 }, createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent'), {
      store: h.store,
      host: '127.0.0.1',
      scheduler: { name: 'calbot-c', processEveryMs: 100, lockLifetimeMs: 1500 },
    });
    await roundIn(c);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ lastError: { kind: 'admin-action-needed' }, adminRefusal: { key: 'AADSTS50057', told: true } });
    expect(told()).toHaveLength(1);
    h.identity.refuseTokens(microsoft.oid, undefined);
    await roundIn(c, false);
    expect(told()).toEqual([told()[0], again]);
  });
});

/**
 * Waits until no round of the user's runs or is about to: no sync lease, the job unlocked, its next run not due.
 * The sync state says "idle" before the round's lease is released (mailbox settings come after it), and a
 * process that found the lease taken retries about one lease lifetime later.
 */
async function waitForQuiet(h: CloudHarness, userKey: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    const lease = await h.store.collections.leases.findOne({ key: syncLeaseKey(userKey) });
    const job = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
    if (state?.status !== 'running' && !lease && job && !job.lockedAt && job.nextRunAt.getTime() > Date.now() + 5_000) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${userKey}: a round kept running or coming`);
}
