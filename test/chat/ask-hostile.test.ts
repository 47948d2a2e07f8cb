import { DateTime } from 'luxon';
import { startHarness, teamsUser, type Harness } from '../support/calbot-harness.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { ask, readScheduleCard, rowTitles, seedAccount, seedEvents } from './ask-support.js';

/** Whatever users type and whatever invites hold, the answer is a valid reply and the server keeps serving. */
describe('hostile input through the whole ask path', () => {
  let h: Harness;
  const user = teamsUser('Mallory Input', 'Europe/Berlin');
  const SUBJECTS = [
    '**bold** [Sign in](https://evil.example) _x_ `code`',
    'He said "hi" and \'bye\' \\ backslash',
    '{ "type": "Action.OpenUrl" } ${$root.header} {{DATE(2026-01-01T00:00:00Z, SHORT)}}',
    '<script>alert(1)</script><img src=x onerror=alert(1)>',
    '🎉👩‍👩‍👧‍👦 party 🇩🇪',
    'اجتماع الفريق \u202Eevil\u202C',
  ];

  beforeAll(async () => {
    h = await startHarness({}, 'ask-hostile');
    // Seeded for today and asked about today: one instant for both, whatever midnight passes meanwhile.
    h.clock.pin();
    await seedAccount(h, user, { mailboxTimeZone: 'Europe/Berlin' });
    const today = DateTime.fromJSDate(h.clock.now(), { zone: 'Europe/Berlin' }).startOf('day');
    await seedEvents(h.store.collections, user, [
      ...SUBJECTS.map((subject, i) => ({ subject, start: today.set({ hour: 8 + i }), location: subject, joinUrl: i === 0 ? 'javascript:alert(1)' : undefined })),
      { subject: 'x'.repeat(64 * 1024), start: today.set({ hour: 20 }) },
      // Tomorrow again, so that "next ..." finds them whatever the time of day.
      ...SUBJECTS.map((subject, i) => ({ subject, start: today.plus({ days: 1 }).set({ hour: 8 + i }), location: subject })),
    ]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('subjects with markdown, quotes, braces, ${...}, <script>, emoji and RTL come back as the same text', async () => {
    const reply = await ask(h, "what's on today", user);
    expect(reply.textFormat).toBe('plain');
    const card = readScheduleCard(reply.card);
    const titles = rowTitles(card);
    expect(titles.slice(0, SUBJECTS.length)).toEqual(SUBJECTS);
    // A 64 KB subject is clipped, not dropped, and the card stays under Teams' size limit.
    expect(titles[SUBJECTS.length]).toMatch(/^x{100,}…$/);
    expect(Buffer.byteLength(JSON.stringify(reply.card))).toBeLessThan(28_000);
    // No Join button for a javascript: URL; the only actions are https links.
    expect(card.groups[0]!.rows[0]!.join).toBeUndefined();
    expect(JSON.stringify(reply.card)).not.toMatch(/javascript:/);
    for (const subject of SUBJECTS) expect(reply.summary).toContain(subject);
  });

  it.each([
    ['empty', '', 'unknown'],
    ['only spaces', '   ', 'unknown'],
    ['64 KB', `what's on today ${'a'.repeat(64 * 1024)}`, 'too long'],
    ['emoji', "what's on today 🎉🎉🎉", 'today'],
    ['RTL', 'מה יש לי היום?', 'unknown'],
    ['markdown', '**what** is on [today](https://evil.example)', 'today'],
    ['quotes and braces', 'what\'s on "today" {} ${process.exit(1)}', 'today'],
    ['script', "<script>alert(1)</script> what's on today", 'today'],
    ['control characters', "what's on\u0000 today\u0007\u001b[31m", 'any'],
    ['lone surrogate', "what's on today \ud800", 'any'],
    ['a date that does not exist', 'what is on feb 31', 'any'],
    ['far future', 'what is on dec 3 2099', 'outside'],
    ['huge range', 'am I free between 1 and 99', 'any'],
  ] as const)('%s: one reply, and the server still answers', async (_name, text, expected) => {
    const reply = await ask(h, text, user);
    expect((reply.card ? reply.summary! : reply.text).length).toBeGreaterThan(0);
    if (expected === 'unknown') expect(reply.text).toBe('I didn\'t catch that. Type "help" to see what I can do.');
    if (expected === 'too long') expect(reply.text).toMatch(/^That message is longer than I can read/);
    if (expected === 'today') expect(rowTitles(readScheduleCard(reply.card))).toEqual(expect.arrayContaining(SUBJECTS));
    if (expected === 'outside') expect(reply.text).toMatch(/^Thu 3 Dec 2099 is outside the part of your calendar I keep in sync/);
    const health = await fetch(`${h.baseUrl}/healthz`);
    expect(health.status).toBe(200);
  });

  // "next <whatever>": the words typed are matched against the subjects and quoted back in the card and its text, as text.
  it.each([
    ['markdown and a link', 'next **standup** [Sign in](https://evil.example)', [], 'Next "standup [sign in] https://evil.example"'],
    ['a template expression', 'next ${$root.header}', [SUBJECTS[2]], 'Next "${$root.header}"'],
    ['a script', 'next <script>alert(1)</script>', [SUBJECTS[3]], 'Next "alert 1"'],
    ['emoji', 'next 🎉 party', [SUBJECTS[4]], 'Next "🎉 party"'],
    ['an RTL override', 'next \u202Eevil', [SUBJECTS[0], SUBJECTS[5]], 'Next "evil"'],
    ['quotes and a backslash', 'next "hi" and \'bye\' \\', [SUBJECTS[1]], 'Next "hi or bye \\"'], // a list: either name, quoted as read
    ['900 characters', `next ${'x'.repeat(900)}`, [], `Next "${'x'.repeat(59)}…"`],
  ] as const)('next, with %s: one reply, the words quoted as typed, and the server still answers', async (_name, text, found, header) => {
    const reply = await ask(h, text, user);
    const card = readScheduleCard(reply.card);
    expect(card.header).toBe(header);
    expect(reply.summary!.startsWith(`${header}\n`)).toBe(true);
    if (found.length === 0) {
      expect(card.summary).toMatch(/^No meeting matching ".+" in the next 60 days\.$/);
      expect(card.groups).toEqual([]);
    } else {
      expect(rowTitles(card)).toHaveLength(1);
      expect(found).toContain(rowTitles(card)[0]);
    }
    // Nothing the user typed became a link or a button, or turned the sentence quoting it around.
    const types: string[] = [];
    JSON.stringify(reply.card, (key, value: unknown) => {
      if (key === 'type') types.push(String(value));
      return value;
    });
    expect(types).not.toContain('Action.OpenUrl');
    expect(JSON.stringify(reply.card)).not.toMatch(/javascript:/);
    expect(`${card.header}${card.summary}`).not.toMatch(/\u202E/);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });

  // "meetings with <whatever> today", "do I have a call with <whatever> at 8 tomorrow": matched and quoted back as text.
  const MATCHING = /^\d+ meetings? matching ".+" · .+ busy$/;
  it.each([
    ['a template expression', 'meetings with ${$root.header} today', '${$root.header}', [SUBJECTS[2]], MATCHING],
    ['braces', 'meetings about {{DATE(2026 today', '{{date', [SUBJECTS[2]], MATCHING],
    ['a script', 'anything about <script>alert(1)</script> today', 'alert', [SUBJECTS[3]], MATCHING],
    ['quotes', 'meetings with "hi" today', 'hi', [SUBJECTS[1]], MATCHING],
    ['emoji', 'meetings with 🎉 party today', '🎉 party', [SUBJECTS[4]], MATCHING],
    ['900 characters', `meetings with ${'x'.repeat(900)} today`, `${'x'.repeat(59)}…`, [], /^No meetings matching "x+…" today \(7 other events\)\.$/],
    ['markdown, at a time', 'do i have a call with **bold** at 8 tomorrow', 'bold', [SUBJECTS[0]], /^Yes, you have something matching "bold" then\./],
    // Nothing matching: what is there then is listed instead.
    ['900 characters, at a time', `do i have a call with ${'x'.repeat(900)} at 8 tomorrow`, `${'x'.repeat(59)}…`, [SUBJECTS[0]], /^No, nothing matching "x+…" then\. You have something else then\./],
  ] as const)('meetings named with %s: one valid card, the words quoted as text, only what they match', async (_name, text, quoted, titles, summary) => {
    const reply = await ask(h, text, user);
    const card = readScheduleCard(reply.card);
    expect(JSON.parse(JSON.stringify(reply.card))).toEqual(reply.card);
    expect(card.header.endsWith(` · "${quoted}"`)).toBe(true);
    expect(card.summary).toMatch(summary);
    expect(reply.summary!.startsWith(`${card.header}\n${card.summary}`)).toBe(true);
    expect(rowTitles(card)).toEqual(titles);
    const types: string[] = [];
    JSON.stringify(reply.card, (key, value: unknown) => {
      if (key === 'type') types.push(String(value));
      return value;
    });
    expect(types).not.toContain('Action.OpenUrl');
    expect(Buffer.byteLength(JSON.stringify(reply.card))).toBeLessThan(28_000);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });

  it('after all of it, a plain question still gets a plain answer', async () => {
    const reply = await ask(h, 'what do I have today', user);
    expect(rowTitles(readScheduleCard(reply.card))).toContain(SUBJECTS[0]);
  });
});

describe('not connected, with Outlook configured', () => {
  let h: CloudHarness;
  beforeAll(async () => {
    h = await startCloudHarness({}, 'ask-connect');
  });
  afterAll(async () => {
    await h.close();
  });

  it('explains and offers the connect card with a sign-in link', async () => {
    const user = teamsUser('Not Linked');
    const reply = await ask(h, "what's on today", user);
    expect(reply.text).toBe('You haven\'t connected your Outlook calendar yet, so I can\'t see your schedule. Connect it here, or say "connect outlook" any time.');
    const card = reply.attachments[0]!.content;
    expect(card.body[0].text).toBe('Connect your Outlook calendar');
    const url = new URL(card.actions[0].url);
    expect(url.origin).toBe(h.identity.authorityHost);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });
});
