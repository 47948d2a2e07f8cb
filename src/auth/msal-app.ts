import { ConfidentialClientApplication, LogLevel, type Configuration, type ICachePlugin } from '@azure/msal-node';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/**
 * What calbot asks for: offline_access for a refresh token, the profile, the calendar and the mailbox time zone. Read
 * only: calbot never writes to a calendar (its privacy page says so), and /me/calendarView/delta needs no more.
 */
export const MICROSOFT_SCOPES = ['offline_access', 'User.Read', 'Calendars.Read', 'MailboxSettings.Read'];

const METADATA_TTL_MS = 24 * 60 * 60 * 1000;

const openIdConfiguration = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  end_session_endpoint: z.string().optional(),
});

/**
 * calbot's Microsoft app registration as MSAL sees it. `client(cachePlugin)` builds a ConfidentialClientApplication
 * for one operation on one user's cache partition (MSAL's in-memory cache is per instance, so sharing one across
 * users would mix their tokens). The authority's OpenID configuration is fetched once and handed to every instance
 * as `authorityMetadata`, so token calls do not each start with a discovery request.
 */
export interface MsalApp {
  clientId: string;
  authority: string;
  redirectUri: string;
  scopes: string[];
  client(cachePlugin?: ICachePlugin): Promise<ConfidentialClientApplication>;
}

export function createMsalApp(config: Config, logger: Logger, fetchImpl: typeof fetch = fetch): MsalApp | undefined {
  const { clientId, clientSecret, tenantId, authorityHost } = config.microsoft;
  if (!clientId || !clientSecret) return undefined;
  const authority = `${authorityHost}/${tenantId}`;
  const authorityUrl = new URL(authority);
  let metadata: { json: string; fetchedAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const loadMetadata = async (): Promise<string> => {
    let response: Response;
    try {
      response = await fetchImpl(`${authority}/v2.0/.well-known/openid-configuration`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new MicrosoftDiscoveryError(`openid-configuration unreachable (${error instanceof Error ? error.name : 'error'})`);
    }
    if (!response.ok) throw new MicrosoftDiscoveryError(`openid-configuration answered ${response.status}`);
    const parsed = openIdConfiguration.safeParse(await response.json());
    if (!parsed.success) throw new MicrosoftDiscoveryError('openid-configuration is not a valid OpenID configuration');
    // Every endpoint and the issuer must live on the authority's own scheme, host and port (MSAL checks the issuer
    // the same way when it discovers by itself).
    for (const [name, value] of Object.entries(parsed.data)) {
      if (value === undefined) continue;
      let url: URL;
      try {
        url = new URL(value.replace('{tenantid}', 'tenant').replace('{tenant}', 'tenant'));
      } catch {
        throw new MicrosoftDiscoveryError(`openid-configuration ${name} is not a URL`);
      }
      if (url.protocol !== 'https:' || url.host !== authorityUrl.host) throw new MicrosoftDiscoveryError(`openid-configuration ${name} is not on ${authorityUrl.host}`);
    }
    return JSON.stringify(parsed.data);
  };

  const authorityMetadata = async (): Promise<string> => {
    if (metadata && Date.now() - metadata.fetchedAt < METADATA_TTL_MS) return metadata.json;
    inFlight ??= loadMetadata()
      .then((json) => {
        metadata = { json, fetchedAt: Date.now() };
        return json;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const msalLogger = logger.child({ component: 'msal' });
  return {
    clientId,
    authority,
    redirectUri: config.redirectUri,
    scopes: MICROSOFT_SCOPES,
    async client(cachePlugin) {
      return new ConfidentialClientApplication({
        auth: {
          clientId,
          clientSecret,
          authority,
          // Host with port: without it MSAL asks login.microsoftonline.com for instance discovery first.
          knownAuthorities: [authorityUrl.host],
          authorityMetadata: await authorityMetadata(),
        },
        cache: cachePlugin ? { cachePlugin } : undefined,
        system: { loggerOptions: msalLoggerOptions(msalLogger) },
      });
    },
  };
}

/** MSAL's own log, warnings and errors only, without personal data, into calbot's (a child logger naming the client). */
export function msalLoggerOptions(msalLogger: Logger): NonNullable<NonNullable<Configuration['system']>['loggerOptions']> {
  return {
    piiLoggingEnabled: false,
    logLevel: LogLevel.Warning,
    loggerCallback: (level, message) => {
      if (level === LogLevel.Error) msalLogger.error({ event: 'msal-error' }, message);
      else if (level === LogLevel.Warning) msalLogger.warn({ event: 'msal-warning' }, message);
    },
  };
}

/** The authority's OpenID configuration could not be read: Microsoft (or MICROSOFT_AUTHORITY_HOST) is unreachable or wrong. */
export class MicrosoftDiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MicrosoftDiscoveryError';
  }
}
