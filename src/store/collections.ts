import type { Binary, Collection, Db, IndexSpecification } from 'mongodb';
import type { ConversationReference } from 'botbuilder';
import type { ClockStyle } from '../graph/time-format.js';
import type { WorkingHours } from '../graph/working-hours.js';
import type { StoredAnswerContext } from './answer-context.js';

/**
 * Every collection calbot uses, its document shape and its indexes: declared here once, ensured at start-up.
 * Only features MongoDB 6+ and FerretDB 1.24 share: no TTL or partial indexes (expiry is an explicit field,
 * checked on read and swept by a job), no transactions, no change streams.
 *
 * A chat user is keyed everywhere by `userKey` = `${channelId}:${userId}` (see chatUserKey).
 */

/** Someone who has written to the bot, with where to reach them proactively. */
export interface ChatUserDoc {
  _id: string;
  channelId: string;
  userId: string;
  userName?: string;
  aadObjectId?: string;
  tenantId?: string;
  conversationReference: Partial<ConversationReference>;
  /** The connector answered 403/404 for this conversation: stop sending until the user writes again. */
  conversationDead?: boolean;
  /** IANA zone Teams sends in the clientInfo entity. */
  clientTimeZone?: string;
  /** "timezone Europe/Paris": overrides everything else. */
  timeZoneOverride?: string;
  notify?: { enabled: boolean; quietHours?: { start: string; end: string } };
  /** A copy of the account's and sync state's fields answers read, kept by the sync jobs (see answer-context.ts). */
  answerContext?: StoredAnswerContext;
  createdAt: Date;
  lastSeenAt: Date;
}

/** The link between a chat user and their Microsoft account. */
export interface AccountDoc {
  _id: string; // userKey
  homeAccountId: string;
  username: string; // UPN
  /**
   * The mailbox's address (Graph's /me `mail`), lower-case, read at sign-in and with mailboxSettings: in some
   * organizations not the UPN, and how the user is named among a meeting's attendees. Absent: not read yet, or none.
   */
  mail?: string;
  displayName: string;
  tenantId: string;
  /** IANA zone mapped from mailboxSettings.timeZone (which may be a Windows name). */
  mailboxTimeZone?: string;
  /** mailboxSettings.workingHours, for "when am I free"; absent: Outlook named none we could use (the default applies). */
  workingHours?: WorkingHours;
  /** mailboxSettings.timeFormat: how the user reads times; absent: Outlook did not say (24-hour is used). */
  clockStyle?: ClockStyle;
  /** When mailboxSettings (zone, working hours, clock) were last read: at sign-in, then about daily by the sync job. */
  mailboxSettingsReadAt?: Date;
  status: 'connected' | 'needs-reconnect';
  connectedAt: Date;
  updatedAt: Date;
}

/** One user's MSAL token cache partition, AES-256-GCM encrypted. */
export interface TokenCacheDoc {
  _id: string; // userKey
  iv: Binary;
  tag: Binary;
  ciphertext: Binary;
  updatedAt: Date;
}

/**
 * A sign-in that ended as a Microsoft account other than the Teams user who asked for the link (a forwarded link,
 * or another account of theirs): linked only once the code shown on the result page is typed in the chat that
 * asked. Its tokens wait in their own cache partition (`cachePartition`) until then. One per chat user.
 */
export interface PendingConnectionDoc {
  _id: string; // userKey
  /** SHA-256 of the code, salted with the userKey. */
  codeHash: string;
  attempts: number;
  conversationReference: Partial<ConversationReference>;
  account: { homeAccountId: string; username: string; displayName: string; tenantId: string };
  cachePartition: string;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * A known value sealed with the token encryption key when the database first saw it: a start-up with another key
 * (a staging key, a lost key file) is refused, instead of finding every stored token unreadable and asking every
 * user to reconnect.
 */
export interface KeyCheckDoc {
  _id: 'token-encryption-key';
  iv: Binary;
  tag: Binary;
  ciphertext: Binary;
  createdAt: Date;
}

/** A pending sign-in: single-use, short-lived, bound to the chat user and conversation that asked. */
export interface AuthStateDoc {
  _id: string; // SHA-256 of the state value sent to Microsoft
  userKey: string;
  conversationReference: Partial<ConversationReference>;
  /** PKCE verifier, encrypted like the token cache; never leaves the server. */
  codeVerifier: { iv: Binary; tag: Binary; ciphertext: Binary };
  nonce: string;
  createdAt: Date;
  expiresAt: Date;
}

export type SyncStatus = 'idle' | 'running' | 'error' | 'needs-reconnect';

/** Per-user sync progress; `nextLink` is kept after each applied page so a crashed round resumes. */
export interface SyncStateDoc {
  _id: string; // userKey
  status: SyncStatus;
  /**
   * The Microsoft account (AccountDoc.homeAccountId) whose mailbox this state, the user's events and days and their
   * notices come from; a round for another account forgets them first. Absent: written by an older calbot, adopted.
   */
  homeAccountId?: string;
  deltaLink?: string;
  nextLink?: string;
  /** The window the current delta token covers. */
  windowStart?: Date;
  windowEnd?: Date;
  /** A full round in progress: events not seen by its end are removed (reconcile after 410 or window roll). */
  fullRound?: { startedAt: Date; reason: 'initial' | 'sync-state-lost' | 'window-moved' };
  roundsCompleted: number;
  lastRunAt?: Date;
  lastSuccessAt?: Date;
  lastError?: { at: Date; kind: string; message: string };
  lastCounts?: { added: number; updated: number; removed: number };
  /**
   * What the round under way had counted by its saved nextLink: the round that resumes from there (after a stop or a
   * crash, here or in another calbot) counts on from it, and "sync now" reports the whole round, not its last part.
   */
  roundCounts?: { added: number; updated: number; removed: number };
  /** Graph asked us to wait (Retry-After) until this instant. */
  throttledUntil?: Date;
  /**
   * Microsoft refusing the account for a reason only the user's IT admin clears (sync-jobs.ts): which refusal, since
   * when, and whether the user was told. The next round that succeeds removes it, once the user heard it is over
   * (liftedTellTries: the rounds whose message saying so the Bot Connector refused).
   */
  adminRefusal?: { key: string; since: Date; told: boolean; liftedTellTries?: number };
  /** Layout version of the user's calendarDays; anything else (e.g. data from before they existed) is rebuilt. */
  daysVersion?: number;
}

export interface EventDoc {
  _id: string; // `${userKey}|${eventId}`
  userKey: string;
  eventId: string;
  iCalUId?: string;
  seriesMasterId?: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  subject: string;
  /** UTC instants; for all-day events, midnight UTC of the first day and of the day after the last. */
  start: Date;
  end: Date;
  /** The event's own zone as Graph reported it (original, before outlook.timezone). */
  timeZone?: string;
  isAllDay: boolean;
  /** All-day events stay dates: 'YYYY-MM-DD', end exclusive. */
  startDate?: string;
  endDate?: string;
  location?: string;
  organizer?: { name?: string; address?: string };
  /** The user organizes it (Graph's isOrganizer): "who organized it" is "you". */
  isOrganizer?: true;
  /**
   * Who is invited, as "who is in my next meeting" shows them: each attendee's display name (their address when it
   * has none), their answer when Graph has one, and whether they are optional; in Graph's order, without the organizer,
   * the user, rooms and equipment, at most MAX_PEOPLE (event-mapping.ts). Those who declined stay, marked. Empty: no
   * one else invited; absent: stored before calbot kept attendees (the next full round writes it again with them). Only
   * a "who" question reads it, one event at a time: it is not filed in calendarDays.
   */
  attendees?: EventAttendee[];
  /**
   * Who is in the meeting, for "meetings with sam" (matchesSubject): the organizer first, then the attendees, each once
   * as their display name, followed by the part of their address before '@' when the name does not hold it ("Robert
   * Kahn bob.kahn"); no rooms or equipment; at most MAX_PEOPLE (event-mapping.ts). The user is among them. Absent: no
   * one named, or stored before calbot kept people (the next full round writes the event again with them).
   */
  people?: string[];
  joinUrl?: string;
  webLink?: string;
  showAs?: string;
  responseStatus?: string;
  isCancelled: boolean;
  lastModified?: Date;
  etag?: string;
  /** The mark of the full round that last saw this event (FullRoundProgress.mark, random per attempt): reconciliation. */
  seenInRound?: number;
  updatedAt: Date;
}

/** One of EventDoc.attendees. */
export interface EventAttendee {
  name: string;
  /** Graph's response: 'accepted', 'tentativelyAccepted', 'declined', 'notResponded', 'none' (left out), 'organizer'. */
  response?: string;
  optional?: true;
}

/**
 * What a chat answer reads of an event: the EventDoc fields the cards and free-time rules read, and the people a
 * "with <name>" question matches, nothing else (each entry is written again whenever its day changes, and on FerretDB
 * every byte of a day is re-encoded: hence the cap on people). Days filed before people were kept have none until
 * their events are written again.
 */
export type DayEntry = Pick<EventDoc, 'eventId' | 'subject' | 'start' | 'end' | 'isAllDay' | 'isCancelled' | 'type'> &
  Partial<Pick<EventDoc, 'startDate' | 'endDate' | 'location' | 'joinUrl' | 'showAs' | 'responseStatus' | 'people'>>;

/**
 * One user's events on one UTC date, kept by the sync engine beside `events` so a question is answered by two or
 * three reads by `_id`: FerretDB 1.24 filters on anything but `_id` in Go after reading (see calendar-days.ts).
 * All-day events are filed under their own dates; a user's local day always overlaps the UTC date of the same name.
 */
export interface CalendarDayDoc {
  _id: string; // `${userKey}|${date}`
  userKey: string;
  date: string; // 'YYYY-MM-DD', UTC
  events: DayEntry[];
  updatedAt: Date;
}

export interface OutboxDoc {
  _id: string; // `${userKey}|${eventId}|${fingerprint}`
  userKey: string;
  kind: 'added' | 'moved' | 'changed' | 'cancelled' | 'removed' | 'summary';
  payload: Record<string, unknown>;
  status: 'pending' | 'sending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  claimedUntil?: Date;
  createdAt: Date;
  sentAt?: Date;
}

/**
 * Who may send attempt `seq` of an outbox notice: the sender whose insert of this _id succeeds. FerretDB 1.24
 * applies a filter on anything but _id after reading, so two findOneAndUpdate({status: 'pending'}) calls can
 * both "win"; a duplicate _id is refused by the database itself.
 */
export interface NoticeClaimDoc {
  _id: string; // `${outboxId}|${seq}`
  outboxId: string;
  claimedAt: Date;
}

/**
 * A lease: at most one holder per key at a time, across processes. The unique index on `key` makes the database
 * itself refuse a second holder; an expired lease is removed by its own _id, so a fresh one is never deleted by
 * someone who saw the old one.
 */
export interface LeaseDoc {
  _id: string; // random token of this holding
  key: string;
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

/**
 * A running calbot process, kept fresh by it every heartbeat interval and deleted when it stops cleanly: on a database
 * several calbots share (MONGODB_URI), a record whose heartbeat is long overdue is a process that died (SIGKILL, a lost
 * node), whose job locks and leases the others release (scheduler.ts). A lock whose owner has no record at all (an
 * older calbot) only lapses with its lifetime.
 */
export interface ProcessHeartbeatDoc {
  _id: string; // the process's scheduler name: Agenda's lastModifiedBy on its job locks, the owner of its sync leases
  host: string;
  pid: number;
  startedAt: Date;
  /** The database server's time of the last heartbeat ($currentDate), so the hosts' clocks need not agree. */
  heartbeatAt: Date;
  /** How often this process beats: others call it dead after a few of them missed. */
  intervalMs: number;
  /** Declared dead and its locks released; a heartbeat after that (it was only paused) makes it false again. */
  released: boolean;
}

export const COLLECTIONS = {
  chatUsers: 'chatUsers',
  accounts: 'accounts',
  tokenCaches: 'tokenCaches',
  authStates: 'authStates',
  syncStates: 'syncStates',
  events: 'events',
  calendarDays: 'calendarDays',
  outbox: 'outbox',
  leases: 'leases',
  noticeClaims: 'noticeClaims',
  keyChecks: 'keyChecks',
  pendingConnections: 'pendingConnections',
  processHeartbeats: 'processHeartbeats',
  /** Agenda's own collection (through @agendajs/mongo-backend), on the same database. */
  agendaJobs: 'agendaJobs',
} as const;

const INDEXES: Record<string, { key: IndexSpecification; name: string; unique?: boolean; sparse?: boolean }[]> = {
  [COLLECTIONS.events]: [
    // "events of user U overlapping [a, b)": equality on userKey, range on start, end checked from the index.
    { key: { userKey: 1, start: 1, end: 1 }, name: 'user_start_end' },
    { key: { userKey: 1, eventId: 1 }, name: 'user_event', unique: true },
  ],
  [COLLECTIONS.calendarDays]: [{ key: { userKey: 1, date: 1 }, name: 'user_date' }],
  [COLLECTIONS.authStates]: [{ key: { expiresAt: 1 }, name: 'expires' }],
  [COLLECTIONS.outbox]: [{ key: { status: 1, nextAttemptAt: 1 }, name: 'status_next' }, { key: { userKey: 1, status: 1 }, name: 'user_status' }],
  [COLLECTIONS.accounts]: [{ key: { status: 1 }, name: 'status' }],
  [COLLECTIONS.leases]: [{ key: { key: 1 }, name: 'one_holder_per_key', unique: true }],
  // One sync job per user, however many calbots create it at once (start-up's ensureAllJobs on each): Agenda's
  // unique() is a findOneAndUpdate upsert, which lets concurrent callers insert one job each without such an index,
  // and a second job doubles that user's rounds for good. Sparse: jobs without a user (sweep, send-notices) are left
  // out on MongoDB, which would index them all as null; FerretDB ignores the option and never makes a missing field
  // unique.
  [COLLECTIONS.agendaJobs]: [{ key: { 'data.userKey': 1 }, name: 'one_job_per_user', unique: true, sparse: true }],
};

export interface Collections {
  chatUsers: Collection<ChatUserDoc>;
  accounts: Collection<AccountDoc>;
  tokenCaches: Collection<TokenCacheDoc>;
  authStates: Collection<AuthStateDoc>;
  syncStates: Collection<SyncStateDoc>;
  events: Collection<EventDoc>;
  calendarDays: Collection<CalendarDayDoc>;
  outbox: Collection<OutboxDoc>;
  leases: Collection<LeaseDoc>;
  noticeClaims: Collection<NoticeClaimDoc>;
  keyChecks: Collection<KeyCheckDoc>;
  pendingConnections: Collection<PendingConnectionDoc>;
  processHeartbeats: Collection<ProcessHeartbeatDoc>;
}

export function collections(db: Db): Collections {
  return {
    chatUsers: db.collection<ChatUserDoc>(COLLECTIONS.chatUsers),
    accounts: db.collection<AccountDoc>(COLLECTIONS.accounts),
    tokenCaches: db.collection<TokenCacheDoc>(COLLECTIONS.tokenCaches),
    authStates: db.collection<AuthStateDoc>(COLLECTIONS.authStates),
    syncStates: db.collection<SyncStateDoc>(COLLECTIONS.syncStates),
    events: db.collection<EventDoc>(COLLECTIONS.events),
    calendarDays: db.collection<CalendarDayDoc>(COLLECTIONS.calendarDays),
    outbox: db.collection<OutboxDoc>(COLLECTIONS.outbox),
    leases: db.collection<LeaseDoc>(COLLECTIONS.leases),
    noticeClaims: db.collection<NoticeClaimDoc>(COLLECTIONS.noticeClaims),
    keyChecks: db.collection<KeyCheckDoc>(COLLECTIONS.keyChecks),
    pendingConnections: db.collection<PendingConnectionDoc>(COLLECTIONS.pendingConnections),
    processHeartbeats: db.collection<ProcessHeartbeatDoc>(COLLECTIONS.processHeartbeats),
  };
}

/** Idempotent: creating an index that exists with the same spec is a no-op on MongoDB and FerretDB. */
export async function ensureIndexes(db: Db): Promise<void> {
  await removeDuplicateUserJobs(db);
  for (const [name, specs] of Object.entries(INDEXES)) {
    for (const spec of specs) {
      await db.collection(name).createIndex(spec.key, { name: spec.name, unique: spec.unique ?? false, ...(spec.sparse ? { sparse: true } : {}) });
    }
  }
}

/**
 * A database that two calbots started on before `one_job_per_user` existed may hold a user's sync job twice, which
 * would refuse the index (and start-up). The first made is kept, the same one whichever calbot looks.
 */
async function removeDuplicateUserJobs(db: Db): Promise<void> {
  const jobs = db.collection<{ data?: { userKey?: unknown } | null }>(COLLECTIONS.agendaJobs);
  const seen = new Set<unknown>();
  const extra: unknown[] = [];
  for await (const job of jobs.find({ 'data.userKey': { $exists: true } }, { projection: { 'data.userKey': 1 }, sort: { _id: 1 } })) {
    const userKey = job.data?.userKey;
    if (seen.has(userKey)) extra.push(job._id);
    else seen.add(userKey);
  }
  if (extra.length > 0) await jobs.deleteMany({ _id: { $in: extra as never[] } });
}

export function chatUserKey(channelId: string, userId: string): string {
  return `${channelId}:${userId}`;
}

export function calendarDayId(userKey: string, date: string): string {
  return `${userKey}|${date}`;
}

export function eventDocId(userKey: string, eventId: string): string {
  return `${userKey}|${eventId}`;
}
