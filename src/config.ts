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
  };
  tokenEncryptionKey: Buffer | undefined;
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

const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

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

const encryptionKey = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const key = Buffer.from(value, 'base64');
      if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) {
        ctx.addIssue({ code: 'custom', message: 'expected 32 random bytes, base64-encoded (openssl rand -base64 32)' });
        return z.NEVER;
      }
      return key;
    }),
);

const schema = z.object({
  PORT: integer(3978, 0, 65535),
  HOST: z.preprocess(blankToUndefined, z.string().regex(/^[0-9A-Za-z.:\[\]-]+$/, 'expected an address to listen on, like 0.0.0.0, 127.0.0.1 or ::').optional()),
  PUBLIC_URL: httpUrl('http://localhost:3978', ['http:', 'https:']),
  MONGODB_URI: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// connection string')
      .optional(),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  MICROSOFT_CLIENT_ID: optionalString,
  MICROSOFT_CLIENT_SECRET: optionalString,
  MICROSOFT_TENANT_ID: z.preprocess(
    blankToUndefined,
    z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a tenant ID (GUID), a domain, "common" or "organizations"').default('common'),
  ),
  MICROSOFT_AUTHORITY_HOST: httpUrl('https://login.microsoftonline.com', ['https:']),
  MICROSOFT_GRAPH_URL: httpUrl('https://graph.microsoft.com/v1.0', ['https:']).refine(
    (value) => new URL(value).pathname === '/v1.0',
    'expected the Graph root ending in /v1.0 (the Graph client reads the first path segment as the version)',
  ),
  MicrosoftAppId: z.preprocess(blankToUndefined, z.string().trim().default('')),
  MicrosoftAppPassword: z.preprocess(blankToUndefined, z.string().default('')),
  MicrosoftAppType: z.preprocess(
    blankToUndefined,
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { error: 'expected MultiTenant, SingleTenant or UserAssignedMSI' }).default('MultiTenant'),
  ),
  MicrosoftAppTenantId: z.preprocess(blankToUndefined, z.string().trim().default('')),
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  SYNC_INTERVAL: duration('5 minutes'),
  SYNC_WINDOW_PAST_DAYS: integer(7, 0, 365),
  SYNC_WINDOW_FUTURE_DAYS: integer(180, 1, 1825),
  GRAPH_PAGE_SIZE: integer(100, 1, 1000),
  GRAPH_MAX_REQUESTS_PER_MAILBOX: integer(4, 1, 4),
  GRAPH_MAX_REQUESTS_IN_FLIGHT: integer(16, 1, 1000),
  NOTIFY_HORIZON_DAYS: integer(14, 0, 365),
  LOG_LEVEL: z.preprocess(
    (value) => (typeof value === 'string' ? blankToUndefined(value.toLowerCase()) : value),
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  ),
});

/** Reads and validates the environment; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  if (e.MONGODB_URI && !e.TOKEN_ENCRYPTION_KEY) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY', 'required when MONGODB_URI is set: 32 random bytes, base64-encoded (openssl rand -base64 32)');
  }
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new ConfigError('MicrosoftAppPassword', 'required when MicrosoftAppId is set');
  }
  const publicUrl = new URL(e.PUBLIC_URL);
  return {
    port: e.PORT,
    // Without an app ID /api/messages authenticates nobody (local mode, for the Emulator): anyone who could reach it
    // could speak as any user and read their calendar, so it listens on loopback unless HOST says otherwise.
    host: e.HOST ?? (e.MicrosoftAppId ? '0.0.0.0' : '127.0.0.1'),
    publicUrl,
    redirectUri: `${e.PUBLIC_URL}${REDIRECT_PATH}`,
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
    },
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY,
    sync: {
      intervalMs: e.SYNC_INTERVAL,
      windowPastDays: e.SYNC_WINDOW_PAST_DAYS,
      windowFutureDays: e.SYNC_WINDOW_FUTURE_DAYS,
      pageSize: e.GRAPH_PAGE_SIZE,
      maxRequestsPerMailbox: e.GRAPH_MAX_REQUESTS_PER_MAILBOX,
      maxRequestsInFlight: e.GRAPH_MAX_REQUESTS_IN_FLIGHT,
    },
    notifyHorizonDays: e.NOTIFY_HORIZON_DAYS,
    logLevel: e.LOG_LEVEL,
  };
}

/** True when the admin has configured the Microsoft app registration. */
export function hasMicrosoftApp(config: Config): boolean {
  return Boolean(config.microsoft.clientId && config.microsoft.clientSecret);
}
