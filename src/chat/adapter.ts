import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

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
  const adapter = new CloudAdapter(auth);
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
