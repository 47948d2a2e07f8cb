import { IANAZone, Info, type Zone } from 'luxon';

/**
 * The luxon zone for an IANA name, remembering the offsets it has computed. luxon asks Intl for an IANA zone's
 * offset at every conversion (a formatToParts call, the largest part of a question's date work), and a turn asks
 * for the same few instants again and again: the user's midnight today and tomorrow, in every step that reads the
 * question's range. luxon computes an offset from the instant's whole second (Intl has no finer field), so an
 * offset remembered per second is exactly the one luxon would compute. Other zones ("UTC", "UTC+3", unknown
 * names) are luxon's own.
 */
export function luxonZone(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    const normalized = Info.normalizeZone(name);
    zone = normalized.type === 'iana' && normalized.isValid ? new OffsetMemoZone(normalized.name) : normalized;
    if (zones.size < MAX_ZONES) zones.set(name, zone);
  }
  return zone;
}

/** About 600 IANA names and their aliases; names come from validated input, this only bounds the map. */
const MAX_ZONES = 2_000;
/** Per zone: a turn touches a handful of seconds; a busy process, a few thousand distinct ones an hour. */
const MAX_OFFSETS_PER_ZONE = 4_096;
const zones = new Map<string, Zone>();

class OffsetMemoZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    const second = Math.floor(ts / 1000);
    let offset = this.offsets.get(second);
    if (offset === undefined) {
      offset = super.offset(ts);
      if (this.offsets.size >= MAX_OFFSETS_PER_ZONE) this.offsets.clear();
      this.offsets.set(second, offset);
    }
    return offset;
  }
}
