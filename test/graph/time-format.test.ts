import { clockStyleOf } from '../../src/graph/time-format.js';

describe('clockStyleOf (mailboxSettings.timeFormat)', () => {
  it.each([
    ['HH:mm', '24h'],
    ['H:mm', '24h'],
    ['HH.mm', '24h'],
    ["H 'h' mm", '24h'],
    ['h:mm tt', '12h'],
    ['hh:mm tt', '12h'],
    ['tt h:mm', '12h'],
    ['h.mm tt', '12h'],
  ])('%s is a %s clock', (format, style) => {
    expect(clockStyleOf(format)).toBe(style);
  });

  it.each([[undefined], [null], [''], [42], ['mm:ss'], ['x'.repeat(100)]])('%j says nothing', (format) => {
    expect(clockStyleOf(format)).toBeUndefined();
  });
});
