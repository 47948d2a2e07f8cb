import { createLogger } from '../../src/log.js';
import { readDeltaPage } from '../../src/graph/calendar-delta.js';
import { createGraphClient, type GraphClientOptions } from '../../src/graph/graph-client.js';
import { GraphAuthError, GraphRequestError, GraphUnavailableError, ThrottledError } from '../../src/graph/graph-errors.js';
import { RequestLimiter } from '../../src/graph/request-limiter.js';
import { fakeAccessToken, startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';

const ANA = 'oid-ana';
const BEN = 'oid-ben';

let graph: FakeGraph;

beforeEach(async () => {
  graph = await startFakeGraph();
  graph.addMailbox({ oid: ANA, upn: 'ana@contoso.example', displayName: 'Ana Lopez', timeZone: 'W. Europe Standard Time' });
  graph.addMailbox({ oid: BEN, upn: 'ben@contoso.example', displayName: 'Ben Okafor', timeZone: 'Pacific Standard Time' });
});

afterEach(async () => {
  await graph.close();
});

function clientFor(oid: string, overrides: Partial<GraphClientOptions> = {}) {
  return createGraphClient({
    graphUrl: graph.url,
    getAccessToken: async () => fakeAccessToken({ oid }),
    logger: createLogger('silent'),
    limiter: new RequestLimiter({ perKey: 4, global: 16 }),
    mailboxKey: `msteams:${oid}`,
    retry: { baseDelayMs: 20, jitterMs: 50 },
    ...overrides,
  });
}

describe('authentication', () => {
  test('sends the token from getAccessToken as a Bearer header', async () => {
    const token = fakeAccessToken({ oid: ANA });
    const me = await clientFor(ANA, { getAccessToken: async () => token }).get<{ id: string }>('/me');
    expect(me.id).toBe(ANA);
    expect(graph.requests[0]!.authorization).toBe(`Bearer ${token}`);
  });

  test('a refused token is asked for again, refreshed, once; refused again it is a GraphAuthError asking the user to reconnect', async () => {
    const asked: ({ forceRefresh?: boolean } | undefined)[] = [];
    const client = clientFor(ANA, {
      getAccessToken: async (options) => {
        asked.push(options);
        return fakeAccessToken({ oid: ANA, expiresInSeconds: -60 });
      },
    });
    const error = await client.get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphAuthError);
    expect(error).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken', kind: 'auth' });
    expect((error as GraphAuthError).userMessage).toMatch(/reconnect/i);
    expect(graph.requestCount()).toBe(2);
    expect(asked).toEqual([undefined, { forceRefresh: true }]);
  });

  test('a token refused once and refreshed goes through', async () => {
    let fresh = false;
    const client = clientFor(ANA, {
      getAccessToken: async (options) => {
        if (options?.forceRefresh) fresh = true;
        return fakeAccessToken({ oid: ANA, expiresInSeconds: fresh ? 3600 : -60 });
      },
    });
    await expect(client.get('/me')).resolves.toMatchObject({ id: ANA });
    expect(graph.requestCount()).toBe(2);
  });

  test('a 403 from Graph is a GraphAuthError too', async () => {
    graph.failNext({ status: 403 });
    await expect(clientFor(ANA).get('/me')).rejects.toMatchObject({ name: 'GraphAuthError', statusCode: 403, code: 'ErrorAccessDenied' });
  });

  test("the token provider's own error reaches the caller unchanged (the token cache's reconnect error, say)", async () => {
    class ReconnectNeeded extends Error {}
    const client = clientFor(ANA, { getAccessToken: async () => Promise.reject(new ReconnectNeeded('invalid_grant')) });
    await expect(client.get('/me')).rejects.toBeInstanceOf(ReconnectNeeded);
    expect(graph.requestCount()).toBe(0);
  });

  test('follows a link only under the configured Graph root: another port of its host was sent the token, another host the request', async () => {
    const elsewhere = await startFakeGraph();
    try {
      elsewhere.addMailbox({ oid: ANA, upn: 'ana@contoso.example', displayName: 'Ana Lopez', timeZone: 'W. Europe Standard Time' });
      const client = clientFor(ANA);
      const links = [
        `${elsewhere.url}/me`,
        `https://127.0.0.1:${elsewhere.port}/v1.0/me`,
        `https://ana:x@localhost:${graph.port}/v1.0/me`,
        `${graph.url.replace('https:', 'http:')}/me`,
        `/me?next=${elsewhere.url}/me`,
      ];
      for (const link of links) await expect(client.get(link)).rejects.toMatchObject({ name: 'GraphRequestError', code: 'LinkOutsideGraphRoot' });
      expect(elsewhere.requestCount()).toBe(0);
      expect(graph.requestCount()).toBe(0);
      // Graph's own links, under the root: followed.
      await expect(client.get(`${graph.url}/me`)).resolves.toMatchObject({ id: ANA });
    } finally {
      await elsewhere.close();
    }
  });

  test('refuses a Graph root other than /v1.0', () => {
    expect(() => clientFor(ANA, { graphUrl: graph.url.replace('/v1.0', '/beta') })).toThrow(/v1\.0/);
  });
});

describe('retries and throttling', () => {
  test('429 with Retry-After: waits at least that long, then succeeds', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 1, oid: ANA });
    const started = Date.now();
    const me = await clientFor(ANA).get<{ id: string }>('/me');
    const elapsed = Date.now() - started;
    expect(me.id).toBe(ANA);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(graph.requests.map((r) => r.status)).toEqual([429, 200]);
    const [first, second] = graph.requests;
    expect(second!.at.getTime() - first!.at.getTime()).toBeGreaterThanOrEqual(1000);
  });

  test('503 and 504 without Retry-After: backoff retries, then succeeds', async () => {
    graph.failNext({ status: 503 });
    graph.failNext({ status: 504 });
    await expect(clientFor(ANA).get('/me')).resolves.toMatchObject({ id: ANA });
    expect(graph.requests.map((r) => r.status)).toEqual([503, 504, 200]);
  });

  test('a GET answered 500 ErrorInternalServerTransientError or 502: retried with backoff, then succeeds; one that stays is GraphUnavailableError', async () => {
    const transient = { status: 500, code: 'ErrorInternalServerTransientError', message: 'An internal server error occurred. Try again later.' } as const;
    graph.failNext(transient);
    graph.failNext({ status: 502 });
    await expect(clientFor(ANA).get('/me')).resolves.toMatchObject({ id: ANA });
    expect(graph.requests.map((r) => r.status)).toEqual([500, 502, 200]);

    graph.resetCounters();
    graph.failNext(transient, 4);
    await expect(clientFor(ANA).get('/me')).rejects.toMatchObject({ name: 'GraphUnavailableError', statusCode: 500, code: 'ErrorInternalServerTransientError' });
    expect(graph.requests.map((r) => r.status)).toEqual([500, 500, 500, 500]);
  });

  test('any other 500 (generalException) is not retried: GraphUnavailableError at once, for the next round', async () => {
    graph.failNext({ status: 500 });
    await expect(clientFor(ANA).get('/me')).rejects.toMatchObject({ name: 'GraphUnavailableError', statusCode: 500, code: 'generalException' });
    expect(graph.requests.map((r) => r.status)).toEqual([500]);
  });

  test('a Retry-After over the threshold is not waited: ThrottledError at once, for the scheduler', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 120 });
    const waits: number[] = [];
    const error = await clientFor(ANA, { sleep: async (ms) => void waits.push(ms) }).get('/me').catch((e: unknown) => e);
    expect(waits).toEqual([]); // no wait in-process, however short
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, statusCode: 429, kind: 'throttled' });
    expect((error as ThrottledError).userMessage).toMatch(/slow down/);
    expect(graph.requestCount()).toBe(1);
  });

  test('a Retry-After written as an HTTP date is waited as the seconds to it: in-process when short, for the scheduler when long', async () => {
    // HTTP dates have whole seconds: the next whole second but one is 1-2 s away.
    const soon = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
    graph.failNext({ status: 429, retryAfter: soon.toUTCString(), oid: ANA });
    const waits: number[] = [];
    const me = await clientFor(ANA, { sleep: async (ms) => void waits.push(ms) }).get<{ id: string }>('/me');
    expect(me.id).toBe(ANA);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(2000 + 1000); // the wait may add jitter, never a minute's fallback

    const later = new Date((Math.floor(Date.now() / 1000) + 120) * 1000);
    graph.failNext({ status: 429, retryAfter: later.toUTCString(), oid: ANA });
    const error = await clientFor(ANA).get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBeGreaterThan(118_000);
    expect((error as ThrottledError).retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  test('the threshold is configurable', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 2 });
    await expect(clientFor(ANA, { retry: { maxWaitMs: 1000 } }).get('/me')).rejects.toMatchObject({ name: 'ThrottledError', retryAfterMs: 2000 });
  });

  test('retries are bounded: after maxRetries the 429 surfaces as ThrottledError with its Retry-After', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 0 }, 5);
    const error = await clientFor(ANA, { retry: { maxRetries: 2 } }).get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(0);
    expect(graph.requestCount()).toBe(3);
  });

  test('429 without Retry-After after the last retry still says when to come back', async () => {
    graph.failNext({ status: 429 }, 5);
    const error = await clientFor(ANA, { retry: { maxRetries: 1, baseDelayMs: 10 } }).get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBeGreaterThan(0);
  });

  test('503 that does not go away is GraphUnavailableError carrying Retry-After', async () => {
    graph.failNext({ status: 503, retryAfterSeconds: 0 }, 5);
    const error = await clientFor(ANA, { retry: { maxRetries: 1 } }).get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(error).toMatchObject({ statusCode: 503, retryAfterMs: 0, kind: 'unavailable' });
    expect(graph.requestCount()).toBe(2);
  });

  test('no server at all is GraphUnavailableError after bounded retries', async () => {
    const url = graph.url;
    await graph.close();
    const error = await clientFor(ANA, { graphUrl: url, retry: { maxRetries: 1, baseDelayMs: 5 } }).get('/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect(error).toMatchObject({ statusCode: -1 });
    graph = await startFakeGraph(); // afterEach closes it
  });

  test('other 4xx are GraphRequestError, not retried', async () => {
    const error = await clientFor(ANA).get('/me/calendarView/delta?startDateTime=2026-11-01T00:00:00Z&endDateTime=2026-12-01T00:00:00Z&$select=subject').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'ErrorInvalidUrlQuery' });
    expect(graph.requestCount()).toBe(1);
  });

  test('a throttled page mid-round is retried with the same link and the Prefer headers', async () => {
    for (let i = 0; i < 6; i++) graph.addEvent(ANA, { subject: `E${i}`, start: `2026-11-1${i}T10:00:00Z`, end: `2026-11-1${i}T11:00:00Z` });
    const client = clientFor(ANA);
    const first = await readDeltaPage(client, { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') }, { pageSize: 4 });
    graph.failNext({ status: 503, retryAfterSeconds: 0 });
    const second = await readDeltaPage(client, first.nextLink!, { pageSize: 4 });
    expect(second.events).toHaveLength(2);
    const [failed, retried] = graph.requests.slice(-2);
    expect(failed!.status).toBe(503);
    expect(retried!.query).toEqual(failed!.query);
    expect(retried!.prefer).toBe('odata.maxpagesize=4, outlook.timezone="UTC"');
  });
});

describe('concurrency limits', () => {
  const WINDOW = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') };

  test('at most 4 requests in flight per mailbox, whatever the caller fires at once', async () => {
    // Held at the fake until the limiter has let all it will through: 4 in flight at once is forced, not timed.
    const hold = graph.holdRequests({ oid: ANA });
    const client = clientFor(ANA, { limiter: new RequestLimiter({ perKey: 4, global: 100 }) });
    const reading = Promise.all(Array.from({ length: 12 }, () => readDeltaPage(client, WINDOW, { pageSize: 10 })));
    await until(() => graph.inFlight(ANA) === 4);
    expect(graph.requestCount(ANA)).toBe(4); // the other 8 wait in the limiter, not at Graph
    hold.release();
    expect(await reading).toHaveLength(12);
    expect(graph.maxInFlight(ANA)).toBe(4);
    expect(graph.requests.every((r) => r.status === 200)).toBe(true);
  });

  test('control: without the limiter the fake sees more than 4 and answers MailboxConcurrency 429s', async () => {
    const hold = graph.holdRequests({ oid: ANA });
    const client = clientFor(ANA, { limiter: new RequestLimiter({ perKey: 100, global: 100 }) });
    const calls = Promise.all(Array.from({ length: 8 }, () => client.get('/me')));
    await until(() => graph.inFlight(ANA) === 8);
    hold.release();
    await calls; // the 429s are retried after their Retry-After
    expect(graph.maxInFlight(ANA)).toBe(8);
    expect(graph.requests.filter((r) => r.status === 429)).toHaveLength(4);
  });

  test('a global cap shared by the clients of several mailboxes', async () => {
    const hold = graph.holdRequests({});
    const limiter = new RequestLimiter({ perKey: 4, global: 3 });
    const ana = clientFor(ANA, { limiter });
    const ben = clientFor(BEN, { limiter });
    const calls = Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? ana : ben).get('/me')));
    await until(() => graph.inFlight(ANA) + graph.inFlight(BEN) === 3);
    expect(graph.requestCount()).toBe(3);
    hold.release();
    await calls;
    expect(graph.maxInFlightTotal()).toBe(3);
    expect(limiter.running()).toBe(0);
  });

  test('one busy mailbox does not hold up another', async () => {
    // Ana's requests get no answer until released: both her slots are taken, four more calls wait behind them.
    const hold = graph.holdRequests({ oid: ANA });
    const limiter = new RequestLimiter({ perKey: 2, global: 10 });
    const ana = clientFor(ANA, { limiter });
    const ben = clientFor(BEN, { limiter });
    let anaDone = false;
    const anaCalls = Promise.all(Array.from({ length: 6 }, () => ana.get('/me'))).then(() => (anaDone = true));
    await until(() => graph.inFlight(ANA) === 2);
    await expect(ben.get('/me')).resolves.toMatchObject({ id: BEN });
    expect(anaDone).toBe(false);
    expect(graph.inFlight(ANA)).toBe(2);
    hold.release();
    await anaCalls;
  });

  test('a retry wait does not hold a limiter slot', async () => {
    const limiter = new RequestLimiter({ perKey: 1, global: 1 });
    graph.failNext({ status: 429, retryAfterSeconds: 1, oid: ANA });
    // Ana's wait out of her Retry-After lasts until the test ends it: Ben's call must get through meanwhile.
    let waiting!: (ms: number) => void;
    const waitStarted = new Promise<number>((resolve) => (waiting = resolve));
    let endWait!: () => void;
    const waitEnds = new Promise<void>((resolve) => (endWait = resolve));
    const ana = clientFor(ANA, { limiter, sleep: (ms) => (waiting(ms), waitEnds) });
    const ben = clientFor(BEN, { limiter });
    let anaDone = false;
    const anaCall = ana.get('/me').then(() => (anaDone = true));
    expect(await waitStarted).toBeGreaterThanOrEqual(1000);
    expect(graph.requests.map((r) => [r.oid, r.status])).toEqual([[ANA, 429]]);
    await expect(ben.get('/me')).resolves.toMatchObject({ id: BEN });
    expect(anaDone).toBe(false);
    endWait();
    await anaCall;
    expect(graph.requests.map((r) => [r.oid, r.status])).toEqual([[ANA, 429], [BEN, 200], [ANA, 200]]);
  });
});

/** Polls `done` until it holds: a state the fake reports, not a duration; fails after 10 s. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !done(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() > deadline) throw new Error('condition never held');
  }
}
