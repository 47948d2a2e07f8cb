import { parseWorkingHours } from '../../src/graph/working-hours.js';

const graph = (overrides: Record<string, unknown> = {}) => ({
  daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  startTime: '08:00:00.0000000',
  endTime: '17:00:00.0000000',
  timeZone: { name: 'Pacific Standard Time' },
  ...overrides,
});

describe('parseWorkingHours (mailboxSettings.workingHours)', () => {
  it("reads Graph's shape, mapping a Windows zone name to IANA", () => {
    expect(parseWorkingHours(graph())).toEqual({ startMinute: 480, endMinute: 1020, weekdays: [1, 2, 3, 4, 5], zone: 'America/Los_Angeles' });
  });

  it.each([
    ['half hours', { startTime: '08:30:00.0000000', endTime: '16:45:00.0000000' }, { startMinute: 510, endMinute: 1005 }],
    ['short times', { startTime: '7:00', endTime: '15:30:00' }, { startMinute: 420, endMinute: 930 }],
    ['until midnight', { startTime: '18:00:00.0000000', endTime: '00:00:00.0000000' }, { startMinute: 1080, endMinute: 1440 }],
    ['days in any order and case, repeated', { daysOfWeek: ['Friday', 'monday', 'MONDAY', 'sunday'] }, { weekdays: [1, 5, 7] }],
    ['unknown day names are skipped', { daysOfWeek: ['monday', 'someday', 7] }, { weekdays: [1] }],
    ['an IANA zone', { timeZone: { name: 'Europe/Berlin' } }, { zone: 'Europe/Berlin' }],
  ])('%s', (_name, overrides, expected) => {
    expect(parseWorkingHours(graph(overrides))).toMatchObject(expected);
  });

  it('leaves out a zone it cannot map (a customized zone): the hours are then read in the user\'s zone', () => {
    const custom = { '@odata.type': '#microsoft.graph.customTimeZone', bias: -60, name: 'Customized Time Zone', standardOffset: { time: '03:00:00.0000000' } };
    const hours = parseWorkingHours(graph({ timeZone: custom }));
    expect(hours).toEqual({ startMinute: 480, endMinute: 1020, weekdays: [1, 2, 3, 4, 5] });
    expect(parseWorkingHours(graph({ timeZone: null }))).toEqual(hours);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['not an object', 'monday'],
    ['no days', graph({ daysOfWeek: [] })],
    ['days not a list', graph({ daysOfWeek: 'monday' })],
    ['end before start', graph({ startTime: '17:00:00', endTime: '09:00:00' })],
    ['end equal to start', graph({ startTime: '09:00:00', endTime: '09:00:00' })],
    ['an hour past 23', graph({ startTime: '25:00:00' })],
    ['not a time', graph({ endTime: 'five o\'clock' })],
    ['a number', graph({ startTime: 480 })],
  ])('is unusable when %s (the default applies)', (_name, raw) => {
    expect(parseWorkingHours(raw)).toBeUndefined();
  });
});
