// `npm run cards:render [-- DIR]`: renders calbot's cards as Teams lays them out (Microsoft's Adaptive Cards renderer
// in headless Chromium, a Teams-like host config; test/support/card-render.ts) to PNGs in DIR (default docs/cards),
// at a phone's width and at Teams desktop's, and the busy day's card JSON. The README shows them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './support/chromium.js';
import { openCardRenderer } from './support/card-render.js';
import { busyDayAnswer, sampleNoticeSummaries, sampleSignInCards, whoIsInvitedAnswer } from './support/sample-cards.js';

const dir = process.argv[2] ?? 'docs/cards';
mkdirSync(dir, { recursive: true });
ensureChromium();
const renderer = await openCardRenderer();
const images: [string, object, number][] = [
  ['busy-day-desktop', busyDayAnswer('24h').attachment.content as object, 540],
  ['busy-day-phone', busyDayAnswer('24h').attachment.content as object, 320],
  ['busy-day-phone-12h', busyDayAnswer('12h').attachment.content as object, 280],
  ['who-is-invited', whoIsInvitedAnswer().attachment.content as object, 360],
  ['change-notices', sampleNoticeSummaries('Quarterly review')[1]!.content as object, 360],
  ['sign-in', sampleSignInCards()[0]![1].content as object, 360],
];
for (const [name, card, width] of images) {
  const rendered = await renderer.render(card, width, { screenshot: true });
  writeFileSync(join(dir, `${name}.png`), rendered.png!);
  console.log(`${join(dir, `${name}.png`)}: ${width} × ${rendered.height} px${rendered.problems.length ? `, ${rendered.problems.length} layout problems: ${JSON.stringify(rendered.problems)}` : ''}`);
}
// The busy day's card as calbot sends it (the attachment's content), beside its pictures.
writeFileSync(join(dir, 'busy-day.json'), `${JSON.stringify(busyDayAnswer('24h').attachment.content, null, 2)}\n`);
await renderer.close();
