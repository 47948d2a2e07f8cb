/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEAMS_HOST_CONFIG } from './teams-host-config.js';

/**
 * Renders a card with Microsoft's own Adaptive Cards renderer (the `adaptivecards` package's browser bundle, which
 * Teams' web client builds on) in headless Chromium, at the width Teams gives a card, and measures what a user would
 * see: text cut off by its box, a box wider than the card, buttons outside it. Debian's Chromium
 * (`/usr/bin/chromium`, installed by test/run.mjs when missing; CHROMIUM_PATH to use another).
 */
export interface CardRenderer {
  /** `press`: the title of a button to press before measuring (an Action.ShowCard opens its card inline). */
  render(card: object, width: number, options?: { screenshot?: boolean; press?: string }): Promise<RenderedCard>;
  close(): Promise<void>;
}

export interface RenderedCard {
  /** A PNG of the card as rendered (only when asked for: `screenshot`). */
  png?: Buffer;
  /** The card's rendered height in CSS pixels. */
  height: number;
  problems: LayoutProblem[];
  /** The titles of the buttons shown, in document order. */
  buttons: string[];
  /** Every text element's rendered box, in document order, with the text it holds. */
  texts: RenderedText[];
}

export interface RenderedText {
  text: string;
  left: number;
  right: number;
  width: number;
  /** Lines the text takes (its height over its line height, rounded). */
  lines: number;
  monospace: boolean;
}

export interface LayoutProblem {
  kind: 'clipped-text' | 'overflows-card' | 'button-clipped';
  text: string;
  detail: string;
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags a headless Chromium needs on this closed network (its background fetches are refused, many at a time). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function openCardRenderer(): Promise<CardRenderer> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: test/run.mjs installs Debian's chromium package (apt-get install chromium), or set CHROMIUM_PATH.`);
  // Without libfaketime (npm run test:hours preloads it): Chromium does not start under it, and a card's layout
  // does not depend on the clock.
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !/^(LD_PRELOAD$|FAKETIME)/.test(entry[0])));
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, env });
  const page: Page = await browser.newPage({ deviceScaleFactor: 2 });
  const require = createRequire(import.meta.url);
  await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #f5f5f5; font-family: 'Segoe UI', 'Liberation Sans', Arial, sans-serif; }
    #bubble { display: inline-block; background: #fff; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.15); margin: 8px; }
    #card { overflow: hidden; }
    /* Teams' buttons: 32 px high, 14 px semibold, a 1 px border, 4 px corners. */
    .ac-pushButton { font: 600 14px 'Segoe UI', 'Liberation Sans', Arial, sans-serif; min-height: 32px; padding: 4px 12px; border: 1px solid #D1D1D1; border-radius: 4px; background: #fff; color: #242424; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
  </style></head><body><div id="bubble"><div id="card"></div></div></body></html>`);
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
  return {
    async render(card, width, options = {}) {
      const measured = await page.evaluate(
        ({ card, width, hostConfig, press }) => {
          const AC = (globalThis as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
          const target = document.getElementById('card')!;
          target.style.width = `${width}px`;
          target.replaceChildren();
          const adaptive = new AC.AdaptiveCard();
          adaptive.hostConfig = new AC.HostConfig(hostConfig);
          adaptive.parse(card);
          const element = adaptive.render();
          if (!element) throw new Error('the renderer returned no element');
          target.appendChild(element);
          if (press) {
            const button = Array.from(target.querySelectorAll<HTMLElement>('button')).find((candidate) => (candidate.textContent ?? '').trim() === press);
            if (!button) throw new Error(`no button titled ${press}`);
            button.click();
          }
          const cardBox = target.getBoundingClientRect();
          const problems: { kind: 'clipped-text' | 'overflows-card' | 'button-clipped'; text: string; detail: string }[] = [];
          const texts: { text: string; left: number; right: number; width: number; lines: number; monospace: boolean }[] = [];
          const tolerance = 0.5;
          for (const node of Array.from(target.querySelectorAll<HTMLElement>('.ac-textBlock, .ac-richTextBlock'))) {
            const text = (node.textContent ?? '').trim();
            if (!text) continue;
            const box = node.getBoundingClientRect();
            const style = getComputedStyle(node.querySelector('p, span') ?? node);
            const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.33;
            const monospace = /mono|courier|consolas/i.test(style.fontFamily);
            texts.push({ text, left: box.left - cardBox.left, right: box.right - cardBox.left, width: box.width, lines: Math.max(1, Math.round(box.height / lineHeight)), monospace });
            // A TextBlock that does not wrap ends in an ellipsis when its box is narrower than its text.
            for (const inner of [node, ...Array.from(node.querySelectorAll<HTMLElement>('p, span'))]) {
              if (inner.scrollWidth > inner.clientWidth + tolerance && getComputedStyle(inner).overflow !== 'visible') {
                problems.push({ kind: 'clipped-text', text, detail: `${inner.scrollWidth}px of text in a ${inner.clientWidth}px box` });
                break;
              }
            }
            if (box.right > cardBox.right + tolerance || box.left < cardBox.left - tolerance) problems.push({ kind: 'overflows-card', text, detail: `spans ${Math.round(box.left - cardBox.left)}–${Math.round(box.right - cardBox.left)}px of a ${width}px card` });
          }
          for (const button of Array.from(target.querySelectorAll<HTMLElement>('button'))) {
            const box = button.getBoundingClientRect();
            const label = (button.textContent ?? '').trim();
            const title = button.querySelector<HTMLElement>('div, span') ?? button;
            if (box.right > cardBox.right + tolerance || box.left < cardBox.left - tolerance) problems.push({ kind: 'button-clipped', text: label, detail: `spans ${Math.round(box.left - cardBox.left)}–${Math.round(box.right - cardBox.left)}px of a ${width}px card` });
            else if (title.scrollWidth > title.clientWidth + tolerance) problems.push({ kind: 'button-clipped', text: label, detail: `its title needs ${title.scrollWidth}px of ${title.clientWidth}px` });
          }
          const buttons = Array.from(target.querySelectorAll<HTMLElement>('button'))
            .filter((button) => button.offsetParent !== null)
            .map((button) => (button.textContent ?? '').trim());
          return { height: Math.ceil(target.getBoundingClientRect().height), problems, texts, buttons };
        },
        { card, width, hostConfig: TEAMS_HOST_CONFIG, press: options.press },
      );
      if (!options.screenshot) return measured;
      return { ...measured, png: await page.locator('#bubble').screenshot() };
    },
    close: () => browser.close(),
  };
}
