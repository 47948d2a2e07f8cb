// `node bench/run.mjs <name>`: runs bench/<name>/<name>-bench.ts, a script that prints a table (not a test).
// Like test/run.mjs: makes the test CA for the HTTPS fakes and starts a database, then runs the benchmark in a child
// Node that trusts the CA (NODE_EXTRA_CA_CERTS is read only at start-up). MONGODB_URI set -> that server is used.
// BENCH_DATABASE=postgresql: FerretDB on its PostgreSQL backend (needs the Debian postgresql binaries and a
// `postgres` system user); otherwise calbot's embedded launcher (FerretDB on SQLite).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { register } from 'tsx/esm/api';
import { ensureTestCertificates } from '../test/support/test-ca.mjs';

register();
const { startEmbeddedDatabase, freePort } = await import('../src/store/embedded-database.ts');
const { createLogger } = await import('../src/log.ts');

const name = process.argv[2] ?? 'sync';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(root, 'bench', name, `${name}-bench.ts`);
if (!existsSync(script)) {
  console.error(`bench: no ${script}`);
  process.exit(2);
}
const tlsDir = join(root, '.test-tmp', 'tls');
const tls = ensureTestCertificates(tlsDir);
const dataDir = join(root, '.test-tmp', `bench-${process.pid}`);
const stops = [];
let uri = process.env.MONGODB_URI;
let label = uri ? `MONGODB_URI (${uri.replace(/\/\/[^@]*@/, '//')})` : '';

if (!uri && process.env.BENCH_DATABASE === 'postgresql') {
  const started = await startFerretOnPostgres().catch((error) => {
    console.error(`bench: PostgreSQL backend unavailable (${error.message}); using the embedded SQLite one`);
    return undefined;
  });
  if (started) ({ uri, label } = started);
}
if (!uri) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const database = await startEmbeddedDatabase({ dataDir, logger: createLogger('warn') });
  stops.push(() => database.stop());
  uri = database.uri;
  label = database.description;
}

const env = { ...process.env, NODE_EXTRA_CA_CERTS: tls.ca, CALBOT_TEST_TLS_DIR: tlsDir, CALBOT_BENCH_MONGODB_URI: uri, CALBOT_BENCH_DATABASE: label };
const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env, stdio: 'inherit' });
const code = await new Promise((done) => child.on('exit', (status, signal) => done(status ?? (signal ? 1 : 0))));
for (const stop of stops.reverse()) await stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(code);

/** A throwaway PostgreSQL cluster (run as the postgres user) and calbot's FerretDB build on its postgresql handler. */
async function startFerretOnPostgres() {
  const cache = join(process.env.HOME ?? '/root', '.cache', 'calbot');
  const binary = readdirSync(cache).filter((f) => /^calbot-ferretdb-[0-9a-f]+$/.test(f)).map((f) => join(cache, f))[0];
  if (!binary) throw new Error('calbot-ferretdb binary not built yet (run the tests once)');
  const pgDir = join('/tmp', `calbot-bench-pg-${process.pid}`);
  rmSync(pgDir, { recursive: true, force: true });
  mkdirSync(pgDir, { recursive: true });
  spawnSync('chown', ['postgres', pgDir]);
  const asPostgres = (args) => {
    const result = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args[0]}: ${result.stderr || result.stdout}`);
  };
  asPostgres(['initdb', '-D', join(pgDir, 'data'), '-U', 'postgres', '--auth=trust']);
  const pgPort = await freePort();
  asPostgres(['pg_ctl', '-D', join(pgDir, 'data'), '-o', `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1`, '-l', join(pgDir, 'pg.log'), '-w', 'start']);
  stops.push(async () => {
    spawnSync('runuser', ['-u', 'postgres', '--', 'pg_ctl', '-D', join(pgDir, 'data'), '-m', 'fast', 'stop']);
    rmSync(pgDir, { recursive: true, force: true });
  });
  asPostgres(['psql', '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-c', 'CREATE DATABASE ferretdb']);
  const port = await freePort();
  const ferret = spawn(binary, ['--handler=postgresql', `--postgresql-url=postgres://postgres@127.0.0.1:${pgPort}/ferretdb`, `--listen-addr=127.0.0.1:${port}`, '--log-level=warn'], { stdio: ['pipe', 'inherit', 'inherit'] });
  stops.push(async () => {
    ferret.kill('SIGTERM');
    await new Promise((done) => (ferret.exitCode !== null ? done() : ferret.once('exit', done)));
  });
  const { MongoClient } = await import('mongodb');
  for (let attempt = 0; ; attempt++) {
    try {
      const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 500 });
      await client.db('admin').command({ ping: 1 });
      await client.close();
      break;
    } catch (error) {
      if (attempt > 40) throw error;
      await sleep(250);
    }
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, label: `FerretDB 1.24 on PostgreSQL (${binary.split('/').pop()}, 127.0.0.1:${port})` };
}
