import type { Document } from 'mongodb';
import { startCalbot, type Calbot } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { SEND_NOTICES_JOB } from '../../src/notices/notice-service.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { SYNC_JOB, syncLeaseKey } from '../../src/sync/sync-jobs.js';
import { startCloudHarness, teamsUser, type CloudHarness } from '../support/microsoft-cloud.js';
import type { TeamsUser } from '../support/calbot-harness.js';
import { at, connectedUser, expectDaysMatchEvents, storedEvents, SYNC_ENV, waitForState } from './sync-support.js';

/**
 * Stopping calbot (SIGTERM) while a sync round runs, then starting another calbot on the same database: the
 * round's lease and Agenda lock must not outlive the process that held them, or the user gets no sync for the
 * lock lifetime (10 minutes) after a restart. And stopping is over within SHUTDOWN_GRACE_MS whatever is under way,
 * or a container platform kills calbot first (Docker: 10 s after SIGTERM). Real Agenda, driver, Graph client and
 * server; the fake Graph holds the request the round waits on, so "mid-way" needs no clock.
 */
describe('stopping calbot during a sync round', () => {
  let h: CloudHarness | undefined;
  let successor: Calbot | undefined;
  afterEach(async () => {
    await successor?.stop();
    successor = undefined;
    await h?.close();
    h = undefined;
  });

  const jobOf = (cloud: CloudHarness, userKey: string) => cloud.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });

  /** Neither the user's sync lease nor the job's lock is left behind, and the job is due at once. */
  async function expectHandedOver(cloud: CloudHarness, userKey: string): Promise<void> {
    expect(await cloud.store.collections.leases.findOne({ key: syncLeaseKey(userKey) })).toBeNull();
    const job = await jobOf(cloud, userKey);
    expect(job?.lockedAt ?? null).toBeNull();
    expect(job!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
  }

  /** Another calbot on the same database, as a restart (or another replica) starts it. */
  const startSuccessor = (cloud: CloudHarness) =>
    startCalbot({ ...cloud.calbot.config, port: 0 }, createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent'), { store: cloud.store, host: '127.0.0.1', scheduler: { name: 'successor' } });

  /** "sync now" to `calbot`; its in-turn replies up to the round's summary (a round already under way says so first). */
  async function syncNow(cloud: CloudHarness, calbot: Calbot, chat: TeamsUser): Promise<string[]> {
    const activity = cloud.message('sync now', chat) as { id: string };
    const response = await fetch(`http://127.0.0.1:${calbot.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(response.status).toBeLessThan(300);
    const isReply = (r: { replyToId?: string }) => r.replyToId === activity.id;
    await cloud.connector.waitFor(1, (r) => isReply(r) && /^(Synced:|The sync)/.test(r.activity.text ?? ''), 20_000);
    return cloud.connector.received.filter(isReply).map((r) => r.activity.text ?? '');
  }

  test('mid first sync: the round stops at a page boundary, hands its lease and lock back, and the next calbot resumes it at once', async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'sync_stop');
    const chat = teamsUser('Sam Stop');
    const microsoft = h.addMicrosoftUser('Sam Stop');
    const ids = Array.from({ length: 30 }, (_, i) => h!.graph.addEvent(microsoft.oid, { subject: `E${i}`, start: at(1 + (i % 20), 8 + Math.floor(i / 20)), end: at(1 + (i % 20), 8 + Math.floor(i / 20), 30) }));
    const userKey = `msteams:${chat.id}`;
    // Six pages (12 events) go through, the seventh is held: the first round waits for it when calbot is stopped.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta', after: 6 });
    const { status } = await h.connect(chat, microsoft);
    expect(status).toBe(200);
    await hold.held;
    // A "sync now" waiting for that round in the calbot being stopped hears why it ends without a summary.
    const asked = h.message('sync now', chat) as { id: string };
    const posting = h.post(asked);
    await h.connector.waitFor(1, (r) => r.replyToId === asked.id);

    await h.calbot.stop();
    expect(await posting).toBeLessThan(300);
    expect(h.connector.received.filter((r) => r.replyToId === asked.id).map((r) => r.activity.text)).toEqual([
      "A sync is already running; I'll tell you when it finishes.",
      'The sync was interrupted: calbot is shutting down. It picks up where it left off when calbot is back.',
    ]);
    await expectHandedOver(h, userKey);
    // The round stopped between pages with what it had read stored and its progress saved: not "running" any more.
    const stopped = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(stopped).toMatchObject({ status: 'idle', roundsCompleted: 0 });
    expect(stopped!.nextLink).toContain('$skiptoken=');
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(12);
    hold.release(); // the stopped calbot's request is answered; nobody waits for it any more

    h.graph.resetCounters();
    successor = await startSuccessor(h);
    const replies = await syncNow(h, successor, chat);
    // The job was due, so the successor may already be resuming the round when "sync now" comes: either way it
    // reports that round, and never waits out a lock.
    expect(replies.at(-1)).toMatch(/^Synced: \d+ new, 0 changed, 0 removed\.$/);
    expect(replies.slice(0, -1).every((text) => text === "A sync is already running; I'll tell you when it finishes.")).toBe(true);

    const state = await waitForState(h, userKey, (s) => s.roundsCompleted >= 1 && s.status === 'idle');
    expect(state.nextLink).toBeUndefined();
    // Resumed where it stopped (a skip token), not started over from the window.
    const deltaRequests = h.graph.requests.filter((r) => r.oid === microsoft.oid && /\/calendarView\/delta$/i.test(r.path));
    expect(deltaRequests[0]!.query.$skiptoken).toBeDefined();
    expect(deltaRequests.some((r) => r.query.startDateTime !== undefined)).toBe(false);
    // Every event exactly once, the days filed from them, and one first-sync summary.
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => e.eventId).sort()).toEqual([...ids].sort());
    await expectDaysMatchEvents(h, userKey);
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /^Synced \d+ events?$/.test(r.activity.text ?? ''));
    expect(h.connector.messages(chat.conversationId).filter((r) => /^Synced \d+ events?$/.test(r.activity.text ?? '')).map((r) => r.activity.text)).toEqual(['Synced 30 events']);
  }, 60_000);

  test('a job this process had locked and queued behind a running round is unlocked too', async () => {
    // One round at a time per process (GRAPH_MAX_REQUESTS_IN_FLIGHT=1): a second due job waits, locked, in Agenda's queue.
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2', GRAPH_MAX_REQUESTS_IN_FLIGHT: '1' }, 'sync_queued');
    const waiting = await connectedUser(h, 'Wy Waiting', (oid) => void h!.graph.addEvent(oid, { subject: 'W', start: at(1, 9), end: at(1, 10) }));
    await waitForJobUnlocked(h, waiting.userKey);
    const chat = teamsUser('Ru Running');
    const microsoft = h.addMicrosoftUser('Ru Running');
    for (let i = 0; i < 6; i++) h.graph.addEvent(microsoft.oid, { subject: `R${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta', after: 1 });
    expect((await h.connect(chat, microsoft)).status).toBe(200);
    await hold.held;
    await h.calbot.syncJobs.requestRun(waiting.userKey);
    await waitForJob(h, waiting.userKey, (job) => Boolean(job.lockedAt));

    await h.calbot.stop();
    await expectHandedOver(h, `msteams:${chat.id}`);
    await expectHandedOver(h, waiting.userKey);
    hold.release();
    successor = await startSuccessor(h);
    expect((await syncNow(h, successor, waiting.chat)).at(-1)).toBe('Synced: 0 new, 0 changed, 0 removed.');
  }, 60_000);

  test('a job that does not end in time is cut off: its lease and lock are released at once, and its late writes never land', async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'sync_cutoff');
    const { userKey, chat, microsoft } = await settingsDueAfterRound(h, 'Cy Cutoff');
    // Graph does not answer the mailbox settings: the job is stuck after its round, in a Graph call no page
    // boundary interrupts.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/mailboxSettings' });
    h.graph.addEvent(microsoft.oid, { subject: 'New', start: at(6, 9), end: at(6, 10) });
    await h.calbot.syncJobs.requestRun(userKey);
    await hold.held;

    await h.calbot.stop({ graceMs: 2_000 });
    await expectHandedOver(h, userKey);

    // The successor has no settings to read (as if it had read them itself): a write of the stuck job would show.
    const readAt = new Date(Date.now() - 60_000);
    await h.store.collections.accounts.updateOne({ _id: userKey }, { $set: { mailboxSettingsReadAt: readAt } });
    // Graph answers the cut-off job at last: it finishes, nothing it would still write reaches the database, and its
    // job stays due at once (Agenda saves the job as the run ends: it must not move it a whole interval on).
    const ended = new Promise((done) => h!.calbot.scheduler.once(`complete:${SYNC_JOB}`, done));
    hold.release();
    await ended;
    expect((await h.store.collections.accounts.findOne({ _id: userKey }))!.mailboxSettingsReadAt).toEqual(readAt);
    await expectHandedOver(h, userKey);

    successor = await startSuccessor(h);
    expect((await syncNow(h, successor, chat)).at(-1)).toMatch(/^Synced: \d+ new, 0 changed, 0 removed\.$/);
    h.graph.addEvent(microsoft.oid, { subject: 'Later', start: at(7, 9), end: at(7, 10) });
    expect((await syncNow(h, successor, chat)).at(-1)).toBe('Synced: 1 new, 0 changed, 0 removed.');
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['E0', 'E1', 'E2', 'E3', 'New', 'Later']);
    await expectDaysMatchEvents(h, userKey);
  }, 60_000);

  test('a job waiting out a long Retry-After of Graph stops waiting: stop() is over within its budget, and the next calbot carries on', async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'sync_retry_after');
    const { userKey, chat, microsoft, dayAgo } = await settingsDueAfterRound(h, 'Ry Retry');
    // Graph asks the job's mailbox-settings read to come back in 25 s: a wait the Graph client makes in-process (up
    // to 30 s), no page boundary interrupts, and longer than any stop grace.
    h.graph.failNext({ status: 503, retryAfterSeconds: 25, oid: microsoft.oid, resource: '/me/mailboxSettings' });
    h.graph.addEvent(microsoft.oid, { subject: 'New', start: at(6, 9), end: at(6, 10) });
    h.graph.resetCounters();
    await h.calbot.syncJobs.requestRun(userKey);
    const settingsRead = () => h!.graph.requests.filter((r) => r.oid === microsoft.oid && /\/me\/mailboxSettings$/i.test(r.path));
    await waitUntil(() => settingsRead().some((r) => r.status === 503));

    const started = Date.now();
    await h.calbot.stop();
    // SHUTDOWN_GRACE_MS (8 s by default) is the whole of it; the scheduler used to wait 15 s for the job.
    expect(Date.now() - started).toBeLessThan(h.calbot.config.shutdownGraceMs);
    // The job stopped waiting and ended by itself: no retry, the stored settings kept, the round's event stored.
    expect(settingsRead().map((r) => r.status)).toEqual([503]);
    expect((await h.store.collections.accounts.findOne({ _id: userKey }))!.mailboxSettingsReadAt).toEqual(dayAgo);
    expect(await h.store.collections.leases.findOne({ key: syncLeaseKey(userKey) })).toBeNull();
    // Not cut off at the end of the budget's wait (which makes the job due at once): its next run is the interval's.
    const job = await jobOf(h, userKey);
    expect(job?.lockedAt ?? null).toBeNull();
    expect(job!.nextRunAt.getTime()).toBeGreaterThan(Date.now());

    h.graph.addEvent(microsoft.oid, { subject: 'Later', start: at(7, 9), end: at(7, 10) });
    successor = await startSuccessor(h);
    expect((await syncNow(h, successor, chat)).at(-1)).toBe('Synced: 1 new, 0 changed, 0 removed.');
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['E0', 'E1', 'E2', 'E3', 'New', 'Later']);
    await expectDaysMatchEvents(h, userKey);
    // And the settings are read after the successor's round.
    await waitForJobUnlocked(h, userKey);
    expect((await h.store.collections.accounts.findOne({ _id: userKey }))!.mailboxSettingsReadAt!.getTime()).toBeGreaterThan(dayAgo.getTime());
  }, 60_000);

  test('a sign-in finishing as calbot stops does not wait out Graph\'s Retry-After: the page says connected, and the next calbot syncs the account', async () => {
    h = await startCloudHarness(SYNC_ENV, 'sync_stop_signin');
    const chat = teamsUser('Si Signin');
    const microsoft = h.addMicrosoftUser('Si Signin');
    const ids = [h.graph.addEvent(microsoft.oid, { subject: 'One', start: at(1, 9), end: at(1, 10) }), h.graph.addEvent(microsoft.oid, { subject: 'Two', start: at(2, 9), end: at(2, 10) })];
    const userKey = `msteams:${chat.id}`;
    // The redirect reads /me, and Graph asks it to come back in 25 s.
    h.graph.failNext({ status: 503, retryAfterSeconds: 25, oid: microsoft.oid, resource: '/me' });
    const connecting = h.connect(chat, microsoft);
    await waitUntil(() => h!.graph.requests.some((r) => r.oid === microsoft.oid && /\/me$/i.test(r.path) && r.status === 503));

    const started = Date.now();
    await h.calbot.stop();
    expect(Date.now() - started).toBeLessThan(h.calbot.config.shutdownGraceMs);
    // Before, the server's grace (10 s) ran out first and the browser's connection was cut mid-sign-in.
    const { status, page } = await connecting;
    expect(status).toBe(200);
    expect(page).toContain('Connected as');
    const job = await jobOf(h, userKey);
    expect(job?.lockedAt ?? null).toBeNull();
    expect(job!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());

    successor = await startSuccessor(h);
    await waitForState(h, userKey, (state) => state.roundsCompleted >= 1 && state.status === 'idle');
    expect((await storedEvents(h, userKey)).map((e) => e.eventId).sort()).toEqual([...ids].sort());
    await expectDaysMatchEvents(h, userKey);
  }, 60_000);

  test('a notice send waiting out the connector\'s Retry-After: stop() is over within its budget, the notice stays in the outbox, and the send-notices job is free for other processes', async () => {
    h = await startCloudHarness(SYNC_ENV, 'sync_stop_notice');
    const { userKey } = await connectedUser(h, 'Ny Notice', (oid) => void h!.graph.addEvent(oid, { subject: 'Standup', start: at(1, 9), end: at(1, 10) }));
    const [event] = await storedEvents(h, userKey);
    // The connector asks for 4 s before each try, and botbuilder waits it out in-line, three times.
    h.connector.failNext(429, 10, { 'Retry-After': '4' });
    // Queued as a round's page queues it, and left to the send-notices job (every 5 s), whose pass then waits.
    await h.calbot.notices.queueChanges(userKey, [{ kind: 'added', eventId: event!.eventId, subject: event!.subject, after: event!, fields: [] }]);
    const queued = () => h!.store.collections.outbox.findOne({ userKey, kind: 'added' });
    await waitUntil(async () => (await queued())?.status === 'sending');

    const started = Date.now();
    await h.calbot.stop({ graceMs: 3_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    // Nothing lost: refused and waiting to retry, the send is known not to have arrived, so the notice is back in the
    // outbox for the next sender, not left to a claim that lapses in two minutes (test/notices/notices-shutdown-e2e);
    // and the job's lock went with the process, though its run goes on: each notice is claimed on its own.
    const notice = await queued();
    expect(notice).toMatchObject({ status: 'pending', attempts: 0 });
    expect(notice!.claimedUntil).toBeUndefined();
    const noticeJob = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SEND_NOTICES_JOB });
    expect(noticeJob?.lockedAt ?? null).toBeNull();
  }, 60_000);
});

/** Polls until `done` (a state the test waits for, not a time). */
async function waitUntil(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await done()) return;
    await new Promise((wait) => setTimeout(wait, 50));
  }
  throw new Error('never got there');
}

/** Polls the user's job document until `done`. */
async function waitForJob(h: CloudHarness, userKey: string, done: (job: Document) => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const job = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
    if (job && done(job)) return;
    await new Promise((wait) => setTimeout(wait, 50));
  }
  throw new Error(`${userKey}: the job never got there`);
}

/** Until Agenda has saved the user's job unlocked after its round (the mailbox settings come after the round). */
const waitForJobUnlocked = (h: CloudHarness, userKey: string) => waitForJob(h, userKey, (job) => !job.lockedAt);

/**
 * A connected user with four events, their first round done, and their mailbox settings due (last read `dayAgo`):
 * the job's next run reads them from Graph after its round.
 */
async function settingsDueAfterRound(h: CloudHarness, name: string): Promise<Awaited<ReturnType<typeof connectedUser>> & { dayAgo: Date }> {
  const user = await connectedUser(h, name, (oid) => {
    for (let i = 0; i < 4; i++) h.graph.addEvent(oid, { subject: `E${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
  });
  await waitForJobUnlocked(h, user.userKey);
  const dayAgo = new Date(Date.now() - 25 * 60 * 60_000);
  await h.store.collections.accounts.updateOne({ _id: user.userKey }, { $set: { mailboxSettingsReadAt: dayAgo } });
  return { ...user, dayAgo };
}
