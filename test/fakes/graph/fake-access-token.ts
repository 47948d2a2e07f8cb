/**
 * Access tokens the fake Graph accepts: JWT-shaped (`base64url(header).base64url(payload).signature`) with the
 * claims Graph's front door reads (oid, tid, exp). The fake decodes the payload and does not check a signature,
 * so tokens from the identity-platform fake and from this helper both work.
 */
export interface FakeTokenClaims {
  oid: string;
  tid?: string;
  /** Seconds since the epoch. */
  exp: number;
  [claim: string]: unknown;
}

export function fakeAccessToken({ oid, tid = 'fake-tenant', expiresInSeconds = 3600 }: { oid: string; tid?: string; expiresInSeconds?: number }): string {
  const header = { typ: 'JWT', alg: 'none' };
  const now = Math.floor(Date.now() / 1000);
  const payload = { aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${tid}/`, iat: now, nbf: now, exp: now + expiresInSeconds, oid, tid, scp: 'Calendars.Read User.Read MailboxSettings.Read' };
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
