import { Settings } from 'luxon';
import type { AccountDoc, ChatUserDoc, SyncStateDoc } from '../../src/store/collections.js';
import { syncStatusText } from '../../src/sync/sync-commands.js';

/** "sync status" as words, with the clock pinned: dates further off than yesterday or tomorrow, and in another year. */
describe('syncStatusText', () => {
  const user = { _id: 'msteams:u1', clientTimeZone: 'Europe/Berlin' } as ChatUserDoc;
  const account = { _id: 'msteams:u1', username: 'ada@contoso.example', status: 'connected', mailboxTimeZone: 'Europe/Berlin' } as AccountDoc;
  const synced = (at: string, extra: Partial<SyncStateDoc> = {}) => ({ _id: 'msteams:u1', status: 'idle', lastSuccessAt: new Date(at), lastCounts: { added: 1, updated: 0, removed: 0 }, ...extra }) as SyncStateDoc;
  const job = (at: string) => ({ nextRunAt: new Date(at), lockedAt: null, disabled: false });

  test('a day this year is written without its year, one in another year with it', () => {
    const text = syncStatusText({ user, account, state: synced('2026-11-24T08:00:00Z'), job: job('2026-11-26T11:00:00Z'), now: new Date('2026-11-26T10:00:00Z') });
    expect(text.split('\n\n')).toEqual(['Last synced on Tue 24 Nov at 09:00 (1 new, 0 changed, 0 removed).', 'No problems since.', 'Next sync today at 12:00.']);
    const newYear = syncStatusText({ user, account, state: synced('2026-12-30T08:00:00Z'), job: job('2027-01-02T11:00:00Z'), now: new Date('2027-01-02T10:00:00Z') });
    expect(newYear).toContain('Last synced on Wed 30 Dec 2026 at 09:00 (1 new, 0 changed, 0 removed).');
  });

  test('the first round under way: no "No problems since" with nothing synced to be since, and no "Next sync: now" for the round that is running', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    const running = { _id: 'msteams:u1', status: 'running', roundsCompleted: 0, lastRunAt: new Date('2026-11-26T09:59:00Z') } as SyncStateDoc;
    expect(syncStatusText({ user, account, state: running, job: job('2026-11-26T09:59:00Z'), now }).split('\n\n')).toEqual([
      'A sync is running now (started today at 10:59).',
      'Your calendar has not been synced yet.',
    ]);
    // Connected a moment ago, its job not started yet: that one is next.
    expect(syncStatusText({ user, account, state: null, job: job('2026-11-26T10:00:00Z'), now }).split('\n\n')).toEqual(['Your calendar has not been synced yet.', 'Next sync: now.']);
  });

  test('a lapsed connection is said once, as "reconnect", not again as the stored failure\'s "connect outlook"', () => {
    const lapsed = { ...account, status: 'needs-reconnect' } as AccountDoc;
    const message = 'Your Outlook connection has expired or was revoked. Say "reconnect" to sign in again.';
    const state = synced('2026-11-26T08:00:00Z', { status: 'needs-reconnect', lastError: { at: new Date('2026-11-26T09:00:00Z'), kind: 'reconnect-needed', message } });
    expect(syncStatusText({ user, account: lapsed, state, job: { ...job('2026-11-26T11:00:00Z'), disabled: true }, now: new Date('2026-11-26T10:00:00Z') }).split('\n\n')).toEqual([
      'Syncing is paused: your Outlook connection (ada@contoso.example) has expired or was revoked. Say "reconnect" to sign in again.',
      'Last synced today at 09:00 (1 new, 0 changed, 0 removed).',
    ]);
  });

  test("luxon's process-wide default locale does not change the words (its toFormat follows Settings.defaultLocale)", () => {
    const before = Settings.defaultLocale;
    Settings.defaultLocale = 'de-DE';
    try {
      const text = syncStatusText({ user, account, state: synced('2026-11-24T08:00:00Z'), job: undefined, now: new Date('2026-11-26T10:00:00Z') });
      expect(text).toContain('Last synced on Tue 24 Nov at 09:00');
    } finally {
      Settings.defaultLocale = before;
    }
  });
});
