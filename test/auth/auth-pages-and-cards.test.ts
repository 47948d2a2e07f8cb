import {
  ConsentRefusedError,
  InvalidStateError,
  ReconnectNeededError,
  SignInFailedError,
  TokenEndpointError,
  aadstsCodes,
} from '../../src/auth/auth-errors.js';
import { renderAuthResultPage } from '../../src/auth/auth-result-page.js';
import { DISCONNECT_COMMAND, connectedCard, microsoftAppMissingMessage, signInCard } from '../../src/auth/sign-in-card.js';
import { cardProblems } from '../support/card-validation.js';
import { sampleSignInCards } from '../support/sample-cards.js';

const pending = { userKey: 'msteams:u1', conversationReference: { conversation: { id: 'c1' } } } as never;
const hostile = '<script>alert("x")</script>&\'`';

describe('auth result page', () => {
  it('says who is connected, with everything escaped and no scripts allowed', () => {
    const page = renderAuthResultPage({ ok: true, result: { account: { homeAccountId: 'h', username: 'ada@contoso.example', displayName: hostile, tenantId: 't' } } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Connected as');
    expect(page.body).toContain('You can close this window.');
    expect(page.body).toContain('ada@contoso.example');
    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&#60;script&#62;');
    expect(page.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it.each([
    [new InvalidStateError('expired'), 400, /Outlook not connected<\/h1>\n<p>This sign-in link has expired \(links last 10 minutes\)/],
    // Already used is most often the success page reloaded: not "Outlook not connected".
    [new InvalidStateError('unknown-or-used'), 400, /Sign-in link already used<\/h1>\n<p>This sign-in link has already been used, or it is not one calbot made\. If you have just connected Outlook, you are all set/],
    [new InvalidStateError('malformed'), 400, /Outlook not connected<\/h1>\n<p>This sign-in link is invalid, expired or was already used/],
    [new ConsentRefusedError(pending, 'AADSTS65004'), 200, /Connection cancelled<\/h1>\n<p>calbot was not given access to your calendar\. You can close this window; to try again, say "connect outlook"/],
    [new SignInFailedError(pending, 'server_error', 'AADSTS50000'), 502, /server_error, AADSTS50000/],
    [new TokenEndpointError('invalid_client', {}), 502, /MICROSOFT_CLIENT_SECRET/],
    [new TokenEndpointError('temporarily_unavailable', {}), 502, /again in a minute/],
    [new Error('database down'), 500, /calbot's side/],
  ])('maps %p to status %p', (error, status, text) => {
    const page = renderAuthResultPage({ ok: false, error });
    expect(page.status).toBe(status);
    expect(page.body).toMatch(new RegExp(text.source.replace(/'/g, '&#39;').replace(/"/g, '&#34;')));
    expect(page.body).not.toContain('database down');
  });

  it('keeps log fields free of free text and carries error codes only', () => {
    expect(aadstsCodes('AADSTS70000: bad code xyz. Trace ID: 1 AADSTS70000')).toBe('AADSTS70000');
    const error = new ReconnectNeededError('msteams:u1', 'invalid_grant', true, { aadsts: 'AADSTS50173' });
    expect(error.logFields).toEqual({ kind: 'reconnect-needed', userKey: 'msteams:u1', reason: 'invalid_grant', newlyDetected: true, aadsts: 'AADSTS50173' });
    expect(error.userMessage).toMatch(/Say "reconnect"/);
  });
});

describe('sign-in cards', () => {
  it('sign-in card: Connect Outlook opens the link, says it expires in 10 minutes', () => {
    const url = 'https://login.example/authorize?state=abc&x="y"';
    const card = signInCard(url).content as any;
    expect(card.type).toBe('AdaptiveCard');
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Connect Outlook', url }]);
    expect(JSON.stringify(card.body)).toContain('expires in 10 minutes');
    expect(JSON.stringify((signInCard(url, { reconnect: true }).content as any).body)).toMatch(/Reconnect/);
  });

  it('connected card: names the account and date, offers Reconnect and Disconnect', () => {
    const card = connectedCard({ username: 'ada@contoso.example', displayName: 'Ada ${evil}', connectedAt: new Date('2025-03-04T05:06:07.890Z') }, 'https://fresh.link/').content as any;
    const text = card.body.map((b: { text?: string; inlines?: { text: string }[] }) => b.text ?? b.inlines!.map((run) => run.text).join('')).join('\n');
    expect(text).toContain('Connected as Ada ${evil} (ada@contoso.example)\nSince {{DATE(2025-03-04T05:06:07Z, SHORT)}}.');
    expect(card.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Reconnect', url: 'https://fresh.link/' });
    // A directory's display name with line breaks in it stays on one line.
    const named = connectedCard({ username: 'ada@contoso.example', displayName: 'Ada\n\nLovelace ', connectedAt: new Date('2025-03-04T05:06:07Z') }, 'https://fresh.link/').content as any;
    expect(named.body[1].inlines[1].text).toBe('Ada Lovelace (ada@contoso.example)');
    expect(DISCONNECT_COMMAND).toBe('disconnect outlook');
  });

  it('connected card: Disconnect, beside Reconnect, deletes nothing itself; it asks, and only its confirmation sends the command', () => {
    const card = connectedCard({ username: 'ada@contoso.example', connectedAt: new Date('2025-03-04T05:06:07Z') }, 'https://fresh.link/').content as any;
    const disconnect = card.actions.find((action: { title: string }) => action.title === 'Disconnect');
    // Not an Action.Submit: one tap would have unlinked the account and deleted everything synced.
    expect(disconnect.type).toBe('Action.ShowCard');
    expect(disconnect.card.body[0].text).toMatch(/deletes calbot's copy of your calendar/);
    expect(disconnect.card.actions).toEqual([{ type: 'Action.Submit', title: 'Disconnect Outlook', style: 'destructive', data: { command: DISCONNECT_COMMAND } }]);
  });

  it("every sign-in card is valid Adaptive Card 1.5 by Microsoft's parser, whatever the account is called", () => {
    for (const [, card] of sampleSignInCards(hostile)) {
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(cardProblems(card.content)).toEqual([]);
    }
  });

  it('tells the admin which variables to set', () => {
    expect(microsoftAppMissingMessage()).toMatch(/MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/);
  });
});
