import { blocksTime, type TimeRange } from './free-slots.js';
import { eventsForDisplay, type DisplayEvent } from './schedule-card.js';
import type { Collections } from '../store/collections.js';

/**
 * Reads the stored calendar (the sync engine's EventDoc mirror) for an answer. MongoDB only: a chat answer never
 * waits on Microsoft Graph. Each read is one query on the `user_start_end` index.
 */

/**
 * All-day events are stored at midnight UTC; the user's local midnight is at most 14 hours away (UTC+14 and
 * UTC-12), so the query widens the range by that much and eventsForDisplay makes the exact cut in the user's zone.
 */
export const ALL_DAY_SLACK_MS = 14 * 60 * 60 * 1000;

/** The EventDoc fields the cards and free-time rules read; nothing else crosses the wire. */
export const DISPLAY_PROJECTION = {
  _id: 0,
  subject: 1,
  start: 1,
  end: 1,
  isAllDay: 1,
  startDate: 1,
  endDate: 1,
  location: 1,
  joinUrl: 1,
  webLink: 1,
  showAs: 1,
  responseStatus: 1,
  isCancelled: 1,
  type: 1,
} as const;

/** How far ahead "next meeting" looks: the sync window's future end is usually well inside this. */
export const NEXT_EVENT_HORIZON_MS = 366 * 24 * 60 * 60 * 1000;

/**
 * The user's events to show for `range` in `zone`: timed events overlapping it and all-day events on its local
 * dates, without cancelled events or series masters, all-day first, then by start.
 */
export async function eventsBetween(collections: Collections, userKey: string, range: TimeRange, zone: string): Promise<DisplayEvent[]> {
  const events = await collections.events
    .find(
      {
        userKey,
        start: { $lt: new Date(range.end.getTime() + ALL_DAY_SLACK_MS) },
        end: { $gt: new Date(range.start.getTime() - ALL_DAY_SLACK_MS) },
      },
      { projection: DISPLAY_PROJECTION, sort: { start: 1 } },
    )
    .toArray();
  return eventsForDisplay(events as unknown as DisplayEvent[], range, zone);
}

/**
 * Up to `limit` meetings starting at or after `now`, in start order: timed events that take the user's time
 * (Outlook's own rule, blocksTime: not cancelled, not declined, not shown as free). All-day events are days,
 * not meetings, and a declined invite is not something the user is going to.
 */
export async function nextEvents(collections: Collections, userKey: string, now: Date, limit = 1): Promise<DisplayEvent[]> {
  const cursor = collections.events.find(
    { userKey, start: { $gte: now, $lt: new Date(now.getTime() + NEXT_EVENT_HORIZON_MS) } },
    // Small batches: the first few rows nearly always hold the answer; the cursor reads on only past declined ones.
    { projection: DISPLAY_PROJECTION, sort: { start: 1 }, batchSize: Math.max(limit * 4, 8) },
  );
  const found: DisplayEvent[] = [];
  try {
    for await (const doc of cursor) {
      const event = doc as unknown as DisplayEvent;
      if (event.isAllDay || !blocksTime(event)) continue;
      found.push(event);
      if (found.length >= limit) break;
    }
  } finally {
    await cursor.close();
  }
  return found;
}
