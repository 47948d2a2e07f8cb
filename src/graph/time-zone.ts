import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';

/**
 * Graph names zones three ways: "UTC", Windows names from Outlook ("W. Europe Standard Time") and IANA names
 * (set through other clients). Returns the IANA name in ICU's spelling ("europe/paris" -> "Europe/Paris"), or
 * undefined for a name neither knows. For a Windows name, CLDR's first ("golden") mapping is the zone Windows
 * means ("W. Europe Standard Time" -> Europe/Berlin).
 */
export function toIanaTimeZone(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  // Asked on every question and for every synced event; Intl makes each answer cost tens of microseconds.
  if (known.has(name)) return known.get(name);
  const iana = lookUp(name);
  if (known.size >= KNOWN_LIMIT) known.clear(); // names come from users too: bounded
  known.set(name, iana);
  return iana;
}

const KNOWN_LIMIT = 1_000;
const known = new Map<string, string | undefined>();

function lookUp(name: string): string | undefined {
  const trimmed = name.trim();
  if (/^(utc|gmt|etc\/utc|tzone:\/\/microsoft\/utc)$/i.test(trimmed)) return 'UTC';
  const fromWindows = findIana(trimmed).find((zone) => IANAZone.isValidZone(zone));
  if (fromWindows) return fromWindows;
  return IANAZone.isValidZone(trimmed) ? canonicalZone(trimmed) : undefined;
}

function canonicalZone(name: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
}
