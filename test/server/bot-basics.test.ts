import { gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import type restify from 'restify';
import { startHarness, teamsMessage, teamsUser, type Harness } from '../support/calbot-harness.js';
import { startFakeConnector } from '../fakes/connector/fake-connector.js';
import { CALENDAR_CHANGE_TEXT, GREETING_NOT_CONNECTED_REPLY, GREETING_REPLY, SHARED_CONVERSATION_TEXT, SHARED_WELCOME_TEXT, THANKS_REPLY, UNKNOWN_TEXT, WELCOME_TEXT } from '../../src/chat/bot.js';
import { microsoftAppMissingMessage } from '../../src/auth/sign-in-card.js';
import { seedAccount } from '../chat/ask-support.js';

describe('calbot over /api/messages (local mode, fake Bot Connector)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, 'basics');
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers help with the command list, as a reply in the same conversation', async () => {
    const user = teamsUser();
    const asked = h.message('help', user) as { id: string };
    expect(await h.post(asked)).toBe(200);
    const [received] = await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId);
    expect(received!.activity.text).toMatch(/Here's what I can do/);
    expect(received!.activity.text).toMatch(/\*\*help\*\*/);
    // A reply to that very message (the connector's /activities/{id} route and the activity agree), not a new thread.
    expect(received!.replyToId).toBe(asked.id);
    expect(received!.activity.replyToId).toBe(asked.id);
    expect(received!.activity.recipient.id).toBe(user.id);
  });

  it.each(['HELP', '  help! ', '<at>calbot</at> help', '?', 'what can you do?', 'What can I ask you', 'commands'])('understands %j as help', async (text) => {
    const [reply] = await h.say(text);
    expect(reply).toMatch(/Here's what I can do/);
  });

  it('says in the help how far ahead change notices look (NOTIFY_HORIZON_DAYS)', async () => {
    const [reply] = await h.say('help');
    expect(reply).toContain('**notify on / notify off**: tell me here when a meeting in the next 14 days is added, moved, changed or cancelled (on by default)');
  });

  it.each([
    ['hi', 'greeting'],
    ['Hello!', 'greeting'],
    ['Good morning, calbot', 'greeting'],
    ['hey there', 'greeting'],
    ['thanks!', 'thanks'],
    ['Thank you so much', 'thanks'],
  ])('answers %j in kind, not with "I didn\'t catch that"', async (text, kind) => {
    const [reply] = await h.say(text);
    expect(reply).toBe(kind === 'greeting' ? GREETING_NOT_CONNECTED_REPLY : THANKS_REPLY);
  });

  it('greets someone with no calendar linked with "connect outlook" first, and someone connected with questions to ask', async () => {
    const newcomer = teamsUser('Nell Newcomer');
    expect(await h.say('hi', newcomer)).toEqual([GREETING_NOT_CONNECTED_REPLY]);
    expect(GREETING_NOT_CONNECTED_REPLY).toMatch(/^Hi! Type "connect outlook" to link your Outlook calendar/);
    const connected = teamsUser('Cory Connected');
    await seedAccount(h, connected);
    expect(await h.say('Good morning!', connected)).toEqual([GREETING_REPLY]);
    expect(await h.say('thanks', connected)).toEqual([THANKS_REPLY]);
  });

  it('"sync now" and "sync status" without Microsoft settings say an admin must set Outlook up, as "connect outlook" does', async () => {
    const user = teamsUser();
    const [connect] = await h.say('connect outlook', user);
    expect(connect).toBe(microsoftAppMissingMessage());
    // Not "say connect outlook", which would only lead to the same line one turn later.
    for (const text of ['sync now', 'Sync now!', 'sync status']) expect(await h.say(text, user)).toEqual([connect]);
  });

  it('gives unknown text a one-line hint toward help', async () => {
    const [reply] = await h.say('make me a sandwich');
    expect(reply).toBe(UNKNOWN_TEXT);
  });

  it('asked to change the calendar ("cancel my 3pm", "book a meeting with sam"), says it only reads it; "remove my account" is not that', async () => {
    for (const text of ['cancel my 3pm', 'Can you book a meeting with Sam tomorrow at 2?', 'please decline the design review', 'move my standup to 4']) {
      expect(await h.say(text)).toEqual([CALENDAR_CHANGE_TEXT]);
    }
    expect(CALENDAR_CHANGE_TEXT).toMatch(/^I can read your Outlook calendar, but not change it: /);
    expect(await h.say('remove my account')).toEqual([UNKNOWN_TEXT]);
  });

  it('handles empty, huge and odd messages without crashing', async () => {
    expect(await h.say('')).toEqual([UNKNOWN_TEXT]);
    const [long] = await h.say('x'.repeat(64 * 1024));
    // Not "I didn't catch that" as well: it was not read at all.
    expect(long).toBe('That message is longer than I can read (1000 characters at most). Type "help" to see what I can do.');
    expect(await h.say('🙂 مرحبا {"$gt": ""} <script>alert(1)</script>')).toEqual([UNKNOWN_TEXT]);
  });

  it('welcomes a user who installs the bot', async () => {
    const user = teamsUser();
    const status = await h.post({
      ...h.message('', user),
      type: 'conversationUpdate',
      text: undefined,
      membersAdded: [{ id: user.id }, { id: '28:calbot' }],
    });
    expect(status).toBe(200);
    const [welcome] = await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId);
    expect(welcome!.activity.text).toBe(WELCOME_TEXT);
  });

  it('does not welcome itself', async () => {
    const user = teamsUser();
    expect(await h.post({ ...h.message('', user), type: 'conversationUpdate', membersAdded: [{ id: '28:calbot' }] })).toBe(200);
    // A message after it is answered: had calbot welcomed itself, that welcome would have come first.
    expect(await h.say('hi', user)).toEqual([GREETING_NOT_CONNECTED_REPLY]);
    expect(h.connector.messages(user.conversationId).map((r) => r.activity.text)).toEqual([GREETING_NOT_CONNECTED_REPLY]);
  });

  it('runs the turn for what real senders leave out of an activity, as botbuilder did (they were answered 400)', async () => {
    // Copilot Studio and skill hosts send no recipient; the Emulator's CLI, given a bots.json, names the bot without
    // an ID; a Direct Line client may send any channelData; an entity or an attachment may come without its type.
    const copilot = teamsUser();
    expect(await h.post({ ...h.message('help', copilot), recipient: undefined })).toBe(200);
    const [reply] = await h.connector.waitFor(1, (r) => r.conversationId === copilot.conversationId);
    expect(reply!.activity.text).toMatch(/Here's what I can do/);

    const emulator = teamsUser();
    // As the Emulator sends it: no channelData, no entities.
    const joined = { ...h.message('', emulator), type: 'conversationUpdate', channelId: 'emulator', text: undefined, channelData: undefined, entities: undefined, recipient: { name: 'Bot', role: 'bot' } };
    expect(await h.post({ ...joined, membersAdded: [{ name: 'Bot' }, { id: emulator.id, name: 'User' }] })).toBe(200);
    const [welcome] = await h.connector.waitFor(1, (r) => r.conversationId === emulator.conversationId);
    expect(welcome!.activity.text).toBe(WELCOME_TEXT);

    const directLine = teamsUser();
    const sent = { ...h.message('hi', directLine), channelId: 'directline', channelData: 'from my client', entities: [{ timezone: 'Europe/Berlin' }] };
    expect(await h.post(sent)).toBe(200);
    const [greeting] = await h.connector.waitFor(1, (r) => r.conversationId === directLine.conversationId);
    expect(greeting!.activity.text).toBe(GREETING_NOT_CONNECTED_REPLY);

    const edited = teamsUser();
    expect(await h.post({ ...h.message('help', edited), type: 'messageUpdate', attachments: [{ content: '<div>help</div>' }] })).toBe(200);
    // Not answered (an edit is not a new question), the next message is: an answer to the edit would have come first.
    expect(await h.say('hi', edited)).toEqual([GREETING_NOT_CONNECTED_REPLY]);
    expect(h.connector.messages(edited.conversationId).map((r) => r.activity.text)).toEqual([GREETING_NOT_CONNECTED_REPLY]);
  });

  describe('in a group chat or a channel, where everyone reads what calbot writes', () => {
    /** The same Teams user writing in a group chat (or a team's channel, mentioning calbot) rather than their 1:1 chat. */
    const shared = (text: string, user: ReturnType<typeof teamsUser>, conversation: object): Record<string, any> => ({ ...h.message(text, user), conversation: { tenantId: user.tenantId, ...conversation } });
    const groupChat = { id: '19:meeting_group@thread.v2', conversationType: 'groupChat', isGroup: true };
    const channel = { id: '19:general@thread.skype;messageid=1', conversationType: 'channel', isGroup: true };

    it.each([
      ['a group chat', groupChat, "what's on today"],
      ["a team's channel", channel, "<at>calbot</at> what's on today"],
      ['a group conversation of another channel (isGroup only)', { id: 'B1:T1:C1', isGroup: true }, 'next meeting'],
    ])('in %s: answers no calendar question, says where it does, and keeps the 1:1 chat as where notices go', async (_where, conversation, question) => {
      const user = teamsUser();
      await h.say('help', user);
      const key = `msteams:${user.id}`;
      const before = await h.store.collections.chatUsers.findOne({ _id: key });
      const asked = shared(question, user, conversation);
      expect(await h.post(asked)).toBe(200);
      const [reply] = await h.connector.waitFor(1, (r) => r.conversationId === (conversation as { id: string }).id && r.activity.replyToId === asked.id);
      expect(reply!.activity.text).toBe(SHARED_CONVERSATION_TEXT);
      expect(await h.store.collections.chatUsers.findOne({ _id: key })).toEqual(before);
      // Someone calbot never met in a 1:1 chat is not remembered from a group either.
      const stranger = teamsUser();
      const fromStranger = shared('connect outlook', stranger, conversation);
      expect(await h.post(fromStranger)).toBe(200);
      const [answer] = await h.connector.waitFor(1, (r) => r.activity.replyToId === fromStranger.id);
      expect(answer!.activity.text).toBe(SHARED_CONVERSATION_TEXT);
      expect(answer!.activity.attachments).toBeUndefined();
      expect(await h.store.collections.chatUsers.findOne({ _id: `msteams:${stranger.id}` })).toBeNull();
    });

    it('says hello once when added to a group chat, and not to each person who joins it later', async () => {
      const user = teamsUser();
      const conversation = { ...groupChat, id: `19:${user.aadObjectId}@thread.v2` };
      const update = (membersAdded: object[]) => ({ ...shared('', user, conversation), type: 'conversationUpdate', text: undefined, membersAdded });
      expect(await h.post(update([{ id: '28:calbot' }]))).toBe(200);
      const [welcome] = await h.connector.waitFor(1, (r) => r.conversationId === conversation.id);
      expect(welcome!.activity.text).toBe(SHARED_WELCOME_TEXT);
      expect(await h.post(update([{ id: user.id }]))).toBe(200);
      // A message after it is answered: had the join been welcomed, that welcome would have come first.
      expect(await h.post(shared('hi', user, conversation))).toBe(200);
      const received = await h.connector.waitFor(2, (r) => r.conversationId === conversation.id);
      expect(received.map((r) => r.activity.text)).toEqual([SHARED_WELCOME_TEXT, SHARED_CONVERSATION_TEXT]);
      expect(await h.store.collections.chatUsers.findOne({ _id: `msteams:${user.id}` })).toBeNull();
    });
  });

  it('remembers every user who writes: conversation reference, tenant and Teams time zone', async () => {
    const user = teamsUser('Grace Hopper', 'America/New_York');
    await h.say('help', user);
    const stored = await h.store.collections.chatUsers.findOne({ _id: `msteams:${user.id}` });
    expect(stored).toMatchObject({
      channelId: 'msteams',
      userId: user.id,
      userName: 'Grace Hopper',
      tenantId: 'tenant-1',
      clientTimeZone: 'America/New_York',
      conversationDead: false,
    });
    expect(stored!.conversationReference).toMatchObject({ serviceUrl: h.connector.url, conversation: { id: user.conversationId } });
  });

  it('writes the user again only when something changed (not once per message)', async () => {
    const user = teamsUser('Grace Hopper', 'America/New_York');
    const key = `msteams:${user.id}`;
    await h.say('help', user);
    const first = await h.store.collections.chatUsers.findOne({ _id: key });
    await h.say('help', user);
    expect(await h.store.collections.chatUsers.findOne({ _id: key })).toEqual(first);

    // Travelling: Teams reports another zone; that is written at once.
    await h.say('help', { ...user, timeZone: 'Asia/Tokyo' });
    expect(await h.store.collections.chatUsers.findOne({ _id: key })).toMatchObject({ clientTimeZone: 'Asia/Tokyo' });
    // A conversation marked dead comes back to life with the next message.
    await h.store.collections.chatUsers.updateOne({ _id: key }, { $set: { conversationDead: true } });
    await h.say('help', { ...user, timeZone: 'Asia/Tokyo' });
    expect(await h.store.collections.chatUsers.findOne({ _id: key })).toMatchObject({ conversationDead: false });
    // Last seen is kept to the hour.
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await h.store.collections.chatUsers.updateOne({ _id: key }, { $set: { lastSeenAt: hoursAgo } });
    await h.say('help', { ...user, timeZone: 'Asia/Tokyo' });
    expect((await h.store.collections.chatUsers.findOne({ _id: key }))!.lastSeenAt.getTime()).toBeGreaterThan(hoursAgo.getTime() + 60 * 60_000);
  });

  it("answers an invoke with the turn's invoke response (botbuilder's 501 for one calbot does not handle), not 200", async () => {
    const user = teamsUser();
    const response = await fetch(`${h.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...h.message('', user), type: 'invoke', name: 'signin/verifyState', value: { state: '123456' } }),
    });
    expect(response.status).toBe(501);
    // As CloudAdapter.process answered: an empty body with Content-Length 0, not an empty chunked one.
    expect(response.headers.get('content-length')).toBe('0');
    expect(response.headers.get('transfer-encoding')).toBeNull();
    expect(await response.text()).toBe('');
    expect(h.connector.messages(user.conversationId)).toHaveLength(0);
  });

  it('answers a malformed body with 400 and keeps serving', async () => {
    const bad = await fetch(`${h.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message",' });
    expect(bad.status).toBe(400);
    expect(await h.post({ text: 'no type here' })).toBe(400);
    expect(await h.post([1, 2, 3])).toBe(400);
    const [reply] = await h.say('help');
    expect(reply).toMatch(/Here's what I can do/);
  });

  it('replies through the service URL of each message, turn after turn, and reaches each user there later', async () => {
    // The adapter reuses one connector client per service URL: a user on another one (another region) must get
    // their replies there, never through the client made for the first.
    const elsewhere = await startFakeConnector();
    try {
      const here = teamsUser();
      const there = teamsUser();
      for (let round = 0; round < 3; round++) {
        await h.say('help', here);
        expect(await h.post(teamsMessage('help', there, elsewhere.url))).toBe(200);
        await elsewhere.waitFor(round + 1, (r) => r.conversationId === there.conversationId);
      }
      expect(h.connector.messages(here.conversationId)).toHaveLength(3);
      expect(h.connector.messages(there.conversationId)).toHaveLength(0);
      expect(elsewhere.messages(there.conversationId)).toHaveLength(3);
      expect(elsewhere.messages(here.conversationId)).toHaveLength(0);

      await h.calbot.proactive.send(`msteams:${there.id}`, { text: 'a notice for there' });
      await h.calbot.proactive.send(`msteams:${here.id}`, { text: 'a notice for here' });
      expect(elsewhere.messages(there.conversationId).at(-1)!.activity.text).toBe('a notice for there');
      expect(h.connector.messages(here.conversationId).at(-1)!.activity.text).toBe('a notice for here');
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses compressed bodies with 415 before reading them, and keeps serving', async () => {
    // restify would inflate them: a body that is not gzip threw out of the process, and a small bomb inflated to
    // gigabytes past maxBodySize (which counts the compressed bytes).
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
    for (const [encoding, body] of [['gzip', 'this is not gzip'], ['deflate', 'nor deflate'], ['gzip', bomb], ['br', 'x']] as const) {
      for (const path of ['/api/messages', '/healthz']) {
        const response = await fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body });
        expect(response.status).toBe(415);
        await response.arrayBuffer();
      }
    }
    const plain = await fetch(`${h.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: JSON.stringify(h.message('help')) });
    expect(plain.status).toBe(200);
    const [reply] = await h.say('help');
    expect(reply).toMatch(/Here's what I can do/);
  });

  it('reports health with the database up', async () => {
    const response = await fetch(`${h.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'up' });
  });
});

describe('calbot with a Bot Framework app ID', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ MicrosoftAppId: '00000000-0000-0000-0000-0000000000aa', MicrosoftAppPassword: 'not-a-real-secret' }, 'appid');
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a request without a valid token with 401, and one with a forged token too', async () => {
    expect(await h.post(h.message('help'))).toBe(401);
    expect(await h.post(h.message('help'), { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.' })).toBe(401);
    expect(h.connector.received).toHaveLength(0);
  });
});

describe('calbot shutting down', () => {
  it('does not wait for a request whose client went away before the answer', async () => {
    const h = await startHarness({}, 'abort');
    try {
      // A POST whose body never arrives: the client gives up halfway, so the response never 'finish'es.
      // restify emits 'routed' after the pre handlers (which count the request in flight), while the body parser
      // still waits for the body: from then on the request is calbot's to finish.
      const routed = new Promise<restify.Response>((done) => h.calbot.server.server.once('routed', (_req: restify.Request, res: restify.Response) => done(res)));
      const socket = connect(h.calbot.port, '127.0.0.1');
      await new Promise<void>((done) => socket.once('connect', () => done()));
      socket.write('POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":');
      const response = await routed;
      expect(response.writableFinished).toBe(false);
      const gone = new Promise((done) => response.once('close', done));
      socket.destroy();
      await gone; // the server saw the client go
      // The grace period is an hour: a request still counted as in flight would hold close() for all of it.
      const closing = h.calbot.server.close(60 * 60_000).then(() => 'closed');
      expect(await Promise.race([closing, new Promise((done) => setTimeout(() => done('still waiting'), 5_000).unref())])).toBe('closed');
    } finally {
      await h.close();
    }
  });
});
