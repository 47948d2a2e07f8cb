import { GraphError } from '@microsoft/microsoft-graph-client';

/**
 * The failure families of a Graph call, each with one sentence a user can read. The sync engine decides on
 * `kind`: reschedule (throttled, unavailable), start a full round (sync-state-lost), ask to reconnect (auth).
 */
export abstract class GraphFailure extends Error {
  abstract readonly kind: 'throttled' | 'sync-state-lost' | 'auth' | 'unavailable' | 'mailbox' | 'request';
  abstract readonly userMessage: string;
  /** HTTP status from Graph; -1 when no response arrived (network). */
  readonly statusCode: number;
  /** Graph's error code from the JSON body, like "ApplicationThrottled" or "SyncStateNotFound". */
  readonly code: string | undefined;

  constructor(message: string, statusCode: number, code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** 429 (or a Retry-After too long to wait in-process): the job should run again after `retryAfterMs`. */
export class ThrottledError extends GraphFailure {
  readonly kind = 'throttled' as const;
  readonly userMessage = 'Microsoft asked me to slow down; your calendar will catch up in a few minutes.';
  constructor(readonly retryAfterMs: number, statusCode = 429, code?: string, options?: { cause?: unknown }) {
    super(`Graph throttled the request: retry after ${retryAfterMs} ms`, statusCode, code, options);
  }
}

/** 410 on a delta link (SyncStateNotFound / syncStateNotFound): the delta token is gone, start a full round. */
export class SyncStateLostError extends GraphFailure {
  readonly kind = 'sync-state-lost' as const;
  readonly userMessage = "Microsoft lost track of what I already know about your calendar, so I'm reading it again from scratch.";
  constructor(code?: string, options?: { cause?: unknown; statusCode?: number }) {
    super(`Graph delta state lost (${code ?? '410'})`, options?.statusCode ?? 410, code, options);
  }
}

/** 401/403 from Graph: the token was refused or consent is missing; the user must reconnect. */
export class GraphAuthError extends GraphFailure {
  readonly kind = 'auth' as const;
  readonly userMessage = 'I can no longer read your Outlook calendar. Say "reconnect" to sign in again.';
  constructor(statusCode: number, code?: string, message?: string, options?: { cause?: unknown }) {
    super(`Graph refused the credentials (${statusCode}${code ? ` ${code}` : ''})${message ? `: ${message}` : ''}`, statusCode, code, options);
  }
}

/** 5xx, 503/504 after retries, or no answer at all: Graph is down or unreachable for now. */
export class GraphUnavailableError extends GraphFailure {
  readonly kind = 'unavailable' as const;
  readonly userMessage = "Microsoft Graph is not answering right now; I'll try again shortly.";
  /** @param retryAfterMs Graph's Retry-After; with no response at all (-1), the backoff the client last used. */
  constructor(statusCode: number, readonly retryAfterMs?: number, code?: string, options?: { cause?: unknown }) {
    super(`Graph unavailable (${statusCode === -1 ? 'no response' : statusCode}${code ? ` ${code}` : ''})`, statusCode, code, options);
  }
}

/**
 * The account has no mailbox Graph can read: no Exchange Online licence (Teams alone, a guest), a mailbox on an
 * on-premises Exchange server, or one inactive or soft-deleted. Graph answers 404 MailboxNotEnabledForRESTAPI or
 * MailboxNotSupportedForRESTAPI (Microsoft KB 4462988, "REST API is not yet supported for this mailbox"), and for an
 * account with no mailbox at all 404 ResourceNotFound. No request fixes that and no sign-in does: an administrator
 * assigning a licence or moving the mailbox to Exchange Online does.
 */
export class MailboxUnavailableError extends GraphFailure {
  readonly kind = 'mailbox' as const;
  readonly userMessage: string =
    'Your Microsoft account has no Exchange Online mailbox I can read (it may have no Exchange Online licence, or its mailbox is on an on-premises Exchange server or inactive), so there is no Outlook calendar to sync. Once your administrator has fixed that, say "sync now"; or say "reconnect" to link another account.';
  constructor(statusCode: number, code?: string, message?: string, options?: { cause?: unknown }) {
    super(`Graph found no mailbox it can read for this account (${statusCode}${code ? ` ${code}` : ''})${message ? `: ${message}` : ''}`, statusCode, code, options);
  }
}

/**
 * 403 ErrorAccessDenied "Access to OData is disabled.": the mailbox's Exchange settings keep REST clients out (an
 * EwsApplicationAccessPolicy allow or block list, EWS turned off for the mailbox). The grant is fine, so a new
 * sign-in is refused the same way; an Exchange admin changing the policy is what helps.
 */
export class MailboxAccessDisabledError extends MailboxUnavailableError {
  override readonly userMessage =
    'Your organisation\'s Exchange settings do not let apps like calbot read your mailbox ("Access to OData is disabled"), so I cannot sync your calendar. Only your IT admin can change that; once they have, say "sync now".';
}

/** Graph's message for a mailbox whose Exchange settings refuse REST clients (it comes with ErrorAccessDenied). */
const ODATA_DISABLED = /access to odata is disabled/i;

/** Codes that say the mailbox itself is out of Graph's reach, whatever the status they come with. */
const MAILBOX_UNAVAILABLE_CODES = new Set(['MailboxNotEnabledForRESTAPI', 'MailboxNotSupportedForRESTAPI']);
/** Codes that say so with a 404 from the mailbox's resources (calbot asks for no item by id that could be gone). */
const MAILBOX_NOT_FOUND_CODES = new Set(['ResourceNotFound', 'ErrorNonExistentMailbox']);

/** Any other 4xx: a request calbot should not have sent (a bug, or an answer calbot does not know yet). */
export class GraphRequestError extends GraphFailure {
  readonly kind = 'request' as const;
  readonly userMessage = "I could not read your calendar because of an unexpected answer from Microsoft. I'll try again at the next sync; if this goes on, let your calbot admin know.";
  constructor(statusCode: number, code?: string, message?: string, options?: { cause?: unknown }) {
    super(`Graph rejected the request (${statusCode}${code ? ` ${code}` : ''})${message ? `: ${message}` : ''}`, statusCode, code, options);
  }
}

/**
 * How long Graph asked calbot to wait before its next request: a 429's Retry-After (or the client's fallback), or a
 * 503/504's Retry-After, which means the same. Undefined when Graph did not ask (no response at all is not asking).
 */
export function waitAskedFor(error: unknown): number | undefined {
  if (error instanceof ThrottledError) return error.retryAfterMs;
  if (error instanceof GraphUnavailableError && error.statusCode !== -1 && error.retryAfterMs) return error.retryAfterMs;
  return undefined;
}

/**
 * The codes of a delta token Graph no longer honours, whatever the status: "syncStateNotFound" (the SDK's
 * "SyncStateNotFound", with 410) and "resyncRequired" ("The delta token is no longer valid, and the app must reset
 * the sync state": learn.microsoft.com/graph/errors), which may come with a 400. A round that kept its links on
 * such an answer would fail the same way every time; a full round starts over instead.
 */
const SYNC_STATE_LOST_CODES = /^(?:syncstatenotfound|resyncrequired)$/i;

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Maps what the Graph SDK throws (a GraphError with statusCode, code and the response headers) to a typed
 * failure. Errors that are not Graph errors (a token provider's own error, say) pass through unchanged.
 */
export function toGraphFailure(error: unknown, fallbackRetryAfterMs = 60_000): unknown {
  if (error instanceof GraphFailure) return error;
  if (!(error instanceof GraphError)) return error;
  const status = error.statusCode ?? -1;
  const code = error.code ?? undefined;
  const retryAfterMs = parseRetryAfter(error.headers?.get('Retry-After') ?? undefined);
  const message = error.message || undefined;
  if (status === 410 || (code !== undefined && SYNC_STATE_LOST_CODES.test(code))) return new SyncStateLostError(code, { cause: error, statusCode: status });
  if ((code !== undefined && MAILBOX_UNAVAILABLE_CODES.has(code)) || (status === 404 && code !== undefined && MAILBOX_NOT_FOUND_CODES.has(code))) {
    return new MailboxUnavailableError(status, code, message, { cause: error });
  }
  // Before the 403 for a grant refused, which shares its code: reconnecting would loop on this one.
  if (status === 403 && message !== undefined && ODATA_DISABLED.test(message)) return new MailboxAccessDisabledError(status, code, message, { cause: error });
  if (status === 401 || status === 403) return new GraphAuthError(status, code, message, { cause: error });
  if (status === 429) return new ThrottledError(retryAfterMs ?? fallbackRetryAfterMs, status, code, { cause: error });
  if (status === -1 || status >= 500) return new GraphUnavailableError(status, retryAfterMs, code, { cause: error });
  return new GraphRequestError(status, code, message, { cause: error });
}
