import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { AdminActionNeededError, NotConnectedError, ReconnectNeededError, aadstsCodes, aadstsNumbers, aadstsRemedy } from './auth-errors.js';
import { toTokenEndpointError, type AuthDeps } from './microsoft-sign-in.js';
import { createTokenCachePlugin } from './token-cache.js';
import { EncryptionKeyRotatedError } from './token-crypto.js';

export interface AccessToken {
  accessToken: string;
  expiresOn: Date | null;
}

/**
 * A Graph access token for the chat user's connected account, from the cache or refreshed with the stored refresh
 * token (rotation persisted by the cache plugin). Serialized per user. Throws NotConnectedError,
 * ReconnectNeededError (grant revoked/expired, MFA or consent needed: the account is marked needs-reconnect),
 * AdminActionNeededError (the account disabled, blocked by policy: only the user's admin helps) or TokenEndpointError
 * (Microsoft unreachable or failing: transient, try later).
 */
export async function getAccessToken(deps: AuthDeps, userKey: string, options: TokenOptions = {}): Promise<string> {
  return (await getAccessTokenDetails(deps, userKey, options)).accessToken;
}

export interface TokenOptions {
  /** Skip the cached access token and redeem the refresh token (Graph refused the cached one with a 401). */
  forceRefresh?: boolean;
}

export function getAccessTokenDetails(deps: AuthDeps, userKey: string, options: TokenOptions = {}): Promise<AccessToken> {
  return deps.locks.run(userKey, async () => {
    const accountDoc = await deps.collections.accounts.findOne({ _id: userKey });
    if (!accountDoc) throw new NotConnectedError(userKey);
    // Already known dead: do not hammer Microsoft with a grant it refused.
    if (accountDoc.status === 'needs-reconnect') throw new ReconnectNeededError(userKey, 'marked', false);

    const plugin = createTokenCachePlugin(deps.collections.tokenCaches, deps, userKey, deps.logger);
    try {
      const client = await deps.msal.client(plugin);
      const account = await client.getTokenCache().getAccountByHomeId(accountDoc.homeAccountId);
      if (!account) throw await markNeedsReconnect(deps, userKey, accountDoc.homeAccountId, 'account-not-in-cache', {});
      const result = await client.acquireTokenSilent({ account, scopes: deps.msal.scopes, forceRefresh: options.forceRefresh === true });
      return { accessToken: result.accessToken, expiresOn: result.expiresOn };
    } catch (error) {
      // Not Microsoft's failure: this calbot's TOKEN_ENCRYPTION_KEY is out of date (token-cache.ts).
      if (error instanceof ReconnectNeededError || error instanceof EncryptionKeyRotatedError) throw error;
      // Refused for a reason a new sign-in does not change (the account disabled, Conditional Access): the account is
      // not marked, so the grant works again once the user's admin has acted; meanwhile the job asks hours apart.
      const remedy = error instanceof AuthError ? aadstsRemedy(aadstsNumbers(error), 'sync') : undefined;
      if (remedy?.remedy === 'admin' && error instanceof AuthError) {
        const refused = new AdminActionNeededError(remedy.aadsts, 'sync', {
          userKey,
          errorCode: error.errorCode || undefined,
          subError: error.subError || undefined,
          correlationId: error.correlationId || undefined,
        });
        deps.logger.warn({ event: 'token-refresh-refused', ...refused.logFields }, 'Microsoft refused the refresh; the user\'s admin must act');
        throw refused;
      }
      // A revoked, expired or reused refresh token comes back as ServerError invalid_grant, not as
      // InteractionRequiredAuthError (that one is MFA, consent, or no refresh token in the cache).
      if (remedy?.remedy !== 'transient' && (error instanceof InteractionRequiredAuthError || (error instanceof ServerError && error.errorCode === 'invalid_grant'))) {
        throw await markNeedsReconnect(deps, userKey, accountDoc.homeAccountId, error.errorCode || 'interaction_required', {
          subError: error.subError || undefined,
          aadsts: aadstsCodes(error.errorMessage),
          correlationId: error.correlationId || undefined,
        });
      }
      const failure = toTokenEndpointError(error, { userKey }, 'sync');
      deps.logger.warn({ event: 'token-refresh-failed', ...failure.logFields }, 'access token refresh failed');
      throw failure;
    }
  });
}

/**
 * Graph refused a freshly refreshed token (401), or refused the calendar to it (403): the grant is no good for Graph
 * any more (consent withdrawn, the account disabled). The account is marked like a refused refresh token, and the
 * error says whether this call did it.
 */
export async function graphRefusedToken(deps: AuthDeps, userKey: string, reason: 'graph_unauthorized' | 'graph_forbidden' = 'graph_unauthorized'): Promise<ReconnectNeededError> {
  return deps.locks.run(userKey, async () => {
    const accountDoc = await deps.collections.accounts.findOne({ _id: userKey });
    if (!accountDoc) throw new NotConnectedError(userKey);
    return markNeedsReconnect(deps, userKey, accountDoc.homeAccountId, reason, {});
  });
}

async function markNeedsReconnect(
  deps: AuthDeps,
  userKey: string,
  homeAccountId: string,
  reason: string,
  fields: Record<string, string | undefined>,
): Promise<ReconnectNeededError> {
  const now = deps.now?.() ?? new Date();
  // Conditional on the same account still being connected, so a reconnect that just happened is not undone.
  const result = await deps.collections.accounts.updateOne(
    { _id: userKey, homeAccountId, status: 'connected' },
    { $set: { status: 'needs-reconnect', updatedAt: now } },
  );
  const error = new ReconnectNeededError(userKey, reason, result.modifiedCount === 1, fields);
  deps.logger.warn({ event: 'reconnect-needed', ...error.logFields }, 'outlook connection needs a reconnect');
  return error;
}

/**
 * Forgets the connection: the account link and the encrypted token cache, plus any sign-in link still pending for
 * this user and any sign-in waiting for its code (with the tokens it holds apart). Microsoft has no per-app revocation
 * of a user's refresh token; forgetting it is what the app can do. (Events, sync state and jobs are removed by the caller.)
 */
export function disconnect(deps: AuthDeps, userKey: string): Promise<{ wasConnected: boolean; username?: string }> {
  return deps.locks.run(userKey, async () => {
    const account = await deps.collections.accounts.findOneAndDelete({ _id: userKey });
    await deps.collections.tokenCaches.deleteOne({ _id: userKey });
    await deps.collections.authStates.deleteMany({ userKey });
    const waiting = await deps.collections.pendingConnections.findOneAndDelete({ _id: userKey });
    if (waiting) await deps.collections.tokenCaches.deleteOne({ _id: waiting.cachePartition });
    deps.logger.info({ event: 'account-unlinked', userKey, wasConnected: account !== null }, 'outlook disconnected');
    return { wasConnected: account !== null, username: account?.username };
  });
}
