/**
 * Access tokens the fake Graph accepts: JWT-shaped (`base64url(header).base64url(payload).signature`) with the
 * claims Graph's front door reads (oid, tid, exp, aud) and the delegated scopes (`scp`) each resource asks for. The
 * fake decodes the payload and does not check a signature, so tokens from the identity-platform fake and from this
 * helper both work.
 */
export interface FakeTokenClaims {
  oid: string;
  tid?: string;
  /** Seconds since the epoch. */
  exp: number;
  aud?: string;
  /** Delegated scopes, space-separated ("Calendars.Read User.Read"). */
  scp?: string;
  [claim: string]: unknown;
}

/** Graph's audiences: its app ID (v2.0 tokens, as the identity platform mints them) or its resource URI (v1.0). */
export const GRAPH_AUDIENCES = ['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com', 'https://graph.microsoft.com/'];

/** The scopes calbot's tokens carry when a test does not care. */
export const DEFAULT_FAKE_SCOPES = ['Calendars.Read', 'User.Read', 'MailboxSettings.Read'];

export function fakeAccessToken({
  oid,
  tid = 'fake-tenant',
  expiresInSeconds = 3600,
  scopes = DEFAULT_FAKE_SCOPES,
  audience = 'https://graph.microsoft.com',
}: {
  oid: string;
  tid?: string;
  expiresInSeconds?: number;
  scopes?: string[];
  audience?: string;
}): string {
  const header = { typ: 'JWT', alg: 'none' };
  const now = Math.floor(Date.now() / 1000);
  const payload = { aud: audience, iss: `https://sts.windows.net/${tid}/`, iat: now, nbf: now, exp: now + expiresInSeconds, oid, tid, scp: scopes.join(' ') };
  return `${encode(header)}.${encode(payload)}.fake-signature`;
}

/** The claims of a JWT-shaped token, or undefined when it is not one. */
export function decodeAccessToken(token: string): FakeTokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Partial<FakeTokenClaims>;
    if (typeof payload.oid !== 'string' || typeof payload.exp !== 'number') return undefined;
    return payload as FakeTokenClaims;
  } catch {
    return undefined;
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
