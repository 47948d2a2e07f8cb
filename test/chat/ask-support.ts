import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AccountDoc, Collections, EventDoc, SyncStateDoc } from '../../src/store/collections.js';
import { DAYS_VERSION, fileByDate, writeDays } from '../../src/sync/calendar-days.js';
import { syncWindow, type SyncWindow } from '../../src/sync/sync-window.js';
import type { Harness, TeamsUser } from '../support/calbot-harness.js';

/**
 * Seeding the store the way the sync engine leaves it (AccountDoc, SyncStateDoc, EventDoc and the calendarDays it
 * files them under), and reading schedule answers back out of what calbot posted to the fake Bot Connector.
 */

/** The window a round with calbot's default settings (7 days back, 180 ahead) covers today. */
export function seedWindow(now = new Date()): SyncWindow {
  return syncWindow(now, 7, 180);
}

export function userKeyOf(user: TeamsUser): string {
  return `msteams:${user.id}`;
}

/**
 * A linked account and, unless `sync: null`, a completed round: as of the harness's "now" (its clock, pinned or not),
 * with that day's window; given only the collections, as of the real time.
 */
export async function seedAccount(
  into: Pick<Harness, 'store' | 'clock'> | Collections,
  user: TeamsUser,
  /**
   * `days: false`: a user synced before calendarDays existed (no daysVersion): answers come from the events
   * collection, and seedEvents files no days for them.
   */
  options: { mailboxTimeZone?: string; status?: AccountDoc['status']; sync?: Partial<SyncStateDoc> | null; days?: boolean } = {},
): Promise<void> {
  const { collections, now } = 'store' in into ? { collections: into.store.collections, now: into.clock.now() } : { collections: into, now: new Date() };
  const userKey = userKeyOf(user);
  await collections.accounts.insertOne({
    _id: userKey,
    homeAccountId: `${randomUUID()}.${user.tenantId}`,
    username: `${user.name.toLowerCase().replace(/[^a-z]+/g, '.')}@contoso.example`,
    displayName: user.name,
    tenantId: user.tenantId,
    ...(options.mailboxTimeZone ? { mailboxTimeZone: options.mailboxTimeZone } : {}),
    status: options.status ?? 'connected',
    connectedAt: now,
    updatedAt: now,
  });
  if (options.sync === null) return;
  const window = seedWindow(now);
  await collections.syncStates.insertOne({
    _id: userKey,
    status: 'idle',
    roundsCompleted: 1,
    lastRunAt: now,
    lastSuccessAt: now,
    windowStart: window.start,
    windowEnd: window.end,
    ...(options.days === false ? {} : { daysVersion: DAYS_VERSION }),
    ...options.sync,
  });
}

export interface EventSeed {
  subject: string;
  /** Local wall-clock start, in the user's zone. */
  start: DateTime;
  minutes?: number;
  allDay?: boolean;
  joinUrl?: string;
  location?: string;
  showAs?: string;
  responseStatus?: string;
  isCancelled?: boolean;
  type?: EventDoc['type'];
}

/** EventDocs as the sync engine writes them: UTC instants; all-day events at midnight UTC with their dates. */
export function eventDoc(user: TeamsUser, seed: EventSeed): EventDoc {
  const userKey = userKeyOf(user);
  const eventId = randomUUID();
  const base = {
    _id: `${userKey}|${eventId}`,
    userKey,
    eventId,
    type: seed.type ?? 'singleInstance',
    subject: seed.subject,
    isCancelled: seed.isCancelled ?? false,
    showAs: seed.showAs ?? 'busy',
    responseStatus: seed.responseStatus ?? 'organizer',
    ...(seed.joinUrl ? { joinUrl: seed.joinUrl } : {}),
    ...(seed.location ? { location: seed.location } : {}),
    updatedAt: new Date(),
    seenInRound: 1,
  } as const;
  if (seed.allDay) {
    const startDate = seed.start.toISODate()!;
    const endDate = seed.start.plus({ days: Math.max(1, Math.round((seed.minutes ?? 1440) / 1440)) }).toISODate()!;
    return { ...base, isAllDay: true, startDate, endDate, start: new Date(`${startDate}T00:00:00Z`), end: new Date(`${endDate}T00:00:00Z`) };
  }
  const start = seed.start.toJSDate();
  return { ...base, isAllDay: false, start, end: new Date(start.getTime() + (seed.minutes ?? 60) * 60_000) };
}

/**
 * Stores the events as a completed round leaves them: in `events` and, for a user whose sync state says the days
 * are filed (daysVersion), filed by date in calendarDays with the engine's own fileByDate and writeDays. The user's
 * days are refiled from all their stored events, so seeding twice adds to a day instead of replacing it.
 */
export async function seedEvents(collections: Collections, user: TeamsUser, seeds: EventSeed[]): Promise<void> {
  if (seeds.length === 0) return;
  const userKey = userKeyOf(user);
  const docs = seeds.map((seed) => eventDoc(user, seed));
  const state = await collections.syncStates.findOne({ _id: userKey });
  const window = state?.windowStart && state.windowEnd ? { start: state.windowStart, end: state.windowEnd } : seedWindow();
  // The engine stores only what its window holds; a seed outside it would be a test that cannot happen.
  const outside = docs.find((doc) => doc.end.getTime() < window.start.getTime() || doc.start.getTime() >= window.end.getTime());
  if (outside) throw new Error(`seed "${outside.subject}" is outside the sync window ${window.start.toISOString()}..${window.end.toISOString()}`);
  await collections.events.insertMany(docs);
  if (state?.daysVersion !== DAYS_VERSION) return;
  const days = fileByDate(await collections.events.find({ userKey }).toArray(), window);
  await writeDays(collections.calendarDays, userKey, days, new Date());
}

/**
 * Removes the user's documents from `events`, leaving their calendarDays: an answer that still shows the events
 * can only have been read from the days.
 */
export async function keepOnlyDays(collections: Collections, user: TeamsUser): Promise<void> {
  const userKey = userKeyOf(user);
  if ((await collections.calendarDays.countDocuments({ userKey })) === 0) throw new Error(`no calendarDays for ${userKey}`);
  await collections.events.deleteMany({ userKey });
}

export interface CardRow {
  time: string;
  title: string;
  details?: string;
  marker?: string;
  join?: string;
}

export interface ReadCard {
  header: string;
  summary?: string;
  groups: { label?: string; rows: CardRow[] }[];
  /** Who is invited, under a "who" answer's meeting. */
  people?: string;
  more?: string;
  footnote?: string;
  /** The button under the footnote: its title and the command it sends back. */
  footnoteAction?: { title: string; command: string };
}

/** The schedule card's content as data: header, summary, day groups with rows, "and N more", footnote. */
export function readScheduleCard(card: any): ReadCard {
  const body: any[] = card.body;
  const [headerBlock, ...rest] = body;
  const result: ReadCard = { header: headerBlock.inlines[0].text, groups: [] };
  for (const element of rest) {
    if (element.type === 'RichTextBlock' && element.id === 'people') result.people = element.inlines[0].text;
    else if (element.type === 'RichTextBlock' && element.separator) result.footnote = element.inlines[0].text;
    else if (element.type === 'RichTextBlock') result.summary = element.inlines[0].text;
    else if (element.type === 'TextBlock') result.more = element.text;
    else if (element.type === 'ActionSet') result.footnoteAction = { title: element.actions[0].title, command: element.actions[0].data.command };
    else if (element.type === 'Container') {
      const group: { label?: string; rows: CardRow[] } = { rows: [] };
      for (const item of element.items) {
        if (item.type === 'TextBlock') group.label = item.text;
        if (item.type !== 'ColumnSet') continue;
        const [timeColumn, mainColumn, joinColumn] = item.columns;
        // The time column shows the start over the end; read as the span the text answer has.
        const row: CardRow = { time: timeColumn.items.map((block: { text: string }) => block.text).join('–'), title: mainColumn.items[0].inlines[0].text };
        for (const part of mainColumn.items.slice(1)) {
          if (part.type === 'RichTextBlock') row.details = part.inlines[0].text;
          else row.marker = part.text;
        }
        if (joinColumn) row.join = joinColumn.items[0].actions[0].url;
        group.rows.push(row);
      }
      result.groups.push(group);
    }
  }
  return result;
}

export interface Reply {
  text: string;
  /** The plain text of a card answer, on channels that render cards (answerActivity). */
  summary?: string | undefined;
  textFormat?: string;
  card?: any;
  attachments: { contentType: string; content: any }[];
}

/** Sends `text` as `user`; resolves with calbot's one reply: its text and its Adaptive Card, if any. */
export async function ask(h: Harness, text: string, user: TeamsUser, extra: object = {}): Promise<Reply> {
  const message = h.message(text, user, extra) as { id: string };
  const status = await h.post(message);
  if (status >= 300) throw new Error(`/api/messages answered ${status}`);
  // The answer to this message (by replyToId): a message sent meanwhile by itself (a change notice, the first sync's
  // line arriving late under load) is not it.
  const [received] = await h.connector.waitFor(1, (r) => r.activity.type === 'message' && r.conversationId === user.conversationId && r.replyToId === message.id);
  const activity = received!.activity;
  const attachments = activity.attachments ?? [];
  const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  return { text: activity.text ?? '', summary: activity.summary, textFormat: activity.textFormat, card, attachments };
}

/** The test's own clock, read just before a step and just after it: calbot read its clock somewhere in between. */
export interface Between<T> {
  result: T;
  before: Date;
  after: Date;
}

/** Runs `step` (a question and its answer) between two reads of the clock. */
export async function between<T>(step: () => Promise<T>): Promise<Between<T>> {
  const before = new Date();
  const result = await step();
  return { result, before, after: new Date() };
}

/**
 * What an answer given between `before` and `after` may say, for an `expected` that changes only at whole minutes
 * (a clock time, a day): one value, or more when a minute (or midnight) turned while calbot answered. One read of the
 * test's own, after the answer, can be a minute on from the one calbot answered by.
 */
export function expectedBetween<V>({ before, after }: { before: Date; after: Date }, expected: (now: Date) => V): V[] {
  const instants = [before.getTime()];
  for (let minute = Math.floor(before.getTime() / 60_000) + 1; minute * 60_000 <= after.getTime(); minute++) instants.push(minute * 60_000);
  instants.push(after.getTime());
  return [...new Set(instants.map((at) => expected(new Date(at))))];
}

export function rowTitles(card: ReadCard): string[] {
  return card.groups.flatMap((group) => group.rows.map((row) => row.title));
}

/** A date as cards and notices write it, "Fri 1 Jan"; with the year when it is not `today`'s, "Fri 1 Jan 2027". */
export function cardDate(date: DateTime, today: DateTime): string {
  return date.year === today.year ? shortDate(date) : `${shortDate(date)} ${date.year}`;
}

// The names calbot's cards use, written out: not luxon's en-GB ones (ICU writes September "Sept"), so that the
// expectations hold in every month.
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "Thu 26 Nov", as a card header writes a day. */
export function shortDate(date: DateTime): string {
  return `${WEEKDAYS[date.weekday - 1]!.slice(0, 3)} ${date.day} ${MONTHS[date.month - 1]}`;
}

/** "Thursday 26 Nov", as a week's card labels its days. */
export function longDate(date: DateTime): string {
  return `${WEEKDAYS[date.weekday - 1]} ${date.day} ${MONTHS[date.month - 1]}`;
}
