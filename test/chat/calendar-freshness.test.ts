import { calendarFreshness, syncCoverage, type FreshnessInput } from '../../src/chat/calendar-freshness.js';

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

describe('syncCoverage', () => {
  // A window as a round on Wed 25 Nov 2026 leaves it: 7 days back, 180 ahead, UTC midnights.
  const window = { windowStart: new Date('2026-11-18T00:00:00Z'), windowEnd: new Date('2027-05-25T00:00:00Z') };
  const range = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

  it('inside, or no window known (a state from before windows were stored): answer as usual', () => {
    expect(syncCoverage(range('2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z'), window, NOW, 'UTC')).toEqual({ kind: 'inside' });
    expect(syncCoverage(range('2099-12-03T00:00:00Z', '2099-12-04T00:00:00Z'), {}, NOW, 'UTC')).toEqual({ kind: 'inside' });
    expect(syncCoverage(range('2099-12-03T00:00:00Z', '2099-12-04T00:00:00Z'), null, NOW, 'UTC')).toEqual({ kind: 'inside' });
  });

  it('wholly outside, either side: names the days that are synced, whole days in the user zone', () => {
    expect(syncCoverage(range('2027-12-03T00:00:00Z', '2027-12-04T00:00:00Z'), window, NOW, 'UTC')).toEqual({ kind: 'outside', synced: 'Wed 18 Nov – Mon 24 May 2027' });
    expect(syncCoverage(range('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'), window, NOW, 'UTC')).toEqual({ kind: 'outside', synced: 'Wed 18 Nov – Mon 24 May 2027' });
    // Tonga (UTC+13): the window opens at 13:00 on the 18th there, so the 19th is its first whole day; it closes
    // at 13:00 on 25 May, so 24 May is its last. Honolulu (UTC-10): 14:00 on the 17th, so the 18th; 14:00 on 24 May, so 23 May.
    expect(syncCoverage(range('2027-12-03T00:00:00Z', '2027-12-04T00:00:00Z'), window, NOW, 'Pacific/Tongatapu')).toMatchObject({ synced: 'Thu 19 Nov – Mon 24 May 2027' });
    expect(syncCoverage(range('2027-12-03T00:00:00Z', '2027-12-04T00:00:00Z'), window, NOW, 'Pacific/Honolulu')).toMatchObject({ synced: 'Wed 18 Nov – Sun 23 May 2027' });
  });

  it('partly outside: the range cut to the window, and a note for each side cut', () => {
    const lastWeek = syncCoverage(range('2026-11-16T00:00:00Z', '2026-11-23T00:00:00Z'), window, NOW, 'UTC');
    expect(lastWeek).toEqual({
      kind: 'partly',
      range: range('2026-11-18T00:00:00Z', '2026-11-23T00:00:00Z'),
      note: "Days before Wed 18 Nov aren't synced, so they aren't shown.",
      synced: 'Wed 18 Nov – Mon 24 May 2027',
    });
    // Honolulu: the window opens at 14:00 on the 17th there; the cut is at the first whole day the note names, the
    // 18th, so no afternoon of the 17th shows under a note saying days before the 18th are not synced.
    expect(syncCoverage(range('2026-11-16T10:00:00Z', '2026-11-23T10:00:00Z'), window, NOW, 'Pacific/Honolulu')).toMatchObject({
      kind: 'partly',
      range: range('2026-11-18T10:00:00Z', '2026-11-23T10:00:00Z'),
      note: "Days before Wed 18 Nov aren't synced, so they aren't shown.",
    });
    const both = syncCoverage(range('2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z'), window, NOW, 'UTC');
    expect(both).toMatchObject({ kind: 'partly', range: range('2026-11-18T00:00:00Z', '2027-05-25T00:00:00Z') });
    expect(both.kind === 'partly' && both.note).toBe("Days before Wed 18 Nov aren't synced, so they aren't shown. Days after Mon 24 May 2027 aren't synced, so they aren't shown.");
  });
});
