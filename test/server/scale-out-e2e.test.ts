import { setTimeout as sleep } from 'node:timers/promises';
import { startCalbot, type Calbot } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { SEND_NOTICES_JOB, startNoticeJob } from '../../src/notices/notice-service.js';
import { SWEEP_EXPIRED_JOB } from '../../src/scheduler.js';
import { ObjectId } from 'mongodb';
import { COLLECTIONS, ensureIndexes } from '../../src/store/collections.js';
import type { Store } from '../../src/store/database.js';
import { SYNC_JOB, syncLeaseKey } from '../../src/sync/sync-jobs.js';
import { openAuthorizeUrl } from '../fakes/identity/fake-identity.js';
import { teamsUser, type TeamsUser } from '../support/calbot-harness.js';
import { eventDoc, roundOf } from '../notices/notice-harness.js';
import { openTestDatabase } from '../support/database.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { at, connectedUser, SYNC_ENV, waitForState, type ConnectedUser } from '../sync/sync-support.js';

/**
 * Two calbots on one database (MONGODB_URI), as behind a load balancer: calbot A (the harness's) and calbot B, both
 * real (restify, botbuilder, MSAL, the Graph client, Agenda), with one fake Graph, identity platform and Bot
 * Connector. Either may get any chat message, sign-in redirect or job; each user is synced by one of them at a time
 * and told each change once.
 */
describe('two calbots on one database', () => {
  let h: CloudHarness;
  let a: Calbot;
  let b: Calbot;
  const logger = createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent');
  const deltaPath = '/me/calendarView/delta';

  /** Another calbot on `store` with A's configuration (PUBLIC_URL too: one address in front of both). */
  const startAnother = (store: Store, name: string) =>
    startCalbot({ ...h.calbot.config, port: 0 }, logger, { store, host: '127.0.0.1', scheduler: { name, processEveryMs: 200 } });

  beforeAll(async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '2' }, 'scale_out');
    a = h.calbot;
    b = await startAnother(h.store, 'calbot-b');
  }, 30_000);
  afterAll(async () => {
    await b?.stop();
    await h?.close();
  });

  /** Says `text` to `calbot` as `chat`; resolves with its in-turn replies once `replies` have come. */
  async function sayTo(calbot: Calbot, chat: TeamsUser, text: string, replies = 1, timeoutMs?: number): Promise<string[]> {
    const activity = h.message(text, chat) as { id: string };
    const response = await fetch(`http://127.0.0.1:${calbot.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(response.status).toBeLessThan(300);
    const isReply = (r: { replyToId?: string }) => r.replyToId === activity.id;
    await h.connector.waitFor(replies, isReply, timeoutMs);
    return h.connector.received.filter(isReply).map((r) => r.activity.text ?? '');
  }

  /** The calbot holding the user's sync lease (its round runs there), once one does. */
  async function roundHolder(userKey: string): Promise<{ holder: Calbot; other: Calbot }> {
    for (let i = 0; i < 200; i++) {
      const lease = await h.store.collections.leases.findOne({ key: syncLeaseKey(userKey) });
      if (lease?.owner === a.scheduler.attrs.name) return { holder: a, other: b };
      if (lease?.owner === b.scheduler.attrs.name) return { holder: b, other: a };
      await sleep(50);
    }
    throw new Error(`nobody holds ${userKey}'s round`);
  }

  const jobsNamed = (store: Store, name: string) => store.db.collection(COLLECTIONS.agendaJobs).find({ name }).toArray();
  /** Every change notice the user got, by text: each must come once. */
  const noticesOf = (chat: TeamsUser) =>
    h.connector
      .messages(chat.conversationId)
      .map((r) => r.activity.text ?? '')
      .filter((text) => /^(New|Moved|Changed|Cancelled|Removed): /.test(text));
  const deltaRounds = (oid: string) => h.graph.requests.filter((r) => r.oid === oid && r.path.endsWith(deltaPath) && r.query.$skiptoken === undefined);

  test('two calbots starting at once on a new database make one sweep job and one send-notices job', async () => {
    const fresh = await openTestDatabase('scale_fresh');
    const started: Calbot[] = [];
    try {
      started.push(...(await Promise.all([startAnother(fresh, 'fresh-1'), startAnother(fresh, 'fresh-2')])));
      expect((await jobsNamed(fresh, SWEEP_EXPIRED_JOB)).length).toBe(1);
      expect((await jobsNamed(fresh, SEND_NOTICES_JOB)).length).toBe(1);
      // Start-ups rarely meet to the millisecond: the calls each makes for those jobs, made at once, a few times over.
      for (let i = 0; i < 5; i++) {
        await fresh.db.collection(COLLECTIONS.agendaJobs).deleteMany({ name: { $in: [SWEEP_EXPIRED_JOB, SEND_NOTICES_JOB] } });
        await Promise.all(started.flatMap((calbot) => [calbot.scheduler.every('10 minutes', SWEEP_EXPIRED_JOB), startNoticeJob(calbot.scheduler)]));
        expect((await jobsNamed(fresh, SWEEP_EXPIRED_JOB)).length).toBe(1);
        expect((await jobsNamed(fresh, SEND_NOTICES_JOB)).length).toBe(1);
      }
    } finally {
      for (const calbot of started) await calbot.stop();
      await fresh.close();
    }
  });

  test('start-up on both (ensureAllJobs at once) gives each connected user one sync job', async () => {
    const users: ConnectedUser[] = [];
    for (let i = 0; i < 4; i++) users.push(await connectedUser(h, `Jo Job${i}`, (oid) => void h.graph.addEvent(oid, { subject: `J${i}`, start: at(1, 9), end: at(1, 10) })));
    // Their jobs lost (say, an old version never made them): both instances restart and put them back.
    await h.store.db.collection(COLLECTIONS.agendaJobs).deleteMany({ name: SYNC_JOB, 'data.userKey': { $in: users.map((u) => u.userKey) } });
    await Promise.all([a.syncJobs.ensureAllJobs(), b.syncJobs.ensureAllJobs()]);
    const jobs = h.store.db.collection(COLLECTIONS.agendaJobs);
    for (const user of users) expect(await jobs.countDocuments({ name: SYNC_JOB, 'data.userKey': user.userKey })).toBe(1);

    // A database two calbots raced on before: a user's job twice. The next start-up keeps the first and can index it.
    await jobs.dropIndex('one_job_per_user');
    const first = (await jobs.findOne({ name: SYNC_JOB, 'data.userKey': users[0]!.userKey }))!;
    const { _id: _first, ...copy } = first;
    await jobs.insertOne({ ...copy, _id: ObjectId.createFromTime(Math.floor(first._id.getTimestamp().getTime() / 1000) + 1) });
    expect(await jobs.countDocuments({ name: SYNC_JOB, 'data.userKey': users[0]!.userKey })).toBe(2);
    await ensureIndexes(h.store.db);
    expect(await jobs.find({ name: SYNC_JOB, 'data.userKey': users[0]!.userKey }).map((job) => String(job._id)).toArray()).toEqual([String(first._id)]);
    expect((await jobs.indexes()).map((index) => index.name)).toContain('one_job_per_user');
    await ensureIndexes(h.store.db); // and the start-up after that one finds it as it left it
  });

  test('the sweep, due, runs once between them', async () => {
    const runs: string[] = [];
    const count = (name: string) => () => void runs.push(name);
    a.scheduler.on(`start:${SWEEP_EXPIRED_JOB}`, count('a'));
    b.scheduler.on(`start:${SWEEP_EXPIRED_JOB}`, count('b'));
    const jobs = h.store.db.collection(COLLECTIONS.agendaJobs);
    const dueAt = new Date();
    await jobs.updateOne({ name: SWEEP_EXPIRED_JOB }, { $set: { nextRunAt: dueAt } });
    for (let i = 0; i < 200 && !((await jobs.findOne({ name: SWEEP_EXPIRED_JOB }))?.lastFinishedAt > dueAt); i++) await sleep(50);
    // Both have looked for due jobs since (A every 5 s, B every 200 ms): neither runs it again.
    await sleep(5_500);
    expect(runs).toHaveLength(1);
    expect((await jobs.findOne({ name: SWEEP_EXPIRED_JOB }))!.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
  }, 20_000);

  test('"sync now" said to one while the other holds the round: one round, its answer, each notice once after it', async () => {
    const user = await connectedUser(h, 'Sy Now');
    h.graph.resetCounters();
    h.graph.addEvent(user.microsoft.oid, { subject: 'Budget review', start: at(2, 13), end: at(2, 14) });
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath });
    try {
      await b.syncJobs.requestRun(user.userKey);
      await hold.held;
      const { holder, other } = await roundHolder(user.userKey);
      const replies = sayTo(other, user.chat, 'sync now', 2, 20_000);
      await h.connector.waitFor(1, (r) => r.conversationId === user.chat.conversationId && /already running/.test(r.activity.text ?? ''));
      // Both asked again meanwhile: the round under way is what they get.
      expect((await Promise.all([a.syncJobs.requestRun(user.userKey), b.syncJobs.requestRun(user.userKey)])).map((request) => request.alreadyRunning)).toEqual([true, true]);
      hold.release();
      expect(await replies).toEqual(["A sync is already running; I'll tell you when it finishes.", 'Synced: 1 new, 0 changed, 0 removed.']);
      await Promise.all([holder.notices.idle(), other.notices.idle()]);
    } finally {
      hold.release();
    }
    await h.connector.waitFor(1, (r) => r.conversationId === user.chat.conversationId && /^New: Budget review/.test(r.activity.text ?? ''));
    const texts = h.connector.messages(user.chat.conversationId).map((r) => r.activity.text ?? '');
    expect(noticesOf(user.chat)).toEqual([expect.stringMatching(/^New: Budget review/)]);
    expect(texts.indexOf('Synced: 1 new, 0 changed, 0 removed.')).toBeLessThan(texts.findIndex((t) => t.startsWith('New: Budget review')));
    // One round read the mailbox: the "sync now" joined it rather than starting another.
    expect(deltaRounds(user.microsoft.oid)).toHaveLength(1);
    expect(h.graph.maxInFlight(user.microsoft.oid)).toBe(1);
  }, 30_000);

  test('a sign-in started on one calbot completes on the other, with or without the code typed back', async () => {
    // The user is who signed in: linked at once by B, from A's link.
    const chat = teamsUser('Lb Lander');
    const microsoft = h.addMicrosoftUser('Lb Lander');
    h.graph.addEvent(microsoft.oid, { subject: 'Kick-off', start: at(1, 9), end: at(1, 10) });
    const [card] = await sayTo(a, { ...chat, aadObjectId: microsoft.oid }, 'connect outlook');
    expect(card).toBeDefined();
    const signInUrl = signInUrlIn(h.connector.received.findLast((r) => r.conversationId === chat.conversationId)!.activity);
    h.identity.signInAs(microsoft.oid);
    const page = await landOn(b, signInUrl);
    expect(page).toMatch(/Connected as/);
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === 'Synced 1 event');
    expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toMatchObject({ status: 'connected', username: microsoft.upn });

    // The same redirect sent to both at once (a browser retrying through the load balancer): one of them links it.
    const twice = teamsUser('Tw Twice');
    const twin = h.addMicrosoftUser('Tw Twice');
    await sayTo(a, { ...twice, aadObjectId: twin.oid }, 'connect outlook');
    h.identity.signInAs(twin.oid);
    const authorize = await openAuthorizeUrl(signInUrlIn(h.connector.received.findLast((r) => r.conversationId === twice.conversationId)!.activity));
    const pages = await Promise.all([a, b].map(async (calbot) => {
      const back = new URL(authorize.location!);
      back.port = String(calbot.port);
      return (await fetch(back, { redirect: 'manual' })).text();
    }));
    expect(pages.filter((text) => /Connected as/.test(text))).toHaveLength(1);
    await h.connector.waitFor(1, (r) => r.conversationId === twice.conversationId && r.activity.text === 'Synced 0 events');
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    expect(h.connector.messages(twice.conversationId).filter((r) => /^(Connected to Outlook|Synced \d+ event)/.test(r.activity.text ?? '')).map((r) => r.activity.text!.split(' (')[0])).toEqual([
      'Connected to Outlook as Tw Twice',
      'Synced 0 events',
    ]);

    // Another account than Teams says asked: B shows the code, A takes it.
    const asker = teamsUser('Co Coder');
    const other = h.addMicrosoftUser('Co Other');
    const code = await codeShownByB(asker, other);
    await h.post(h.message(code, asker));
    await h.connector.waitFor(1, (r) => r.conversationId === asker.conversationId && /^Connected to Outlook as Co Other/.test(r.activity.text ?? ''));
    expect(await h.store.collections.accounts.findOne({ _id: `msteams:${asker.id}` })).toMatchObject({ status: 'connected', username: other.upn });
  }, 30_000);

  test('wrong sign-in codes sent to both calbots at once are each counted: the fifth ends the sign-in', async () => {
    const asker = teamsUser('Gu Guesser');
    const victim = h.addMicrosoftUser('Vi Victim');
    const code = await codeShownByB(asker, victim);
    const wrong = Array.from({ length: 5 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(wrong.map((guess, i) => sayTo(i % 2 === 0 ? a : b, asker, guess, 1, 20_000)));
    expect(answers.flat().filter((text) => /5 wrong codes end the sign-in/.test(text))).toHaveLength(1);
    // Five guesses were five tries: the right code comes too late.
    expect(await sayTo(a, asker, code)).toEqual(['There is no sign-in waiting for a code. Say "connect outlook" to connect your calendar.']);
    expect(await h.store.collections.accounts.countDocuments({ _id: `msteams:${asker.id}` })).toBe(0);
  }, 30_000);

  test('"disconnect outlook" said to one while the other syncs: everything of the user is gone, and stays gone', async () => {
    const user = await connectedUser(h, 'Di Gone', (oid) => {
      for (let i = 0; i < 3; i++) h.graph.addEvent(oid, { subject: `G${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
    });
    // A round with several pages, held after its first.
    for (let i = 0; i < 6; i++) h.graph.addEvent(user.microsoft.oid, { subject: `N${i}`, start: at(3 + i, 9), end: at(3 + i, 10) });
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath, after: 1 });
    try {
      await b.syncJobs.requestRun(user.userKey);
      await hold.held;
      const { other } = await roundHolder(user.userKey);
      const replies = sayTo(other, user.chat, 'disconnect outlook', 1, 20_000);
      // The round stops at its next Graph answer, seeing the account gone.
      await sleep(500);
      hold.release();
      expect(await replies).toEqual([`Disconnected from Outlook (${user.microsoft.upn}). I deleted your synced calendar and stopped syncing. Say "connect outlook" to link it again.`]);
    } finally {
      hold.release();
    }
    await waitForNoLease(user.userKey);
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    await expectNothingLeftOf(user);
  }, 30_000);

  test('"disconnect outlook" while the other\'s round is stuck past the wait for it: what that round stores after is removed too', async () => {
    const user = await connectedUser(h, 'St Stuck');
    for (let i = 0; i < 4; i++) h.graph.addEvent(user.microsoft.oid, { subject: `S${i}`, start: at(2 + i, 9), end: at(2 + i, 10) });
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath });
    try {
      await b.syncJobs.requestRun(user.userKey);
      await hold.held;
      const { holder, other } = await roundHolder(user.userKey);
      // The disconnect gives up waiting for the round (5 s) and deletes; the round's pages come after that.
      expect(await sayTo(other, user.chat, 'disconnect outlook', 1, 20_000)).toEqual([
        `Disconnected from Outlook (${user.microsoft.upn}). I deleted your synced calendar and stopped syncing. Say "connect outlook" to link it again.`,
      ]);
      hold.release();
      await waitForNoLease(user.userKey);
      await holder.notices.idle();
    } finally {
      hold.release();
    }
    await expectNothingLeftOf(user);
  }, 30_000);

  test('a conversation the Bot Connector throttled on one calbot is left alone by the other until its Retry-After', async () => {
    const user = await connectedUser(h, 'Th Rottled');
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    const before = h.connector.messages(user.chat.conversationId).length;
    const tomorrow = (hour: number) => ({ start: new Date(at(1, hour)), end: new Date(at(1, hour + 1)) });
    h.connector.failNext(429, 1, { 'Retry-After': '30' }, user.chat.conversationId);
    const asked = Date.now();
    await a.notices.queueChanges(user.userKey, roundOf([[undefined, eventDoc(user.userKey, 'review', { subject: 'Review', ...tomorrow(13) })]]).changes);
    await a.notices.sendDue(user.userKey);
    expect(h.connector.refused.filter((r) => r.conversationId === user.chat.conversationId).map((r) => r.status)).toEqual([429]);

    // B's next notice for that conversation: it waits with the refused one, for the time the connector asked.
    await b.notices.queueChanges(user.userKey, roundOf([[undefined, eventDoc(user.userKey, 'standup', { subject: 'Standup', ...tomorrow(8) })]]).changes);
    await b.notices.sendDue(user.userKey);
    await Promise.all([a.notices.idle(), b.notices.idle()]);
    expect(h.connector.messages(user.chat.conversationId).slice(before)).toEqual([]);
    const waiting = await h.store.collections.outbox.find({ userKey: user.userKey, kind: 'added' }).toArray();
    expect(waiting.map((doc) => doc.status)).toEqual(['pending', 'pending']);
    for (const doc of waiting) expect(doc.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(asked + 30_000);
  });

  // Last: one of the two is stopped.
  test('the one stopped (SIGTERM) mid-round: the other resumes the round at once, each change told once', async () => {
    const user = await connectedUser(h, 'Ta Takeover');
    // Four changes (each its own notice, not a summary card), on two pages; the second is held.
    for (let i = 0; i < 4; i++) h.graph.addEvent(user.microsoft.oid, { subject: `T${i}`, start: at(1 + i, 11), end: at(1 + i, 12) });
    const hold = h.graph.holdRequests({ oid: user.microsoft.oid, resource: deltaPath, after: 1 });
    let survivor: Calbot;
    try {
      await b.syncJobs.requestRun(user.userKey);
      await hold.held;
      const { holder, other } = await roundHolder(user.userKey);
      survivor = other;
      const lease = (await h.store.collections.leases.findOne({ key: syncLeaseKey(user.userKey) }))!;
      // "sync now" to the one that stays up: the round it joins is cut off, and resumed there.
      const replies = sayTo(other, user.chat, 'sync now', 2, 20_000);
      await h.connector.waitFor(1, (r) => r.conversationId === user.chat.conversationId && /already running/.test(r.activity.text ?? ''));
      // SIGTERM: what main.ts does on it.
      await holder.stop({ graceMs: 3_000 });
      hold.release();
      const resumed = await waitForState(h, user.userKey, (s) => s.roundsCompleted >= 2 && s.status === 'idle', 15_000);
      // Taken over before the stopped one's lease would have run out.
      expect(resumed.lastSuccessAt!.getTime()).toBeLessThan(lease.expiresAt.getTime());
      // The round it waited for is the one it finished: not "calbot is shutting down" from a calbot that is not.
      // The whole round's counts: the stopped part's too.
      expect(await replies).toEqual(["A sync is already running; I'll tell you when it finishes.", 'Synced: 4 new, 0 changed, 0 removed.']);
    } finally {
      hold.release();
    }
    await survivor!.notices.idle();
    await h.connector.waitFor(4, (r) => r.conversationId === user.chat.conversationId && /^New: T\d/.test(r.activity.text ?? ''), 15_000);
    // After the answer, as "sync now" promises.
    const texts = h.connector.messages(user.chat.conversationId).map((r) => r.activity.text ?? '');
    expect(texts.findIndex((text) => text.startsWith('Synced: '))).toBeLessThan(texts.findIndex((text) => text.startsWith('New: T')));
    const subjects = noticesOf(user.chat).map((text) => /^New: (T\d),/.exec(text)?.[1]);
    expect(subjects.sort()).toEqual(['T0', 'T1', 'T2', 'T3']);
    expect(await h.store.collections.events.countDocuments({ userKey: user.userKey })).toBe(4);
  }, 40_000);

  /** `asker` asks A for a sign-in, `account` signs in, and the redirect lands on B: the code B's page shows. */
  async function codeShownByB(asker: TeamsUser, account: { oid: string }): Promise<string> {
    await sayTo(a, asker, 'connect outlook');
    h.identity.signInAs(account.oid);
    const codePage = await landOn(b, signInUrlIn(h.connector.received.findLast((r) => r.conversationId === asker.conversationId)!.activity));
    return /(\d{3}) (\d{3})<\/p>/.exec(codePage)!.slice(1).join('');
  }

  /** After a disconnect: nothing of the user is stored, scheduled or told. */
  async function expectNothingLeftOf(user: { userKey: string; chat: TeamsUser }): Promise<void> {
    const { collections } = h.store;
    expect(await collections.accounts.countDocuments({ _id: user.userKey })).toBe(0);
    expect(await collections.events.countDocuments({ userKey: user.userKey })).toBe(0);
    expect(await collections.calendarDays.countDocuments({ userKey: user.userKey })).toBe(0);
    expect(await collections.syncStates.countDocuments({ _id: user.userKey })).toBe(0);
    expect(await collections.outbox.countDocuments({ userKey: user.userKey })).toBe(0);
    expect(await h.store.db.collection(COLLECTIONS.agendaJobs).countDocuments({ name: SYNC_JOB, 'data.userKey': user.userKey })).toBe(0);
    expect(noticesOf(user.chat)).toEqual([]);
  }

  async function waitForNoLease(userKey: string): Promise<void> {
    for (let i = 0; i < 300 && (await h.store.collections.leases.countDocuments({ key: syncLeaseKey(userKey) })) > 0; i++) await sleep(50);
  }

  /** The sign-in link on the card in `activity`. */
  function signInUrlIn(activity: { attachments?: { content?: { actions?: { type: string; url?: string }[] } }[] }): string {
    const url = activity.attachments?.[0]?.content?.actions?.find((action) => action.type === 'Action.OpenUrl')?.url;
    if (!url) throw new Error(`no sign-in link in ${JSON.stringify(activity)}`);
    return url;
  }

  /** The browser follows the link to Microsoft and is sent back to PUBLIC_URL, which the load balancer routes to `calbot`. */
  async function landOn(calbot: Calbot, signInUrl: string): Promise<string> {
    const authorize = await openAuthorizeUrl(signInUrl);
    if (!authorize.location) throw new Error(`authorize did not redirect: ${authorize.status} ${authorize.body}`);
    const back = new URL(authorize.location);
    back.port = String(calbot.port);
    const response = await fetch(back, { redirect: 'manual' });
    expect(response.status).toBe(200);
    return response.text();
  }
});
