import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { luxonZone } from '../../src/chat/zone-offsets.js';

// The remembered offsets must be luxon's own, to the second, wherever a zone's offset changes: DST both ways,
// 30- and 45-minute zones, a zone that skipped a whole day, and a historical offset with seconds in it.
const zones = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Apia', 'Africa/Monrovia'];
const around: [zone: string, iso: string][] = [
  ['Europe/London', '2026-03-29T01:00:00Z'],
  ['Europe/London', '2026-10-25T01:00:00Z'],
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
  ['Pacific/Apia', '2011-12-30T10:00:00Z'], // jumped from UTC-10 to UTC+14: 30 December 2011 never happened there
  ['Africa/Monrovia', '1972-01-07T00:44:30Z'], // from -00:44:30 to UTC at a time that is not a whole minute
];

describe('luxonZone', () => {
  it.each(around)('%s around %s: every instant reads as in the plain IANA zone', (zone, iso) => {
    const centre = Date.parse(iso);
    const remembered = luxonZone(zone);
    let changes = 0;
    let previous: number | undefined;
    // Second by second through the change (twice: the second pass reads remembered offsets), then every 7 minutes
    // for two days either side.
    const instants = [
      ...Array.from({ length: 240 }, (_, i) => centre - 120_000 + i * 1_000 + (i % 3) * 333),
      ...Array.from({ length: 240 }, (_, i) => centre - 120_000 + i * 1_000 + 999),
      ...Array.from({ length: 830 }, (_, i) => centre - 48 * 3_600_000 + i * 7 * 60_000),
    ];
    for (const at of instants) {
      const expected = DateTime.fromMillis(at, { zone });
      const got = DateTime.fromMillis(at, { zone: remembered });
      expect([got.offset, got.year, got.month, got.day, got.hour, got.minute, got.second]).toEqual([
        expected.offset, expected.year, expected.month, expected.day, expected.hour, expected.minute, expected.second,
      ]);
      if (previous !== undefined && expected.offset !== previous) changes++;
      previous = expected.offset;
    }
    expect(changes).toBeGreaterThan(0);
  });

  it.each(zones)('%s: local wall times resolve to the same instants (startOf, set, plus, fromISO)', (zone) => {
    const remembered = luxonZone(zone);
    for (let day = 0; day < 400; day += 3) {
      const plain = DateTime.fromISO('2026-01-01T00:00', { zone }).plus({ days: day });
      const memo = DateTime.fromISO('2026-01-01T00:00', { zone: remembered }).plus({ days: day });
      for (const hour of [0, 1, 2, 3, 12, 23]) {
        expect(memo.set({ hour, minute: 30 }).toMillis()).toBe(plain.set({ hour, minute: 30 }).toMillis());
      }
      expect(memo.startOf('day').toMillis()).toBe(plain.startOf('day').toMillis());
      expect(memo.endOf('week').toMillis()).toBe(plain.endOf('week').toMillis());
    }
  });

  it('is the same zone to luxon: equal, same name, and one instance per name', () => {
    const zone = luxonZone('Europe/Berlin');
    expect(zone).toBe(luxonZone('Europe/Berlin'));
    expect(zone.name).toBe('Europe/Berlin');
    expect(zone.equals(IANAZone.create('Europe/Berlin'))).toBe(true);
    expect(IANAZone.create('Europe/Berlin').equals(zone)).toBe(true);
    const at = new Date('2026-07-01T10:00:00Z');
    expect(DateTime.fromJSDate(at, { zone }).hasSame(DateTime.fromJSDate(at, { zone: 'Europe/Berlin' }), 'day')).toBe(true);
    expect(DateTime.fromJSDate(at, { zone }).toISO()).toBe('2026-07-01T12:00:00.000+02:00');
  });

  it('leaves UTC, fixed offsets and unknown names to luxon', () => {
    expect(luxonZone('UTC')).toBe(FixedOffsetZone.utcInstance);
    expect(luxonZone('UTC+3').offset(0)).toBe(180);
    const unknown = luxonZone('Mars/Olympus_Mons');
    expect(unknown.isValid).toBe(false);
    expect(DateTime.fromMillis(0, { zone: unknown }).isValid).toBe(false);
  });

  it('keeps reading correctly after its memory of one zone fills up and is cleared', () => {
    const zone = luxonZone('America/New_York');
    const start = Date.parse('2026-03-08T06:00:00Z');
    // 10,000 distinct seconds: more than the per-zone memory holds.
    for (let i = 0; i < 10_000; i++) {
      const at = start + i * 1_000;
      expect(DateTime.fromMillis(at, { zone }).offset).toBe(DateTime.fromMillis(at, { zone: 'America/New_York' }).offset);
    }
  });
});
