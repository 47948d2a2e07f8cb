import type { Activity, CloudAdapter, ConversationReference } from 'botbuilder';
import type { Logger } from '../log.js';
import type { Collections } from '../store/collections.js';

/** The conversation is gone for good (bot removed, user left): the connector answered 403 or 404. */
export class ConversationGoneError extends Error {
  constructor(readonly userKey: string, readonly status: number) {
    super(`conversation of ${userKey} is gone (connector answered ${status})`);
    this.name = 'ConversationGoneError';
  }
}

/** The user has no usable conversation: never wrote, or it was marked dead. */
export class NoConversationError extends Error {
  constructor(readonly userKey: string) {
    super(`no live conversation for ${userKey}`);
    this.name = 'NoConversationError';
  }
}

export type OutgoingMessage = Partial<Activity> | string;

/** Sends messages to a user outside a turn (connect confirmations, change notices), through the stored reference. */
export interface ProactiveSender {
  send(userKey: string, message: OutgoingMessage): Promise<void>;
  sendToReference(reference: Partial<ConversationReference>, message: OutgoingMessage): Promise<void>;
}

export function createProactiveSender(adapter: CloudAdapter, botAppId: string, collections: Collections, logger: Logger): ProactiveSender {
  const sendToReference = async (reference: Partial<ConversationReference>, message: OutgoingMessage) => {
    // Caught here and rethrown after the turn: an error escaping the logic would go to the adapter's onTurnError,
    // which logs it, posts "Sorry, something went wrong" into the chat and returns normally, so the caller
    // would never see the connector's 403/404/500.
    let failure: unknown;
    await adapter.continueConversationAsync(botAppId, reference, async (turn) => {
      try {
        await turn.sendActivity(message);
      } catch (error) {
        failure = error;
      }
    });
    if (failure !== undefined) throw failure;
  };
  return {
    sendToReference,
    async send(userKey, message) {
      const user = await collections.chatUsers.findOne({ _id: userKey }, { projection: { conversationReference: 1, conversationDead: 1 } });
      if (!user?.conversationReference || user.conversationDead) throw new NoConversationError(userKey);
      try {
        await sendToReference(user.conversationReference, message);
      } catch (error) {
        const status = statusOf(error);
        if (status === 403 || status === 404) {
          // No retry storm: stop here until the user writes again (rememberChatUser clears the flag).
          await collections.chatUsers.updateOne({ _id: userKey }, { $set: { conversationDead: true } });
          logger.warn({ event: 'conversation-gone', userKey, status }, 'conversation gone; proactive messages paused until the user writes again');
          throw new ConversationGoneError(userKey, status);
        }
        throw error;
      }
    },
  };
}

/** The HTTP status in a connector client error (RestError has statusCode; some wrappers use status). */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [candidate.statusCode, candidate.status, candidate.response?.status]) {
    if (typeof value === 'number') return value;
  }
  return undefined;
}
