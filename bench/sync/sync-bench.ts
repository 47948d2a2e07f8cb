// Sync engine benchmark (not a test): prints a table. Run with `node bench/run.mjs sync`.
// The fake Graph stands in for Microsoft; the database is the one bench/run.mjs started (or MONGODB_URI).
import { randomBytes } from 'node:crypto';
import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import { createLogger } from '../../src/log.js';
import { createGraphClient, type GraphClient } from '../../src/graph/graph-client.js';
import { RequestLimiter } from '../../src/graph/request-limiter.js';
import { collections, ensureIndexes, type Collections, type EventDoc } from '../../src/store/collections.js';
import { syncCalendar, type SyncEngineDeps } from '../../src/sync/sync-engine.js';
import { toEventDoc } from '../../src/sync/event-mapping.js';
import { syncWindow } from '../../src/sync/sync-window.js';
import { fakeAccessToken, startFakeGraph, type FakeGraph } from '../../test/fakes/graph/fake-graph.js';

const uri = process.env.CALBOT_BENCH_MONGODB_URI!;
const databaseLabel = process.env.CALBOT_BENCH_DATABASE ?? uri;
const logger = createLogger('silent');
const DAY = 86_400_000;
const CALENDAR_SIZE = Number(process.env.BENCH_CALENDAR_EVENTS ?? 10_000);
const FLEET_USERS = Number(process.env.BENCH_FLEET_USERS ?? 1_000);
const FLEET_EVENTS = Number(process.env.BENCH_FLEET_EVENTS ?? 20);
/** Initial-sync runs per page size (each on a fresh database and mailbox, floor measured beside it): one run on a shared 2-core machine is noise. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DEFAULTS = { windowPastDays: 7, windowFutureDays: 180, pageSize: 100, maxRequestsPerMailbox: 4, maxRequestsInFlight: 16 };

interface Row {
  scenario: string;
  wallMs: number;
  requests: number;
  writes: number;
  eventWrites?: number;
  note?: string;
}
const rows: Row[] = [];
const breakdowns: string[] = [];
const ratios = new Map<number, number[]>([[100, []], [1000, []]]);

/** Write commands the driver sent (insert/update/delete/findAndModify), by counting command-started events. */
function writeCounter(store: Store) {
  let writes = 0;
  let writeOps = 0;
  let eventWrites = 0;
  store.client.on('commandStarted', (event: CommandStartedEvent) => {
    const name = event.commandName;
    if (name === 'insert' || name === 'update' || name === 'delete' || name === 'findAndModify') {
      writes++;
      const command = event.command as { documents?: unknown[]; updates?: unknown[]; deletes?: unknown[]; [name: string]: unknown };
      if (command[name] === 'events') eventWrites++;
      writeOps += command.documents?.length ?? command.updates?.length ?? command.deletes?.length ?? 1;
    }
  });
  // Time the database spent per collection and command (commandSucceeded durations), for the breakdown line.
  const startedAt = new Map<number, { key: string; at: number }>();
  let dbMs = new Map<string, number>();
  store.client.on('commandStarted', (event: CommandStartedEvent) => {
    const target = (event.command as Record<string, unknown>)[event.commandName];
    startedAt.set(event.requestId, { key: `${event.commandName}${typeof target === 'string' ? ` ${target}` : ''}`, at: performance.now() });
  });
  store.client.on('commandSucceeded', (event) => {
    const started = startedAt.get(event.requestId);
    if (!started) return;
    startedAt.delete(event.requestId);
    dbMs.set(started.key, (dbMs.get(started.key) ?? 0) + performance.now() - started.at);
  });
  return {
    snapshot: () => ({ writes, writeOps, eventWrites }),
    /** Database time by command since the last call, largest first. */
    takeDbTime: () => {
      const taken = [...dbMs].sort((a, b) => b[1] - a[1]);
      dbMs = new Map();
      return taken.map(([key, ms]) => `${key} ${ms.toFixed(0)}`).join(', ');
    },
  };
}

interface Store {
  client: MongoClient;
  db: Db;
  collections: Collections;
  close(): Promise<void>;
}

async function openDatabase(name: string): Promise<Store> {
  // calbot's driver set-up plus command monitoring, to count the writes.
  const client = await MongoClient.connect(uri, { monitorCommands: true, appName: 'calbot-bench' });
  const db = client.db(`bench_${name}_${randomBytes(3).toString('hex')}`);
  await ensureIndexes(db);
  return { client, db, collections: collections(db), close: () => client.close() };
}

/** The account a round works for (a round for a user with none stops at once, as after a disconnect). */
async function linkAccounts(store: Store, oids: Map<string, string>): Promise<void> {
  const now = new Date();
  await store.collections.accounts.insertMany([...oids].map(([userKey, oid]) => ({ _id: userKey, homeAccountId: oid, username: `${oid}@contoso.example`, displayName: oid, tenantId: 'bench', status: 'connected' as const, connectedAt: now, updatedAt: now })));
}

function graphClientFor(graph: FakeGraph, limiter: RequestLimiter, oid: string, userKey: string): GraphClient {
  const token = fakeAccessToken({ oid });
  return createGraphClient({ graphUrl: graph.url, getAccessToken: async () => token, logger, limiter, mailboxKey: userKey });
}

function seedMailbox(graph: FakeGraph, oid: string, count: number): void {
  graph.addMailbox({ oid, upn: `${oid}@contoso.example`, displayName: oid, timeZone: 'W. Europe Standard Time' });
  const today = Math.floor(Date.now() / DAY) * DAY;
  for (let i = 0; i < count; i++) {
    // Spread over the window: -6 .. +179 days, 30-minute meetings at varied hours.
    const start = today + ((i % 186) - 6) * DAY + (7 + (i % 11)) * 3_600_000 + (i % 2) * 1_800_000;
    graph.addEvent(oid, { subject: `Meeting ${i}`, start: new Date(start).toISOString(), end: new Date(start + 1_800_000).toISOString(), location: i % 3 === 0 ? 'Room 1' : undefined });
  }
}

function engine(store: Store, graph: FakeGraph, limiter: RequestLimiter, oids: Map<string, string>, pageSize: number): SyncEngineDeps {
  return {
    collections: store.collections,
    graphFor: (userKey) => graphClientFor(graph, limiter, oids.get(userKey)!, userKey),
    config: { sync: { ...DEFAULTS, pageSize } },
    logger,
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/** The same pages with plain fetch, then one raw insertMany of the same documents: what the round cannot beat. */
async function floor(graph: FakeGraph, store: Store, oid: string, userKey: string, pageSize: number): Promise<{ ms: number; requests: number }> {
  const window = syncWindow(new Date(), DEFAULTS.windowPastDays, DEFAULTS.windowFutureDays);
  const token = fakeAccessToken({ oid });
  const collection = store.db.collection<EventDoc>(`floor_${pageSize}`);
  const { ms, value } = await timed(async () => {
    let url: string | undefined = `${graph.url}/me/calendarView/delta?startDateTime=${window.start.toISOString()}&endDateTime=${window.end.toISOString()}`;
    const docs: EventDoc[] = [];
    let requests = 0;
    const now = new Date();
    while (url) {
      requests++;
      const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Prefer: `odata.maxpagesize=${pageSize}, outlook.timezone="UTC"` } });
      const body = (await response.json()) as { value: never[]; '@odata.nextLink'?: string };
      for (const event of body.value) docs.push(toEventDoc(userKey, event, now));
      url = body['@odata.nextLink'];
    }
    await collection.insertMany(docs, { ordered: false });
    return requests;
  });
  await collection.drop();
  return { ms, requests: value };
}

async function initialSync(graph: FakeGraph, pageSize: number, run: number): Promise<void> {
  const store = await openDatabase(`initial${pageSize}_${run}`);
  const writes = writeCounter(store);
  try {
    const limiter = new RequestLimiter({ perKey: DEFAULTS.maxRequestsPerMailbox, global: DEFAULTS.maxRequestsInFlight });
    const oid = `big-${pageSize}-${run}`;
    const userKey = `bench:${oid}`;
    seedMailbox(graph, oid, CALENDAR_SIZE);
    await linkAccounts(store, new Map([[userKey, oid]]));
    const deps = engine(store, graph, limiter, new Map([[userKey, oid]]), pageSize);

    const floorRun = await floor(graph, store, oid, userKey, pageSize);
    rows.push({ scenario: `floor: fetch + 1 insertMany, page ${pageSize} (run ${run})`, wallMs: floorRun.ms, requests: floorRun.requests, writes: 1, note: `${CALENDAR_SIZE} events` });

    const before = writes.snapshot();
    writes.takeDbTime();
    const { ms, value } = await timed(() => syncCalendar(deps, userKey));
    breakdowns.push(`initial sync, page ${pageSize} (run ${run}): database ms by command: ${writes.takeDbTime()}`);
    const after = writes.snapshot();
    const stored = await store.collections.events.countDocuments({ userKey });
    ratios.get(pageSize)!.push(ms / floorRun.ms);
    rows.push({ scenario: `initial sync, page ${pageSize} (run ${run})`, wallMs: ms, requests: value.requests, writes: after.writes - before.writes, eventWrites: after.eventWrites - before.eventWrites, note: `${stored} stored, ${(ms / floorRun.ms).toFixed(2)}x floor` });

    const idleBefore = writes.snapshot();
    const graphBefore = graph.requestCount(oid);
    const idle = await timed(() => syncCalendar(deps, userKey));
    const idleAfter = writes.snapshot();
    rows.push({ scenario: `idle incremental, page ${pageSize} (run ${run})`, wallMs: idle.ms, requests: graph.requestCount(oid) - graphBefore, writes: idleAfter.writes - idleBefore.writes, eventWrites: idleAfter.eventWrites - idleBefore.eventWrites, note: 'target: 1 request, 0 event writes' });
  } finally {
    await store.db.dropDatabase().catch(() => undefined);
    await store.close();
  }
}

async function fleet(graph: FakeGraph): Promise<void> {
  const store = await openDatabase('fleet');
  const writes = writeCounter(store);
  try {
    const limiter = new RequestLimiter({ perKey: DEFAULTS.maxRequestsPerMailbox, global: DEFAULTS.maxRequestsInFlight });
    const oids = new Map<string, string>();
    for (let i = 0; i < FLEET_USERS; i++) {
      const oid = `fleet-${i}`;
      seedMailbox(graph, oid, FLEET_EVENTS);
      oids.set(`bench:${oid}`, oid);
    }
    await linkAccounts(store, oids);
    const deps = engine(store, graph, limiter, oids, DEFAULTS.pageSize);
    const users = [...oids.keys()];
    // Agenda runs up to GRAPH_MAX_REQUESTS_IN_FLIGHT sync jobs per process: the same pool here.
    const pool = async (work: (userKey: string) => Promise<unknown>) => {
      let next = 0;
      await Promise.all(Array.from({ length: DEFAULTS.maxRequestsInFlight }, async () => {
        while (next < users.length) await work(users[next++]!);
      }));
    };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

    const initialBefore = writes.snapshot();
    const initialRequests = graph.requestCount();
    const initial = await timed(() => pool((userKey) => syncCalendar(deps, userKey)));
    rows.push({ scenario: `fleet: ${FLEET_USERS} users first sync`, wallMs: initial.ms, requests: graph.requestCount() - initialRequests, writes: writes.snapshot().writes - initialBefore.writes, note: `${FLEET_EVENTS} events each` });

    // One user in ten has one change since.
    let changed = 0;
    for (const [, oid] of oids) {
      if (changed++ % 10 !== 0) continue;
      const id = graph.calendar.mailbox(oid).events.keys().next().value!;
      graph.updateEvent(oid, id, { subject: 'Moved on' });
    }
    peakRss = process.memoryUsage().rss;
    const before = writes.snapshot();
    const requests = graph.requestCount();
    const round = await timed(() => pool((userKey) => syncCalendar(deps, userKey)));
    clearInterval(sampler);
    rows.push({
      scenario: `fleet: ${FLEET_USERS} users incremental`,
      wallMs: round.ms,
      requests: graph.requestCount() - requests,
      writes: writes.snapshot().writes - before.writes,
      eventWrites: writes.snapshot().eventWrites - before.eventWrites,
      note: `10% changed; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    });
  } finally {
    await store.db.dropDatabase().catch(() => undefined);
    await store.close();
  }
}

const graph = await startFakeGraph({ trailingEmptyPage: true });
try {
  for (const pageSize of [100, 1000]) for (let run = 1; run <= RUNS; run++) await initialSync(graph, pageSize, run);
  await fleet(graph);
} finally {
  await graph.close();
}

const header = `sync benchmark: database ${databaseLabel}; node ${process.version}; writes = write commands sent by the driver (insert/update/delete/findAndModify, sync state included)`;
console.log(header);
const table = [['scenario', 'wall ms', 'Graph requests', 'DB write cmds', 'of which events', 'note'], ...rows.map((r) => [r.scenario, r.wallMs.toFixed(0), String(r.requests), String(r.writes), r.eventWrites === undefined ? '' : String(r.eventWrites), r.note ?? ''])];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const [index, row] of table.entries()) {
  console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
  if (index === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
}
for (const [pageSize, values] of ratios) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(`initial sync, page ${pageSize}: median ${median.toFixed(2)}x floor over ${sorted.length} runs (${sorted.map((v) => v.toFixed(2)).join(', ')}); target 1.5x: ${median <= 1.5 ? 'MET' : 'NOT MET'}`);
}
for (const line of breakdowns) console.log(line);
process.exit(0);
