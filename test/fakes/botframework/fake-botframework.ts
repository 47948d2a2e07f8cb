import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { clientCredentialsOf, microsoftError } from '../identity/fake-identity.js';

/**
 * A local stand-in for the two halves of the Bot Framework's service authentication, over HTTPS (test CA), as
 * "Authentication with the Bot Connector API" documents them:
 *
 * - the channel side (login.botframework.com): the OpenID metadata document (issuer https://api.botframework.com,
 *   jwks_uri, RS256) and its JWKS, whose keys carry `endorsements` (the channel IDs a key may sign for). The fake
 *   channel signs inbound activities' Bearer tokens: aud = the bot's app ID, iss, serviceurl = the activity's
 *   serviceUrl, nbf/exp an hour apart;
 * - the bot side (login.microsoftonline.com/botframework.com, or the bot's tenant for a SingleTenant bot): the
 *   tenant's OpenID configuration and its token endpoint for the client credentials grant with the scope
 *   https://api.botframework.com/.default. It hands out v1 access tokens (aud https://api.botframework.com, appid)
 *   and Microsoft's JSON errors: a wrong secret, an app unknown in that tenant (a SingleTenant bot asking
 *   botframework.com), another scope. The Bot Framework Emulator, given the bot's app ID and password, asks the
 *   same endpoint for a token with the scope {app ID}/.default (aud the app ID) and sends it to the bot, which
 *   checks it against this side's keys, published under the tenant's OpenID configuration ("Authenticate requests
 *   from the Bot Framework Emulator to your bot").
 *
 * Both live on one server under different paths; `settings` are the values calbot is configured with for it.
 * The keys have no x5c certificate chain: botbuilder reads only n and e.
 */
export interface FakeBot {
  appId: string;
  appPassword: string;
  appType: 'MultiTenant' | 'SingleTenant';
  /** The bot's home tenant (a GUID): a SingleTenant bot gets tokens there only. */
  tenantId: string;
}

export interface FakeBotFrameworkOptions {
  bots: FakeBot[];
  /** expires_in of the bots' tokens (default 3600). botbuilder treats a token as expired 5 minutes early. */
  botTokenLifetimeSeconds?: number;
  /** Channel IDs the channel's signing key is endorsed for (default msteams, skype, webchat, directline, emulator). */
  endorsements?: string[];
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface ChannelTokenOptions {
  /** The audience: the bot's app ID. */
  appId: string;
  /** The serviceurl claim: the activity's serviceUrl. */
  serviceUrl: string;
  /**
   * The key that signs: the channel's published key (default); `other-channel`, a published key endorsed only for
   * another channel; `unknown`, a key the JWKS never listed; `forged`, an unknown key whose header names the
   * channel's key ID (a forged signature).
   */
  signedWith?: 'channel' | 'other-channel' | 'unknown' | 'forged';
  issuer?: string;
  /** Seconds from now the token expires (negative: expired that long ago). Default 3600. */
  expiresInSeconds?: number;
  /** Seconds from now the token becomes valid (nbf). Default -300. */
  validInSeconds?: number;
}

export interface BotTokenRequest {
  tenant: string;
  clientId?: string;
  grantType?: string;
  scope?: string;
  status: number;
  error?: string;
}

export interface FakeBotFramework {
  origin: string;
  /** The channel side's issuer (https://api.botframework.com, as in production). */
  issuer: string;
  /** The audience of the bots' tokens, and the scope they ask for without /.default. */
  botAudience: string;
  /** calbot's environment for this cloud. */
  settings: {
    ToChannelFromBotLoginUrl: string;
    ToChannelFromBotOAuthScope: string;
    ToBotFromChannelOpenIdMetadataUrl: string;
    ToBotFromChannelTokenIssuer: string;
    ToBotFromEmulatorOpenIdMetadataUrl: string;
  };
  /** A Bearer token as the channel signs it for an activity to a bot. */
  channelToken(options: ChannelTokenOptions): string;
  /** Every token handed out (to a bot, or to the Emulator for one) and every channel token signed, oldest first, to look for where they must not be. */
  issued: { botTokens: string[]; channelTokens: string[] };
  /** Requests to the bot side's token endpoint, in order. */
  tokenRequests: BotTokenRequest[];
  counters: { openIdMetadata: number; keys: number; tenantConfiguration: number; tenantKeys: number };
  setBotTokenLifetime(seconds: number): void;
  close(): Promise<void>;
}

/** The Bot Framework's own tenant, by name and by ID (a MultiTenant bot gets its tokens there). */
export const BOTFRAMEWORK_TENANT = 'botframework.com';
export const BOTFRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db';

const DEFAULT_ENDORSEMENTS = ['msteams', 'skype', 'webchat', 'directline', 'emulator'];

export async function startFakeBotFramework(options: FakeBotFrameworkOptions): Promise<FakeBotFramework> {
  const tls = options.tls ?? testTls();
  const issuer = 'https://api.botframework.com';
  const botAudience = 'https://api.botframework.com';
  const channelKey = signingKey();
  const otherChannelKey = signingKey();
  const unknownKey = signingKey();
  const loginKey = signingKey();
  const endorsements = options.endorsements ?? DEFAULT_ENDORSEMENTS;
  const jwks = {
    keys: [
      { ...channelKey.jwk, endorsements },
      { ...otherChannelKey.jwk, endorsements: ['some-other-channel'] },
    ],
  };
  let botTokenLifetime = options.botTokenLifetimeSeconds ?? 3600;
  const issued = { botTokens: [] as string[], channelTokens: [] as string[] };
  const tokenRequests: BotTokenRequest[] = [];
  const counters = { openIdMetadata: 0, keys: 0, tenantConfiguration: 0, tenantKeys: 0 };
  let origin = '';

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // No chaining: restify, when loaded in the same process, patches writeHead so it no longer returns `this`.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake Bot Framework crashed: ${String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const segments = url.pathname.split('/').filter(Boolean);

    // The channel side.
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      counters.openIdMetadata++;
      return json(200, {
        issuer,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${origin}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') {
      counters.keys++;
      return json(200, jwks);
    }

    // The bot side: the identity platform's v2.0 endpoints for a tenant.
    const tenant = segments[0] ?? '';
    if (req.method === 'GET' && segments.length === 4 && segments[1] === 'v2.0' && segments[2] === '.well-known' && segments[3] === 'openid-configuration') {
      const tenantId = tenantIdOf(tenant);
      if (!tenantId) return json(400, microsoftError('invalid_tenant', 90002, `Tenant '${tenant}' not found.`, req));
      counters.tenantConfiguration++;
      const base = `${origin}/${tenant}`;
      return json(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${origin}/${tenantId}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    if (req.method === 'GET' && segments.length === 4 && segments[1] === 'discovery' && segments[2] === 'v2.0' && segments[3] === 'keys') {
      counters.tenantKeys++;
      return json(200, { keys: [loginKey.jwk] });
    }
    if (segments.length === 4 && segments[1] === 'oauth2' && segments[2] === 'v2.0' && segments[3] === 'token') {
      if (req.method !== 'POST') return json(405, microsoftError('invalid_request', 900561, 'The endpoint only accepts POST requests.', req));
      const form = new URLSearchParams(await readBody(req));
      const record: BotTokenRequest = { tenant, clientId: form.get('client_id') ?? undefined, grantType: form.get('grant_type') ?? undefined, scope: form.get('scope') ?? undefined, status: 0 };
      tokenRequests.push(record);
      const [status, body] = token(form, req, tenant);
      record.status = status;
      if (status !== 200) record.error = String((body as { error?: string }).error);
      return json(status, body);
    }
    return json(404, microsoftError('invalid_request', 90002, `Unknown endpoint ${url.pathname}.`, req));
  }

  function tenantIdOf(tenant: string): string | undefined {
    if (tenant === BOTFRAMEWORK_TENANT || tenant === BOTFRAMEWORK_TENANT_ID) return BOTFRAMEWORK_TENANT_ID;
    return options.bots.find((bot) => bot.tenantId === tenant)?.tenantId;
  }

  function token(form: URLSearchParams, req: IncomingMessage, tenant: string): [number, object] {
    const error = (status: number, code: string, aadsts: number, description: string): [number, object] => [status, microsoftError(code, aadsts, description, req)];
    const tenantId = tenantIdOf(tenant);
    if (!tenantId) return error(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const { clientId, clientSecret } = clientCredentialsOf(form, req);
    // A multi-tenant app is known in the Bot Framework's tenant too; a single-tenant one only in its own.
    const bot = options.bots.find((b) => b.appId === clientId && (b.tenantId === tenantId || (b.appType === 'MultiTenant' && tenantId === BOTFRAMEWORK_TENANT_ID)));
    if (!bot) return error(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory '${tenant}'.`);
    if (!clientSecret) return error(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (clientSecret !== bot.appPassword) return error(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    const grantType = form.get('grant_type');
    if (grantType !== 'client_credentials') return error(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
    const scope = form.get('scope') ?? '';
    // The connector's audience (a bot calling the connector), or the bot's own app ID (the Emulator calling the bot).
    const audience = scope === `${botAudience}/.default` ? botAudience : scope === `${bot.appId}/.default` ? bot.appId : undefined;
    if (!audience) {
      return error(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signJwt(loginKey, {
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + botTokenLifetime,
      aio: randomBytes(24).toString('base64url'),
      appid: bot.appId,
      appidacr: '1',
      idp: `https://sts.windows.net/${tenantId}/`,
      oid: uuidFrom(`${bot.appId}|${tenantId}`),
      rh: `0.A${randomBytes(24).toString('base64url')}`,
      sub: uuidFrom(`${bot.appId}|${tenantId}`),
      tid: tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    });
    issued.botTokens.push(accessToken);
    return [200, { token_type: 'Bearer', expires_in: botTokenLifetime, ext_expires_in: botTokenLifetime, access_token: accessToken }];
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  origin = `https://localhost:${port}`;

  return {
    origin,
    issuer,
    botAudience,
    settings: {
      ToChannelFromBotLoginUrl: `${origin}/${BOTFRAMEWORK_TENANT}`,
      ToChannelFromBotOAuthScope: botAudience,
      ToBotFromChannelOpenIdMetadataUrl: `${origin}/v1/.well-known/openidconfiguration`,
      ToBotFromChannelTokenIssuer: issuer,
      ToBotFromEmulatorOpenIdMetadataUrl: `${origin}/${BOTFRAMEWORK_TENANT}/v2.0/.well-known/openid-configuration`,
    },
    channelToken(tokenOptions) {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        serviceurl: tokenOptions.serviceUrl,
        nbf: now + (tokenOptions.validInSeconds ?? -300),
        exp: now + (tokenOptions.expiresInSeconds ?? 3600),
        iss: tokenOptions.issuer ?? issuer,
        aud: tokenOptions.appId,
      };
      const signedWith = tokenOptions.signedWith ?? 'channel';
      const jwt =
        signedWith === 'channel' ? signJwt(channelKey, claims)
        : signedWith === 'other-channel' ? signJwt(otherChannelKey, claims)
        : signedWith === 'unknown' ? signJwt(unknownKey, claims)
        : signJwt({ ...unknownKey, kid: channelKey.kid, x5t: channelKey.x5t }, claims);
      issued.channelTokens.push(jwt);
      return jwt;
    },
    issued,
    tokenRequests,
    counters,
    setBotTokenLifetime(seconds) {
      botTokenLifetime = seconds;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

interface SigningKey {
  privateKey: KeyObject;
  kid: string;
  x5t: string;
  jwk: Record<string, unknown>;
}

function signingKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  // Microsoft's kid and x5t are the certificate's SHA-1 thumbprint; here, of the public key.
  const x5t = createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
  return { privateKey, kid: x5t, x5t, jwk: { kty: 'RSA', use: 'sig', kid: x5t, x5t, n, e } };
}

function signJwt(key: Pick<SigningKey, 'privateKey' | 'kid' | 'x5t'>, claims: Record<string, unknown>): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid, x5t: key.x5t, typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function testTls(): { cert: Buffer; key: Buffer } {
  const dir = process.env.CALBOT_TEST_TLS_DIR;
  if (!dir) throw new Error('CALBOT_TEST_TLS_DIR is not set: run the tests through test/run.mjs');
  return { cert: readFileSync(join(dir, 'server-cert.pem')), key: readFileSync(join(dir, 'server-key.pem')) };
}
