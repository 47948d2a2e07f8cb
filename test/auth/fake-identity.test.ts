import { createHash, createPublicKey, randomBytes, randomUUID, verify, type JsonWebKey } from 'node:crypto';
import { decodeJwtPayload, openAuthorizeUrl, SIGN_IN_REFUSALS, startFakeIdentity, TOKEN_REFUSALS, type FakeIdentity } from '../fakes/identity/fake-identity.js';

/** The fake's own contract, checked over raw HTTPS: what calbot's tests rely on it to enforce. */
const REDIRECT_URI = 'https://calbot.example.test/microsoft_account/authentication';
const CLIENT = { clientId: randomUUID(), clientSecret: 's3cret', redirectUris: [REDIRECT_URI] };
const user = { oid: randomUUID(), tid: randomUUID(), upn: 'ada@contoso.example', name: 'Ada' };

describe('fake identity platform', () => {
  let fake: FakeIdentity;
  beforeAll(async () => {
    fake = await startFakeIdentity({ clients: [CLIENT], users: [user], accessTokenLifetimeSeconds: 120 });
  });
  afterAll(() => fake.close());

  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorizeUrl = (overrides: Record<string, string> = {}) => {
    const url = new URL(`${fake.authorityHost}/${user.tid}/oauth2/v2.0/authorize`);
    const params = { client_id: CLIENT.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid profile offline_access User.Read', code_challenge: challenge, code_challenge_method: 'S256', state: 'st', nonce: 'n1', ...overrides };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  };
  const token = (form: Record<string, string>) =>
    fetch(`${fake.authorityHost}/${user.tid}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, ...form }) });

  it('serves an OpenID configuration on its own scheme, host and port', async () => {
    const config = (await (await fetch(`${fake.authorityHost}/${user.tid}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(config.issuer).toBe(`${fake.authorityHost}/${user.tid}/v2.0`);
    expect(config.token_endpoint).toBe(`${fake.authorityHost}/${user.tid}/oauth2/v2.0/token`);
    const common = (await (await fetch(`${fake.authorityHost}/common/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(common.issuer).toBe(`${fake.authorityHost}/{tenantid}/v2.0`);
  });

  it('never redirects to an unregistered redirect URI', async () => {
    const response = await openAuthorizeUrl(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }));
    expect(response.status).toBe(400);
    expect(response.location).toBeUndefined();
    expect(response.body).toContain('AADSTS50011');
    expect((await openAuthorizeUrl(authorizeUrl({ client_id: 'nope' }))).status).toBe(400);
  });

  it('requires PKCE S256, with the error redirected to a registered URI', async () => {
    const plain = await openAuthorizeUrl(authorizeUrl({ code_challenge_method: 'plain' }));
    expect(plain.status).toBe(302);
    expect(plain.query).toMatchObject({ error: 'invalid_request', state: 'st' });
  });

  it('redeems a code once, with the right verifier and redirect URI, and answers like Microsoft', async () => {
    const { query } = await openAuthorizeUrl(authorizeUrl());
    expect(query.state).toBe('st');
    const wrong = await token({ grant_type: 'authorization_code', code: query.code!, redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43) });
    expect(wrong.status).toBe(400);
    const error = (await wrong.json()) as Record<string, unknown>;
    expect(Object.keys(error)).toEqual(expect.arrayContaining(['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id']));
    expect(error).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    // Burned by the failed attempt.
    const again = await token({ grant_type: 'authorization_code', code: query.code!, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    expect(((await again.json()) as { error_codes: number[] }).error_codes).toEqual([54005]);

    const fresh = (await openAuthorizeUrl(authorizeUrl())).query;
    const ok = await token({ grant_type: 'authorization_code', code: fresh.code!, redirect_uri: REDIRECT_URI, code_verifier: verifier, scope: 'openid profile offline_access User.Read' });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, string | number>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120 });
    expect(String(body.scope).split(' ')).not.toContain('offline_access');
    expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString())).toEqual({ uid: user.oid, utid: user.tid });
    expect(decodeJwtPayload(String(body.access_token))).toMatchObject({ oid: user.oid, tid: user.tid });
    const idToken = String(body.id_token);
    expect(decodeJwtPayload(idToken)).toMatchObject({ aud: CLIENT.clientId, iss: `${fake.authorityHost}/${user.tid}/v2.0`, nonce: 'n1', oid: user.oid, tid: user.tid, preferred_username: user.upn });
    // Signed with the key published at jwks_uri.
    const jwks = (await (await fetch(`${fake.authorityHost}/${user.tid}/discovery/v2.0/keys`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
    const [header, payload, signature] = idToken.split('.') as [string, string, string];
    const key = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);

    // Rotation: the refresh token works once.
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token), scope: 'openid offline_access User.Read' });
    expect(refreshed.status).toBe(200);
    const reused = await token({ grant_type: 'refresh_token', refresh_token: String(body.refresh_token), scope: 'User.Read' });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect(fake.counters.token).toMatchObject({ authorization_code: 3, refresh_token: 2, errors: 3 });
  });

  it('refuses a refresh as a real tenant does (disabled, MFA, inactive...): Microsoft\'s error body, suberror where Microsoft sends one; the token works again once the refusal ends', async () => {
    const { query } = await openAuthorizeUrl(authorizeUrl());
    const issued = (await (await token({ grant_type: 'authorization_code', code: query.code!, redirect_uri: REDIRECT_URI, code_verifier: verifier, scope: 'openid offline_access User.Read' })).json()) as { refresh_token: string };
    for (const refusal of Object.values(TOKEN_REFUSALS)) {
      fake.refuseTokens(user.oid, refusal);
      const response = await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, scope: 'User.Read' });
      expect(response.status).toBe(refusal.status);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error: refusal.error, error_codes: [refusal.aadsts], error_uri: `https://login.microsoftonline.com/error?code=${refusal.aadsts}` });
      expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${refusal.aadsts}: .+ Trace ID: ${String(body.trace_id)} Correlation ID: ${String(body.correlation_id)} Timestamp: ${String(body.timestamp)}$`));
      expect(body.suberror).toBe('suberror' in refusal ? refusal.suberror : undefined);
      expect(body.claims).toBe('claims' in refusal ? refusal.claims : undefined);
    }
    fake.refuseTokens(user.oid, undefined);
    expect((await token({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, scope: 'User.Read' })).status).toBe(200);
  });

  it('redirects a refused sign-in back with error, error_description "AADSTSnnn: ..." and error_subcode when Microsoft sends one, and the state', async () => {
    for (const refusal of Object.values(SIGN_IN_REFUSALS)) {
      fake.refuseSignIn(refusal);
      const { status, query } = await openAuthorizeUrl(authorizeUrl());
      expect(status).toBe(302);
      expect(query).toMatchObject({ error: refusal.error, state: 'st', error_description: expect.stringMatching(new RegExp(`^AADSTS${refusal.aadsts}: `)) });
      expect(query.error_subcode).toBe('subcode' in refusal ? refusal.subcode : undefined);
      expect(query.code).toBeUndefined();
    }
    fake.refuseSignIn(undefined);
    expect((await openAuthorizeUrl(authorizeUrl())).query.code).toBeDefined();
  });

  it('answers a wrong client secret with 401 invalid_client', async () => {
    const response = await fetch(`${fake.authorityHost}/${user.tid}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: CLIENT.clientId, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });
});
