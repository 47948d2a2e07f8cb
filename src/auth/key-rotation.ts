import type { Logger } from '../log.js';
import type { Collections } from '../store/collections.js';
import { tokenCacheContext } from './token-cache.js';
import { authStateContext, KEY_CHECK_ID, open, opens, seal, sealKeyCheck, verifyEncryptionKey, WrongEncryptionKeyError, type SealedBox } from './token-crypto.js';

export interface RotationResult {
  /** 'rotated': the database's key was a previous one and is now `key`; 'verified': it already was `key`. */
  outcome: 'created' | 'verified' | 'rotated';
  /** Boxes opened with a previous key and sealed again with `key` (token caches, pending sign-ins' verifiers). */
  resealed: number;
  /** Boxes no key opens (tampered, or sealed with a key not given): left as they are, read as no tokens. */
  unreadable: number;
}

/**
 * Start-up check of TOKEN_ENCRYPTION_KEY and, with TOKEN_ENCRYPTION_KEY_PREVIOUS set, key rotation: every box still
 * sealed with a previous key is opened and sealed again with `key`, and then the start-up check itself, so the
 * database is `key`'s. No transactions (FerretDB has none): each box is replaced only if it is still the one read
 * (another process may have written it meanwhile, with either key), and the check goes last, so a rotation cut off
 * half-way leaves a database that both keys read and that the next start finishes. Until then every reader tries the
 * previous keys after `key` (openWithAny), including another calbot still running with the old key alone, which may
 * write a box with it: a later start with the previous key still set seals it again.
 */
export async function verifyOrRotateEncryptionKey(
  collections: Pick<Collections, 'keyChecks' | 'tokenCaches' | 'authStates'>,
  key: Buffer,
  previous: readonly Buffer[],
  logger: Logger,
): Promise<RotationResult> {
  if (previous.length === 0) return { outcome: await verifyEncryptionKey(collections, key), resealed: 0, unreadable: 0 };
  const check = await collections.keyChecks.findOne({ _id: KEY_CHECK_ID });
  if (!check) return { outcome: await verifyEncryptionKey(collections, key), resealed: 0, unreadable: 0 };
  const current = opens(key, check);
  if (!current && !previous.some((old) => opens(old, check))) throw new WrongEncryptionKeyError();

  const counts = { resealed: 0, unreadable: 0 };
  const reseal = (box: SealedBox, context: string): SealedBox | undefined => {
    if (opensWith(key, box, context)) return undefined;
    for (const old of previous) {
      if (!opensWith(old, box, context)) continue;
      counts.resealed++;
      return seal(key, open(old, box, context), context);
    }
    counts.unreadable++;
    return undefined;
  };
  for await (const doc of collections.tokenCaches.find({})) {
    const box = reseal(doc, tokenCacheContext(doc._id));
    if (box) await collections.tokenCaches.replaceOne({ _id: doc._id, ciphertext: doc.ciphertext }, { ...box, updatedAt: doc.updatedAt });
  }
  for await (const doc of collections.authStates.find({}, { projection: { codeVerifier: 1 } })) {
    const box = reseal(doc.codeVerifier, authStateContext(doc._id));
    if (box) await collections.authStates.updateOne({ _id: doc._id, 'codeVerifier.ciphertext': doc.codeVerifier.ciphertext }, { $set: { codeVerifier: box } });
  }
  if (!current) await collections.keyChecks.replaceOne({ _id: KEY_CHECK_ID, ciphertext: check.ciphertext }, { ...sealKeyCheck(key), createdAt: check.createdAt });
  const outcome = current ? 'verified' : 'rotated';
  logger.info(
    { event: 'token-key-rotation', outcome, ...counts },
    counts.resealed === 0 && current
      ? 'token encryption key: every stored token is sealed with TOKEN_ENCRYPTION_KEY; TOKEN_ENCRYPTION_KEY_PREVIOUS can be removed once no calbot runs with the old key'
      : 'token encryption key: stored tokens sealed again with TOKEN_ENCRYPTION_KEY',
  );
  if (counts.unreadable > 0) logger.warn({ event: 'token-key-rotation', unreadable: counts.unreadable }, 'token encryption key: some stored tokens open with no key given; those users must reconnect Outlook');
  return { outcome, ...counts };
}

function opensWith(key: Buffer, box: SealedBox, context: string): boolean {
  try {
    open(key, box, context);
    return true;
  } catch {
    return false;
  }
}
