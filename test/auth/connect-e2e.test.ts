import { randomUUID } from 'node:crypto';
import { CONFIRM_IN_CHAT_TEXT } from '../../src/auth/connect-outlook.js';
import { WELCOME_TEXT } from '../../src/chat/bot.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { SYNC_JOB } from '../../src/sync/sync-jobs.js';
import { SWEEP_EXPIRED_JOB } from '../../src/scheduler.js';
import { openAuthorizeUrl } from '../fakes/identity/fake-identity.js';
import { startCloudHarness, teamsUser, type CloudHarness } from '../support/microsoft-cloud.js';
import { startHarness } from '../support/calbot-harness.js';

describe('connect outlook, end to end through the server', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness({}, 'connect');
  });
  afterAll(async () => {
    await h.close();
  });

  it('card -> Microsoft sign-in -> redirect -> "connected" in the same chat, with the mailbox time zone', async () => {
    const chat = teamsUser('Ada Lovelace');
    const microsoft = h.addMicrosoftUser('Ada Lovelace', 'Pacific Standard Time');
    const { status, page, signInUrl } = await h.connect(chat, microsoft, { waitForFirstSync: true });

    const authority = new URL(signInUrl);
    expect(authority.origin).toBe(h.identity.authorityHost);
    expect(authority.searchParams.get('redirect_uri')).toBe(`${h.baseUrl}/microsoft_account/authentication`);
    expect(authority.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authority.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'User.Read', 'Calendars.Read', 'MailboxSettings.Read']));
    // Read only: calbot never changes a calendar, and the sign-in asks for no more than it uses.
    expect(authority.searchParams.get('scope')!.split(' ').filter((scope) => /write/i.test(scope))).toEqual([]);
    expect(signInUrl).not.toMatch(/code_verifier/);

    expect(status).toBe(200);
    expect(page).toContain('Connected as Ada Lovelace (ada.lovelace@contoso.example). You can close this window.');
    const [notice] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /Connected to Outlook/.test(r.activity.text ?? ''));
    expect(notice!.activity.text).toMatch(/^Connected to Outlook as Ada Lovelace \(ada\.lovelace@contoso\.example\)/);

    const account = await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` });
    expect(account).toMatchObject({ username: 'ada.lovelace@contoso.example', status: 'connected', mailboxTimeZone: 'America/Los_Angeles' });
    // Her mailbox's working hours, and when they were read (the sync job reads them again after a day).
    expect(account).toMatchObject({ workingHours: { startMinute: 480, endMinute: 1020, weekdays: [1, 2, 3, 4, 5], zone: 'America/Los_Angeles' } });
    expect(Date.now() - account!.mailboxSettingsReadAt!.getTime()).toBeLessThan(60_000);

    // On Teams, which shows an activity's text above its card, the card's title is not said twice: it is the summary.
    const [signInReply] = h.connector.messages(chat.conversationId);
    expect(signInReply!.activity.attachments![0]!.content.body[0].text).toBe('Connect your Outlook calendar');
    expect(signInReply!.activity).toMatchObject({ summary: 'Connect your Outlook calendar' });
    expect(signInReply!.activity.text).toBeUndefined();

    const [statusReply] = await h.say('status', chat);
    expect(statusReply).toMatch(
      /^Connected to Outlook as Ada Lovelace \(ada\.lovelace@contoso\.example\) since \w{3} \d{1,2} \w{3}( \d{4})?\. Times are shown in America\/Los_Angeles, from your Outlook settings \(currently \d\d:\d\d\)\. Free time is looked for in your Outlook working hours, Mon–Fri, 08:00–17:00\.$/,
    );
    // The day in her zone: 03:30 UTC on the 10th is the evening of Monday the 9th in Los Angeles (it said 2026-03-10).
    await h.store.collections.accounts.updateOne({ _id: `msteams:${chat.id}` }, { $set: { connectedAt: new Date('2026-03-10T03:30:00Z') } });
    expect((await h.say('status', chat))[0]).toMatch(/^Connected to Outlook as Ada Lovelace \(ada\.lovelace@contoso\.example\) since Mon 9 Mar( 2026)?\. /);

    // Asking again: say as whom, offer reconnect and disconnect.
    const before = h.connector.messages(chat.conversationId).length;
    await h.post(h.message('connect outlook', chat));
    const again = h.connector.messages(chat.conversationId)[before]!.activity;
    expect(again).toMatchObject({ summary: "You're connected to Outlook as ada.lovelace@contoso.example." });
    expect(again.text).toBeUndefined();
    const actions = again.attachments![0]!.content.actions.map((a: { title: string }) => a.title);
    expect(actions).toEqual(expect.arrayContaining(['Reconnect', 'Disconnect']));

    // "reconnect" typed while the connection works: a fresh link, without saying that Microsoft refused calbot (the card said so).
    const cardText = async (text: string) => {
      const count = h.connector.messages(chat.conversationId).length;
      await h.post(h.message(text, chat));
      const [reply] = (await h.connector.waitFor(count + 1, (r) => r.conversationId === chat.conversationId)).slice(count);
      return reply!.activity.attachments![0]!.content.body.map((b: { text?: string; inlines?: { text: string }[] }) => b.text ?? b.inlines!.map((run) => run.text).join('')).join(' ');
    };
    const asked = await cardText('reconnect');
    expect(asked).toMatch(/^Reconnect your Outlook calendar You're connected as ada\.lovelace@contoso\.example\. Sign in again to renew calbot's access, or with another Microsoft account to switch to it\./);
    expect(asked).not.toMatch(/no longer accepts/);
    // Once Microsoft has refused it, the card says so.
    await h.store.collections.accounts.updateOne({ _id: `msteams:${chat.id}` }, { $set: { status: 'needs-reconnect' } });
    expect(await cardText('connect outlook')).toMatch(/^Reconnect your Outlook calendar Microsoft no longer accepts calbot's access to your calendar\./);
    await h.store.collections.accounts.updateOne({ _id: `msteams:${chat.id}` }, { $set: { status: 'connected' } });
  });

  it('"Connected" is said only once syncing is set up: the job exists, enabled, and the first round is under way', async () => {
    const chat = teamsUser('Ada Ordered');
    const microsoft = h.addMicrosoftUser('Ada Ordered');
    const userKey = `msteams:${chat.id}`;
    // The first round cannot end (so nothing else is said in the chat), and the chat's next message is held unanswered.
    const round = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta' });
    let said!: ReturnType<CloudHarness['connector']['holdNext']>;
    const connecting = h.connect(chat, microsoft, { beforeRedirect: async () => void (said = h.connector.holdNext(chat.conversationId)) });
    await until(() => said !== undefined);
    await said.held;
    // As "Connected to Outlook" goes out, the account is linked and its job is there and enabled: the chat never
    // hears "connected" of an account nothing will sync. Its first round is under way (held at Graph).
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    expect(await h.calbot.syncJobs.jobInfo(userKey)).toMatchObject({ disabled: false });
    await round.held;
    said.release();
    const { page } = await connecting;
    expect(page).toContain('Connected as Ada Ordered');
    const [connected] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /Connected to Outlook/.test(r.activity.text ?? ''));
    expect(connected!.activity.text).toMatch(/^Connected to Outlook as Ada Ordered/);
    round.release();
  });

  it('a replayed redirect is refused with 400 and links nothing', async () => {
    const chat = teamsUser('Eve');
    const microsoft = h.addMicrosoftUser('Eve Example');
    const first = await h.connect(chat, microsoft, { waitForFirstSync: true });
    expect(first.status).toBe(200);
    expect(first.page).toContain('Connected as Eve Example');
    const userKey = `msteams:${chat.id}`;
    const { accounts, tokenCaches, pendingConnections } = h.store.collections;
    const account = await accounts.findOne({ _id: userKey });
    expect(account).toMatchObject({ username: 'eve.example@contoso.example', status: 'connected' });
    const tokens = await tokenCaches.findOne({ _id: userKey });
    expect(tokens).not.toBeNull();
    const said = h.connector.messages(chat.conversationId).length;

    // The exact callback URL again (browser history, a proxy's log): its state was used up by the first visit.
    const replay = await fetch(first.callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    // Not "Outlook not connected": it is (a reloaded success page is this replay).
    const again = await replay.text();
    expect(again).toContain('<h1>Sign-in link already used</h1>');
    expect(again).toContain('If you have just connected Outlook, you are all set');
    expect(again).not.toContain('not connected');
    expect(await accounts.findOne({ _id: userKey })).toEqual(account);
    expect(await tokenCaches.findOne({ _id: userKey })).toEqual(tokens);
    expect(await pendingConnections.findOne({ _id: userKey })).toBeNull();
    // The redirect handler posts in the chat before it answers: anything the replay said would be there by now.
    expect(h.connector.messages(chat.conversationId)).toHaveLength(said);
  });

  it('a forged or missing state is refused with 400', async () => {
    const forged = await fetch(`${h.baseUrl}/microsoft_account/authentication?code=abc&state=forged-state-value`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const missing = await fetch(`${h.baseUrl}/microsoft_account/authentication`);
    expect(missing.status).toBe(400);
  });

  it('a redirect whose error comes twice, or as a structure, beside the code is refused and the code never redeemed', async () => {
    for (const [name, tamper] of [
      ['Trudy', (query: URLSearchParams) => (query.append('error', 'server_error'), query.append('error', 'server_error'))],
      ['Trent', (query: URLSearchParams) => query.append('error[reason]', 'server_error')],
    ] as const) {
      const chat = teamsUser(name);
      const microsoft = h.addMicrosoftUser(`${name} Example`);
      await h.post(h.message('connect outlook', { ...chat, aadObjectId: microsoft.oid }));
      const [card] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId);
      const link: string = card!.activity.attachments![0]!.content.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl').url;
      h.identity.signInAs(microsoft.oid);
      const { location } = await openAuthorizeUrl(link);
      const tampered = new URL(location!);
      expect(tampered.searchParams.get('code')).toBeTruthy();
      tamper(tampered.searchParams);
      const redeemed = h.identity.counters.token.authorization_code;
      const response = await fetch(tampered, { redirect: 'manual' });
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('Outlook not connected');
      expect(h.identity.counters.token.authorization_code).toBe(redeemed);
      expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toBeNull();
      // The state went with it: the untampered redirect after it finds it used.
      expect((await fetch(location!, { redirect: 'manual' })).status).toBe(400);
      expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toBeNull();
    }
  });

  it('consent refused at Microsoft -> page and "connection cancelled" in the chat, nothing stored', async () => {
    const chat = teamsUser('Carol');
    const microsoft = h.addMicrosoftUser('Carol Example');
    h.identity.refuseConsent(true);
    try {
      const { status, page } = await h.connect(chat, microsoft, { waitForFirstSync: true });
      expect(status).toBe(200);
      expect(page).toMatch(/Connection cancelled/);
    } finally {
      h.identity.refuseConsent(false);
    }
    const [cancelled] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /cancelled/.test(r.activity.text ?? ''));
    expect(cancelled!.activity.text).toMatch(/^Outlook connection cancelled/);
    expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toBeNull();
  });

  it('a link opened by someone else: the page shows a code, nothing is linked until the chat that asked types it', async () => {
    // Mallory asks for a link and sends it to Victor; Victor signs in. Teams said Mallory asked, Microsoft says Victor
    // signed in: without the code (which only Victor's browser shows) Mallory's chat gets nothing of Victor's.
    const mallory = teamsUser('Mallory');
    const victor = teamsUser('Victor');
    const victorAtMicrosoft = h.addMicrosoftUser('Victor Victim');
    const { status, page } = await h.connect(mallory, victorAtMicrosoft, { asSomeoneElse: true });
    expect(status).toBe(200);
    expect(page).toMatch(/One more step/);
    expect(page).toMatch(/If someone sent you this link, do not/);
    const code = /(\d{3}) (\d{3})<\/p>/.exec(page)!.slice(1).join('');
    const [asked] = await h.connector.waitFor(1, (r) => r.conversationId === mallory.conversationId && /6-digit code/.test(r.activity.text ?? ''));
    expect(asked!.activity.text).toBe(CONFIRM_IN_CHAT_TEXT);
    expect(JSON.stringify(h.connector.messages(mallory.conversationId))).not.toMatch(/Victor|victor\.victim/);
    const malloryKey = `msteams:${mallory.id}`;
    expect(await h.store.collections.accounts.findOne({ _id: malloryKey })).toBeNull();

    // A guess is refused and counted; the code typed in another chat links nobody.
    const wrong = code === '123456' ? '654321' : '123456';
    expect(await h.say(wrong, mallory)).toEqual([`That code doesn't match the one on the sign-in page. 4 tries left.`]);
    expect(await h.say(code, victor)).toEqual(['There is no sign-in waiting for a code. Say "connect outlook" to connect your calendar.']);
    expect(await h.store.collections.accounts.countDocuments({ _id: { $in: [malloryKey, `msteams:${victor.id}`] } })).toBe(0);

    // The right code in the chat that asked (here: the person who signed in was that chat's user after all) links it.
    await h.post(h.message(`${code.slice(0, 3)} ${code.slice(3)}`, mallory));
    const [connected] = await h.connector.waitFor(1, (r) => r.conversationId === mallory.conversationId && /^Connected to Outlook/.test(r.activity.text ?? ''));
    expect(connected!.activity.text).toMatch(/^Connected to Outlook as Victor Victim \(victor\.victim@contoso\.example\)/);
    expect(await h.store.collections.accounts.findOne({ _id: malloryKey })).toMatchObject({ username: 'victor.victim@contoso.example', status: 'connected' });
  });

  it('a link that expired between the card and the redirect: the page and the chat both say so, nothing linked', async () => {
    const chat = teamsUser('Late Larry');
    const microsoft = h.addMicrosoftUser('Larry Late');
    const expire = async () => {
      await h.store.collections.authStates.updateMany({ userKey: `msteams:${chat.id}` }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    };
    const { status, page } = await h.connect(chat, microsoft, { beforeRedirect: expire });
    expect(status).toBe(400);
    expect(page).toMatch(/This sign-in link has expired \(links last 10 minutes\)/);
    const [told] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /expired/.test(r.activity.text ?? ''));
    expect(told!.activity.text).toBe('That sign-in link had expired (links last 10 minutes), so Outlook is not connected. Say "connect outlook" for a new one.');
    expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toBeNull();
  });

  it("Microsoft's token endpoint failing: the page and the chat both say the connection failed", async () => {
    const chat = teamsUser('Tess Token');
    const microsoft = h.addMicrosoftUser('Tess Token');
    h.identity.failNextTokenRequests(503, 10);
    try {
      const { status, page } = await h.connect(chat, microsoft);
      expect(status).toBe(502);
      expect(page).toMatch(/did not complete the connection/);
    } finally {
      h.identity.clearTokenFailures();
    }
    const [told] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /failed/.test(r.activity.text ?? ''));
    expect(told!.activity.text).toBe('Outlook connection failed: Microsoft\'s sign-in service did not complete the connection. Please ask the bot to "connect outlook" again in a minute.');
    expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toBeNull();
  });

  it('disconnect removes the account, its tokens and synced data; connecting again works', async () => {
    const chat = teamsUser('Dan');
    const microsoft = h.addMicrosoftUser('Dan Example');
    expect((await h.connect(chat, microsoft, { waitForFirstSync: true })).status).toBe(200);
    const userKey = `msteams:${chat.id}`;
    await h.store.collections.events.insertOne({
      _id: `${userKey}|e1`, userKey, eventId: 'e1', type: 'singleInstance', subject: 'Standup', start: new Date(), end: new Date(), isAllDay: false, isCancelled: false, updatedAt: new Date(),
    });
    const [bye] = await h.say('disconnect outlook', chat);
    expect(bye).toMatch(/^Disconnected from Outlook \(dan\.example@contoso\.example\)/);
    expect(await h.store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
    expect(await h.store.collections.tokenCaches.countDocuments({ _id: userKey })).toBe(0);
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(0);
    expect(await h.say('disconnect outlook', chat)).toEqual(['You are not connected to Outlook, so there was nothing to disconnect.']);
    expect((await h.connect(chat, microsoft, { waitForFirstSync: true })).status).toBe(200);
    expect(await h.store.collections.accounts.countDocuments({ _id: userKey, status: 'connected' })).toBe(1);
  });

  it("the scheduler's sweep deletes a sign-in that waited for its code in vain, its tokens, and a token cache nobody owns", async () => {
    const asker = teamsUser('Nora Never');
    const { page } = await h.connect(asker, h.addMicrosoftUser('Otto Other'), { asSomeoneElse: true });
    expect(page).toMatch(/One more step/);
    const key = `msteams:${asker.id}`;
    const { collections } = h.store;
    const { cachePartition } = (await collections.pendingConnections.findOne({ _id: key }))!;
    expect(await collections.tokenCaches.countDocuments({ _id: cachePartition })).toBe(1);
    // Its code expired long ago; and a cache written again for a user who has no account any more.
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await collections.pendingConnections.updateOne({ _id: key }, { $set: { expiresAt: longAgo } });
    const orphan = `msteams:${randomUUID()}`;
    const { _id: _partition, ...box } = (await collections.tokenCaches.findOne({ _id: cachePartition }))!;
    await collections.tokenCaches.insertOne({ ...box, _id: orphan, updatedAt: longAgo });

    await h.calbot.scheduler.now(SWEEP_EXPIRED_JOB);
    for (let i = 0; i < 100 && (await collections.tokenCaches.countDocuments({ _id: { $in: [cachePartition, orphan] } })) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await collections.tokenCaches.countDocuments({ _id: { $in: [cachePartition, orphan] } })).toBe(0);
    expect(await collections.pendingConnections.countDocuments({ _id: key })).toBe(0);
  });

  it('removing calbot from Teams deletes what "disconnect" deletes and what calbot kept of the user in chat; an upgrade or a team\'s removal does not', async () => {
    const chat = teamsUser('Una Install');
    const microsoft = h.addMicrosoftUser('Una Install');
    h.graph.addEvent(microsoft.oid, { subject: 'Standup', start: new Date(Date.now() + 86_400_000).toISOString(), end: new Date(Date.now() + 86_400_000 + 1_800_000).toISOString() });
    expect((await h.connect(chat, microsoft, { waitForFirstSync: true })).status).toBe(200);
    const userKey = `msteams:${chat.id}`;
    const { collections, db } = h.store;
    const jobs = () => db.collection(COLLECTIONS.agendaJobs).countDocuments({ name: SYNC_JOB, 'data.userKey': userKey });
    const held = async () => ({
      account: await collections.accounts.countDocuments({ _id: userKey }),
      tokens: await collections.tokenCaches.countDocuments({ _id: userKey }),
      events: await collections.events.countDocuments({ userKey }),
      days: await collections.calendarDays.countDocuments({ userKey }),
      syncState: await collections.syncStates.countDocuments({ _id: userKey }),
      chatUser: await collections.chatUsers.countDocuments({ _id: userKey }),
      jobs: await jobs(),
    });
    // The day docs the standup is filed under: one, or two when its half hour crosses midnight UTC.
    expect(await held()).toEqual({ account: 1, tokens: 1, events: 1, days: expect.any(Number), syncState: 1, chatUser: 1, jobs: 1 });
    expect((await held()).days).toBeGreaterThan(0);
    const installation = (action: string, extra: object = {}) => ({ ...h.message('', chat), type: 'installationUpdate', text: undefined, action, ...extra });

    // An upgrade of the app, and calbot's removal from a team the user is in, leave the user's own link alone.
    expect(await h.post(installation('remove-upgrade'))).toBe(200);
    expect(await h.post(installation('remove', { conversation: { id: '19:team@thread.skype', conversationType: 'channel', isGroup: true, tenantId: chat.tenantId } }))).toBe(200);
    expect(await held()).toMatchObject({ account: 1, tokens: 1, events: 1, syncState: 1, chatUser: 1, jobs: 1 });

    const sent = h.connector.received.length;
    expect(await h.post(installation('remove'))).toBe(200);
    expect(await held()).toEqual({ account: 0, tokens: 0, events: 0, days: 0, syncState: 0, chatUser: 0, jobs: 0 });
    // Nothing is said: the chat is gone from the user's Teams.
    expect(h.connector.received.length).toBe(sent);

    // Installed again: welcomed, and not connected until they connect again.
    expect(await h.post({ ...h.message('', chat), type: 'conversationUpdate', text: undefined, membersAdded: [{ id: chat.id }, { id: '28:calbot' }] })).toBe(200);
    await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.activity.text === WELCOME_TEXT);
    expect(await h.say('status', chat)).toEqual(['You are not connected to Outlook. Say "connect outlook" to link your calendar.']);
  });
});

describe('connect outlook without an app registration', () => {
  it('explains that an admin must set the client ID and secret', async () => {
    const h = await startHarness({}, 'noapp');
    try {
      const [reply] = await h.say('connect outlook');
      expect(reply).toMatch(/an admin must set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/);
      const page = await fetch(`${h.baseUrl}/microsoft_account/authentication?code=x&state=y`);
      expect(page.status).toBe(503);
    } finally {
      await h.close();
    }
  });
});

/** Polls until `check` holds: a state, not a duration; fails after 10 s. */
async function until(check: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !check(); await new Promise((done) => setTimeout(done, 10))) {
    if (Date.now() > deadline) throw new Error('condition never held');
  }
}
