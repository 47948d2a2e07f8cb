// The fake itself, over plain fetch: the behaviours of Graph that calbot's tests lean on.
import { fakeAccessToken, startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';
import { startFakeIdentity } from '../fakes/identity/fake-identity.js';

const OID = 'oid-ana';
let graph: FakeGraph;
let token: string;

beforeEach(async () => {
  graph = await startFakeGraph();
  graph.addMailbox({ oid: OID, upn: 'ana@contoso.example', displayName: 'Ana Lopez', timeZone: 'W. Europe Standard Time' });
  token = fakeAccessToken({ oid: OID });
});

afterEach(async () => {
  await graph.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(path.startsWith('https:') ? path : `${graph.url}${path}`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** Reads a first delta round of November 2026 to its end: its deltaLink. */
async function firstRoundDeltaLink(): Promise<string> {
  let link = '/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z';
  for (;;) {
    const { body } = await get(link);
    if (body['@odata.deltaLink']) return body['@odata.deltaLink'];
    link = body['@odata.nextLink'];
  }
}

test('serves HTTPS on localhost under /v1.0', () => {
  expect(graph.url).toMatch(/^https:\/\/localhost:\d+\/v1\.0$/);
});

test.each([
  ['no header', undefined],
  ['not a JWT', 'Bearer nonsense'],
  ['expired', `Bearer ${fakeAccessToken({ oid: OID, expiresInSeconds: -1 })}`],
  ['unknown user', `Bearer ${fakeAccessToken({ oid: 'nobody' })}`],
])('401 InvalidAuthenticationToken: %s', async (_name, authorization) => {
  const response = await fetch(`${graph.url}/me`, { headers: authorization ? { Authorization: authorization } : {} });
  expect(response.status).toBe(401);
  expect(((await response.json()) as any).error).toMatchObject({ code: 'InvalidAuthenticationToken', message: expect.any(String) });
});

describe('delegated scopes and audience: a token is refused where Graph would refuse it', () => {
  const WINDOW = 'startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z';
  const MAILBOX_DENIED = { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' };
  const DIRECTORY_DENIED = { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };
  const call = async (path: string, authorization: string) => {
    const response = await fetch(`${graph.url}${path}`, { headers: { Authorization: authorization } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const withScopes = (scopes: string[]) => `Bearer ${fakeAccessToken({ oid: OID, scopes })}`;

  test.each([
    [`/me/calendarView?${WINDOW}`, ['Calendars.Read'], ['Calendars.ReadWrite'], ['User.Read', 'MailboxSettings.ReadWrite'], MAILBOX_DENIED],
    [`/me/calendarView/delta?${WINDOW}`, ['Calendars.Read'], ['calendars.readwrite'], ['User.Read', 'MailboxSettings.ReadWrite'], MAILBOX_DENIED],
    ['/me/mailboxSettings', ['MailboxSettings.Read'], ['MailboxSettings.ReadWrite'], ['User.Read', 'Calendars.ReadWrite'], MAILBOX_DENIED],
    ['/me', ['User.Read'], ['User.ReadWrite'], ['Calendars.ReadWrite', 'MailboxSettings.Read'], DIRECTORY_DENIED],
  ])('%s: %j or %j is enough; %j is a 403 with Graph\'s body', async (path, least, more, other, denied) => {
    expect((await call(path, withScopes(least))).status).toBe(200);
    expect((await call(path, withScopes(more))).status).toBe(200);
    const refused = await call(path, withScopes(other));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject(denied);
    expect((await call(path, withScopes([]))).status).toBe(403);
  });

  test.each([
    ['Graph\'s app ID, as the identity platform mints them', '00000003-0000-0000-c000-000000000000', 200],
    ['Graph\'s resource URI', 'https://graph.microsoft.com', 200],
    ['another API', 'api://calbot-api', 401],
    ['the app itself (an id_token)', '11111111-2222-3333-4444-555555555555', 401],
  ])('audience %s: %s -> %i', async (_name, audience, status) => {
    const answer = await call('/me', `Bearer ${fakeAccessToken({ oid: OID, audience })}`);
    expect(answer.status).toBe(status);
    if (status === 401) expect(answer.body.error).toEqual({ code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.', innerError: expect.any(Object) });
  });

  test("the identity platform's tokens carry the scopes asked for, and only those", async () => {
    const identity = await startFakeIdentity({ clients: [{ clientId: 'client', clientSecret: 'secret', redirectUris: ['https://calbot.example/cb'] }], users: [{ oid: OID, tid: 'tenant', upn: 'ana@contoso.example', name: 'Ana Lopez' }] });
    try {
      const full = `Bearer ${identity.mintAccessToken(OID, { scopes: ['User.Read', 'Calendars.ReadWrite', 'MailboxSettings.Read'] })}`;
      for (const path of ['/me', '/me/mailboxSettings', `/me/calendarView/delta?${WINDOW}`]) expect((await call(path, full)).status).toBe(200);
      const profileOnly = `Bearer ${identity.mintAccessToken(OID, { scopes: ['User.Read'] })}`;
      expect((await call('/me', profileOnly)).status).toBe(200);
      expect((await call(`/me/calendarView/delta?${WINDOW}`, profileOnly)).body.error).toMatchObject(MAILBOX_DENIED);
      expect((await call('/me/mailboxSettings', profileOnly)).status).toBe(403);
    } finally {
      await identity.close();
    }
  });
});

test('Prefer outlook.timezone converts timed events; all-day events keep their own midnight', async () => {
  graph.addEvent(OID, { subject: 'Call', start: '2026-11-26T14:00:00Z', end: '2026-11-26T15:00:00Z' });
  graph.addAllDayEvent(OID, { subject: 'Off', startDate: '2026-11-27', endDate: '2026-11-28' });
  const { body, headers } = await get('/me/calendarView?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z', { Prefer: 'outlook.timezone="Pacific Standard Time"' });
  expect(headers.get('preference-applied')).toBe('outlook.timezone="Pacific Standard Time"');
  expect(body.value.map((e: any) => e.start)).toEqual([
    { dateTime: '2026-11-26T06:00:00.0000000', timeZone: 'Pacific Standard Time' },
    { dateTime: '2026-11-27T00:00:00.0000000', timeZone: 'W. Europe Standard Time' },
  ]);
  const utc = await get('/me/calendarView?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z');
  expect(utc.body.value[0].start).toEqual({ dateTime: '2026-11-26T14:00:00.0000000', timeZone: 'UTC' });
});

test('plain calendarView pages with @odata.nextLink (default page size 10)', async () => {
  for (let i = 0; i < 12; i++) graph.addEvent(OID, { subject: `E${i}`, start: `2026-11-${10 + i}T10:00:00Z`, end: `2026-11-${10 + i}T11:00:00Z` });
  const first = await get('/me/calendarView?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z');
  expect(first.body.value).toHaveLength(10);
  const second = await get(first.body['@odata.nextLink']);
  expect(second.body.value.map((e: any) => e.subject)).toEqual(['E10', 'E11']);
  expect(second.body['@odata.nextLink']).toBeUndefined();
});

test('delta: the first call needs the window, and rejects $select', async () => {
  expect((await get('/me/calendarView/delta')).status).toBe(400);
  const select = await get('/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z&$select=subject');
  expect(select.status).toBe(400);
  expect(select.body.error.code).toBe('ErrorInvalidUrlQuery');
});

test('delta: deletions are @removed stubs; unknown tokens are 410 SyncStateNotFound', async () => {
  const id = graph.addEvent(OID, { subject: 'Gone soon', start: '2026-11-26T14:00:00Z', end: '2026-11-26T15:00:00Z' });
  const deltaLink = await firstRoundDeltaLink();
  graph.deleteEvent(OID, id);
  const { body } = await get(deltaLink);
  expect(body.value).toEqual([{ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } }]);
  const lost = await get(`${graph.url}/me/calendarView/delta?$deltatoken=made-up`);
  expect(lost.status).toBe(410);
  expect(lost.body.error.code).toBe('SyncStateNotFound');
});

test('an event moved out of the window is "@removed" in delta, and GET /me/events/{id} tells where it went; a deleted one is a 404', async () => {
  const moved = graph.addEvent(OID, { subject: 'Offsite', start: '2026-11-26T09:00:00Z', end: '2026-11-26T17:00:00Z' });
  const deleted = graph.addEvent(OID, { subject: 'Coffee', start: '2026-11-27T09:00:00Z', end: '2026-11-27T09:30:00Z' });
  const deltaLink = await firstRoundDeltaLink();
  graph.updateEvent(OID, moved, { start: '2027-03-01T09:00:00Z', end: '2027-03-01T17:00:00Z' });
  graph.deleteEvent(OID, deleted);
  const { body } = await get(deltaLink);
  const removed = (id: string) => ({ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } });
  expect(body.value).toEqual(expect.arrayContaining([removed(moved), removed(deleted)]));
  expect(body.value).toHaveLength(2);

  const now = await get(`/me/events/${encodeURIComponent(moved)}`, { Prefer: 'outlook.timezone="UTC"' });
  expect(now.status).toBe(200);
  expect(now.body).toMatchObject({ id: moved, subject: 'Offsite', start: { dateTime: '2027-03-01T09:00:00.0000000', timeZone: 'UTC' } });
  const gone = await get(`/me/events/${encodeURIComponent(deleted)}`);
  expect(gone.status).toBe(404);
  expect(gone.body.error.code).toBe('ErrorItemNotFound');
  // A read of one event needs a calendar scope, as the calendar view does.
  const unscoped = await fetch(`${graph.url}/me/events/${encodeURIComponent(moved)}`, { headers: { Authorization: `Bearer ${fakeAccessToken({ oid: OID, scopes: ['User.Read'] })}` } });
  expect(unscoped.status).toBe(403);
});

test('faults: a resource ending in "/" is everything under it (every event read), and nothing else', async () => {
  const id = graph.addEvent(OID, { subject: 'Retro', start: '2026-11-26T14:00:00Z', end: '2026-11-26T15:00:00Z' });
  graph.failNext({ status: 503, oid: OID, resource: '/me/events/' });
  expect((await get('/me')).status).toBe(200);
  expect((await get(`/me/events/${encodeURIComponent(id)}`)).status).toBe(503);
  expect((await get(`/me/events/${encodeURIComponent(id)}`)).status).toBe(200);
});

test('faults: 429 with Retry-After for one mailbox, counters per mailbox', async () => {
  graph.failNext({ status: 429, retryAfterSeconds: 7, oid: OID });
  const throttled = await get('/me');
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('retry-after')).toBe('7');
  expect(throttled.body.error.code).toBe('ApplicationThrottled');
  expect((await get('/me')).status).toBe(200);
  expect(graph.requestCount(OID)).toBe(2);
  expect(graph.maxInFlight(OID)).toBe(1);
});

test('faults: `after` lets that many matching requests through first; a 403 comes with the body Graph sends', async () => {
  graph.failNext({ status: 403, oid: OID, resource: '/me/mailboxSettings', after: 2 }, 2);
  for (let i = 0; i < 2; i++) expect((await get('/me/mailboxSettings')).status).toBe(200);
  expect((await get('/me')).status).toBe(200); // another resource: not counted
  for (let i = 0; i < 2; i++) {
    const denied = await get('/me/mailboxSettings');
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
  }
  expect((await get('/me/mailboxSettings')).status).toBe(200);
});

test.each([
  ['none', 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.'],
  ['onPremises', 'MailboxNotSupportedForRESTAPI', 'REST API is not yet supported for this mailbox.'],
] as const)('no Exchange Online mailbox (%s): /me answers, the mailbox\'s resources are a 404 %s', async (exchange, code, message) => {
  graph.setExchange(OID, exchange);
  expect((await get('/me')).status).toBe(200);
  for (const path of ['/me/mailboxSettings', '/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z']) {
    const answer = await get(path);
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code, message });
  }
  graph.setExchange(OID, 'online'); // a licence assigned
  expect((await get('/me/mailboxSettings')).status).toBe(200);
});

test('recurring series: occurrences in the series zone keep wall-clock time over a DST change', () => {
  const { occurrenceIds, seriesMasterId } = graph.addRecurringSeries(OID, { subject: 'Weekly', start: '2026-10-19T10:00:00+02:00', end: '2026-10-19T11:00:00+02:00', count: 3, every: 'week', exceptionIndex: -1, cancelledIndex: -1 });
  const starts = occurrenceIds.map((id) => (graph.graphEvent(OID, id) as any).start.dateTime);
  // 10:00 Berlin is 08:00 UTC in summer time and 09:00 UTC after 25 October.
  expect(starts).toEqual(['2026-10-19T08:00:00.0000000', '2026-10-26T09:00:00.0000000', '2026-11-02T09:00:00.0000000']);
  expect(occurrenceIds.every((id) => (graph.graphEvent(OID, id) as any).seriesMasterId === seriesMasterId)).toBe(true);
});
