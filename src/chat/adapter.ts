import { AsyncLocalStorage } from 'node:async_hooks';
import { inspect } from 'node:util';
import { ManagedIdentityCredential } from '@azure/identity';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { msalLoggerOptions } from '../auth/msal-app.js';
import { CallerIdConstants, CloudAdapter, ConfigurationBotFrameworkAuthentication, StatusCodes, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  BotFrameworkAuthentication,
  ConnectorFactory,
  ManagedIdentityServiceClientCredentialsFactory,
  MsalServiceClientCredentialsFactory,
  ToBotFromBotOrEmulatorTokenValidationParameters,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { boundConnectorRetryAfter } from './connector-retry-after.js';

/**
 * Bot Framework adapter. With MicrosoftAppId empty, calbot runs in local mode (Bot Framework Emulator, tests):
 * no token is required on /api/messages and none is sent to the connector. With an app ID set, a request
 * without a valid Bot Framework token is refused with 401, and what calbot sends carries the bot's token.
 */
export function createAdapter(config: Config, logger: Logger): CalbotAdapter {
  const { bot } = config;
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: bot.appId,
      MicrosoftAppPassword: bot.appPassword,
      MicrosoftAppType: bot.appType,
      MicrosoftAppTenantId: bot.appTenantId,
      // botbuilder takes all of these or none (none: the public cloud's), so all are given. The user token service
      // (OAuthUrl: calbot signs users in itself) and the caller ID (a label on inbound activities) keep botbuilder's
      // public-cloud values. The Emulator's metadata is read only for a token the Emulator or a skill sent.
      ToChannelFromBotLoginUrl: bot.loginUrl,
      ToChannelFromBotOAuthScope: bot.oAuthScope,
      ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: bot.tokenIssuer,
      ToBotFromEmulatorOpenIdMetadataUrl: bot.emulatorOpenIdMetadataUrl,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    },
    botCredentials(config, logger),
  );
  const adapter = new CalbotAdapter(new ReusedClientsAuthentication(auth));
  adapter.onTurnError = async (turn: TurnContext, error: Error) => {
    logger.error({ event: 'turn-failed', err: { name: error.name, message: error.message, stack: error.stack }, activityId: turn.activity.id, channelId: turn.activity.channelId }, 'turn failed');
    try {
      await turn.sendActivity('Sorry, something went wrong on my side. Please try again in a moment.');
    } catch {
      // the connector itself may be what failed; the log line above is what the operator needs
    }
  };
  return adapter;
}

/**
 * CloudAdapter, with the turn it runs for an activity callable from calbot's /api/messages route. CloudAdapter's
 * own route handler (process) prints what it refuses to the console (every refused token: a stack on stderr) and
 * answers with the error's message; calbot's route checks the activity itself, answers and writes the log line.
 */
export class CalbotAdapter extends CloudAdapter {
  /** Authenticates `authHeader` for `activity` (botbuilder's checks), then runs the turn; rejects if either fails. */
  handleActivity(authHeader: string, activity: Activity, logic: (turn: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * The bot's own token (client credentials, scope ToChannelFromBotOAuthScope/.default) for an app ID with a password.
 * botbuilder's own credentials build an MSAL client with the login URL alone, and MSAL then asks
 * login.microsoftonline.com whether any other host is a real authority first (instance discovery): a login URL
 * elsewhere fails with endpoints_resolution_error wherever Microsoft does not vouch for it. So calbot's MSAL client
 * names the host as known, as calbot's sign-in does. A SingleTenant bot gets its token from its own tenant, on the
 * login URL's host (botbuilder does the same on login.microsoftonline.com). Local mode keeps botbuilder's own.
 *
 * A user-assigned managed identity (UserAssignedMSI) gets its token from the host (App Service's identity endpoint,
 * a VM's IMDS, AKS's workload identity...) through @azure/identity's ManagedIdentityCredential for its client ID.
 * botbuilder's own uses DefaultAzureCredential, which, when the host refuses (the identity is not assigned to it),
 * goes on down its chain on every token request: the Azure CLI, PowerShell and the Azure Developer CLI are started,
 * a second per turn, and on a machine where someone ran `az login` the bot would act as that person.
 */
function botCredentials(config: Config, logger: Logger): ServiceClientCredentialsFactory | undefined {
  const { appId, appPassword, appType, appTenantId, loginUrl } = config.bot;
  if (!appId) return undefined;
  if (appType === 'UserAssignedMSI') {
    type TokenProviders = ConstructorParameters<typeof ManagedIdentityServiceClientCredentialsFactory>[1];
    // Typed as botbuilder's DefaultAzureCredential (of @azure/identity's CommonJS build); it calls getToken only.
    const providers = { createAzureServiceTokenProvider: (clientId: string) => new ManagedIdentityCredential({ clientId }) } as unknown as TokenProviders;
    return new ManagedIdentityServiceClientCredentialsFactory(appId, providers);
  }
  const login = new URL(loginUrl);
  const authority = appType === 'SingleTenant' ? `${login.origin}/${appTenantId}` : loginUrl;
  const msalLogger = logger.child({ component: 'msal-bot' });
  const client = new ConfidentialClientApplication({
    auth: { clientId: appId, clientSecret: appPassword, authority, knownAuthorities: [login.host] },
    system: { loggerOptions: msalLoggerOptions(msalLogger) },
  });
  // Typed with botframework-connector's own (older) msal-node; it calls acquireTokenByClientCredential only.
  return new MsalServiceClientCredentialsFactory(appId, client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
}

/** Distinct (app, service URL, audience) clients kept: Teams has a few service URLs per region; this bounds the rest. */
const MAX_REUSED_CLIENTS = 256;

/**
 * botbuilder's own authentication, with one ConnectorClient per (bot app ID, service URL, audience) and one
 * UserTokenClient per app ID, made once and reused. CloudAdapter asks for both on every turn, and each new client
 * builds its HTTP pipeline again, about 0.15 ms a turn. A client holds no per-turn state: its credentials fetch and
 * cache the bot's token for that audience, as they would for a new client. The older BotFrameworkAdapter kept its
 * connector clients the same way.
 */
export class ReusedClientsAuthentication extends BotFrameworkAuthentication {
  private readonly connectorClients = new BoundedCache<Promise<ConnectorClient>>(MAX_REUSED_CLIENTS);
  private readonly userTokenClients = new BoundedCache<Promise<UserTokenClient>>(MAX_REUSED_CLIENTS);

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return this.reusing(await keepingConnectorConsole(() => refusingBadTokens(this.inner.authenticateRequest(activity, authHeader))));
    } finally {
      forgetAddedEmulatorIssuers();
    }
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return this.reusing(await keepingConnectorConsole(() => refusingBadTokens(this.inner.authenticateStreamingRequest(authHeader, channelIdHeader))));
    } finally {
      forgetAddedEmulatorIssuers();
    }
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusedConnectorFactory(this.inner.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity), this.connectorClients);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.getOrCreate(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reusing(result: AuthenticateRequestResult): AuthenticateRequestResult {
    const factory = result.connectorFactory;
    return factory ? { ...result, connectorFactory: new ReusedConnectorFactory(factory, appIdOf(result.claimsIdentity), this.connectorClients) } : result;
  }
}

class ReusedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly clients: BoundedCache<Promise<ConnectorClient>>,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    // Bounded: a long Retry-After for one conversation is handed back to the sender, not waited out in-line.
    return this.clients.getOrCreate(JSON.stringify([this.appId, serviceUrl, audience ?? null]), () => this.inner.create(serviceUrl, audience).then((client) => boundConnectorRetryAfter(client)));
  }
}

/** jsonwebtoken's errors for a token that does not verify (its TokenExpiredError botbuilder turns into a 401 itself). */
const TOKEN_REJECTIONS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * botbuilder lets jsonwebtoken's own errors through: a token signed with another key under a published key ID
 * ("invalid signature"), one not valid yet, one with another algorithm. CloudAdapter answers anything but its
 * AuthenticationError with 500, so a forged token got a server error instead of a refusal.
 */
async function refusingBadTokens<T>(authenticating: Promise<T>): Promise<T> {
  try {
    return await authenticating;
  } catch (error) {
    if (error instanceof Error && TOKEN_REJECTIONS.has(error.name)) throw new AuthenticationError(`Unauthorized. ${error.message}`, StatusCodes.UNAUTHORIZED);
    throw error;
  }
}

/**
 * botbuilder keeps the issuers an Emulator's token may name in one array for the whole process, and its test of
 * whether a token is the Emulator's adds four to it (sts.windows.net/{tid}/ and the like) for a tenant ID (tid)
 * it does not list yet: for any token, before anything about it is verified. Each request naming a made-up tenant
 * made the list longer for good, and every later request searched it: memory and time without bound, for anyone
 * who can reach /api/messages. What it adds is used at once, in the same synchronous step (the token's check takes
 * a copy of the list), so after each request the list goes back to botbuilder's own; a SingleTenant bot's tenant
 * is added again with each Emulator token that names it.
 */
const emulatorIssuers = ToBotFromBotOrEmulatorTokenValidationParameters.issuer;
const emulatorIssuerCount = Array.isArray(emulatorIssuers) ? emulatorIssuers.length : 0;

function forgetAddedEmulatorIssuers(): void {
  if (Array.isArray(emulatorIssuers) && emulatorIssuers.length > emulatorIssuerCount) emulatorIssuers.length = emulatorIssuerCount;
}

/** What botframework-connector printed while it refused a request, by the error it refused it with. */
const connectorOutput = new WeakMap<object, string[]>();
/** The calls under way whose console lines are kept: each its own (AsyncLocalStorage follows its awaits). */
const connectorConsole = new AsyncLocalStorage<string[]>();
const KEEPING = Symbol('calbot.keepingConnectorConsole');

/**
 * botframework-connector prints to the console while it checks a token: an expired token's error with
 * console.error, "Error finding key for token" and the published key for any other that does not verify. That is
 * on stderr, outside calbot's log, for every such request anyone sends; the connector takes no logger, and the
 * checks must stay botbuilder's. So for the duration of botbuilder's check only (not other requests, turns or jobs
 * running meanwhile: AsyncLocalStorage tells them apart), console.error and console.warn keep the lines instead,
 * and the refusal carries them (connectorOutputOf) into its one log line. Everywhere else they print as before.
 * This is the least invasive way found: the alternatives replace the connector's token extractor or copy its checks.
 */
async function keepingConnectorConsole<T>(authenticating: () => Promise<T>): Promise<T> {
  keepConsoleLines();
  const printed: string[] = [];
  let result: T;
  try {
    result = await connectorConsole.run(printed, authenticating);
  } catch (error) {
    if (typeof error === 'object' && error !== null) connectorOutput.set(error, printed);
    else for (const line of printed) console.warn(line);
    throw error;
  }
  // A check that passes prints nothing today; should a later version print then, the lines are printed as before.
  for (const line of printed) console.warn(line);
  return result;
}

/**
 * Whether `error` is botbuilder refusing the request's token (an AuthenticationError short of 500), rather than
 * failing to check it (its OpenID metadata unreadable: an AuthenticationError with 500) or to run the turn.
 */
export function isRefusedToken(error: unknown): error is AuthenticationError {
  return error instanceof AuthenticationError && !(error.statusCode >= 500);
}

/** Lines botframework-connector printed while refusing with `error` (none: an empty list). */
export function connectorOutputOf(error: unknown): string[] {
  return (typeof error === 'object' && error !== null && connectorOutput.get(error)) || [];
}

/** Puts the keeping console.error and console.warn in place, over whatever is there now (a test's spy, say). */
function keepConsoleLines(): void {
  for (const method of ['error', 'warn'] as const) {
    const current = console[method] as ((...args: unknown[]) => void) & { [KEEPING]?: true };
    if (current[KEEPING]) continue;
    console[method] = Object.assign(
      (...args: unknown[]) => {
        const kept = connectorConsole.getStore();
        if (kept) kept.push(consoleLine(args));
        else current.apply(console, args);
      },
      { [KEEPING]: true as const },
    );
  }
}

/** A console call as one line: an error as its name, message and own fields (expiredAt), without the stack. */
function consoleLine(args: unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === 'string') return arg;
      if (!(arg instanceof Error)) return inspect(arg, { breakLength: Infinity });
      const fields = Object.fromEntries(Object.entries(arg).filter(([key]) => key !== 'name' && key !== 'message' && key !== 'stack'));
      return `${arg.name}: ${arg.message}${Object.keys(fields).length > 0 ? ` ${inspect(fields, { breakLength: Infinity })}` : ''}`;
    })
    .join(' ');
}

/** The bot's app ID a request's claims name, as botbuilder reads it (audience claim, else appid; none in local mode). */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** Insertion-ordered, oldest dropped past `max`; a creation that fails is forgotten, so the next turn tries again. */
class BoundedCache<T extends Promise<unknown>> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly max: number) {}

  getOrCreate(key: string, create: () => T): T {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = create();
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
      entry.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    return entry;
  }
}
