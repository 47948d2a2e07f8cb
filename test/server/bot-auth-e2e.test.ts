import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { format } from 'node:util';
import { jest } from '@jest/globals';
import { ToBotFromBotOrEmulatorTokenValidationParameters } from 'botframework-connector';
import { startCalbot, type Calbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { freePort } from '../../src/store/embedded-database.js';
import type { Store } from '../../src/store/database.js';
import { BOTFRAMEWORK_TENANT, BOTFRAMEWORK_TENANT_ID, startFakeBotFramework, type ChannelTokenOptions, type FakeBot, type FakeBotFramework } from '../fakes/botframework/fake-botframework.js';
import { startFakeManagedIdentity, type FakeManagedIdentity } from '../fakes/botframework/fake-managed-identity.js';
import { startFakeConnector, type FakeConnector, type ReceivedActivity } from '../fakes/connector/fake-connector.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';
import { decodeJwtPayload, openAuthorizeUrl, startFakeIdentity, type FakeIdentity, type FakeUser } from '../fakes/identity/fake-identity.js';
import { teamsMessage, teamsUser, type TeamsUser } from '../support/calbot-harness.js';
import { openTestDatabase } from '../support/database.js';

/**
 * Production's Bot Framework path, through real botbuilder and real HTTP: calbot with an app ID and password,
 * a fake channel that signs what it delivers (its keys published as OpenID metadata), and a fake login endpoint
 * that hands the bot its connector token by client credentials. Every log line calbot writes is kept, to look
 * for secrets in.
 */
interface BotHarness {
  calbot: Calbot;
  store: Store;
  connector: FakeConnector;
  botFramework: FakeBotFramework;
  identity: FakeIdentity;
  graph: FakeGraph;
  bot: FakeBot;
  /** App Service's managed identity endpoint, for a UserAssignedMSI bot (which has no password). */
  managedIdentity?: FakeManagedIdentity;
  baseUrl: string;
  /** Log lines, and what botbuilder printed on the console. */
  logLines: string[];
  consoleLines: string[];
  /**
   * The channel delivers `activity`, signed as `token` says (a string: that Bearer token as it is; null: no
   * Authorization header); returns the status.
   */
  deliver(activity: Record<string, any>, token?: Partial<ChannelTokenOptions> | string | null): Promise<number>;
  /**
   * As deliver (`body` is sent as it is), and all that came of it: the answer's body, calbot's log lines written
   * meanwhile, and whatever was printed meanwhile on the console or straight to stderr (each console line, each write).
   */
  exchange(body: unknown, token?: Partial<ChannelTokenOptions> | string | null): Promise<Exchange>;
  /**
   * The token the Bot Framework Emulator gets for the bot (its app ID and password, scope {app ID}/.default; from the
   * bot's tenant for a SingleTenant bot).
   */
  emulatorToken(): Promise<string>;
  message(text: string, user: TeamsUser): Record<string, any>;
  /** Delivers `text` from `user` and returns the reply as received by the connector. */
  say(text: string, user: TeamsUser): Promise<ReceivedActivity>;
  addMicrosoftUser(name: string): FakeUser;
  close(): Promise<void>;
}

interface Exchange {
  status: number;
  body: unknown;
  log: Record<string, any>[];
  printed: string[];
}

async function startBotHarness(
  appType: FakeBot['appType'] | 'UserAssignedMSI',
  name: string,
  options: { botTokenLifetimeSeconds?: number; env?: (botFramework: FakeBotFramework) => Record<string, string> } = {},
): Promise<BotHarness> {
  const managed = appType === 'UserAssignedMSI';
  // A managed identity is a single-tenant app with no secret: its token comes from the host, never the login endpoint.
  const bot: FakeBot = { appId: randomUUID(), appPassword: `bot~${randomBytes(24).toString('base64url')}`, appType: managed ? 'SingleTenant' : appType, tenantId: randomUUID() };
  const botFramework = await startFakeBotFramework({ bots: [bot], botTokenLifetimeSeconds: options.botTokenLifetimeSeconds });
  const managedIdentity = managed ? await startFakeManagedIdentity({ clientIds: [bot.appId] }) : undefined;
  // Read by @azure/identity's managed identity credential when it first asks for a token, as on App Service.
  if (managedIdentity) Object.assign(process.env, managedIdentity.environment);
  const connector = await startFakeConnector();
  const store = await openTestDatabase(name);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const client = { clientId: randomUUID(), clientSecret: `secret-${randomUUID()}`, redirectUris: [`${publicUrl}/microsoft_account/authentication`] };
  const microsoftTenant = randomUUID();
  const users: FakeUser[] = [];
  const identity = await startFakeIdentity({ clients: [client], users });
  const graph = await startFakeGraph();
  const dataDir = mkdtempSync(join(tmpdir(), 'calbot-test-'));
  const logLines: string[] = [];
  const consoleLines: string[] = [];
  // botbuilder prints refused requests with console.error; kept (not shown) to be searched like the log.
  for (const method of ['error', 'warn', 'log'] as const) jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleLines.push(format(...args)));
  const logger = createLogger('trace', new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    MICROSOFT_CLIENT_ID: client.clientId,
    MICROSOFT_CLIENT_SECRET: client.clientSecret,
    MICROSOFT_TENANT_ID: microsoftTenant,
    MICROSOFT_AUTHORITY_HOST: identity.authorityHost,
    MICROSOFT_GRAPH_URL: graph.url,
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: managed ? '' : bot.appPassword,
    MicrosoftAppType: appType,
    MicrosoftAppTenantId: appType === 'MultiTenant' ? '' : bot.tenantId,
    ...botFramework.settings,
    ...options.env?.(botFramework),
  });
  const calbot = await startCalbot(config, logger, { store, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${calbot.port}`;

  const exchange = async (body: unknown, token: Partial<ChannelTokenOptions> | string | null = {}): Promise<Exchange> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (typeof token === 'string') headers.authorization = `Bearer ${token}`;
    else if (token) headers.authorization = `Bearer ${botFramework.channelToken({ appId: bot.appId, serviceUrl: (body as { serviceUrl?: string }).serviceUrl!, ...token })}`;
    const logFrom = logLines.length;
    const consoleFrom = consoleLines.length;
    const stderr: string[] = [];
    const writing = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown) => (stderr.push(String(chunk)), true)) as never);
    try {
      const response = await fetch(`${baseUrl}/api/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? JSON.parse(text) : undefined,
        log: logLines.slice(logFrom).map((line) => JSON.parse(line)),
        printed: [...consoleLines.slice(consoleFrom), ...stderr],
      };
    } finally {
      writing.mockRestore();
    }
  };
  const deliver = async (activity: Record<string, any>, token: Partial<ChannelTokenOptions> | string | null = {}) => (await exchange(activity, token)).status;
  const message = (text: string, user: TeamsUser) => teamsMessage(text, user, connector.url) as Record<string, any>;

  return {
    calbot,
    store,
    connector,
    botFramework,
    identity,
    graph,
    bot,
    managedIdentity,
    baseUrl,
    logLines,
    consoleLines,
    deliver,
    exchange,
    message,
    async emulatorToken() {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: bot.appId, client_secret: bot.appPassword, scope: `${bot.appId}/.default` });
      const tenant = appType === 'SingleTenant' ? bot.tenantId : BOTFRAMEWORK_TENANT;
      const granted = await fetch(`${botFramework.origin}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: form });
      if (granted.status !== 200) throw new Error(`the Emulator's token request answered ${granted.status}: ${await granted.text()}`);
      return ((await granted.json()) as { access_token: string }).access_token;
    },
    async say(text, user) {
      const before = connector.messages(user.conversationId).length;
      const status = await deliver(message(text, user));
      if (status !== 200) throw new Error(`/api/messages answered ${status}`);
      return (await connector.waitFor(before + 1, (r) => r.activity.type === 'message' && r.conversationId === user.conversationId)).at(-1)!;
    },
    addMicrosoftUser(displayName) {
      const slug = displayName.toLowerCase().replace(/[^a-z]+/g, '.');
      const user: FakeUser = { oid: randomUUID(), tid: microsoftTenant, upn: `${slug}@contoso.example`, name: displayName };
      users.push(user);
      graph.addMailbox({ oid: user.oid, upn: user.upn, displayName, timeZone: 'W. Europe Standard Time', tenantId: microsoftTenant });
      return user;
    },
    async close() {
      await calbot.stop();
      await connector.close();
      await store.close();
      await graph.close();
      await identity.close();
      await botFramework.close();
      if (managedIdentity) {
        await managedIdentity.close();
        for (const variable of Object.keys(managedIdentity.environment)) delete process.env[variable];
      }
      rmSync(dataDir, { recursive: true, force: true });
      jest.restoreAllMocks();
    },
  };
}

/** A JWT anyone can write: no signature (alg none), whatever claims. */
function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** botbuilder's list of the issuers an Emulator's token may name (one array for the whole process). */
const emulatorIssuers = () => [...(ToBotFromBotOrEmulatorTokenValidationParameters.issuer as string[])];

/** The Bearer token a request to the connector carried. */
function bearerOf(received: ReceivedActivity): string {
  const match = /^Bearer (\S+)$/.exec(received.authorization ?? '');
  if (!match) throw new Error(`no Bearer token on ${JSON.stringify(received.activity.text)}: ${received.authorization}`);
  return match[1]!;
}

describe('calbot with a MultiTenant Bot Framework app ID and password', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness('MultiTenant', 'botauth-multi');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers a validly signed activity, and the reply carries the token the login endpoint gave the bot for the connector', async () => {
    const user = teamsUser();
    const reply = await h.say('help', user);
    expect(reply.activity.text).toMatch(/Here's what I can do/);
    expect(reply.replyToId).toBeDefined();

    // Client credentials at the Bot Framework's tenant, for the connector's audience.
    expect(h.botFramework.tokenRequests).toEqual([
      { tenant: BOTFRAMEWORK_TENANT, clientId: h.bot.appId, grantType: 'client_credentials', scope: 'https://api.botframework.com/.default', status: 200 },
    ]);
    const token = bearerOf(reply);
    expect(token).toBe(h.botFramework.issued.botTokens[0]);
    expect(decodeJwtPayload(token)).toMatchObject({ aud: 'https://api.botframework.com', appid: h.bot.appId, tid: BOTFRAMEWORK_TENANT_ID });
    // The channel's keys were read from its OpenID metadata.
    expect(h.botFramework.counters).toMatchObject({ openIdMetadata: 1, keys: 1 });
  });

  // botbuilder's reason for each, and what botframework-connector printed on the console while checking (now in the line).
  it.each<[string, Partial<ChannelTokenOptions> | null, RegExp, RegExp | undefined]>([
    ['no token at all', null, /^Unauthorized Access\. Request is not authorized$/, undefined],
    ['a key the channel never published', { signedWith: 'unknown' }, /^Signing Key could not be retrieved\.$/, undefined],
    ["a forged signature under the channel's key ID", { signedWith: 'forged' }, /^Unauthorized\. invalid signature$/, /^Error finding key for token\. Available keys: -----BEGIN RSA PUBLIC KEY-----/],
    ['a key endorsed only for another channel', { signedWith: 'other-channel' }, /^Could not validate endorsement for key: \S+ with endorsements: some-other-channel$/, /^Error finding key for token\. /],
    ['another app ID as audience', { appId: randomUUID() }, /^Unauthorized\. Invalid AppId passed on token: [0-9a-f-]{36}$/, undefined],
    ['a token that expired 10 minutes ago', { expiresInSeconds: -600 }, /^The token has expired$/, /^TokenExpiredError: jwt expired \{ expiredAt: \d{4}-/],
    ['a token valid only from an hour from now', { validInSeconds: 3600, expiresInSeconds: 7200 }, /^Unauthorized\. jwt not active$/, /^Error finding key for token\. /],
    ["a serviceurl claim that is not the activity's serviceUrl", { serviceUrl: 'https://smba.trafficmanager.net/emea/' }, /^Unauthorized\. ServiceUrl claim do not match\.$/, undefined],
    ['another issuer', { issuer: 'https://api.botframework.example' }, /^Unauthorized\. No valid identity\.$/, undefined],
  ])('refuses an activity with %s: 401, one log line with the reason, nothing printed, and nothing is sent', async (_case, token, reason, printedByConnector) => {
    const user = teamsUser();
    const tokenRequests = h.botFramework.tokenRequests.length;
    const activity = h.message('help', user);
    const answer = await h.exchange(activity, token);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized: a valid Bot Framework token is required' });
    const refusals = answer.log.filter((line) => line.event === 'request-rejected');
    expect(refusals).toEqual([
      expect.objectContaining({ level: 40, method: 'POST', path: '/api/messages', status: 401, error: 'Unauthorized', message: expect.stringMatching(reason), activityId: activity.id, channelId: 'msteams' }),
    ]);
    expect(refusals[0]!.connectorOutput).toEqual(printedByConnector && [expect.stringMatching(printedByConnector)]);
    expect(answer.printed).toEqual([]);
    // The turn never ran: the answer comes after authentication failed, so nothing can follow it.
    expect(h.connector.received.filter((r) => r.conversationId === user.conversationId)).toEqual([]);
    expect(h.botFramework.tokenRequests).toHaveLength(tokenRequests);
    // And the same user, properly signed, is answered.
    expect((await h.say('help', user)).activity.text).toMatch(/Here's what I can do/);
  });

  it.each<[string, (activity: Record<string, any>) => unknown, string]>([
    ['"from" a string', (activity) => ({ ...activity, from: 'x' }), 'from: Invalid input: expected object, received string'],
    ['"timestamp" a number', (activity) => ({ ...activity, timestamp: 42 }), 'timestamp: Invalid input: expected string, received number'],
    ['"conversation" an array', (activity) => ({ ...activity, conversation: [] }), 'conversation: Invalid input: expected object, received array'],
    ['"serviceUrl" a number', (activity) => ({ ...activity, serviceUrl: 42 }), 'serviceUrl: Invalid input: expected string, received number'],
    ['"from" without an ID', (activity) => ({ ...activity, from: { name: 'Ada' } }), 'from.id: Invalid input: expected string, received undefined'],
    ['"text" a number', (activity) => ({ ...activity, text: 42 }), 'text: Invalid input: expected string, received number'],
    ['"entities" a string', (activity) => ({ ...activity, entities: 'x' }), 'entities: Invalid input: expected array, received string'],
    ['an empty "type"', (activity) => ({ ...activity, type: '' }), 'type: Too small: expected string to have >=1 characters'],
    ['no "type"', ({ type: _type, ...activity }) => activity, 'type: Invalid input: expected string, received undefined'],
    ['a JSON array for a body', () => [1, 2, 3], 'Invalid input: expected object, received array'],
  ])('answers an activity with %s, validly signed, 400 naming the field, in one log line, nothing printed, no turn', async (_case, malformed, problem) => {
    const user = teamsUser();
    const answer = await h.exchange(malformed(h.message('help', user)), { serviceUrl: h.connector.url });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: `expected a Bot Framework activity (${problem})` });
    expect(answer.log.filter((line) => line.event === 'request-rejected')).toEqual([
      expect.objectContaining({ level: 40, method: 'POST', path: '/api/messages', status: 400, error: 'BadRequest', message: `not a Bot Framework activity: ${problem}` }),
    ]);
    expect(answer.log.filter((line) => line.msg === 'turn' || line.msg === 'turn failed')).toEqual([]);
    expect(answer.printed).toEqual([]);
    expect(h.connector.received.filter((r) => r.conversationId === user.conversationId)).toEqual([]);
    // Nobody was remembered for it ("from": "x" ran a turn for "msteams:unknown"), and calbot goes on answering.
    expect(await h.store.collections.chatUsers.findOne({ _id: 'msteams:unknown' })).toBeNull();
    expect((await h.say('help', user)).activity.text).toMatch(/Here's what I can do/);
  });

  it('sends the "Connected to Outlook" message (outside any turn) with the same bot token', async () => {
    const chat = teamsUser('Ada Lovelace');
    const microsoft = h.addMicrosoftUser('Ada Lovelace');
    const card = await h.say('connect outlook', { ...chat, aadObjectId: microsoft.oid });
    const signInUrl: string = card.activity.attachments![0]!.content.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl').url;
    h.identity.signInAs(microsoft.oid);
    const authorize = await openAuthorizeUrl(signInUrl);
    const back = await fetch(authorize.location!, { redirect: 'manual' });
    expect(await back.text()).toContain('Connected as Ada Lovelace');
    const [connected] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /^Connected to Outlook/.test(r.activity.text ?? ''));

    expect(bearerOf(connected!)).toBe(bearerOf(card));
    expect(decodeJwtPayload(bearerOf(connected!))).toMatchObject({ aud: 'https://api.botframework.com', appid: h.bot.appId });
  });

  it('fetches the bot token once and reuses it across turns, users, proactive messages and service URLs', async () => {
    const elsewhere = await startFakeConnector();
    try {
      const here = teamsUser();
      const there = teamsUser();
      for (let round = 0; round < 3; round++) {
        await h.say('help', here);
        expect(await h.deliver(teamsMessage('help', there, elsewhere.url) as Record<string, any>)).toBe(200);
        await elsewhere.waitFor(round + 1, (r) => r.conversationId === there.conversationId);
      }
      await h.calbot.proactive.send(`msteams:${there.id}`, { text: 'a notice for there' });
      await h.calbot.proactive.send(`msteams:${here.id}`, { text: 'a notice for here' });

      const sent = [...h.connector.received, ...elsewhere.received];
      expect(new Set(sent.map(bearerOf))).toEqual(new Set([h.botFramework.issued.botTokens[0]]));
      expect(h.botFramework.tokenRequests).toHaveLength(1);
      expect(h.botFramework.counters).toMatchObject({ openIdMetadata: 1, keys: 1 });
    } finally {
      await elsewhere.close();
    }
  });

  it("answers the Emulator's token for the bot's own app ID, checked against the keys ToBotFromEmulatorOpenIdMetadataUrl publishes, not the channel's", async () => {
    const emulatorToken = await h.emulatorToken();
    const emulatorIssuer = `https://sts.windows.net/${BOTFRAMEWORK_TENANT_ID}/`;
    expect(decodeJwtPayload(emulatorToken)).toMatchObject({ aud: h.bot.appId, appid: h.bot.appId, iss: emulatorIssuer, ver: '1.0' });

    const user = teamsUser();
    const before = { ...h.botFramework.counters };
    const replies = h.connector.messages(user.conversationId).length;
    expect(await h.deliver({ ...h.message('help', user), channelId: 'emulator' }, emulatorToken)).toBe(200);
    const [reply] = await h.connector.waitFor(replies + 1, (r) => r.conversationId === user.conversationId);
    expect(reply!.activity.text).toMatch(/Here's what I can do/);
    // The keys came from the configured metadata (the fake's botframework.com tenant), once; the channel's were not read again.
    expect(h.botFramework.counters).toEqual({ ...before, tenantConfiguration: before.tenantConfiguration + 1, tenantKeys: before.tenantKeys + 1 });

    // The Emulator's issuer on a token the channel's key signed: that key is not among the Emulator metadata's keys.
    const signedByChannel = h.botFramework.channelToken({ appId: h.bot.appId, serviceUrl: h.connector.url, issuer: emulatorIssuer });
    expect(await h.deliver({ ...h.message('help', user), channelId: 'emulator' }, signedByChannel)).toBe(401);
    expect(h.connector.messages(user.conversationId)).toHaveLength(replies + 1);
  });

  it("leaves botbuilder's list of Emulator issuers as it was, whatever tenants refused tokens name (it grew by four issuers a tenant, for good)", async () => {
    const before = emulatorIssuers();
    for (let i = 0; i < 25; i++) {
      const tenant = randomUUID();
      const now = Math.floor(Date.now() / 1000);
      const token = unsignedJwt({ iss: `https://sts.windows.net/${tenant}/`, tid: tenant, aud: h.bot.appId, appid: h.bot.appId, ver: '1.0', nbf: now - 60, exp: now + 3600 });
      expect(await h.deliver(h.message('help', teamsUser()), token)).toBe(401);
    }
    expect(emulatorIssuers()).toEqual(before);
  });

  it("keeps only each check's own console lines, while requests are checked at once and other code prints meanwhile", async () => {
    // botframework-connector prints one line for each forged signature; the other code's lines must still print.
    const users = Array.from({ length: 6 }, () => teamsUser());
    const logFrom = h.logLines.length;
    const consoleFrom = h.consoleLines.length;
    let checking = true;
    const meanwhile = (async () => {
      for (let line = 0; checking || line < 20; line++) {
        console.warn(`other code's line ${line}`);
        await new Promise((done) => setImmediate(done));
      }
    })();
    const statuses = await Promise.all(users.map((user) => h.deliver(h.message('help', user), { signedWith: 'forged' })));
    checking = false;
    await meanwhile;
    expect(statuses).toEqual(users.map(() => 401));
    const refusals = h.logLines.slice(logFrom).map((line) => JSON.parse(line)).filter((line) => line.event === 'request-rejected');
    expect(refusals).toHaveLength(users.length);
    for (const refusal of refusals) expect(refusal.connectorOutput).toEqual([expect.stringMatching(/^Error finding key for token\. /)]);
    const printed = h.consoleLines.slice(consoleFrom);
    expect(printed.length).toBeGreaterThanOrEqual(20);
    expect(printed.every((line) => /^other code's line \d+$/.test(line))).toBe(true);
  });

  it('never writes the app password or any token, the bot\'s or the channel\'s, to the log or the console', () => {
    const secrets = [h.bot.appPassword, ...h.botFramework.issued.botTokens, ...h.botFramework.issued.channelTokens];
    expect(h.botFramework.issued.channelTokens.length).toBeGreaterThan(10);
    // The capture works: the requests, the refused ones too, are in it.
    expect(h.logLines.some((line) => /"path":"\/api\/messages","status":401/.test(line))).toBe(true);
    for (const line of [...h.logLines, ...h.consoleLines]) {
      for (const secret of secrets) {
        // Their signatures alone would be enough to replay them.
        expect(line).not.toContain(secret.split('.').at(-1));
      }
      // Nor any other token sent (unsigned ones, the Emulator's): nothing shaped like a JWT.
      expect(line).not.toMatch(/eyJ[\w-]*\.[\w-]*\./);
    }
  });
});

describe("calbot when the Emulator's OpenID metadata cannot be read", () => {
  let h: BotHarness;
  beforeAll(async () => {
    // A tenant the identity platform does not know: its OpenID configuration answers 400.
    h = await startBotHarness('MultiTenant', 'botauth-nometadata', { env: (botFramework) => ({ ToBotFromEmulatorOpenIdMetadataUrl: `${botFramework.origin}/${randomUUID()}/v2.0/.well-known/openid-configuration` }) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers an Emulator's token 500, not 401 (the token may be good), with one error line saying why, nothing printed", async () => {
    const user = teamsUser();
    const activity: Record<string, any> = { ...h.message('help', user), channelId: 'emulator' };
    const token = await h.emulatorToken();
    const answer = await h.exchange(activity, token);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: 'internal error' });
    const failures = answer.log.filter((line) => line.event === 'request-failed');
    expect(failures).toEqual([
      expect.objectContaining({ level: 50, method: 'POST', path: '/api/messages', status: 500, activityId: activity.id, channelId: 'emulator', err: expect.objectContaining({ message: 'Failed to load openID config: 400' }) }),
    ]);
    expect(JSON.stringify(answer.log)).not.toContain(token.split('.').at(-1));
    expect(answer.printed).toEqual([]);
    expect(h.connector.received.filter((r) => r.conversationId === user.conversationId)).toEqual([]);
    // The channel's tokens are checked against the channel's metadata: answered.
    expect((await h.say('help', user)).activity.text).toMatch(/Here's what I can do/);
  });
});

describe('calbot with a SingleTenant Bot Framework app ID', () => {
  let h: BotHarness;
  beforeAll(async () => {
    // Below botbuilder's 5-minute margin: every token is stale as soon as it is used once.
    h = await startBotHarness('SingleTenant', 'botauth-single', { botTokenLifetimeSeconds: 240 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("gets its token from its own tenant (the app is unknown in botframework.com's), and a fresh one once it expires", async () => {
    const user = teamsUser();
    const first = await h.say('help', user);
    const second = await h.say('help', user);
    expect(h.botFramework.tokenRequests.map((r) => [r.tenant, r.scope, r.status])).toEqual([
      [h.bot.tenantId, 'https://api.botframework.com/.default', 200],
      [h.bot.tenantId, 'https://api.botframework.com/.default', 200],
    ]);
    expect([bearerOf(first), bearerOf(second)]).toEqual(h.botFramework.issued.botTokens);
    expect(decodeJwtPayload(bearerOf(second))).toMatchObject({ aud: 'https://api.botframework.com', appid: h.bot.appId, tid: h.bot.tenantId });

    // Tokens for an hour from now on: the next one is kept for the turns after it.
    h.botFramework.setBotTokenLifetime(3600);
    const replies = [await h.say('help', user), await h.say('help', user), await h.say('help', user)];
    expect(h.botFramework.tokenRequests).toHaveLength(3);
    expect(replies.map(bearerOf)).toEqual(Array(3).fill(h.botFramework.issued.botTokens[2]));
  });

  it('refuses a token for the right app signed by a key the channel never published', async () => {
    const user = teamsUser();
    expect(await h.deliver(h.message('help', user), { signedWith: 'unknown' })).toBe(401);
    expect(h.connector.received.filter((r) => r.conversationId === user.conversationId)).toEqual([]);
  });

  it("answers the Emulator's token from the bot's own tenant while tokens naming other tenants are checked at the same time", async () => {
    // Each check adds its token's tenant to botbuilder's list and copies the list in one synchronous step; another
    // request's putting the list back, in between, must never take the bot's tenant from a check under way.
    const before = emulatorIssuers();
    const token = await h.emulatorToken();
    const users = Array.from({ length: 6 }, () => teamsUser());
    const now = Math.floor(Date.now() / 1000);
    const statuses = await Promise.all(
      users.flatMap((user) => {
        const tenant = randomUUID();
        const other = unsignedJwt({ iss: `https://sts.windows.net/${tenant}/`, tid: tenant, aud: h.bot.appId, appid: h.bot.appId, ver: '1.0', nbf: now - 60, exp: now + 3600 });
        const activity = { ...h.message('help', user), channelId: 'emulator' };
        return [h.deliver(activity, other), h.deliver(activity, token)];
      }),
    );
    expect(statuses).toEqual(users.flatMap(() => [401, 200]));
    for (const user of users) await h.connector.waitFor(1, (r) => r.conversationId === user.conversationId);
    expect(emulatorIssuers()).toEqual(before);
  });

  it("answers the Emulator's token from the bot's own tenant, every time, though botbuilder's issuer list is put back after each request", async () => {
    const before = emulatorIssuers();
    const token = await h.emulatorToken();
    expect(decodeJwtPayload(token)).toMatchObject({ aud: h.bot.appId, appid: h.bot.appId, iss: `https://sts.windows.net/${h.bot.tenantId}/`, tid: h.bot.tenantId });
    const user = teamsUser();
    for (let round = 1; round <= 2; round++) {
      expect(await h.deliver({ ...h.message('help', user), channelId: 'emulator' }, token)).toBe(200);
      await h.connector.waitFor(round, (r) => r.conversationId === user.conversationId);
      expect(emulatorIssuers()).toEqual(before);
    }
  });
});

// One harness for the file: MSAL keeps the managed identity source it found (and its endpoint) for the process.
describe('calbot with a user-assigned managed identity (UserAssignedMSI) on App Service', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness('UserAssignedMSI', 'botauth-msi');
    // Not assigned to the host yet: the first test assigns it.
    h.managedIdentity!.clientIds.clear();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("logs why the identity's token was refused while it is not assigned to the host, asking the host only (never a developer's CLI login), and answers once it is", async () => {
    const user = teamsUser();
    const answer = await h.exchange(h.message('help', user));
    // The turn ran; its reply could not be sent (nor the apology), so the chat gets nothing and the log says why.
    expect(answer.status).toBe(200);
    const failures = answer.log.filter((line) => line.msg === 'turn failed');
    expect(failures).toEqual([expect.objectContaining({ level: 50, err: expect.objectContaining({ message: expect.stringMatching(/^ManagedIdentityCredential: .*No User Assigned or Delegated Managed Identity found/s) }) })]);
    // botbuilder's DefaultAzureCredential went on to the Azure CLI, PowerShell and the Azure Developer CLI.
    expect(failures[0]!.err.message).not.toMatch(/Azure CLI|PowerShell|Developer CLI|EnvironmentCredential/);
    expect(h.connector.received.filter((r) => r.conversationId === user.conversationId)).toEqual([]);
    expect(h.managedIdentity!.requests.length).toBeGreaterThan(0);
    expect(h.managedIdentity!.requests.every((r) => r.status === 400)).toBe(true);

    h.managedIdentity!.clientIds.add(h.bot.appId);
    const asked = h.managedIdentity!.requests.length;
    const reply = await h.say('help', user);
    expect(reply.activity.text).toMatch(/Here's what I can do/);
    expect(h.managedIdentity!.requests.slice(asked)).toEqual([
      { apiVersion: '2019-08-01', resource: 'https://api.botframework.com', clientId: h.bot.appId, identityHeader: true, status: 200 },
    ]);
    expect(bearerOf(reply)).toBe(h.managedIdentity!.issued[0]);
    // No secret, so the login endpoint is never asked.
    expect(h.botFramework.tokenRequests).toEqual([]);
  });

  it('keeps the token for the next turns, other users and proactive messages', async () => {
    const asked = h.managedIdentity!.requests.length;
    const user = teamsUser();
    const other = teamsUser();
    const replies = [await h.say('help', user), await h.say('help', other)];
    await h.calbot.proactive.send(`msteams:${other.id}`, { text: 'a proactive hello' });
    const proactive = await h.connector.waitFor(2, (r) => r.conversationId === other.conversationId);
    expect([...replies, proactive.at(-1)!].map(bearerOf)).toEqual(Array(3).fill(h.managedIdentity!.issued[0]));
    expect(h.managedIdentity!.requests).toHaveLength(asked);
    expect(h.botFramework.tokenRequests).toEqual([]);
  });

  it("refuses a channel token for another app ID (the audience is the identity's client ID)", async () => {
    const user = teamsUser();
    expect(await h.deliver(h.message('help', user), { appId: randomUUID() })).toBe(401);
    expect(h.connector.received.filter((r) => r.conversationId === user.conversationId)).toEqual([]);
  });

  it("never writes the identity endpoint's header or a token to the log or the console", () => {
    const secrets = [h.managedIdentity!.environment.IDENTITY_HEADER, ...h.managedIdentity!.issued, ...h.botFramework.issued.channelTokens.map((token) => token.split('.').at(-1)!)];
    expect(secrets.length).toBeGreaterThan(2);
    // The capture works: the turns, the refused one and the one whose token the identity was refused for, are in it.
    expect(h.logLines.some((line) => /"path":"\/api\/messages","status":401/.test(line))).toBe(true);
    expect(h.logLines.some((line) => /"msg":"turn failed"/.test(line) && /ManagedIdentityCredential/.test(line))).toBe(true);
    for (const line of [...h.logLines, ...h.consoleLines]) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
