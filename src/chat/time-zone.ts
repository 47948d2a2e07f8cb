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

export type TimeZoneCommand = { zone: string } | { clear: true };

const TIME_ZONE_COMMAND = /^\s*(?:set\s+(?:my\s+)?)?(?:time\s*zone|tz)\s*(?:is|to|=|:)?\s*(.*?)\s*$/i;

/**
 * "timezone Europe/Paris", "time zone: America/New_York", "tz W. Europe Standard Time", "timezone reset".
 * Undefined when the text is not this command; a BadTimeZoneInput value when it is, with a bad zone.
 */
export function parseTimeZoneCommand(text: string): TimeZoneCommand | BadTimeZoneInput | undefined {
  const match = TIME_ZONE_COMMAND.exec(text.replace(/[\u2018\u2019]/g, "'"));
  if (!match) return undefined;
  const input = (match[1] ?? '').replace(/^["']|["'.!]$/g, '').trim();
  if (/^(reset|clear|auto|automatic|default|none)$/i.test(input)) return { clear: true };
  const zone = toIanaTimeZone(input);
  return zone ? { zone } : new BadTimeZoneInput(input);
}
