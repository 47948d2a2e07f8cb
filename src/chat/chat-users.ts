import { TurnContext, type Activity } from 'botbuilder';
import type { Collections, ChatUserDoc } from '../store/collections.js';
import { chatUserKey } from '../store/collections.js';

/**
 * Remembers everyone who writes, with the ConversationReference needed to reach them later, their tenant and
 * the time zone Teams reports in the clientInfo entity. Writing again revives a conversation marked dead.
 */
export async function rememberChatUser(collections: Collections, activity: Partial<Activity>, now = new Date()): Promise<ChatUserDoc> {
  const channelId = activity.channelId ?? 'unknown';
  const userId = activity.from?.id ?? 'unknown';
  const key = chatUserKey(channelId, userId);
  const clientInfo = activity.entities?.find((entity) => entity.type === 'clientInfo') as { timezone?: unknown } | undefined;
  const tenantId = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const set: Partial<ChatUserDoc> = {
    channelId,
    userId,
    conversationReference: TurnContext.getConversationReference(activity),
    lastSeenAt: now,
    conversationDead: false,
  };
  if (activity.from?.name) set.userName = activity.from.name;
  if (activity.from?.aadObjectId) set.aadObjectId = activity.from.aadObjectId;
  if (tenantId) set.tenantId = tenantId;
  if (typeof clientInfo?.timezone === 'string' && clientInfo.timezone.length < 64) set.clientTimeZone = clientInfo.timezone;
  const doc = await collections.chatUsers.findOneAndUpdate(
    { _id: key },
    { $set: set, $setOnInsert: { createdAt: now } },
    { upsert: true, returnDocument: 'after' },
  );
  return doc!;
}
