import { diffEvent, emptyChangeSet, recordChange, recordRemoval, type Change } from '../../src/sync/change-set.js';
import type { EventDoc } from '../../src/store/collections.js';

function doc(overrides: Partial<EventDoc> = {}): EventDoc {
  return {
    _id: 'u|E1',
    userKey: 'u',
    eventId: 'E1',
    type: 'singleInstance',
    subject: 'Standup',
    start: new Date('2026-11-26T09:00:00Z'),
    end: new Date('2026-11-26T09:15:00Z'),
    isAllDay: false,
    location: 'Room 1',
    showAs: 'busy',
    isCancelled: false,
    etag: 'W/"1"',
    updatedAt: new Date('2026-11-20T00:00:00Z'),
    ...overrides,
  };
}

type Row = [string, EventDoc | undefined, EventDoc | undefined, Pick<Change, 'kind' | 'fields' | 'subject'> | undefined];

const rows: Row[] = [
  ['nothing on either side', undefined, undefined, undefined],
  ['new event', undefined, doc(), { kind: 'added', fields: [], subject: 'Standup' }],
  ['new but already cancelled', undefined, doc({ isCancelled: true }), undefined],
  ['deleted: named from the stored copy', doc({ subject: 'Old name' }), undefined, { kind: 'removed', fields: [], subject: 'Old name' }],
  ['deleted after being cancelled', doc({ isCancelled: true }), undefined, undefined],
  ['same etag short-circuits even if fields differ', doc(), doc({ subject: 'Renamed' }), undefined],
  ['cancelled by the organizer', doc(), doc({ etag: 'W/"2"', isCancelled: true }), { kind: 'cancelled', fields: [], subject: 'Standup' }],
  ['cancelled and moved at once is a cancellation', doc(), doc({ etag: 'W/"2"', isCancelled: true, start: new Date('2026-11-27T09:00:00Z') }), { kind: 'cancelled', fields: [], subject: 'Standup' }],
  ['re-instated', doc({ isCancelled: true }), doc({ etag: 'W/"2"' }), { kind: 'added', fields: [], subject: 'Standup' }],
  ['edit of a cancelled event', doc({ isCancelled: true }), doc({ etag: 'W/"2"', isCancelled: true, subject: 'x' }), undefined],
  ['start moved', doc(), doc({ etag: 'W/"2"', start: new Date('2026-11-26T10:00:00Z'), end: new Date('2026-11-26T10:15:00Z') }), { kind: 'moved', fields: ['time'], subject: 'Standup' }],
  ['only the end moved', doc(), doc({ etag: 'W/"2"', end: new Date('2026-11-26T09:30:00Z') }), { kind: 'moved', fields: ['time'], subject: 'Standup' }],
  ['moved and renamed and relocated', doc(), doc({ etag: 'W/"2"', start: new Date('2026-11-26T08:00:00Z'), subject: 'Daily', location: 'Room 2' }), { kind: 'moved', fields: ['time', 'subject', 'location'], subject: 'Daily' }],
  ['renamed', doc(), doc({ etag: 'W/"2"', subject: 'Daily sync' }), { kind: 'changed', fields: ['subject'], subject: 'Daily sync' }],
  ['relocated', doc(), doc({ etag: 'W/"2"', location: 'Room 9' }), { kind: 'changed', fields: ['location'], subject: 'Standup' }],
  ['location cleared', doc(), doc({ etag: 'W/"2"', location: undefined }), { kind: 'changed', fields: ['location'], subject: 'Standup' }],
  ['showAs only: not worth a notice', doc(), doc({ etag: 'W/"2"', showAs: 'tentative' }), undefined],
  ['response only: not worth a notice', doc(), doc({ etag: 'W/"2"', responseStatus: 'accepted' }), undefined],
  ['no etags, nothing changed', doc({ etag: undefined }), doc({ etag: undefined }), undefined],
  ['no etags, renamed', doc({ etag: undefined }), doc({ etag: undefined, subject: 'x' }), { kind: 'changed', fields: ['subject'], subject: 'x' }],
  [
    'all-day moved by a day (dates decide)',
    doc({ isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-27' }),
    doc({ etag: 'W/"2"', isAllDay: true, startDate: '2026-11-27', endDate: '2026-11-28' }),
    { kind: 'moved', fields: ['time'], subject: 'Standup' },
  ],
  ['timed became all-day', doc(), doc({ etag: 'W/"2"', isAllDay: true, startDate: '2026-11-26', endDate: '2026-11-27' }), { kind: 'moved', fields: ['time'], subject: 'Standup' }],
];

describe('diffEvent', () => {
  test.each(rows)('%s', (_name, before, after, expected) => {
    const change = diffEvent(before, after);
    if (expected === undefined) {
      expect(change).toBeUndefined();
    } else {
      expect(change).toMatchObject({ ...expected, eventId: 'E1' });
      expect(change!.before).toBe(before);
      expect(change!.after).toBe(after);
    }
  });
});

describe('recordChange', () => {
  test('counts stored effects and keeps only notice-worthy changes', () => {
    const set = emptyChangeSet();
    recordChange(set, undefined, doc({ eventId: 'A' }));
    recordChange(set, doc({ eventId: 'B' }), doc({ eventId: 'B', etag: 'W/"2"', showAs: 'free' }));
    recordChange(set, doc({ eventId: 'C' }), doc({ eventId: 'C' })); // replayed page: same etag
    recordChange(set, doc({ eventId: 'D' }), undefined);
    recordChange(set, doc({ eventId: 'E' }), doc({ eventId: 'E', etag: 'W/"3"', subject: 'New' }));
    expect({ added: set.added, updated: set.updated, removed: set.removed }).toEqual({ added: 1, updated: 2, removed: 1 });
    expect(set.changes.map((c) => [c.kind, c.eventId])).toEqual([
      ['added', 'A'],
      ['removed', 'D'],
      ['changed', 'E'],
    ]);
  });
});

describe('recordRemoval', () => {
  test('an event gone from the store reads as where Graph holds it now: moved out, cancelled, else removed; counted as told', () => {
    const set = emptyChangeSet();
    const far = doc({ eventId: 'M', etag: 'W/"2"', start: new Date('2027-09-01T09:00:00Z'), end: new Date('2027-09-01T09:15:00Z') });
    recordRemoval(set, doc({ eventId: 'M' }), far);
    recordRemoval(set, doc({ eventId: 'C' }), doc({ eventId: 'C', etag: 'W/"2"', isCancelled: true }));
    recordRemoval(set, doc({ eventId: 'D' }), undefined);
    // Where it is now says nothing new (the same etag, or only its response): what Graph said, a removal.
    recordRemoval(set, doc({ eventId: 'S' }), doc({ eventId: 'S' }));
    recordRemoval(set, doc({ eventId: 'R' }), doc({ eventId: 'R', etag: 'W/"2"', subject: 'Renamed' }));
    // Told as cancelled already: nothing more to say, and still a removal from the store.
    recordRemoval(set, doc({ eventId: 'X', isCancelled: true }), undefined);
    expect(set.changes.map((c) => [c.kind, c.eventId, c.fields])).toEqual([
      ['moved', 'M', ['time']],
      ['cancelled', 'C', []],
      ['removed', 'D', []],
      ['removed', 'S', []],
      ['removed', 'R', []],
    ]);
    expect(set.changes[0]!.after).toBe(far);
    expect(set.changes[2]!.after).toBeUndefined();
    expect({ added: set.added, updated: set.updated, removed: set.removed }).toEqual({ added: 0, updated: 2, removed: 4 });
  });
});
