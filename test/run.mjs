// `npm test`: makes the test CA, then runs jest with Node trusting it and with ESM enabled (Agenda 6 is ESM-only).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ensureTestCertificates } from './support/test-ca.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tls = ensureTestCertificates(join(root, '.test-tmp', 'tls'));
const env = {
  ...process.env,
  NODE_EXTRA_CA_CERTS: tls.ca,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  CALBOT_TEST_TLS_DIR: join(root, '.test-tmp', 'tls'),
};
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
