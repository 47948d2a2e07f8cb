import type { SyncStateDoc } from '../store/collections.js';

/** The slice of the calendar calbot mirrors; a delta token covers exactly one window. */
export interface SyncWindow {
  start: Date;
  end: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * From midnight UTC `pastDays` before today to midnight UTC after the `futureDays`-th day after today.
 * Snapping to UTC day boundaries keeps the window (and so the delta token) stable all day: it moves once a day,
 * and each move costs one full round.
 */
export function syncWindow(now: Date, pastDays: number, futureDays: number): SyncWindow {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return { start: new Date(today - pastDays * DAY_MS), end: new Date(today + (futureDays + 1) * DAY_MS) };
}

/** True when the stored delta token was made for another window (or none is known): a full round is due. */
export function windowMoved(state: Pick<SyncStateDoc, 'windowStart' | 'windowEnd'> | undefined, window: SyncWindow): boolean {
  if (!state?.windowStart || !state.windowEnd) return true;
  return state.windowStart.getTime() !== window.start.getTime() || state.windowEnd.getTime() !== window.end.getTime();
}
