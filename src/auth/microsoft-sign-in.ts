import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, CryptoProvider, ServerError, type AccountInfo } from '@azure/msal-node';
import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../log.js';
import type { AccountDoc, Collections } from '../store/collections.js';
import {
  aadstsCodes,
  aadstsNumbers,
  aadstsRemedy,
  AdminActionNeededError,
  ConsentRefusedError,
  InvalidStateError,
  SignInFailedError,
  TokenEndpointError,
  type LogFields,
  type PendingSignIn,
} from './auth-errors.js';
import { MicrosoftDiscoveryError, type MsalApp } from './msal-app.js';
import { createTokenCachePlugin, tokenCacheContext } from './token-cache.js';
import { authStateContext, openWithAny, seal } from './token-crypto.js';
import type { UserLocks } from './user-lock.js';
import { Leases } from '../store/leases.js';

/** How long a sign-in link works (the card says so). */
export const SIGN_IN_LINK_LIFETIME_MS = 10 * 60 * 1000;
const MAX_STATE_LENGTH = 200;

export interface AuthDeps {
  collections: Pick<Collections, 'accounts' | 'tokenCaches' | 'authStates' | 'pendingConnections' | 'keyChecks' | 'leases'>;
  /** What tokens are sealed with; `previousKeys` (TOKEN_ENCRYPTION_KEY_PREVIOUS) are tried after it when opening. */
  encryptionKey: Buffer;
  previousKeys: readonly Buffer[];
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

/**
 * The sign-in worked, but as a Microsoft account other than the Teams user who asked for the link: nothing is linked
 * until `code` is typed in the chat that asked (confirmConnection). Otherwise a link forwarded to someone else ("connect
 * your calendar here") would hand that person's calendar to whoever forwarded it.
 */
export interface ConfirmationNeeded extends PendingSignIn {
  confirmation: { code: string; expiresAt: Date };
}

/** How long the code on the result page can be typed in, and how many wrong tries end it. */
export const CONFIRMATION_LIFETIME_MS = 10 * 60 * 1000;
export const MAX_CONFIRMATION_ATTEMPTS = 5;

export type ConfirmOutcome = { kind: 'connected'; result: SignInResult } | { kind: 'none' } | { kind: 'expired' } | { kind: 'wrong'; attemptsLeft: number };

/** The redirect's query string as restify or URLSearchParams give it. */
export type RedirectQuery = URLSearchParams | Record<string, unknown>;

export const authStateId = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');

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
    codeVerifier: seal(deps.encryptionKey, verifier, authStateContext(id)),
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
export async function completeSignIn(deps: AuthDeps, query: RedirectQuery): Promise<SignInResult | ConfirmationNeeded> {
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
    const description = single(query, 'error_description') ?? undefined;
    const codes = aadstsCodes(description);
    // Before the cancel: "Need admin approval" and "not assigned" come back as access_denied too, and trying again
    // as the page for a refusal says would be refused the same way.
    const refused = aadstsRemedy(aadstsNumbers(description), 'sign-in');
    if (refused?.remedy === 'admin') throw new AdminActionNeededError(refused.aadsts, 'sign-in', { errorCode: sanitizeErrorCode(error), errorSubcode: single(query, 'error_subcode') ? sanitizeErrorCode(single(query, 'error_subcode') ?? null) : undefined }, pending);
    if (error === 'access_denied') throw new ConsentRefusedError(pending, codes);
    throw new SignInFailedError(pending, sanitizeErrorCode(error), codes);
  }
  const code = single(query, 'code');
  if (!code) throw new SignInFailedError(pending, 'missing_code', undefined);

  let codeVerifier: string;
  try {
    codeVerifier = openWithAny(deps.encryptionKey, deps.previousKeys, stored.codeVerifier, authStateContext(id)).toString('utf8');
  } catch {
    // The encryption key changed between the link and the redirect.
    throw new InvalidStateError('unreadable', pending);
  }
  // The tokens land in a partition of their own (only this sign-in's account in it), adopted by the chat user once
  // the account is known to be theirs.
  const partition = pendingCachePartition(id);
  let account: AccountInfo;
  try {
    const plugin = createTokenCachePlugin(deps.collections.tokenCaches, deps, partition, deps.logger);
    const client = await deps.msal.client(plugin);
    const result = await client.acquireTokenByCode(
      { code, codeVerifier, redirectUri: deps.msal.redirectUri, scopes: deps.msal.scopes, nonce: stored.nonce, state },
      // With a payload MSAL compares states and, since `nonce` is present, requires the id_token's nonce to match.
      { code, state, nonce: stored.nonce, client_info: single(query, 'client_info') ?? undefined },
    );
    if (!result.account) throw new TokenEndpointError('no_account', { reason: 'token response without id_token/client_info' }, pending);
    account = result.account;
  } catch (caught) {
    await deps.collections.tokenCaches.deleteOne({ _id: partition });
    throw toTokenEndpointError(caught, pending);
  }
  const connected: ConnectedAccount = {
    homeAccountId: account.homeAccountId,
    username: account.username,
    displayName: account.name || account.username,
    tenantId: account.tenantId,
  };

  // Teams says who is typing (aadObjectId); the id_token says who signed in (oid). The same person: linked now.
  // Only Teams fills in aadObjectId itself: Web Chat and Direct Line pass on whatever the client wrote in `from`
  // (Microsoft: the channel user's identity can be impersonated there), so a link asked for there with the victim's
  // object id and forwarded to them would link their calendar without the code.
  const asker = stored.conversationReference.channelId === 'msteams' ? stored.conversationReference.user?.aadObjectId : undefined;
  const signedIn = (account.idTokenClaims?.oid as string | undefined) ?? account.localAccountId;
  if (asker && signedIn && asker === signedIn) {
    return deps.locks.run(stored.userKey, () => link(deps, pending, connected, partition, now));
  }
  // Someone else, or a channel that does not say: the chat that asked must confirm with the code on the page.
  const confirmationCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + CONFIRMATION_LIFETIME_MS);
  const replaced = await deps.collections.pendingConnections.findOneAndReplace(
    { _id: stored.userKey },
    { codeHash: confirmationHash(stored.userKey, confirmationCode), attempts: 0, conversationReference: stored.conversationReference, account: connected, cachePartition: partition, createdAt: now, expiresAt },
    { upsert: true, returnDocument: 'before' },
  );
  if (replaced && replaced.cachePartition !== partition) await deps.collections.tokenCaches.deleteOne({ _id: replaced.cachePartition });
  deps.logger.info({ event: 'sign-in-awaiting-code', userKey: stored.userKey, tenantId: connected.tenantId, sameTeamsUser: false }, 'outlook sign-in waits for the code to be typed in chat');
  return { ...pending, confirmation: { code: confirmationCode, expiresAt } };
}

/**
 * The code from the result page, typed in the chat of `userKey`: links the account that signed in. Wrong codes are
 * counted; the MAX_CONFIRMATION_ATTEMPTS-th ends the pending connection (a 6-digit code is not guessed in 5 tries).
 */
export async function confirmConnection(deps: AuthDeps, userKey: string, code: string): Promise<ConfirmOutcome> {
  const now = deps.now?.() ?? new Date();
  return deps.locks.run(userKey, () => oneCodeCheckAtATime(deps, userKey, async () => {
    const pending = await deps.collections.pendingConnections.findOne({ _id: userKey });
    if (!pending) return { kind: 'none' };
    if (pending.expiresAt.getTime() <= now.getTime()) {
      await forgetPendingConnection(deps, pending);
      return { kind: 'expired' };
    }
    if (!hashesEqual(pending.codeHash, confirmationHash(userKey, code))) {
      const attempts = pending.attempts + 1;
      if (attempts >= MAX_CONFIRMATION_ATTEMPTS) {
        await forgetPendingConnection(deps, pending);
        deps.logger.warn({ event: 'sign-in-code-attempts-exhausted', userKey, attempts }, 'outlook sign-in dropped after too many wrong codes');
        return { kind: 'wrong', attemptsLeft: 0 };
      }
      await deps.collections.pendingConnections.updateOne({ _id: userKey, codeHash: pending.codeHash }, { $set: { attempts } });
      return { kind: 'wrong', attemptsLeft: MAX_CONFIRMATION_ATTEMPTS - attempts };
    }
    // Consumed first (one deleteOne wins): a code typed twice at once links once.
    const { deletedCount } = await deps.collections.pendingConnections.deleteOne({ _id: userKey, codeHash: pending.codeHash });
    if (deletedCount !== 1) return { kind: 'none' };
    const result = await link(deps, { userKey, conversationReference: pending.conversationReference }, pending.account, pending.cachePartition, now);
    return { kind: 'connected', result };
  }));
}

/** How long a code check holds the user's lease at most, and how long another check waits for it. */
const CODE_CHECK_LEASE_MS = 15_000;
const CODE_CHECK_WAIT_MS = 5_000;

/**
 * A user's codes are checked one at a time across calbots too (deps.locks serializes them in one process): each check
 * reads the wrong tries counted so far and writes one more, so guesses sent at once to several calbots behind a load
 * balancer were counted as one, and more than MAX_CONFIRMATION_ATTEMPTS of them were checked.
 */
async function oneCodeCheckAtATime<T>(deps: AuthDeps, userKey: string, check: () => Promise<T>): Promise<T> {
  const leases = new Leases(deps.collections.leases, 'sign-in-code');
  const deadline = Date.now() + CODE_CHECK_WAIT_MS;
  let lease = await leases.acquire(`sign-in-code:${userKey}`, CODE_CHECK_LEASE_MS);
  while (!lease) {
    if (Date.now() >= deadline) throw new Error('another sign-in code of this user is being checked');
    await sleep(50);
    lease = await leases.acquire(`sign-in-code:${userKey}`, CODE_CHECK_LEASE_MS);
  }
  try {
    return await check();
  } finally {
    await lease.release().catch(() => undefined); // tried again later; else it lapses
  }
}

async function forgetPendingConnection(deps: AuthDeps, pending: { _id: string; cachePartition: string }): Promise<void> {
  await deps.collections.pendingConnections.deleteOne({ _id: pending._id });
  await deps.collections.tokenCaches.deleteOne({ _id: pending.cachePartition });
}

/**
 * Links `connected` to the chat user: its cache partition becomes theirs (re-sealed for their id; it holds only this
 * account, so whatever they were linked to before is gone with it) and the account document is written.
 */
async function link(deps: AuthDeps, pending: PendingSignIn, connected: ConnectedAccount, partition: string, now: Date): Promise<SignInResult> {
  const { userKey } = pending;
  const box = await deps.collections.tokenCaches.findOne({ _id: partition });
  if (!box) throw new TokenEndpointError('no_account', { reason: 'the sign-in left no token cache' }, pending);
  const json = openWithAny(deps.encryptionKey, deps.previousKeys, box, tokenCacheContext(partition));
  await deps.collections.tokenCaches.replaceOne({ _id: userKey }, { ...seal(deps.encryptionKey, json, tokenCacheContext(userKey)), updatedAt: now }, { upsert: true });
  await deps.collections.tokenCaches.deleteOne({ _id: partition });

  const previous = await deps.collections.accounts.findOne({ _id: userKey });
  const accountChanged = previous !== null && previous.homeAccountId !== connected.homeAccountId;
  const doc: AccountDoc = { _id: userKey, ...connected, status: 'connected', connectedAt: now, updatedAt: now };
  // The mailbox's zone, working hours and clock belong to the mailbox: keep them only when the same account reconnects
  // (until the settings are read again, right after this or by the next sync round).
  if (previous && !accountChanged && previous.mailboxTimeZone) doc.mailboxTimeZone = previous.mailboxTimeZone;
  if (previous && !accountChanged && previous.workingHours) doc.workingHours = previous.workingHours;
  if (previous && !accountChanged && previous.clockStyle) doc.clockStyle = previous.clockStyle;
  await deps.collections.accounts.replaceOne({ _id: userKey }, doc, { upsert: true });
  // Whatever else was waiting for a code is superseded: an older code must not switch the account later.
  const superseded = await deps.collections.pendingConnections.findOneAndDelete({ _id: userKey });
  if (superseded && superseded.cachePartition !== partition) await deps.collections.tokenCaches.deleteOne({ _id: superseded.cachePartition });
  deps.logger.info({ event: 'account-linked', userKey, tenantId: connected.tenantId, accountChanged }, 'outlook connected');
  return { ...pending, account: connected, accountChanged };
}

/** The cache partition a sign-in's tokens wait in until its account is linked. */
export const pendingCachePartition = (stateId: string) => `pending-sign-in:${stateId}`;

const confirmationHash = (userKey: string, code: string) => createHash('sha256').update(`${userKey}\n${code}`, 'utf8').digest('hex');

function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** For the sweeper job: expiry is checked on read, this only keeps the collections small. */
export async function deleteExpiredAuthStates(deps: Pick<AuthDeps, 'collections' | 'now'>): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const result = await deps.collections.authStates.deleteMany({ expiresAt: { $lte: now } });
  let deleted = result.deletedCount;
  for (const pending of await deps.collections.pendingConnections.find({ expiresAt: { $lte: now } }, { projection: { cachePartition: 1 } }).toArray()) {
    await deps.collections.pendingConnections.deleteOne({ _id: pending._id, expiresAt: { $lte: now } });
    await deps.collections.tokenCaches.deleteOne({ _id: pending.cachePartition });
    deleted++;
  }
  return deleted + (await deleteOrphanTokenCaches(deps.collections, now));
}

/** How long a token cache may stand without its account: a sign-in writes its cache a moment before what owns it. */
const ORPHAN_CACHE_GRACE_MS = SIGN_IN_LINK_LIFETIME_MS;

/**
 * Token caches nothing owns any more: a user's with no account (a token refresh under way in another process while
 * the user disconnected or removed calbot writes the cache again after it was deleted), a pending sign-in's with no
 * pending connection. They hold refresh tokens of someone calbot no longer serves. Three reads, not one per cache
 * (FerretDB scans for each); a cache written again since it was listed is kept.
 */
async function deleteOrphanTokenCaches(collections: AuthDeps['collections'], now: Date): Promise<number> {
  const before = new Date(now.getTime() - ORPHAN_CACHE_GRACE_MS);
  const caches = await collections.tokenCaches.find({ updatedAt: { $lt: before } }, { projection: { _id: 1, updatedAt: 1 } }).toArray();
  if (caches.length === 0) return 0;
  const owners = new Set([
    ...(await collections.accounts.find({}, { projection: { _id: 1 } }).toArray()).map((account) => account._id),
    ...(await collections.pendingConnections.find({}, { projection: { cachePartition: 1 } }).toArray()).map((pending) => pending.cachePartition),
  ]);
  let deleted = 0;
  for (const cache of caches) {
    if (owners.has(cache._id)) continue;
    deleted += (await collections.tokenCaches.deleteOne({ _id: cache._id, updatedAt: cache.updatedAt })).deletedCount;
  }
  return deleted;
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

/**
 * What a failed token request (a code redeemed at sign-in, a refresh during a sync) tells the user: Microsoft refusing
 * the account for a reason only an admin can clear (Conditional Access is checked again at each token request), or the
 * token endpoint failing.
 */
export function toTokenEndpointError(error: unknown, pending: Partial<PendingSignIn>, during: 'sign-in' | 'sync' = 'sign-in'): TokenEndpointError | AdminActionNeededError {
  if (error instanceof TokenEndpointError || error instanceof AdminActionNeededError) return error;
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
  const refused = error instanceof AuthError ? aadstsRemedy(aadstsNumbers(error), during) : undefined;
  if (refused?.remedy === 'admin') return new AdminActionNeededError(refused.aadsts, during, { userKey: pending.userKey, errorCode: code, subError: fields.subError, correlationId: fields.correlationId }, full);
  return new TokenEndpointError(code, { userKey: pending.userKey, ...fields }, full, during);
}
