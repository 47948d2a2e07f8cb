// `node bench/chat/render-card-png.mjs docs/busy-day-card.json docs/busy-day-card.png`: renders an Adaptive Card
// JSON with Microsoft's own `adaptivecards` renderer (the one Teams' web client builds on) in headless Chromium and
// saves a screenshot. Needs the Debian `chromium` package. For docs only; not part of calbot.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const [input = 'docs/busy-day-card.json', output = 'docs/busy-day-card.png'] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const distDir = dirname(require.resolve('adaptivecards/package.json'));
const script = readFileSync(join(distDir, 'dist', 'adaptivecards.min.js'), 'utf8');
const css = readFileSync(join(distDir, 'dist', 'adaptivecards.css'), 'utf8');
const card = readFileSync(input, 'utf8');

// Teams-like host config: Segoe-ish font stack, Teams colours for Attention/Warning/Good.
const hostConfig = {
  fontFamily: "'Segoe UI', 'Helvetica Neue', 'DejaVu Sans', sans-serif",
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        attention: { default: '#C4314B', subtle: '#C4314B' },
        warning: { default: '#835C00', subtle: '#835C00' },
        good: { default: '#237B4B', subtle: '#237B4B' },
        accent: { default: '#6264A7', subtle: '#6264A7' },
      },
    },
  },
  actions: { actionsOrientation: 'horizontal', buttonSpacing: 8, maxActions: 5 },
};
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #f5f5f5; font-family: 'DejaVu Sans', sans-serif; }
#frame { width: 560px; margin: 16px; padding: 12px 16px; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.2); }
.ac-pushButton { border: 1px solid #c7c7c7; background: #fff; border-radius: 4px; padding: 4px 12px; font-weight: 600; color: #242424; }
</style></head><body><div id="frame"></div><script>${script}</script><script>
const card = new AdaptiveCards.AdaptiveCard();
card.hostConfig = new AdaptiveCards.HostConfig(${JSON.stringify(hostConfig)});
card.parse(${card});
document.getElementById('frame').appendChild(card.render());
</script></body></html>`;

const dir = mkdtempSync(join(tmpdir(), 'calbot-card-'));
const page = join(dir, 'card.html');
writeFileSync(page, html);
const chromium = ['chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((bin) => spawnSync(bin, ['--version']).status === 0);
if (!chromium) throw new Error('chromium not found: apt-get install -y chromium');
const result = spawnSync(
  chromium,
  ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars', `--user-data-dir=${join(dir, 'profile')}`,
    '--window-size=640,720', `--screenshot=${resolve(output)}`, `file://${page}`],
  { encoding: 'utf8', timeout: 60_000 },
);
rmSync(dir, { recursive: true, force: true });
if (result.status !== 0) throw new Error(`chromium failed: ${result.stderr}`);
console.log(`wrote ${output}`);
