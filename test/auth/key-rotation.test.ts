import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { verifyOrRotateEncryptionKey } from '../../src/auth/key-rotation.js';
import { tokenCacheContext } from '../../src/auth/token-cache.js';
import { authStateContext, EncryptionKeyRotatedError, open, seal, verifyEncryptionKey, WrongEncryptionKeyError } from '../../src/auth/token-crypto.js';
import { startCalbot, type Calbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { Store } from '../../src/store/database.js';
import { freePort } from '../../src/store/embedded-database.js';
import { openTestDatabase } from '../support/database.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { at, command, connectedUser, SYNC_ENV } from '../sync/sync-support.js';

function capturingLogger() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { logger: createLogger('info', stream as never), lines };
}

describe('verifyOrRotateEncryptionKey (TOKEN_ENCRYPTION_KEY_PREVIOUS)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestDatabase('keyrotation');
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await Promise.all([store.collections.keyChecks.deleteMany({}), store.collections.tokenCaches.deleteMany({}), store.collections.authStates.deleteMany({})]);
  });

  const updatedAt = new Date('2026-11-02T10:00:00Z');
  async function seedCache(key: Buffer, userKey: string, json: string): Promise<void> {
    await store.collections.tokenCaches.insertOne({ _id: userKey, ...seal(key, json, tokenCacheContext(userKey)), updatedAt });
  }
  async function seedAuthState(key: Buffer, id: string, verifier: string): Promise<void> {
    const now = new Date();
    await store.collections.authStates.insertOne({
      _id: id,
      userKey: 'msteams:29:a',
      conversationReference: {},
      codeVerifier: seal(key, verifier, authStateContext(id)),
      nonce: 'n',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 600_000),
    });
  }
  const cacheJson = async (key: Buffer, userKey: string) => open(key, (await store.collections.tokenCaches.findOne({ _id: userKey }))!, tokenCacheContext(userKey)).toString();
  const opensWith = async (key: Buffer, userKey: string) => cacheJson(key, userKey).then(() => true, () => false);

  it('seals every token cache and pending verifier again with the new key, then the start-up check; the old key is then refused', async () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    await verifyEncryptionKey(store.collections, old);
    await seedCache(old, 'msteams:29:a', '{"refresh":"a"}');
    await seedCache(old, 'msteams:29:b', '{"refresh":"b"}');
    await seedCache(old, 'pending-sign-in:s1', '{"refresh":"p"}');
    await seedAuthState(old, 'state-1', 'verifier-1');
    const { logger, lines } = capturingLogger();

    expect(await verifyOrRotateEncryptionKey(store.collections, next, [old], logger)).toEqual({ outcome: 'rotated', resealed: 4, unreadable: 0 });
    for (const userKey of ['msteams:29:a', 'msteams:29:b', 'pending-sign-in:s1']) {
      expect(await opensWith(next, userKey)).toBe(true);
      expect(await opensWith(old, userKey)).toBe(false);
    }
    expect(await cacheJson(next, 'msteams:29:b')).toBe('{"refresh":"b"}');
    // When a cache was last written by MSAL is kept: re-sealing is not a change of tokens.
    expect((await store.collections.tokenCaches.findOne({ _id: 'msteams:29:a' }))!.updatedAt).toEqual(updatedAt);
    const state = (await store.collections.authStates.findOne({ _id: 'state-1' }))!;
    expect(open(next, state.codeVerifier, authStateContext('state-1')).toString()).toBe('verifier-1');

    expect(lines).toEqual([expect.objectContaining({ level: 30, event: 'token-key-rotation', outcome: 'rotated', resealed: 4, unreadable: 0 })]);
    expect(JSON.stringify(lines)).not.toContain(old.toString('base64'));
    expect(JSON.stringify(lines)).not.toContain(next.toString('base64'));

    // The database is the new key's now: alone it is verified, the old key alone is refused.
    expect(await verifyEncryptionKey(store.collections, next)).toBe('verified');
    await expect(verifyEncryptionKey(store.collections, old)).rejects.toThrow(WrongEncryptionKeyError);
    // Starting again with both changes nothing, and says the old key can go.
    const again = capturingLogger();
    expect(await verifyOrRotateEncryptionKey(store.collections, next, [old], again.logger)).toEqual({ outcome: 'verified', resealed: 0, unreadable: 0 });
    expect(again.lines[0]!.msg).toMatch(/TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed/);
  });

  it('finishes a rotation cut off half-way, and seals again what a calbot still on the old key wrote since', async () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    await verifyEncryptionKey(store.collections, old);
    // Cut off: one cache already under the new key, the check still under the old one.
    await seedCache(next, 'msteams:29:done', '{"refresh":"done"}');
    await seedCache(old, 'msteams:29:left', '{"refresh":"left"}');
    expect(await verifyOrRotateEncryptionKey(store.collections, next, [old], capturingLogger().logger)).toEqual({ outcome: 'rotated', resealed: 1, unreadable: 0 });
    expect(await cacheJson(next, 'msteams:29:done')).toBe('{"refresh":"done"}');
    expect(await cacheJson(next, 'msteams:29:left')).toBe('{"refresh":"left"}');

    // An instance not yet restarted refreshes a token and writes its cache with the old key.
    await store.collections.tokenCaches.deleteOne({ _id: 'msteams:29:left' });
    await seedCache(old, 'msteams:29:left', '{"refresh":"left-2"}');
    expect(await verifyOrRotateEncryptionKey(store.collections, next, [old], capturingLogger().logger)).toEqual({ outcome: 'verified', resealed: 1, unreadable: 0 });
    expect(await cacheJson(next, 'msteams:29:left')).toBe('{"refresh":"left-2"}');
  });

  it('leaves a box no key opens as it is, and warns with how many', async () => {
    const old = randomBytes(32);
    const next = randomBytes(32);
    await verifyEncryptionKey(store.collections, old);
    await seedCache(old, 'msteams:29:ok', '{}');
    await seedCache(randomBytes(32), 'msteams:29:lost', '{}');
    const stored = await store.collections.tokenCaches.findOne({ _id: 'msteams:29:lost' });
    const { logger, lines } = capturingLogger();
    expect(await verifyOrRotateEncryptionKey(store.collections, next, [old], logger)).toEqual({ outcome: 'rotated', resealed: 1, unreadable: 1 });
    expect(await store.collections.tokenCaches.findOne({ _id: 'msteams:29:lost' })).toEqual(stored);
    expect(lines.filter((line) => line.level === 40)).toEqual([expect.objectContaining({ event: 'token-key-rotation', unreadable: 1 })]);
  });

  it('refuses keys of which none is the database\'s, touching nothing', async () => {
    const old = randomBytes(32);
    await verifyEncryptionKey(store.collections, old);
    await seedCache(old, 'msteams:29:a', '{}');
    const before = await store.collections.tokenCaches.find().toArray();
    await expect(verifyOrRotateEncryptionKey(store.collections, randomBytes(32), [randomBytes(32)], capturingLogger().logger)).rejects.toThrow(WrongEncryptionKeyError);
    expect(await store.collections.tokenCaches.find().toArray()).toEqual(before);
    expect(await verifyEncryptionKey(store.collections, old)).toBe('verified');
  });

  it('is read from the environment: keys separated by commas, never one equal to TOKEN_ENCRYPTION_KEY, and only with it', () => {
    const [a, b, c] = [randomBytes(32), randomBytes(32), randomBytes(32)].map((key) => key.toString('base64'));
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: a, TOKEN_ENCRYPTION_KEY_PREVIOUS: ` ${b}, ${c} ` }).tokenEncryptionKeysPrevious.map((key) => key.toString('base64'))).toEqual([b, c]);
    expect(loadConfig({ TOKEN_ENCRYPTION_KEY: a }).tokenEncryptionKeysPrevious).toEqual([]);
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY_PREVIOUS: b })).toThrow(/^TOKEN_ENCRYPTION_KEY_PREVIOUS: expected TOKEN_ENCRYPTION_KEY to be set too/);
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: a, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${b},${a}` })).toThrow(/^TOKEN_ENCRYPTION_KEY_PREVIOUS: expected keys other than TOKEN_ENCRYPTION_KEY/);
    expect(() => loadConfig({ TOKEN_ENCRYPTION_KEY: a, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${b},short` })).toThrow(/^TOKEN_ENCRYPTION_KEY_PREVIOUS: expected keys of 32 random bytes/);
  });
});

describe('rotating TOKEN_ENCRYPTION_KEY on a running deployment, end to end', () => {
  const old = randomBytes(32);
  const next = randomBytes(32);
  let h: CloudHarness;
  let restarted: Calbot | undefined;
  beforeAll(async () => {
    // Access tokens below MSAL's 5-minute margin: every sync refreshes, so the cache is read and written each time.
    h = await startCloudHarness({ ...SYNC_ENV, TOKEN_ENCRYPTION_KEY: old.toString('base64') }, 'keyrotation_e2e', { accessTokenLifetimeSeconds: 240 });
  });
  afterAll(async () => {
    await restarted?.stop();
    await h.close();
  });

  /** Stops whichever calbot runs and starts one on the same database and port with these keys. */
  async function restart(key: Buffer, previous: Buffer[]): Promise<Calbot> {
    await (restarted ?? h.calbot).stop();
    const config = { ...h.calbot.config, tokenEncryptionKey: key, tokenEncryptionKeysPrevious: previous };
    restarted = await startCalbot(config, createLogger('silent'), { store: h.store, host: '127.0.0.1' });
    return restarted;
  }

  it('a user connected under the old key syncs after the restart with both keys, and after the next with the new key alone, never asked to reconnect', async () => {
    const { chat, microsoft, userKey } = await connectedUser(h, 'Rota Tion');
    const refreshes = h.identity.counters.token.refresh_token;

    await restart(next, [old]);
    h.graph.addEvent(microsoft.oid, { subject: 'After rotation', start: at(1, 9), end: at(1, 10) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    // The cache the old key sealed was opened (MSAL found the account and refreshed with its refresh token).
    expect(h.identity.counters.token.refresh_token).toBeGreaterThan(refreshes);
    const cache = (await h.store.collections.tokenCaches.findOne({ _id: userKey }))!;
    expect(() => open(next, cache, tokenCacheContext(userKey))).not.toThrow();
    expect(() => open(old, cache, tokenCacheContext(userKey))).toThrow();

    // A calbot not restarted yet (the old key alone) writes the cache after a refresh of its own: read all the same.
    const json = open(next, cache, tokenCacheContext(userKey));
    await h.store.collections.tokenCaches.replaceOne({ _id: userKey }, { ...seal(old, json, tokenCacheContext(userKey)), updatedAt: new Date() });
    h.graph.addEvent(microsoft.oid, { subject: 'Written with the old key', start: at(1, 11), end: at(1, 12) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);

    await restart(next, []);
    h.graph.addEvent(microsoft.oid, { subject: 'Old key gone', start: at(2, 9), end: at(2, 10) });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    expect((await h.store.collections.accounts.findOne({ _id: userKey }))!.status).toBe('connected');

    // And back to the old key alone: refused at start-up, before any token is touched.
    await restarted!.stop();
    const config = loadConfig({ PORT: '0', DATA_DIR: h.calbot.config.dataDir, LOG_LEVEL: 'silent', TOKEN_ENCRYPTION_KEY: old.toString('base64') });
    await expect(startCalbot(config, createLogger('silent'), { store: h.store, host: '127.0.0.1' })).rejects.toThrow(WrongEncryptionKeyError);
    restarted = undefined;
  });
});

describe('a calbot still on the old key beside one restarted with both (a rolling restart)', () => {
  const old = randomBytes(32);
  const next = randomBytes(32);
  let h: CloudHarness;
  let rotated: Calbot | undefined;
  beforeAll(async () => {
    h = await startCloudHarness({ ...SYNC_ENV, TOKEN_ENCRYPTION_KEY: old.toString('base64') }, 'keyrotation_rolling', { accessTokenLifetimeSeconds: 240 });
  });
  afterAll(async () => {
    await rotated?.stop();
    await h.close();
  });

  it('does not take the tokens sealed again with the new key for no tokens: nobody is marked needs-reconnect, and the restarted one reads them', async () => {
    const { userKey } = await connectedUser(h, 'Roll Ing');
    // The second instance starts with the new key (and the old one as previous) while the first runs on: it seals
    // every token cache again with the new key, which the first cannot open.
    rotated = await startCalbot({ ...h.calbot.config, port: await freePort(), tokenEncryptionKey: next, tokenEncryptionKeysPrevious: [old] }, createLogger('silent'), { store: h.store, host: '127.0.0.1' });
    const cache = (await h.store.collections.tokenCaches.findOne({ _id: userKey }))!;
    expect(() => open(next, cache, tokenCacheContext(userKey))).not.toThrow();

    // The first instance's next sync of this user asks for a token: it fails, as a problem of that instance.
    await expect(h.calbot.auth!.getAccessToken(userKey)).rejects.toThrow(EncryptionKeyRotatedError);
    expect((await h.store.collections.accounts.findOne({ _id: userKey }))!.status).toBe('connected');
    // The restarted one (and the first, once restarted with the new key) reads the cache and refreshes from it.
    const refreshes = h.identity.counters.token.refresh_token;
    const token = await rotated.auth!.getAccessToken(userKey);
    // A token the identity platform issued for the cache's refresh token (it lives 240 s: always refreshed).
    expect(h.identity.counters.token.refresh_token).toBe(refreshes + 1);
    expect(h.identity.issued.accessTokens.at(-1)).toBe(token);
    expect((await h.store.collections.accounts.findOne({ _id: userKey }))!.status).toBe('connected');
  });
});
