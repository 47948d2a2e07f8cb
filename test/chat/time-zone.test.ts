import { DateTime, IANAZone } from 'luxon';
import { BadTimeZoneInput, describeUserZone, parseTimeZoneCommand, resolveUserZone, userZoneWithSource } from '../../src/chat/time-zone.js';
import { toIanaTimeZone as windowsToIana } from '../../src/graph/time-zone.js';

describe('Windows zone names to IANA', () => {
  it.each([
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Eastern Standard Time', 'America/New_York'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['GMT Standard Time', 'Europe/London'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['New Zealand Standard Time', 'Pacific/Auckland'],
    ['Hawaiian Standard Time', 'Pacific/Honolulu'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
  ])('%s -> %s', (windows, iana) => {
    expect(windowsToIana(windows)).toBe(iana);
  });

  it('maps India Standard Time to a zone luxon accepts', () => {
    expect(IANAZone.isValidZone(windowsToIana('India Standard Time')!)).toBe(true);
  });

  it('knows nothing of made-up names', () => {
    expect(windowsToIana('Middle Earth Standard Time')).toBeUndefined();
  });
});

describe('zone names as users and Teams send them', () => {
  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['America/Argentina/Buenos_Aires', 'America/Buenos_Aires'], // ICU's spelling
    ['UTC', 'UTC'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
    ['Europe/Pariss', undefined],
    ['', undefined],
    [undefined, undefined],
    ['../../etc/passwd', undefined],
  ])('%s -> %s', (zone, iana) => {
    expect(windowsToIana(zone)).toBe(iana);
  });
});

describe('resolveUserZone', () => {
  it.each([
    [{ override: 'Europe/Paris', mailbox: 'Eastern Standard Time', client: 'Asia/Tokyo' }, 'Europe/Paris'],
    [{ override: 'Bogus/Zone', mailbox: 'Eastern Standard Time', client: 'Asia/Tokyo' }, 'America/New_York'],
    [{ mailbox: 'W. Europe Standard Time' }, 'Europe/Berlin'],
    [{ mailbox: 'Europe/Lisbon', client: 'Asia/Tokyo' }, 'Europe/Lisbon'],
    [{ mailbox: 'europe/lisbon' }, 'Europe/Lisbon'],
    [{ mailbox: 'Customized Time Zone', client: 'Asia/Tokyo' }, 'Asia/Tokyo'],
    [{ client: 'America/Sao_Paulo' }, 'America/Sao_Paulo'],
    [{ client: 'nonsense' }, 'UTC'],
    [{ override: '../../etc/passwd', client: 'Asia/Tokyo' }, 'Asia/Tokyo'],
    [{}, 'UTC'],
  ])('%j -> %s', (sources, zone) => {
    expect(resolveUserZone(sources)).toBe(zone);
  });
});

describe('parseTimeZoneCommand', () => {
  it.each([
    ['timezone Europe/Paris', { zone: 'Europe/Paris' }],
    ['time zone: America/New_York', { zone: 'America/New_York' }],
    ['Timezone europe/paris', { zone: 'Europe/Paris' }],
    ['tz Asia/Tokyo', { zone: 'Asia/Tokyo' }],
    ['set my timezone to Europe/London', { zone: 'Europe/London' }],
    ['timezone W. Europe Standard Time', { zone: 'Europe/Berlin' }],
    ['timezone "Pacific/Auckland"', { zone: 'Pacific/Auckland' }],
    ['timezone reset', { clear: true }],
    ['timezone', { show: true }],
    ['time zone?', { show: true }],
    ["what's my timezone?", { show: true }],
    ['whats my time zone', { show: true }],
    ['what is my tz', { show: true }],
    ['which time zone do you use', { show: true }],
    ['My timezone', { show: true }],
    // The time asked: the user's, in the zone calbot uses, which the answer names.
    ['what time is it?', { show: true }],
    ["What's the time now", { show: true }],
    ['what time is it here', { show: true }],
    ['what time is it in tokyo', undefined],
    // A city, a Windows name in any case, the abbreviations people use for zones with daylight saving time.
    ['timezone paris', { zone: 'Europe/Paris' }],
    ['timezone New York', { zone: 'America/New_York' }],
    ['timezone tokyo', { zone: 'Asia/Tokyo' }],
    ['timezone istanbul', { zone: 'Europe/Istanbul' }],
    ['time zone is berlin', { zone: 'Europe/Berlin' }],
    ['timezone pacific standard time', { zone: 'America/Los_Angeles' }],
    ['timezone EST', { zone: 'America/New_York' }],
    ['timezone MST', { zone: 'America/Denver' }],
    ['timezone BST', { zone: 'Europe/London' }],
    ['timezone UTC+0', { zone: 'UTC' }],
    ['what is on today', undefined],
    ['help', undefined],
  ])('%s', (text, expected) => {
    expect(parseTimeZoneCommand(text)).toEqual(expected);
  });

  it.each(['timezone Mars/Olympus_Mons', 'timezone:', 'time zone: 42', 'timezone Europe/Pariss', 'timezone constructor', 'timezone __proto__', 'timezone toString'])('%s is a bad-input error', (text) => {
    const result = parseTimeZoneCommand(text);
    expect(result).toBeInstanceOf(BadTimeZoneInput);
    expect((result as BadTimeZoneInput).kind).toBe('bad-input');
    expect((result as BadTimeZoneInput).message).toMatch(/Europe\/Paris/);
  });
});

describe('a UTC offset typed', () => {
  it.each([
    ['timezone +2', 'UTC+2'],
    ['timezone UTC+2', 'UTC+2'],
    ['timezone GMT-5', 'UTC−5'],
    ['tz +5:30', 'UTC+5:30'],
  ])('%s: asks for the name, with zones at that offset now', (text, label) => {
    const result = parseTimeZoneCommand(text);
    expect(result).toBeInstanceOf(BadTimeZoneInput);
    const message = (result as BadTimeZoneInput).message;
    expect(message).toMatch(/^A UTC offset doesn't follow daylight saving time, so tell me your zone by its name, like "timezone [A-Z][A-Za-z_]+\/[A-Za-z_]+" or the city you are in \(.+ at /);
    expect(message).toContain(`at ${label} right now).`);
    // Each zone offered is at that offset now, and none is Etc/GMT-5 (its sign is the opposite of the one typed).
    const zones = [...message.matchAll(/([A-Z][a-z]+\/[A-Za-z_]+)/g)].map((m) => m[1]!);
    expect(zones.length).toBeGreaterThan(0);
    const minutes = { 'UTC+2': 120, 'UTC−5': -300, 'UTC+5:30': 330 }[label]!;
    for (const zone of zones) expect(DateTime.utc().setZone(zone).offset).toBe(minutes);
  });
});

describe('userZoneWithSource and describeUserZone', () => {
  it.each([
    [{ override: 'Asia/Tokyo', mailbox: 'Pacific Standard Time', client: 'Europe/Paris' }, 'Asia/Tokyo', 'override', 'Times are shown in Asia/Tokyo, as you set it (currently 09:30). Say "timezone reset" to follow Outlook again.'],
    [{ mailbox: 'Pacific Standard Time', client: 'Europe/Paris' }, 'America/Los_Angeles', 'mailbox', 'Times are shown in America/Los_Angeles, from your Outlook settings (currently 09:30).'],
    [{ mailbox: 'Customized Time Zone', client: 'Europe/Paris' }, 'Europe/Paris', 'client', 'Times are shown in Europe/Paris, from Teams (currently 09:30).'],
    [{ client: 'Not/A_Zone' }, 'UTC', 'default', 'Times are shown in UTC (currently 09:30): neither Outlook nor Teams has told me your time zone. Say "timezone Europe/Paris" to set it.'],
  ] as const)('%j -> %s from %s', (sources, zone, source, sentence) => {
    expect(userZoneWithSource(sources)).toEqual({ zone, source });
    expect(resolveUserZone(sources)).toBe(zone);
    expect(describeUserZone(zone, source, '09:30')).toBe(sentence);
  });
});
