import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { Collection } from 'mongodb';
import type { Logger } from '../log.js';
import type { Collections, TokenCacheDoc } from '../store/collections.js';
import { EncryptionKeyRotatedError, KEY_CHECK_ID, opens, openWithAny, seal } from './token-crypto.js';

/** AAD for a user's cache: a document copied under another user's id does not decrypt. */
export const tokenCacheContext = (userKey: string) => `token-cache:${userKey}`;

/**
 * MSAL's cache persistence for one user's partition: load and decrypt before every cache access, encrypt and write
 * after any change, so a rotated refresh token is on disk before the next call can need it. One plugin (and one
 * ConfidentialClientApplication) per user operation, as MSAL's distributed-cache pattern does: a shared in-memory
 * cache would mix users.
 */
export function createTokenCachePlugin(
  tokenCaches: Collection<TokenCacheDoc>,
  keys: { encryptionKey: Buffer; previousKeys: readonly Buffer[]; collections: Pick<Collections, 'keyChecks'> },
  userKey: string,
  logger: Logger,
): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const doc = await tokenCaches.findOne({ _id: userKey });
      if (!doc) return;
      let json: string;
      try {
        json = openWithAny(keys.encryptionKey, keys.previousKeys, doc, tokenCacheContext(userKey)).toString('utf8');
      } catch {
        // Another calbot rotated the key (key-rotation.ts) while this one runs on with the old key alone (a rolling
        // restart): read as empty, the user would be marked needs-reconnect for good. Fail this call instead.
        const check = await keys.collections.keyChecks.findOne({ _id: KEY_CHECK_ID });
        if (check && !opens(keys.encryptionKey, check)) throw new EncryptionKeyRotatedError();
        // A changed TOKEN_ENCRYPTION_KEY or a tampered document: treat as empty. Silent calls then find no account
        // (the user is asked to reconnect) and a new sign-in overwrites the document.
        logger.warn({ event: 'token-cache-unreadable', userKey }, 'token cache could not be decrypted: ignoring it (was TOKEN_ENCRYPTION_KEY changed?)');
        return;
      }
      context.tokenCache.deserialize(json);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (!context.cacheHasChanged) return;
      const box = seal(keys.encryptionKey, context.tokenCache.serialize(), tokenCacheContext(userKey));
      await tokenCaches.replaceOne({ _id: userKey }, { ...box, updatedAt: new Date() }, { upsert: true });
    },
  };
}
