import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Binary } from 'mongodb';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Collections } from '../store/collections.js';

/** AAD of a pending sign-in's PKCE verifier (AuthStateDoc.codeVerifier): it opens only as that state's. */
export const authStateContext = (stateId: string) => `auth-state:${stateId}`;

/** AES-256-GCM output as stored in MongoDB (TokenCacheDoc, AuthStateDoc.codeVerifier). */
export interface SealedBox {
  iv: Binary;
  tag: Binary;
  ciphertext: Binary;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
/** GCM's full tag. Named when deciphering too: without it Node takes a tag cut to 4 bytes, a 1 in 2^32 forgery. */
const TAG_BYTES = 16;
export const KEY_FILE_NAME = 'token-encryption.key';

/**
 * Encrypts with a fresh random IV. `context` is bound as additional authenticated data: a box sealed for one
 * document (e.g. `token-cache:msteams:29:abc`) does not open as another's, so copying ciphertext between users fails.
 */
export function seal(key: Buffer, plaintext: string | Buffer, context = ''): SealedBox {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: new Binary(iv), tag: new Binary(cipher.getAuthTag()), ciphertext: new Binary(ciphertext) };
}

/** Throws when the key, the context or any byte is wrong (GCM authentication). */
export function open(key: Buffer, box: SealedBox, context = ''): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, bytes(box.iv), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes(box.tag));
  return Buffer.concat([decipher.update(bytes(box.ciphertext)), decipher.final()]);
}

/**
 * As open, with the key tokens are sealed with (`key`) first and then each key being rotated away from
 * (TOKEN_ENCRYPTION_KEY_PREVIOUS): until key-rotation.ts has sealed every box again, some are still under an old one.
 */
export function openWithAny(key: Buffer, previous: readonly Buffer[], box: SealedBox, context = ''): Buffer {
  try {
    return open(key, box, context);
  } catch (error) {
    for (const old of previous) {
      try {
        return open(old, box, context);
      } catch {
        // the next one
      }
    }
    throw error;
  }
}

function bytes(value: Binary | Buffer | Uint8Array): Buffer {
  if (value instanceof Binary) return Buffer.from(value.buffer.subarray(0, value.position));
  return Buffer.from(value);
}

/**
 * TOKEN_ENCRYPTION_KEY when set. Otherwise (embedded database only: config refuses MONGODB_URI without a key) a key
 * generated once into `${dataDir}/token-encryption.key`, mode 0600, next to the database it protects.
 */
export async function loadOrCreateEncryptionKey(
  config: Pick<Config, 'tokenEncryptionKey' | 'mongodbUri'>,
  dataDir: string,
  logger: Logger,
): Promise<Buffer> {
  if (config.tokenEncryptionKey) return config.tokenEncryptionKey;
  if (config.mongodbUri) throw new Error('TOKEN_ENCRYPTION_KEY: required when MONGODB_URI is set');
  const path = join(dataDir, KEY_FILE_NAME);
  await mkdir(dataDir, { recursive: true });
  try {
    // 'wx': two processes starting at once cannot both write a key; the loser reads the winner's.
    await writeFile(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    logger.warn({ event: 'encryption-key-generated', path }, 'TOKEN_ENCRYPTION_KEY is not set: generated a token encryption key file; back it up with the data directory (without it every user must reconnect Outlook)');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${path}: expected ${KEY_BYTES} random bytes, base64-encoded`);
  const mode = (await stat(path)).mode & 0o777;
  if (mode & 0o077) {
    await chmod(path, 0o600);
    logger.warn({ event: 'encryption-key-file-restricted', path, mode: mode.toString(8) }, 'token encryption key file was readable by others: restricted it to 0600');
  }
  return key;
}

export const KEY_CHECK_ID = 'token-encryption-key';
const KEY_CHECK_PLAINTEXT = 'calbot token encryption key check';

/** The key is not the one this database's tokens were sealed with. */
export class WrongEncryptionKeyError extends Error {
  constructor() {
    super(
      'TOKEN_ENCRYPTION_KEY: not the key this database\'s tokens were encrypted with (restore the original key, ' +
        'or delete the keyChecks, tokenCaches and authStates collections to start over: every user then reconnects Outlook)',
    );
    this.name = 'WrongEncryptionKeyError';
  }
}

/**
 * Another calbot on this database was started with a new TOKEN_ENCRYPTION_KEY and sealed the stored tokens again
 * (key-rotation.ts) while this one runs on with the old key alone: the tokens are fine, this process is out of date.
 */
export class EncryptionKeyRotatedError extends Error {
  constructor() {
    super('TOKEN_ENCRYPTION_KEY was rotated by another calbot on this database: restart this one with the new key (and the old one in TOKEN_ENCRYPTION_KEY_PREVIOUS)');
    this.name = 'EncryptionKeyRotatedError';
  }
}

/**
 * Start-up check that `key` is the database's: the first start seals a known value with it (keyChecks); every later
 * start must open it. Without this a wrong key would read as "no tokens", and each user's next sync would mark them
 * needs-reconnect and send them a card, all within one sync interval.
 */
export async function verifyEncryptionKey(collections: Pick<Collections, 'keyChecks'>, key: Buffer, now = new Date()): Promise<'created' | 'verified'> {
  let check = await collections.keyChecks.findOne({ _id: KEY_CHECK_ID });
  if (!check) {
    const box = sealKeyCheck(key);
    // Two processes starting at once: one insert wins, the other (a duplicate key) checks against it like any later start.
    try {
      await collections.keyChecks.insertOne({ _id: KEY_CHECK_ID, ...box, createdAt: now });
    } catch (error) {
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
    check = await collections.keyChecks.findOne({ _id: KEY_CHECK_ID });
    if (check && check.ciphertext.buffer.length > 0 && opens(key, check)) return 'created';
  }
  if (!check || !opens(key, check)) throw new WrongEncryptionKeyError();
  return 'verified';
}

/** The start-up check sealed with `key` (to replace the stored one when the key is rotated). */
export function sealKeyCheck(key: Buffer): SealedBox {
  return seal(key, KEY_CHECK_PLAINTEXT, KEY_CHECK_ID);
}

/** Whether the stored start-up check opens with `key`. */
export function opens(key: Buffer, box: SealedBox): boolean {
  try {
    return open(key, box, KEY_CHECK_ID).toString('utf8') === KEY_CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}
