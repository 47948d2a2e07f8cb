import { DateTime } from 'luxon';
import type { GraphAttendee, GraphDateTimeTimeZone, GraphEmailAddress, GraphEvent } from '../graph/graph-event.js';
import { toIanaTimeZone } from '../graph/time-zone.js';
import { eventDocId, type EventAttendee, type EventDoc } from '../store/collections.js';
import { joinUrlOf } from './join-url.js';

/** A Graph event Graph should never send (no id, unreadable times): the page is reported, not half-stored. */
export class EventMappingError extends Error {
  constructor(readonly eventId: string | undefined, reason: string) {
    super(`cannot map Graph event ${eventId ?? '(no id)'}: ${reason}`);
    this.name = 'EventMappingError';
  }
}

const EVENT_TYPES = new Set<EventDoc['type']>(['singleInstance', 'occurrence', 'exception', 'seriesMaster']);

/**
 * The most people an event keeps (EventDoc.people): "meetings with sam" is asked of meetings with a few people, while
 * every one of them is filed in each day the meeting is on, and FerretDB re-encodes a whole day on each change: a
 * 500-person all-hands keeps its organizer and first 49 attendees, and the others are not found by name there.
 */
export const MAX_PEOPLE = 50;
/** A display name is kept this far (Exchange allows 256 characters; a person is named in far fewer). */
const MAX_NAME_CHARS = 100;

/**
 * The stored form of one Graph event. Absent values are left out (not set to undefined), so the document can be
 * written with replaceOne/upsert and a property cleared in Outlook disappears from the store too.
 * `seenInRound` is the sync engine's business and is not set here.
 */
export function toEventDoc(userKey: string, event: GraphEvent, now: Date, owner: MailboxOwner = { addresses: [] }): EventDoc {
  if (!event.id) throw new EventMappingError(undefined, 'missing id');
  const isAllDay = event.isAllDay === true;
  const doc: EventDoc = {
    _id: eventDocId(userKey, event.id),
    userKey,
    eventId: event.id,
    type: EVENT_TYPES.has(event.type as EventDoc['type']) ? (event.type as EventDoc['type']) : 'singleInstance',
    subject: event.subject ?? '',
    start: new Date(0),
    end: new Date(0),
    isAllDay,
    isCancelled: event.isCancelled === true,
    updatedAt: now,
  };
  if (isAllDay) {
    // All-day events ignore Prefer: outlook.timezone: they run midnight to midnight in their own zone. They stay
    // dates; start/end become midnight UTC of those dates so range queries still find them.
    const startDate = datePart(event.id, event.start);
    const endDate = datePart(event.id, event.end);
    doc.startDate = startDate;
    doc.endDate = endDate;
    doc.start = new Date(`${startDate}T00:00:00.000Z`);
    doc.end = new Date(`${endDate}T00:00:00.000Z`);
  } else {
    doc.start = instant(event.id, event.start);
    doc.end = instant(event.id, event.end);
  }
  if (doc.end.getTime() < doc.start.getTime()) throw new EventMappingError(event.id, 'ends before it starts');

  const ownZone = event.originalStartTimeZone ?? (isAllDay ? event.start.timeZone : undefined);
  set(doc, 'timeZone', ownZone || undefined);
  set(doc, 'iCalUId', event.iCalUId || undefined);
  set(doc, 'seriesMasterId', event.seriesMasterId || undefined);
  set(doc, 'location', event.location?.displayName?.trim() || undefined);
  const organizer = event.organizer?.emailAddress;
  if (organizer && (organizer.name || organizer.address)) {
    doc.organizer = {};
    set(doc.organizer, 'name', organizer.name || undefined);
    set(doc.organizer, 'address', organizer.address || undefined);
  }
  if (event.isOrganizer === true) doc.isOrganizer = true;
  const people = peopleOf(event, owner);
  set(doc, 'people', people.length > 0 ? people : undefined);
  // Kept when empty too: none invited is known, where an event stored before attendees were kept has none at all.
  doc.attendees = attendeesOf(event, owner);
  set(doc, 'joinUrl', joinUrlOf(event));
  set(doc, 'webLink', event.webLink || undefined);
  set(doc, 'showAs', event.showAs || undefined);
  set(doc, 'responseStatus', event.responseStatus?.response || undefined);
  set(doc, 'lastModified', event.lastModifiedDateTime ? lastModified(event.lastModifiedDateTime) : undefined);
  set(doc, 'etag', event['@odata.etag'] || undefined);
  return doc;
}

/**
 * Who the mailbox is, to leave its owner out of `people`: its addresses, lower-case (the account's UPN and its mail
 * address, which differ in some organizations), and its display name, which is all an Exchange X.500 address leaves
 * to know the owner by.
 */
export interface MailboxOwner {
  addresses: readonly string[];
  name?: string;
}

/** The owner of an account's mailbox: its UPN, its mail address when Graph gave one, and its name. */
export function mailboxOwnerOf(account: { username: string; mail?: string; displayName?: string }): MailboxOwner {
  const addresses = [...new Set([account.username, account.mail].filter((a): a is string => !!a).map((a) => a.trim().toLowerCase()))];
  return account.displayName ? { addresses, name: account.displayName } : { addresses };
}

/**
 * Who is in a meeting: the organizer, then the attendees in Graph's order, each once (the organizer is often an
 * attendee too), without rooms and equipment (type 'resource') and without those who declined, at most MAX_PEOPLE.
 * The user is left out: a name asked after "with" is someone else's, and Sam asking for "meetings with sam" would
 * otherwise get every meeting of theirs. Graph marks the user's own meetings (isOrganizer); among attendees the user
 * is found by address (UPN or mail), or, for an X.500 address, by name.
 *
 * Someone inside the organization may come once with an X.500 address and once with an SMTP one (the organizer as
 * Exchange stored them, and the same person among the attendees): an X.500 entry carries only a display name, so
 * it is the same person as an entry of that name, and is kept once (the SMTP one, whose address adds to the name).
 */
function peopleOf(event: GraphEvent, owner: MailboxOwner): string[] {
  const people: Person[] = [];
  const ownerName = owner.name?.trim().toLowerCase();
  for (const attendee of [event.isOrganizer ? undefined : event.organizer, ...(event.attendees ?? [])]) {
    if (people.length >= MAX_PEOPLE) break;
    if (!attendee || ('type' in attendee && attendee.type === 'resource')) continue;
    // Declined, they are not in the meeting: "meetings with sam" is about meetings Sam is in. Graph keeps answers
    // on the organizer's copy; in an invitation, the others' are mostly 'none', and those people stay.
    if ((attendee as GraphAttendee).status?.response === 'declined') continue;
    if (owner.addresses.includes(attendee.emailAddress?.address?.trim().toLowerCase() ?? '')) continue;
    const person = personOf(attendee.emailAddress);
    if (!person) continue;
    if (person.x500 && person.displayName === ownerName) continue;
    if (people.some((p) => p.key === person.key)) continue;
    const sameName = people.findIndex((p) => sameX500Person(p, person));
    if (sameName >= 0) {
      if (!person.x500) people[sameName] = person; // the SMTP entry names them better
      continue;
    }
    people.push(person);
  }
  return people.map((p) => p.name);
}

/**
 * Who is invited, for "who is in my next meeting" (EventDoc.attendees): the attendees as Outlook shows them, each
 * once, without rooms and equipment, the user (by address, or by name for an X.500 address) and the organizer (said
 * apart). Unlike `people`, those who declined stay: "who is coming" is answered with who said no, too.
 */
function attendeesOf(event: GraphEvent, owner: MailboxOwner): EventAttendee[] {
  const attendees: EventAttendee[] = [];
  const seen = new Set<string>();
  // The organizer, said apart, by address; by name when either side has only an X.500 address (see peopleOf).
  const organizerAddress = event.organizer?.emailAddress?.address?.trim().toLowerCase() ?? '';
  const organizerName = event.organizer?.emailAddress?.name?.trim().toLowerCase() ?? '';
  const ownerName = owner.name?.trim().toLowerCase();
  for (const attendee of event.attendees ?? []) {
    if (attendees.length >= MAX_PEOPLE) break;
    if (!attendee || attendee.type === 'resource') continue;
    const address = attendee.emailAddress?.address?.trim().toLowerCase() ?? '';
    const smtp = address.includes('@');
    // Named by their address when they have no name (a guest); an X.500 address is no name to show.
    const name = (attendee.emailAddress?.name ?? '').trim().slice(0, MAX_NAME_CHARS).trim() || (smtp ? (attendee.emailAddress?.address?.trim() ?? '').slice(0, MAX_NAME_CHARS) : '');
    if (!name) continue;
    const folded = name.toLowerCase();
    if (owner.addresses.includes(address) || (!smtp && folded === ownerName)) continue;
    if ((smtp && address === organizerAddress) || ((!smtp || !organizerAddress.includes('@')) && folded === organizerName)) continue;
    // Each once: by address (two Sam Joneses are two people), by name for an X.500 one.
    const key = smtp ? address : `name:${folded}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry: EventAttendee = { name };
    const response = attendee.status?.response;
    if (response && response !== 'none') entry.response = response;
    if (attendee.type === 'optional') entry.optional = true;
    attendees.push(entry);
  }
  return attendees;
}

/** An X.500 entry and another of the same display name: one person (see peopleOf). */
function sameX500Person(a: Person, b: Person): boolean {
  return (a.x500 || b.x500) && a.displayName === b.displayName;
}

/**
 * A person as a name can find them: the display name, and the address's part before '@' when the name does not hold
 * it ("Robert Kahn bob.kahn": "with bob" finds him; a guest named by their address is its user part). An address
 * without '@' (Exchange's X.500 form for some accounts inside the organization) adds nothing: such a person is known
 * by name only.
 */
interface Person {
  /** What makes two entries one person: the address, lower-case; an X.500 one's display name. */
  key: string;
  /** What is stored and matched. */
  name: string;
  /** The display name alone, lower-case. */
  displayName: string;
  /** The address is an X.500 one. */
  x500: boolean;
}

function personOf(email: GraphEmailAddress | null | undefined): Person | undefined {
  const address = email?.address?.trim() ?? '';
  const at = address.indexOf('@');
  const user = at > 0 ? address.slice(0, at) : '';
  let name = (email?.name ?? '').trim();
  if (name.includes('@')) name = name.slice(0, name.indexOf('@'));
  name = name.slice(0, MAX_NAME_CHARS).trim();
  const displayName = name.toLowerCase();
  if (user && !lettersOf(name).includes(lettersOf(user))) name = name ? `${name} ${user}` : user;
  if (!name) return undefined;
  return at > 0 ? { key: address.toLowerCase(), name, displayName, x500: false } : { key: displayName, name, displayName, x500: true };
}

/** Letters and digits only, without accents or case: "Sam Smith" holds "sam.smith". */
function lettersOf(text: string): string {
  return text.normalize('NFKD').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
}

/** dateTime carries no offset; its zone is the sibling timeZone. `new Date(dateTime)` would read local time. */
function instant(eventId: string, value: GraphDateTimeTimeZone | undefined): Date {
  if (!value?.dateTime) throw new EventMappingError(eventId, 'missing start or end');
  const zone = toIanaTimeZone(value.timeZone);
  if (!zone) throw new EventMappingError(eventId, `unknown time zone "${value.timeZone}"`);
  const parsed = DateTime.fromISO(value.dateTime, { zone });
  if (!parsed.isValid) throw new EventMappingError(eventId, `unreadable dateTime "${value.dateTime}"`);
  return parsed.toJSDate();
}

function datePart(eventId: string, value: GraphDateTimeTimeZone | undefined): string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T|$)/.exec(value?.dateTime ?? '');
  if (!match) throw new EventMappingError(eventId, `unreadable all-day date "${value?.dateTime}"`);
  return match[1]!;
}

/** lastModifiedDateTime does carry its zone ("...Z"). */
function lastModified(value: string): Date | undefined {
  const parsed = DateTime.fromISO(value, { zone: 'UTC' });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
