import { randomUUID } from 'node:crypto';
import type { ConversationReference } from 'botbuilder';
import { BSON } from 'mongodb';
import {
  ConsentRefusedError,
  InvalidStateError,
  NotConnectedError,
  ReconnectNeededError,
  TokenEndpointError,
} from '../../src/auth/auth-errors.js';
import { createMicrosoftAuth, type MicrosoftAuth } from '../../src/auth/microsoft-auth.js';
import { MAX_CONFIRMATION_ATTEMPTS, type ConfirmationNeeded, type SignInResult } from '../../src/auth/microsoft-sign-in.js';
import { tokenCacheContext } from '../../src/auth/token-cache.js';
import { open, seal } from '../../src/auth/token-crypto.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { Store } from '../../src/store/database.js';
import { decodeJwtPayload, openAuthorizeUrl, startFakeIdentity, type FakeIdentity, type FakeUser } from '../fakes/identity/fake-identity.js';
import { openTestDatabase } from '../support/database.js';
import { startCloudHarness, teamsUser, type CloudHarness } from '../support/microsoft-cloud.js';
import type { TeamsUser } from '../support/calbot-harness.js';

const PUBLIC_URL = 'https://calbot.example.test';
const REDIRECT_URI = `${PUBLIC_URL}/microsoft_account/authentication`;
const CLIENT = { clientId: randomUUID(), clientSecret: 'the-client-secret', redirectUris: [REDIRECT_URI] };
const TENANT = randomUUID();
const ada: FakeUser = { oid: randomUUID(), tid: TENANT, upn: 'ada@contoso.example', name: 'Ada Lovelace' };
const bob: FakeUser = { oid: randomUUID(), tid: TENANT, upn: 'bob@contoso.example', name: 'Bob <b>Builder</b>' };
const KEY = Buffer.alloc(32, 7);

/** The conversation a link is asked for in; `aadObjectId`: the Teams user's Entra object id, as Teams sends it. */
const conversation = (userKey: string, aadObjectId?: string): Partial<ConversationReference> => ({
  conversation: { id: `a:${userKey}`, isGroup: false, conversationType: 'personal', name: '' },
  serviceUrl: 'https://smba.example/',
  channelId: 'msteams',
  user: { id: userKey, name: 'someone', ...(aadObjectId ? { aadObjectId } : {}) },
});

/** A sign-in that linked at once (the Teams user's own account), not one waiting for its code. */
function linked(result: SignInResult | ConfirmationNeeded): SignInResult {
  if ('confirmation' in result) throw new Error('expected the account to be linked at once, not to wait for a code');
  return result;
}

describe('connect Outlook: real MSAL against the fake identity platform, real driver', () => {
  let fake: FakeIdentity;
  let store: Store;
  let clock: number | undefined;

  const auth = (overrides: Record<string, string> = {}): MicrosoftAuth => {
    const config = loadConfig({
      PUBLIC_URL,
      MICROSOFT_CLIENT_ID: CLIENT.clientId,
      MICROSOFT_CLIENT_SECRET: CLIENT.clientSecret,
      MICROSOFT_TENANT_ID: TENANT,
      MICROSOFT_AUTHORITY_HOST: fake.authorityHost,
      ...overrides,
    });
    const created = createMicrosoftAuth({
      config,
      collections: store.collections,
      encryptionKey: KEY,
      logger: createLogger(process.env.CALBOT_TEST_LOG_LEVEL ?? 'silent'),
      now: () => new Date(clock ?? Date.now()),
    });
    if (!created) throw new Error('microsoft app not configured');
    return created;
  };

  /** Link -> the browser at Microsoft -> the redirect's query (not followed). */
  const browse = async (link: string) => {
    const response = await openAuthorizeUrl(link);
    expect(response.status).toBe(302);
    expect(`${response.location!.origin}${response.location!.pathname}`).toBe(REDIRECT_URI);
    return new URLSearchParams(response.location!.search);
  };

  /** The Teams user `userKey` is `user` at Microsoft: their own account, linked at once. */
  const connect = async (connector: MicrosoftAuth, userKey: string, user: FakeUser) => {
    fake.signInAs(user.oid);
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey, user.oid)));
    return linked(await connector.completeSignIn(query));
  };

  const decryptedCache = async (userKey: string) => {
    const doc = await store.collections.tokenCaches.findOne({ _id: userKey });
    return doc ? open(KEY, doc, tokenCacheContext(userKey)).toString('utf8') : undefined;
  };

  beforeAll(async () => {
    fake = await startFakeIdentity({ clients: [CLIENT], users: [ada, bob] });
    store = await openTestDatabase('auth');
  });
  afterAll(async () => {
    await store.close();
    await fake.close();
  });
  beforeEach(() => {
    clock = undefined;
    fake.refuseConsent(false);
    fake.setAccessTokenLifetime(3600);
    fake.clearTokenFailures();
    fake.resetCounters();
  });

  it('runs the whole code flow: link, Microsoft, redirect -> account and encrypted cache stored', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    const link = new URL(await connector.createSignInLink(userKey, conversation(userKey, ada.oid)));
    expect(`${link.origin}${link.pathname}`).toBe(`${fake.authorityHost}/${TENANT}/oauth2/v2.0/authorize`);
    expect(link.searchParams.get('client_id')).toBe(CLIENT.clientId);
    expect(link.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(link.searchParams.get('code_challenge_method')).toBe('S256');
    expect(link.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.searchParams.get('nonce')).toBeTruthy();
    expect(link.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'User.Read', 'Calendars.Read', 'MailboxSettings.Read']));
    // Only the state's hash is stored, with the verifier encrypted.
    const pending = await store.collections.authStates.find({ userKey }).toArray();
    expect(pending).toHaveLength(1);
    expect(pending[0]!._id).not.toBe(link.searchParams.get('state'));
    expect(pending[0]!.expiresAt.getTime() - pending[0]!.createdAt.getTime()).toBe(10 * 60 * 1000);

    fake.signInAs(ada.oid);
    const result = linked(await connector.completeSignIn(await browse(link.toString())));
    expect(result.userKey).toBe(userKey);
    expect(result.conversationReference).toEqual(conversation(userKey, ada.oid));
    expect(result.account).toEqual({ homeAccountId: `${ada.oid}.${ada.tid}`, username: ada.upn, displayName: ada.name, tenantId: ada.tid });
    expect(result.accountChanged).toBe(false);
    expect(fake.counters.token.authorization_code).toBe(1);

    const account = await store.collections.accounts.findOne({ _id: userKey });
    expect(account).toMatchObject({ homeAccountId: `${ada.oid}.${ada.tid}`, username: ada.upn, status: 'connected' });
    expect(await store.collections.authStates.countDocuments({ userKey })).toBe(0);
    const cache = await decryptedCache(userKey);
    expect(cache).toContain(fake.liveRefreshTokens(ada.oid).at(-1));

    // The cached access token is served without a refresh and is Ada's.
    const token = await connector.getAccessToken(userKey);
    expect(decodeJwtPayload(token)).toMatchObject({ oid: ada.oid, tid: ada.tid });
    expect(fake.counters.token.refresh_token).toBe(0);
    // knownAuthorities skips instance discovery; the OpenID configuration is fetched once per app, not per call.
    expect(fake.counters.discovery).toBe(0);
    expect(fake.counters.openidConfiguration).toBe(1);
  });

  describe('a sign-in as someone other than the Teams user who asked (a forwarded link, another account of theirs)', () => {
    const signInElsewhere = async (connector: MicrosoftAuth, userKey: string, teamsObjectId: string | undefined, user: FakeUser) => {
      fake.signInAs(user.oid);
      const result = await connector.completeSignIn(await browse(await connector.createSignInLink(userKey, conversation(userKey, teamsObjectId))));
      if (!('confirmation' in result)) throw new Error('expected the sign-in to wait for its code');
      return result;
    };

    it('links nothing until the code is typed by the chat user who asked; then links that account', async () => {
      const connector = auth();
      const userKey = `msteams:${randomUUID()}`;
      const pending = await signInElsewhere(connector, userKey, randomUUID(), bob);
      expect(pending.confirmation.code).toMatch(/^\d{6}$/);
      expect(pending.userKey).toBe(userKey);
      // Nothing is linked: no account, no token cache under the chat user, the tokens kept apart and encrypted.
      expect(await store.collections.accounts.findOne({ _id: userKey })).toBeNull();
      expect(await store.collections.tokenCaches.findOne({ _id: userKey })).toBeNull();
      await expect(connector.getAccessToken(userKey)).rejects.toBeInstanceOf(NotConnectedError);
      const waiting = (await store.collections.pendingConnections.findOne({ _id: userKey }))!;
      expect(JSON.stringify(waiting)).not.toContain(pending.confirmation.code);
      // Typed by another chat user: nothing there for them.
      expect(await connector.confirmConnection(`msteams:${randomUUID()}`, pending.confirmation.code)).toEqual({ kind: 'none' });
      // A wrong code counts down; the right one links Bob.
      const wrong = pending.confirmation.code === '000000' ? '111111' : '000000';
      expect(await connector.confirmConnection(userKey, wrong)).toEqual({ kind: 'wrong', attemptsLeft: MAX_CONFIRMATION_ATTEMPTS - 1 });
      const done = await connector.confirmConnection(userKey, pending.confirmation.code);
      expect(done).toMatchObject({ kind: 'connected', result: { userKey, accountChanged: false, account: { username: bob.upn } } });
      expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ username: bob.upn, status: 'connected' });
      expect(decodeJwtPayload(await connector.getAccessToken(userKey))).toMatchObject({ oid: bob.oid });
      // Used once; its tokens moved to the chat user's own partition.
      expect(await connector.confirmConnection(userKey, pending.confirmation.code)).toEqual({ kind: 'none' });
      expect(await store.collections.pendingConnections.countDocuments({ _id: userKey })).toBe(0);
      expect(await store.collections.tokenCaches.countDocuments({ _id: waiting.cachePartition })).toBe(0);
    });

    it('a channel that does not say who is typing (no aadObjectId) asks for the code too', async () => {
      const connector = auth();
      const userKey = `emulator:${randomUUID()}`;
      const pending = await signInElsewhere(connector, userKey, undefined, ada);
      expect((await connector.confirmConnection(userKey, pending.confirmation.code)).kind).toBe('connected');
    });

    it("a channel other than Teams asks for the code though its message named the signed-in account's object id (Web Chat and Direct Line pass on what their client wrote)", async () => {
      const connector = auth();
      for (const channelId of ['webchat', 'directline']) {
        const userKey = `${channelId}:${randomUUID()}`;
        fake.signInAs(ada.oid);
        const link = await connector.createSignInLink(userKey, { ...conversation(userKey, ada.oid), channelId });
        const result = await connector.completeSignIn(await browse(link));
        expect(result).toMatchObject({ userKey, confirmation: { code: expect.stringMatching(/^\d{6}$/) } });
        expect(await store.collections.accounts.findOne({ _id: userKey })).toBeNull();
        expect(await store.collections.tokenCaches.findOne({ _id: userKey })).toBeNull();
      }
      // The same object id from Teams is Teams' own word: linked at once.
      const userKey = `msteams:${randomUUID()}`;
      expect((await connect(connector, userKey, ada)).account.username).toBe(ada.upn);
    });

    it(`${MAX_CONFIRMATION_ATTEMPTS} wrong codes end the sign-in, tokens and all`, async () => {
      const connector = auth();
      const userKey = `msteams:${randomUUID()}`;
      const pending = await signInElsewhere(connector, userKey, randomUUID(), bob);
      const partition = (await store.collections.pendingConnections.findOne({ _id: userKey }))!.cachePartition;
      const wrong = pending.confirmation.code === '999999' ? '888888' : '999999';
      for (let left = MAX_CONFIRMATION_ATTEMPTS - 1; left >= 0; left--) expect(await connector.confirmConnection(userKey, wrong)).toEqual({ kind: 'wrong', attemptsLeft: left });
      expect(await connector.confirmConnection(userKey, pending.confirmation.code)).toEqual({ kind: 'none' });
      expect(await store.collections.tokenCaches.countDocuments({ _id: partition })).toBe(0);
      expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
    });

    it('a code typed after 10 minutes has expired; the sweeper removes what was left', async () => {
      const connector = auth();
      const userKey = `msteams:${randomUUID()}`;
      const pending = await signInElsewhere(connector, userKey, randomUUID(), bob);
      const partition = (await store.collections.pendingConnections.findOne({ _id: userKey }))!.cachePartition;
      clock = Date.now() + 11 * 60_000;
      expect(await connector.confirmConnection(userKey, pending.confirmation.code)).toEqual({ kind: 'expired' });
      expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
      // Another one, left to the sweeper.
      clock = undefined;
      await signInElsewhere(connector, userKey, randomUUID(), bob);
      const left = (await store.collections.pendingConnections.findOne({ _id: userKey }))!.cachePartition;
      clock = Date.now() + 11 * 60_000;
      expect(await connector.deleteExpiredAuthStates()).toBeGreaterThanOrEqual(1);
      expect(await store.collections.pendingConnections.countDocuments({ _id: userKey })).toBe(0);
      expect(await store.collections.tokenCaches.countDocuments({ _id: { $in: [partition, left] } })).toBe(0);
    });

    it('disconnecting forgets a sign-in waiting for its code, tokens and all; signing in as oneself supersedes one', async () => {
      const connector = auth();
      const userKey = `msteams:${randomUUID()}`;
      const pending = await signInElsewhere(connector, userKey, randomUUID(), bob);
      const partition = (await store.collections.pendingConnections.findOne({ _id: userKey }))!.cachePartition;
      await connector.disconnect(userKey);
      expect(await store.collections.pendingConnections.countDocuments({ _id: userKey })).toBe(0);
      expect(await store.collections.tokenCaches.countDocuments({ _id: partition })).toBe(0);
      expect(await connector.confirmConnection(userKey, pending.confirmation.code)).toEqual({ kind: 'none' });

      const older = await signInElsewhere(connector, userKey, randomUUID(), bob);
      const olderPartition = (await store.collections.pendingConnections.findOne({ _id: userKey }))!.cachePartition;
      await connect(connector, userKey, ada);
      expect(await connector.confirmConnection(userKey, older.confirmation.code)).toEqual({ kind: 'none' });
      expect(await store.collections.tokenCaches.countDocuments({ _id: olderPartition })).toBe(0);
      expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ username: ada.upn });
    });

    it('the Teams user signing in as themselves is linked at once, and a previous account of theirs is replaced', async () => {
      const connector = auth();
      const userKey = `msteams:${randomUUID()}`;
      const first = await signInElsewhere(connector, userKey, randomUUID(), bob);
      await connector.confirmConnection(userKey, first.confirmation.code);
      const result = await connect(connector, userKey, ada);
      expect(result).toMatchObject({ accountChanged: true, account: { username: ada.upn } });
      const cache = (await decryptedCache(userKey))!;
      expect(cache).not.toContain(bob.oid);
    });
  });

  it('rejects a missing, forged or tampered state without calling Microsoft', async () => {
    const connector = auth();
    await expect(connector.completeSignIn({ code: 'x' })).rejects.toMatchObject({ name: 'InvalidStateError', reason: 'missing', httpStatus: 400 });
    await expect(connector.completeSignIn({ code: 'x', state: 'forged-state-value' })).rejects.toMatchObject({ reason: 'unknown-or-used' });
    await expect(connector.completeSignIn({ code: 'x', state: ['a', 'b'] })).rejects.toMatchObject({ reason: 'malformed' });
    const userKey = `msteams:${randomUUID()}`;
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey)));
    query.set('state', `${query.get('state')}x`);
    await expect(connector.completeSignIn(query)).rejects.toBeInstanceOf(InvalidStateError);
    expect(fake.counters.token.authorization_code).toBe(0);
    expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
  });

  it('rejects an expired state and consumes it', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey)));
    clock = Date.now() + 10 * 60 * 1000 + 1000;
    await expect(connector.completeSignIn(query)).rejects.toMatchObject({ name: 'InvalidStateError', reason: 'expired' });
    clock = undefined;
    await expect(connector.completeSignIn(query)).rejects.toMatchObject({ reason: 'unknown-or-used' });
    expect(fake.counters.token.authorization_code).toBe(0);
    expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
  });

  it('sweeps expired sign-in states and keeps live ones', async () => {
    const connector = auth();
    const stale = `msteams:${randomUUID()}`;
    const live = `msteams:${randomUUID()}`;
    clock = Date.now() - 11 * 60 * 1000;
    await connector.createSignInLink(stale, conversation(stale));
    clock = undefined;
    await connector.createSignInLink(live, conversation(live));
    expect(await connector.deleteExpiredAuthStates()).toBeGreaterThanOrEqual(1);
    expect(await store.collections.authStates.countDocuments({ userKey: stale })).toBe(0);
    expect(await store.collections.authStates.countDocuments({ userKey: live })).toBe(1);
  });

  it("sweeps token caches nothing owns once they are 10 minutes old: no account's, no pending sign-in's", async () => {
    const connector = auth();
    const written = new Date();
    const cache = (id: string, updatedAt = written) => ({ _id: id, ...seal(KEY, '{}', tokenCacheContext(id)), updatedAt });
    const orphan = `msteams:${randomUUID()}`; // written again by a refresh after its user disconnected
    const owned = `msteams:${randomUUID()}`;
    const pendingOrphan = `pending-sign-in:${randomUUID()}`;
    const fresh = `msteams:${randomUUID()}`; // a sign-in whose account is about to be written
    await store.collections.tokenCaches.insertMany([cache(orphan), cache(owned), cache(pendingOrphan), cache(fresh, new Date(written.getTime() + 10 * 60_000))]);
    await store.collections.accounts.insertOne({ _id: owned, homeAccountId: 'h', username: 'owned@contoso.example', displayName: 'Owned', tenantId: TENANT, status: 'connected', connectedAt: written, updatedAt: written });
    clock = written.getTime() + 11 * 60_000;
    expect(await connector.deleteExpiredAuthStates()).toBeGreaterThanOrEqual(2);
    clock = undefined;
    const left = (await store.collections.tokenCaches.find({ _id: { $in: [orphan, owned, pendingOrphan, fresh] } }).toArray()).map((doc) => doc._id);
    expect(left.sort()).toEqual([owned, fresh].sort());
  });

  it('accepts a redirect once: a replay, even a simultaneous one, is refused', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.signInAs(ada.oid);
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey)));
    const outcomes = await Promise.allSettled([connector.completeSignIn(query), connector.completeSignIn(query), connector.completeSignIn(query)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ name: 'InvalidStateError', reason: 'unknown-or-used' });
    }
    await expect(connector.completeSignIn(query)).rejects.toBeInstanceOf(InvalidStateError);
    expect(fake.counters.token.authorization_code).toBe(1);
  });

  it('reports a refused consent with the chat user and conversation that asked', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.refuseConsent();
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey)));
    expect(query.get('error')).toBe('access_denied');
    const error = await connector.completeSignIn(query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRefusedError);
    expect((error as ConsentRefusedError).pending).toEqual({ userKey, conversationReference: conversation(userKey) });
    expect((error as ConsentRefusedError).logFields).toMatchObject({ aadsts: 'AADSTS65004' });
    expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
    expect(await store.collections.authStates.countDocuments({ userKey })).toBe(0);
    expect(fake.counters.token.authorization_code).toBe(0);
  });

  it("never links user B through user A's state: a code from B's sign-in fails A's PKCE verifier", async () => {
    const connector = auth();
    const userA = `msteams:${randomUUID()}`;
    const userB = `msteams:${randomUUID()}`;
    fake.signInAs(ada.oid);
    const queryA = await browse(await connector.createSignInLink(userA, conversation(userA)));
    fake.signInAs(bob.oid);
    const queryB = await browse(await connector.createSignInLink(userB, conversation(userB)));

    // An attacker pastes B's code under A's state (or A's under B's): the code is bound to the other challenge.
    const mixed = new URLSearchParams({ code: queryB.get('code')!, state: queryA.get('state')! });
    const error = await connector.completeSignIn(mixed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ errorCode: 'invalid_grant', logFields: expect.objectContaining({ aadsts: 'AADSTS501481' }) });
    expect(await store.collections.accounts.countDocuments({ _id: { $in: [userA, userB] } })).toBe(0);
    // A's state is spent; B's own state still links B only, to B's account.
    await expect(connector.completeSignIn(queryA)).rejects.toBeInstanceOf(InvalidStateError);
    const freshB = await connect(connector, userB, bob);
    expect(freshB.userKey).toBe(userB);
    expect(await store.collections.accounts.countDocuments({ _id: userA })).toBe(0);
  });

  it('refuses an id_token whose nonce is not the one of this sign-in', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.signInAs(ada.oid);
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey)));
    fake.forgeNextNonce('someone-elses-nonce');
    await expect(connector.completeSignIn(query)).rejects.toMatchObject({ name: 'TokenEndpointError', errorCode: 'nonce_mismatch' });
    expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
    expect(await store.collections.tokenCaches.countDocuments({ _id: userKey })).toBe(0);
  });

  it('turns a wrong client secret into TokenEndpointError (502) without secrets in its log fields', async () => {
    const connector = auth({ MICROSOFT_CLIENT_SECRET: 'not-the-secret' });
    const userKey = `msteams:${randomUUID()}`;
    fake.signInAs(ada.oid);
    const query = await browse(await connector.createSignInLink(userKey, conversation(userKey)));
    const error = (await connector.completeSignIn(query).catch((e: unknown) => e)) as TokenEndpointError;
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({ errorCode: 'invalid_client', httpStatus: 502 });
    expect(error.userMessage).toMatch(/MICROSOFT_CLIENT_SECRET/);
    expect(error.pending?.userKey).toBe(userKey);
    const logged = JSON.stringify(error.logFields);
    for (const secret of [query.get('code')!, query.get('state')!, 'not-the-secret', CLIENT.clientSecret]) expect(logged).not.toContain(secret);
    expect(fake.counters.token.errors).toBe(1);
    expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
  });

  it('refreshes silently after expiry and persists every rotated refresh token', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    // Below MSAL's 5-minute margin: every silent call must refresh.
    fake.setAccessTokenLifetime(60);
    await connect(connector, userKey, ada);
    const [firstRefresh] = fake.liveRefreshTokens(ada.oid).slice(-1);
    const signInToken = fake.issued.accessTokens.at(-1)!;

    const token1 = await connector.getAccessToken(userKey);
    expect(token1).not.toBe(signInToken);
    expect(fake.counters.token.refresh_token).toBe(1);
    const cache1 = (await decryptedCache(userKey))!;
    expect(cache1).not.toContain(firstRefresh);
    const secondRefresh = fake.issued.refreshTokens.at(-1)!;
    expect(cache1).toContain(secondRefresh);

    // The old refresh token is dead at the fake: this only works if the rotated one was persisted.
    const token2 = await connector.getAccessToken(userKey);
    expect(token2).not.toBe(token1);
    expect(fake.counters.token.refresh_token).toBe(2);
    expect(fake.counters.token.errors).toBe(0);
    expect(await decryptedCache(userKey)).toContain(fake.issued.refreshTokens.at(-1));
    // A fresh instance (a restart) continues from the database.
    expect(decodeJwtPayload(await auth().getAccessToken(userKey))).toMatchObject({ oid: ada.oid });
    expect(fake.counters.token.errors).toBe(0);
  });

  it('marks the account needs-reconnect when the refresh token is revoked (invalid_grant), once', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.setAccessTokenLifetime(60);
    await connect(connector, userKey, ada);
    expect(fake.revokeRefreshTokens(ada.oid)).toBeGreaterThan(0);

    const error = (await connector.getAccessToken(userKey).catch((e: unknown) => e)) as ReconnectNeededError;
    expect(error).toBeInstanceOf(ReconnectNeededError);
    expect(error).toMatchObject({ reason: 'invalid_grant', newlyDetected: true, userKey });
    expect(error.logFields).toMatchObject({ aadsts: 'AADSTS50173' });
    expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'needs-reconnect' });

    const refreshes = fake.counters.token.refresh_token;
    await expect(connector.getAccessToken(userKey)).rejects.toMatchObject({ name: 'ReconnectNeededError', newlyDetected: false });
    expect(fake.counters.token.refresh_token).toBe(refreshes);

    // Reconnecting restores it.
    fake.setAccessTokenLifetime(3600);
    await connect(connector, userKey, ada);
    expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    expect(decodeJwtPayload(await connector.getAccessToken(userKey))).toMatchObject({ oid: ada.oid });
  });

  it('treats MFA-required (InteractionRequiredAuthError) as reconnect needed too', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.setAccessTokenLifetime(60);
    await connect(connector, userKey, bob);
    fake.requireInteraction(bob.oid);
    try {
      await expect(connector.getAccessToken(userKey)).rejects.toMatchObject({ name: 'ReconnectNeededError', newlyDetected: true });
      expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'needs-reconnect' });
    } finally {
      fake.requireInteraction(bob.oid, false);
    }
  });

  it('keeps the account connected when Microsoft is temporarily failing (TokenEndpointError)', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.setAccessTokenLifetime(60);
    await connect(connector, userKey, ada);
    fake.failNextTokenRequests(503, 3);
    await expect(connector.getAccessToken(userKey)).rejects.toBeInstanceOf(TokenEndpointError);
    expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
  });

  it('serializes token calls per user: 5 parallel getAccessToken -> one refresh at Microsoft', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    fake.setAccessTokenLifetime(60);
    await connect(connector, userKey, ada);
    // The token in the cache is "expired"; the refresh will bring one good for an hour.
    fake.setAccessTokenLifetime(3600);
    fake.resetCounters();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => connector.getAccessToken(userKey)));
    expect(new Set(tokens).size).toBe(1);
    expect(fake.counters.token.refresh_token).toBe(1);
    expect(fake.counters.token.errors).toBe(0);
  });

  it('reconnecting: the same account keeps its mailbox settings; another replaces the old one in account and cache', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    await connect(connector, userKey, ada);
    const adasHours = { startMinute: 420, endMinute: 900, weekdays: [1, 2, 3, 4] };
    await store.collections.accounts.updateOne({ _id: userKey }, { $set: { mailboxTimeZone: 'Europe/London', workingHours: adasHours, clockStyle: '12h' } });
    // The same account reconnecting keeps its mailbox's zone, hours and clock until they are read again.
    expect((await connect(connector, userKey, ada)).accountChanged).toBe(false);
    expect(await store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ mailboxTimeZone: 'Europe/London', workingHours: adasHours, clockStyle: '12h' });
    const result = await connect(connector, userKey, bob);
    expect(result.accountChanged).toBe(true);
    const account = await store.collections.accounts.findOne({ _id: userKey });
    expect(account).toMatchObject({ username: bob.upn, status: 'connected' });
    expect(account?.mailboxTimeZone).toBeUndefined();
    expect(account?.workingHours).toBeUndefined();
    expect(account?.clockStyle).toBeUndefined();
    const cache = (await decryptedCache(userKey))!;
    expect(cache).not.toContain(ada.oid);
    expect(decodeJwtPayload(await connector.getAccessToken(userKey))).toMatchObject({ oid: bob.oid });
  });

  it('disconnect forgets account, token cache and pending links', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    await connect(connector, userKey, ada);
    await connector.createSignInLink(userKey, conversation(userKey));
    expect(await connector.disconnect(userKey)).toEqual({ wasConnected: true, username: ada.upn });
    expect(await store.collections.accounts.countDocuments({ _id: userKey })).toBe(0);
    expect(await store.collections.tokenCaches.countDocuments({ _id: userKey })).toBe(0);
    expect(await store.collections.authStates.countDocuments({ userKey })).toBe(0);
    await expect(connector.getAccessToken(userKey)).rejects.toBeInstanceOf(NotConnectedError);
    expect(await connector.disconnect(userKey)).toEqual({ wasConnected: false, username: undefined });
  });

  it('a cache encrypted under another key is ignored: reconnect needed, and a new sign-in overwrites it', async () => {
    const connector = auth();
    const userKey = `msteams:${randomUUID()}`;
    await connect(connector, userKey, ada);
    const otherKey = createMicrosoftAuth({
      config: loadConfig({ PUBLIC_URL, MICROSOFT_CLIENT_ID: CLIENT.clientId, MICROSOFT_CLIENT_SECRET: CLIENT.clientSecret, MICROSOFT_TENANT_ID: TENANT, MICROSOFT_AUTHORITY_HOST: fake.authorityHost }),
      collections: store.collections,
      encryptionKey: Buffer.alloc(32, 9),
      logger: createLogger('silent'),
    })!;
    await expect(otherKey.getAccessToken(userKey)).rejects.toMatchObject({ name: 'ReconnectNeededError', reason: 'account-not-in-cache' });
    fake.signInAs(ada.oid);
    const query = await browse(await otherKey.createSignInLink(userKey, conversation(userKey, ada.oid)));
    linked(await otherKey.completeSignIn(query));
    expect(decodeJwtPayload(await otherKey.getAccessToken(userKey))).toMatchObject({ oid: ada.oid });
  });

  it('stores no token in clear: a raw scan of every document finds none of the issued tokens or codes', async () => {
    const connector = auth();
    fake.setAccessTokenLifetime(60);
    const userKey = `msteams:${randomUUID()}`;
    await connect(connector, userKey, ada);
    await connector.getAccessToken(userKey);
    await connector.createSignInLink(`msteams:${randomUUID()}`, conversation('pending'));

    const secrets = [...fake.issued.accessTokens, ...fake.issued.refreshTokens, ...fake.issued.idTokens, ...fake.issued.codes];
    expect(fake.issued.refreshTokens.length).toBeGreaterThan(1);
    // Fragments too: a token split or re-encoded around its middle still shows a long run of its characters.
    const needles = secrets.flatMap((s) => [s, s.slice(20, 84)]).map((s) => Buffer.from(s, 'utf8'));
    let scanned = 0;
    let tokenCacheBytes = 0;
    for (const { name } of await store.db.listCollections().toArray()) {
      for await (const doc of store.db.collection(name).find({})) {
        const raw = Buffer.from(BSON.serialize(doc));
        scanned++;
        if (name === 'tokenCaches') tokenCacheBytes += raw.length;
        for (const needle of needles) expect(raw.includes(needle)).toBe(false);
      }
    }
    expect(scanned).toBeGreaterThan(3);
    expect(tokenCacheBytes).toBeGreaterThan(1000);
    // Positive control: the same scan over the decrypted cache does find the live refresh token.
    expect(Buffer.from((await decryptedCache(userKey))!).includes(Buffer.from(fake.issued.refreshTokens.at(-1)!))).toBe(true);
  });

  it('returns a link as TokenEndpointError when the authority is unreachable', async () => {
    const connector = auth({ MICROSOFT_AUTHORITY_HOST: 'https://localhost:1' });
    const userKey = `msteams:${randomUUID()}`;
    await expect(connector.createSignInLink(userKey, conversation(userKey))).rejects.toMatchObject({ name: 'TokenEndpointError', errorCode: 'discovery_failed' });
    expect(await store.collections.authStates.countDocuments({ userKey })).toBe(0);
  });
});

describe('the account names calbot shows are shown as typed', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness({}, 'connect_names');
  });
  afterAll(async () => {
    await h.close();
  });

  /** The bot's reply to `text` (by replyToId), the whole activity. */
  async function reply(chat: TeamsUser, text: string) {
    const activity = h.message(text, chat) as { id: string };
    expect(await h.post(activity)).toBeLessThan(300);
    const [answer] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && r.replyToId === activity.id);
    return answer!.activity;
  }
  type CardBody = { type: string; text?: string; inlines?: { text: string }[] }[];
  const blocks = (activity: { attachments?: { content: { body: CardBody } }[] }) => activity.attachments![0]!.content.body;
  /** What each block says: a RichTextBlock's TextRuns joined. */
  const texts = (activity: { attachments?: { content: { body: CardBody } }[] }) => blocks(activity).map((b) => b.text ?? b.inlines!.map((run) => run.text).join(''));
  /** Only what Teams reads as markdown: TextBlocks. */
  const textBlocks = (activity: { attachments?: { content: { body: CardBody } }[] }) => blocks(activity).filter((b) => b.type === 'TextBlock').map((b) => b.text!);

  test('a display name and a user name with markdown in them: the messages naming them are plain text, and the cards show them in TextRuns, never in a TextBlock', async () => {
    const name = 'Eve **Boss** [Pay here](https://evil.example) _x_ `y` ~z~ <b>';
    const chat = teamsUser('Eve Names');
    const userKey = `msteams:${chat.id}`;
    const microsoft = h.addMicrosoftUser(name);
    expect((await h.connect(chat, microsoft)).status).toBe(200);
    const [connected] = await h.connector.waitFor(1, (r) => r.conversationId === chat.conversationId && /^Connected to Outlook as/.test(r.activity.text ?? ''));
    expect(connected!.activity).toMatchObject({ text: expect.stringContaining(`Connected to Outlook as ${name} (${microsoft.upn}).`), textFormat: 'plain' });

    // "connect outlook" while connected: the card says who, as written, in a TextRun (Teams shows no markdown there).
    const already = await reply(chat, 'connect outlook');
    expect(texts(already)[1]).toBe(`Connected as ${name} (${microsoft.upn})`);
    expect(textBlocks(already).join('\n')).not.toMatch(/Boss|Pay here/);

    // A user name with underscores (first_last@…), which markdown would set in italics between them.
    const username = 'eve_the_boss@contoso.example';
    await h.store.collections.accounts.updateOne({ _id: userKey }, { $set: { username } });
    const renew = await reply(chat, 'reconnect');
    expect(texts(renew)).toContain("You're connected as eve_the_boss@contoso.example. Sign in again to renew calbot's access, or with another Microsoft account to switch to it.");
    expect(textBlocks(renew).join('\n')).not.toContain('eve_the_boss');
    await h.store.collections.accounts.updateOne({ _id: userKey }, { $set: { status: 'needs-reconnect' } });
    expect(await reply(chat, 'status')).toMatchObject({ text: `Your Outlook connection (${username}) has expired or was revoked. Say "reconnect" to sign in again.`, textFormat: 'plain' });
    expect(await reply(chat, 'disconnect outlook')).toMatchObject({ text: expect.stringMatching(/^Disconnected from Outlook \(eve_the_boss@contoso\.example\)\. /), textFormat: 'plain' });
  });
});
