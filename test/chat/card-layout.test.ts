import type { Attachment } from 'botbuilder';
import { openCardRenderer, type CardRenderer, type RenderedCard } from '../support/card-render.js';
import { busyDayAnswer, sampleNoticeSummaries, sampleScheduleAnswers, sampleSignInCards } from '../support/sample-cards.js';

/**
 * Every card as Teams lays it out, by Microsoft's Adaptive Cards renderer in headless Chromium with a Teams-like
 * host config: nothing cut off or wider than the card at a small phone's width (280 px: a 320 px screen less Teams'
 * margins), a common phone's (320, 360) and Teams desktop's chat column (540).
 */
const WIDTHS = [280, 320, 360, 540];

let renderer: CardRenderer;
beforeAll(async () => {
  renderer = await openCardRenderer();
}, 60_000);
afterAll(async () => {
  await renderer?.close();
});

const cards: [string, object][] = [
  ...sampleScheduleAnswers().map(([name, answer]): [string, object] => [name, answer.attachment.content as object]),
  ...sampleNoticeSummaries().map((attachment: Attachment, i): [string, object] => [`change-notice summary ${i + 1}`, attachment.content as object]),
  ...sampleSignInCards().map(([name, attachment]): [string, object] => [name, attachment.content as object]),
];
const cases = cards.flatMap(([name, card]) => WIDTHS.map((width): [string, number, object] => [name, width, card]));

describe('cards as Teams renders them', () => {
  it.each(cases)('%s at %i px: no text cut off, nothing wider than the card, every button whole', async (_name, width, card) => {
    const rendered = await renderer.render(card, width);
    expect(rendered.problems).toEqual([]);
    expect(rendered.texts.length).toBeGreaterThan(0);
  });
});

describe('the connected card, Disconnect pressed', () => {
  it.each(WIDTHS)('at %i px: the confirmation opens in the card, whole, with its own button', async (width) => {
    const connected = sampleSignInCards().find(([name]) => name === 'connected')![1].content as object;
    const closed = await renderer.render(connected, width);
    const open = await renderer.render(connected, width, { press: 'Disconnect' });
    expect(open.problems).toEqual([]);
    expect(closed.texts.map((text) => text.text).join('\n')).not.toContain('deletes calbot');
    expect(open.texts.map((text) => text.text)).toContain("Disconnecting stops syncing and deletes calbot's copy of your calendar and its change notices.");
    expect(open.height).toBeGreaterThan(closed.height);
    expect(closed.buttons).toEqual(['Reconnect', 'Disconnect']);
    expect(open.buttons).toEqual(['Reconnect', 'Disconnect', 'Disconnect Outlook']);
  });
});

describe('a busy day on a phone', () => {
  const rowsOf = (rendered: RenderedCard) => rendered.texts.filter((text) => !text.monospace);
  const times = (rendered: RenderedCard) => rendered.texts.filter((text) => text.monospace);

  it.each([
    ['24h', 280],
    ['12h', 280],
    ['24h', 360],
    ['12h', 360],
  ] as const)('%s clock at %i px: every time on one line and whole, titles in one column with room to read', async (clock, width) => {
    const rendered = await renderer.render(busyDayAnswer(clock).attachment.content as object, width);
    expect(rendered.problems).toEqual([]);
    // Each row's start and end on lines of their own ("09:30" over "10:30"), never wrapped.
    expect(times(rendered).map((time) => time.text)).toEqual(
      clock === '24h'
        ? ['All day', '09:00', '09:15', '09:30', '10:30', '10:00', '10:30', '12:00', '13:00', '13:00', '14:00', '14:00', '15:30', '16:00', '17:00', '23:00', '01:00']
        : ['All day', '9:00 AM', '9:15 AM', '9:30 AM', '10:30 AM', '10:00 AM', '10:30 AM', '12:00 PM', '1:00 PM', '1:00 PM', '2:00 PM', '2:00 PM', '3:30 PM', '4:00 PM', '5:00 PM', '11:00 PM', '1:00 AM'],
    );
    for (const time of times(rendered)) expect(time.lines).toBe(1);
    // One column of titles: the time column is as wide on every row.
    const titles = ['Company offsite prep', 'Standup', 'Design review: calendar cards for phones', '1:1 with Sam', 'Lunch', 'Vendor call — renewal', 'Sprint planning', 'Focus time', 'Release night'];
    const titleBoxes = titles.map((title) => rowsOf(rendered).find((text) => text.text === title)!);
    expect(titleBoxes.every(Boolean)).toBe(true);
    expect(new Set(titleBoxes.map((box) => Math.round(box.left))).size).toBe(1);
    // A title beside a Join button still gets over a quarter of the card (it had 45 px of 280 and cut every time
    // short). The meeting past midnight says its other day beside its place, not in the time column, which a
    // weekday ("Fri 1:00 AM") widened for every row: the longest time is "10:30 AM".
    const standup = titleBoxes[1]!;
    expect(standup.width).toBeGreaterThan(width / 4);
    expect(standup.lines).toBe(1);
    expect(rowsOf(rendered).map((text) => text.text)).toContain('Until Fri · On call');
    // ... and the column is as wide as its longest time, and no wider (12 px on, the column's spacing).
    expect(titleBoxes[0]!.left - Math.max(...times(rendered).map((time) => time.right))).toBeLessThan(16);
  });
});
