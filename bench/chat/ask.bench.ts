// `node --import tsx bench/chat/ask.bench.ts [--users 1000] [--events 500] [--concurrency 200] [--requests 2000]
//  [--warmup 400] [--pg-userkey-gin] [--pool-size 16]` (starts its own FerretDB-on-PostgreSQL), or with the defaults
// through the shared runner: `BENCH_DATABASE=postgresql node bench/run.mjs chat` (bench/chat/chat-bench.ts).
//
// "what's on today" under load: N simulated Teams users ask concurrently through /api/messages of a real calbot
// (restify + botbuilder + the ask command + card rendering + the reply POSTed to a Bot Connector stand-in),
// against users × events EventDocs. Beside it, in the same run and on the same database, the floor: a bare
// restify route doing the same one MongoDB query. Server-side time is taken in-process, from the HTTP request
// event to the response's 'finish'; client-side time by the load generator. The load generator and the
// connector stand-in run in worker threads so they do not share calbot's event loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import restify from 'restify';
import type { Server as HttpServer } from 'node:http';
import { startCalbot } from '../../src/app.js';
import { ALL_DAY_SLACK_MS, DISPLAY_PROJECTION } from '../../src/chat/schedule-query.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { chatUserKey, ensureIndexes, type EventDoc } from '../../src/store/collections.js';
import { connectStore } from '../../src/store/database.js';
import { startBenchDatabase } from '../support/bench-database.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    events: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '200' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '400' },
    // FerretDB 1.24 pushes `userKey` equality to PostgreSQL as `_jsonb->'userKey' @> '"k"'`, which its own btree
    // index cannot serve (a sequential scan per question). This adds the GIN index that can, to measure the fix.
    'pg-userkey-gin': { type: 'boolean', default: false },
    // Driver connections to the database (MONGODB_URI's maxPoolSize). FerretDB 1.24 on PostgreSQL stalls with
    // many concurrent findAndModify upserts (every turn's rememberChatUser), so the default is a small pool.
    'pool-size': { type: 'string', default: '16' },
  },
});
const USERS = Number(args.users);
const EVENTS_PER_USER = Number(args.events);
const CONCURRENCY = Number(args.concurrency);
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'];
const DAY_MS = 24 * 60 * 60 * 1000;

const teamsId = (i: number) => `29:bench-user-${i}`;
const userKey = (i: number) => chatUserKey('msteams', teamsId(i));

/** A realistic month around today: ~8 meetings a working day in office hours, some all-day events, a few cancelled. */
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
    received++;
    const body = Buffer.concat(chunks).toString();
    if (body.includes('application/vnd.microsoft.card.adaptive')) withCard++;
    if (!sample && body.includes('application/vnd.microsoft.card.adaptive')) sample = body;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: String(received) }));
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'stats') parentPort.postMessage({ received, withCard, sample }); if (m === 'close') server.close(() => process.exit(0)); });
`;

/** The load generator: `concurrency` loops, each POSTing and timing one request after another. */
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, bodies, concurrency, count } = workerData;
const latencies = new Float64Array(count);
let next = 0; let failures = 0; let firstFailure;
async function loop() {
  for (;;) {
    const i = next++;
    if (i >= count) return;
    const body = bodies[i % bodies.length];
    const t0 = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      if (res.status >= 300) { failures++; firstFailure ??= 'HTTP ' + res.status; }
    } catch (e) { failures++; firstFailure ??= String(e); }
    latencies[i] = performance.now() - t0;
  }
}
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
  parentPort.postMessage({ latencies, wallMs: performance.now() - started, failures, firstFailure });
});
`;

interface LoadResult {
  latencies: Float64Array;
  wallMs: number;
  failures: number;
  firstFailure?: string;
}

function runLoad(url: string, bodies: string[], count: number): Promise<LoadResult> {
  return new Promise((done, fail) => {
    const worker = new Worker(CLIENT_WORKER, { eval: true, workerData: { url, bodies, concurrency: CONCURRENCY, count } });
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      done(result);
    });
    worker.once('error', fail);
  });
}

/** Server-side time of each request on `server`: from the 'request' event to the response's 'finish'. */
function serverTimer(server: HttpServer) {
  let samples: number[] = [];
  let recording = false;
  server.prependListener('request', (_req, res) => {
    const t0 = process.hrtime.bigint();
    res.once('finish', () => {
      if (recording) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
  return {
    start() {
      samples = [];
      recording = true;
    },
    stop() {
      recording = false;
      return samples;
    },
  };
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
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
const storeUri = `${database.uri}${database.uri.includes('?') ? '&' : '?'}maxPoolSize=${poolSize}`;
const store = await connectStore(storeUri, logger, undefined, 'calbot_bench');
const stops: (() => Promise<unknown>)[] = [];
try {
  const { collections } = store;
  await store.db.dropDatabase();
  await ensureIndexes(store.db);

  // -- seed ------------------------------------------------------------------------------------------------------
  const now = Date.now();
  const today = now - (now % DAY_MS);
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
  for (let user = 0; user < USERS; user++) {
    pending.push(...eventsFor(user, today));
    if (pending.length >= BATCH) await flush();
  }
  if (pending.length > 0) await flush();
  await Promise.all(inserts);
  const seedDate = new Date();
  await collections.accounts.insertMany(
    Array.from({ length: USERS }, (_, i) => ({
      _id: userKey(i), homeAccountId: `home-${i}`, username: `user${i}@contoso.example`, displayName: `User ${i}`, tenantId: 'tenant-bench',
      mailboxTimeZone: ZONES[i % ZONES.length]!, status: 'connected' as const, connectedAt: seedDate, updatedAt: seedDate,
    })),
    { ordered: false },
  );
  await collections.syncStates.insertMany(
    Array.from({ length: USERS }, (_, i) => ({ _id: userKey(i), status: 'idle' as const, roundsCompleted: 3, lastRunAt: seedDate, lastSuccessAt: seedDate })),
    { ordered: false },
  );
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  progress(`seeded in ${seedSeconds.toFixed(1)} s`);
  let indexNote = "calbot's indexes only (FerretDB: sequential scan per question)";
  if (args['pg-userkey-gin']) {
    if (!database.psql) throw new Error('--pg-userkey-gin needs the PostgreSQL backend');
    const table = database.psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'calbot_bench' AND table_name LIKE 'events\\_%'");
    database.psql(`CREATE INDEX events_userkey_gin ON calbot_bench."${table}" USING gin ((_jsonb -> 'userKey') jsonb_path_ops); ANALYZE calbot_bench."${table}"`);
    indexNote = `calbot's indexes + GIN (_jsonb->'userKey') jsonb_path_ops on calbot_bench."${table}"`;
  }
  const eventCount = await collections.events.estimatedDocumentCount();

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
  floor.post('/floor', async (req, res) => {
    const key = String((req.body as { userKey?: unknown }).userKey);
    const start = new Date(today);
    const end = new Date(today + DAY_MS);
    const events = await collections.events
      .find({ userKey: key, start: { $lt: new Date(end.getTime() + ALL_DAY_SLACK_MS) }, end: { $gt: new Date(start.getTime() - ALL_DAY_SLACK_MS) } }, { projection: DISPLAY_PROJECTION, sort: { start: 1 } })
      .toArray();
    res.send(200, { count: events.length });
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
  const floorBodies = Array.from({ length: USERS }, (_, i) => JSON.stringify({ userKey: userKey(i) }));
  const calbotUrl = `http://127.0.0.1:${calbot.port}/api/messages`;
  const floorUrl = `http://127.0.0.1:${floorPort}/floor`;

  // Sanity: the answer for user 0 is a card with today's meetings, read from the seeded data.
  const probe = await fetch(calbotUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: askBodies[0] });
  if (probe.status !== 200) throw new Error(`calbot answered ${probe.status}`);
  const probeStats = await connectorStats();
  if (probeStats.withCard !== 1 || !/Meeting \d+ with team/.test(probeStats.sample ?? '')) throw new Error(`unexpected answer: ${probeStats.sample?.slice(0, 500)}`);
  const sampleRows = (probeStats.sample!.match(/"fontType":"Monospace"/g) ?? []).length;

  const measure = async (url: string, bodies: string[], timer: ReturnType<typeof serverTimer>) => {
    await runLoad(url, bodies, WARMUP);
    progress('warm-up done');
    timer.start();
    const load = await runLoad(url, bodies, REQUESTS);
    const server = timer.stop();
    if (load.failures > 0) throw new Error(`${load.failures} failed requests (${load.firstFailure})`);
    return { server: summarize(server), client: summarize(load.latencies), throughput: REQUESTS / (load.wallMs / 1000), serverSamples: server.length };
  };
  progress('probe answered; measuring the floor');
  const floorResult = await measure(floorUrl, floorBodies, floorTimer);
  const before = await connectorStats();
  progress('measuring calbot');
  const calbotResult = await measure(calbotUrl, askBodies, calbotTimer);
  const after = await connectorStats();
  const replies = after.withCard - before.withCard;
  if (replies !== REQUESTS + WARMUP) throw new Error(`expected ${REQUESTS + WARMUP} card replies at the connector, got ${replies}`);

  // -- table -------------------------------------------------------------------------------------------------------
  const ms = (v: number) => v.toFixed(1).padStart(7);
  const line = (name: string, r: typeof floorResult) =>
    `| ${name.padEnd(44)} | ${String(REQUESTS).padStart(8)} | ${r.throughput.toFixed(0).padStart(7)} | ${ms(r.server.p50)} | ${ms(r.server.p95)} | ${ms(r.server.p99)} | ${ms(r.client.p50)} | ${ms(r.client.p95)} | ${ms(r.client.p99)} |`;
  const ratio = calbotResult.server.p99 / floorResult.server.p99;
  const pass = calbotResult.server.p99 < 50 && ratio <= 2;
  console.log('');
  console.log(`calbot bench: "what's on today" · ${USERS} users × ${EVENTS_PER_USER} events (${eventCount.toLocaleString('en')} stored) · ${CONCURRENCY} concurrent clients · ${REQUESTS} timed requests after ${WARMUP} warm-up`);
  console.log(`database: ${database.description}; ${indexNote}; driver maxPoolSize=${poolSize}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; seeded in ${seedSeconds.toFixed(1)} s; today's answer for user 0: ${sampleRows} rows`);
  console.log('');
  console.log(`| ${'target'.padEnd(44)} | requests |   req/s | srv p50 | srv p95 | srv p99 | cli p50 | cli p95 | cli p99 |`);
  console.log(`|${'-'.repeat(46)}|---------:|--------:|--------:|--------:|--------:|--------:|--------:|--------:|`);
  console.log(line('floor: bare restify route, same query', floorResult));
  console.log(line('calbot: /api/messages -> card -> reply POST', calbotResult));
  console.log('');
  console.log(`server p99 calbot/floor = ${ratio.toFixed(2)}x; max server ms: floor ${floorResult.server.max.toFixed(1)}, calbot ${calbotResult.server.max.toFixed(1)}`);
  console.log(`target (server p99 < 50 ms and within 2x of the floor): ${pass ? 'MET' : 'NOT MET'}`);
  console.log('(ms; server = in-process, request event to response finish; client = load generator in a worker thread, same machine)');
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: Error) => console.error(`stop failed: ${error.message}`));
  await store.db.dropDatabase().catch(() => undefined);
  await store.close();
  await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
