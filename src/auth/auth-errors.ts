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

/**
 * Microsoft refuses this account or this app for a reason no sign-in by the user changes: the account is disabled,
 * deleted or locked, not a member of the tenant, not assigned to calbot, blocked by Conditional Access, or only an
 * admin may consent to calbot. Only the user's IT admin can fix it. At sign-in nothing is linked; during a sync the
 * account stays connected (its refresh token may work again once the admin has acted) and the job asks again hours
 * later, not every interval (sync-jobs.ts), or at once on "sync now". The chat is told once (not of a lockout, which
 * lifts by itself).
 */
export class AdminActionNeededError extends AuthFailure {
  readonly kind = 'admin-action-needed';
  readonly httpStatus = 403;
  readonly userMessage: string;
  /** What Microsoft refuses, in the user's words ("the account is disabled"): calbot's text, never Microsoft's. */
  readonly reason: string;
  /** Lifts by itself (smart lockout, AADSTS50053): the user's admin is the fallback, not the one who must act. */
  readonly clearsByItself: boolean;

  /** @param during whether this ended a sign-in (the user says "connect outlook" later) or a sync ("sync now"). */
  constructor(
    readonly aadsts: number,
    readonly during: 'sign-in' | 'sync',
    logFields: LogFields,
    readonly pending?: PendingSignIn,
  ) {
    super(`Microsoft refused the account: AADSTS${aadsts}`, { kind: 'admin-action-needed', aadsts: `AADSTS${aadsts}`, during, userKey: pending?.userKey, ...logFields });
    const retry = during === 'sign-in' ? 'say "connect outlook" again' : 'say "sync now"';
    const reason = ADMIN_REASONS.get(aadsts) ?? ADMIN_AT_SIGN_IN.get(aadsts) ?? 'your organisation does not allow it';
    this.reason = reason;
    this.clearsByItself = aadsts === LOCKED_OUT;
    // Smart lockout lifts by itself, usually within minutes; the admin is the fallback, not the first step.
    const who = aadsts === LOCKED_OUT ? 'It usually unlocks by itself within minutes, else your IT admin can unlock it' : 'Only your IT admin can change that';
    this.userMessage = `Microsoft does not let calbot use your account: ${reason} (AADSTS${aadsts}). ${who}; once ${aadsts === LOCKED_OUT ? 'it is' : 'they have'}, ${retry}.`;
  }
}

/** Locked after too many failed sign-ins (Entra smart lockout), or sign-ins from a blocked IP address. */
const LOCKED_OUT = 50053;

/**
 * The AADSTS codes that only an admin (the user's, not calbot's) can clear, with what they mean in a user's words
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). Reconnecting does not help with these:
 * the same sign-in is refused the same way.
 */
const ADMIN_REASONS = new Map<number, string>([
  [50057, 'the account is disabled'],
  [50053, 'the account is locked after too many sign-in attempts'],
  [50034, 'the account no longer exists in your organisation'],
  [50020, 'the account is not a member of the organisation calbot was connected in'],
  [90072, 'the account is not a member of the organisation calbot was connected in'],
  [50105, 'your organisation has not given you access to calbot'],
  [7000112, 'your organisation has disabled calbot'],
  [53000, 'your organisation\'s Conditional Access policies block it (a compliant device is required)'],
  [53001, 'your organisation\'s Conditional Access policies block it (a domain-joined device is required)'],
  [53002, 'your organisation\'s Conditional Access policies block it (an approved app is required)'],
  [53003, 'your organisation\'s Conditional Access policies block it'],
  [530032, 'your organisation\'s security policy blocks it'],
  [90093, 'only an admin may grant calbot the access it asks for'],
  [90094, 'only an admin may grant calbot the access it asks for'],
  [90095, 'only an admin may grant calbot the access it asks for (your request has been sent to them)'],
]);

/**
 * Needs an admin only when it ends a sign-in (user consent is turned off, so Microsoft asked for an admin's): a refresh
 * refused for consent (withdrawn by the user) is fixed by signing in, which asks for consent again.
 */
const ADMIN_AT_SIGN_IN = new Map<number, string>([[65001, 'only an admin may grant calbot the access it asks for']]);

/** Microsoft's own "try again later": a directory or external service unavailable, the tenant throttled. */
const TRANSIENT_CODES = new Set([90006, 90033, 90055]);

/**
 * What helps with Microsoft's answer, from its AADSTS code: `admin` (the user's IT admin must act), `transient`
 * (Microsoft's own trouble: try again later), or undefined, when the OAuth error decides (invalid_grant and
 * interaction_required: a new sign-in helps, as for an expired, revoked or rotated grant, a password changed, MFA
 * or consent asked again).
 */
export function aadstsRemedy(codes: readonly number[], during: 'sign-in' | 'sync'): { remedy: 'admin' | 'transient'; aadsts: number } | undefined {
  const admin = codes.find((code) => ADMIN_REASONS.has(code) || (during === 'sign-in' && ADMIN_AT_SIGN_IN.has(code)));
  if (admin !== undefined) return { remedy: 'admin', aadsts: admin };
  const transient = codes.find((code) => TRANSIENT_CODES.has(code));
  return transient === undefined ? undefined : { remedy: 'transient', aadsts: transient };
}

/**
 * The AADSTS numbers of an answer: MSAL's `errorNo` (the body's error_codes[0]) and every "AADSTS50057" in its
 * message (a ServerError's message carries the whole error_codes list and the description; an
 * InteractionRequiredAuthError's, the description).
 */
export function aadstsNumbers(answer: { errorNo?: unknown; errorMessage?: string | undefined } | string | undefined): number[] {
  const text = typeof answer === 'string' ? answer : answer?.errorMessage;
  const numbers = [...(text?.matchAll(/AADSTS(\d+)/g) ?? [])].map((match) => Number(match[1]));
  const errorNo = typeof answer === 'object' ? Number(answer.errorNo) : NaN;
  if (Number.isInteger(errorNo) && errorNo > 0) numbers.unshift(errorNo);
  return [...new Set(numbers)];
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

  /**
   * @param during a failed sign-in is tried again by the user; a failed refresh by the sync job at its next interval,
   *   so the user has nothing to do ("connect outlook" would not help: they are connected).
   */
  constructor(readonly errorCode: string, logFields: LogFields, readonly pending?: PendingSignIn, during: 'sign-in' | 'sync' = 'sign-in') {
    super(`Microsoft's token endpoint failed: ${errorCode}`, { kind: 'token-endpoint', errorCode, userKey: pending?.userKey, during, ...logFields });
    this.userMessage =
      errorCode === 'invalid_client' || errorCode === 'unauthorized_client'
        ? 'Microsoft rejected calbot\'s app credentials. An admin must check MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET.'
        : during === 'sync'
          ? "Microsoft's sign-in service did not renew my access to your calendar just now; I'll try again at the next sync."
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
