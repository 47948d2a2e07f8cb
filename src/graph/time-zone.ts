import { IANAZone } from 'luxon';
import { findIana } from 'windows-iana';

/**
 * Graph names zones three ways: "UTC", Windows names from Outlook ("W. Europe Standard Time") and IANA names
 * (set through other clients). Returns the IANA name luxon understands, or undefined for a name neither knows.
 */
export function toIanaTimeZone(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  const trimmed = name.trim();
  if (/^(utc|gmt|etc\/utc|tzone:\/\/microsoft\/utc)$/i.test(trimmed)) return 'UTC';
  const fromWindows = findIana(trimmed)[0];
  if (fromWindows) return fromWindows;
  return IANAZone.isValidZone(trimmed) ? trimmed : undefined;
}
