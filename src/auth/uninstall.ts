import type { Logger } from '../log.js';
import type { Collections } from '../store/collections.js';
import type { ConnectionHooks } from './connect-outlook.js';
import type { MicrosoftAuth } from './microsoft-auth.js';

export interface UninstallDependencies {
  auth: MicrosoftAuth | undefined;
  collections: Pick<Collections, 'chatUsers'>;
  hooks: ConnectionHooks;
  logger: Logger;
}

/**
 * The user removed calbot from their Teams (an installationUpdate "remove" in their personal chat). What
 * "disconnect outlook" deletes goes (the link, its tokens, the synced calendar, queued notices, the sync job), and
 * so does what calbot keeps of them in chat (where to reach them, their zone and notice settings): nothing is read
 * for, or sent to, someone who removed the app, and nothing of theirs stays. Installing calbot again starts afresh.
 */
export function forgetOnUninstall(deps: UninstallDependencies): (userKey: string) => Promise<void> {
  return async (userKey) => {
    const result = deps.auth ? await deps.auth.disconnect(userKey) : { wasConnected: false };
    await deps.hooks.disconnected(userKey);
    const { deletedCount } = await deps.collections.chatUsers.deleteOne({ _id: userKey });
    deps.logger.info({ event: 'uninstalled', userKey, wasConnected: result.wasConnected, wasKnown: deletedCount === 1 }, 'calbot removed by the user: what it kept of them is deleted');
  };
}
