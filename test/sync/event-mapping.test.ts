import { toEventDoc, EventMappingError, MAX_PEOPLE, mailboxOwnerOf } from '../../src/sync/event-mapping.js';
import type { GraphAttendee, GraphEvent } from '../../src/graph/graph-event.js';

const NOW = new Date('2026-11-20T08:00:00.000Z');

function graphEvent(overrides: Partial<GraphEvent> = {}): GraphEvent {
  return {
    '@odata.etag': 'W/"DwAAABYAAAA1"',
    id: 'AAMkAGI1=',
    iCalUId: '040000008200E00074C5B7101A82E008',
    type: 'singleInstance',
    subject: 'Budget review',
    start: { dateTime: '2026-11-26T14:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-11-26T15:30:00.0000000', timeZone: 'UTC' },
    originalStartTimeZone: 'W. Europe Standard Time',
    originalEndTimeZone: 'W. Europe Standard Time',
    isAllDay: false,
    location: { displayName: 'Room 4' },
    organizer: { emailAddress: { name: 'Ana', address: 'ana@contoso.example' } },
    onlineMeeting: { joinUrl: 'https://teams.example/join/1' },
    webLink: 'https://outlook.example/item/1',
    showAs: 'busy',
    responseStatus: { response: 'accepted', time: '2026-11-01T10:00:00Z' },
    isCancelled: false,
    lastModifiedDateTime: '2026-11-19T09:15:00.1234567Z',
    changeKey: 'DwAAABYAAAA1',
    ...overrides,
  };
}

describe('toEventDoc', () => {
  test('maps a timed event: UTC instants from offset-less dateTime, own zone, join link, etag', () => {
    const doc = toEventDoc('msteams:u1', graphEvent(), NOW);
    expect(doc).toEqual({
      _id: 'msteams:u1|AAMkAGI1=',
      userKey: 'msteams:u1',
      eventId: 'AAMkAGI1=',
      iCalUId: '040000008200E00074C5B7101A82E008',
      type: 'singleInstance',
      subject: 'Budget review',
      start: new Date('2026-11-26T14:00:00.000Z'),
      end: new Date('2026-11-26T15:30:00.000Z'),
      timeZone: 'W. Europe Standard Time',
      isAllDay: false,
      location: 'Room 4',
      organizer: { name: 'Ana', address: 'ana@contoso.example' },
      people: ['Ana'],
      attendees: [],
      joinUrl: 'https://teams.example/join/1',
      webLink: 'https://outlook.example/item/1',
      showAs: 'busy',
      responseStatus: 'accepted',
      isCancelled: false,
      lastModified: new Date('2026-11-19T09:15:00.123Z'),
      etag: 'W/"DwAAABYAAAA1"',
      updatedAt: NOW,
    });
  });

  // dateTime has no offset: its zone is the sibling timeZone, never the process's local zone.
  test.each([
    ['UTC', '2026-11-26T14:00:00.0000000', '2026-11-26T14:00:00.000Z'],
    ['W. Europe Standard Time', '2026-11-26T14:00:00.0000000', '2026-11-26T13:00:00.000Z'],
    ['W. Europe Standard Time', '2026-07-01T14:00:00.0000000', '2026-07-01T12:00:00.000Z'],
    ['Pacific Standard Time', '2026-11-26T09:00:00.0000000', '2026-11-26T17:00:00.000Z'],
    ['Europe/Paris', '2026-11-26T14:00:00.0000000', '2026-11-26T13:00:00.000Z'],
    ['UTC', '2026-11-26T14:00:00.5000000', '2026-11-26T14:00:00.500Z'],
  ])('start in %s at %s is %s', (timeZone, dateTime, expected) => {
    const doc = toEventDoc('u', graphEvent({ start: { dateTime, timeZone }, end: { dateTime: '2026-12-31T00:00:00.0000000', timeZone: 'UTC' } }), NOW);
    expect(doc.start.toISOString()).toBe(expected);
  });

  test.each([
    // All-day events keep their own midnight in their own zone, whatever Prefer: outlook.timezone asked for.
    ['one day, own zone', '2026-11-26T00:00:00.0000000', '2026-11-27T00:00:00.0000000', 'W. Europe Standard Time', '2026-11-26', '2026-11-27'],
    ['three days, UTC', '2026-12-24T00:00:00.0000000', '2026-12-27T00:00:00.0000000', 'UTC', '2026-12-24', '2026-12-27'],
    ['west of UTC', '2026-11-26T00:00:00.0000000', '2026-11-27T00:00:00.0000000', 'Pacific Standard Time', '2026-11-26', '2026-11-27'],
  ])('all-day %s stays dates, start/end at midnight UTC', (_name, startDt, endDt, timeZone, startDate, endDate) => {
    const doc = toEventDoc(
      'u',
      graphEvent({ isAllDay: true, start: { dateTime: startDt, timeZone }, end: { dateTime: endDt, timeZone }, originalStartTimeZone: timeZone }),
      NOW,
    );
    expect(doc).toMatchObject({ isAllDay: true, startDate, endDate, timeZone });
    expect(doc.start.toISOString()).toBe(`${startDate}T00:00:00.000Z`);
    expect(doc.end.toISOString()).toBe(`${endDate}T00:00:00.000Z`);
  });

  test.each([
    ['no location', { location: { displayName: '' } }, 'location'],
    ['null location', { location: null }, 'location'],
    ['no online meeting', { onlineMeeting: null }, 'joinUrl'],
    ['no etag', { '@odata.etag': undefined }, 'etag'],
    ['no series', { seriesMasterId: null }, 'seriesMasterId'],
    ['no organizer', { organizer: null }, 'organizer'],
    ['no one named', { organizer: null, attendees: [] }, 'people'],
    ['only a room', { organizer: null, attendees: [attendee('Room 4', 'room4@contoso.example', 'resource')] }, 'people'],
  ] as [string, Partial<GraphEvent>, string][])('%s: property left out, not undefined', (_name, overrides, key) => {
    const doc = toEventDoc('u', graphEvent(overrides), NOW);
    expect(Object.keys(doc)).not.toContain(key);
  });

  test.each([
    ['occurrence', { type: 'occurrence', seriesMasterId: 'MASTER=' }, { type: 'occurrence', seriesMasterId: 'MASTER=' }],
    ['exception', { type: 'exception', seriesMasterId: 'MASTER=' }, { type: 'exception', seriesMasterId: 'MASTER=' }],
    ['cancelled', { isCancelled: true }, { isCancelled: true }],
    ['missing subject', { subject: null }, { subject: '' }],
    ['tentative', { responseStatus: { response: 'tentativelyAccepted' }, showAs: 'tentative' }, { responseStatus: 'tentativelyAccepted', showAs: 'tentative' }],
  ] as [string, Partial<GraphEvent>, object][])('%s', (_name, overrides, expected) => {
    expect(toEventDoc('u', graphEvent(overrides), NOW)).toMatchObject(expected);
  });

  // What "meetings with sam" matches (matchesSubject): a subject seldom names everyone in a meeting.
  test('people: the organizer, then the attendees, each once; no rooms; the address part a name lacks', () => {
    const doc = toEventDoc(
      'u',
      graphEvent({
        organizer: { emailAddress: { name: 'Ana Lima', address: 'ana.lima@contoso.example' } },
        attendees: [
          attendee('Sam Smith', 'sam.smith@contoso.example', 'required', 'accepted'),
          attendee('Ana Lima', 'Ana.Lima@contoso.example'), // the organizer, again
          attendee('Room 4 (Berlin)', 'room4@contoso.example', 'resource', 'accepted'),
          attendee('Robert Kahn', 'bob.kahn@contoso.example', 'optional'),
          attendee('guest@fabrikam.example', 'guest@fabrikam.example'), // a guest named by their address
          attendee('', 'priya@contoso.example'),
          attendee('José Núñez', 'jose.nunez@contoso.example'),
          attendee('Grace Hopper', '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=grace'),
          attendee('', ''),
          { type: 'required', emailAddress: null },
        ],
      }),
      NOW,
    );
    expect(doc.people).toEqual(['Ana Lima', 'Sam Smith', 'Robert Kahn bob.kahn', 'guest', 'priya', 'José Núñez', 'Grace Hopper']);
  });

  test('people: the user is not among them, as the organizer of their own meeting (isOrganizer) nor as an attendee by address', () => {
    const own = toEventDoc('u', graphEvent({ isOrganizer: true, organizer: { emailAddress: { name: 'Sam Jones', address: 'sam.jones@contoso.example' } }, attendees: [attendee('Bob Kahn', 'bob@contoso.example')] }), NOW, { addresses: ['sam.jones@contoso.example'] });
    expect(own.people).toEqual(['Bob Kahn']);
    const invited = toEventDoc(
      'u',
      graphEvent({ isOrganizer: false, organizer: { emailAddress: { name: 'Grace Hopper', address: 'grace@contoso.example' } }, attendees: [attendee('Sam Jones', ' Sam.Jones@Contoso.example '), attendee('Sam Smith', 'sam.smith@contoso.example')] }),
      NOW,
      { addresses: ['sam.jones@contoso.example'] },
    );
    expect(invited.people).toEqual(['Grace Hopper', 'Sam Smith']);
    // Without the owner's addresses (isOrganizer aside) everyone is kept.
    expect(toEventDoc('u', graphEvent({ isOrganizer: false, organizer: null, attendees: [attendee('Sam Jones', 'sam.jones@contoso.example')] }), NOW).people).toEqual(['Sam Jones']);
  });

  test('people: those who declined are not in the meeting; one person under an X.500 and an SMTP address is kept once', () => {
    const doc = toEventDoc(
      'u',
      graphEvent({
        // The organizer as Exchange stored them inside the organization, and the same person among the attendees.
        organizer: { emailAddress: { name: 'Grace Hopper', address: '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=grace' } },
        attendees: [
          attendee('Grace Hopper', 'ghopper@contoso.example', 'required', 'accepted'),
          attendee('Sam Smith', 'sam.smith@contoso.example', 'required', 'declined'),
          attendee('Bob Kahn', 'bob@contoso.example', 'optional', 'tentativelyAccepted'),
          attendee('Ana Lima', 'ana@contoso.example'),
          attendee('Ana Lima', '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ana'),
        ],
      }),
      NOW,
    );
    expect(doc.people).toEqual(['Grace Hopper ghopper', 'Bob Kahn', 'Ana Lima']);
    // Two SMTP addresses under one name are two people (two Sam Joneses), and two X.500 ones of one name are one.
    const namesakes = toEventDoc('u', graphEvent({ organizer: null, attendees: [attendee('Sam Jones', 'sam.jones@contoso.example'), attendee('Sam Jones', 'sjones@fabrikam.example')] }), NOW);
    expect(namesakes.people).toEqual(['Sam Jones', 'Sam Jones sjones']);
  });

  test("people: the owner is found by their mail address when it is not their UPN, and by name under an X.500 address", () => {
    const owner = mailboxOwnerOf({ username: 'Sam.Jones@contoso.onmicrosoft.com', mail: 'sam.jones@contoso.example', displayName: 'Sam Jones' });
    expect(owner).toEqual({ addresses: ['sam.jones@contoso.onmicrosoft.com', 'sam.jones@contoso.example'], name: 'Sam Jones' });
    const invited = toEventDoc(
      'u',
      graphEvent({
        isOrganizer: false,
        organizer: { emailAddress: { name: 'Grace Hopper', address: 'grace@contoso.example' } },
        attendees: [attendee('Sam Jones', 'Sam.Jones@contoso.example'), attendee('Sam Smith', 'sam.smith@contoso.example')],
      }),
      NOW,
      owner,
    );
    expect(invited.people).toEqual(['Grace Hopper', 'Sam Smith']);
    const x500 = toEventDoc('u', graphEvent({ isOrganizer: false, attendees: [attendee('Sam Jones', '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=sam')] }), NOW, owner);
    expect(x500.people).toEqual(['Ana']);
    expect(mailboxOwnerOf({ username: 'ana@contoso.example' })).toEqual({ addresses: ['ana@contoso.example'] });
  });

  // What "who is in my next meeting" shows: names as Outlook shows them, with their answers.
  test('attendees: as invited, each once, with their answers (declined ones too); no rooms, no organizer, not the user', () => {
    const doc = toEventDoc(
      'u',
      graphEvent({
        isOrganizer: false,
        organizer: { emailAddress: { name: 'Ana Lima', address: 'ana.lima@contoso.example' } },
        attendees: [
          attendee('Sam Smith', 'sam.smith@contoso.example', 'required', 'accepted'),
          attendee('Ana Lima', 'Ana.Lima@contoso.example', 'required', 'organizer'), // the organizer, again
          attendee('Room 4 (Berlin)', 'room4@contoso.example', 'resource', 'accepted'),
          attendee('Robert Kahn', 'bob.kahn@contoso.example', 'optional', 'tentativelyAccepted'),
          attendee('Priya Raman', 'priya@contoso.example', 'required', 'declined'),
          attendee('Sam Jones', 'SAM.JONES@contoso.example', 'required', 'accepted'), // the user
          attendee('', 'guest@fabrikam.example', 'required', 'none'),
          attendee('', '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=nobody'),
          attendee('Sam Smith', 'sam.smith@contoso.example', 'required', 'accepted'), // twice
          { type: 'required', emailAddress: null },
        ],
      }),
      NOW,
      { addresses: ['sam.jones@contoso.example'] },
    );
    expect(doc.attendees).toEqual([
      { name: 'Sam Smith', response: 'accepted' },
      { name: 'Robert Kahn', response: 'tentativelyAccepted', optional: true },
      { name: 'Priya Raman', response: 'declined' },
      { name: 'guest@fabrikam.example' },
    ]);
    expect(doc).not.toHaveProperty('isOrganizer');
    // The user's own meeting: isOrganizer kept; a meeting with no one invited keeps no attendees.
    const own = toEventDoc('u', graphEvent({ isOrganizer: true, attendees: [] }), NOW);
    expect(own.isOrganizer).toBe(true);
    expect(own.attendees).toEqual([]);
    const many = toEventDoc('u', graphEvent({ attendees: Array.from({ length: 500 }, (_, i) => attendee(`Person ${i}`, `person${i}@contoso.example`)) }), NOW);
    expect(many.attendees).toHaveLength(MAX_PEOPLE);
    // Two Sam Joneses are two people; the organizer as Exchange stores them (X.500) is the organizer still.
    const namesakes = toEventDoc(
      'u',
      graphEvent({
        organizer: { emailAddress: { name: 'Grace Hopper', address: '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=grace' } },
        attendees: [attendee('Grace Hopper', 'ghopper@contoso.example'), attendee('Sam Jones', 'sam.jones@contoso.example'), attendee('Sam Jones', 'sjones@fabrikam.example')],
      }),
      NOW,
    );
    expect(namesakes.attendees).toEqual([{ name: 'Sam Jones' }, { name: 'Sam Jones' }]);
  });

  test(`people: at most ${MAX_PEOPLE} (a 500-person all-hands), the organizer first; a long name cut`, () => {
    const attendees = Array.from({ length: 500 }, (_, i) => attendee(`Person ${i}`, `person${i}@contoso.example`));
    const doc = toEventDoc('u', graphEvent({ attendees }), NOW);
    expect(doc.people).toHaveLength(MAX_PEOPLE);
    expect(doc.people![0]).toBe('Ana');
    expect(doc.people!.at(-1)).toBe(`Person ${MAX_PEOPLE - 2}`);

    const long = toEventDoc('u', graphEvent({ organizer: null, attendees: [attendee('x'.repeat(5000), 'x@contoso.example')] }), NOW);
    expect(long.people).toEqual(['x'.repeat(100)]);
  });

  test.each([
    ['no id', { id: '' }],
    ['unknown zone', { start: { dateTime: '2026-11-26T14:00:00.0000000', timeZone: 'Mars Standard Time' } }],
    ['garbage dateTime', { start: { dateTime: 'next tuesday', timeZone: 'UTC' } }],
    ['ends before start', { end: { dateTime: '2026-11-26T13:00:00.0000000', timeZone: 'UTC' } }],
  ] as [string, Partial<GraphEvent>][])('refuses %s', (_name, overrides) => {
    expect(() => toEventDoc('u', graphEvent(overrides), NOW)).toThrow(EventMappingError);
  });
});

/** An attendee as Graph sends one. */
function attendee(name: string, address: string, type: GraphAttendee['type'] = 'required', response = 'none'): GraphAttendee {
  return { type, status: { response, time: '0001-01-01T00:00:00Z' }, emailAddress: { name, address } };
}
