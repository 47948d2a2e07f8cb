import { DateTime, FixedOffsetZone } from 'luxon';
import type { TimeRange } from './free-slots.js';
import { luxonZone } from './zone-offsets.js';

/**
 * Reads instants as local date-times in one IANA zone. luxon asks Intl for an IANA zone's offset on every
 * conversion (formatToParts, a few microseconds each), and a card converts two instants per row. Inside `span`,
 * when the offset at both of its ends is the same, every instant gets that offset from a fixed-offset zone
 * instead. A span that holds an offset change (DST) has different offsets at its ends, so it keeps asking Intl;
 * only a change and its reversal within the span could hide, and no zone's rules put two changes within two days.
 * Instants outside `span`, and spans longer than two days, always ask Intl.
 */
export type LocalClock = (instant: Date) => DateTime;

const MAX_FIXED_SPAN_MS = 2 * 24 * 60 * 60 * 1000;

export function localClock(zone: string, span?: TimeRange): LocalClock {
  const named = luxonZone(zone);
  const inZone: LocalClock = (instant) => DateTime.fromJSDate(instant, { zone: named });
  if (!span) return inZone;
  const from = span.start.getTime();
  const to = span.end.getTime();
  if (!(to > from) || to - from > MAX_FIXED_SPAN_MS) return inZone;
  const offset = DateTime.fromMillis(from, { zone: named }).offset;
  if (!Number.isFinite(offset) || DateTime.fromMillis(to - 1, { zone: named }).offset !== offset) return inZone;
  const fixed = FixedOffsetZone.instance(offset);
  return (instant) => {
    const at = instant.getTime();
    return at >= from && at < to ? DateTime.fromMillis(at, { zone: fixed }) : inZone(instant);
  };
}
