// The fake itself, over plain fetch: the behaviours of Graph that calbot's tests lean on.
import { fakeAccessToken, startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';

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
  let link = '/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z';
  let deltaLink: string | undefined;
  while (!deltaLink) {
    const { body } = await get(link);
    deltaLink = body['@odata.deltaLink'];
    link = body['@odata.nextLink'];
  }
  graph.deleteEvent(OID, id);
  const { body } = await get(deltaLink);
  expect(body.value).toEqual([{ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } }]);
  const lost = await get(`${graph.url}/me/calendarView/delta?$deltatoken=made-up`);
  expect(lost.status).toBe(410);
  expect(lost.body.error.code).toBe('SyncStateNotFound');
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

test('recurring series: occurrences in the series zone keep wall-clock time over a DST change', () => {
  const { occurrenceIds, seriesMasterId } = graph.addRecurringSeries(OID, { subject: 'Weekly', start: '2026-10-19T10:00:00+02:00', end: '2026-10-19T11:00:00+02:00', count: 3, every: 'week', exceptionIndex: -1, cancelledIndex: -1 });
  const starts = occurrenceIds.map((id) => (graph.graphEvent(OID, id) as any).start.dateTime);
  // 10:00 Berlin is 08:00 UTC in summer time and 09:00 UTC after 25 October.
  expect(starts).toEqual(['2026-10-19T08:00:00.0000000', '2026-10-26T09:00:00.0000000', '2026-11-02T09:00:00.0000000']);
  expect(occurrenceIds.every((id) => (graph.graphEvent(OID, id) as any).seriesMasterId === seriesMasterId)).toBe(true);
});
