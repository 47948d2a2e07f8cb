/** An event as Graph's calendarView (delta) sends it; only the properties calbot reads are typed. */
export interface GraphDateTimeTimeZone {
  /** No offset: "2026-11-26T14:00:00.0000000"; its zone is `timeZone`. */
  dateTime: string;
  /** "UTC", a Windows zone name ("W. Europe Standard Time") or an IANA name. */
  timeZone: string;
}

export interface GraphEvent {
  '@odata.type'?: string;
  '@odata.etag'?: string;
  id: string;
  iCalUId?: string;
  seriesMasterId?: string | null;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  subject?: string | null;
  start: GraphDateTimeTimeZone;
  end: GraphDateTimeTimeZone;
  /** The event's own zone, before `Prefer: outlook.timezone` converted start and end. */
  originalStartTimeZone?: string;
  originalEndTimeZone?: string;
  isAllDay?: boolean;
  location?: { displayName?: string | null } | null;
  organizer?: { emailAddress?: GraphEmailAddress | null } | null;
  /** The mailbox's owner organizes it (the organizer is then the user). */
  isOrganizer?: boolean | null;
  /** Everyone invited; rooms and equipment booked through the invite are `type: 'resource'`. */
  attendees?: GraphAttendee[] | null;
  onlineMeeting?: { joinUrl?: string | null } | null;
  /** Deprecated by Graph for onlineMeeting, still set on some meetings. */
  onlineMeetingUrl?: string | null;
  locations?: ({ displayName?: string | null; locationUri?: string | null } | null)[] | null;
  /** The body's first ~255 characters as text. */
  bodyPreview?: string | null;
  body?: { contentType?: string | null; content?: string | null } | null;
  webLink?: string | null;
  showAs?: string | null;
  responseStatus?: { response?: string | null; time?: string | null } | null;
  isCancelled?: boolean;
  lastModifiedDateTime?: string | null;
  changeKey?: string;
}

export interface GraphEmailAddress {
  /** The display name; for a guest from outside often the address again. */
  name?: string | null;
  /** An SMTP address, or for some accounts inside the organization an Exchange X.500 one ("/o=ExchangeLabs/..."). */
  address?: string | null;
}

export interface GraphAttendee {
  type?: 'required' | 'optional' | 'resource' | null;
  status?: { response?: string | null; time?: string | null } | null;
  emailAddress?: GraphEmailAddress | null;
}

/** A deletion (or an event that left the window) in a delta page: only the id survives. */
export interface GraphRemovedEvent {
  '@odata.type'?: string;
  id: string;
  '@removed': { reason?: string };
}
