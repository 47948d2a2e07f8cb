import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Binary } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { KEY_FILE_NAME, loadOrCreateEncryptionKey, open, seal, verifyEncryptionKey, WrongEncryptionKeyError } from '../../src/auth/token-crypto.js';
import { createLogger } from '../../src/log.js';
import { startCalbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/store/database.js';
import { openTestDatabase } from '../support/database.js';

const key = Buffer.alloc(32, 1);

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', stream as never), lines };
}

describe('seal / open (AES-256-GCM)', () => {
  it('round-trips with fresh IVs, as Binary fields', () => {
    const a = seal(key, 'refresh-token-value', 'ctx');
    const b = seal(key, 'refresh-token-value', 'ctx');
    expect(a.iv).toBeInstanceOf(Binary);
    expect(a.iv.length()).toBe(12);
    expect(a.tag.length()).toBe(16);
    expect(Buffer.from(a.ciphertext.buffer).toString('utf8')).not.toContain('refresh-token-value');
    expect(Buffer.from(a.iv.buffer).equals(Buffer.from(b.iv.buffer))).toBe(false);
    expect(open(key, a, 'ctx').toString()).toBe('refresh-token-value');
  });

  it('refuses a wrong key, a wrong context and any flipped byte', () => {
    const box = seal(key, 'secret', 'token-cache:msteams:a');
    expect(() => open(Buffer.alloc(32, 2), box, 'token-cache:msteams:a')).toThrow();
    expect(() => open(key, box, 'token-cache:msteams:b')).toThrow();
    const bytes = Buffer.from(box.ciphertext.buffer);
    bytes[0] = bytes[0]! ^ 1;
    expect(() => open(key, { ...box, ciphertext: new Binary(bytes) }, 'token-cache:msteams:a')).toThrow();
  });

  it('refuses its own tag cut short: only the full 16 bytes authenticate a box', () => {
    const box = seal(key, 'secret', 'token-cache:msteams:a');
    for (const length of [4, 8, 12, 15]) {
      const tag = new Binary(Buffer.from(box.tag.buffer).subarray(0, length));
      expect(() => open(key, { ...box, tag }, 'token-cache:msteams:a')).toThrow();
    }
    expect(open(key, box, 'token-cache:msteams:a').toString()).toBe('secret');
  });
});

describe('loadOrCreateEncryptionKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'calbot-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses TOKEN_ENCRYPTION_KEY when set and writes nothing', async () => {
    const { logger, lines } = capturingLogger();
    expect(await loadOrCreateEncryptionKey({ tokenEncryptionKey: key, mongodbUri: 'mongodb://x' }, dir, logger)).toBe(key);
    expect(() => statSync(join(dir, KEY_FILE_NAME))).toThrow();
    expect(lines).toHaveLength(0);
  });

  it('refuses an external database without a key', async () => {
    await expect(loadOrCreateEncryptionKey({ tokenEncryptionKey: undefined, mongodbUri: 'mongodb://x' }, dir, createLogger('silent'))).rejects.toThrow(/TOKEN_ENCRYPTION_KEY/);
  });

  it('embedded: generates a 0600 key file once, warns without logging the key, and reuses it', async () => {
    const { logger, lines } = capturingLogger();
    const dataDir = join(dir, 'data');
    const first = await loadOrCreateEncryptionKey({ tokenEncryptionKey: undefined, mongodbUri: undefined }, dataDir, logger);
    expect(first).toHaveLength(32);
    const path = join(dataDir, KEY_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toMatch(/TOKEN_ENCRYPTION_KEY is not set/);
    expect(lines.join('')).not.toContain(first.toString('base64'));
    expect(lines.join('')).not.toContain(readFileSync(path, 'utf8').trim());
    const second = await loadOrCreateEncryptionKey({ tokenEncryptionKey: undefined, mongodbUri: undefined }, dataDir, logger);
    expect(second.equals(first)).toBe(true);
    expect(lines).toHaveLength(1);
  });

  it('restricts a key file readable by others, and rejects a malformed one', async () => {
    const path = join(dir, KEY_FILE_NAME);
    writeFileSync(path, Buffer.alloc(32, 5).toString('base64'));
    chmodSync(path, 0o644);
    const { logger, lines } = capturingLogger();
    expect((await loadOrCreateEncryptionKey({ tokenEncryptionKey: undefined, mongodbUri: undefined }, dir, logger)).equals(Buffer.alloc(32, 5))).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(lines.join('')).toMatch(/readable by others/);
    writeFileSync(path, 'c2hvcnQ=');
    await expect(loadOrCreateEncryptionKey({ tokenEncryptionKey: undefined, mongodbUri: undefined }, dir, logger)).rejects.toThrow(/32 random bytes/);
  });
});

describe('verifyEncryptionKey', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestDatabase('keycheck');
  });
  afterAll(async () => {
    await store.close();
  });

  it('seals a check with the first key, accepts that key again, and refuses any other before a token is touched', async () => {
    const first = randomBytes(32);
    expect(await verifyEncryptionKey(store.collections, first)).toBe('created');
    expect(await verifyEncryptionKey(store.collections, first)).toBe('verified');
    await expect(verifyEncryptionKey(store.collections, randomBytes(32))).rejects.toThrow(WrongEncryptionKeyError);
    await expect(verifyEncryptionKey(store.collections, randomBytes(32))).rejects.toThrow(/TOKEN_ENCRYPTION_KEY: not the key this database's tokens were encrypted with/);
    // The check holds nothing secret in clear, and the refused key leaves it as it was.
    const [check] = await store.collections.keyChecks.find().toArray();
    expect(JSON.stringify(check)).not.toContain(first.toString('base64'));
    expect(await verifyEncryptionKey(store.collections, first)).toBe('verified');
  });

  it('calbot itself refuses to start with another key (one clear error), and starts again with the right one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'calbot-keystart-'));
    const start = (key: Buffer) =>
      startCalbot(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOKEN_ENCRYPTION_KEY: key.toString('base64') }), createLogger('silent'), { store, host: '127.0.0.1' });
    try {
      await store.collections.keyChecks.deleteMany({});
      const right = randomBytes(32);
      await (await start(right)).stop();
      await expect(start(randomBytes(32))).rejects.toThrow(WrongEncryptionKeyError);
      await (await start(right)).stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('two processes starting at once with the same key both start; with different keys one is refused', async () => {
    await store.collections.keyChecks.deleteMany({});
    const key = randomBytes(32);
    const same = await Promise.all([verifyEncryptionKey(store.collections, key), verifyEncryptionKey(store.collections, key)]);
    for (const result of same) expect(['created', 'verified']).toContain(result);
    expect(await store.collections.keyChecks.countDocuments()).toBe(1);
    await store.collections.keyChecks.deleteMany({});
    const results = await Promise.allSettled([verifyEncryptionKey(store.collections, randomBytes(32)), verifyEncryptionKey(store.collections, randomBytes(32))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});
