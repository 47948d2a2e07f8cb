import type { EventDoc } from '../store/collections.js';

export type ChangeKind = 'added' | 'moved' | 'changed' | 'cancelled' | 'removed';
export type ChangedField = 'time' | 'subject' | 'location';

/** One change worth telling the user about. */
export interface Change {
  kind: ChangeKind;
  eventId: string;
  /**
   * The subject to name the event by: the new one, or the last known one for a removal or a cancellation (Exchange
   * renames an attendee's cancelled copy "Canceled: X", which would read "Cancelled: Canceled: X").
   */
  subject: string;
  before?: EventDoc;
  after?: EventDoc;
  /** What differs; empty for added, cancelled and removed. */
  fields: ChangedField[];
}

/** What one sync round did: counts of stored-document effects, and the changes worth a notice. */
export interface ChangeSet {
  added: number;
  updated: number;
  removed: number;
  changes: Change[];
}

export function emptyChangeSet(): ChangeSet {
  return { added: 0, updated: 0, removed: 0, changes: [] };
}

/**
 * The notice-worthy difference between the stored event and the new one (undefined = not stored / gone).
 * Undefined when nothing a user cares about changed: same etag (a replayed page), only showAs or the response,
 * an event that arrives already cancelled, or the removal of an event the user was already told was cancelled.
 */
export function diffEvent(before: EventDoc | undefined, after: EventDoc | undefined): Change | undefined {
  if (!before && !after) return undefined;
  if (!before) {
    const added = after!;
    return added.isCancelled ? undefined : { kind: 'added', eventId: added.eventId, subject: added.subject, after: added, fields: [] };
  }
  if (!after) {
    return before.isCancelled ? undefined : { kind: 'removed', eventId: before.eventId, subject: before.subject, before, fields: [] };
  }
  if (before.etag !== undefined && before.etag === after.etag) return undefined;
  const base = { eventId: after.eventId, subject: after.subject, before, after };
  if (!before.isCancelled && after.isCancelled) return { ...base, subject: before.subject, kind: 'cancelled', fields: [] };
  // An organizer re-instating a cancelled meeting: it is back on the calendar.
  if (before.isCancelled && !after.isCancelled) return { ...base, kind: 'added', fields: [] };
  if (after.isCancelled) return undefined;

  const fields: ChangedField[] = [];
  if (timeChanged(before, after)) fields.push('time');
  if (before.subject !== after.subject) fields.push('subject');
  if ((before.location ?? '') !== (after.location ?? '')) fields.push('location');
  if (fields.length === 0) return undefined;
  return { ...base, kind: fields[0] === 'time' ? 'moved' : 'changed', fields };
}

/**
 * Counts one stored-document effect into `changeSet` and appends the notice-worthy change, if any; returns it.
 * A replay (same etag) counts as nothing, so a re-applied page leaves the counts alone.
 */
export function recordChange(changeSet: ChangeSet, before: EventDoc | undefined, after: EventDoc | undefined): Change | undefined {
  if (!before && after) changeSet.added++;
  else if (before && !after) changeSet.removed++;
  else if (before && after && (before.etag === undefined || before.etag !== after.etag)) changeSet.updated++;
  const change = diffEvent(before, after);
  if (change) changeSet.changes.push(change);
  return change;
}

/**
 * recordChange for a stored event that leaves the store: deleted, or, when `now` says where Graph holds it now, moved
 * out of the window ("Moved", to its new time) or cancelled. Counted as the user is told it: a move or a cancellation
 * is a change ("sync now" says "1 changed" beside a "Moved" notice), though the event is no longer stored.
 */
export function recordRemoval(changeSet: ChangeSet, before: EventDoc, now: EventDoc | undefined): Change | undefined {
  const departed = now ? diffEvent(before, now) : undefined;
  const explained = departed?.kind === 'moved' || departed?.kind === 'cancelled';
  const change = explained ? departed : diffEvent(before, undefined);
  if (explained) changeSet.updated++;
  else changeSet.removed++;
  if (change) changeSet.changes.push(change);
  return change;
}

function timeChanged(before: EventDoc, after: EventDoc): boolean {
  if (before.isAllDay !== after.isAllDay) return true;
  if (before.isAllDay) return before.startDate !== after.startDate || before.endDate !== after.endDate;
  return before.start.getTime() !== after.start.getTime() || before.end.getTime() !== after.end.getTime();
}
