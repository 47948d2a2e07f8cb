import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A local stand-in for Microsoft's identity platform (v2.0 endpoints), over HTTPS because MSAL refuses a plain-http
 * authority. It follows the documented behaviour closely enough for real MSAL node to run against it: instance
 * discovery, OpenID configuration (issuer and endpoints carry this server's scheme, host and port), the authorize
 * endpoint (PKCE S256 required, redirect URIs matched exactly, errors for an unregistered redirect URI shown as a
 * page and never redirected), the token endpoint (authorization_code with code_verifier, single-use codes bound to
 * client and redirect URI; refresh_token with rotation: each refresh returns a new refresh token and the old one is
 * refused), RS256-signed id_tokens with a JWKS, and Microsoft's JSON error shape.
 *
 * Stricter than Microsoft on purpose where it catches calbot bugs: PKCE is mandatory, and a rotated refresh token is
 * dead at once (Microsoft keeps old ones valid for a while).
 */
export interface FakeClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface FakeUser {
  oid: string;
  tid: string;
  upn: string;
  name: string;
}

export interface FakeIdentityOptions {
  clients: FakeClient[];
  users: FakeUser[];
  /** expires_in of access tokens; MSAL treats a token as expired 5 minutes early, so below 300 every silent call refreshes. */
  accessTokenLifetimeSeconds?: number;
  /** Defaults to the test CA's server certificate in CALBOT_TEST_TLS_DIR. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface TokenCounters {
  authorization_code: number;
  refresh_token: number;
  other: number;
  /** Token requests answered with an error (any grant type). */
  errors: number;
}

export interface FakeIdentityRequest {
  method: string;
  path: string;
  status: number;
  grantType?: string;
  error?: string;
}

export interface FakeIdentity {
  /** https://localhost:PORT, for MICROSOFT_AUTHORITY_HOST. */
  authorityHost: string;
  port: number;
  counters: { discovery: number; openidConfiguration: number; jwks: number; authorize: number; token: TokenCounters };
  requests: FakeIdentityRequest[];
  /** Every access, refresh and id token handed out, so tests can look for them where they must not be. */
  issued: { accessTokens: string[]; refreshTokens: string[]; idTokens: string[]; codes: string[] };
  /** Who "signs in" at the authorize endpoint when the request has no matching login_hint (default: the first user). */
  signInAs(oidOrUpn: string): void;
  /** While on, the authorize endpoint answers like a user who clicked "Cancel" on the consent screen. */
  refuseConsent(refuse?: boolean): void;
  /** Revokes every live refresh token of the user (like revokeSignInSessions); returns how many. */
  revokeRefreshTokens(oid: string): number;
  /**
   * While set, every token request for the user (a refresh, and a code redeemed at sign-in) is answered with this
   * refusal, one of TOKEN_REFUSALS (`undefined` ends it). As Microsoft keeps the refresh token valid while it refuses
   * it, a refresh after the refusal ends works again with the same token.
   */
  refuseTokens(oid: string, refusal?: TokenRefusal): void;
  /** While set, the authorize endpoint redirects back with this error (one of SIGN_IN_REFUSALS) instead of a code. */
  refuseSignIn(refusal?: SignInRefusal): void;
  /** The user's next refresh is refused with AADSTS50076 (MFA required): MSAL raises InteractionRequiredAuthError. */
  requireInteraction(oid: string, required?: boolean): void;
  setAccessTokenLifetime(seconds: number): void;
  /** The next id_token from a code redemption carries this nonce instead of the one from the authorize request. */
  forgeNextNonce(nonce: string): void;
  /** The next `count` token requests fail with HTTP `status` (e.g. 503 temporarily_unavailable). */
  failNextTokenRequests(status: number, count?: number): void;
  /** Drops failures queued by failNextTokenRequests that were not consumed. */
  clearTokenFailures(): void;
  /** An access token for the user as the token endpoint would mint it (for Graph tests that skip the sign-in). */
  mintAccessToken(oid: string, options?: { clientId?: string; lifetimeSeconds?: number; scopes?: string[] }): string;
  /** Live (not used, not revoked) refresh tokens of a user. */
  liveRefreshTokens(oid: string): string[];
  jwks: { keys: object[] };
  resetCounters(): void;
  close(): Promise<void>;
}

/** A refusal from the token endpoint, as Microsoft's JSON error body has it. */
export interface TokenRefusal {
  status: number;
  error: string;
  aadsts: number;
  description: string;
  /** Sent by Microsoft for some refusals; MSAL reads basic_action, bad_token, consent_required... as "interaction required". */
  suberror?: string;
  /** The claims challenge Microsoft adds to some interaction_required answers (MFA enrolment). */
  claims?: string;
}

/**
 * Refusals a real tenant answers a refresh (or a code redemption) with, each with the body shape users and MSAL
 * issues report (error, "AADSTSnnn: ..." description, error_codes, ids, suberror where Microsoft sends one).
 */
export const TOKEN_REFUSALS = {
  // An admin set "Block sign-in" (accountEnabled false); the refresh token stays, refused while the account is disabled.
  userDisabled: { status: 400, error: 'invalid_grant', aadsts: 50057, description: 'The user account is disabled.' },
  userDeleted: { status: 400, error: 'invalid_grant', aadsts: 50034, description: 'The user account {EUII Hidden} does not exist in the contoso.example directory. To sign into this application, the account must be added to the directory.' },
  userNotInTenant: {
    status: 400, error: 'invalid_grant', aadsts: 50020,
    description: "User account '{EUII Hidden}' from identity provider 'live.com' does not exist in tenant 'Contoso' and cannot access the application in that tenant. The account needs to be added as an external user in the tenant first.",
  },
  accountLocked: { status: 400, error: 'invalid_grant', aadsts: 50053, description: "You've tried to sign in too many times with an incorrect user ID or password." },
  notAssigned: { status: 400, error: 'invalid_grant', aadsts: 50105, description: "Your administrator has configured the application calbot to block users unless they are specifically granted ('assigned') access to the application." },
  conditionalAccess: { status: 400, error: 'invalid_grant', aadsts: 53003, description: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.' },
  mfaRequired: {
    status: 400, error: 'invalid_grant', aadsts: 50076, suberror: 'basic_action',
    description: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
  },
  mfaEnrolment: {
    status: 400, error: 'interaction_required', aadsts: 50079, claims: '{"access_token":{"polids":{"essential":true,"values":["bd8d9305-ee44-4c9e-87a9-45bc878db6e1"]}}}',
    description: "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
  },
  inactive: { status: 400, error: 'invalid_grant', aadsts: 700082, suberror: 'bad_token', description: 'The refresh token has expired due to inactivity. The token was issued on 2026-06-01T09:00:00.0000000Z and was inactive for 90.00:00:00.' },
  passwordChanged: { status: 400, error: 'invalid_grant', aadsts: 50173, description: "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '2026-06-01T09:00:00.0000000Z' and the TokensValidFrom date for this user is '2026-07-01T09:00:00.0000000Z'." },
  sessionRevokedByPasswordChange: { status: 400, error: 'invalid_grant', aadsts: 50133, description: "The session is not valid due to password expiration or recent password change." },
  signInFrequency: { status: 400, error: 'invalid_grant', aadsts: 70043, suberror: 'token_expired', description: 'The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. The token was issued on 2026-06-01T09:00:00.0000000Z and the maximum allowed lifetime for this request is 86400.' },
  consentWithdrawn: { status: 400, error: 'invalid_grant', aadsts: 65001, suberror: 'consent_required', description: "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource." },
  directoryUnavailable: { status: 503, error: 'temporarily_unavailable', aadsts: 90033, description: 'A transient error has occurred. Please try again.' },
} satisfies Record<string, TokenRefusal>;

/** An error the authorize endpoint redirects back with (the query Microsoft puts on the redirect URI). */
export interface SignInRefusal {
  error: string;
  aadsts: number;
  description: string;
  subcode?: string;
}

export const SIGN_IN_REFUSALS = {
  /** "Cancel" on the consent screen. */
  cancelled: { error: 'access_denied', subcode: 'cancel', aadsts: 65004, description: 'User declined to consent to access the app.' },
  /** "Need admin approval" (user consent turned off), then "Return to the application without granting consent". */
  adminConsentRequired: { error: 'access_denied', aadsts: 90094, description: 'The grant requires admin permission.' },
  /** The same with the admin consent workflow on: the user sent a request to their admins. */
  adminConsentRequested: { error: 'access_denied', aadsts: 90095, description: 'Admin consent is required for the permissions requested by this application. An admin consent request may be sent to the admin.' },
  consentRequired: { error: 'consent_required', aadsts: 65001, description: "The user or administrator has not consented to use the application with ID 'calbot'. Send an interactive authorization request for this user and resource." },
  notAssigned: { error: 'access_denied', aadsts: 50105, description: "Your administrator has configured the application calbot to block users unless they are specifically granted ('assigned') access to the application." },
  conditionalAccess: { error: 'access_denied', aadsts: 53003, description: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.' },
  interactionRequired: { error: 'interaction_required', aadsts: 50076, description: "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'." },
  serverError: { error: 'server_error', aadsts: 90033, description: 'A transient error has occurred. Please try again.' },
} satisfies Record<string, SignInRefusal>;

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  nonce?: string;
  oid: string;
  expiresAt: number;
  used: boolean;
}

interface RefreshGrant {
  clientId: string;
  oid: string;
  scopes: string[];
  state: 'live' | 'rotated' | 'revoked';
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const GRAPH_AUDIENCE = '00000003-0000-0000-c000-000000000000';
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export async function startFakeIdentity(options: FakeIdentityOptions): Promise<FakeIdentity> {
  const tls = options.tls ?? testTls();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(12).toString('base64url');
  const jwks = { keys: [{ ...(publicKey.export({ format: 'jwk' }) as object), kid, use: 'sig', alg: 'RS256', kty: 'RSA' }] };

  let accessTokenLifetime = options.accessTokenLifetimeSeconds ?? 3600;
  let signedInUser: FakeUser | undefined = options.users[0];
  let consentRefused = false;
  let forgedNonce: string | undefined;
  const interactionRequired = new Set<string>();
  const tokenRefusals = new Map<string, TokenRefusal>();
  let signInRefusal: SignInRefusal | undefined;
  const failures: number[] = [];
  const codes = new Map<string, CodeGrant>();
  const refreshTokens = new Map<string, RefreshGrant>();
  const counters = { discovery: 0, openidConfiguration: 0, jwks: 0, authorize: 0, token: { authorization_code: 0, refresh_token: 0, other: 0, errors: 0 } };
  const requests: FakeIdentityRequest[] = [];
  const issued = { accessTokens: [] as string[], refreshTokens: [] as string[], idTokens: [] as string[], codes: [] as string[] };
  let origin = '';

  const findUser = (oidOrUpn: string) => options.users.find((u) => u.oid === oidOrUpn || u.upn.toLowerCase() === oidOrUpn.toLowerCase());
  const findClient = (clientId: string | null) => options.clients.find((c) => c.clientId === clientId);

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // No chaining: restify, when loaded in the same process, patches writeHead so it no longer returns `this`.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake identity crashed: ${String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const record: FakeIdentityRequest = { method: req.method ?? 'GET', path: url.pathname, status: 0 };
    requests.push(record);
    const reply = (status: number, headers: Record<string, string>, body: string) => {
      record.status = status;
      res.writeHead(status, { 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    const json = (status: number, body: object) => reply(status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(body));
    const segments = url.pathname.split('/').filter(Boolean);
    const tenant = segments[0] ?? '';

    if (req.method === 'GET' && url.pathname === '/common/discovery/instance') {
      counters.discovery++;
      const host = url.host;
      return json(200, {
        tenant_discovery_endpoint: `${origin}/{tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    }
    if (req.method === 'GET' && segments.length === 4 && segments[1] === 'v2.0' && segments[2] === '.well-known' && segments[3] === 'openid-configuration') {
      counters.openidConfiguration++;
      return json(200, openidConfiguration(tenant));
    }
    if (req.method === 'GET' && segments.length === 4 && segments[1] === 'discovery' && segments[2] === 'v2.0' && segments[3] === 'keys') {
      counters.jwks++;
      return json(200, jwks);
    }
    if (req.method === 'GET' && segments.length === 4 && segments[1] === 'oauth2' && segments[2] === 'v2.0' && segments[3] === 'authorize') {
      counters.authorize++;
      return authorize(url.searchParams, reply);
    }
    if (segments.length === 4 && segments[1] === 'oauth2' && segments[2] === 'v2.0' && segments[3] === 'token') {
      if (req.method !== 'POST') return json(405, microsoftError('invalid_request', 900561, 'The endpoint only accepts POST requests.', req));
      const form = new URLSearchParams(await readBody(req));
      const grantType = form.get('grant_type') ?? '';
      record.grantType = grantType;
      if (grantType === 'authorization_code' || grantType === 'refresh_token') counters.token[grantType]++;
      else counters.token.other++;
      const [status, body] = token(form, req, tenant);
      if (status !== 200) {
        counters.token.errors++;
        record.error = String((body as { error?: string }).error);
      }
      return json(status, body);
    }
    return json(404, microsoftError('invalid_request', 90002, `Unknown endpoint ${url.pathname}.`, req));
  }

  function openidConfiguration(tenant: string) {
    const base = `${origin}/${tenant}`;
    // For the multi-tenant aliases Microsoft's issuer carries a {tenantid} placeholder; for a tenant, its id.
    const issuerTenant = ['common', 'organizations', 'consumers'].includes(tenant) ? '{tenantid}' : tenant;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${origin}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  function authorize(params: URLSearchParams, reply: (status: number, headers: Record<string, string>, body: string) => void): void {
    const page = (status: number, code: number, message: string) =>
      reply(status, { 'content-type': 'text/html; charset=utf-8' }, `<!doctype html><title>Sign in to your account</title><p>AADSTS${code}: ${escapeHtml(message)}</p>`);
    const clientId = params.get('client_id');
    const client = findClient(clientId);
    if (!client) return page(400, 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    const redirectUri = params.get('redirect_uri');
    // Never redirect to an unregistered URI: the error is shown to the user instead.
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return page(400, 50011, `The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`);
    }
    const state = params.get('state');
    const redirect = (values: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries(values)) target.searchParams.set(name, value);
      if (state !== null) target.searchParams.set('state', state);
      reply(302, { location: target.toString(), 'content-type': 'text/html; charset=utf-8' }, '');
    };
    const fail = (error: string, code: number, description: string, extra: Record<string, string> = {}) =>
      redirect({ error, error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${microsoftTimestamp()}`, ...extra });

    if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 700054, "response_type 'code' is required for this test authority.");
    const responseMode = params.get('response_mode') ?? 'query';
    if (responseMode !== 'query') return fail('invalid_request', 900144, `response_mode '${responseMode}' is not supported by the fake.`);
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) return fail('invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge) return fail('invalid_request', 9002325, 'Proof Key for Code Exchange is required.');
    if (params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 501491, "Invalid size of Code_Challenge parameter or code_challenge_method other than 'S256'.");
    if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail('invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');

    const hint = params.get('login_hint');
    const user = (hint ? findUser(hint) : undefined) ?? signedInUser;
    if (!user) return fail('access_denied', 50034, 'The user account does not exist in this directory.');
    if (signInRefusal) {
      return fail(signInRefusal.error, signInRefusal.aadsts, signInRefusal.description, signInRefusal.subcode ? { error_subcode: signInRefusal.subcode } : {});
    }
    if (consentRefused) {
      return redirect({
        error: 'access_denied',
        error_subcode: 'cancel',
        error_description: `AADSTS65004: User declined to consent to access the app. Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${microsoftTimestamp()}`,
      });
    }
    const code = `1.A${randomBytes(96).toString('base64url')}`;
    codes.set(code, {
      clientId: client.clientId, redirectUri, scopes, codeChallenge, nonce: params.get('nonce') ?? undefined, oid: user.oid,
      expiresAt: Date.now() + CODE_LIFETIME_MS, used: false,
    });
    issued.codes.push(code);
    const values: Record<string, string> = { code, session_state: randomUUID() };
    if (params.get('client_info') === '1') values.client_info = clientInfo(user);
    redirect(values);
  }

  function token(form: URLSearchParams, req: IncomingMessage, tenant: string): [number, object] {
    const error = (status: number, code: string, aadsts: number, description: string, suberror?: string, claims?: string): [number, object] =>
      [status, { ...microsoftError(code, aadsts, description, req), ...(suberror ? { suberror } : {}), ...(claims ? { claims } : {}) }];
    const refuse = (refusal: TokenRefusal) => error(refusal.status, refusal.error, refusal.aadsts, refusal.description, refusal.suberror, refusal.claims);
    const failure = failures.shift();
    if (failure !== undefined) return error(failure, 'temporarily_unavailable', 50196, 'The server is temporarily unavailable (fake failure).');

    const { clientId, clientSecret } = clientCredentialsOf(form, req);
    const client = findClient(clientId);
    if (!client) return error(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    if (!clientSecret) return error(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (clientSecret !== client.clientSecret) return error(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');

    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const code = form.get('code');
      if (!code) return error(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'code'.");
      const grant = codes.get(code);
      if (!grant || grant.clientId !== client.clientId) return error(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
      if (grant.used) return error(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
      // Any redemption attempt burns the code, so a wrong verifier cannot be retried.
      grant.used = true;
      if (grant.expiresAt < Date.now()) return error(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity.');
      if (form.get('redirect_uri') !== grant.redirectUri) return error(400, 'invalid_grant', 70000, "The provided value for the 'redirect_uri' is not valid. The value must exactly match the redirect URI used to obtain the authorization code.");
      const verifier = form.get('code_verifier');
      if (!verifier) return error(400, 'invalid_request', 9002327, "The request body must contain the following parameter: 'code_verifier'.");
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) {
        return error(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      }
      // Conditional Access and the account's state are checked again when the code is redeemed.
      const refusal = tokenRefusals.get(grant.oid);
      if (refusal) return refuse(refusal);
      const user = findUser(grant.oid)!;
      const nonce = forgedNonce ?? grant.nonce;
      forgedNonce = undefined;
      return [200, tokenResponse(client, user, grant.scopes, tenant, nonce)];
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken) return error(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'.");
      const grant = refreshTokens.get(refreshToken);
      if (!grant || grant.clientId !== client.clientId) return error(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (grant.state === 'revoked') return error(400, 'invalid_grant', 50173, 'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
      if (grant.state === 'rotated') return error(400, 'invalid_grant', 70043, 'The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.');
      const refusal = tokenRefusals.get(grant.oid);
      if (refusal) return refuse(refusal);
      if (interactionRequired.has(grant.oid)) {
        return error(400, 'invalid_grant', 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.", 'basic_action');
      }
      const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const notGranted = requested.filter((s) => !OIDC_SCOPES.has(s) && !grant.scopes.some((g) => g.toLowerCase() === s.toLowerCase()));
      if (notGranted.length > 0) return error(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${client.clientId}'. Send an interactive authorization request for this user and resource.`, 'consent_required');
      grant.state = 'rotated';
      const user = findUser(grant.oid)!;
      return [200, tokenResponse(client, user, requested.length > 0 ? requested : grant.scopes, tenant, undefined, grant.scopes)];
    }
    return error(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
  }

  function tokenResponse(client: FakeClient, user: FakeUser, scopes: string[], tenant: string, nonce: string | undefined, grantedScopes = scopes) {
    const now = Math.floor(Date.now() / 1000);
    const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
    const accessToken = mintAccessToken(user, client.clientId, accessTokenLifetime, resourceScopes);
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      // Microsoft answers with the resource scopes granted plus the OIDC ones, never offline_access.
      scope: [...resourceScopes, ...scopes.filter((s) => s === 'openid' || s === 'profile' || s === 'email')].join(' '),
      expires_in: accessTokenLifetime,
      ext_expires_in: accessTokenLifetime,
      access_token: accessToken,
      client_info: clientInfo(user),
    };
    if (scopes.includes('offline_access') || grantedScopes.includes('offline_access')) {
      const refreshToken = `1.A${randomBytes(160).toString('base64url')}`;
      refreshTokens.set(refreshToken, { clientId: client.clientId, oid: user.oid, scopes: grantedScopes, state: 'live' });
      issued.refreshTokens.push(refreshToken);
      body.refresh_token = refreshToken;
    }
    if (scopes.includes('openid')) {
      const claims: Record<string, unknown> = {
        aud: client.clientId,
        iss: `${origin}/${user.tid}/v2.0`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        name: user.name,
        oid: user.oid,
        preferred_username: user.upn,
        rh: `0.A${randomBytes(24).toString('base64url')}`,
        sub: createHash('sha256').update(`${user.oid}|${client.clientId}`).digest('base64url').slice(0, 43),
        tid: user.tid,
        uti: randomBytes(16).toString('base64url'),
        ver: '2.0',
      };
      if (nonce !== undefined) claims.nonce = nonce;
      const idToken = signJwt(privateKey, kid, claims);
      issued.idTokens.push(idToken);
      body.id_token = idToken;
    }
    void tenant;
    return body;
  }

  function mintAccessToken(user: FakeUser, clientId: string, lifetimeSeconds: number, scopes: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signJwt(privateKey, kid, {
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${user.tid}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      appid: clientId,
      name: user.name,
      oid: user.oid,
      scp: scopes.join(' '),
      sub: createHash('sha256').update(`${user.oid}|graph`).digest('base64url').slice(0, 43),
      tid: user.tid,
      upn: user.upn,
      unique_name: user.upn,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    });
    issued.accessTokens.push(accessToken);
    return accessToken;
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  origin = `https://localhost:${port}`;

  return {
    authorityHost: origin,
    port,
    counters,
    requests,
    issued,
    jwks,
    signInAs(oidOrUpn) {
      const user = findUser(oidOrUpn);
      if (!user) throw new Error(`fake identity: no user ${oidOrUpn}`);
      signedInUser = user;
    },
    refuseConsent(refuse = true) {
      consentRefused = refuse;
    },
    revokeRefreshTokens(oid) {
      let count = 0;
      for (const grant of refreshTokens.values()) {
        if (grant.oid === oid && grant.state === 'live') {
          grant.state = 'revoked';
          count++;
        }
      }
      return count;
    },
    refuseTokens(oid, refusal) {
      if (refusal) tokenRefusals.set(oid, refusal);
      else tokenRefusals.delete(oid);
    },
    refuseSignIn(refusal) {
      signInRefusal = refusal;
    },
    requireInteraction(oid, required = true) {
      if (required) interactionRequired.add(oid);
      else interactionRequired.delete(oid);
    },
    forgeNextNonce(nonce) {
      forgedNonce = nonce;
    },
    setAccessTokenLifetime(seconds) {
      accessTokenLifetime = seconds;
    },
    failNextTokenRequests(status, count = 1) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    clearTokenFailures() {
      failures.length = 0;
    },
    mintAccessToken(oid, mintOptions = {}) {
      const user = findUser(oid);
      if (!user) throw new Error(`fake identity: no user ${oid}`);
      return mintAccessToken(user, mintOptions.clientId ?? options.clients[0]?.clientId ?? 'client', mintOptions.lifetimeSeconds ?? accessTokenLifetime, mintOptions.scopes ?? ['User.Read', 'Calendars.Read', 'MailboxSettings.Read']);
    },
    liveRefreshTokens(oid) {
      return [...refreshTokens.entries()].filter(([, grant]) => grant.oid === oid && grant.state === 'live').map(([value]) => value);
    },
    resetCounters() {
      counters.discovery = counters.openidConfiguration = counters.jwks = counters.authorize = 0;
      counters.token.authorization_code = counters.token.refresh_token = counters.token.other = counters.token.errors = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Decodes a JWT's payload without checking it (what Graph's fake does to pick the mailbox). */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * What a browser does with the authorize URL, without following the redirect to calbot: returns the Location's
 * query (code + state, or error + state), or the error page when Microsoft would not redirect.
 */
export async function openAuthorizeUrl(url: string): Promise<{ status: number; location?: URL; query: Record<string, string>; body: string }> {
  const response = await fetch(url, { redirect: 'manual' });
  const body = await response.text();
  const header = response.headers.get('location');
  const location = header ? new URL(header) : undefined;
  return { status: response.status, location, query: location ? Object.fromEntries(location.searchParams) : {}, body };
}

function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function clientInfo(user: FakeUser): string {
  return Buffer.from(JSON.stringify({ uid: user.oid, utid: user.tid })).toString('base64url');
}

function microsoftTimestamp(): string {
  return new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The client's ID and secret from a token request: client_secret_post (the form), or client_secret_basic (the header). */
export function clientCredentialsOf(form: URLSearchParams, req: IncomingMessage): { clientId: string | null; clientSecret: string | null } {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (!basic) return { clientId: form.get('client_id'), clientSecret: form.get('client_secret') };
  const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
  return { clientId: decodeURIComponent(id ?? ''), clientSecret: decodeURIComponent(secret ?? '') };
}

/** The identity platform's error body (AADSTS code, trace and correlation ids), as its endpoints answer a failure. */
export function microsoftError(error: string, aadsts: number, description: string, req: IncomingMessage) {
  const traceId = randomUUID();
  const correlationId = String(req.headers['client-request-id'] ?? randomUUID());
  const timestamp = microsoftTimestamp();
  return {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function testTls(): { cert: Buffer; key: Buffer } {
  const dir = process.env.CALBOT_TEST_TLS_DIR;
  if (!dir) throw new Error('CALBOT_TEST_TLS_DIR is not set: run the tests through test/run.mjs');
  return { cert: readFileSync(join(dir, 'server-cert.pem')), key: readFileSync(join(dir, 'server-key.pem')) };
}
