// `node --import tsx bench/chat/ask.bench.ts [--users 1000] [--events 500] [--concurrency 200] [--think-ms 1000] [--sequential 0]
//  [--requests 2000] [--warmup 400] [--pool-size 16] [--rounds 5] [--pg-id-gin] [--pg-userkey-gin] [--cpu-profile FILE] [--tail N]` (starts its own FerretDB-on-PostgreSQL), or
// with the defaults through the shared runner: `BENCH_DATABASE=postgresql node bench/run.mjs chat` (chat-bench.ts).
//
// "what's on today" under load: N simulated Teams users ask through /api/messages of a real calbot (restify +
// botbuilder + the ask command + card rendering + the reply POSTed to a Bot Connector stand-in), against users ×
// events EventDocs and the calendarDays the sync engine files them under. Beside it, in the same run and on the same
// database, the floor: a bare restify route doing the same MongoDB reads calbot does for the question (the user's
// calendarDays for the same dates, by _id); and, as reading aids only, a bare route making every read calbot's turn
// makes (the chat user, which carries the answer context, and the days), and one making those reads and then the
// reply POST every Bot Framework bot makes, so calbot's own code is calbot minus that row. Two load models, each for
// the floor, the aids and calbot:
// - users: each of N users asks, waits for the answer, thinks for an exponential time (mean --think-ms), asks again;
// - saturation: N clients in a closed loop with no think time. That measures capacity, not latency: at saturation
//   latency ≈ N / throughput whatever the server does.
// Server-side time is taken in-process, from the HTTP request event to the response's 'finish'; client-side time by
// the load generator. The load generator and the connector stand-in run in worker threads so they do not share
// calbot's event loop.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import diagnostics from 'node:diagnostics_channel';
import { Worker } from 'node:worker_threads';
import type { MongoClient } from 'mongodb';
import { pino } from 'pino';
import restify from 'restify';
import type { Server as HttpServer } from 'node:http';
import { startCalbot } from '../../src/app.js';
import { DateTime } from 'luxon';
import { datesToRead } from '../../src/chat/schedule-query.js';
import { rememberChatUser } from '../../src/chat/chat-users.js';
import { copyAnswerContext } from '../../src/store/answer-context.js';
import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { calendarDayId, chatUserKey, ensureIndexes, type CalendarDayDoc, type EventDoc } from '../../src/store/collections.js';
import { connectStore } from '../../src/store/database.js';
import { DAYS_VERSION, eventsOnDates, fileByDate } from '../../src/sync/calendar-days.js';
import { syncWindow } from '../../src/sync/sync-window.js';
import { startBenchDatabase } from '../support/bench-database.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    events: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '200' },
    // Mean think time of a simulated user between an answer and their next question (exponential). One question a
    // second per user is far busier than people in chat; it keeps the offered load (N / think) at 200/s. A
    // comma-separated list measures each in the same run (e.g. 1000,4000,10000), then saturation.
    'think-ms': { type: 'string', default: '1000' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '400' },
    // Before calendarDays: FerretDB 1.24 pushed the events query's `userKey` equality to PostgreSQL as
    // `_jsonb->'userKey' @> '"k"'`, which its btree index cannot serve. This adds the GIN index that can; it only
    // matters to the events-collection fallback now, and is kept to compare.
    'pg-userkey-gin': { type: 'boolean', default: false },
    // FerretDB 1.24 on PostgreSQL filters `_id` as `_jsonb->'_id' @> '"id"'` too, which the unique btree index it
    // builds on `_jsonb->'_id'` cannot serve: every point read scans its whole collection. For comparison only (not
    // calbot's own indexes): a GIN jsonb_path_ops index on `_jsonb->'_id'` of every seeded collection, which can.
    'pg-id-gin': { type: 'boolean', default: false },
    // Driver connections to the database (MONGODB_URI's maxPoolSize). FerretDB 1.24 on PostgreSQL stalls with
    // many concurrent findAndModify upserts (every turn's rememberChatUser), so the default is a small pool.
    'pool-size': { type: 'string', default: '16' },
    // Then this many questions one at a time to each route (0: skip): server time with no queueing, and calbot's
    // split around its reply POST (before it: reads, question, card; the POST; after it).
    sequential: { type: 'string', default: '0' },
    // Each think-time model measures the routes in turn, this many times over (REQUESTS / ROUNDS questions a turn).
    rounds: { type: 'string', default: '5' },
    // With --sequential: a V8 CPU profile of calbot's one-at-a-time phase only (the main thread: calbot, not the
    // load generator or the connector stand-in), written to this file, and one of the "reads + reply POST" aid's
    // beside it (FILE with .reads-reply.cpuprofile): what calbot does beyond that is the difference.
    'cpu-profile': { type: 'string' },
    // After each think-time model, the N slowest timed questions of calbot and of the floor, each beside what
    // overlapped it: V8's GC pauses in this process and database commands slower than TAIL_COMMAND_MS (the driver's
    // command monitoring, switched on for this). Where a p99 comes from, not a figure of its own.
    tail: { type: 'string', default: '0' },
  },
});
const USERS = Number(args.users);
const EVENTS_PER_USER = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const SEQUENTIAL = Number(args.sequential);
const ROUNDS = Number(args.rounds);
const TAIL = Number(args.tail);
const TAIL_COMMAND_MS = 5;
if (!(ROUNDS >= 1 && ROUNDS <= REQUESTS)) throw new Error('--rounds: between 1 and --requests');
if (!Number.isInteger(TAIL) || TAIL < 0) throw new Error('--tail: a whole number of questions (0: off)');
const THINK_MS = args['think-ms'].split(',').map(Number);
if (THINK_MS.some((ms) => !(ms > 0))) throw new Error('--think-ms: positive milliseconds, comma-separated');
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'];
const DAY_MS = 24 * 60 * 60 * 1000;

const teamsId = (i: number) => `29:bench-user-${i}`;
const userKey = (i: number) => chatUserKey('msteams', teamsId(i));

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Frances', 'Donald', 'Radia', 'Ken', 'Margaret', 'Linus', 'Sophie'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Allen', 'Knuth', 'Perlman', 'Thompson', 'Hamilton', 'Torvalds', 'Wilson'];

/** A realistic month around today: ~8 meetings a working day in office hours (2-13 people each, most 2-5), some all-day events, a few cancelled. */
function eventsFor(user: number, today: number): EventDoc[] {
  const key = userKey(user);
  const docs: EventDoc[] = [];
  let seed = user * 7919 + 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const allDay = Math.max(1, Math.round(EVENTS_PER_USER * 0.04));
  for (let n = 0; n < EVENTS_PER_USER; n++) {
    const eventId = `ev-${user}-${n}`;
    const base = { _id: `${key}|${eventId}`, userKey: key, eventId, type: 'occurrence' as const, updatedAt: new Date(), seenInRound: 1 };
    if (n < allDay) {
      const day = today + Math.floor(random() * 60 - 20) * DAY_MS;
      const startDate = new Date(day).toISOString().slice(0, 10);
      const endDate = new Date(day + DAY_MS).toISOString().slice(0, 10);
      docs.push({ ...base, subject: `Out of office ${n}`, isAllDay: true, startDate, endDate, start: new Date(day), end: new Date(day + DAY_MS), showAs: 'oof', isCancelled: false });
      continue;
    }
    // Eight a day over ~60 days, starting 20 days back: today always has a full day of meetings.
    const dayOffset = Math.floor((n - allDay) / 8) - 20;
    const start = today + dayOffset * DAY_MS + (7 + Math.floor(random() * 20) / 2) * 3600_000;
    const minutes = [30, 30, 45, 60, 60, 90][Math.floor(random() * 6)]!;
    docs.push({
      ...base,
      subject: `Meeting ${n} with team ${user % 37}`,
      start: new Date(start),
      end: new Date(start + minutes * 60_000),
      isAllDay: false,
      location: random() < 0.5 ? `Room ${Math.floor(random() * 40)}` : undefined as never,
      joinUrl: random() < 0.6 ? `https://teams.microsoft.com/l/meetup-join/${user}-${n}` : undefined as never,
      showAs: random() < 0.1 ? 'tentative' : 'busy',
      responseStatus: random() < 0.05 ? 'declined' : 'accepted',
      isCancelled: random() < 0.03,
      // The organizer and attendees as the sync engine stores them (display name and the address's local part).
      people: Array.from({ length: 2 + Math.floor(random() * random() * 12) }, () => {
        const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]!;
        const last = LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]!;
        return `${first} ${last}`;
      }),
    });
  }
  return docs.map((doc) => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as unknown as EventDoc);
}

// ---- workers --------------------------------------------------------------------------------------------------

/** The Bot Connector stand-in: answers every reply POST like the real service and counts them. */
const CONNECTOR_WORKER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
let received = 0; let withCard = 0; let sample;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    // The reading aid's replies (conversation "aid-...") are answered the same way but not counted as calbot's.
    if (!req.url.includes('/conversations/aid-')) {
      received++;
      if (body.includes('application/vnd.microsoft.card.adaptive')) withCard++;
    }
    if (!sample && body.includes('application/vnd.microsoft.card.adaptive')) sample = body;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: String(received) }));
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'stats') parentPort.postMessage({ received, withCard, sample }); if (m === 'close') server.close(() => process.exit(0)); });
`;

/**
 * The load generator: `concurrency` simulated users, each POSTing and timing one request after another, with an
 * exponential think time of mean `thinkMs` before each (0: a closed loop at saturation). The first think is drawn
 * from the same distribution, so arrivals are already steady from the start (exponential is memoryless).
 */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { setTimeout: sleep } = require('node:timers/promises');
const { url, bodies, concurrency, count, thinkMs } = workerData;
const latencies = new Float64Array(count);
let next = 0; let done = 0; let failures = 0; let firstFailure; let lastDone = 0;
// Users still thinking when the last answer is in are woken and sent home, rather than waited for.
const finished = new AbortController();
// Every thinking user waits on this one signal: 200 listeners are expected, not a leak.
require('node:events').setMaxListeners(0, finished.signal);
async function loop(user) {
  for (;;) {
    if (thinkMs > 0) {
      try { await sleep(-Math.log(1 - Math.random()) * thinkMs, undefined, { signal: finished.signal }); } catch { return; }
    }
    const i = next++;
    if (i >= count) return;
    // A simulated user is one person: with think time, user u always asks as stored user u × (users / concurrency).
    const body = thinkMs > 0 ? bodies[(user * Math.max(1, Math.floor(bodies.length / concurrency))) % bodies.length] : bodies[i % bodies.length];
    const t0 = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      if (res.status >= 300) { failures++; firstFailure ??= 'HTTP ' + res.status; }
    } catch (e) { failures++; firstFailure ??= String(e); }
    lastDone = performance.now();
    latencies[i] = lastDone - t0;
    if (++done === count) finished.abort();
  }
}
// Started, then told to go: the worker's own start-up is over before the first question is timed.
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const started = performance.now();
  Promise.all(Array.from({ length: concurrency }, (_, user) => loop(user))).then(() => {
    // Up to the last answer: users still thinking when the count ran out would otherwise add seconds of idle time.
    parentPort.postMessage({ latencies, wallMs: lastDone - started, failures, firstFailure });
  });
});
`;

interface LoadResult {
  latencies: Float64Array;
  wallMs: number;
  failures: number;
  firstFailure?: string;
}

/** `onStart` runs when the load generator has started and is about to send its first question (start timers there). */
function runLoad(url: string, bodies: string[], count: number, thinkMs: number, concurrency = CONCURRENCY, onStart?: () => void): Promise<LoadResult> {
  return new Promise((done, fail) => {
    const worker = new Worker(CLIENT_WORKER, { eval: true, workerData: { url, bodies, concurrency, count, thinkMs } });
    worker.once('message', () => {
      onStart?.();
      worker.once('message', (result: LoadResult) => {
        void worker.terminate();
        done(result);
      });
      worker.postMessage('go');
    });
    worker.once('error', fail);
  });
}

/** A question's server time (ms) and when it began (performance.now(), the clock GC entries use). */
interface Span {
  at: number;
  ms: number;
}

/** Server-side time of each request on `server`: from the 'request' event to the response's 'finish'. */
function serverTimer(server: HttpServer) {
  let spans: Span[] = [];
  let recording = false;
  server.prependListener('request', (_req, res) => {
    const at = performance.now();
    res.once('finish', () => {
      if (recording) spans.push({ at, ms: performance.now() - at });
    });
  });
  return {
    start() {
      spans = [];
      recording = true;
    },
    /** The server times since start(); `spans` has them with their start times. */
    stop() {
      recording = false;
      return spans.map((span) => span.ms);
    },
    get spans(): readonly Span[] {
      return spans;
    },
  };
}

/** Runs `phase` under the V8 profiler when `file` is set, and writes the profile there (open it in Chrome DevTools). */
async function profiled<T>(file: string | undefined, phase: () => Promise<T>): Promise<T> {
  if (!file) return phase();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: object };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    progress(`CPU profile: ${file}`);
  }
}

interface CpuPerQuestion {
  node: number;
  others: number;
  steal: number;
}

/** CPU time so far, in ms: this process (all threads), the whole machine busy (/proc/stat), and steal time. */
function cpuNow(): { node: number; machine: number; steal: number } {
  const { user, system } = process.cpuUsage();
  // cpu  user nice system idle iowait irq softirq steal ... (in USER_HZ, 100 a second on Linux)
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [usr = 0, nice = 0, sys = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { node: (user + system) / 1000, machine: (usr + nice + sys + irq + softirq) * 10, steal: steal * 10 };
}

function cpuPerQuestion(before: ReturnType<typeof cpuNow>, after: ReturnType<typeof cpuNow>, count: number): CpuPerQuestion {
  const node = after.node - before.node;
  return { node: node / count, others: Math.max(0, after.machine - before.machine - node) / count, steal: (after.steal - before.steal) / count };
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * For --tail: V8's GC pauses in this process, and database commands slower than TAIL_COMMAND_MS on `client`
 * (which must have been opened with monitorCommands), each with when it began.
 */
function watchTail(client: MongoClient) {
  const pauses: (Span & { kind: string })[] = [];
  const commands: (Span & { name: string })[] = [];
  const gcKinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak callbacks' };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ at: entry.startTime, ms: entry.duration, kind: gcKinds[(entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'gc' });
  });
  observer.observe({ entryTypes: ['gc'] });
  const started = new Map<number, { at: number; name: string }>();
  client.on('commandStarted', (event) => started.set(event.requestId, { at: performance.now(), name: `${event.commandName} ${String(event.command[event.commandName])}` }));
  const finished = (event: { requestId: number }) => {
    const command = started.get(event.requestId);
    if (!command) return;
    started.delete(event.requestId);
    const ms = performance.now() - command.at;
    if (ms >= TAIL_COMMAND_MS) commands.push({ ...command, ms });
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);
  const overlapping = <T extends Span>(spans: readonly T[], span: Span) => spans.filter((other) => other !== span && other.at < span.at + span.ms && other.at + other.ms > span.at);
  return {
    stop: () => observer.disconnect(),
    /** Table rows: the `count` slowest of `spans`, each with the GC pauses and slow commands that overlapped it. */
    rows(label: string, spans: readonly Span[], count: number): string[] {
      return [...spans]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, count)
        .map((span) => {
          const gc = overlapping(pauses, span).map((pause) => `${pause.kind} ${pause.ms.toFixed(1)}`);
          const slow = overlapping(commands, span).sort((a, b) => b.ms - a.ms);
          const named = slow.slice(0, 4).map((command) => `${command.name} ${command.ms.toFixed(1)}`);
          if (slow.length > 4) named.push(`${slow.length - 4} more`);
          return `| ${label.padEnd(6)} | ${span.ms.toFixed(1).padStart(9)} | ${String(overlapping(spans, span).length).padStart(9)} | ${(gc.join(', ') || '-').padEnd(24)} | ${named.join(', ') || '-'} |`;
        });
    },
  };
}

function summarize(values: ArrayLike<number>) {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

// ---- main -----------------------------------------------------------------------------------------------------

const progress = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const database = await startBenchDatabase();
progress(`database up: ${database.description}`);
const dataDir = mkdtempSync(join(tmpdir(), 'calbot-bench-'));
const logger = createLogger('silent');
const poolSize = Number(args['pool-size']);
const storeUri = `${database.uri}${database.uri.includes('?') ? '&' : '?'}maxPoolSize=${poolSize}${TAIL > 0 ? '&monitorCommands=true' : ''}`;
const store = await connectStore(storeUri, logger, undefined, 'calbot_bench');
const tail = TAIL > 0 ? watchTail(store.client) : undefined;
const stops: (() => Promise<unknown>)[] = [];
try {
  const { collections } = store;
  await store.db.dropDatabase();
  await ensureIndexes(store.db);

  // -- seed ------------------------------------------------------------------------------------------------------
  const now = Date.now();
  const today = now - (now % DAY_MS);
  // A window covering the seeded month (20 days back, 40 ahead), as a round with SYNC_WINDOW_PAST_DAYS=21 leaves it.
  const window = syncWindow(new Date(now), 21, 180);
  const seedStarted = performance.now();
  const BATCH = 10_000;
  let pending: EventDoc[] = [];
  const inserts: Promise<unknown>[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    inserts.push(collections.events.insertMany(batch, { ordered: false }));
    if (inserts.length >= 3) await inserts.shift();
  };
  // Each user's days filed by the sync engine's own fileByDate and stored as writeDays stores them (one document per
  // date, _id calendarDayId). Inserted in batches rather than through writeDays: its replaceOne upserts each look
  // the _id up first, and FerretDB 1.24 on PostgreSQL answers that with a sequential scan of calendarDays (see
  // README), so seeding 60,000 days one upsert at a time is quadratic (it had not finished after 8 minutes).
  const seedDate = new Date();
  let pendingDays: CalendarDayDoc[] = [];
  const flushDays = async () => {
    const batch = pendingDays;
    pendingDays = [];
    inserts.push(collections.calendarDays.insertMany(batch, { ordered: false }));
    if (inserts.length >= 3) await inserts.shift();
  };
  for (let user = 0; user < USERS; user++) {
    const docs = eventsFor(user, today);
    pending.push(...docs);
    for (const [date, events] of fileByDate(docs, window)) pendingDays.push({ _id: calendarDayId(userKey(user), date), userKey: userKey(user), date, events, updatedAt: seedDate });
    if (pending.length >= BATCH) await flush();
    if (pendingDays.length >= BATCH / 10) await flushDays();
  }
  if (pending.length > 0) await flush();
  if (pendingDays.length > 0) await flushDays();
  await Promise.all(inserts);
  await collections.accounts.insertMany(
    Array.from({ length: USERS }, (_, i) => ({
      _id: userKey(i), homeAccountId: `home-${i}`, username: `user${i}@contoso.example`, displayName: `User ${i}`, tenantId: 'tenant-bench',
      mailboxTimeZone: ZONES[i % ZONES.length]!, status: 'connected' as const, connectedAt: seedDate, updatedAt: seedDate,
    })),
    { ordered: false },
  );
  await collections.syncStates.insertMany(
    Array.from({ length: USERS }, (_, i) => ({
      _id: userKey(i), status: 'idle' as const, roundsCompleted: 3, lastRunAt: seedDate, lastSuccessAt: seedDate,
      windowStart: window.start, windowEnd: window.end, daysVersion: DAYS_VERSION,
    })),
    { ordered: false },
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  progress(`seeded in ${seedSeconds.toFixed(1)} s`);
  let indexNote = "calbot's collections and indexes only";
  if (args['pg-userkey-gin']) {
    if (!database.psql) throw new Error('--pg-userkey-gin needs the PostgreSQL backend');
    const table = database.psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'calbot_bench' AND table_name LIKE 'events\\_%'");
    database.psql(`CREATE INDEX events_userkey_gin ON calbot_bench."${table}" USING gin ((_jsonb -> 'userKey') jsonb_path_ops); ANALYZE calbot_bench."${table}"`);
    indexNote = `calbot's indexes + GIN (_jsonb->'userKey') jsonb_path_ops on calbot_bench."${table}"`;
  }
  const eventCount = await collections.events.estimatedDocumentCount();
  const dayCount = await collections.calendarDays.estimatedDocumentCount();

  // -- connector stand-in, calbot, floor ---------------------------------------------------------------------------
  const connector = new Worker(CONNECTOR_WORKER, { eval: true });
  const connectorPort = await new Promise<number>((done) => connector.once('message', (m: { port: number }) => done(m.port)));
  const connectorStats = () => new Promise<{ received: number; withCard: number; sample?: string }>((done) => {
    connector.once('message', done);
    connector.postMessage('stats');
  });
  stops.push(() => connector.terminate());

  // Production logs at info: one line per request and per turn. They go to /dev/null here, but are produced.
  const config = loadConfig({ PORT: '0', PUBLIC_URL: 'http://127.0.0.1:3978', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  const calbot = await startCalbot(config, createLogger('info', pino.destination({ dest: '/dev/null', sync: false })), { store, host: '127.0.0.1' });
  stops.push(() => calbot.stop());
  const calbotTimer = serverTimer(calbot.server.server.server as unknown as HttpServer);

  const floor = restify.createServer({ name: 'floor' });
  floor.use(restify.plugins.bodyParser({ mapParams: false }));
  // The reads calbot does for the answer, nothing else: the user's calendarDays for the dates of today in their
  // zone, one point read by _id each.
  /** The UTC dates calbot reads for "today" in `zone`. */
  const todaysDates = (zone: string) => {
    const day = DateTime.now().setZone(zone).startOf('day');
    return datesToRead({ start: day.toJSDate(), end: day.plus({ days: 1 }).toJSDate() }, zone);
  };
  floor.post('/floor', async (req, res) => {
    const { userKey: key, zone } = req.body as { userKey: string; zone: string };
    const events = await eventsOnDates(collections.calendarDays, key, todaysDates(zone));
    res.send(200, { count: events.length });
  });
  // Not the target's floor, a reading aid: every read calbot's turn makes (the chat user by _id, which carries the
  // answer context, and the same days), all at once as calbot makes them, and nothing else.
  const allReads = async (key: string, zone: string) => {
    const [, events] = await Promise.all([collections.chatUsers.findOne({ _id: key }), eventsOnDates(collections.calendarDays, key, todaysDates(zone))]);
    return events;
  };
  floor.post('/floor-all-reads', async (req, res) => {
    const { userKey: key, zone } = req.body as { userKey: string; zone: string };
    res.send(200, { count: (await allReads(key, zone)).length });
  });
  // A second reading aid: the same reads, then what every Bot Framework bot does with its answer, POST it to the
  // connector (the very activity calbot sent user 0, card and all, over a keep-alive agent as botbuilder's HTTP
  // client does). calbot minus this is its own code: botbuilder's turn, the question, the card.
  const replyAgent = new http.Agent({ keepAlive: true });
  stops.push(async () => replyAgent.destroy());
  let replyBody = '';
  const postReply = (serviceUrl: string, id: string) =>
    new Promise<void>((done, fail) => {
      const request = http.request(`${serviceUrl}/v3/conversations/aid-${id}/activities/${id}`, { method: 'POST', agent: replyAgent, headers: { 'content-type': 'application/json; charset=utf-8' } }, (response) => {
        response.resume();
        response.once('end', () => (response.statusCode === 200 ? done() : fail(new Error(`connector answered ${response.statusCode}`))));
      });
      request.once('error', fail);
      request.end(replyBody);
    });
  /** The aid's reply POSTs, timed in the route (read in the one-at-a-time phase, beside calbot's own). */
  const aidPosts: number[] = [];
  floor.post('/floor-reads-reply', async (req, res) => {
    const { userKey: key, zone, serviceUrl } = req.body as { userKey: string; zone: string; serviceUrl: string };
    await allReads(key, zone);
    const posting = process.hrtime.bigint();
    await postReply(serviceUrl, key.replace(/[^a-z0-9-]/gi, '-'));
    if (aidPosts.length < 100_000) aidPosts.push(Number(process.hrtime.bigint() - posting) / 1e6);
    res.send(200, {});
  });
  const floorPort = await new Promise<number>((done) => floor.listen(0, '127.0.0.1', () => done((floor.address() as { port: number }).port)));
  stops.push(() => new Promise<void>((done) => floor.close(() => done())));
  const floorTimer = serverTimer(floor.server as unknown as HttpServer);

  // -- requests ----------------------------------------------------------------------------------------------------
  const serviceUrl = `http://127.0.0.1:${connectorPort}`;
  const activity = (i: number, text: string) =>
    JSON.stringify({
      type: 'message', id: `m-${i}-${Math.random().toString(36).slice(2)}`, timestamp: new Date().toISOString(), channelId: 'msteams', serviceUrl,
      from: { id: teamsId(i), name: `User ${i}`, aadObjectId: `aad-${i}` },
      conversation: { id: `a:bench-${i}`, conversationType: 'personal', tenantId: 'tenant-bench' },
      recipient: { id: '28:calbot', name: 'calbot' }, text, textFormat: 'plain', locale: 'en-US',
      channelData: { tenant: { id: 'tenant-bench' } },
      entities: [{ type: 'clientInfo', locale: 'en-US', timezone: ZONES[i % ZONES.length] }],
    });
  const askBodies = Array.from({ length: USERS }, (_, i) => activity(i, "what's on today"));
  const floorBodies = Array.from({ length: USERS }, (_, i) => JSON.stringify({ userKey: userKey(i), zone: ZONES[i % ZONES.length] }));
  const calbotUrl = `http://127.0.0.1:${calbot.port}/api/messages`;
  const floorUrl = `http://127.0.0.1:${floorPort}/floor`;
  const allReadsUrl = `http://127.0.0.1:${floorPort}/floor-all-reads`;
  const readsReplyUrl = `http://127.0.0.1:${floorPort}/floor-reads-reply`;
  const readsReplyBodies = Array.from({ length: USERS }, (_, i) => JSON.stringify({ userKey: userKey(i), zone: ZONES[i % ZONES.length], serviceUrl }));
  // Each user has written before, as in a running deployment: their chat user is stored, with the copy of their
  // account and sync state the sync jobs keep there (both by calbot's own code).
  for (let i = 0; i < USERS; i += 16) {
    await Promise.all(
      askBodies.slice(i, i + 16).map(async (body, j) => {
        await rememberChatUser(collections, JSON.parse(body) as Partial<Activity>);
        await copyAnswerContext(collections, userKey(i + j));
      }),
    );
  }
  if ((await collections.chatUsers.countDocuments({ answerContext: { $exists: true } })) !== USERS) throw new Error('not every chat user has an answer context');

  // Only now, with the chat users stored (chatUsers has no index of calbot's, so before their first write it has no
  // table either): every collection a question reads gets the comparison index.
  if (args['pg-id-gin']) {
    if (!database.psql) throw new Error('--pg-id-gin needs the PostgreSQL backend');
    const tables = database.psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'calbot_bench' AND table_name NOT LIKE '\\_ferretdb%'").split('\n').filter(Boolean);
    for (const table of tables) database.psql(`CREATE INDEX "${table}_id_gin" ON calbot_bench."${table}" USING gin ((_jsonb -> '_id') jsonb_path_ops); ANALYZE calbot_bench."${table}"`);
    indexNote = `calbot's indexes + (comparison only) GIN (_jsonb->'_id') jsonb_path_ops on ${tables.length} tables`;
  }
  // Statistics as autovacuum would long since have them in a running deployment.
  if (database.psql) database.psql('VACUUM ANALYZE');

  // Sanity: the answer for user 0 is a card with today's meetings, read from the seeded data.
  const probe = await fetch(calbotUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: askBodies[0] });
  if (probe.status !== 200) throw new Error(`calbot answered ${probe.status}`);
  const probeStats = await connectorStats();
  if (probeStats.withCard !== 1 || !/Meeting \d+ with team/.test(probeStats.sample ?? '')) throw new Error(`unexpected answer: ${probeStats.sample?.slice(0, 500)}`);
  const sampleRows = (probeStats.sample!.match(/"fontType":"Monospace"/g) ?? []).length;
  replyBody = probeStats.sample!;

  const floorProbe = (await (await fetch(floorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: floorBodies[0] })).json()) as { count: number };
  if (!(floorProbe.count > 0)) throw new Error(`the floor read no events for user 0: ${JSON.stringify(floorProbe)}`);

  type Route = { key: 'floor' | 'allReads' | 'readsReply' | 'calbot'; label: string; url: string; bodies: string[]; timer: ReturnType<typeof serverTimer> };
  const routes: Route[] = [
    { key: 'floor', label: 'the floor', url: floorUrl, bodies: floorBodies, timer: floorTimer },
    { key: 'allReads', label: "all of calbot's reads", url: allReadsUrl, bodies: floorBodies, timer: floorTimer },
    { key: 'readsReply', label: 'the same reads and a reply POST', url: readsReplyUrl, bodies: readsReplyBodies, timer: floorTimer },
    { key: 'calbot', label: 'calbot', url: calbotUrl, bodies: askBodies, timer: calbotTimer },
  ];
  // The routes take turns, ROUNDS times, each round starting with the next route: this shared machine's speed drifts
  // over minutes, and measuring one route after another would hand the drift to whichever ran in a slow minute.
  // Saturation is one turn per route: a closed loop of CONCURRENCY clients only reaches its steady state over many
  // more questions than it has clients.
  const measureAll = async (thinkMs: number) => {
    for (const route of routes) await runLoad(route.url, route.bodies, WARMUP, thinkMs);
    const taken = new Map(routes.map((route) => [route.key, { server: [] as number[], spans: [] as Span[], client: [] as number[], wallMs: 0 }]));
    const rounds = thinkMs > 0 ? ROUNDS : 1;
    for (let round = 0; round < rounds; round++) {
      const count = Math.floor((REQUESTS * (round + 1)) / rounds) - Math.floor((REQUESTS * round) / rounds);
      for (let i = 0; i < routes.length; i++) {
        const route = routes[(round + i) % routes.length]!;
        const load = await runLoad(route.url, route.bodies, count, thinkMs, CONCURRENCY, () => route.timer.start());
        const server = route.timer.stop();
        if (load.failures > 0) throw new Error(`${route.label}: ${load.failures} failed requests (${load.firstFailure})`);
        const into = taken.get(route.key)!;
        into.server.push(...server);
        into.spans.push(...route.timer.spans);
        into.client.push(...load.latencies);
        into.wallMs += load.wallMs;
      }
    }
    const result = (key: Route['key']) => {
      const { server, spans, client, wallMs } = taken.get(key)!;
      return { server: summarize(server), spans, client: summarize(client), throughput: REQUESTS / (wallMs / 1000), serverSamples: server.length };
    };
    return { floor: result('floor'), allReads: result('allReads'), readsReply: result('readsReply'), calbot: result('calbot') };
  };
  type Result = Awaited<ReturnType<typeof measureAll>>['floor'];
  const before = await connectorStats();
  const models = [...THINK_MS.map((thinkMs) => ({ name: 'users', thinkMs })), { name: 'saturation', thinkMs: 0 }];
  const results: ({ thinkMs: number } & Record<Route['key'], Result>)[] = [];
  for (const model of models) {
    progress(`${model.name} (think ${model.thinkMs} ms): the floor, both aids and calbot, ${model.thinkMs > 0 ? ROUNDS : 1} round(s) each`);
    results.push({ thinkMs: model.thinkMs, ...(await measureAll(model.thinkMs)) });
  }
  const after = await connectorStats();
  const replies = after.withCard - before.withCard;
  if (replies !== models.length * (REQUESTS + WARMUP)) throw new Error(`expected ${models.length * (REQUESTS + WARMUP)} card replies at the connector, got ${replies}`);

  // -- one question at a time: no queueing; calbot's time split around its reply POST ----------------------------
  // The reply POST is the only request made with node's http client here (the load generator uses fetch), so
  // its diagnostics channels mark where the turn's own work ends and the connector's round trip begins.
  let sequential: { cpu: Record<string, CpuPerQuestion>; floor: number[]; allReads: number[]; readsReply: number[]; aidReply: number[]; calbot: number[]; beforeReply: number[]; reply: number[]; afterReply: number[] } | undefined;
  if (SEQUENTIAL > 0) {
    progress(`one question at a time: ${SEQUENTIAL} per route`);
    const cpu: Record<string, CpuPerQuestion> = {};
    const one = async (url: string, bodies: string[], timer: ReturnType<typeof serverTimer>) => {
      await runLoad(url, bodies, Math.min(WARMUP, SEQUENTIAL), 0, 1);
      let before = cpuNow();
      await runLoad(url, bodies, SEQUENTIAL, 0, 1, () => {
        timer.start();
        before = cpuNow();
      });
      cpu[url] = cpuPerQuestion(before, cpuNow(), SEQUENTIAL);
      return timer.stop();
    };
    const floorTimes = await one(floorUrl, floorBodies, floorTimer);
    const allReadsTimes = await one(allReadsUrl, floorBodies, floorTimer);
    aidPosts.length = 0;
    const readsReplyTimes = await profiled(args['cpu-profile']?.replace(/(\.cpuprofile)?$/, '.reads-reply.cpuprofile'), () => one(readsReplyUrl, readsReplyBodies, floorTimer));
    const marks: { request?: bigint; post?: bigint; posted?: bigint }[] = [];
    let current: (typeof marks)[number] = {};
    const calbotServer = calbot.server.server.server as unknown as HttpServer;
    const onRequest = () => void marks.push((current = { request: process.hrtime.bigint() }));
    const onPost = () => void (current.post = process.hrtime.bigint());
    const onPosted = () => void (current.posted = process.hrtime.bigint());
    const finishes: bigint[] = [];
    const onResponse = (_req: unknown, res: import('node:http').ServerResponse) => void res.once('finish', () => finishes.push(process.hrtime.bigint()));
    calbotServer.prependListener('request', onRequest);
    calbotServer.prependListener('request', onResponse);
    diagnostics.subscribe('http.client.request.start', onPost);
    diagnostics.subscribe('http.client.response.finish', onPosted);
    const calbotTimes = await profiled(args['cpu-profile'], () => one(calbotUrl, askBodies, calbotTimer));
    diagnostics.unsubscribe('http.client.request.start', onPost);
    diagnostics.unsubscribe('http.client.response.finish', onPosted);
    calbotServer.removeListener('request', onRequest);
    calbotServer.removeListener('request', onResponse);
    const timed = marks.slice(-SEQUENTIAL).map((mark, i) => ({ ...mark, finish: finishes[finishes.length - SEQUENTIAL + i] }));
    const ms = (from: bigint | undefined, to: bigint | undefined) => (from !== undefined && to !== undefined ? Number(to - from) / 1e6 : NaN);
    sequential = {
      cpu,
      floor: floorTimes,
      allReads: allReadsTimes,
      readsReply: readsReplyTimes,
      aidReply: aidPosts.slice(-SEQUENTIAL),
      calbot: calbotTimes,
      beforeReply: timed.map((mark) => ms(mark.request, mark.post)),
      reply: timed.map((mark) => ms(mark.post, mark.posted)),
      afterReply: timed.map((mark) => ms(mark.posted, mark.finish)),
    };
  }

  // -- tables ------------------------------------------------------------------------------------------------------
  const ms = (v: number) => v.toFixed(1).padStart(7);
  const line = (name: string, r: Result, offered: string) =>
    `| ${name.padEnd(44)} | ${String(REQUESTS).padStart(8)} | ${offered.padStart(7)} | ${r.throughput.toFixed(0).padStart(8)} | ${ms(r.server.p50)} | ${ms(r.server.p95)} | ${ms(r.server.p99)} | ${ms(r.client.p50)} | ${ms(r.client.p95)} | ${ms(r.client.p99)} |`;
  console.log('');
  console.log(`calbot bench: "what's on today" · ${USERS} users × ${EVENTS_PER_USER} events (${eventCount.toLocaleString('en')} events, ${dayCount.toLocaleString('en')} calendarDays) · ${CONCURRENCY} simulated users · ${REQUESTS} timed requests after ${WARMUP} warm-up, per row`);
  console.log(`database: ${database.description}; ${indexNote}; driver maxPoolSize=${poolSize}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; seeded in ${seedSeconds.toFixed(1)} s; today's answer for user 0: ${sampleRows} rows`);
  for (const { thinkMs, floor: floorResult, allReads: allReadsResult, readsReply: readsReplyResult, calbot: calbotResult } of results) {
    // Offered: what the users would ask if answers took no time (N / mean think); a closed loop offers "all it can take".
    const offered = thinkMs > 0 ? (CONCURRENCY / (thinkMs / 1000)).toFixed(0) : '-';
    const ratio = calbotResult.server.p99 / floorResult.server.p99;
    console.log('');
    console.log(
      thinkMs > 0
        ? `${CONCURRENCY} users, each: ask, wait for the answer, think exp(mean ${thinkMs} ms), ask again (offered ${offered} req/s)`
        : `saturation: ${CONCURRENCY} clients in a closed loop, no think time (capacity; latency ≈ ${CONCURRENCY} / throughput)`,
    );
    console.log('');
    console.log(`| ${'target'.padEnd(44)} | requests | offered | achieved | srv p50 | srv p95 | srv p99 | cli p50 | cli p95 | cli p99 |`);
    console.log(`|${'-'.repeat(46)}|---------:|--------:|---------:|--------:|--------:|--------:|--------:|--------:|--------:|`);
    console.log(line('floor: bare restify route, same reads', floorResult, offered));
    console.log(line("(aid) bare route, all of calbot's reads", allReadsResult, offered));
    console.log(line('(aid) the same reads + the reply POST', readsReplyResult, offered));
    console.log(line('calbot: /api/messages -> card -> reply POST', calbotResult, offered));
    console.log('');
    console.log(`server p99 calbot/floor = ${ratio.toFixed(2)}x (calbot/all reads ${(calbotResult.server.p99 / allReadsResult.server.p99).toFixed(2)}x, calbot/reads + reply ${(calbotResult.server.p99 / readsReplyResult.server.p99).toFixed(2)}x); max server ms: floor ${floorResult.server.max.toFixed(1)}, calbot ${calbotResult.server.max.toFixed(1)}`);
    if (thinkMs > 0) console.log(`target (server p99 < 50 ms and within 2x of the floor): ${calbotResult.server.p99 < 50 && ratio <= 2 ? 'MET' : 'NOT MET'}`);
    if (tail && thinkMs > 0) {
      console.log('');
      console.log(`the ${TAIL} slowest timed questions of calbot and of the floor, and what overlapped each: V8's GC pauses in this process (ms), and`);
      console.log(`database commands over ${TAIL_COMMAND_MS} ms, whoever sent them (calbot's reads, the floor's, Agenda's); in flight = the same route's other questions`);
      console.log('');
      console.log(`| route  | server ms | in flight | ${'GC pauses'.padEnd(24)} | database commands over ${TAIL_COMMAND_MS} ms |`);
      console.log(`|--------|----------:|----------:|${'-'.repeat(26)}|---|`);
      for (const row of [...tail.rows('calbot', calbotResult.spans, TAIL), ...tail.rows('floor', floorResult.spans, TAIL)]) console.log(row);
    }
  }
  if (sequential) {
    const row = (name: string, values: number[], url?: string) => {
      const { p50, p95, p99 } = summarize(values);
      const used = url ? sequential!.cpu[url] : undefined;
      const cpuCells = used ? `${ms(used.node)} | ${ms(used.others)} | ${ms(used.steal)}` : `${' '.repeat(7)} | ${' '.repeat(7)} | ${' '.repeat(7)}`;
      return `| ${name.padEnd(52)} | ${ms(p50)} | ${ms(p95)} | ${ms(p99)} | ${cpuCells} |`;
    };
    console.log('');
    console.log(`one question at a time (${SEQUENTIAL} per route, no queueing), server ms:`);
    console.log('');
    console.log(`| ${'route / part of calbot\'s turn'.padEnd(52)} |     p50 |     p95 |     p99 | CPU/q: node | others | stolen |`);
    console.log(`|${'-'.repeat(54)}|--------:|--------:|--------:|--------:|--------:|--------:|`);
    console.log(row('floor: bare restify route, same reads', sequential.floor, floorUrl));
    console.log(row("(aid) bare route, all of calbot's reads", sequential.allReads, allReadsUrl));
    console.log(row('(aid) the same reads + the reply POST', sequential.readsReply, readsReplyUrl));
    console.log(row('  its reply POST to the connector', sequential.aidReply));
    console.log(row('calbot', sequential.calbot, calbotUrl));
    console.log(row('  before the reply POST (reads, question, card)', sequential.beforeReply));
    console.log(row('  the reply POST to the connector', sequential.reply));
    console.log(row('  reply done to response finish', sequential.afterReply));
  }
  console.log('');
  console.log('(ms; req/s; server = in-process, request event to response finish; client = load generator in a worker thread, same machine)');
  if (sequential) {
    console.log("(CPU/q: CPU ms per question one at a time; node = this process, every thread: the route's server, the load generator,");
    console.log(' the connector stand-in; others = every other process, from /proc/stat: FerretDB and PostgreSQL; stolen = the hypervisor\'s steal time)');
  }
} finally {
  tail?.stop();
  progress('stopping');
  for (const stop of stops.reverse()) await stop().catch((error: Error) => console.error(`stop failed: ${error.message}`));
  progress('servers stopped');
  await store.db.dropDatabase().catch(() => undefined);
  await store.close();
  progress('database dropped');
  await database.stop();
  progress('database stopped');
  rmSync(dataDir, { recursive: true, force: true });
}
// Everything above is stopped, but Agenda 6.2.6 leaves a timer behind for every job it ran (its job-alive check waits
// half a lock lifetime, 5 minutes, and nothing clears it on drain), which kept the process alive that long after the
// table: exit once it is printed, as main.ts does after calbot.stop().
process.exit(0);
