import { DateTime } from 'luxon';
import { IANA_ALIAS_MAP, WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { toIanaTimeZone } from '../graph/time-zone.js';

/**
 * Which IANA zone a user's answers are in. Outlook's mailboxSettings.timeZone may be a Windows name
 * ("W. Europe Standard Time"); Teams' clientInfo sends IANA; the user can override both.
 */

export interface UserZoneSources {
  /** "timezone Europe/Paris", stored on the chat user. */
  override?: string | undefined;
  /** mailboxSettings.timeZone (Windows or IANA). */
  mailbox?: string | undefined;
  /** Teams clientInfo entity's timezone. */
  client?: string | undefined;
}

/**
 * First usable of the user's override, the mailbox's zone, the Teams client's zone; else UTC. Asked on every
 * question: toIanaTimeZone remembers each name it has checked, so this costs no Intl call after the first.
 */
export function resolveUserZone(sources: UserZoneSources): string {
  return toIanaTimeZone(sources.override) ?? toIanaTimeZone(sources.mailbox) ?? toIanaTimeZone(sources.client) ?? 'UTC';
}

/** Where the zone of a user's answers comes from: their "timezone" override, Outlook, Teams, or nowhere (UTC). */
export type ZoneSource = 'override' | 'mailbox' | 'client' | 'default';

/** resolveUserZone, saying which source won (for "timezone" and "status"). */
export function userZoneWithSource(sources: UserZoneSources): { zone: string; source: ZoneSource } {
  for (const source of ['override', 'mailbox', 'client'] as const) {
    const zone = toIanaTimeZone(sources[source]);
    if (zone) return { zone, source };
  }
  return { zone: 'UTC', source: 'default' };
}

/**
 * "Times are shown in Europe/Berlin, from your Outlook settings (currently 14:05)." — the zone, where it comes
 * from, and the time there (`localTime`), as one or two sentences.
 */
export function describeUserZone(zone: string, source: ZoneSource, localTime: string): string {
  switch (source) {
    case 'override':
      return `Times are shown in ${zone}, as you set it (currently ${localTime}). Say "timezone reset" to follow Outlook again.`;
    case 'mailbox':
      return `Times are shown in ${zone}, from your Outlook settings (currently ${localTime}).`;
    case 'client':
      return `Times are shown in ${zone}, from Teams (currently ${localTime}).`;
    case 'default':
      return `Times are shown in ${zone} (currently ${localTime}): neither Outlook nor Teams has told me your time zone. Say "timezone Europe/Paris" to set it.`;
  }
}

/** The user typed "timezone ..." with something that is not a zone: one sentence they can act on. */
export class BadTimeZoneInput extends Error {
  readonly kind = 'bad-input';
  /** `offset`: what was typed is a UTC offset ("+2", "UTC-5"), `zones` those at that offset now. */
  constructor(
    readonly input: string,
    offset?: { label: string; zones: string[] },
  ) {
    super(
      offset
        ? `A UTC offset doesn't follow daylight saving time, so tell me your zone by its name, like "timezone ${offset.zones[0] ?? 'Europe/Paris'}" or the city you are in${offset.zones.length > 0 ? ` (${listed(offset.zones)} ${offset.zones.length === 1 ? 'is' : 'are'} at ${offset.label} right now)` : ''}.`
        : input === ''
          ? 'Tell me which time zone, like "timezone Europe/Paris" or "timezone America/New_York".'
          : `I don't know the time zone "${input}". Use a name like Europe/Paris or America/New_York (or a Windows name like "W. Europe Standard Time").`,
    );
    this.name = 'BadTimeZoneInput';
  }
}

export type TimeZoneCommand = { zone: string } | { clear: true } | { show: true };

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Abbreviations people type for a zone that keeps daylight saving time: ICU reads EST and MST as fixed offsets
 * (America/Panama, America/Phoenix), BST as Bangladesh; said in chat they nearly always mean these. The answer
 * names the zone picked, so someone who meant another says so.
 */
const ABBREVIATION_ZONES: Record<string, string> = {
  est: 'America/New_York', edt: 'America/New_York', et: 'America/New_York', eastern: 'America/New_York',
  cst: 'America/Chicago', cdt: 'America/Chicago', ct: 'America/Chicago', central: 'America/Chicago',
  mst: 'America/Denver', mdt: 'America/Denver', mt: 'America/Denver', mountain: 'America/Denver',
  pst: 'America/Los_Angeles', pdt: 'America/Los_Angeles', pt: 'America/Los_Angeles', pacific: 'America/Los_Angeles',
  akst: 'America/Anchorage', akdt: 'America/Anchorage', hst: 'Pacific/Honolulu',
  bst: 'Europe/London', ist: 'Asia/Kolkata', cet: 'Europe/Paris', cest: 'Europe/Paris', eet: 'Europe/Athens', eest: 'Europe/Athens',
  wet: 'Europe/Lisbon', west: 'Europe/Lisbon', jst: 'Asia/Tokyo', kst: 'Asia/Seoul', sgt: 'Asia/Singapore',
  aest: 'Australia/Sydney', aedt: 'Australia/Sydney', acst: 'Australia/Adelaide', awst: 'Australia/Perth', nzst: 'Pacific/Auckland', nzdt: 'Pacific/Auckland',
};

/** Looked up as typed: a Map, so that "constructor" or "__proto__" names no zone (an object's keys would). */
const ABBREVIATIONS = new Map(Object.entries(ABBREVIATION_ZONES));

/** "+2", "UTC+2", "GMT-05:00", "utc +5:30". */
const UTC_OFFSET = /^(?:utc|gmt)?\s*([+\-\u2212])\s*(\d{1,2})(?:[:.]?(\d{2}))?$/i;

/** Zones offered for an offset typed, in this order: one place people know per offset. */
const WELL_KNOWN_ZONES = [
  'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Europe/Athens', 'Africa/Cairo', 'Africa/Johannesburg', 'Europe/Moscow', 'Asia/Dubai',
  'Asia/Karachi', 'Asia/Kolkata', 'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Brisbane',
  'Australia/Sydney', 'Pacific/Auckland', 'Atlantic/Azores', 'America/Noronha', 'America/Sao_Paulo', 'America/Halifax', 'America/New_York',
  'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'UTC',
];

let byCity: Map<string, string> | undefined;
/**
 * "paris" -> Europe/Paris, "new york" -> America/New_York, "kolkata" (ICU says Asia/Calcutta): the last part of an
 * IANA name or of one of its aliases, or the place CLDR names the zone after, case and underscores aside.
 */
function zoneOfCity(city: string): string | undefined {
  if (!byCity) {
    const places = new Map<string, string>();
    const add = (place: string, zone: string | undefined) => {
      const key = place.replace(/_/g, ' ').toLowerCase();
      if (key && zone && !places.has(key)) places.set(key, zone);
    };
    // Not Etc/GMT-5 as "gmt-5": its sign is POSIX's, the opposite of what anyone typing it means.
    const place = (zone: string) => (zone.startsWith('Etc/') ? '' : zone.slice(zone.lastIndexOf('/') + 1));
    for (const zone of Intl.supportedValuesOf('timeZone')) add(place(zone), zone);
    for (const { alias, description } of Object.values(IANA_ALIAS_MAP)) {
      const zone = toIanaTimeZone(alias[0]);
      for (const name of alias) add(place(name), zone);
      add(description.split(',')[0]!.trim(), zone);
    }
    byCity = places;
  }
  return byCity.get(city.toLowerCase().replace(/[_\s]+/g, ' '));
}

/** A Windows name as typed in any case ("pacific standard time"): Outlook's spelling, for toIanaTimeZone. */
function windowsName(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\s+/g, ' ');
  return Object.values(WINDOWS_TO_IANA_MAP).find((entry) => entry.windowsName.toLowerCase() === lower)?.windowsName;
}

/** The zone a user means by what they typed: an IANA or Windows name (any case), a usual abbreviation, a city. */
function zoneFromUserInput(input: string): string | undefined {
  const abbreviation = ABBREVIATIONS.get(input.toLowerCase());
  if (abbreviation) return abbreviation;
  return toIanaTimeZone(input) ?? toIanaTimeZone(windowsName(input)) ?? zoneOfCity(input);
}

/**
 * The zone a time in a question is said in, from the words after the time ("3pm est", "10am new york time", "9
 * pacific time", "14:00 utc", "at 3 in london time"): a usual abbreviation alone, or a zone's or a city's name before
 * "time" (a city alone is too often a meeting's place or name). `used`: how many of `words` name it; `name` as said.
 */
export function zoneOfTimeWords(words: readonly string[]): { zone: string; used: number; name: string } | undefined {
  const skip = words[0] === 'in' ? 1 : 0;
  const first = words[skip];
  if (first === undefined) return undefined;
  const timeAfter = (at: number) => (words[at] === 'time' ? 1 : 0);
  const abbreviation = first === 'utc' || first === 'gmt' ? 'UTC' : ABBREVIATIONS.get(first);
  if (abbreviation && first.length >= 3) return { zone: abbreviation, used: skip + 1 + timeAfter(skip + 1), name: first.toUpperCase() };
  for (let count = 3; count >= 1; count--) {
    if (words[skip + count] !== 'time') continue;
    const said = words.slice(skip, skip + count).join(' ');
    const zone = ABBREVIATIONS.get(said) ?? zoneOfCity(said);
    if (zone) return { zone, used: skip + count + 1, name: `${said.replace(/\b\p{L}/gu, (letter) => letter.toUpperCase())} time` };
  }
  return undefined;
}

function offsetInput(input: string): { label: string; zones: string[] } | undefined {
  const match = UTC_OFFSET.exec(input);
  if (!match) return undefined;
  const minutes = (match[1] === '+' ? 1 : -1) * (Number(match[2]) * 60 + Number(match[3] ?? 0));
  const label = `UTC${minutes < 0 ? '−' : '+'}${Math.floor(Math.abs(minutes) / 60)}${Math.abs(minutes) % 60 ? `:${String(Math.abs(minutes) % 60).padStart(2, '0')}` : ''}`;
  const now = DateTime.utc();
  const zones = WELL_KNOWN_ZONES.filter((zone) => now.setZone(zone).offset === minutes).slice(0, 3);
  return { label, zones };
}

// "is" and "to" as words: "timezone istanbul", "timezone tokyo" name a place.
const TIME_ZONE_COMMAND = /^\s*(?:(?:set|change|update)\s+(?:my\s+|the\s+)?|my\s+)?(?:time\s*zone|tz)\s*(?:(?:is|to)\b|=|:)?\s*(.*?)\s*$/i;
/** "reset timezone", "clear my time zone": back to Outlook's (or Teams') zone. */
const RESET_TIME_ZONE = /^\s*(?:reset|clear|remove|unset)\s+(?:my\s+|the\s+)?(?:time\s*zone|tz)(?:\s+override)?\s*$/i;
/** "timezone", "my time zone?", "what's my timezone", "which time zone", "what time is it": which zone answers are in, why, and the time there. */
const SHOW_TIME_ZONE =
  /^\s*(?:(?:(?:what|which)(?:'?s|\s+is)?\s+)?(?:my\s+)?(?:time\s*zone|tz)(?:\s+(?:am i in|do you use|are you using))?|(?:what(?:'?s|\s+is)\s+the\s+time|what\s+time\s+is\s+it)(?:\s+(?:now|here|for me|where i am))?)\s*[?.!]*\s*$/i;

/**
 * "timezone Europe/Paris", "time zone: America/New_York", "tz W. Europe Standard Time", "timezone reset".
 * Undefined when the text is not this command; a BadTimeZoneInput value when it is, with a bad zone.
 */
export function parseTimeZoneCommand(text: string): TimeZoneCommand | BadTimeZoneInput | undefined {
  const straight = text.replace(/[\u2018\u2019]/g, "'");
  if (SHOW_TIME_ZONE.test(straight)) return { show: true };
  if (RESET_TIME_ZONE.test(straight)) return { clear: true };
  const match = TIME_ZONE_COMMAND.exec(straight);
  if (!match) return undefined;
  const input = (match[1] ?? '').replace(/^["']|["'.!]$/g, '').trim();
  if (/^(reset|clear|auto|automatic|default|none)$/i.test(input)) return { clear: true };
  const offset = offsetInput(input);
  // "UTC+0" is UTC, which keeps no daylight saving time either.
  if (offset?.label === 'UTC+0') return { zone: 'UTC' };
  if (offset) return new BadTimeZoneInput(input, offset);
  const zone = zoneFromUserInput(input);
  return zone ? { zone } : new BadTimeZoneInput(input);
}
