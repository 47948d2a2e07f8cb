import { DateTime } from 'luxon';
import { fileByDate, writeDays } from '../../src/sync/calendar-days.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { command, connectedUser, fullRoundWithoutNotice, SYNC_ENV, waitForState } from '../sync/sync-support.js';
import { ask, readScheduleCard, type CardRow } from './ask-support.js';

/**
 * A Join button for meetings Outlook did not make in Teams: the fake Graph sends each event's body as Graph does
 * (HTML, with its text's start as bodyPreview), a real round stores what it finds, and the question goes through
 * /api/messages. Meetings are later today in Berlin, the user's zone.
 */
const ZOOM = 'https://us02web.zoom.us/j/81234567890?pwd=bXlwYXNzY29kZTEyMzQ1Njc4OQ.1';
const TEAMS = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzU4ZDVh%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf%22%7d';
const OWN_TEAMS = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_b3du%40thread.v2/0';
const safeLink = (url: string) => `https://eur02.safelinks.protection.outlook.com/?url=${encodeURIComponent(url)}&amp;data=05%7C02%7Cada%40contoso.com%7C5f0c%7C0%7C638&amp;sdata=Zm9v%3D&amp;reserved=0`;

/** A Zoom invitation from outside as Outlook keeps it: Safe Links rewrote the links; the location names no link. */
const zoomInvitation = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body dir="ltr">
<div>Hi there,</div><div>&nbsp;</div>
<div>Ada Lovelace is inviting you to a scheduled Zoom meeting.</div><div>&nbsp;</div>
<div>Join Zoom Meeting</div>
<div><a href="${safeLink(ZOOM)}" originalsrc="${ZOOM}">${ZOOM}</a></div><div>&nbsp;</div>
<div>Meeting ID: 812 3456 7890</div><div>Passcode: 123456</div>
<div>Find your local number: <a href="${safeLink('https://us02web.zoom.us/u/kdXyZ12')}">https://us02web.zoom.us/u/kdXyZ12</a></div>
</body></html>`;

const teamsInvitation = `<div><span style="font-size:24px">Microsoft Teams</span> <a href="https://aka.ms/JoinTeamsMeeting?omkt=en-US">Need help?</a></div>
<div><a class="me-email-headline" href="${TEAMS}" target="_blank" rel="noreferrer noopener">Join the meeting now</a></div>
<div>Meeting ID: 245 123 456 789</div><div>Passcode: a3BcDe</div>`;

const agenda = '<p>Agenda: <a href="https://contoso.sharepoint.com/sites/sales/Shared%20Documents/agenda.docx">agenda.docx</a></p>';

describe('Join buttons for every online meeting, end to end', () => {
  let h: CloudHarness;
  const today = () => DateTime.fromJSDate(h.clock.now()).setZone('Europe/Berlin').startOf('day');
  const at = (hour: number) => today().set({ hour }).toISO()!;
  const seed = (oid: string) => {
    h.graph.addEvent(oid, { subject: 'Vendor call', start: at(20), end: at(21), location: 'Zoom', body: zoomInvitation });
    h.graph.addEvent(oid, { subject: 'Partner sync', start: at(21), end: at(22), body: teamsInvitation });
    h.graph.addEvent(oid, { subject: 'Sales review', start: at(22), end: at(23), location: 'Room 4', body: agenda });
    h.graph.addEvent(oid, { subject: 'Team standup', start: at(19), end: at(20), joinUrl: OWN_TEAMS, body: zoomInvitation });
  };
  const rowsOf = async (chat: Parameters<typeof ask>[2]): Promise<Record<string, CardRow>> => {
    const card = readScheduleCard((await ask(h, "what's on today", chat)).card);
    return Object.fromEntries(card.groups.flatMap((group) => group.rows).map((row) => [row.title, row]));
  };

  beforeAll(async () => {
    h = await startCloudHarness(SYNC_ENV, 'join_links');
    // Late in the day (20:00-23:00 in Berlin) is still "today" for the question only if seed and answer read one instant.
    h.clock.pin(DateTime.now().setZone('Europe/Berlin').set({ hour: 8, minute: 0, second: 0, millisecond: 0 }).toJSDate());
  });
  afterAll(async () => {
    await h.close();
  });

  it('a Zoom meeting from outside shows its Zoom link, a Teams meeting of another organization its link; a document is no Join link; the body is not stored', async () => {
    const { chat, userKey } = await connectedUser(h, 'Ada Join', seed);
    const rows = await rowsOf(chat);
    expect(rows['Vendor call']?.join).toBe(ZOOM);
    expect(rows['Partner sync']?.join).toBe(TEAMS);
    expect(rows['Sales review']).toBeDefined();
    expect(rows['Sales review']?.join).toBeUndefined();
    // A Teams meeting Outlook made keeps its own link, whatever its text says.
    expect(rows['Team standup']?.join).toBe(OWN_TEAMS);

    // Only the link is kept: neither the body nor its preview reaches the database.
    const c = h.store.collections;
    const stored = JSON.stringify([await c.events.find({ userKey }).toArray(), await c.calendarDays.find({ userKey }).toArray()]);
    expect(stored).toContain(ZOOM);
    for (const text of ['Passcode', 'inviting you', 'agenda.docx', 'bodyPreview', '"body"']) expect(stored).not.toContain(text);
  });

  it('the organizer sending a new link moves the Join button with it', async () => {
    const { chat, microsoft } = await connectedUser(h, 'Ada Moved', seed);
    const vendor = [...h.graph.calendar.mailbox(microsoft.oid).events.values()].find((event) => event.subject === 'Vendor call')!;
    const moved = 'https://meet.google.com/abc-defg-hij';
    h.graph.updateEvent(microsoft.oid, vendor.id, { body: `<p>We moved to Google Meet: <a href="${moved}">${moved}</a></p>` });
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 1 changed, 0 removed.']);
    expect((await rowsOf(chat))['Vendor call']?.join).toBe(moved);
  });

  it('meetings stored before calbot read invitations for links get them from the next full round, with no notice', async () => {
    const { chat, microsoft, userKey } = await connectedUser(h, 'Ada Before', seed);
    const c = h.store.collections;
    // As an older calbot left them: only Outlook's own Teams meetings have a join link, in events and in days.
    await c.events.updateMany({ userKey, subject: { $ne: 'Team standup' } }, { $unset: { joinUrl: '' } });
    const state = await c.syncStates.findOne({ _id: userKey });
    await writeDays(c.calendarDays, userKey, fileByDate(await c.events.find({ userKey }).toArray(), { start: state!.windowStart!, end: state!.windowEnd! }), new Date());
    expect((await rowsOf(chat))['Vendor call']?.join).toBeUndefined();

    await fullRoundWithoutNotice(h, { chat, microsoft, userKey });

    const rows = await rowsOf(chat);
    expect(rows['Vendor call']?.join).toBe(ZOOM);
    expect(rows['Partner sync']?.join).toBe(TEAMS);
    expect(rows['Team standup']?.join).toBe(OWN_TEAMS);
  });
});
