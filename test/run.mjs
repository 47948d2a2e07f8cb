// `npm test [-- jest args]`: makes the test CA, installs Chromium if missing (the card layout suite), starts one database for the whole run, then runs jest with Node
// trusting the CA (NODE_EXTRA_CA_CERTS is read only at start-up) and with ESM enabled (Agenda 6 is ESM-only).
// The database is calbot's own embedded launcher (a mongod on PATH if there is one, else FerretDB: FerretDB on this project's machines), so every run exercises it; MONGODB_URI set
// points the tests at that server instead. Test files each use a database of their own.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { ensureTestCertificates } from './support/test-ca.mjs';

register();
const { startEmbeddedDatabase } = await import('../src/store/embedded-database.ts');
const { createLogger } = await import('../src/log.ts');
const { ensureChromium } = await import('./support/chromium.ts');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tlsDir = join(root, '.test-tmp', 'tls');
const tls = ensureTestCertificates(tlsDir);
ensureChromium();

let database;
let mongodbUri = process.env.MONGODB_URI;
const dataDir = join(root, '.test-tmp', `db-${process.pid}`);
if (!mongodbUri) {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  database = await startEmbeddedDatabase({ dataDir, logger: createLogger('warn') });
  mongodbUri = database.uri;
  console.log(`test database: ${database.description} (ready in ${Date.now() - started} ms)`);
}

const env = {
  ...process.env,
  NODE_EXTRA_CA_CERTS: tls.ca,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  CALBOT_TEST_TLS_DIR: tlsDir,
  CALBOT_TEST_MONGODB_URI: mongodbUri,
};
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const child = spawn(process.execPath, [jest, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((done) => child.on('exit', (status, signal) => done(status ?? (signal ? 1 : 0))));
await database?.stop();
if (database) rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
