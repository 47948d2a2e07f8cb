import { DateTime } from 'luxon';
import { matchesSubject, parseQuestion, type SubjectFilter } from '../../src/chat/question.js';
import { fileByDate, writeDays } from '../../src/sync/calendar-days.js';
import { startCloudHarness, teamsUser, type CloudHarness } from '../support/microsoft-cloud.js';
import { command, connectedUser, fullRoundWithoutNotice, SYNC_ENV, waitForState } from '../sync/sync-support.js';
import { ask, eventDoc, readScheduleCard, rowTitles, seedAccount } from './ask-support.js';

/**
 * "Meetings with sam": a name read after "with" finds the meetings Sam is in (organizer or attendee), not only those
 * with "sam" in their subject or location; other names ("about the budget", "next standup") stay subject and location.
 */
const NOW = new Date('2026-11-26T10:42:00Z');
const ZONE = 'Europe/London';

function filterOf(text: string): SubjectFilter {
  const question = parseQuestion(text, NOW, ZONE);
  if (!question || !('subject' in question) || !question.subject) throw new Error(`"${text}" names no meeting: ${JSON.stringify(question)}`);
  return question.subject;
}

describe('a name after "with" is matched against the people of a meeting', () => {
  it.each([
    ['meetings with sam this week', true],
    ['any 1:1s with sam on friday', true],
    ['next 1:1 with priya', true],
    ["when's my next meeting with Bob", true],
    ['next 1:1 with sam on friday', true],
    ['do i have a call with bob at 3', true],
    ['is my 1:1 with sam at 3', true],
    ['meetings with sam or bob tomorrow', true],
    ['anything about the budget tomorrow', false],
    ['design review on friday', false],
    ['next standup', false],
    ['next standup tomorrow', false],
    ['is my standup at 9', false],
  ] as const)('%j: people %j', (text, people) => {
    expect(filterOf(text).people === true).toBe(people);
  });

  it('reads no name in "meetings with my manager", as before', () => {
    expect(parseQuestion('meetings with my manager this week', NOW, ZONE)).not.toHaveProperty('subject');
  });

  const sync = { subject: 'Weekly sync', location: 'Room 4', people: ['Priya Raman', 'Sam Smith', 'Robert Kahn bob.kahn', 'José Núñez'] };
  it.each([
    ['meetings with sam this week', sync, true],
    ['meetings with SMITH this week', sync, true],
    ['meetings with sam smith this week', sync, true],
    // A word's start, as a subject is matched: "sam" is also Samantha.
    ['meetings with sam this week', { ...sync, people: ['Samantha Lee'] }, true],
    ['meetings with bob this week', sync, true],
    ['meetings with jose nunez this week', sync, true],
    ['meetings with sam or grace this week', sync, true],
    ['meetings with grace this week', sync, false],
    // Every word of a name is one person's: not Sam Jones and Bob Smith together.
    ['meetings with sam smith this week', { ...sync, people: ['Sam Jones', 'Bob Smith'] }, false],
    // The kind of meeting is the subject's: "1:1s with sam" is a 1:1 Sam is in, not any meeting of Sam's.
    ['any 1:1s with sam this week', sync, false],
    ['any 1:1s with sam this week', { ...sync, subject: 'Design 1:1' }, true],
    // Not after "with": the subject and location only.
    ['anything about sam this week', sync, false],
    ['anything about sync this week', sync, true],
    // Days filed before people were kept.
    ['meetings with sam this week', { subject: 'Weekly sync' }, false],
    ['meetings with sam this week', { subject: 'Sam / Ada' }, true],
  ] as const)('%j in %j: %j', (text, event, matches) => {
    expect(matchesSubject(filterOf(text), event)).toBe(matches);
  });
});

/**
 * End to end: the fake Graph sends events with attendees as Graph does, a real round stores them, and the question goes
 * through /api/messages. Meetings are today and tomorrow (in Berlin, where the user is): whichever day and week the
 * answer is given in, some of each are in "this week".
 */
describe('meetings with sam, end to end', () => {
  let h: CloudHarness;
  const berlin = () => DateTime.now().setZone('Europe/Berlin').startOf('day');
  const people = {
    organizer: { name: 'Priya Raman', address: 'priya.raman@contoso.example' },
    attendees: [
      { name: 'Sam Smith', address: 'sam.smith@contoso.example', response: 'accepted' },
      { name: 'Grace Hopper', address: 'grace@contoso.example', type: 'optional' as const },
    ],
  };
  const others = {
    organizer: { name: 'Grace Hopper', address: 'grace@contoso.example' },
    // A room is no one: "sam" must not find the meeting booked in it.
    attendees: [{ name: 'Samara Room', address: 'samara.room@contoso.example', type: 'resource' as const }],
  };
  const seed = (oid: string) => {
    for (const day of [berlin(), berlin().plus({ days: 1 })]) {
      h.graph.addEvent(oid, { subject: 'Budget review', start: day.set({ hour: 9 }).toISO()!, end: day.set({ hour: 10 }).toISO()!, ...others });
      h.graph.addEvent(oid, { subject: 'Weekly sync', start: day.set({ hour: 10 }).toISO()!, end: day.set({ hour: 11 }).toISO()!, ...people });
    }
  };

  beforeAll(async () => {
    h = await startCloudHarness(SYNC_ENV, 'ask_people');
  });
  afterAll(async () => {
    await h.close();
  });

  it('"meetings with sam this week" lists the meetings Sam attends, not the others; "about sam" looks at subjects only', async () => {
    const { chat } = await connectedUser(h, 'Ada People', seed);
    const week = readScheduleCard((await ask(h, 'meetings with sam this week', chat)).card);
    const titles = rowTitles(week);
    expect(titles.length).toBeGreaterThan(0);
    expect(new Set(titles)).toEqual(new Set(['Weekly sync']));

    const about = readScheduleCard((await ask(h, 'anything about sam this week', chat)).card);
    expect(about.groups).toEqual([]);
    expect(about.summary).toMatch(/^No meetings matching "sam" this week \(\d+ other events?\)\.$/);

    expect(rowTitles(readScheduleCard((await ask(h, 'next meeting with sam', chat)).card))).toEqual(['Weekly sync']);
    // Asked of a meeting with no "next": the next one so named.
    const where = readScheduleCard((await ask(h, 'where is the budget review?', chat)).card);
    expect(where.header).toBe('Next "budget review"');
    expect(rowTitles(where)).toEqual(['Budget review']);
    expect(rowTitles(readScheduleCard((await ask(h, 'next meeting with grace', chat)).card))).toHaveLength(1);
  });

  it('"is sam in the weekly sync": the next one, and whether someone so named is in it (a room is no one)', async () => {
    const { chat } = await connectedUser(h, 'Ada Attendee', seed);
    const sam = readScheduleCard((await ask(h, 'is sam in the weekly sync?', chat)).card);
    expect(sam.header).toBe('Next "weekly sync"');
    expect(rowTitles(sam)).toEqual(['Weekly sync']);
    expect(sam.summary).toMatch(/^Yes, "sam" is in it\. .+, (in \d|starting now)/);
    // An optional attendee is in it too; the organizer is.
    expect(readScheduleCard((await ask(h, 'will grace be at the weekly sync', chat)).card).summary).toMatch(/^Yes, "grace" is in it\. /);
    expect(readScheduleCard((await ask(h, 'is priya coming to the weekly sync', chat)).card).summary).toMatch(/^Yes, "priya" is in it\. /);
    const bob = readScheduleCard((await ask(h, 'is bob in the weekly sync', chat)).card);
    expect(bob.summary).toMatch(/^No one named "bob" is in it\. /);
    // The room booked for the budget review is no one.
    expect(readScheduleCard((await ask(h, 'is samara attending the budget review', chat)).card).summary).toMatch(/^No one named "samara" is in it\. /);
  });

  it('with a day named: "will sam be at the weekly sync tomorrow" is a yes or no about that day\'s; "is sam in my meetings tomorrow" lists those he is in', async () => {
    const { chat } = await connectedUser(h, 'Ada Tomorrow', seed);
    const sync = readScheduleCard((await ask(h, 'will sam be at the weekly sync tomorrow', chat)).card);
    expect(rowTitles(sync)).toEqual(['Weekly sync']);
    expect(sync.summary).toMatch(/^Yes, "sam" is in it\. /);
    // The first meeting tomorrow is the budget review: Grace organizes it, Sam is not in it.
    const first = readScheduleCard((await ask(h, 'is sam in my first meeting tomorrow', chat)).card);
    expect(rowTitles(first)).toEqual(['Budget review']);
    expect(first.summary).toMatch(/^No one named "sam" is in it\. /);
    expect(readScheduleCard((await ask(h, 'is grace in my first meeting tomorrow', chat)).card).summary).toMatch(/^Yes, "grace" is in it\. /);
    const any = readScheduleCard((await ask(h, 'is sam in any of my meetings tomorrow', chat)).card);
    expect(rowTitles(any)).toEqual(['Weekly sync']);
  });

  it('"who organized the weekly sync", "who\'s in it": the organizer and those invited, with their answers, read from the stored event', async () => {
    const { chat } = await connectedUser(h, 'Ada Who', (oid) => {
      seed(oid);
      // The user's own meeting (Graph's isOrganizer), with an invitee who declined.
      const day = berlin().plus({ days: 1 });
      h.graph.addEvent(oid, { subject: 'Hiring panel', start: day.set({ hour: 14 }).toISO()!, end: day.set({ hour: 15 }).toISO()!, attendees: [{ name: 'Bob Kahn', address: 'bob@contoso.example', response: 'declined' }] });
    });
    const organized = readScheduleCard((await ask(h, 'who organized the weekly sync?', chat)).card);
    expect(rowTitles(organized)).toEqual(['Weekly sync']);
    expect(organized.summary).toMatch(/^Organized by Priya Raman\. .+, (in \d|starting now)/);
    expect(organized.people).toBeUndefined();

    const invited = await ask(h, "who's in the weekly sync", chat);
    const card = readScheduleCard(invited.card);
    expect(card.summary).toMatch(/^Organized by Priya Raman · 2 invited\. /);
    expect(card.people).toBe('Invited: Sam Smith (accepted) · Grace Hopper (optional)');
    // Channels without cards, and Teams' notifications, get the same.
    expect(invited.summary).toContain('Invited: Sam Smith (accepted) · Grace Hopper (optional)');
    // A follow-up asks the same of another meeting.
    const followed = readScheduleCard((await ask(h, 'and the budget review?', chat)).card);
    expect(rowTitles(followed)).toEqual(['Budget review']);
    expect(followed.summary).toMatch(/^Organized by Grace Hopper · no one else is invited\. /);

    // The budget review: Grace organizes it, and its room is no one.
    const budget = readScheduleCard((await ask(h, 'who is coming to my first meeting tomorrow', chat)).card);
    expect(rowTitles(budget)).toEqual(['Budget review']);
    expect(budget.summary).toMatch(/^Organized by Grace Hopper · no one else is invited\. Tomorrow/);
    expect(budget.people).toBeUndefined();

    const own = readScheduleCard((await ask(h, 'who is invited to the hiring panel', chat)).card);
    expect(own.summary).toMatch(/^You organized it · 1 invited\. /);
    expect(own.people).toBe('Invited: Bob Kahn (declined)');

    // A day's meetings, each with who is in it (not the user; not whoever declined).
    const tomorrow = readScheduleCard((await ask(h, 'who am i meeting tomorrow?', chat)).card);
    expect(tomorrow.header).toMatch(/^Tomorrow · /);
    expect(tomorrow.groups.flatMap((group) => group.rows).map((row) => [row.title, row.details])).toEqual([
      ['Budget review', 'with Grace Hopper'],
      ['Weekly sync', 'with Priya Raman, Sam Smith and Grace Hopper'],
      ['Hiring panel', undefined],
    ]);
    // A meeting named by its time: 10:00 tomorrow in Berlin is the weekly sync; at 12:00 there is nothing.
    const at10 = readScheduleCard((await ask(h, 'who set up my 10am tomorrow', chat)).card);
    expect(rowTitles(at10)).toEqual(['Weekly sync']);
    expect(at10.summary).toBe('Organized by Priya Raman.');
    expect(readScheduleCard((await ask(h, "who's my 10am tomorrow with", chat)).card).people).toBe('Invited: Sam Smith (accepted) · Grace Hopper (optional)');
    const at12 = readScheduleCard((await ask(h, 'who organized my 12pm tomorrow', chat)).card);
    expect(at12.summary).toBe('Nothing on your calendar then.');
    expect(at12.groups).toEqual([]);

    // "who's in it?" after an answer with one meeting: that meeting's.
    await ask(h, 'when is the budget review', chat);
    const inIt = readScheduleCard((await ask(h, "who's in it?", chat)).card);
    expect(rowTitles(inIt)).toEqual(['Budget review']);
    expect(inIt.summary).toMatch(/^Organized by Grace Hopper · no one else is invited\. /);
    await ask(h, 'next weekly sync', chat);
    expect(readScheduleCard((await ask(h, 'is sam in it?', chat)).card).summary).toMatch(/^Yes, "sam" is in it\. /);
    // With no meeting to go back to, calbot says it did not follow.
    const { chat: fresh } = await connectedUser(h, 'Ada Pronoun', seed);
    expect((await ask(h, "who's in it?", fresh)).text).toMatch(/^I didn't catch that/);
  });

  it('"who declined the weekly sync", "who accepted it", "who hasn\'t responded to the hiring panel": those invited who answered so, or that Outlook does not show it', async () => {
    const { chat } = await connectedUser(h, 'Ada Answers', (oid) => {
      seed(oid);
      const day = berlin().plus({ days: 1 });
      // The user's own meeting: Outlook shows the organizer every answer.
      h.graph.addEvent(oid, {
        subject: 'Hiring panel',
        start: day.set({ hour: 14 }).toISO()!,
        end: day.set({ hour: 15 }).toISO()!,
        attendees: [
          { name: 'Bob Kahn', address: 'bob@contoso.example', response: 'declined' },
          { name: 'Cy Lee', address: 'cy@contoso.example', response: 'accepted' },
          { name: 'Di Moss', address: 'di@contoso.example', response: 'notResponded' },
          { name: 'Eve Park', address: 'eve@contoso.example', response: 'tentativelyAccepted' },
        ],
      });
      // An invitation whose copy shows no one's answer, as an attendee's mostly does.
      h.graph.addEvent(oid, { subject: 'Town hall', start: day.set({ hour: 16 }).toISO()!, end: day.set({ hour: 17 }).toISO()!, organizer: people.organizer, attendees: [{ name: 'Sam Smith', address: 'sam.smith@contoso.example' }, { name: 'Grace Hopper', address: 'grace@contoso.example' }] });
    });
    const summary = async (text: string) => readScheduleCard((await ask(h, text, chat)).card).summary;
    expect(await summary('who declined the hiring panel?')).toMatch(/^Declined: Bob Kahn \(1 of 4\)\. /);
    expect(await summary('who has accepted the hiring panel')).toMatch(/^Accepted: Cy Lee \(1 of 4\)\. /);
    expect(await summary("who hasn't responded to the hiring panel yet?")).toMatch(/^No answer yet from Di Moss \(1 of 4\)\. /);
    // The list of everyone, with their answers, is on the card as for "who's in it".
    expect(readScheduleCard((await ask(h, "who can't make it to the hiring panel", chat)).card).people).toBe('Invited: Bob Kahn (declined) · Cy Lee (accepted) · Di Moss (no answer) · Eve Park (tentative)');
    // The weekly sync: Sam accepted; Grace's answer is not shown, and is none yet.
    expect(await summary('who declined the weekly sync')).toMatch(/^No one has declined\. /);
    expect(await summary('who said yes to the weekly sync')).toMatch(/^Accepted: Sam Smith \(1 of 2\)\. /);
    // A follow-up asks the same of another meeting; "it" is the last answer's.
    expect(await summary('and the hiring panel?')).toMatch(/^Accepted: Cy Lee \(1 of 4\)\. /);
    expect(await summary('who declined it?')).toMatch(/^Declined: Bob Kahn \(1 of 4\)\. /);
    // No answer seen on an invitation the user did not organize: said so, not "no one".
    expect(await summary("who's not coming to the town hall")).toMatch(/^2 invited\. I can't see their answers: Outlook shows them to the organizer\. /);
    // "who is coming" is still who is invited.
    expect(await summary('who is coming to the town hall')).toMatch(/^Organized by Priya Raman · 2 invited\. /);

    // One person's answer.
    expect(await summary('has bob accepted the hiring panel?')).toMatch(/^Bob Kahn declined\. Tomorrow, /);
    expect(await summary('did eve accept the hiring panel')).toMatch(/^Eve Park accepted tentatively\. /);
    expect(await summary('has di responded to the hiring panel yet')).toMatch(/^Di Moss hasn't answered\. /);
    expect(await summary('did zed say yes to the hiring panel')).toMatch(/^No one named "zed" is invited\. /);
    expect(await summary('has sam accepted the town hall')).toMatch(/^Sam Smith is invited; I can't see their answer: Outlook shows answers to the organizer\. /);
    await ask(h, 'next weekly sync', chat);
    expect(await summary('did sam accept it?')).toMatch(/^Sam Smith accepted\. /);
  });

  it('"meetings I organized tomorrow", "which meetings am I running today": only those the user organizes, not an appointment of their own', async () => {
    const day = berlin().plus({ days: 1 });
    const { chat } = await connectedUser(h, 'Ada Organizer', (oid) => {
      seed(oid);
      h.graph.addEvent(oid, { subject: 'Hiring panel', start: day.set({ hour: 14 }).toISO()!, end: day.set({ hour: 15 }).toISO()!, attendees: [{ name: 'Bob Kahn', address: 'bob@contoso.example' }] });
      // The user's own, with no one else in it.
      h.graph.addEvent(oid, { subject: 'Dentist', start: day.set({ hour: 17 }).toISO()!, end: day.set({ hour: 18 }).toISO()! });
    });
    const card = readScheduleCard((await ask(h, 'meetings I organized tomorrow', chat)).card);
    expect(card.header).toMatch(/^Tomorrow · .+ · Organized by you$/);
    expect(rowTitles(card)).toEqual(['Hiring panel']);
    expect(card.summary).toBe('1 meeting you organized');
    const none = readScheduleCard((await ask(h, 'which meetings am I running today', chat)).card);
    expect(none.summary).toBe('No meetings you organized today.');
  });

  it('"who\'s in this meeting": the one the user is in now; free, the answer says so and names no one', async () => {
    const start = DateTime.now().minus({ minutes: 10 }).startOf('minute');
    const { chat } = await connectedUser(h, 'Ada Now', (oid) => {
      h.graph.addEvent(oid, { subject: 'Incident review', start: start.toISO()!, end: start.plus({ hours: 1 }).toISO()!, ...people });
    });
    const card = readScheduleCard((await ask(h, "who's in this meeting?", chat)).card);
    expect(card.header).toBe('Right now');
    expect(card.summary).toMatch(/^You're in a meeting until \d\d:\d\d\. Organized by Priya Raman · 2 invited\.$/);
    expect(card.people).toBe('Invited: Sam Smith (accepted) · Grace Hopper (optional)');
    expect(readScheduleCard((await ask(h, 'who organized this call', chat)).card).summary).toMatch(/ Organized by Priya Raman\.$/);

    const { chat: free } = await connectedUser(h, 'Ada Free', () => {});
    const none = readScheduleCard((await ask(h, "who's in this meeting?", free)).card);
    expect(none.summary).toBe("You're free right now.");
    expect(none.people).toBeUndefined();
  });

  it('"next meeting with my manager" is one named so; finding none, the answer says calbot knows people by name', async () => {
    const today = berlin();
    const { chat } = await connectedUser(h, 'Ada Roles', (oid) => {
      for (const day of [today.minus({ days: 1 }), today.plus({ days: 1 })]) {
        h.graph.addEvent(oid, { subject: 'Manager check-in', start: day.set({ hour: 9 }).toISO()!, end: day.set({ hour: 10 }).toISO()!, ...others });
      }
      h.graph.addEvent(oid, { subject: 'Weekly sync', start: today.set({ hour: 10 }).toISO()!, end: today.set({ hour: 11 }).toISO()!, ...people });
    });
    const next = readScheduleCard((await ask(h, 'next meeting with my manager', chat)).card);
    expect(rowTitles(next)).toEqual(['Manager check-in']);
    expect(next.header).toBe('Next "manager"');
    const last = readScheduleCard((await ask(h, 'when did I last meet my manager', chat)).card);
    expect(rowTitles(last)).toEqual(['Manager check-in']);
    expect(last.summary).toBe('Your last meeting matching "manager" was yesterday; it ended at 10:00.');

    const none = await ask(h, 'when was my last meeting with my boss', chat);
    const card = readScheduleCard(none.card);
    expect(card.groups).toEqual([]);
    // Since the first synced day (SYNC_WINDOW_PAST_DAYS ago), which the 21 days looked back cut.
    // (With its year when that was last year: on 1 January, "since Fri 25 Dec 2026".)
    expect(card.summary).toMatch(/^No meetings matching "boss" since \w{3} \d{1,2} \w{3}(?: \d{4})?\. I know people by name, not by role: ask with their name, like "when was my last meeting with Sam"\.$/);
    expect(none.summary).toContain('I know people by name, not by role');
    const ahead = readScheduleCard((await ask(h, 'next call with my boss', chat)).card);
    expect(ahead.summary).toMatch(/^No meeting matching "boss" in the next \d+ days\. I know people by name, not by role: ask with their name, like "next meeting with Sam"\.$/);
    // With a day named, the day's answer, whoever the role is: not emptied by a name no meeting has.
    expect(rowTitles(readScheduleCard((await ask(h, 'meetings with my boss today', chat)).card))).toEqual(['Weekly sync']);
  });

  it("a user named Sam asking for meetings with sam gets the other Sam's, not every meeting of their own", async () => {
    const today = berlin();
    const { chat } = await connectedUser(h, 'Sam Jones', (oid) => {
      // Organized by the user (the fake marks it isOrganizer), then one they are invited to, then one with another Sam.
      h.graph.addEvent(oid, { subject: 'Own planning', start: today.set({ hour: 12 }).toISO()!, end: today.set({ hour: 13 }).toISO()!, attendees: [{ name: 'Bob Kahn', address: 'bob@contoso.example' }] });
      h.graph.addEvent(oid, {
        subject: 'Team sync', start: today.set({ hour: 13 }).toISO()!, end: today.set({ hour: 14 }).toISO()!,
        organizer: { name: 'Grace Hopper', address: 'grace@contoso.example' }, response: 'accepted',
        attendees: [{ name: 'Sam Jones', address: 'sam.jones@contoso.example', response: 'accepted' }],
      });
      h.graph.addEvent(oid, {
        subject: 'Pairing', start: today.set({ hour: 14 }).toISO()!, end: today.set({ hour: 15 }).toISO()!,
        organizer: { name: 'Grace Hopper', address: 'grace@contoso.example' }, response: 'accepted',
        attendees: [{ name: 'Sam Jones', address: 'sam.jones@contoso.example' }, { name: 'Sam Smith', address: 'sam.smith@contoso.example' }],
      });
    });
    const day = readScheduleCard((await ask(h, 'meetings with sam today', chat)).card);
    expect(rowTitles(day)).toEqual(['Pairing']);
  });

  it("a user whose mail address is not their UPN is left out of their meetings' people too, and so is whoever declined", async () => {
    const today = berlin();
    const { chat, userKey } = await connectedUser(h, 'Sam Jones', (oid) => {
      // Exchange names the user by their mail address, as organizer and as attendee; their UPN is another.
      h.graph.calendar.mailbox(oid).mail = 'sam.jones@fabrikam.example';
      h.graph.addEvent(oid, {
        subject: 'Team sync', start: today.set({ hour: 13 }).toISO()!, end: today.set({ hour: 14 }).toISO()!,
        organizer: { name: 'Grace Hopper', address: 'grace@contoso.example' }, response: 'accepted',
        attendees: [{ name: 'Sam Jones', address: 'Sam.Jones@fabrikam.example', response: 'accepted' }],
      });
      h.graph.addEvent(oid, {
        subject: 'Pairing', start: today.set({ hour: 14 }).toISO()!, end: today.set({ hour: 15 }).toISO()!,
        organizer: { name: 'Grace Hopper', address: 'grace@contoso.example' }, response: 'accepted',
        attendees: [{ name: 'Sam Jones', address: 'sam.jones@fabrikam.example' }, { name: 'Sam Smith', address: 'sam.smith@contoso.example' }],
      });
      // The user's own meeting, which the other Sam declined: he is not in it.
      h.graph.addEvent(oid, {
        subject: 'Roadmap', start: today.set({ hour: 15 }).toISO()!, end: today.set({ hour: 16 }).toISO()!,
        attendees: [{ name: 'Sam Smith', address: 'sam.smith@contoso.example', response: 'declined' }, { name: 'Bob Kahn', address: 'bob@contoso.example', response: 'accepted' }],
      });
    });
    const account = await h.store.collections.accounts.findOne({ _id: userKey });
    expect(account).toMatchObject({ username: 'sam.jones@contoso.example', mail: 'sam.jones@fabrikam.example' });
    expect(rowTitles(readScheduleCard((await ask(h, 'meetings with sam today', chat)).card))).toEqual(['Pairing']);
    expect(rowTitles(readScheduleCard((await ask(h, 'meetings with bob today', chat)).card))).toEqual(['Roadmap']);
  });

  it('an account linked before calbot kept its mail address gets it with the next read of its mailbox settings', async () => {
    const { chat, microsoft, userKey } = await connectedUser(h, 'Ada Address');
    h.graph.calendar.mailbox(microsoft.oid).mail = 'ada@fabrikam.example';
    const c = h.store.collections;
    const dayAgo = new Date(Date.now() - 25 * 60 * 60_000);
    await c.accounts.updateOne({ _id: userKey }, { $unset: { mail: '' }, $set: { mailboxSettingsReadAt: dayAgo } });
    await command(h, chat, 'sync now');
    await waitForState(h, userKey, () => true);
    const deadline = Date.now() + 15_000;
    let account = await c.accounts.findOne({ _id: userKey });
    while (account?.mail === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      account = await c.accounts.findOne({ _id: userKey });
    }
    expect(account).toMatchObject({ username: 'ada.address@contoso.example', mail: 'ada@fabrikam.example' });
    expect(account!.mailboxSettingsReadAt!.getTime()).toBeGreaterThan(dayAgo.getTime());
  });

  it('a Zoom meeting whose link is only in its location gets a Join button, as in Outlook', async () => {
    const today = berlin();
    const { chat } = await connectedUser(h, 'Zed Zoom', (oid) => {
      h.graph.addEvent(oid, { subject: 'Vendor call', start: today.set({ hour: 16 }).toISO()!, end: today.set({ hour: 17 }).toISO()!, location: 'https://us02web.zoom.us/j/81234567890' });
    });
    const rows = readScheduleCard((await ask(h, "what's on today", chat)).card).groups.flatMap((group) => group.rows);
    expect(rows.find((row) => row.title === 'Vendor call')).toMatchObject({ join: 'https://us02web.zoom.us/j/81234567890' });
  });

  it('meetings stored before calbot kept people get them from the next full round, with no notice', async () => {
    const { chat, microsoft, userKey } = await connectedUser(h, 'Ada Before', seed);
    const c = h.store.collections;
    // As an older calbot left them: no people or attendees in the events, nor people in the days filed from them.
    await c.events.updateMany({ userKey }, { $unset: { people: '', attendees: '' } });
    const state = await c.syncStates.findOne({ _id: userKey });
    await writeDays(c.calendarDays, userKey, fileByDate(await c.events.find({ userKey }).toArray(), { start: state!.windowStart!, end: state!.windowEnd! }), new Date());
    expect(readScheduleCard((await ask(h, 'meetings with sam this week', chat)).card).groups).toEqual([]);
    // Not known is said as such, not as no one invited.
    expect(readScheduleCard((await ask(h, 'who is in the weekly sync', chat)).card).summary).toMatch(/^Organized by Priya Raman\. I can't see who is invited yet\. /);

    await fullRoundWithoutNotice(h, { chat, microsoft, userKey });

    const sams = await c.events.find({ userKey, subject: 'Weekly sync' }).toArray();
    expect(sams.map((event) => event.people)).toEqual([
      ['Priya Raman', 'Sam Smith', 'Grace Hopper'],
      ['Priya Raman', 'Sam Smith', 'Grace Hopper'],
    ]);
    const titles = rowTitles(readScheduleCard((await ask(h, 'meetings with sam this week', chat)).card));
    expect(titles.length).toBeGreaterThan(0);
    expect(new Set(titles)).toEqual(new Set(['Weekly sync']));
    expect(readScheduleCard((await ask(h, 'who is in the weekly sync', chat)).card).people).toBe('Invited: Sam Smith (accepted) · Grace Hopper (optional)');
  });

  it('meetings stored with people as an older calbot read them (the user, someone who declined) are read anew at the next full round, with no notice', async () => {
    const { chat, microsoft, userKey } = await connectedUser(h, 'Ada Older', seed);
    const c = h.store.collections;
    // As calbot stored them before it left out the user and those who declined: the same etag, other people.
    const stale = ['Priya Raman', 'Sam Smith', 'Grace Hopper', 'Ada Older', 'Bob Declined'];
    await c.events.updateMany({ userKey, subject: 'Weekly sync' }, { $set: { people: stale } });
    const state = await c.syncStates.findOne({ _id: userKey });
    await writeDays(c.calendarDays, userKey, fileByDate(await c.events.find({ userKey }).toArray(), { start: state!.windowStart!, end: state!.windowEnd! }), new Date());
    expect(new Set(rowTitles(readScheduleCard((await ask(h, 'meetings with bob this week', chat)).card)))).toEqual(new Set(['Weekly sync']));

    await fullRoundWithoutNotice(h, { chat, microsoft, userKey });
    const sams = await c.events.find({ userKey, subject: 'Weekly sync' }).toArray();
    expect(sams.map((event) => event.people)).toEqual([
      ['Priya Raman', 'Sam Smith', 'Grace Hopper'],
      ['Priya Raman', 'Sam Smith', 'Grace Hopper'],
    ]);
    expect(rowTitles(readScheduleCard((await ask(h, 'meetings with bob this week', chat)).card))).toEqual([]);
  });

  it('a user whose days are not filed yet is answered from the events collection, people included', async () => {
    const eve = teamsUser('Eve Fallback', 'Europe/Berlin');
    const c = h.store.collections;
    await seedAccount(c, eve, { mailboxTimeZone: 'W. Europe Standard Time', days: false });
    const later = DateTime.now().setZone('Europe/Berlin').plus({ hours: 1 });
    await c.events.insertMany([
      { ...eventDoc(eve, { subject: 'Weekly sync', start: later }), people: ['Priya Raman', 'Sam Smith'] },
      { ...eventDoc(eve, { subject: 'Budget review', start: later.plus({ hours: 1 }) }), people: ['Grace Hopper'] },
    ]);
    expect(await c.calendarDays.countDocuments({ userKey: `msteams:${eve.id}` })).toBe(0);
    expect(rowTitles(readScheduleCard((await ask(h, 'next meeting with sam', eve)).card))).toEqual(['Weekly sync']);
    expect(rowTitles(readScheduleCard((await ask(h, 'when is my next meeting with grace', eve)).card))).toEqual(['Budget review']);
  });
});
