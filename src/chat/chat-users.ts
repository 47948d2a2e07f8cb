import { TurnContext, type Activity } from 'botbuilder';
import type { Collections, ChatUserDoc } from '../store/collections.js';
import { chatUserKey } from '../store/collections.js';
import type { ClockStyle } from './date-text.js';
import { resolveUserZone } from './time-zone.js';

/**
 * Remembers everyone who writes, with the ConversationReference needed to reach them later, their tenant and
 * the time zone Teams reports in the clientInfo entity. Writing again revives a conversation marked dead.
 */
export async function rememberChatUser(collections: Collections, activity: Partial<Activity>, now = new Date()): Promise<ChatUserDoc> {
  const channelId = activity.channelId ?? 'unknown';
  const userId = activity.from?.id ?? 'unknown';
  const key = chatUserKeyOf(activity);
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
  const clientTimeZone = clientTimeZoneOf(activity);
  if (clientTimeZone) set.clientTimeZone = clientTimeZone;
  // Most turns change nothing worth a write; on FerretDB an upsert costs a scan plus a transaction, on every question.
  const existing = await collections.chatUsers.findOne({ _id: key });
  if (existing && !worthWriting(existing, set, now)) return existing;
  const doc = await collections.chatUsers.findOneAndUpdate(
    { _id: key },
    { $set: set, $setOnInsert: { createdAt: now } },
    { upsert: true, returnDocument: 'after' },
  );
  return doc!;
}

/** The key rememberChatUser stores the writer of `activity` under (and their account and sync state use). */
export function chatUserKeyOf(activity: Partial<Activity>): string {
  return chatUserKey(activity.channelId ?? 'unknown', activity.from?.id ?? 'unknown');
}

/** The time zone the Teams client reports with a message (its clientInfo entity), if any. */
export function clientTimeZoneOf(activity: Partial<Activity>): string | undefined {
  const clientInfo = activity.entities?.find((entity) => entity.type === 'clientInfo') as { timezone?: unknown } | undefined;
  return typeof clientInfo?.timezone === 'string' && clientInfo.timezone.length < 64 ? clientInfo.timezone : undefined;
}

/** lastSeenAt is kept to the hour: fresher than that is not worth a write per message. */
const LAST_SEEN_RESOLUTION_MS = 60 * 60_000;

function worthWriting(existing: ChatUserDoc, set: Partial<ChatUserDoc>, now: Date): boolean {
  if (existing.conversationDead) return true;
  if (now.getTime() - existing.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) return true;
  for (const field of ['channelId', 'userId', 'userName', 'aadObjectId', 'tenantId', 'clientTimeZone'] as const) {
    if (set[field] !== undefined && set[field] !== existing[field]) return true;
  }
  // The reference names the message it was taken from; where to reach the user is the rest of it.
  const { activityId: _new, ...reference } = set.conversationReference ?? {};
  const { activityId: _old, ...stored } = existing.conversationReference ?? {};
  return canonicalJson(reference) !== canonicalJson(stored);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : inner,
  );
}

/**
 * How a user reads times, for messages outside a question's turn (notices, quiet hours): their zone (override,
 * mailbox, Teams, UTC) and their clock (Outlook's timeFormat; absent: 24-hour). From the chat user's copy of the
 * account when it has one (answer-context.ts), else one read of the account.
 */
export async function readUserClock(
  collections: Pick<Collections, 'accounts'>,
  userKey: string,
  user: Pick<ChatUserDoc, 'timeZoneOverride' | 'clientTimeZone' | 'answerContext'> | null,
): Promise<{ zone: string; clock: ClockStyle | undefined }> {
  const account = user?.answerContext ? user.answerContext.account : await collections.accounts.findOne({ _id: userKey }, { projection: { mailboxTimeZone: 1, clockStyle: 1 } });
  return { zone: resolveUserZone({ override: user?.timeZoneOverride, mailbox: account?.mailboxTimeZone, client: user?.clientTimeZone }), clock: account?.clockStyle };
}
