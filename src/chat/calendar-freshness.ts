import { DateTime } from 'luxon';
import { clockTime, daysBetween, shortDate, type ClockStyle } from './date-text.js';
import type { AccountDoc, SyncStateDoc } from '../store/collections.js';
import type { TimeRange } from './free-slots.js';
import { luxonZone } from './zone-offsets.js';

/**
 * Whether the stored calendar can answer a question, and how much to trust it. Pure: the account, the sync state,
 * the clock and the sync interval come in; one decision comes out.
 *
 * - `not-connected`: no Microsoft account linked.
 * - `first-sync`: linked, but no round has completed yet, so an empty answer would be a lie.
 * - `answer`: answer from the store; `footnote` says when the data is from and why it may be behind, and `fix` the
 *   command that would help ("reconnect", or "sync now" to try again).
 */
export type CalendarFreshness =
  | { kind: 'not-connected' }
  | { kind: 'first-sync'; reconnect: boolean; problem?: string | undefined }
  | { kind: 'answer'; footnote?: string | undefined; fix?: 'sync now' | 'reconnect' | undefined };

/** A sync that missed this many intervals is late enough to mention. */
export const STALE_AFTER_INTERVALS = 2;

export interface FreshnessInput {
  account: Pick<AccountDoc, 'status'> | null | undefined;
  syncState: Pick<SyncStateDoc, 'status' | 'roundsCompleted' | 'lastSuccessAt' | 'lastError'> | null | undefined;
  now: Date;
  zone: string;
  /** How the user reads times (Outlook's timeFormat); 24-hour when absent. */
  clock?: ClockStyle | undefined;
  syncIntervalMs: number;
}

export function calendarFreshness(input: FreshnessInput): CalendarFreshness {
  const { account, syncState: state, now, zone } = input;
  if (!account) return { kind: 'not-connected' };
  const reconnect = account.status === 'needs-reconnect' || state?.status === 'needs-reconnect';
  if (!state || !(state.roundsCompleted > 0) || !state.lastSuccessAt) {
    return { kind: 'first-sync', reconnect, problem: state?.lastError?.message };
  }
  const failedSince = state.lastError !== undefined && state.lastError.at.getTime() > state.lastSuccessAt.getTime();
  const stale = now.getTime() - state.lastSuccessAt.getTime() > STALE_AFTER_INTERVALS * input.syncIntervalMs;
  let reason: string | undefined;
  if (reconnect) reason = 'your Outlook connection has expired, so I can\'t see newer changes. Say "reconnect" to sign in again.';
  else if (failedSince) reason = `the last sync failed: ${state.lastError!.message}`;
  else if (stale) reason = "syncing is running late; newer changes aren't in yet.";
  if (!reason) return { kind: 'answer' };
  return { kind: 'answer', footnote: `As of ${asOf(state.lastSuccessAt, now, zone, input.clock)} · ${reason}`, fix: reconnect ? 'reconnect' : 'sync now' };
}

/** "10:42" today in the user's zone, "yesterday 10:42", "Mon 23 Nov 10:42" before that ("Wed 30 Dec 2026 10:42" from 2027). */
function asOf(at: Date, now: Date, zone: string, clock: ClockStyle | undefined): string {
  const when = DateTime.fromJSDate(at, { zone: luxonZone(zone) });
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) });
  const days = daysBetween(today, when);
  const day = days === 0 ? '' : days === -1 ? 'yesterday ' : `${shortDate(when, today)} `;
  return `${day}${clockTime(when, clock)}${zone === 'UTC' ? ' UTC' : ''}`;
}

/**
 * How much of `range` the synced window covers (SYNC_WINDOW_PAST_DAYS back, SYNC_WINDOW_FUTURE_DAYS ahead, as the
 * last round stored it). Outside it the store holds nothing, and "nothing on" or "you're free" would be a guess
 * passed off as an answer.
 *
 * - `inside`: all of it (or the window is not known: a state from before windows were stored).
 * - `partly`: `range` cut to the window, and a note naming the days left out (and `synced`, as below).
 * - `outside`: none of it; `synced` names the days that are ("Thu 19 Nov – Sun 30 May 2027").
 */
export type SyncCoverage =
  | { kind: 'inside' }
  | { kind: 'partly'; range: TimeRange; note: string; synced: string }
  | { kind: 'outside'; synced: string };

export function syncCoverage(range: TimeRange, state: Pick<SyncStateDoc, 'windowStart' | 'windowEnd'> | null | undefined, now: Date, zone: string): SyncCoverage {
  const windowStart = state?.windowStart;
  const windowEnd = state?.windowEnd;
  if (!windowStart || !windowEnd) return { kind: 'inside' };
  const before = range.start.getTime() < windowStart.getTime();
  const after = range.end.getTime() > windowEnd.getTime();
  if (!before && !after) return { kind: 'inside' };
  const today = DateTime.fromJSDate(now, { zone: luxonZone(zone) });
  // The window's ends are UTC midnights: in the user's zone, the first and last local days it holds whole.
  const startLocal = DateTime.fromJSDate(windowStart, { zone: luxonZone(zone) });
  const firstDay = startLocal.equals(startLocal.startOf('day')) ? startLocal : startLocal.startOf('day').plus({ days: 1 });
  const lastDay = DateTime.fromJSDate(new Date(windowEnd.getTime() - 1), { zone: luxonZone(zone) }).startOf('day').minus({ days: windowEndsAtLocalMidnight(windowEnd, zone) ? 0 : 1 });
  const synced = `${shortDate(firstDay, today)} – ${shortDate(lastDay, today)}`;
  if (range.end.getTime() <= windowStart.getTime() || range.start.getTime() >= windowEnd.getTime()) return { kind: 'outside', synced };
  // Cut at the whole local days the note names, so no part-day shows under a day it says is not synced.
  const cut = { start: before ? firstDay.toJSDate() : range.start, end: after ? lastDay.plus({ days: 1 }).startOf('day').toJSDate() : range.end };
  if (cut.end.getTime() <= cut.start.getTime()) return { kind: 'outside', synced };
  const notes = [
    ...(before ? [`Days before ${shortDate(firstDay, today)} aren't synced, so they aren't shown.`] : []),
    ...(after ? [`Days after ${shortDate(lastDay, today)} aren't synced, so they aren't shown.`] : []),
  ];
  return { kind: 'partly', range: cut, note: notes.join(' '), synced };
}

function windowEndsAtLocalMidnight(windowEnd: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(windowEnd, { zone: luxonZone(zone) });
  return local.equals(local.startOf('day'));
}
