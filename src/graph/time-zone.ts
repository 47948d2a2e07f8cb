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
  const trimmed = name.trim();
  if (/^(utc|gmt|etc\/utc|tzone:\/\/microsoft\/utc)$/i.test(trimmed)) return 'UTC';
  const fromWindows = findIana(trimmed).find((zone) => IANAZone.isValidZone(zone));
  if (fromWindows) return fromWindows;
  return IANAZone.isValidZone(trimmed) ? canonicalZone(trimmed) : undefined;
}

function canonicalZone(name: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
}
