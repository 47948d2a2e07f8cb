import { createLogger } from '../../src/log.js';
import { fillBareOccurrences, readDeltaPage, readMailboxSettings, readProfile, type DeltaPage, type SeriesMasters } from '../../src/graph/calendar-delta.js';
import { createGraphClient, type GraphClient } from '../../src/graph/graph-client.js';
import { GraphUnavailableError, MailboxUnavailableError, SyncStateLostError } from '../../src/graph/graph-errors.js';
import { RequestLimiter } from '../../src/graph/request-limiter.js';
import { toEventDoc } from '../../src/sync/event-mapping.js';
import { fakeAccessToken, startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';

const OID = 'oid-ana';
const WINDOW = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };

let graph: FakeGraph;
let client: GraphClient;

beforeEach(async () => {
  graph = await startFakeGraph();
  graph.addMailbox({ oid: OID, upn: 'ana@contoso.example', displayName: 'Ana Lopez', timeZone: 'W. Europe Standard Time' });
  client = createGraphClient({
    graphUrl: graph.url,
    getAccessToken: async () => fakeAccessToken({ oid: OID }),
    logger: createLogger('silent'),
    limiter: new RequestLimiter({ perKey: 4, global: 16 }),
    mailboxKey: 'msteams:ana',
  });
});

afterEach(async () => {
  await graph.close();
});

/** Reads a whole round, page by page, the way the sync engine will. */
async function readRound(from: string | { start: Date; end: Date }, pageSize: number): Promise<{ pages: DeltaPage[]; deltaLink: string }> {
  const pages: DeltaPage[] = [];
  let link: string | { start: Date; end: Date } = from;
  for (let guard = 0; guard < 100; guard++) {
    const page = await readDeltaPage(client, link, { pageSize });
    pages.push(page);
    if (page.deltaLink) return { pages, deltaLink: page.deltaLink };
    link = page.nextLink!;
  }
  throw new Error('round never ended');
}

function seed(): Record<string, string> {
  const ids: Record<string, string> = {};
  ids.review = graph.addEvent(OID, { subject: 'Budget review', start: '2026-11-26T15:00:00+01:00', end: '2026-11-26T16:30:00+01:00', location: 'Room 4', joinUrl: 'https://teams.example/join/1' });
  ids.lunch = graph.addEvent(OID, { subject: 'Lunch', start: '2026-11-10T12:00:00Z', end: '2026-11-10T13:00:00Z' });
  ids.holiday = graph.addAllDayEvent(OID, { subject: 'Day off', startDate: '2026-11-20', endDate: '2026-11-21' });
  ids.outside = graph.addEvent(OID, { subject: 'Next year', start: '2027-01-10T12:00:00Z', end: '2027-01-10T13:00:00Z' });
  const series = graph.addRecurringSeries(OID, { subject: 'Standup', start: '2026-11-16T09:00:00+01:00', end: '2026-11-16T09:15:00+01:00', count: 5 });
  series.occurrenceIds.forEach((id, i) => (ids[`standup${i}`] = id));
  return ids;
}

describe('readDeltaPage: a full round', () => {
  test('pages through the window with the Prefer headers on every page and ends with an empty page carrying the deltaLink', async () => {
    const ids = seed();
    const { pages, deltaLink } = await readRound(WINDOW, 3);

    // 8 events in the window (the 2027 one is outside): 3 + 3 + 2, then the empty page with the deltaLink.
    expect(pages.map((p) => p.events.length)).toEqual([3, 3, 2, 0]);
    expect(pages.slice(0, -1).every((p) => p.nextLink && !p.deltaLink)).toBe(true);
    expect(pages.at(-1)).toEqual({ events: [], removedIds: [], deltaLink });
    expect(deltaLink).toMatch(new RegExp(`^${graph.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/me/calendarView/delta\\?\\$deltatoken=`));

    const deltaRequests = graph.requests.filter((r) => r.path === '/v1.0/me/calendarView/delta');
    expect(deltaRequests).toHaveLength(4);
    for (const request of deltaRequests) {
      expect(request.prefer).toBe('odata.maxpagesize=3, outlook.timezone="UTC"');
      expect(request.authorization).toMatch(/^Bearer /);
      expect(request.status).toBe(200);
    }
    expect(deltaRequests[0]!.query).toEqual({ startDateTime: '2026-11-01T00:00:00.000Z', endDateTime: '2026-12-01T00:00:00.000Z' });
    expect(Object.keys(deltaRequests[1]!.query)).toEqual(['$skiptoken']);

    const events = pages.flatMap((p) => p.events);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(Object.entries(ids).filter(([k]) => k !== 'outside').map(([, id]) => id)));
    const byId = new Map(events.map((e) => [e.id, toEventDoc('msteams:ana', e, new Date())]));

    // Times came back in UTC (Prefer outlook.timezone), the event's own zone kept aside.
    const review = events.find((e) => e.id === ids.review)!;
    expect(review.start).toEqual({ dateTime: '2026-11-26T14:00:00.0000000', timeZone: 'UTC' });
    expect(byId.get(ids.review!)).toMatchObject({ start: new Date('2026-11-26T14:00:00Z'), end: new Date('2026-11-26T15:30:00Z'), timeZone: 'W. Europe Standard Time', location: 'Room 4', joinUrl: 'https://teams.example/join/1' });

    // All-day: its own midnight in its own zone, whatever outlook.timezone said.
    const holiday = events.find((e) => e.id === ids.holiday)!;
    expect(holiday.start).toEqual({ dateTime: '2026-11-20T00:00:00.0000000', timeZone: 'W. Europe Standard Time' });
    expect(byId.get(ids.holiday!)).toMatchObject({ isAllDay: true, startDate: '2026-11-20', endDate: '2026-11-21', start: new Date('2026-11-20T00:00:00Z') });

    // The series: occurrences, one moved exception, one cancelled occurrence.
    const standups = [0, 1, 2, 3, 4].map((i) => byId.get(ids[`standup${i}`]!)!);
    expect(standups.map((s) => s.type)).toEqual(['occurrence', 'exception', 'exception', 'occurrence', 'occurrence']);
    expect(standups.map((s) => s.isCancelled)).toEqual([false, false, true, false, false]);
    expect(new Set(standups.map((s) => s.seriesMasterId)).size).toBe(1);
    expect(standups[0]!.start).toEqual(new Date('2026-11-16T08:00:00Z'));
    expect(standups[1]!.start).toEqual(new Date('2026-11-17T09:00:00Z'));
  });

  test('without the trailing empty page, the last page with events carries the deltaLink', async () => {
    graph.setTrailingEmptyPage(false);
    seed();
    const { pages } = await readRound(WINDOW, 5);
    expect(pages.map((p) => [p.events.length, Boolean(p.deltaLink)])).toEqual([
      [5, false],
      [3, true],
    ]);
  });

  test('an empty window is one page with just the deltaLink', async () => {
    const { pages } = await readRound(WINDOW, 10);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.events).toEqual([]);
  });

  test('a nextLink read twice gives the same page (a crashed round can resume from the stored nextLink)', async () => {
    seed();
    const first = await readDeltaPage(client, WINDOW, { pageSize: 3 });
    const once = await readDeltaPage(client, first.nextLink!, { pageSize: 3 });
    const again = await readDeltaPage(client, first.nextLink!, { pageSize: 3 });
    // The second page of eight events: three, none of the first page's.
    expect(once.events).toHaveLength(3);
    expect(once.events.filter((e) => first.events.some((f) => f.id === e.id))).toEqual([]);
    expect(again.events.map((e) => e.id)).toEqual(once.events.map((e) => e.id));
  });
});

describe('readDeltaPage: where its links point', () => {
  test('a page linking outside the configured Graph root is refused before its link is kept or followed', async () => {
    seed();
    // The fake's links name localhost: for a client configured on 127.0.0.1 (the same server) they point elsewhere.
    const configuredElsewhere = createGraphClient({
      graphUrl: graph.url.replace('//localhost:', '//127.0.0.1:'),
      getAccessToken: async () => fakeAccessToken({ oid: OID }),
      logger: createLogger('silent'),
      limiter: new RequestLimiter({ perKey: 4, global: 16 }),
      mailboxKey: 'msteams:ana',
    });
    await expect(readDeltaPage(configuredElsewhere, WINDOW, { pageSize: 3 })).rejects.toMatchObject({ name: 'GraphRequestError', code: 'MalformedDeltaPage' });
    expect(graph.requests.map((r) => r.query.$skiptoken)).toEqual([undefined]);
    // Read through the root its links are under, the same page is taken.
    const page = await readDeltaPage(client, WINDOW, { pageSize: 3 });
    expect(page.events).toHaveLength(3);
    expect(page.nextLink!.startsWith(`${graph.url}/me/calendarView/delta?`)).toBe(true);
  });
});

describe('readDeltaPage: incremental rounds', () => {
  test('returns only what changed since the deltaLink: added and updated in full, deleted and moved-out as removed ids', async () => {
    const ids = seed();
    const { deltaLink } = await readRound(WINDOW, 50);

    const added = graph.addEvent(OID, { subject: 'New 1:1', start: '2026-11-27T10:00:00Z', end: '2026-11-27T10:30:00Z' });
    graph.updateEvent(OID, ids.lunch!, { subject: 'Team lunch', location: 'Cafe' });
    graph.cancelEvent(OID, ids.standup3!);
    graph.deleteEvent(OID, ids.review!);
    graph.updateEvent(OID, ids.standup4!, { start: '2027-02-01T09:00:00Z', end: '2027-02-01T09:15:00Z' }); // left the window
    graph.updateEvent(OID, ids.outside!, { start: '2026-11-12T12:00:00Z', end: '2026-11-12T13:00:00Z' }); // entered it

    const { pages, deltaLink: next } = await readRound(deltaLink, 50);
    const events = pages.flatMap((p) => p.events);
    const removed = pages.flatMap((p) => p.removedIds);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set([added, ids.lunch, ids.standup3, ids.outside]));
    expect(new Set(removed)).toEqual(new Set([ids.review, ids.standup4]));
    expect(events.find((e) => e.id === ids.lunch)).toMatchObject({ subject: 'Team lunch', location: { displayName: 'Cafe' } });
    expect(events.find((e) => e.id === ids.standup3)).toMatchObject({ isCancelled: true });

    // The deltaLink is the only thing a request carries: no window parameters.
    const lastRequest = graph.requests.at(-1)!;
    expect(Object.keys(lastRequest.query)).toEqual(['$skiptoken']);

    // Nothing changed since: an empty round.
    const quiet = await readRound(next, 50);
    expect(quiet.pages.flatMap((p) => [...p.events, ...p.removedIds])).toEqual([]);
  });

  test('changes made in the middle of a round arrive in the next round, not lost', async () => {
    const ids = seed();
    const first = await readDeltaPage(client, WINDOW, { pageSize: 2 });
    graph.updateEvent(OID, ids.lunch!, { subject: 'Moved lunch', start: '2026-11-11T12:00:00Z', end: '2026-11-11T13:00:00Z' });
    const { deltaLink } = await readRound(first.nextLink!, 2);
    const { pages } = await readRound(deltaLink, 50);
    expect(pages.flatMap((p) => p.events).map((e) => [e.id, e.subject])).toEqual([[ids.lunch, 'Moved lunch']]);
  });

  test('an expired delta token is a SyncStateLostError with a readable message', async () => {
    seed();
    const { deltaLink } = await readRound(WINDOW, 50);
    graph.expireDeltaToken(deltaLink);
    const error = await readDeltaPage(client, deltaLink, { pageSize: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncStateLostError);
    expect(error).toMatchObject({ statusCode: 410, code: 'SyncStateNotFound', kind: 'sync-state-lost' });
    expect((error as SyncStateLostError).userMessage).toMatch(/from scratch/);
  });

  test('a 400 resyncRequired (and a lost state under either spelling) is a SyncStateLostError too: the links are dropped, not kept to fail again', async () => {
    seed();
    const { deltaLink } = await readRound(WINDOW, 50);
    for (const [status, code] of [
      [400, 'resyncRequired'],
      [410, 'syncStateNotFound'],
    ] as const) {
      graph.failNext({ status, code, oid: OID });
      const error = await readDeltaPage(client, deltaLink, { pageSize: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncStateLostError);
      expect(error).toMatchObject({ statusCode: status, code, kind: 'sync-state-lost' });
    }
    // Another 400 is no lost state: a request calbot got wrong.
    graph.failNext({ status: 400, code: 'ErrorInvalidRequest', message: 'Bad request.', oid: OID });
    const other = await readDeltaPage(client, deltaLink, { pageSize: 50 }).catch((e: unknown) => e);
    expect(other).not.toBeInstanceOf(SyncStateLostError);
  });

  test('bare occurrences are filled from their series master, read once; a master gone (404) leaves them bare; a failed read is not remembered', async () => {
    graph.calendar.mailbox(OID).bareOccurrences = true;
    const { seriesMasterId } = graph.addRecurringSeries(OID, { subject: 'Standup', start: '2026-11-10T08:00:00Z', end: '2026-11-10T08:15:00Z', count: 3, every: 'day', exceptionIndex: -1, cancelledIndex: -1, location: 'Room 4' });
    const bare = async () => (await readRound(WINDOW, 50)).pages.flatMap((page) => page.events);
    const [page] = (await readRound(WINDOW, 50)).pages;
    expect(page!.events.map((event) => [event.subject, event.type])).toEqual([[undefined, 'occurrence'], [undefined, 'occurrence'], [undefined, 'occurrence']]);
    const masters: SeriesMasters = new Map();
    expect(await fillBareOccurrences(client, page!, masters)).toBe(3);
    expect(page!.events.map((event) => [event.subject, event.location?.displayName, event.showAs, event.seriesMasterId])).toEqual(Array(3).fill(['Standup', 'Room 4', 'busy', seriesMasterId]));
    expect(toEventDoc('msteams:ana', page!.events[0]!, new Date())).toMatchObject({ subject: 'Standup', location: 'Room 4', start: new Date('2026-11-10T08:00:00Z') });
    expect(graph.requests.filter((r) => r.path.toLowerCase().startsWith('/v1.0/me/events/'))).toHaveLength(1);

    graph.failNext({ status: 500, oid: OID, resource: `/me/events/${encodeURIComponent(seriesMasterId)}` });
    const failing = { events: await bare(), removedIds: [] };
    const fresh: SeriesMasters = new Map();
    await expect(fillBareOccurrences(client, failing, fresh)).rejects.toBeInstanceOf(GraphUnavailableError);
    expect(fresh.size).toBe(0);

    graph.calendar.mailbox(OID).masters.delete(seriesMasterId);
    const orphans = { events: await bare(), removedIds: [] };
    expect(await fillBareOccurrences(client, orphans, new Map())).toBe(0);
    expect(orphans.events[0]!.subject).toBeUndefined();
  });

  test('an account without an Exchange Online mailbox (no licence, on-premises) is a MailboxUnavailableError, not retried, not a bug', async () => {
    for (const [exchange, code] of [
      ['none', 'MailboxNotEnabledForRESTAPI'],
      ['onPremises', 'MailboxNotSupportedForRESTAPI'],
    ] as const) {
      graph.setExchange(OID, exchange);
      const before = graph.requestCount(OID);
      const error = await readDeltaPage(client, WINDOW, { pageSize: 50 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailboxUnavailableError);
      expect(error).toMatchObject({ statusCode: 404, code, kind: 'mailbox' });
      expect((error as MailboxUnavailableError).userMessage).toMatch(/^Your Microsoft account has no Exchange Online mailbox I can read/);
      expect(graph.requestCount(OID) - before).toBe(1);
    }
    // An account with no mailbox at all: Graph's ResourceNotFound from the mailbox's resources says the same.
    graph.setExchange(OID, 'online');
    graph.failNext({ status: 404, oid: OID, resource: '/me/mailboxSettings' });
    await expect(readMailboxSettings(client)).rejects.toMatchObject({ name: 'MailboxUnavailableError', code: 'ResourceNotFound' });
  });

  test('"invalidate all tokens" loses skip tokens mid-round too', async () => {
    seed();
    const first = await readDeltaPage(client, WINDOW, { pageSize: 2 });
    graph.invalidateAllTokens(OID);
    await expect(readDeltaPage(client, first.nextLink!, { pageSize: 2 })).rejects.toBeInstanceOf(SyncStateLostError);
  });
});

describe('readProfile', () => {
  test('reads /me and mailboxSettings, mapping the Windows zone names to IANA', async () => {
    const profile = await readProfile(client);
    expect(profile).toEqual({
      id: OID,
      displayName: 'Ana Lopez',
      userPrincipalName: 'ana@contoso.example',
      mail: 'ana@contoso.example',
      mailboxTimeZone: 'Europe/Berlin',
      mailboxTimeZoneName: 'W. Europe Standard Time',
      // A new mailbox's working hours: Monday to Friday, 08:00-17:00, in the mailbox's zone; its clock "HH:mm".
      workingHours: { startMinute: 480, endMinute: 1020, weekdays: [1, 2, 3, 4, 5], zone: 'Europe/Berlin' },
      clockStyle: '24h',
    });
  });

  test('reads working hours as the mailbox keeps them, and none when Outlook gives none usable', async () => {
    const mailbox = graph.calendar.mailbox(OID);
    try {
      mailbox.workingHours = { daysOfWeek: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday'], startTime: '07:30:00.0000000', endTime: '15:30:00.0000000', timeZone: { name: 'Arab Standard Time' } };
      expect((await readMailboxSettings(client)).workingHours).toEqual({ startMinute: 450, endMinute: 930, weekdays: [1, 2, 3, 4, 7], zone: 'Asia/Riyadh' });
      mailbox.workingHours = { daysOfWeek: [], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: 'UTC' } };
      expect(await readMailboxSettings(client)).toEqual({ mailboxTimeZone: 'Europe/Berlin', mailboxTimeZoneName: 'W. Europe Standard Time', workingHours: undefined, clockStyle: '24h' });
    } finally {
      delete mailbox.workingHours;
    }
  });
});
