import type { GraphClient } from './graph-client.js';
import type { GraphEvent, GraphRemovedEvent } from './graph-event.js';
import { GraphFailure, GraphRequestError, MailboxUnavailableError } from './graph-errors.js';
import { toIanaTimeZone } from './time-zone.js';
import { clockStyleOf, type ClockStyle } from './time-format.js';
import { parseWorkingHours, type WorkingHours } from './working-hours.js';

export interface DeltaPage {
  /** New or changed events, in full (start/end in UTC, all-day events in their own zone). */
  events: GraphEvent[];
  /** Events deleted or moved out of the window since the last round: only their ids are known. */
  removedIds: string[];
  /** More pages in this round: read it next (and keep it, so a crashed round resumes here). */
  nextLink?: string;
  /** The round is complete: keep it for the next round. Exactly one of nextLink/deltaLink is set. */
  deltaLink?: string;
}

export interface DeltaWindowStart {
  start: Date;
  end: Date;
}

export interface ReadDeltaPageOptions {
  /** `Prefer: odata.maxpagesize` (config.sync.pageSize); Graph may send fewer. */
  pageSize: number;
}

/**
 * One page of `/me/calendarView/delta`. Give the window for the first call of a full round, then the links
 * exactly as Graph returned them (they carry the window). The Prefer headers go on every page: Graph does not
 * remember them from the first call.
 */
export async function readDeltaPage(client: GraphClient, from: string | DeltaWindowStart, { pageSize }: ReadDeltaPageOptions): Promise<DeltaPage> {
  const url =
    typeof from === 'string'
      ? from
      : `/me/calendarView/delta?startDateTime=${encodeURIComponent(from.start.toISOString())}&endDateTime=${encodeURIComponent(from.end.toISOString())}`;
  const body = await client.get<DeltaResponse>(url, { Prefer: `odata.maxpagesize=${pageSize}, outlook.timezone="UTC"` });
  if (!body || !Array.isArray(body.value)) throw new GraphRequestError(200, 'MalformedDeltaPage', 'the delta page has no value array');
  const page: DeltaPage = { events: [], removedIds: [] };
  // The same item may come more than once in a page ("a single entity will be contained multiple times in the
  // response", Graph's delta query overview): its last mention is its state, "@removed" or not.
  const last = new Map<unknown, GraphEvent | GraphRemovedEvent>();
  for (const item of body.value) {
    const key = typeof item?.id === 'string' ? item.id : Symbol('no id');
    last.delete(key);
    last.set(key, item);
  }
  for (const item of last.values()) {
    if ('@removed' in item) page.removedIds.push(item.id);
    else page.events.push(item);
  }
  const nextLink = body['@odata.nextLink'];
  const deltaLink = body['@odata.deltaLink'];
  if (nextLink) page.nextLink = nextLink;
  else if (deltaLink) page.deltaLink = deltaLink;
  else throw new GraphRequestError(200, 'MalformedDeltaPage', 'the delta page has neither a nextLink nor a deltaLink');
  // Refused before it is stored: kept, a link get() will not follow would fail every round that resumes from it.
  if (!client.isGraphLink(nextLink ?? deltaLink!)) throw new GraphRequestError(200, 'MalformedDeltaPage', 'the delta page links outside the Graph root');
  return page;
}

/**
 * What an occurrence takes from its series when delta sends it bare. Graph's docs say calendarView delta returns what
 * GET /calendarView does; users report occurrences with only id, type, seriesMasterId, start and end (and the etag)
 * (microsoft-graph-docs-contrib issues 34 and 5602), and the series master is never in the response. Stored so, a
 * series would have no subject, place, people or join link, and would block time the user declined.
 */
const FROM_SERIES = ['subject', 'location', 'locations', 'organizer', 'isOrganizer', 'attendees', 'onlineMeeting', 'onlineMeetingUrl', 'bodyPreview', 'body', 'showAs', 'responseStatus', 'isAllDay', 'isCancelled'] as const;

/** Series masters read this round, by id (undefined: gone, 404), so a series of fifty occurrences costs one read. */
export type SeriesMasters = Map<string, Promise<GraphEvent | undefined>>;

/**
 * Fills in the occurrences of `page` that came without a subject (bare, as above) from their series master, read once
 * per round (GET /me/events/{id}); what an occurrence did send is kept. A master that is gone (404) leaves them as
 * they are; any other failure fails the page, as a failed page read does.
 */
export async function fillBareOccurrences(client: GraphClient, page: DeltaPage, masters: SeriesMasters): Promise<number> {
  let filled = 0;
  for (const event of page.events) {
    if (event.type !== 'occurrence' || event.subject !== undefined || !event.seriesMasterId) continue;
    const master = await seriesMaster(client, event.seriesMasterId, masters);
    if (!master) continue;
    const target = event as unknown as Record<string, unknown>;
    for (const key of FROM_SERIES) if (target[key] === undefined && master[key] !== undefined) target[key] = master[key];
    filled++;
  }
  return filled;
}

/** What lookUpEvents found: the events as Graph holds them now, by id, and how many reads Graph refused. */
export interface EventLookup {
  found: Map<string, GraphEvent>;
  /** Answered 400 and the like (GraphRequestError): nothing learnt, not retried (the caller goes on without them). */
  refused: number;
}

/**
 * The events named, as Graph holds them now (GET /me/events/{id}, times in UTC), up to `max` reads: calendarView
 * delta sends "@removed" with reason "deleted" both for an event deleted and for one moved out of the window (and for
 * the attendee's copy of a cancellation taken off the calendar), and only a read tells them apart. Gone (404): not in
 * `found`. An occurrence whose series master the round already found gone (the series deleted, its occurrences
 * removed by the page) goes with it unread; the master is read once a round, through `masters`. Throttling, outages
 * and refused credentials fail the call, as they fail a page; a request refused (400) is counted, the event unknown.
 */
export async function lookUpEvents(client: GraphClient, events: { id: string; seriesMasterId?: string }[], masters: SeriesMasters, max: number): Promise<EventLookup> {
  const lookup: EventLookup = { found: new Map(), refused: 0 };
  const read = async (id: string): Promise<GraphEvent | undefined> => {
    try {
      return await client.get<GraphEvent>(`/me/events/${encodeURIComponent(id)}`, { Prefer: 'outlook.timezone="UTC"' });
    } catch (error) {
      if (isGone(error)) return undefined;
      if (error instanceof GraphRequestError) {
        lookup.refused++;
        return undefined;
      }
      throw error;
    }
  };
  await Promise.all(
    events.slice(0, max).map(async ({ id, seriesMasterId }) => {
      if (seriesMasterId && !(await seriesMaster(client, seriesMasterId, masters))) return;
      const event = await read(id);
      if (event) lookup.found.set(id, event);
    }),
  );
  return lookup;
}

/** The series master `id`, read once a round (undefined: gone, 404); any other failure is not remembered. */
function seriesMaster(client: GraphClient, id: string, masters: SeriesMasters): Promise<GraphEvent | undefined> {
  let reading = masters.get(id);
  if (!reading) {
    reading = client.get<GraphEvent>(`/me/events/${encodeURIComponent(id)}`).catch((error: unknown) => {
      if (isGone(error)) return undefined;
      masters.delete(id); // not remembered: the next page (or round) asks again
      throw error;
    });
    masters.set(id, reading);
  }
  return reading;
}

/** 404 ErrorItemNotFound: the event is not in the mailbox (a mailbox that is not there is another failure). */
function isGone(error: unknown): boolean {
  return error instanceof GraphFailure && error.statusCode === 404 && !(error instanceof MailboxUnavailableError);
}

interface DeltaResponse {
  value: (GraphEvent | GraphRemovedEvent)[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** What calbot reads of `/me/mailboxSettings`. */
export interface MailboxSettings {
  /** IANA zone mapped from mailboxSettings.timeZone (Outlook often stores a Windows name); undefined if unknown. */
  mailboxTimeZone: string | undefined;
  /** mailboxSettings.timeZone as Graph sent it. */
  mailboxTimeZoneName: string | undefined;
  /** mailboxSettings.workingHours, if usable. */
  workingHours: WorkingHours | undefined;
  /** mailboxSettings.timeFormat: 24-hour or 12-hour clock, if Outlook says. */
  clockStyle: ClockStyle | undefined;
}

export interface GraphProfile extends MailboxSettings {
  /** The user's object id (oid). */
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | undefined;
}

/** Who the token belongs to and their mailbox's zone and working hours: `/me` and `/me/mailboxSettings`. */
export async function readProfile(client: GraphClient): Promise<GraphProfile> {
  const [me, settings] = await Promise.all([
    client.get<{ id: string; displayName?: string | null; userPrincipalName?: string | null; mail?: string | null }>('/me'),
    readMailboxSettings(client),
  ]);
  return {
    id: me.id,
    displayName: me.displayName ?? '',
    userPrincipalName: me.userPrincipalName ?? '',
    mail: me.mail ?? undefined,
    ...settings,
  };
}

/** The mailbox's zone, working hours and clock (`/me/mailboxSettings`, MailboxSettings.Read). */
export async function readMailboxSettings(client: GraphClient): Promise<MailboxSettings> {
  const settings = await client.get<{ timeZone?: string | null; workingHours?: unknown; timeFormat?: unknown }>('/me/mailboxSettings');
  return {
    mailboxTimeZone: toIanaTimeZone(settings.timeZone),
    mailboxTimeZoneName: settings.timeZone ?? undefined,
    workingHours: parseWorkingHours(settings.workingHours),
    clockStyle: clockStyleOf(settings.timeFormat),
  };
}
