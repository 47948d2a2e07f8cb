// The card layout suite renders cards in headless Chromium (test/support/card-render.ts). On a fresh machine, as
// root, this installs Debian's chromium package (about 25 s); anywhere else it says what to install. CHROMIUM_PATH
// points at another Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureChromium(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    console.warn(`No Chromium at ${path}: the card layout suite will fail. Install it (sudo apt-get install chromium) or set CHROMIUM_PATH.`);
    return undefined;
  }
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args: string[]) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  if (!apt('install', '-y', '-qq', 'chromium') && !(apt('update', '-qq') && apt('install', '-y', '-qq', 'chromium'))) {
    console.warn('apt-get could not install chromium: the card layout suite will fail.');
    return undefined;
  }
  console.log(`chromium: installed from Debian's packages in ${Date.now() - started} ms`);
  return path;
}
