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
  constructor(readonly input: string) {
    super(
      input === ''
        ? 'Tell me which time zone, like "timezone Europe/Paris" or "timezone America/New_York".'
        : `I don't know the time zone "${input}". Use a name like Europe/Paris or America/New_York (or a Windows name like "W. Europe Standard Time").`,
    );
    this.name = 'BadTimeZoneInput';
  }
}

export type TimeZoneCommand = { zone: string } | { clear: true } | { show: true };

const TIME_ZONE_COMMAND = /^\s*(?:set\s+(?:my\s+)?)?(?:time\s*zone|tz)\s*(?:is|to|=|:)?\s*(.*?)\s*$/i;
/** "timezone", "my time zone?", "what's my timezone", "which time zone": which zone answers are in, and why. */
const SHOW_TIME_ZONE = /^\s*(?:(?:what|which)(?:'?s|\s+is)?\s+)?(?:my\s+)?(?:time\s*zone|tz)(?:\s+(?:am i in|do you use|are you using))?\s*[?.!]*\s*$/i;

/**
 * "timezone Europe/Paris", "time zone: America/New_York", "tz W. Europe Standard Time", "timezone reset".
 * Undefined when the text is not this command; a BadTimeZoneInput value when it is, with a bad zone.
 */
export function parseTimeZoneCommand(text: string): TimeZoneCommand | BadTimeZoneInput | undefined {
  const straight = text.replace(/[\u2018\u2019]/g, "'");
  if (SHOW_TIME_ZONE.test(straight)) return { show: true };
  const match = TIME_ZONE_COMMAND.exec(straight);
  if (!match) return undefined;
  const input = (match[1] ?? '').replace(/^["']|["'.!]$/g, '').trim();
  if (/^(reset|clear|auto|automatic|default|none)$/i.test(input)) return { clear: true };
  const zone = toIanaTimeZone(input);
  return zone ? { zone } : new BadTimeZoneInput(input);
}
