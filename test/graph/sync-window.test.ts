// Lives beside the Graph tests because the delta window is what the delta token is bound to (src/sync/sync-window.ts).
import { syncWindow, windowMoved } from '../../src/sync/sync-window.js';

describe('syncWindow', () => {
  test.each([
    ['morning', '2026-11-20T08:00:00Z', 7, 180, '2026-11-13T00:00:00.000Z', '2027-05-20T00:00:00.000Z'],
    ['one ms before midnight', '2026-11-20T23:59:59.999Z', 7, 180, '2026-11-13T00:00:00.000Z', '2027-05-20T00:00:00.000Z'],
    ['at midnight it moves', '2026-11-21T00:00:00Z', 7, 180, '2026-11-14T00:00:00.000Z', '2027-05-21T00:00:00.000Z'],
    ['no past, one future day', '2026-11-20T12:00:00Z', 0, 1, '2026-11-20T00:00:00.000Z', '2026-11-22T00:00:00.000Z'],
  ])('%s', (_name, now, past, future, start, end) => {
    const window = syncWindow(new Date(now), past, future);
    expect(window.start.toISOString()).toBe(start);
    expect(window.end.toISOString()).toBe(end);
  });
});

describe('windowMoved', () => {
  const window = syncWindow(new Date('2026-11-20T08:00:00Z'), 7, 180);
  test.each([
    ['no state', undefined, true],
    ['no window stored', {}, true],
    ['same window later the same day', { windowStart: syncWindow(new Date('2026-11-20T22:00:00Z'), 7, 180).start, windowEnd: syncWindow(new Date('2026-11-20T22:00:00Z'), 7, 180).end }, false],
    ['yesterday', { windowStart: syncWindow(new Date('2026-11-19T22:00:00Z'), 7, 180).start, windowEnd: syncWindow(new Date('2026-11-19T22:00:00Z'), 7, 180).end }, true],
    ['future days changed in config', { windowStart: window.start, windowEnd: syncWindow(new Date('2026-11-20T08:00:00Z'), 7, 90).end }, true],
  ] as [string, { windowStart?: Date; windowEnd?: Date } | undefined, boolean][])('%s', (_name, state, expected) => {
    expect(windowMoved(state, window)).toBe(expected);
  });
});
