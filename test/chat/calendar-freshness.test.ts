import { calendarFreshness, type FreshnessInput } from '../../src/chat/calendar-freshness.js';

const NOW = new Date('2026-11-25T09:42:00Z'); // 10:42 in Berlin
const MIN = 60_000;
const connected = { status: 'connected' as const };
const synced = (minutesAgo: number, extra: Partial<NonNullable<FreshnessInput['syncState']>> = {}) => ({
  status: 'idle' as const,
  roundsCompleted: 4,
  lastSuccessAt: new Date(NOW.getTime() - minutesAgo * MIN),
  ...extra,
});
const input = (partial: Partial<FreshnessInput>): FreshnessInput => ({ account: connected, syncState: synced(1), now: NOW, zone: 'Europe/Berlin', syncIntervalMs: 15 * MIN, ...partial });

describe('calendarFreshness', () => {
  it.each<[string, Partial<FreshnessInput>, ReturnType<typeof calendarFreshness>]>([
    ['no account', { account: null }, { kind: 'not-connected' }],
    ['no sync state', { syncState: null }, { kind: 'first-sync', reconnect: false, problem: undefined }],
    ['no completed round', { syncState: { status: 'running', roundsCompleted: 0 } }, { kind: 'first-sync', reconnect: false, problem: undefined }],
    [
      'first round failed',
      { syncState: { status: 'error', roundsCompleted: 0, lastError: { at: NOW, kind: 'throttled', message: 'Slow down.' } } },
      { kind: 'first-sync', reconnect: false, problem: 'Slow down.' },
    ],
    ['expired before any round', { account: { status: 'needs-reconnect' }, syncState: null }, { kind: 'first-sync', reconnect: true, problem: undefined }],
    ['fresh', {}, { kind: 'answer' }],
    ['exactly two intervals old', { syncState: synced(30) }, { kind: 'answer' }],
    ['past two intervals', { syncState: synced(31) }, { kind: 'answer', footnote: "As of 10:11 · syncing is running late; newer changes aren't in yet.", fix: 'sync now' }],
    ['yesterday', { syncState: synced(14 * 60) }, { kind: 'answer', footnote: "As of yesterday 20:42 · syncing is running late; newer changes aren't in yet.", fix: 'sync now' }],
    ['days ago', { syncState: synced(3 * 24 * 60) }, { kind: 'answer', footnote: "As of Sun 22 Nov 10:42 · syncing is running late; newer changes aren't in yet.", fix: 'sync now' }],
    [
      'last synced in another year',
      { now: new Date('2027-01-02T09:42:00Z'), syncState: { ...synced(0), lastSuccessAt: new Date('2026-12-30T09:42:00Z') } },
      { kind: 'answer', footnote: "As of Wed 30 Dec 2026 10:42 · syncing is running late; newer changes aren't in yet.", fix: 'sync now' },
    ],
    ['UTC user', { zone: 'UTC', syncState: synced(60) }, { kind: 'answer', footnote: "As of 08:42 UTC · syncing is running late; newer changes aren't in yet.", fix: 'sync now' }],
    ['a 12-hour clock', { clock: '12h', syncState: synced(14 * 60) }, { kind: 'answer', footnote: "As of yesterday 8:42 PM · syncing is running late; newer changes aren't in yet.", fix: 'sync now' }],
    [
      'failed after the last success',
      { syncState: synced(5, { status: 'error', lastError: { at: new Date(NOW.getTime() - MIN), kind: 'graph', message: 'Outlook did not answer.' } }) },
      { kind: 'answer', footnote: 'As of 10:37 · the last sync failed: Outlook did not answer.', fix: 'sync now' },
    ],
    [
      'an old failure, succeeded since',
      { syncState: synced(5, { lastError: { at: new Date(NOW.getTime() - 60 * MIN), kind: 'graph', message: 'Outlook did not answer.' } }) },
      { kind: 'answer' },
    ],
    [
      'needs reconnect',
      { account: { status: 'needs-reconnect' } },
      { kind: 'answer', footnote: 'As of 10:41 · your Outlook connection has expired, so I can\'t see newer changes. Say "reconnect" to sign in again.', fix: 'reconnect' },
    ],
    [
      'sync state says reconnect',
      { syncState: synced(2, { status: 'needs-reconnect' }) },
      { kind: 'answer', footnote: 'As of 10:40 · your Outlook connection has expired, so I can\'t see newer changes. Say "reconnect" to sign in again.', fix: 'reconnect' },
    ],
  ])('%s', (_name, partial, expected) => {
    expect(calendarFreshness(input(partial))).toEqual(expected);
  });
});
