// `node bench/run.mjs <name> [args]`: runs bench/<name>.bench.ts (e.g. `chat/ask`) the way test/run.mjs runs jest:
// the test CA trusted (NODE_EXTRA_CA_CERTS is read only at start-up, and the HTTPS fakes need it) and TypeScript
// loaded through tsx. The benchmark starts its own database (see bench/support/bench-database.ts).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestCertificates } from '../test/support/test-ca.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const [name, ...args] = process.argv.slice(2);

function listBenches(dir = benchDir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listBenches(join(dir, entry.name)) : entry.name.endsWith('.bench.ts') ? [relative(benchDir, join(dir, entry.name)).replace(/\.bench\.ts$/, '')] : [],
  );
}

const file = name ? join(benchDir, `${name.replace(/\.bench\.ts$/, '')}.bench.ts`) : undefined;
if (!file || !existsSync(file)) {
  console.error(`usage: node bench/run.mjs <name> [args]; benchmarks: ${listBenches().join(', ') || '(none)'}`);
  process.exit(2);
}

const tlsDir = join(root, '.test-tmp', 'tls');
const tls = ensureTestCertificates(tlsDir);
const env = {
  ...process.env,
  NODE_EXTRA_CA_CERTS: tls.ca,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  CALBOT_TEST_TLS_DIR: tlsDir,
};
const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: root, env, stdio: 'inherit' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((done) => child.on('exit', (status, signal) => done(status ?? (signal ? 1 : 0))));
process.exit(code);
