import type { AccountDoc, ChatUserDoc, Collections, SyncStateDoc } from './collections.js';

/**
 * What a chat answer needs to know about a user's calendar besides the days themselves: whether an account is
 * linked (and its zone, working hours and clock), and how fresh the sync is (and whether the days can be read).
 *
 * Its sources are the account and the sync state. A question would read both, two point reads beside the chat
 * user's; so the sync jobs keep a copy on the chat user document (`answerContext`), which the bot reads anyway, and
 * a question makes one read of its own, the days. On FerretDB a point read costs about as much as the rest of a
 * turn; on MongoDB it is still two round trips and their decoding saved on the hottest path.
 *
 * The copy is written from the sources, never edited: when a user connects (before the first round is asked for),
 * after every sync job run (round, failure, reconnect needed, mailbox settings), and at start-up for connected
 * accounts whose chat user has none (data from before copies); it is removed on disconnect. A job run refreshes
 * only a copy that exists, so a round that ends just as its user disconnects cannot bring one back. Without a copy
 * (never connected, or disconnected) the chat reads the sources.
 */
export interface AnswerContext {
  account: Pick<AccountDoc, 'status' | 'mailboxTimeZone' | 'workingHours' | 'clockStyle'> | null;
  syncState: Pick<SyncStateDoc, 'status' | 'roundsCompleted' | 'lastSuccessAt' | 'lastError' | 'daysVersion' | 'windowStart' | 'windowEnd'> | null;
}

/** The copy kept on the chat user, with when it was taken from the sources. */
export type StoredAnswerContext = AnswerContext & { copiedAt: Date };

const ACCOUNT_FIELDS = { _id: 0, status: 1, mailboxTimeZone: 1, workingHours: 1, clockStyle: 1 } as const;
const SYNC_FIELDS = { _id: 0, status: 1, roundsCompleted: 1, lastSuccessAt: 1, lastError: 1, daysVersion: 1, windowStart: 1, windowEnd: 1 } as const;

type Sources = Pick<Collections, 'accounts' | 'syncStates'>;

/** The sources themselves: the account and the sync state, read together. */
export async function readAnswerContext(collections: Sources, userKey: string): Promise<AnswerContext> {
  const [account, syncState] = await Promise.all([
    collections.accounts.findOne({ _id: userKey }, { projection: ACCOUNT_FIELDS }),
    collections.syncStates.findOne({ _id: userKey }, { projection: SYNC_FIELDS }),
  ]);
  return { account, syncState };
}

/** The chat user's copy when it has one, else the sources. */
export async function answerContextFor(collections: Sources, user: Pick<ChatUserDoc, '_id' | 'answerContext'>): Promise<AnswerContext> {
  return user.answerContext ?? readAnswerContext(collections, user._id);
}

/**
 * Copies the sources onto the chat user. `onlyIfCopied`: refresh an existing copy, never create one (a sync job
 * run, which may end just after a disconnect removed it). No account: the copy is removed.
 */
export async function copyAnswerContext(collections: Sources & Pick<Collections, 'chatUsers'>, userKey: string, options: { onlyIfCopied?: boolean; now?: Date } = {}): Promise<void> {
  const { account, syncState } = await readAnswerContext(collections, userKey);
  if (!account) {
    await forgetAnswerContext(collections, userKey);
    return;
  }
  const copy: StoredAnswerContext = { account, syncState, copiedAt: options.now ?? new Date() };
  await collections.chatUsers.updateOne(options.onlyIfCopied ? { _id: userKey, answerContext: { $exists: true } } : { _id: userKey }, { $set: { answerContext: copy } });
}

/** Disconnected: answers read the sources again (and find no account). */
export async function forgetAnswerContext(collections: Pick<Collections, 'chatUsers'>, userKey: string): Promise<void> {
  await collections.chatUsers.updateOne({ _id: userKey, answerContext: { $exists: true } }, { $unset: { answerContext: '' } });
}
