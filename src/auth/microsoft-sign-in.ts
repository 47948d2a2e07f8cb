import { createHash, randomBytes } from 'node:crypto';
import { AuthError, CryptoProvider, ServerError, type AccountInfo } from '@azure/msal-node';
import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../log.js';
import type { AccountDoc, Collections } from '../store/collections.js';
import {
  aadstsCodes,
  ConsentRefusedError,
  InvalidStateError,
  SignInFailedError,
  TokenEndpointError,
  type LogFields,
  type PendingSignIn,
} from './auth-errors.js';
import { MicrosoftDiscoveryError, type MsalApp } from './msal-app.js';
import { createTokenCachePlugin } from './token-cache.js';
import { open, seal } from './token-crypto.js';
import type { UserLocks } from './user-lock.js';

/** How long a sign-in link works (the card says so). */
export const SIGN_IN_LINK_LIFETIME_MS = 10 * 60 * 1000;
const MAX_STATE_LENGTH = 200;

export interface AuthDeps {
  collections: Pick<Collections, 'accounts' | 'tokenCaches' | 'authStates'>;
  encryptionKey: Buffer;
  msal: MsalApp;
  locks: UserLocks;
  logger: Logger;
  now?: () => Date;
}

export interface ConnectedAccount {
  homeAccountId: string;
  username: string;
  displayName: string;
  tenantId: string;
}

export interface SignInResult extends PendingSignIn {
  account: ConnectedAccount;
  /** The chat user was linked to a different Microsoft account before (its synced data belongs to someone else). */
  accountChanged: boolean;
}

/** The redirect's query string as restify or URLSearchParams give it. */
export type RedirectQuery = URLSearchParams | Record<string, unknown>;

export const authStateId = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');
const verifierContext = (stateId: string) => `auth-state:${stateId}`;

/**
 * The link a chat user opens to connect Outlook. The state is 32 random bytes; only its SHA-256 is stored, with the
 * encrypted PKCE verifier, the nonce and who asked, for 10 minutes.
 */
export async function createSignInLink(
  deps: AuthDeps,
  userKey: string,
  conversationReference: Partial<ConversationReference>,
  options: { loginHint?: string } = {},
): Promise<string> {
  const now = deps.now?.() ?? new Date();
  const state = randomBytes(32).toString('base64url');
  const nonce = randomBytes(32).toString('base64url');
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const id = authStateId(state);
  let url: string;
  try {
    const client = await deps.msal.client();
    url = await client.getAuthCodeUrl({
      scopes: deps.msal.scopes,
      redirectUri: deps.msal.redirectUri,
      state,
      nonce,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      responseMode: 'query',
      // Lets someone who connected the wrong account pick another one on reconnect.
      prompt: 'select_account',
      loginHint: options.loginHint,
    });
  } catch (error) {
    throw toTokenEndpointError(error, { userKey });
  }
  await deps.collections.authStates.insertOne({
    _id: id,
    userKey,
    conversationReference,
    codeVerifier: seal(deps.encryptionKey, verifier, verifierContext(id)),
    nonce,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SIGN_IN_LINK_LIFETIME_MS),
  });
  return url;
}

/**
 * Handles Microsoft's redirect. The state is consumed atomically (one deleteOne wins) before anything else, so a
 * replayed or raced redirect finds nothing; the chat user comes from the stored state, never from the request, so a
 * link made for one user can only ever connect that user.
 */
export async function completeSignIn(deps: AuthDeps, query: RedirectQuery): Promise<SignInResult> {
  const now = deps.now?.() ?? new Date();
  const state = single(query, 'state');
  if (state === undefined) throw new InvalidStateError('missing');
  if (state === null || state.length === 0 || state.length > MAX_STATE_LENGTH) throw new InvalidStateError('malformed');
  const id = authStateId(state);
  // Read, then consume: only the caller whose deleteOne removed the document goes on. findOneAndDelete is not
  // enough: on FerretDB 1.24 concurrent findOneAndDelete calls can all return the document (measured: several
  // winners in 18 of 20 trials of 40 concurrent calls), while a deleteOne by _id reports the row it really removed.
  const stored = await deps.collections.authStates.findOne({ _id: id });
  if (!stored) throw new InvalidStateError('unknown-or-used');
  const { deletedCount } = await deps.collections.authStates.deleteOne({ _id: id });
  if (deletedCount !== 1) throw new InvalidStateError('unknown-or-used');
  const pending: PendingSignIn = { userKey: stored.userKey, conversationReference: stored.conversationReference };
  if (stored.expiresAt.getTime() <= now.getTime()) throw new InvalidStateError('expired', pending);

  const error = single(query, 'error');
  if (error !== undefined) {
    const codes = aadstsCodes(single(query, 'error_description') ?? undefined);
    if (error === 'access_denied') throw new ConsentRefusedError(pending, codes);
    throw new SignInFailedError(pending, sanitizeErrorCode(error), codes);
  }
  const code = single(query, 'code');
  if (!code) throw new SignInFailedError(pending, 'missing_code', undefined);

  let codeVerifier: string;
  try {
    codeVerifier = open(deps.encryptionKey, stored.codeVerifier, verifierContext(id)).toString('utf8');
  } catch {
    // The encryption key changed between the link and the redirect.
    throw new InvalidStateError('unreadable', pending);
  }
  return deps.locks.run(stored.userKey, async () => {
    const plugin = createTokenCachePlugin(deps.collections.tokenCaches, deps.encryptionKey, stored.userKey, deps.logger);
    let account: AccountInfo;
    try {
      const client = await deps.msal.client(plugin);
      const result = await client.acquireTokenByCode(
        { code, codeVerifier, redirectUri: deps.msal.redirectUri, scopes: deps.msal.scopes, nonce: stored.nonce, state },
        // With a payload MSAL compares states and, since `nonce` is present, requires the id_token's nonce to match.
        { code, state, nonce: stored.nonce, client_info: single(query, 'client_info') ?? undefined },
      );
      if (!result.account) throw new TokenEndpointError('no_account', { reason: 'token response without id_token/client_info' }, pending);
      account = result.account;
      // One Microsoft account per chat user: drop whatever the partition held before (a previous connection).
      const cache = client.getTokenCache();
      for (const other of await cache.getAllAccounts()) {
        if (other.homeAccountId !== account.homeAccountId) await cache.removeAccount(other);
      }
    } catch (caught) {
      throw toTokenEndpointError(caught, pending);
    }

    const connected: ConnectedAccount = {
      homeAccountId: account.homeAccountId,
      username: account.username,
      displayName: account.name || account.username,
      tenantId: account.tenantId,
    };
    const previous = await deps.collections.accounts.findOne({ _id: stored.userKey });
    const accountChanged = previous !== null && previous.homeAccountId !== connected.homeAccountId;
    const doc: AccountDoc = { _id: stored.userKey, ...connected, status: 'connected', connectedAt: now, updatedAt: now };
    // The mailbox's zone, working hours and clock belong to the mailbox: keep them only when the same account reconnects
    // (until the settings are read again, right after this or by the next sync round).
    if (previous && !accountChanged && previous.mailboxTimeZone) doc.mailboxTimeZone = previous.mailboxTimeZone;
    if (previous && !accountChanged && previous.workingHours) doc.workingHours = previous.workingHours;
    if (previous && !accountChanged && previous.clockStyle) doc.clockStyle = previous.clockStyle;
    await deps.collections.accounts.replaceOne({ _id: stored.userKey }, doc, { upsert: true });
    deps.logger.info({ userKey: stored.userKey, tenantId: connected.tenantId, accountChanged }, 'outlook connected');
    return { ...pending, account: connected, accountChanged };
  });
}

/** For the sweeper job: expiry is checked on read, this only keeps the collection small. */
export async function deleteExpiredAuthStates(deps: Pick<AuthDeps, 'collections' | 'now'>): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const result = await deps.collections.authStates.deleteMany({ expiresAt: { $lte: now } });
  return result.deletedCount;
}

/** One query value: undefined when absent, null when repeated (a tampered request). */
function single(query: RedirectQuery, name: string): string | null | undefined {
  if (query instanceof URLSearchParams) {
    const values = query.getAll(name);
    return values.length === 0 ? undefined : values.length === 1 ? values[0]! : null;
  }
  const value = query[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

/** OAuth error codes are [a-z_]; anything else is not echoed anywhere. */
function sanitizeErrorCode(error: string | null): string {
  return error && /^[a-z_]{1,64}$/.test(error) ? error : 'unknown_error';
}

export function toTokenEndpointError(error: unknown, pending: Partial<PendingSignIn>): TokenEndpointError {
  if (error instanceof TokenEndpointError) return error;
  const fields: LogFields = {};
  let code = 'unknown_error';
  if (error instanceof MicrosoftDiscoveryError) {
    code = 'discovery_failed';
    fields.detail = error.message;
  } else if (error instanceof AuthError) {
    code = error.errorCode || code;
    fields.subError = error.subError || undefined;
    fields.correlationId = error.correlationId || undefined;
    fields.aadsts = aadstsCodes(error.errorMessage);
    if (error instanceof ServerError) fields.status = error.status;
    fields.msalError = error.name;
  } else {
    fields.detail = error instanceof Error ? error.name : typeof error;
  }
  const full = pending.userKey && pending.conversationReference ? (pending as PendingSignIn) : undefined;
  return new TokenEndpointError(code, { userKey: pending.userKey, ...fields }, full);
}
