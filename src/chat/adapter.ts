import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { boundConnectorRetryAfter } from './connector-retry-after.js';

/**
 * Bot Framework adapter. With MicrosoftAppId empty, calbot runs in local mode (Bot Framework Emulator, tests):
 * no token is required on /api/messages and none is sent to the connector. With an app ID set, a request
 * without a valid Bot Framework token is refused with 401.
 */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.appTenantId,
  });
  const adapter = new CloudAdapter(new ReusedClientsAuthentication(auth));
  adapter.onTurnError = async (turn: TurnContext, error: Error) => {
    logger.error({ err: { name: error.name, message: error.message, stack: error.stack }, activityId: turn.activity.id, channelId: turn.activity.channelId }, 'turn failed');
    try {
      await turn.sendActivity('Sorry, something went wrong on my side. Please try again in a moment.');
    } catch {
      // the connector itself may be what failed; the log line above is what the operator needs
    }
  };
  return adapter;
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
    return this.reusing(await this.inner.authenticateRequest(activity, authHeader));
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusing(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
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
