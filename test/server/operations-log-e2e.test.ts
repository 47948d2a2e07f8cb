import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { openAuthorizeUrl } from '../fakes/identity/fake-identity.js';
import { startCloudHarness, teamsUser, type CloudHarness } from '../support/microsoft-cloud.js';
import type { TeamsUser } from '../support/calbot-harness.js';

/**
 * What calbot writes to its log while it runs, as an operator reads it: calbot against the fakes of Microsoft's
 * identity platform, Graph and the Bot Connector, its pino output captured line by line.
 */
describe('the operations log', () => {
  let h: CloudHarness;
  const lines: Record<string, unknown>[] = [];
  /** The lines written while `step` ran. */
  const logOf = async (step: () => Promise<unknown>) => {
    const from = lines.length;
    await step();
    return lines.slice(from);
  };

  beforeAll(async () => {
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    h = await startCloudHarness({}, 'operations-log', { logger });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a browser asking for /favicon.ico gets 204 and one request line, no request-rejected warning', async () => {
    let status = 0;
    const log = await logOf(async () => {
      const page = await fetch(`${h.baseUrl}/`);
      await page.arrayBuffer();
      const icon = await fetch(`${h.baseUrl}/favicon.ico`, { headers: { accept: 'image/avif,image/webp,image/png,image/*,*/*;q=0.8' } });
      status = icon.status;
      expect(await icon.arrayBuffer()).toHaveProperty('byteLength', 0);
    });
    expect(status).toBe(204);
    expect(log.filter((line) => (line.level as number) >= 40)).toEqual([]);
    expect(log.filter((line) => line.path === '/favicon.ico')).toEqual([expect.objectContaining({ event: 'request', method: 'GET', status: 204 })]);
  });

  const untilSaid = (user: TeamsUser, pattern: RegExp) => h.connector.waitFor(1, (r) => r.conversationId === user.conversationId && pattern.test(r.activity.text ?? ''));

  // Each line says what happened in `event` (sign-in and sync lines keep their child logger's `component` beside it):
  // an operator filters by event, and a line without one is found by no filter.
  it('every line of a sign-in, its sync rounds and a disconnect names its event', async () => {
    const chat = teamsUser('Lia Logs');
    const microsoft = h.addMicrosoftUser('Lia Logs');
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    h.graph.addEvent(microsoft.oid, { subject: 'Logged meeting', start: tomorrow.toISOString(), end: new Date(tomorrow.getTime() + 3600_000).toISOString() });

    let code = '';
    const log = await logOf(async () => {
      // Signed in as someone Teams does not say the chat user is: the page shows a code, typed in the chat.
      const [card] = await h.say('connect outlook', chat);
      expect(JSON.parse(card!)).toMatchObject({ type: 'AdaptiveCard' });
      const signInUrl = h.connector.messages(chat.conversationId).at(-1)!.activity.attachments![0]!.content.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl').url;
      h.identity.signInAs(microsoft.oid);
      const authorize = await openAuthorizeUrl(signInUrl);
      const page = await (await fetch(authorize.location!, { redirect: 'manual' })).text();
      code = /(\d{3}) (\d{3})<\/p>/.exec(page)!.slice(1).join(' ');
      await untilSaid(chat, /6-digit code/);
      await h.say(code, chat, 1);
      await untilSaid(chat, /^Synced \d+ events?$/);
      expect((await h.say('sync now', chat)).at(-1)).toMatch(/^Synced: 0 new, 0 changed, 0 removed\.$/);
      // Throttled for longer than calbot waits in-process: the round fails, with its warnings.
      h.graph.failNext({ status: 429, retryAfterSeconds: 600, oid: microsoft.oid, resource: '/me/calendarView/delta' });
      expect((await h.say('sync now', chat)).at(-1)).toMatch(/^The sync didn't work: /);
      expect(await h.say('disconnect outlook', chat)).toEqual([expect.stringMatching(/^Disconnected from Outlook/)]);
    });

    const unnamed = log.filter((line) => (line.level as number) >= 30 && typeof line.event !== 'string');
    expect(unnamed).toEqual([]);
    const events = log.map((line) => line.event);
    for (const event of ['sign-in-awaiting-code', 'confirm-code', 'account-linked', 'connected', 'sync-round', 'graph-retry-after-too-long', 'sync-failed', 'disconnected', 'account-unlinked']) expect(events).toContain(event);
    expect(log.find((line) => line.event === 'account-linked')).toMatchObject({ component: 'auth' });
    expect(log.find((line) => line.event === 'sync-round')).toMatchObject({ component: 'sync' });
    // Secrets never: not the code typed, nor a token.
    expect(JSON.stringify(log)).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(code).toMatch(/^\d{3} \d{3}$/);
    expect(JSON.stringify(log)).not.toContain(code);
    // Not within a longer number: a timestamp may hold any six digits.
    expect(JSON.stringify(log)).not.toMatch(new RegExp(`(?<!\\d)${code.replace(' ', '')}(?!\\d)`));
  });

  it('an unknown path is still refused with a request-rejected warning', async () => {
    const log = await logOf(async () => void (await (await fetch(`${h.baseUrl}/wp-login.php`)).arrayBuffer()));
    expect(log).toContainEqual(expect.objectContaining({ level: 40, event: 'request-rejected', path: '/wp-login.php', error: 'ResourceNotFoundError' }));
  });
});
