import type { ConversationReference } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { AccountDoc, Collections } from '../store/collections.js';
import { disconnect, getAccessToken, getAccessTokenDetails, graphRefusedToken, type AccessToken, type TokenOptions } from './access-tokens.js';
import type { ReconnectNeededError } from './auth-errors.js';
import {
  completeSignIn,
  confirmConnection,
  createSignInLink,
  deleteExpiredAuthStates,
  type AuthDeps,
  type ConfirmationNeeded,
  type ConfirmOutcome,
  type RedirectQuery,
  type SignInResult,
} from './microsoft-sign-in.js';
import { createMsalApp } from './msal-app.js';
import { createUserLocks } from './user-lock.js';

/**
 * Connecting Outlook, bound to one configuration and store: what the server route, the chat commands and the sync
 * engine call. One instance per process (the per-user locks live here).
 */
export interface MicrosoftAuth {
  createSignInLink(userKey: string, conversationReference: Partial<ConversationReference>, options?: { loginHint?: string }): Promise<string>;
  /** Linked at once when the account is the Teams user's own; else the code they must type in chat (confirmConnection). */
  completeSignIn(query: RedirectQuery): Promise<SignInResult | ConfirmationNeeded>;
  confirmConnection(userKey: string, code: string): Promise<ConfirmOutcome>;
  getAccessToken(userKey: string, options?: TokenOptions): Promise<string>;
  /**
   * Graph refused even a refreshed token (401, graph_unauthorized), or refused the calendar to this grant (403,
   * graph_forbidden): marks the account needs-reconnect (see graphRefusedToken).
   */
  graphRefusedToken(userKey: string, reason?: 'graph_unauthorized' | 'graph_forbidden'): Promise<ReconnectNeededError>;
  getAccessTokenDetails(userKey: string): Promise<AccessToken>;
  getAccount(userKey: string): Promise<AccountDoc | null>;
  disconnect(userKey: string): Promise<{ wasConnected: boolean; username?: string }>;
  deleteExpiredAuthStates(): Promise<number>;
}

/** Undefined when MICROSOFT_CLIENT_ID / MICROSOFT_CLIENT_SECRET are not set (show microsoftAppMissingMessage()). */
export function createMicrosoftAuth(options: {
  config: Config;
  collections: Pick<Collections, 'accounts' | 'tokenCaches' | 'authStates' | 'pendingConnections' | 'keyChecks' | 'leases'>;
  encryptionKey: Buffer;
  logger: Logger;
  now?: () => Date;
}): MicrosoftAuth | undefined {
  const logger = options.logger.child({ component: 'auth' });
  const msal = createMsalApp(options.config, logger);
  if (!msal) return undefined;
  const deps: AuthDeps = { collections: options.collections, encryptionKey: options.encryptionKey, previousKeys: options.config.tokenEncryptionKeysPrevious, msal, locks: createUserLocks(), logger, now: options.now };
  return {
    createSignInLink: (userKey, conversationReference, linkOptions) => createSignInLink(deps, userKey, conversationReference, linkOptions),
    completeSignIn: (query) => completeSignIn(deps, query),
    confirmConnection: (userKey, code) => confirmConnection(deps, userKey, code),
    getAccessToken: (userKey, tokenOptions) => getAccessToken(deps, userKey, tokenOptions),
    graphRefusedToken: (userKey, reason) => graphRefusedToken(deps, userKey, reason),
    getAccessTokenDetails: (userKey) => getAccessTokenDetails(deps, userKey),
    getAccount: (userKey) => options.collections.accounts.findOne({ _id: userKey }),
    disconnect: (userKey) => disconnect(deps, userKey),
    deleteExpiredAuthStates: () => deleteExpiredAuthStates(deps),
  };
}
