import { MongoClient } from 'mongodb';
import ms from 'ms';
import { z } from 'zod';

/**
 * The one typed, validated view of calbot's environment. Names are the operator's interface (README's table);
 * Bot Framework's own variables keep their own spelling.
 */
export interface Config {
  port: number;
  /** The address the server listens on: HOST, else every interface with an app ID and loopback without one. */
  host: string;
  publicUrl: URL;
  /** PUBLIC_URL + /microsoft_account/authentication: must match the app registration exactly. */
  redirectUri: string;
  mongodbUri: string | undefined;
  dataDir: string;
  microsoft: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    tenantId: string;
    authorityHost: string;
    graphUrl: string;
  };
  bot: {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    appTenantId: string;
    /**
     * ToChannelFromBotLoginUrl: the authority the bot gets its token for the connector from (a SingleTenant bot:
     * its own tenant on that host).
     */
    loginUrl: string;
    /** ToChannelFromBotOAuthScope: that token's audience (the scope asked for is it + /.default). */
    oAuthScope: string;
    /** ToBotFromChannelOpenIdMetadataUrl: where the keys that sign the channel's requests are published. */
    openIdMetadataUrl: string;
    /** ToBotFromChannelTokenIssuer: the issuer the channel's tokens must name, exactly. */
    tokenIssuer: string;
    /**
     * ToBotFromEmulatorOpenIdMetadataUrl: where the keys that sign the Bot Framework Emulator's tokens are published
     * (the identity platform's: the Emulator gets them for the bot's own app registration, not from the channel).
     */
    emulatorOpenIdMetadataUrl: string;
  };
  tokenEncryptionKey: Buffer | undefined;
  /** TOKEN_ENCRYPTION_KEY_PREVIOUS: keys being rotated away from, read until every token is sealed again (key-rotation.ts). */
  tokenEncryptionKeysPrevious: Buffer[];
  sync: {
    intervalMs: number;
    windowPastDays: number;
    windowFutureDays: number;
    pageSize: number;
    /** Outlook allows 4 concurrent requests per mailbox per app. */
    maxRequestsPerMailbox: number;
    maxRequestsInFlight: number;
  };
  notifyHorizonDays: number;
  /**
   * How long stopping (SIGTERM) may take, all of it: a container platform kills the process after its own grace
   * (Docker 10 s, Kubernetes and Azure App Service 30 s).
   */
  shutdownGraceMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const REDIRECT_PATH = '/microsoft_account/authentication';

/** A bad value: start-up stops with this one line. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `expected a whole number from ${min} to ${max}` })
      .int(`expected a whole number from ${min} to ${max}`)
      .min(min, `expected a whole number from ${min} to ${max}`)
      .max(max, `expected a whole number from ${min} to ${max}`)
      .default(fallback),
  );

const httpUrl = (fallback: string, schemes: string[]) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .refine((value) => {
        try {
          return schemes.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, `expected an absolute ${schemes.map((s) => s.replace(':', '')).join(' or ')} URL`)
      .transform((value) => value.replace(/\/+$/, '')),
  );

/** `value` as a URL, or undefined (URL.parse is not in every Node 20). */
function urlOf(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Hosts the identity platform accepts an http redirect URI on (every other one must be https). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** An address only this machine reaches: localhost, 127.0.0.0/8, ::1. */
function isLoopbackAddress(host: string): boolean {
  return ['localhost', '::1', '[::1]'].includes(host.toLowerCase()) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** Paths calbot appends to PUBLIC_URL: an admin who pastes the messaging endpoint or redirect URI gets them twice. */
const APPENDED_PATHS = ['/api/messages', REDIRECT_PATH];

/**
 * PUBLIC_URL: optional, since its default depends on PORT. Paths are appended to it (the redirect URI), so a ?query
 * or #fragment would end up in the middle of them. Microsoft refuses http redirect URIs and messaging endpoints
 * anywhere but on localhost, and says so only at the first sign-in (AADSTS50011) or never (the bot stays silent).
 */
const publicUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .optional()
    .refine((value) => {
      if (value === undefined) return true;
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'expected an absolute http or https URL, like https://calbot.contoso.com')
    .refine((value) => value === undefined || !/[?#]/.test(value), 'expected a URL without ?query or #fragment (calbot appends paths to it)')
    .refine((value) => {
      const url = value === undefined ? undefined : urlOf(value);
      return url?.protocol !== 'http:' || LOOPBACK_HOSTS.includes(url.hostname);
    }, 'expected an https URL: Microsoft accepts http only on localhost (for the redirect URI and the messaging endpoint)')
    .refine((value) => {
      const path = value === undefined ? undefined : urlOf(value)?.pathname.replace(/\/+$/, '');
      return !APPENDED_PATHS.some((appended) => path?.endsWith(appended));
    }, `expected calbot's own URL, without ${APPENDED_PATHS.join(' or ')} (calbot appends those paths itself)`)
    .transform((value) => value?.replace(/\/+$/, '')),
);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An application (client) ID: always a GUID. Anything else (the app's name, its object ID's label) fails only at
 * the first sign-in (AADSTS700016) or as a 401 on every chat message.
 */
const applicationId = (what: string) =>
  z.preprocess(blankToUndefined, z.string().trim().regex(GUID, `expected ${what}, a GUID like 11111111-2222-3333-4444-555555555555`).optional());

/**
 * A client secret, as the portal shows its Value once. Pasted with quotes (a shell or YAML quoting it twice), or the
 * Secret ID (a GUID the portal shows beside it) instead of the Value, it fails only at the first sign-in or bot reply
 * (AADSTS7000215). Neither message repeats the value.
 */
const clientSecret = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .refine((value) => !/^["'\u2018\u2019\u201c\u201d]|["'\u2018\u2019\u201c\u201d]$/.test(value), "expected the secret's value without quotes around it")
    .refine((value) => !GUID.test(value), "expected the secret's Value, not its Secret ID (a GUID): Certificates & secrets shows both")
    .optional(),
);

/**
 * A tenant: its ID or a domain, the last part of the authority. A whole authority URL pasted here would become
 * https://login.microsoftonline.com/https://.... Whether "common" and "organizations" do is the caller's to say:
 * the sign-in allows them; a single-tenant bot or managed identity belongs to one tenant (checked in loadConfig).
 */
const tenant = (hostVariable: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((value) => !value.includes('/'), `expected the tenant alone (its ID or a domain like contoso.onmicrosoft.com), not a URL: the host goes in ${hostVariable}`)
      .regex(/^[A-Za-z0-9.-]+$/, 'expected a tenant ID (GUID), a domain, "common" or "organizations"')
      .optional(),
  );

/** The authorities that name no one tenant. */
const SHARED_TENANTS = ['common', 'organizations', 'consumers'];

const duration = (fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((value, ctx) => {
        const millis = /^\d+$/.test(value.trim()) ? Number(value) : ms(value.trim() as ms.StringValue);
        if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 10_000) {
          ctx.addIssue({ code: 'custom', message: 'expected a duration of at least 10 seconds, like "5 minutes", "90s" or milliseconds' });
          return z.NEVER;
        }
        return millis;
      }),
  );

/**
 * MONGODB_URI as the driver reads it (parsing connects to nothing), so that a bad one stops start-up naming the
 * variable rather than as the driver's "Invalid connection string" after the rest has started. The driver's reason
 * names options, never the password.
 */
function checkConnectionString(value: string, ctx: z.RefinementCtx): void {
  try {
    new MongoClient(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const userInfo = /Invalid connection string|unescaped|userinfo/.test(reason) ? '; a user name or password with @ : / ? # [ ] or % must be percent-encoded' : '';
    ctx.addIssue({ code: 'custom', message: `expected a valid connection string (${reason}${userInfo})` });
  }
}

/** 32 bytes from their base64 (padding optional), or undefined when `text` is anything else. */
function decodeKey(text: string): Buffer | undefined {
  const key = Buffer.from(text, 'base64');
  return key.length === 32 && key.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '') ? key : undefined;
}

/** One key (TOKEN_ENCRYPTION_KEY), or with `list` several, comma-separated (TOKEN_ENCRYPTION_KEY_PREVIOUS). */
const encryptionKeys = <List extends boolean>(list: List) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .optional()
      .transform((value, ctx): (List extends true ? Buffer[] : Buffer) | undefined => {
        if (value === undefined) return undefined;
        const keys = (list ? value.split(',').map((text) => text.trim()) : [value]).map(decodeKey);
        if (keys.some((key) => key === undefined)) {
          ctx.addIssue({ code: 'custom', message: list ? 'expected keys of 32 random bytes, base64-encoded, separated by commas' : 'expected 32 random bytes, base64-encoded (openssl rand -base64 32)' });
          return z.NEVER;
        }
        return (list ? keys : keys[0]) as List extends true ? Buffer[] : Buffer;
      }),
  );

const schema = z.object({
  PORT: integer(3978, 0, 65535),
  HOST: z.preprocess(blankToUndefined, z.string().regex(/^[0-9A-Za-z.:\[\]-]+$/, 'expected an address to listen on, like 0.0.0.0, 127.0.0.1 or ::').optional()),
  PUBLIC_URL: publicUrl,
  MONGODB_URI: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// connection string')
      .superRefine(checkConnectionString)
      .optional(),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  MICROSOFT_CLIENT_ID: applicationId("the app registration's Application (client) ID"),
  MICROSOFT_CLIENT_SECRET: clientSecret,
  MICROSOFT_TENANT_ID: tenant('MICROSOFT_AUTHORITY_HOST').transform((value) => value ?? 'common'),
  // calbot appends /<tenant>: an authority with its tenant already in it (as national cloud docs write them) became
  // https://login.microsoftonline.us/<tenant>/common, failing at the first sign-in.
  MICROSOFT_AUTHORITY_HOST: httpUrl('https://login.microsoftonline.com', ['https:']).refine(
    (value) => new URL(value).pathname === '/',
    'expected the identity platform\'s host alone, like https://login.microsoftonline.com (the tenant goes in MICROSOFT_TENANT_ID)',
  ),
  MICROSOFT_GRAPH_URL: httpUrl('https://graph.microsoft.com/v1.0', ['https:']).refine(
    (value) => new URL(value).pathname === '/v1.0',
    'expected the Graph root ending in /v1.0 (the Graph client reads the first path segment as the version)',
  ),
  MicrosoftAppId: applicationId("the Azure Bot's Microsoft App ID (for UserAssignedMSI: the identity's client ID)").transform((value) => value ?? ''),
  MicrosoftAppPassword: clientSecret.transform((value) => value ?? ''),
  MicrosoftAppType: z.preprocess(
    blankToUndefined,
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { error: 'expected MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant'),
  ),
  MicrosoftAppTenantId: tenant('ToChannelFromBotLoginUrl').transform((value) => value ?? ''),
  // The Bot Framework's public cloud, as botbuilder's own defaults (AuthenticationConstants); other clouds differ.
  ToChannelFromBotLoginUrl: httpUrl('https://login.microsoftonline.com/botframework.com', ['https:']),
  ToChannelFromBotOAuthScope: httpUrl('https://api.botframework.com', ['https:']),
  ToBotFromChannelOpenIdMetadataUrl: httpUrl('https://login.botframework.com/v1/.well-known/openidconfiguration', ['https:']),
  // Compared with the token's iss as written: no trailing slash trimmed.
  ToBotFromChannelTokenIssuer: z.preprocess(blankToUndefined, z.string().trim().default('https://api.botframework.com')),
  ToBotFromEmulatorOpenIdMetadataUrl: httpUrl('https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration', ['https:']),
  TOKEN_ENCRYPTION_KEY: encryptionKeys(false),
  TOKEN_ENCRYPTION_KEY_PREVIOUS: encryptionKeys(true),
  SYNC_INTERVAL: duration('5 minutes'),
  SYNC_WINDOW_PAST_DAYS: integer(7, 0, 365),
  SYNC_WINDOW_FUTURE_DAYS: integer(180, 1, 1825),
  GRAPH_PAGE_SIZE: integer(100, 1, 1000),
  GRAPH_MAX_REQUESTS_PER_MAILBOX: integer(4, 1, 4),
  GRAPH_MAX_REQUESTS_IN_FLIGHT: integer(16, 1, 1000),
  NOTIFY_HORIZON_DAYS: integer(14, 0, 365),
  // 8 s fits Docker's default 10 s stop timeout, with room for the process to exit.
  SHUTDOWN_GRACE_MS: integer(8_000, 1_000, 600_000),
  LOG_LEVEL: z.preprocess(
    (value) => (typeof value === 'string' ? blankToUndefined(value.toLowerCase()) : value),
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  ),
});

/** Parses with `shape`, or throws a ConfigError naming the first bad variable. */
function parseEnvironment<T extends z.ZodType>(shape: T, env: Record<string, string | undefined>): z.infer<T> {
  const parsed = shape.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  return parsed.data;
}

/** Reads and validates the environment; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = parseEnvironment(schema, env);
  if (e.MONGODB_URI && !e.TOKEN_ENCRYPTION_KEY) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY', 'required when MONGODB_URI is set: 32 random bytes, base64-encoded (openssl rand -base64 32)');
  }
  if (e.TOKEN_ENCRYPTION_KEY_PREVIOUS && !e.TOKEN_ENCRYPTION_KEY) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY_PREVIOUS', 'expected TOKEN_ENCRYPTION_KEY to be set too: the new key, which the previous ones are rotated to');
  }
  if (e.TOKEN_ENCRYPTION_KEY_PREVIOUS?.some((key) => key.equals(e.TOKEN_ENCRYPTION_KEY!))) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY_PREVIOUS', 'expected keys other than TOKEN_ENCRYPTION_KEY (the key being rotated to)');
  }
  // One without the other ran as if neither were set: users heard "an admin must finish the set-up", the log said
  // only "outlook: not configured".
  if (e.MICROSOFT_CLIENT_ID && !e.MICROSOFT_CLIENT_SECRET) throw new ConfigError('MICROSOFT_CLIENT_SECRET', 'required when MICROSOFT_CLIENT_ID is set');
  if (e.MICROSOFT_CLIENT_SECRET && !e.MICROSOFT_CLIENT_ID) throw new ConfigError('MICROSOFT_CLIENT_ID', 'required when MICROSOFT_CLIENT_SECRET is set');
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new ConfigError('MicrosoftAppPassword', 'required when MicrosoftAppId is set');
  }
  if (e.MicrosoftAppPassword && e.MicrosoftAppType === 'UserAssignedMSI') {
    throw new ConfigError('MicrosoftAppPassword', 'expected empty when MicrosoftAppType is UserAssignedMSI (a managed identity has no secret; its token comes from the host)');
  }
  // The Bot Framework's own checks for these run only when the adapter is made, after the database has started.
  if (e.MicrosoftAppType !== 'MultiTenant') {
    if (!e.MicrosoftAppId) throw new ConfigError('MicrosoftAppId', `required when MicrosoftAppType is ${e.MicrosoftAppType}`);
    if (!e.MicrosoftAppTenantId) throw new ConfigError('MicrosoftAppTenantId', `required when MicrosoftAppType is ${e.MicrosoftAppType}`);
    // A multi-tenant bot's tenant is not read (botbuilder ignores it), so "common" there is left alone.
    if (SHARED_TENANTS.includes(e.MicrosoftAppTenantId.toLowerCase())) {
      throw new ConfigError('MicrosoftAppTenantId', `expected the bot's own tenant ID: a ${e.MicrosoftAppType} bot belongs to one tenant`);
    }
  }
  const publicUrlText = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  const publicUrl = new URL(publicUrlText);
  return {
    port: e.PORT,
    // Without an app ID /api/messages authenticates nobody (local mode, for the Emulator): anyone who could reach it
    // could speak as any user and read their calendar, so it listens on loopback unless HOST says otherwise.
    host: e.HOST ?? (e.MicrosoftAppId ? '0.0.0.0' : '127.0.0.1'),
    publicUrl,
    redirectUri: `${publicUrlText}${REDIRECT_PATH}`,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    microsoft: {
      clientId: e.MICROSOFT_CLIENT_ID,
      clientSecret: e.MICROSOFT_CLIENT_SECRET,
      tenantId: e.MICROSOFT_TENANT_ID,
      authorityHost: e.MICROSOFT_AUTHORITY_HOST,
      graphUrl: e.MICROSOFT_GRAPH_URL,
    },
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      appTenantId: e.MicrosoftAppTenantId,
      loginUrl: e.ToChannelFromBotLoginUrl,
      oAuthScope: e.ToChannelFromBotOAuthScope,
      openIdMetadataUrl: e.ToBotFromChannelOpenIdMetadataUrl,
      tokenIssuer: e.ToBotFromChannelTokenIssuer,
      emulatorOpenIdMetadataUrl: e.ToBotFromEmulatorOpenIdMetadataUrl,
    },
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY,
    tokenEncryptionKeysPrevious: e.TOKEN_ENCRYPTION_KEY_PREVIOUS ?? [],
    sync: {
      intervalMs: e.SYNC_INTERVAL,
      windowPastDays: e.SYNC_WINDOW_PAST_DAYS,
      windowFutureDays: e.SYNC_WINDOW_FUTURE_DAYS,
      pageSize: e.GRAPH_PAGE_SIZE,
      maxRequestsPerMailbox: e.GRAPH_MAX_REQUESTS_PER_MAILBOX,
      maxRequestsInFlight: e.GRAPH_MAX_REQUESTS_IN_FLIGHT,
    },
    notifyHorizonDays: e.NOTIFY_HORIZON_DAYS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    logLevel: e.LOG_LEVEL,
  };
}

export interface ManifestConfig {
  bot: Pick<Config['bot'], 'appId'>;
  publicUrl: URL;
}

/**
 * What the Teams app package (npm run manifest) needs, and nothing else: writing it asks for no secret. Teams
 * requires https for the website, privacy and terms links the package carries.
 */
export function loadManifestConfig(env: Record<string, string | undefined>): ManifestConfig {
  const e = parseEnvironment(schema.pick({ PUBLIC_URL: true, MicrosoftAppId: true }), env);
  if (!e.PUBLIC_URL) throw new ConfigError('PUBLIC_URL', 'required for the Teams app package: the https URL calbot is reached at, like https://calbot.contoso.com');
  const publicUrl = new URL(e.PUBLIC_URL);
  if (publicUrl.protocol !== 'https:') throw new ConfigError('PUBLIC_URL', 'expected an https URL for the Teams app package (Teams requires https for its links)');
  // The package's id and botId (a GUID: the schema checks that). Teams takes a package with a placeholder, and the
  // bot it names never answers.
  if (!e.MicrosoftAppId) throw new ConfigError('MicrosoftAppId', "required for the Teams app package: the Azure Bot's Microsoft App ID, the bot Teams sends messages to");
  return { bot: { appId: e.MicrosoftAppId }, publicUrl };
}

/**
 * What is allowed but, set up as it is, most likely a mistake: said once at start-up. A PUBLIC_URL on localhost with
 * a bot registered is right for a developer behind a tunnel, and for everyone else sends each sign-in back to a
 * machine their browser cannot reach.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.bot.appId && hasMicrosoftApp(config) && LOOPBACK_HOSTS.includes(config.publicUrl.hostname)) {
    warnings.push(`PUBLIC_URL is ${config.publicUrl.origin}: sign-ins come back to ${config.redirectUri}, which only a browser on this machine reaches; set PUBLIC_URL to the https URL calbot is reached at`);
  }
  // Local mode on a reachable address: right in a container behind the operator's own access control, and for
  // everyone else an open door (anyone who reaches the port can write as any user and read their calendar).
  if (!config.bot.appId && !isLoopbackAddress(config.host)) {
    warnings.push(`HOST is ${config.host} and MicrosoftAppId is not set: /api/messages takes unauthenticated messages from anyone who reaches port ${config.port}, who can then read any connected user's calendar; set MicrosoftAppId, or keep calbot behind your own access control`);
  }
  return warnings;
}

/** True when the admin has configured the Microsoft app registration. */
export function hasMicrosoftApp(config: Config): boolean {
  return Boolean(config.microsoft.clientId && config.microsoft.clientSecret);
}
