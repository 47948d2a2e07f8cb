import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { findIana } from 'windows-iana';

/**
 * The fake Graph's model of mailboxes and their calendars, and the delta bookkeeping: every deltaLink token keeps
 * a snapshot (event id -> version) of the window as it was delivered, so a later call returns exactly what changed
 * since: new and updated events in full, deleted ones and ones that left the window as `@removed`.
 */
export interface FakeMailboxInput {
  oid: string;
  upn: string;
  /**
   * /me's `mail`, the mailbox's primary SMTP address, which is how Exchange names the user as organizer and attendee;
   * the UPN when absent (as in most organizations; in some the two differ).
   */
  mail?: string;
  displayName: string;
  /** mailboxSettings.timeZone: a Windows zone name like "W. Europe Standard Time" (or IANA). */
  timeZone: string;
  tenantId?: string;
  /**
   * mailboxSettings.workingHours as Graph sends it (timeZone: `{ name }`, Windows or IANA, or a customTimeZone);
   * default Monday to Friday 08:00-17:00 in the mailbox's zone, as Outlook sets up a new mailbox.
   */
  workingHours?: Record<string, unknown>;
  /** mailboxSettings.timeFormat, a .NET pattern: "HH:mm" (the default) or a 12-hour "h:mm tt". */
  timeFormat?: string;
  /**
   * Where the user's mailbox is: in Exchange Online (the default), nowhere Graph can read it ('none': no Exchange
   * Online licence, or the mailbox is inactive or soft-deleted) or on an on-premises Exchange server ('onPremises').
   * The directory still knows the user (/me answers); the mailbox's resources answer 404 (see fake-graph.ts).
   */
  exchange?: 'online' | 'none' | 'onPremises';
}

export interface FakeEventInput {
  id?: string;
  subject: string;
  /** Timed events: instants with an offset or Z, like "2026-11-26T14:00:00Z". */
  start?: string;
  end?: string;
  /** All-day events: dates in the event's own zone, end exclusive. */
  allDay?: { startDate: string; endDate: string };
  /** The event's own zone (Windows name or IANA); defaults to the mailbox's zone. */
  timeZone?: string;
  location?: string;
  organizer?: { name: string; address: string };
  /** Invitees, the organizer not among them (as in the organizer's own copy); rooms and equipment are `resource`. */
  attendees?: FakeAttendee[];
  joinUrl?: string | null;
  /** The invitation's text as HTML (Graph sends it as `body`, and its text's start as `bodyPreview`). */
  body?: string | null;
  showAs?: string;
  response?: string;
  isCancelled?: boolean;
}

/** One of an event's attendees; Graph sends `{ type, status: { response, time }, emailAddress: { name, address } }`. */
export interface FakeAttendee {
  name: string;
  address: string;
  type?: 'required' | 'optional' | 'resource';
  /** Their answer: 'none' (the default), 'accepted', 'tentativelyAccepted', 'declined'. */
  response?: string;
}

export interface FakeRecurringSeriesInput {
  subject: string;
  /** First occurrence. */
  start: string;
  end: string;
  count: number;
  every?: 'day' | 'week';
  timeZone?: string;
  location?: string;
  /** The occurrence that was edited into an exception (moved by `exceptionShiftMinutes`, renamed); default 1, -1 for none. */
  exceptionIndex?: number;
  exceptionShiftMinutes?: number;
  exceptionSubject?: string;
  /** The occurrence the organizer cancelled (attendee copy: `isCancelled: true`); default 2, -1 for none. */
  cancelledIndex?: number;
}

export interface StoredEvent {
  id: string;
  iCalUId: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string;
  subject: string;
  /** Timed: the instants. All-day: midnight of the dates in the event's own zone. */
  start: DateTime;
  end: DateTime;
  allDay?: { startDate: string; endDate: string };
  timeZone: string;
  location?: string;
  organizer: { name: string; address: string };
  attendees: FakeAttendee[];
  joinUrl?: string;
  body?: string;
  showAs: string;
  response: string;
  isCancelled: boolean;
  version: number;
  lastModified: Date;
}

export interface FakeMailbox extends FakeMailboxInput {
  tenantId: string;
  events: Map<string, StoredEvent>;
  /** Series masters by id: never in a calendarView (nor its delta), read by GET /me/events/{id}. */
  masters: Map<string, StoredEvent>;
  /**
   * Delta sends occurrences (not exceptions) with only @odata.type, @odata.etag, id, seriesMasterId, type, start and
   * end, as users report of real Graph (microsoft-graph-docs-contrib issues 34 and 5602), though the docs promise the
   * properties GET /calendarView returns.
   */
  bareOccurrences?: boolean;
}

export interface FakeWindow {
  start: DateTime;
  end: DateTime;
}

type RoundItem = { removed: string } | { event: StoredEvent };

interface DeltaRound {
  oid: string;
  window: FakeWindow;
  items: RoundItem[];
  /** An empty page with a nextLink before each page of items (emptyPagesInNextRound). */
  emptyPages: boolean;
  /** What the deltaLink issued at the end of this round remembers. */
  snapshotAfter: Map<string, number>;
}

export interface DeltaPageResult {
  items: RoundItem[];
  nextToken?: string;
  deltaToken?: string;
}

export class FakeCalendar {
  readonly mailboxes = new Map<string, FakeMailbox>();
  /** `delivered`: what the round that issued the token sent, which a replay sends again. */
  private readonly deltaTokens = new Map<string, { oid: string; window: FakeWindow; snapshot: Map<string, number>; delivered: RoundItem[] }>();
  /** `empty`: this page is one of emptyPages' (no items, a nextLink to the same offset). */
  private readonly skipTokens = new Map<string, { round: DeltaRound; offset: number; empty?: boolean }>();
  private sequence = 0;
  /** End every delta round with an empty page that carries only the deltaLink, as Graph often does. */
  trailingEmptyPage = true;
  /**
   * Mailboxes whose next round names each changed event twice, a stale "@removed" for it first and then its state, in
   * one page: "a single entity will be contained multiple times in the response" (Graph's delta query overview), and
   * its last mention is what it is.
   */
  private readonly repeatNextRound = new Set<string>();

  /** The next round of this mailbox sends each changed event as "@removed", then as it is (repeatNextRound). */
  repeatInNextRound(oid: string): void {
    this.repeatNextRound.add(oid);
  }

  /**
   * Mailboxes whose next round from a deltaLink first sends again everything the round before it sent, as it was
   * then, and then what changed since: "changes can be replayed" (a client keys its writes by id).
   */
  private readonly replayNextRound = new Set<string>();

  replayInNextRound(oid: string): void {
    this.replayNextRound.add(oid);
  }

  /**
   * Mailboxes whose next round sends an empty page with a nextLink before each page of items: a page may hold no
   * items and still not be the last (Graph's paging docs: read on while there is a nextLink).
   */
  private readonly emptyPagesNextRound = new Set<string>();

  emptyPagesInNextRound(oid: string): void {
    this.emptyPagesNextRound.add(oid);
  }

  addMailbox(input: FakeMailboxInput): FakeMailbox {
    if (!zoneOf(input.timeZone)) throw new Error(`fake Graph: unknown time zone ${input.timeZone}`);
    const mailbox: FakeMailbox = { ...input, tenantId: input.tenantId ?? 'fake-tenant', events: new Map(), masters: new Map() };
    this.mailboxes.set(input.oid, mailbox);
    return mailbox;
  }

  mailbox(oid: string): FakeMailbox {
    const mailbox = this.mailboxes.get(oid);
    if (!mailbox) throw new Error(`fake Graph: no mailbox ${oid}`);
    return mailbox;
  }

  addEvent(oid: string, input: FakeEventInput, extra: Partial<Pick<StoredEvent, 'type' | 'seriesMasterId'>> = {}): string {
    const mailbox = this.mailbox(oid);
    const id = input.id ?? this.newId();
    if (mailbox.events.has(id)) throw new Error(`fake Graph: event ${id} exists`);
    const timeZone = input.timeZone ?? mailbox.timeZone;
    const event: StoredEvent = {
      id,
      iCalUId: `040000008200E00074C5B7101A82E008${randomBytes(8).toString('hex').toUpperCase()}`,
      type: extra.type ?? 'singleInstance',
      ...(extra.seriesMasterId ? { seriesMasterId: extra.seriesMasterId } : {}),
      subject: input.subject,
      timeZone,
      organizer: input.organizer ?? { name: mailbox.displayName, address: mailbox.mail ?? mailbox.upn },
      attendees: (input.attendees ?? []).map((attendee) => ({ ...attendee })),
      showAs: input.showAs ?? 'busy',
      // Someone else's meeting: an invitation not answered yet (Graph's isOrganizer is false then).
      response: input.response ?? (input.organizer && input.organizer.address.toLowerCase() !== (mailbox.mail ?? mailbox.upn).toLowerCase() ? 'notResponded' : 'organizer'),
      isCancelled: input.isCancelled ?? false,
      version: 1,
      lastModified: new Date(),
      ...times(input, timeZone),
    };
    if (input.location) event.location = input.location;
    if (input.joinUrl) event.joinUrl = input.joinUrl;
    if (input.body) event.body = input.body;
    mailbox.events.set(id, event);
    return id;
  }

  updateEvent(oid: string, id: string, patch: Partial<FakeEventInput>): void {
    const event = this.event(oid, id);
    if (patch.subject !== undefined) event.subject = patch.subject;
    if (patch.timeZone !== undefined) event.timeZone = patch.timeZone;
    // An all-day event given new times without allDay becomes a timed event, and the other way round.
    if (patch.start !== undefined || patch.end !== undefined || patch.allDay !== undefined) {
      const next = times(
        {
          ...(patch.allDay ? { allDay: patch.allDay } : { start: patch.start ?? event.start.toISO()!, end: patch.end ?? event.end.toISO()! }),
        },
        event.timeZone,
      );
      event.start = next.start;
      event.end = next.end;
      if (next.allDay) event.allDay = next.allDay;
      else delete event.allDay;
    }
    if ('location' in patch) {
      if (patch.location) event.location = patch.location;
      else delete event.location;
    }
    if ('joinUrl' in patch) {
      if (patch.joinUrl) event.joinUrl = patch.joinUrl;
      else delete event.joinUrl;
    }
    if ('body' in patch) {
      if (patch.body) event.body = patch.body;
      else delete event.body;
    }
    if (patch.organizer) event.organizer = patch.organizer;
    if (patch.attendees) event.attendees = patch.attendees.map((attendee) => ({ ...attendee }));
    if (patch.showAs !== undefined) event.showAs = patch.showAs;
    if (patch.response !== undefined) event.response = patch.response;
    if (patch.isCancelled !== undefined) event.isCancelled = patch.isCancelled;
    if (event.type === 'occurrence') event.type = 'exception';
    event.version++;
    event.lastModified = new Date();
  }

  deleteEvent(oid: string, id: string): void {
    this.event(oid, id);
    this.mailbox(oid).events.delete(id);
  }

  /** The organizer deletes the whole series: its master, occurrences and exceptions go. */
  deleteSeries(oid: string, seriesMasterId: string): void {
    const mailbox = this.mailbox(oid);
    if (!mailbox.masters.delete(seriesMasterId)) throw new Error(`fake Graph: no series ${seriesMasterId} in ${oid}`);
    for (const [id, event] of mailbox.events) if (event.seriesMasterId === seriesMasterId) mailbox.events.delete(id);
  }

  addRecurringSeries(oid: string, input: FakeRecurringSeriesInput): { seriesMasterId: string; occurrenceIds: string[] } {
    const seriesMasterId = this.newId();
    const zone = zoneOf(input.timeZone ?? this.mailbox(oid).timeZone)!;
    const first = DateTime.fromISO(input.start, { setZone: true }).setZone(zone);
    const duration = DateTime.fromISO(input.end).diff(DateTime.fromISO(input.start));
    const exceptionIndex = input.exceptionIndex ?? 1;
    const cancelledIndex = input.cancelledIndex ?? 2;
    const occurrenceIds: string[] = [];
    for (let i = 0; i < input.count; i++) {
      // Occurrences keep their local wall-clock time across DST changes, like Outlook's.
      let start = first.plus(input.every === 'week' ? { weeks: i } : { days: i });
      let subject = input.subject;
      let type: StoredEvent['type'] = 'occurrence';
      if (i === exceptionIndex) {
        start = start.plus({ minutes: input.exceptionShiftMinutes ?? 60 });
        subject = input.exceptionSubject ?? `${input.subject} (moved)`;
        type = 'exception';
      }
      if (i === cancelledIndex) type = 'exception';
      const id = this.addEvent(
        oid,
        {
          subject,
          start: start.toISO()!,
          end: start.plus(duration).toISO()!,
          ...(input.timeZone ? { timeZone: input.timeZone } : {}),
          ...(input.location ? { location: input.location } : {}),
          isCancelled: i === cancelledIndex,
        },
        { type, seriesMasterId },
      );
      occurrenceIds.push(id);
    }
    // The master: the series as created, at its first occurrence.
    const firstOccurrence = this.event(oid, occurrenceIds[0]!);
    const { seriesMasterId: _, ...series } = firstOccurrence;
    this.mailbox(oid).masters.set(seriesMasterId, { ...series, id: seriesMasterId, type: 'seriesMaster', subject: input.subject, isCancelled: false });
    return { seriesMasterId, occurrenceIds };
  }

  event(oid: string, id: string): StoredEvent {
    const event = this.mailbox(oid).events.get(id);
    if (!event) throw new Error(`fake Graph: no event ${id} in ${oid}`);
    return event;
  }

  /** Events overlapping the window, by start time. */
  inWindow(oid: string, window: FakeWindow): StoredEvent[] {
    return [...this.mailbox(oid).events.values()]
      .filter((event) => event.start < window.end && event.end > window.start)
      .sort((a, b) => a.start.toMillis() - b.start.toMillis() || a.id.localeCompare(b.id));
  }

  /** A first delta call: a round that delivers the whole window. */
  startRound(oid: string, window: FakeWindow): string {
    return this.newRound(oid, window, new Map());
  }

  /** A call with a deltaLink: a round that delivers what changed since; undefined when the token is unknown. */
  resumeRound(oid: string, deltaToken: string): string | undefined {
    const state = this.deltaTokens.get(deltaToken);
    if (!state || state.oid !== oid) return undefined;
    return this.newRound(oid, state.window, state.snapshot, this.replayNextRound.delete(oid) ? state.delivered : []);
  }

  /** One page of a round; undefined when the skip token is unknown. */
  page(oid: string, skipToken: string, pageSize: number): DeltaPageResult | undefined {
    const state = this.skipTokens.get(skipToken);
    if (!state || state.round.oid !== oid) return undefined;
    const { round, offset } = state;
    if (state.empty) return { items: [], nextToken: this.skipToken(round, offset) };
    const items = round.items.slice(offset, offset + pageSize);
    const end = offset + items.length;
    if (end < round.items.length || (this.trailingEmptyPage && items.length > 0)) {
      return { items, nextToken: this.skipToken(round, end, round.emptyPages && end < round.items.length) };
    }
    const deltaToken = token();
    this.deltaTokens.set(deltaToken, { oid, window: round.window, snapshot: round.snapshotAfter, delivered: round.items });
    return { items, deltaToken };
  }

  /** The next delta call with this token gets 410 SyncStateNotFound. */
  expireDeltaToken(deltaToken: string): void {
    if (!this.deltaTokens.delete(deltaToken)) throw new Error(`fake Graph: no delta token ${deltaToken}`);
  }

  /** Every delta and skip token (of one mailbox, or all) is forgotten: the next call with one gets 410. */
  invalidateAllTokens(oid?: string): number {
    let count = 0;
    for (const [key, value] of this.deltaTokens) if (!oid || value.oid === oid) count += Number(this.deltaTokens.delete(key));
    for (const [key, value] of this.skipTokens) if (!oid || value.round.oid === oid) count += Number(this.skipTokens.delete(key));
    return count;
  }

  private newRound(oid: string, window: FakeWindow, snapshot: Map<string, number>, replayed: RoundItem[] = []): string {
    const current = this.inWindow(oid, window);
    const snapshotAfter = new Map(current.map((event) => [event.id, event.version]));
    const items: RoundItem[] = [...replayed];
    const repeat = this.repeatNextRound.delete(oid);
    for (const event of current) {
      if (snapshot.get(event.id) !== event.version && repeat) items.push({ removed: event.id });
      if (snapshot.get(event.id) !== event.version) items.push({ event: { ...event, organizer: { ...event.organizer }, attendees: event.attendees.map((attendee) => ({ ...attendee })), ...(event.allDay ? { allDay: { ...event.allDay } } : {}) } });
    }
    for (const id of snapshot.keys()) if (!snapshotAfter.has(id)) items.push({ removed: id });
    const emptyPages = this.emptyPagesNextRound.delete(oid);
    return this.skipToken({ oid, window, items, snapshotAfter, emptyPages }, 0, emptyPages);
  }

  private skipToken(round: DeltaRound, offset: number, empty = false): string {
    const value = token();
    this.skipTokens.set(value, { round, offset, ...(empty ? { empty } : {}) });
    return value;
  }

  private newId(): string {
    // Shaped like Graph's ids (long base64 with '=' and '-'), so nobody assumes they are URL- or key-friendly.
    this.sequence++;
    return `AAMkAGFake${String(this.sequence).padStart(6, '0')}-${randomBytes(12).toString('base64url')}=`;
  }
}

/** IANA name for a Windows or IANA zone name; undefined when unknown. */
export function zoneOf(name: string): string | undefined {
  if (/^utc$/i.test(name)) return 'UTC';
  const iana = findIana(name)[0];
  if (iana) return iana;
  return DateTime.now().setZone(name).isValid ? name : undefined;
}

function times(input: Pick<FakeEventInput, 'start' | 'end' | 'allDay'>, timeZone: string): Pick<StoredEvent, 'start' | 'end' | 'allDay'> {
  const zone = zoneOf(timeZone);
  if (!zone) throw new Error(`fake Graph: unknown time zone ${timeZone}`);
  if (input.allDay) {
    const start = DateTime.fromISO(input.allDay.startDate, { zone });
    const end = DateTime.fromISO(input.allDay.endDate, { zone });
    if (!start.isValid || !end.isValid || end <= start) throw new Error('fake Graph: bad all-day dates');
    return { start, end, allDay: { ...input.allDay } };
  }
  if (!input.start || !input.end) throw new Error('fake Graph: a timed event needs start and end');
  const start = DateTime.fromISO(input.start, { setZone: true });
  const end = DateTime.fromISO(input.end, { setZone: true });
  if (!start.isValid || !end.isValid || end < start) throw new Error('fake Graph: bad start/end');
  if (!/(?:Z|[+-]\d\d:?\d\d)$/i.test(input.start)) throw new Error('fake Graph: give start/end with an offset or Z');
  return { start: start.toUTC(), end: end.toUTC() };
}

function token(): string {
  return randomBytes(18).toString('base64url');
}
