import { MongoClient, type Document } from 'mongodb';
import { GraphUnavailableError } from '../../src/graph/graph-errors.js';
import { createLogger } from '../../src/log.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { collections, COLLECTIONS } from '../../src/store/collections.js';
import { DAYS_VERSION } from '../../src/sync/calendar-days.js';
import type { Change } from '../../src/sync/change-set.js';
import { RoundAbandonedError, type SyncRoundResult } from '../../src/sync/sync-engine.js';
import { at, command, connectedUser, dateIn, expectDaysMatchEvents, runRound, storedDays, storedEvents, summary, SYNC_ENV } from './sync-support.js';

/**
 * The sync engine through real parts: calbot's Graph client, token cache and store against the fake Graph.
 * Rounds are driven directly with syncCalendar (the job path has its own tests) after the connect's own round.
 * Failures come from the fake Graph (failNext, holdRequests), so they reach the engine through the client's own
 * retries and error mapping, as Graph's would.
 */
describe('syncCalendar', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness({ ...SYNC_ENV, GRAPH_PAGE_SIZE: '3' }, 'sync_engine');
  });
  afterAll(async () => {
    await h.close();
  });

  test('initial sync: series with an exception and a cancelled occurrence, all-day and timed events, exact final state', async () => {
    let series: { seriesMasterId: string; occurrenceIds: string[] } | undefined;
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Initial', (oid) => {
      series = h.graph.addRecurringSeries(oid, { subject: 'Standup', start: at(1, 8), end: at(1, 8, 15), count: 4, exceptionIndex: 1, exceptionShiftMinutes: 30, cancelledIndex: 2 });
      ids = {
        review: h.graph.addEvent(oid, { subject: 'Budget review', start: at(2, 14), end: at(2, 15, 30), location: 'Room 4', joinUrl: 'https://teams.example/join/1' }),
        holiday: h.graph.addAllDayEvent(oid, { subject: 'Day off', startDate: dateIn(3), endDate: dateIn(5), timeZone: 'Pacific Standard Time' }),
        tooLate: h.graph.addEvent(oid, { subject: 'Beyond the window', start: at(400, 9), end: at(400, 10) }),
      };
    });
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => [e.subject, e.type, e.isCancelled])).toEqual([
      ['Standup', 'occurrence', false],
      ['Standup (moved)', 'exception', false],
      ['Budget review', 'singleInstance', false],
      ['Day off', 'singleInstance', false],
      ['Standup', 'exception', true],
      ['Standup', 'occurrence', false],
    ]);
    const byId = new Map(events.map((e) => [e.eventId, e]));
    const [first, moved, cancelled] = series!.occurrenceIds.map((id) => byId.get(id)!);
    expect(first).toMatchObject({ seriesMasterId: series!.seriesMasterId, start: new Date(at(1, 8)), end: new Date(at(1, 8, 15)) });
    expect(moved!.start).toEqual(new Date(at(2, 8, 30)));
    expect(cancelled!.isCancelled).toBe(true);
    expect(byId.get(ids.review!)).toMatchObject({ location: 'Room 4', joinUrl: 'https://teams.example/join/1', isAllDay: false, start: new Date(at(2, 14)), end: new Date(at(2, 15, 30)) });
    expect(byId.get(ids.holiday!)).toMatchObject({ isAllDay: true, startDate: dateIn(3), endDate: dateIn(5), start: new Date(`${dateIn(3)}T00:00:00.000Z`), timeZone: 'Pacific Standard Time' });
    expect(byId.has(ids.tooLate!)).toBe(false);
    expect(events.every((e) => e._id === `${userKey}|${e.eventId}` && e.userKey === userKey)).toBe(true);
    expect(new Set(events.map((e) => e.seenInRound)).size).toBe(1); // the first round's mark

    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(state).toMatchObject({ status: 'idle', roundsCompleted: 1, lastCounts: { added: 6, updated: 0, removed: 0 } });
    expect(state!.deltaLink).toMatch(/\$deltatoken=/);
    expect(state!.nextLink).toBeUndefined();
    expect(state!.fullRound).toBeUndefined();
    expect(state!.daysVersion).toBe(DAYS_VERSION);

    // Filed by UTC date for chat answers: the cancelled occurrence stays (flagged), all-day events on their dates.
    const days = await storedDays(h, userKey);
    expect(days[dateIn(2)]).toEqual(['Standup (moved)', 'Budget review']);
    expect(days[dateIn(3)]).toEqual(['Day off', 'Standup']);
    expect(days[dateIn(4)]).toEqual(['Day off', 'Standup']);
    expect(days[dateIn(5)]).toBeUndefined();
    expect(Object.values(days).flat()).not.toContain('Beyond the window');
    await expectDaysMatchEvents(h, userKey);

    // Nothing changed at Microsoft: one request, no writes, no changes.
    const before = h.graph.requestCount(microsoft.oid);
    const idle = await runRound(h, userKey);
    expect(idle).toMatchObject({ firstRound: false, pages: 1, requests: 1, changeSet: { added: 0, updated: 0, removed: 0, changes: [] } });
    expect(h.graph.requestCount(microsoft.oid) - before).toBe(1);
    expect((await storedEvents(h, userKey)).map((e) => e.updatedAt.getTime())).toEqual(events.map((e) => e.updatedAt.getTime()));
  });

  test('the first round of a connection reports counts only', async () => {
    const { userKey } = await connectedUser(h, 'Ada First', (oid) => {
      h.graph.addEvent(oid, { subject: 'One', start: at(1, 9), end: at(1, 10) });
      h.graph.addEvent(oid, { subject: 'Two', start: at(2, 9), end: at(2, 10) });
    });
    // Forget everything, as after a disconnect: the next round is a first round again.
    await h.store.collections.events.deleteMany({ userKey });
    await h.store.collections.syncStates.deleteOne({ _id: userKey });
    const completed: boolean[] = [];
    const result = await runRound(h, userKey, { onRoundComplete: async (_key, r) => void completed.push(r.firstRound && r.totalEvents === 2) });
    expect(result).toMatchObject({ firstRound: true, changeSet: { added: 2, updated: 0, removed: 0, changes: [] } });
    expect(completed).toEqual([true]);
    // The days were left behind on purpose: the first round's plain inserts meet them and replace them.
    expect(await storedDays(h, userKey)).toEqual({ [dateIn(1)]: ['One'], [dateIn(2)]: ['Two'] });
    await expectDaysMatchEvents(h, userKey);
  });

  test('add / update / move / cancel / delete -> one change each; the same page applied again changes nothing', async () => {
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Changes', (oid) => {
      ids = {
        rename: h.graph.addEvent(oid, { subject: 'Planning', start: at(1, 9), end: at(1, 10) }),
        move: h.graph.addEvent(oid, { subject: 'Retro', start: at(2, 9), end: at(2, 10) }),
        cancel: h.graph.addEvent(oid, { subject: 'Offsite', start: at(3, 9), end: at(3, 17), response: 'accepted' }),
        remove: h.graph.addEvent(oid, { subject: 'Coffee', start: at(4, 9), end: at(4, 10) }),
        showAs: h.graph.addEvent(oid, { subject: 'Focus', start: at(5, 9), end: at(5, 10) }),
      };
    });
    const oid = microsoft.oid;
    const deltaBefore = (await h.store.collections.syncStates.findOne({ _id: userKey }))!.deltaLink!;
    h.graph.addEvent(oid, { subject: 'New 1:1', start: at(6, 9), end: at(6, 10) });
    h.graph.updateEvent(oid, ids.rename!, { subject: 'Planning Q1' });
    h.graph.updateEvent(oid, ids.move!, { start: at(2, 11), end: at(2, 12) });
    h.graph.cancelEvent(oid, ids.cancel!);
    h.graph.deleteEvent(oid, ids.remove!);
    h.graph.updateEvent(oid, ids.showAs!, { showAs: 'free' });

    const completed: string[][] = [];
    const result = await runRound(h, userKey, { onRoundComplete: async (_key, r) => void completed.push(summary(r.changeSet.changes)) });
    expect(summary(result.changeSet.changes)).toEqual(['added: New 1:1', 'cancelled: Offsite', 'changed: Planning Q1', 'moved: Retro', 'removed: Coffee']);
    expect(result.changeSet).toMatchObject({ added: 1, updated: 4, removed: 1 });
    expect(completed).toEqual([summary(result.changeSet.changes)]);
    const after = await storedEvents(h, userKey);
    expect(after.map((e) => `${e.subject}${e.isCancelled ? ' (cancelled)' : ''}`)).toEqual(['Planning Q1', 'Retro', 'Offsite (cancelled)', 'Focus', 'New 1:1']);
    expect(after.find((e) => e.subject === 'Focus')!.showAs).toBe('free');
    const days = await storedDays(h, userKey);
    expect(days[dateIn(2)]).toEqual(['Retro']);
    expect(days[dateIn(4)]).toBeUndefined(); // Coffee was the day's only event
    expect(days[dateIn(6)]).toEqual(['New 1:1']);
    await expectDaysMatchEvents(h, userKey);

    // Replay: the previous deltaLink again delivers exactly the same pages.
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $set: { deltaLink: deltaBefore } });
    const replay = await runRound(h, userKey);
    expect(replay.changeSet).toEqual({ added: 0, updated: 0, removed: 0, changes: [] });
    expect(replay.pages).toBeGreaterThan(1);
    const again = await storedEvents(h, userKey);
    expect(again).toEqual(after);
    expect(await storedDays(h, userKey)).toEqual(days);
  });

  test('Graph says "@removed" for a meeting moved past the window as for one deleted: a read of each tells them apart (a deleted series costs one)', async () => {
    let ids: Record<string, string> = {};
    let series: { seriesMasterId: string; occurrenceIds: string[] } | undefined;
    const { userKey, microsoft } = await connectedUser(h, 'Ada Departures', (oid) => {
      ids = {
        offsite: h.graph.addEvent(oid, { subject: 'Offsite', start: at(2, 9), end: at(2, 17), location: 'Lisbon' }),
        coffee: h.graph.addEvent(oid, { subject: 'Coffee', start: at(3, 9), end: at(3, 10) }),
        stays: h.graph.addEvent(oid, { subject: 'Stays', start: at(4, 9), end: at(4, 10) }),
      };
      series = h.graph.addRecurringSeries(oid, { subject: 'Standup', start: at(1, 8), end: at(1, 8, 15), count: 3, every: 'day', exceptionIndex: 1, cancelledIndex: -1 });
    });
    const oid = microsoft.oid;
    h.graph.updateEvent(oid, ids.offsite!, { start: at(300, 9), end: at(300, 17) }); // past the window's end (180 days)
    h.graph.deleteEvent(oid, ids.coffee!);
    h.graph.deleteSeries(oid, series!.seriesMasterId);

    const before = h.graph.requests.length;
    const announced: Change[] = [];
    const result = await runRound(h, userKey, { onChanges: async (_key, changes) => void announced.push(...changes) });
    expect(summary(result.changeSet.changes)).toEqual(['moved: Offsite', 'removed: Coffee', 'removed: Standup', 'removed: Standup', 'removed: Standup (moved)']);
    expect(summary(announced)).toEqual(summary(result.changeSet.changes));
    const moved = result.changeSet.changes.find((change) => change.kind === 'moved')!;
    expect(moved).toMatchObject({ fields: ['time'], before: { start: new Date(at(2, 9)) }, after: { start: new Date(at(300, 9)), end: new Date(at(300, 17)), location: 'Lisbon' } });
    expect(result.changeSet).toMatchObject({ added: 0, updated: 1, removed: 4 });
    // One read per removed single event (200 for the one moved, 404 for the one deleted), one for the series' master
    // (404: its occurrences went with it, unread).
    const reads = h.graph.requests.slice(before).filter((r) => r.oid === oid && r.path.toLowerCase().startsWith('/v1.0/me/events/'));
    expect(reads.map((r) => [decodeURIComponent(r.path.split('/').pop()!), r.status]).sort()).toEqual(
      [[ids.offsite!, 200], [ids.coffee!, 404], [series!.seriesMasterId, 404]].sort(),
    );
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Stays']);
    await expectDaysMatchEvents(h, userKey);
  });

  test('a removed event Graph will not let calbot read (400) reads "Removed"; one it cannot read for now (503) fails the page, told once when read', async () => {
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Unreadable', (oid) => {
      ids = {
        first: h.graph.addEvent(oid, { subject: 'Quarterly', start: at(2, 9), end: at(2, 10) }),
        second: h.graph.addEvent(oid, { subject: 'Annual', start: at(3, 9), end: at(3, 10) }),
      };
    });
    const oid = microsoft.oid;
    h.graph.updateEvent(oid, ids.first!, { start: at(250, 9), end: at(250, 10) });
    h.graph.failNext({ status: 400, oid, resource: '/me/events/', code: 'ErrorInvalidIdMalformed', message: 'Id is malformed.' });
    const refused = await runRound(h, userKey);
    expect(summary(refused.changeSet.changes)).toEqual(['removed: Quarterly']);

    h.graph.updateEvent(oid, ids.second!, { start: at(260, 9), end: at(260, 10) });
    h.graph.failNext({ status: 503, oid, resource: '/me/events/' }, 4); // the first try and the client's three retries
    await expect(runRound(h, userKey)).rejects.toThrow(GraphUnavailableError);
    expect(await storedEvents(h, userKey)).toHaveLength(1); // the page was not stored
    const announced: Change[] = [];
    const retried = await runRound(h, userKey, { onChanges: async (_key, changes) => void announced.push(...changes) });
    expect(summary(retried.changeSet.changes)).toEqual(['moved: Annual']);
    expect(summary(announced)).toEqual(['moved: Annual']);
    expect(await storedEvents(h, userKey)).toEqual([]);
    await expectDaysMatchEvents(h, userKey);
  });

  test('an incremental page naming many events (a series edited) looks them up in one query; exact result', async () => {
    const ids: string[] = [];
    const { userKey, microsoft } = await connectedUser(h, 'Ada Series', (oid) => {
      for (let i = 0; i < 20; i++) ids.push(h.graph.addEvent(oid, { subject: `Weekly ${i}`, start: at(1 + i, 9), end: at(1 + i, 10) }));
    });
    for (const id of ids.slice(0, 18)) h.graph.updateEvent(microsoft.oid, id, { subject: 'Weekly (new room)', location: 'Room 9' });
    h.graph.deleteEvent(microsoft.oid, ids[18]!);
    // The round's own reads of the events, through a client of its own that reports the commands it sends.
    const watched = await MongoClient.connect(process.env.CALBOT_TEST_MONGODB_URI!, { monitorCommands: true });
    const reads: Document[] = [];
    watched.on('commandStarted', (started) => void (started.commandName === 'find' && started.command.find === COLLECTIONS.events && reads.push(started.command.filter)));
    let result: SyncRoundResult;
    try {
      result = await runRound(h, userKey, { collections: collections(watched.db(h.store.db.databaseName)), config: { sync: { ...h.calbot.config.sync, pageSize: 50 } } });
    } finally {
      await watched.close();
    }
    expect(result).toMatchObject({ changeSet: { added: 0, updated: 18, removed: 1 } });
    // The 19 events the page names, in one query of the user's events: not a point read each.
    expect(reads).toEqual([{ userKey, _id: { $in: expect.arrayContaining(ids.slice(0, 19).map((id) => `${userKey}|${id}`)) } }]);
    expect(reads[0]!._id.$in).toHaveLength(19);
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => e.subject)).toEqual([...Array.from({ length: 18 }, () => 'Weekly (new room)'), 'Weekly 19']);
    await expectDaysMatchEvents(h, userKey);
  });

  test('a first round is stored in batches: dying before its batch is stored, it starts over and ends exact', async () => {
    const { userKey, microsoft } = await connectedUser(h, 'Ada Import', (oid) => {
      for (let i = 0; i < 8; i++) h.graph.addEvent(oid, { subject: `Import ${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
    });
    // Back to a first round, as after a disconnect.
    await h.store.collections.events.deleteMany({ userKey });
    await h.store.collections.calendarDays.deleteMany({ userKey });
    await h.store.collections.syncStates.deleteOne({ _id: userKey });
    // Graph fails the third page (a 500, which the client does not retry): the round dies there.
    h.graph.failNext({ status: 500, oid: microsoft.oid, resource: '/me/calendarView/delta', after: 2 });
    const before = h.graph.requests.length;
    await expect(runRound(h, userKey)).rejects.toBeInstanceOf(GraphUnavailableError);
    expect(h.graph.requests.slice(before).map((r) => r.status)).toEqual([200, 200, 500]);
    // Pages 1 and 2 (6 events) were read, not stored: the batch had not filled; no progress was saved either.
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(0);
    expect((await h.store.collections.syncStates.findOne({ _id: userKey }))!.nextLink).toBeUndefined();

    const completed: (number | undefined)[] = [];
    const result = await runRound(h, userKey, { onRoundComplete: async (_key, r) => void completed.push(r.totalEvents) });
    expect(result).toMatchObject({ firstRound: true, changeSet: { added: 8, updated: 0, removed: 0, changes: [] } });
    expect(completed).toEqual([8]);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(Array.from({ length: 8 }, (_, i) => `Import ${i}`));
    await expectDaysMatchEvents(h, userKey);
  });

  test('a round that dies after page 2 resumes from its nextLink; exact final state, nothing duplicated', async () => {
    const { userKey, microsoft } = await connectedUser(h, 'Ada Crash', (oid) => {
      h.graph.addEvent(oid, { subject: 'Existing', start: at(1, 9), end: at(1, 10) });
    });
    const oid = microsoft.oid;
    const subjects = Array.from({ length: 10 }, (_, i) => `Meeting ${String(i).padStart(2, '0')}`);
    subjects.forEach((subject, i) => h.graph.addEvent(oid, { subject, start: at(2 + i, 9), end: at(2 + i, 10) }));

    // Graph fails the third page (a 500, not retried): the round ends there, as if the process had died.
    h.graph.failNext({ status: 500, oid, resource: '/me/calendarView/delta', after: 2 });
    await expect(runRound(h, userKey)).rejects.toBeInstanceOf(GraphUnavailableError);
    const crashed = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(crashed).toMatchObject({ status: 'error', lastError: { kind: 'unavailable' } });
    expect(crashed!.nextLink).toMatch(/\$skiptoken=/);
    expect(await h.store.collections.events.countDocuments({ userKey })).toBe(1 + 6); // two pages of 3

    const requestsBefore = h.graph.requests.length;
    const resumed = await runRound(h, userKey);
    expect(h.graph.requests[requestsBefore]!.query.$skiptoken).toBeDefined(); // resumed mid-round, not from the start
    expect(resumed.changeSet.added).toBe(4);
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => e.subject)).toEqual(['Existing', ...subjects]);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ status: 'idle', roundsCompleted: 2 });
    expect(Object.keys(await storedDays(h, userKey))).toHaveLength(11);
    await expectDaysMatchEvents(h, userKey);
  });

  test('a later page answered 500 ErrorInternalServerTransientError is read again: the round ends in one go, each change stored and told once', async () => {
    const { userKey, microsoft } = await connectedUser(h, 'Ada Transient', (oid) => void h.graph.addEvent(oid, { subject: 'Existing', start: at(1, 9), end: at(1, 10) }));
    const oid = microsoft.oid;
    const subjects = Array.from({ length: 7 }, (_, i) => `Meeting ${i}`);
    subjects.forEach((subject, i) => h.graph.addEvent(oid, { subject, start: at(2 + i, 9), end: at(2 + i, 10) }));
    h.graph.failNext({ status: 500, oid, resource: '/me/calendarView/delta', after: 2, code: 'ErrorInternalServerTransientError', message: 'An internal server error occurred. Try again later.' });
    const announced: Change[] = [];
    const before = h.graph.requests.length;
    const result = await runRound(h, userKey, { onChanges: async (_key, changes) => void announced.push(...changes) });
    const sent = h.graph.requests.slice(before).filter((r) => r.oid === oid);
    expect(sent.map((r) => r.status)).toEqual([200, 200, 500, 200, 200]); // 3 + 3 + 1 events, then the deltaLink's page
    expect(sent[3]!.query.$skiptoken).toBe(sent[2]!.query.$skiptoken); // the same page, asked again
    expect(summary(announced)).toEqual(subjects.map((subject) => `added: ${subject}`));
    expect(result.changeSet).toMatchObject({ added: 7, updated: 0, removed: 0 });
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Existing', ...subjects]);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ status: 'idle', roundsCompleted: 2 });
    expect((await h.store.collections.syncStates.findOne({ _id: userKey }))!.lastError).toBeUndefined();
    await expectDaysMatchEvents(h, userKey);
  });

  test('410 lost delta state -> full round, no duplicates, events deleted or moved past the window meanwhile reconciled away (and reported as they are)', async () => {
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Lost', (oid) => {
      ids = {
        keep: h.graph.addEvent(oid, { subject: 'Keep', start: at(1, 9), end: at(1, 10) }),
        gone: h.graph.addEvent(oid, { subject: 'Gone', start: at(2, 9), end: at(2, 10) }),
        far: h.graph.addEvent(oid, { subject: 'Far', start: at(2, 11), end: at(2, 12) }),
        cancelledEarlier: h.graph.addEvent(oid, { subject: 'Was cancelled', start: at(3, 9), end: at(3, 10), isCancelled: true }),
      };
      for (let i = 0; i < 4; i++) h.graph.addEvent(oid, { subject: `Filler ${i}`, start: at(4 + i, 9), end: at(4 + i, 10) });
    });
    const oid = microsoft.oid;
    h.graph.deleteEvent(oid, ids.gone!);
    h.graph.updateEvent(oid, ids.far!, { start: at(200, 11), end: at(200, 12) });
    h.graph.deleteEvent(oid, ids.cancelledEarlier!);
    h.graph.addEvent(oid, { subject: 'Added meanwhile', start: at(9, 9), end: at(9, 10) });
    h.graph.invalidateAllTokens(oid);

    const before = h.graph.requests.length;
    const result = await runRound(h, userKey);
    const delta = h.graph.requests.slice(before).filter((r) => r.oid === oid);
    expect(delta[0]!.status).toBe(410);
    expect(delta[1]!.query.startDateTime).toBeDefined(); // a new round from the window
    expect(summary(result.changeSet.changes)).toEqual(['added: Added meanwhile', 'moved: Far', 'removed: Gone']);
    expect(result.changeSet.changes.find((change) => change.kind === 'moved')!.after!.start).toEqual(new Date(at(200, 11)));
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => e.subject)).toEqual(['Keep', 'Filler 0', 'Filler 1', 'Filler 2', 'Filler 3', 'Added meanwhile']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(state).toMatchObject({ status: 'idle', roundsCompleted: 2 });
    expect(state!.fullRound).toBeUndefined();
    expect((await storedDays(h, userKey))[dateIn(2)]).toBeUndefined();
    await expectDaysMatchEvents(h, userKey);
  });

  test('occurrences delta sends bare (id, type, seriesMasterId, start, end) take subject, place, people and answer from their series, read once a round', async () => {
    let series: { seriesMasterId: string; occurrenceIds: string[] } | undefined;
    const { userKey, microsoft } = await connectedUser(h, 'Ada Bare', (oid) => {
      h.graph.calendar.mailbox(oid).bareOccurrences = true;
      series = h.graph.addRecurringSeries(oid, {
        subject: 'Standup', start: at(1, 8), end: at(1, 8, 15), count: 4, every: 'day', exceptionIndex: 1, exceptionShiftMinutes: 30, cancelledIndex: -1, location: 'Room 4',
      });
    });
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => [e.subject, e.type, e.location])).toEqual([
      ['Standup', 'occurrence', 'Room 4'],
      ['Standup (moved)', 'exception', 'Room 4'],
      ['Standup', 'occurrence', 'Room 4'],
      ['Standup', 'occurrence', 'Room 4'],
    ]);
    expect(events.every((e) => e.showAs === 'busy' && e.responseStatus === 'organizer')).toBe(true);
    const masterReads = h.graph.requests.filter((r) => r.oid === microsoft.oid && r.path.toLowerCase().startsWith('/v1.0/me/events/'));
    expect(masterReads.map((r) => [r.status, decodeURIComponent(r.path.split('/').pop()!)])).toEqual([[200, series!.seriesMasterId]]);
    await expectDaysMatchEvents(h, userKey);
  });

  test('an event a page names twice, "@removed" and then as it is, is what its last mention says: moved, not removed', async () => {
    let id = '';
    const { userKey, microsoft } = await connectedUser(h, 'Ada Twice', (oid) => {
      id = h.graph.addEvent(oid, { subject: 'Retro', start: at(1, 9), end: at(1, 10) });
      h.graph.addEvent(oid, { subject: 'Stays', start: at(2, 9), end: at(2, 10) });
    });
    const oid = microsoft.oid;
    h.graph.updateEvent(oid, id, { start: at(1, 11), end: at(1, 12) });
    h.graph.calendar.repeatInNextRound(oid);

    const before = h.graph.requests.length;
    const result = await runRound(h, userKey);
    const pages = h.graph.requests.slice(before).filter((r) => r.oid === oid && r.status === 200);
    expect(pages.length).toBeGreaterThan(0);
    expect(summary(result.changeSet.changes)).toEqual(['moved: Retro']);
    const events = await storedEvents(h, userKey);
    expect(events.map((e) => e.subject)).toEqual(['Retro', 'Stays']);
    expect(events[0]!.start).toEqual(new Date(at(1, 11)));
    await expectDaysMatchEvents(h, userKey);
  });

  test('pages with no items but a nextLink (first page, between pages) are read on, in a first round and later: exact result', async () => {
    const subjects = Array.from({ length: 7 }, (_, i) => `Meeting ${i}`);
    let ids: string[] = [];
    const { userKey, microsoft } = await connectedUser(h, 'Ada Empty Pages', (oid) => {
      h.graph.calendar.emptyPagesInNextRound(oid);
      ids = subjects.map((subject, i) => h.graph.addEvent(oid, { subject, start: at(1 + i, 9), end: at(1 + i, 10) }));
    });
    const oid = microsoft.oid;
    const first = h.graph.requests.filter((r) => r.oid === oid && r.path.toLowerCase().endsWith('/calendarview/delta'));
    // Page size 3: empty, 3, empty, 3, empty, 1, then the trailing page with the deltaLink.
    expect(first).toHaveLength(7);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(subjects);
    await expectDaysMatchEvents(h, userKey);

    h.graph.calendar.emptyPagesInNextRound(oid);
    h.graph.updateEvent(oid, ids[5]!, { subject: 'Renamed' });
    const before = h.graph.requests.length;
    const result = await runRound(h, userKey);
    expect(h.graph.requests.slice(before).filter((r) => r.oid === oid)).toHaveLength(3); // empty, the change, the deltaLink
    expect(summary(result.changeSet.changes)).toEqual(['changed: Renamed']);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(subjects.map((subject, i) => (i === 5 ? 'Renamed' : subject)));
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ status: 'idle', roundsCompleted: 2 });
  });

  test('a round that replays the round before it (Graph: changes can be replayed) stores and tells only what is new; a replayed deletion is nothing', async () => {
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Replay', (oid) => {
      ids = {
        retro: h.graph.addEvent(oid, { subject: 'Retro', start: at(1, 9), end: at(1, 10) }),
        coffee: h.graph.addEvent(oid, { subject: 'Coffee', start: at(2, 9), end: at(2, 10) }),
        planning: h.graph.addEvent(oid, { subject: 'Planning', start: at(3, 9), end: at(3, 10) }),
      };
    });
    const oid = microsoft.oid;
    h.graph.updateEvent(oid, ids.retro!, { start: at(1, 11), end: at(1, 12) });
    h.graph.deleteEvent(oid, ids.coffee!);
    const first = await runRound(h, userKey);
    expect(summary(first.changeSet.changes)).toEqual(['moved: Retro', 'removed: Coffee']);
    const stored = await storedEvents(h, userKey);

    // The next round sends the last one's changes again (the move as it was then, the deletion), then a new one.
    h.graph.calendar.replayInNextRound(oid);
    h.graph.updateEvent(oid, ids.planning!, { subject: 'Quarterly planning' });
    const announced: Change[] = [];
    const replayed = await runRound(h, userKey, { onChanges: async (_key, changes) => void announced.push(...changes) });
    expect(summary(replayed.changeSet.changes)).toEqual(['changed: Quarterly planning']);
    expect(summary(announced)).toEqual(['changed: Quarterly planning']);
    expect(replayed.changeSet).toMatchObject({ added: 0, updated: 1, removed: 0 });
    const after = await storedEvents(h, userKey);
    expect(after.map((e) => e.subject)).toEqual(['Retro', 'Quarterly planning']);
    expect(after[0]).toEqual(stored[0]); // the replayed move wrote nothing
    // The replayed deletion named an event no longer stored: not looked up at Graph.
    expect(h.graph.requests.filter((r) => r.oid === oid && decodeURIComponent(r.path).endsWith(ids.coffee!))).toHaveLength(1); // the first round's read (404)
    await expectDaysMatchEvents(h, userKey);
  });

  test('a 400 resyncRequired on the deltaLink -> a full round from the window, as a 410 is (it was a failed round, and every one after it)', async () => {
    const { userKey, microsoft } = await connectedUser(h, 'Ada Resync', (oid) => {
      h.graph.addEvent(oid, { subject: 'Keep', start: at(1, 9), end: at(1, 10) });
    });
    const oid = microsoft.oid;
    h.graph.addEvent(oid, { subject: 'Added meanwhile', start: at(2, 9), end: at(2, 10) });
    h.graph.failNext({ status: 400, code: 'resyncRequired', oid, resource: '/me/calendarView/delta' });

    const before = h.graph.requests.length;
    const result = await runRound(h, userKey);
    const delta = h.graph.requests.slice(before).filter((r) => r.oid === oid);
    expect(delta[0]!.status).toBe(400);
    expect(delta[0]!.query.startDateTime).toBeUndefined(); // the deltaLink
    expect(delta[1]!.query.startDateTime).toBeDefined(); // a new round from the window
    expect(summary(result.changeSet.changes)).toEqual(['added: Added meanwhile']);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Keep', 'Added meanwhile']);
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(state).toMatchObject({ status: 'idle', roundsCompleted: 2 });
    expect(state!.lastError).toBeUndefined();
  });

  test('the window rolls a day: a full round that reports only real changes, not events entering or leaving', async () => {
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Roll', (oid) => {
      ids = {
        leaving: h.graph.addEvent(oid, { subject: 'Last week', start: at(-7, 9), end: at(-7, 10) }),
        staying: h.graph.addEvent(oid, { subject: 'Tomorrow', start: at(1, 9), end: at(1, 10) }),
        deleted: h.graph.addEvent(oid, { subject: 'Deleted meanwhile', start: at(2, 9), end: at(2, 10) }),
        entering: h.graph.addEvent(oid, { subject: 'Far ahead', start: at(181, 9), end: at(181, 10) }),
      };
    });
    const oid = microsoft.oid;
    const stored = (await storedEvents(h, userKey)).map((e) => e.subject);
    expect(stored).toEqual(['Last week', 'Tomorrow', 'Deleted meanwhile']); // 'Far ahead' is past today + 180 days
    h.graph.deleteEvent(oid, ids.deleted!);
    h.graph.addEvent(oid, { subject: 'Added meanwhile', start: at(3, 9), end: at(3, 10) });

    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const result = await runRound(h, userKey, { clock: () => tomorrow });
    expect(summary(result.changeSet.changes)).toEqual(['added: Added meanwhile', 'removed: Deleted meanwhile']);
    expect(result.changeSet).toMatchObject({ added: 1, removed: 1 });
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Tomorrow', 'Added meanwhile', 'Far ahead']);
    const state = await h.store.collections.syncStates.findOne({ _id: userKey });
    expect(state!.windowStart).toEqual(new Date(`${dateIn(-6)}T00:00:00.000Z`));
    const days = await storedDays(h, userKey);
    expect(days[dateIn(-7)]).toBeUndefined(); // left behind by the window, removed with its event
    expect(days[dateIn(181)]).toEqual(['Far ahead']);
    await expectDaysMatchEvents(h, userKey);
  });

  test('the window rolls onto days an unchanged event already reaches into (a leave past its end, a longer SYNC_WINDOW_PAST_DAYS): those days are filed too, without a word', async () => {
    const { userKey } = await connectedUser(h, 'Ada Leave', (oid) => {
      h.graph.addAllDayEvent(oid, { subject: 'Parental leave', startDate: dateIn(170), endDate: dateIn(200), timeZone: 'UTC' });
      h.graph.addEvent(oid, { subject: 'Conference', start: at(180, 8), end: at(182, 18) });
      h.graph.addEvent(oid, { subject: 'Retreat', start: at(-9, 9), end: at(-6, 17) });
    });
    let days = await storedDays(h, userKey);
    expect(days[dateIn(180)]).toEqual(['Parental leave', 'Conference']);
    expect(days[dateIn(181)]).toBeUndefined(); // past the window's end
    expect(days[dateIn(-8)]).toBeUndefined(); // before its start
    expect(days[dateIn(-7)]).toEqual(['Retreat']);

    // The daily move: one more day at the end, which both events run into.
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const moved = await runRound(h, userKey, { clock: () => tomorrow });
    expect(moved.changeSet).toMatchObject({ added: 0, updated: 0, removed: 0, changes: [] });
    days = await storedDays(h, userKey);
    expect(days[dateIn(181)]).toEqual(['Parental leave', 'Conference']);
    expect(days[dateIn(182)]).toBeUndefined();
    await expectDaysMatchEvents(h, userKey);

    expect(days[dateIn(-7)]).toBeUndefined(); // left behind by the move
    expect(days[dateIn(-6)]).toEqual(['Retreat']);

    // Two more days kept in the past (from tomorrow's view, back to 8 days before today): the retreat's days come back.
    const longer = await runRound(h, userKey, { clock: () => tomorrow, config: { sync: { ...h.calbot.config.sync, windowPastDays: 9 } } });
    expect(longer.changeSet).toMatchObject({ added: 0, updated: 0, removed: 0, changes: [] });
    days = await storedDays(h, userKey);
    expect(days[dateIn(-8)]).toEqual(['Retreat']);
    expect(days[dateIn(-7)]).toEqual(['Retreat']);
    expect(days[dateIn(-9)]).toBeUndefined();
    await expectDaysMatchEvents(h, userKey);
  });

  test('the window rolls past an all-day event of a zone behind UTC: Graph still sends it (its day ends after the new start), calbot lets it go as no news', async () => {
    const { userKey } = await connectedUser(h, 'Ada Pacific', (oid) => {
      // 00:00-24:00 Pacific time on the window's first date: 08:00 UTC that day to 08:00 UTC the next.
      h.graph.addAllDayEvent(oid, { subject: 'Offsite (Seattle)', startDate: dateIn(-7), endDate: dateIn(-6), timeZone: 'Pacific Standard Time' });
      h.graph.addEvent(oid, { subject: 'Tomorrow', start: at(1, 9), end: at(1, 10) });
    });
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Offsite (Seattle)', 'Tomorrow']);
    const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
    const announced: Change[] = [];
    const result = await runRound(h, userKey, { clock: () => tomorrow, onChanges: async (_key, changes) => void announced.push(...changes) });
    expect(result.changeSet).toMatchObject({ added: 0, updated: 0, removed: 0, changes: [] });
    expect(announced).toEqual([]);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Tomorrow']); // its date is outside the window now
    expect((await storedDays(h, userKey))[dateIn(-7)]).toBeUndefined();
    await expectDaysMatchEvents(h, userKey);
  });

  test('a round that failed after marking events: the next full round still removes what Microsoft deleted', async () => {
    let ids: Record<string, string> = {};
    const { userKey, microsoft } = await connectedUser(h, 'Ada Ghost', (oid) => {
      ids = { ghost: h.graph.addEvent(oid, { subject: 'Ghost', start: at(1, 9), end: at(1, 10) }), keep: h.graph.addEvent(oid, { subject: 'Keep', start: at(2, 9), end: at(2, 10) }) };
    });
    const oid = microsoft.oid;
    // An incremental round stores the renamed event, then Graph answers its next page with 503s through all the
    // client's retries (Retry-After: 0, so they come at once).
    h.graph.updateEvent(oid, ids.ghost!, { subject: 'Ghost v2' });
    h.graph.failNext({ status: 503, retryAfterSeconds: 0, oid, laterPagesOnly: true }, 4);
    const before = h.graph.requests.length;
    await expect(runRound(h, userKey)).rejects.toMatchObject({ name: 'GraphUnavailableError', statusCode: 503 });
    const failed = h.graph.requests.slice(before).filter((r) => r.status === 503);
    expect(failed).toHaveLength(4);
    expect(new Set(failed.map((r) => r.query.$skiptoken)).size).toBe(1); // the same page, asked again
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Ghost v2', 'Keep']);

    // Deleted at Microsoft, then the delta state is lost: the full round that follows never sees it.
    h.graph.deleteEvent(oid, ids.ghost!);
    h.graph.invalidateAllTokens(oid);
    const result = await runRound(h, userKey);
    expect(summary(result.changeSet.changes)).toEqual(['removed: Ghost v2']);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Keep']);
    expect((await storedDays(h, userKey))[dateIn(1)]).toBeUndefined();
    await expectDaysMatchEvents(h, userKey);
  });

  test('a first round that starts over after a partial import removes what Microsoft deleted meanwhile, and says nothing of it', async () => {
    let gone = '';
    const { userKey, microsoft } = await connectedUser(h, 'Ada Reimport', (oid) => {
      h.graph.addEvent(oid, { subject: 'Stays', start: at(1, 9), end: at(1, 10) });
      gone = h.graph.addEvent(oid, { subject: 'Deleted meanwhile', start: at(2, 9), end: at(2, 10) });
    });
    // As a first round leaves things when it dies after storing its events, before its state says it completed.
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $set: { roundsCompleted: 0 }, $unset: { deltaLink: '' } });
    h.graph.deleteEvent(microsoft.oid, gone);
    const announced: Change[] = [];
    const completed: (number | undefined)[] = [];
    const result = await runRound(h, userKey, { onChanges: async (_key, changes) => void announced.push(...changes), onRoundComplete: async (_key, r) => void completed.push(r.totalEvents) });
    expect(result).toMatchObject({ firstRound: true, changeSet: { removed: 1, changes: [] } });
    expect(announced).toEqual([]);
    expect(completed).toEqual([1]);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Stays']);
    expect(await storedDays(h, userKey)).toEqual({ [dateIn(1)]: ['Stays'] });
  });

  test('a shorter SYNC_WINDOW_FUTURE_DAYS: the events past the new end go, and so do their days, without a word', async () => {
    const { userKey } = await connectedUser(h, 'Ada Shrink', (oid) => {
      h.graph.addEvent(oid, { subject: 'Soon', start: at(1, 9), end: at(1, 10) });
      h.graph.addEvent(oid, { subject: 'Far', start: at(100, 9), end: at(100, 10) });
    });
    expect(Object.keys(await storedDays(h, userKey))).toEqual([dateIn(1), dateIn(100)]);
    const result = await runRound(h, userKey, { config: { sync: { ...h.calbot.config.sync, windowFutureDays: 30 } } });
    expect(result.changeSet).toMatchObject({ added: 0, updated: 0, removed: 0, changes: [] });
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Soon']);
    expect(await storedDays(h, userKey)).toEqual({ [dateIn(1)]: ['Soon'] });
  });

  test('a window move that meets a 410, resumed after a crash or not: events that only left the window are no news, their days go', async () => {
    for (const [name, crash] of [
      ['Ada Roll Crash', true],
      ['Ada Roll Lost', false],
    ] as const) {
      const { userKey, microsoft } = await connectedUser(h, name, (oid) => {
        h.graph.addEvent(oid, { subject: 'Leaving', start: at(-7, 9), end: at(-7, 10) });
        for (let i = 0; i < 6; i++) h.graph.addEvent(oid, { subject: `Stay ${i}`, start: at(1 + i, 9), end: at(1 + i, 10) });
      });
      const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000);
      // The move's first page goes through; its next one waits at Graph while Graph loses the delta state, so that
      // page's skip token gets 410. Crashing, the round dies on that page before it sees the 410 (a 500).
      const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta', after: 1 });
      if (crash) h.graph.failNext({ status: 500, oid: microsoft.oid, laterPagesOnly: true });
      const moving = runRound(h, userKey, { clock: () => tomorrow });
      await hold.held;
      h.graph.invalidateAllTokens(microsoft.oid);
      hold.release();
      if (crash) await expect(moving).rejects.toBeInstanceOf(GraphUnavailableError);
      const result = crash ? await runRound(h, userKey, { clock: () => tomorrow }) : await moving;
      expect(h.graph.requests.some((r) => r.oid === microsoft.oid && r.status === 410)).toBe(true);
      expect(result.changeSet).toMatchObject({ added: 0, updated: 0, removed: 0, changes: [] });
      expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(Array.from({ length: 6 }, (_, i) => `Stay ${i}`));
      expect((await storedDays(h, userKey))[dateIn(-7)]).toBeUndefined();
      await expectDaysMatchEvents(h, userKey);
    }
  });

  test('disconnected while the last page of a first round is in flight: the round stops and nothing of the calendar stays', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Ada Leaver', (oid) => {
      h.graph.addEvent(oid, { subject: 'Private 1', start: at(1, 9), end: at(1, 10) });
      h.graph.addEvent(oid, { subject: 'Private 2', start: at(2, 9), end: at(2, 10) });
    });
    // Back to a first round, as right after connecting; it reads one page of events and the trailing empty one.
    await h.store.collections.events.deleteMany({ userKey });
    await h.store.collections.calendarDays.deleteMany({ userKey });
    await h.store.collections.syncStates.deleteOne({ _id: userKey });
    // The trailing page waits at Graph until the user has disconnected.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta', after: 1 });
    const before = h.graph.requests.length;
    const completed: unknown[] = [];
    const round = runRound(h, userKey, { onRoundComplete: async (_key, r) => void completed.push(r) });
    try {
      await hold.held;
      expect((await command(h, chat, 'disconnect outlook'))[0]).toMatch(/^Disconnected from Outlook/);
    } finally {
      hold.release();
    }
    await expect(round).rejects.toMatchObject({ name: 'RoundAbandonedError', reason: 'disconnected' });
    expect(h.graph.requests.slice(before).map((r) => r.status)).toEqual([200, 200]);
    expect(completed).toEqual([]);
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toBeNull();
    expect(await storedEvents(h, userKey)).toEqual([]);
    expect(await storedDays(h, userKey)).toEqual({});
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toBeNull();
    // A round for an account that is gone does not begin (and creates no sync state).
    await expect(runRound(h, userKey)).rejects.toBeInstanceOf(RoundAbandonedError);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toBeNull();
  });

  test('Graph refusing the calendar (403 ErrorAccessDenied): the round fails as "auth", the state asks for a reconnect, one warning without the token', async () => {
    const { userKey, microsoft } = await connectedUser(h, 'Ada Denied', (oid) => void h.graph.addEvent(oid, { subject: 'Kept', start: at(1, 9), end: at(1, 10) }));
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    h.graph.failNext({ status: 403, oid: microsoft.oid, resource: '/me/calendarView/delta' });
    const before = h.graph.requests.length;
    await expect(runRound(h, userKey, { logger })).rejects.toMatchObject({ name: 'GraphAuthError', statusCode: 403, code: 'ErrorAccessDenied', kind: 'auth' });
    const sent = h.graph.requests.slice(before);
    expect(sent.map((r) => r.status)).toEqual([403]); // not retried: another token would carry the same scopes
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({
      status: 'error',
      lastError: { kind: 'auth', message: 'I can no longer read your Outlook calendar. Say "reconnect" to sign in again.' },
    });
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Kept']);
    expect(lines.filter((line) => line.event === 'sync-failed')).toEqual([
      expect.objectContaining({ level: 40, userKey, kind: 'auth', err: 'Graph refused the credentials (403 ErrorAccessDenied): Access is denied. Check credentials and try again.' }),
    ]);
    const token = sent[0]!.authorization!.replace(/^Bearer /, '');
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  test('a sync state from before states named their account is taken as the linked account\'s: the next round goes on from its delta link', async () => {
    const { userKey, microsoft } = await connectedUser(h, 'Ada Adopted', (oid) => void h.graph.addEvent(oid, { subject: 'Kept', start: at(1, 9), end: at(1, 10) }));
    const { homeAccountId } = (await h.store.collections.accounts.findOne({ _id: userKey }))!;
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ homeAccountId, roundsCompleted: 1 });
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $unset: { homeAccountId: '' } });

    h.graph.addEvent(microsoft.oid, { subject: 'News', start: at(2, 9), end: at(2, 10) });
    const result = await runRound(h, userKey);
    expect(result).toMatchObject({ firstRound: false, changeSet: { added: 1, updated: 0, removed: 0 } });
    expect(summary(result.changeSet.changes)).toEqual(['added: News']);
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Kept', 'News']);
    expect(await h.store.collections.syncStates.findOne({ _id: userKey })).toMatchObject({ homeAccountId, roundsCompleted: 2 });
  });

  test('days stored before calendarDays existed (no daysVersion) are filed by the next round, even an idle one', async () => {
    const { userKey } = await connectedUser(h, 'Ada Upgrade', (oid) => {
      h.graph.addEvent(oid, { subject: 'Kept', start: at(1, 9), end: at(1, 10) });
      h.graph.addEvent(oid, { subject: 'Late night', start: at(2, 23), end: at(3, 1) });
    });
    await h.store.collections.calendarDays.deleteMany({ userKey });
    await h.store.collections.calendarDays.insertOne({ _id: `${userKey}|${dateIn(5)}`, userKey, date: dateIn(5), events: [], updatedAt: new Date() });
    await h.store.collections.syncStates.updateOne({ _id: userKey }, { $unset: { daysVersion: '' } });

    const idle = await runRound(h, userKey);
    expect(idle).toMatchObject({ requests: 1, changeSet: { added: 0, updated: 0, removed: 0 } });
    expect(await storedDays(h, userKey)).toEqual({ [dateIn(1)]: ['Kept'], [dateIn(2)]: ['Late night'], [dateIn(3)]: ['Late night'] });
    expect((await h.store.collections.syncStates.findOne({ _id: userKey }))!.daysVersion).toBe(DAYS_VERSION);
  });
});
