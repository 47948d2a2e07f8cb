import type { ConversationReference } from 'botbuilder';

/**
 * One typed error per way connecting Outlook can fail. Each carries the one sentence the user sees (`userMessage`)
 * and fields that are safe to log (`logFields`): error codes and correlation ids, never codes, states, tokens or
 * Microsoft's free-text descriptions (those may echo request values).
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** The chat user and conversation a sign-in link was made for (from the stored state, never from the request). */
export interface PendingSignIn {
  userKey: string;
  conversationReference: Partial<ConversationReference>;
}

export abstract class AuthFailure extends Error {
  abstract readonly kind: string;
  /** Status for the redirect page when this ends a sign-in in the browser. */
  abstract readonly httpStatus: number;
  abstract readonly userMessage: string;
  readonly logFields: LogFields;

  protected constructor(message: string, logFields: LogFields) {
    super(message);
    this.name = new.target.name;
    this.logFields = logFields;
  }
}

export type InvalidStateReason = 'missing' | 'malformed' | 'unknown-or-used' | 'expired' | 'unreadable';

/** The redirect came without a state we issued: forged, tampered, expired, or already used (replay). */
export class InvalidStateError extends AuthFailure {
  readonly kind = 'invalid-state';
  readonly httpStatus = 400;
  readonly userMessage = 'This sign-in link is invalid, expired or was already used. Ask the bot to "connect outlook" again for a new link.';

  /** `pending`: whose link it was, known when the state was ours but can no longer be used (expired, unreadable). */
  constructor(readonly reason: InvalidStateReason, readonly pending?: PendingSignIn) {
    super(`sign-in state rejected: ${reason}`, { kind: 'invalid-state', reason, userKey: pending?.userKey });
  }
}

/** The user clicked "Cancel" on Microsoft's consent screen (error=access_denied). */
export class ConsentRefusedError extends AuthFailure {
  readonly kind = 'consent-refused';
  readonly httpStatus = 200;
  // Shown under the page's heading "Connection cancelled", which it does not repeat.
  readonly userMessage = 'calbot was not given access to your calendar. You can close this window; to try again, say "connect outlook" in your chat with calbot.';

  constructor(readonly pending: PendingSignIn, microsoftErrorCodes: string | undefined) {
    super('the user refused consent', { kind: 'consent-refused', userKey: pending.userKey, aadsts: microsoftErrorCodes });
  }
}

/** Microsoft redirected back with an error other than a refusal (e.g. invalid_request, server_error). */
export class SignInFailedError extends AuthFailure {
  readonly kind = 'sign-in-failed';
  readonly httpStatus = 502;
  readonly userMessage: string;

  constructor(readonly pending: PendingSignIn, readonly errorCode: string, microsoftErrorCodes: string | undefined) {
    super(`Microsoft returned ${errorCode} to the redirect URI`, { kind: 'sign-in-failed', userKey: pending.userKey, errorCode, aadsts: microsoftErrorCodes });
    this.userMessage = `Microsoft could not complete the sign-in (${errorCode}${microsoftErrorCodes ? `, ${microsoftErrorCodes}` : ''}). Ask the bot to "connect outlook" again for a new link.`;
  }
}

/** The token endpoint (or discovery) refused or failed: wrong client secret, code already redeemed, outage. */
export class TokenEndpointError extends AuthFailure {
  readonly kind = 'token-endpoint';
  readonly httpStatus = 502;
  readonly userMessage: string;

  constructor(readonly errorCode: string, logFields: LogFields, readonly pending?: PendingSignIn) {
    super(`Microsoft's token endpoint failed: ${errorCode}`, { kind: 'token-endpoint', errorCode, userKey: pending?.userKey, ...logFields });
    this.userMessage =
      errorCode === 'invalid_client' || errorCode === 'unauthorized_client'
        ? 'Microsoft rejected calbot\'s app credentials. An admin must check MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET.'
        : 'Microsoft\'s sign-in service did not complete the connection. Please ask the bot to "connect outlook" again in a minute.';
  }
}

/** The stored grant no longer works (revoked, expired, MFA or consent now required): only a new sign-in helps. */
export class ReconnectNeededError extends AuthFailure {
  readonly kind = 'reconnect-needed';
  readonly httpStatus = 401;
  readonly userMessage = 'Your Outlook connection has expired or was revoked. Say "reconnect" to sign in again.';

  /** @param newlyDetected true when this call flipped the account to needs-reconnect (tell the user once). */
  constructor(readonly userKey: string, readonly reason: string, readonly newlyDetected: boolean, logFields: LogFields = {}) {
    super(`reconnect needed: ${reason}`, { kind: 'reconnect-needed', userKey, reason, newlyDetected, ...logFields });
  }
}

/** The chat user has never connected an Outlook account (or disconnected it). */
export class NotConnectedError extends AuthFailure {
  readonly kind = 'not-connected';
  readonly httpStatus = 401;
  readonly userMessage = 'Your Outlook calendar is not connected yet. Say "connect outlook" to connect it.';

  constructor(readonly userKey: string) {
    super('no connected account', { kind: 'not-connected', userKey });
  }
}

export function isAuthFailure(error: unknown): error is AuthFailure {
  return error instanceof AuthFailure;
}

/** "AADSTS70000, AADSTS54005" from Microsoft's error_codes (log-safe, unlike error_description). */
export function aadstsCodes(description: string | undefined): string | undefined {
  const codes = description?.match(/AADSTS\d+/g);
  return codes ? [...new Set(codes)].join(',') : undefined;
}
