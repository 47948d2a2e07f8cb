import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { MAILBOX_RETRY_MS, SYNC_JOB } from '../../src/sync/sync-jobs.js';
import { openAuthorizeUrl, SIGN_IN_REFUSALS, TOKEN_REFUSALS, type SignInRefusal, type TokenRefusal } from '../fakes/identity/fake-identity.js';
import { startCloudHarness, teamsUser, type CloudHarness } from '../support/microsoft-cloud.js';
import type { TeamsUser } from '../support/calbot-harness.js';
import { at, command, connectedUser, SYNC_ENV, waitForState } from '../sync/sync-support.js';

/**
 * What the user is told, and what the sync job does, when Microsoft's identity platform refuses: a refresh during a
 * sync, a code at sign-in, or the sign-in itself (the redirect back). Real MSAL against the identity fake, which
 * answers as a real tenant does for each refusal; each family has one sentence and one log line with the code.
 */
describe("Microsoft's refusals, end to end", () => {
  let h: CloudHarness;
  const logLines: string[] = [];
  beforeAll(async () => {
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
    // Below MSAL's 5-minute margin: every Graph request refreshes its token, so "sync now" always asks Microsoft.
    h = await startCloudHarness(SYNC_ENV, 'identity_refusals', { accessTokenLifetimeSeconds: 60, logger });
  });
  afterAll(async () => {
    await h.close();
  });

  const logSince = (from: number) => logLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
  const cardsSince = (chat: TeamsUser, from: number) => h.connector.messages(chat.conversationId).slice(from).filter((r) => r.activity.attachments?.length);
  /** No token the fake handed out, nor the client secret, is in the log. */
  const expectNoSecretsIn = (lines: string[]) => {
    const secrets = [...h.identity.issued.refreshTokens, ...h.identity.issued.accessTokens, ...h.identity.issued.codes, h.calbot.config.microsoft.clientSecret!];
    expect(secrets.length).toBeGreaterThan(2);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  };

  async function waitForJobUnlocked(userKey: string) {
    for (let i = 0; i < 200; i++) {
      const job = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
      if (job && !job.lockedAt) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${userKey}: the job was never unlocked`);
  }

  const ADMIN_TAIL = 'Only your IT admin can change that; once they have, say "sync now".';
  const ADMIN_FAMILY: [keyof typeof TOKEN_REFUSALS, string, string?][] = [
    ['userDisabled', 'the account is disabled (AADSTS50057)'],
    ['userDeleted', 'the account no longer exists in your organisation (AADSTS50034)'],
    ['userNotInTenant', 'the account is not a member of the organisation calbot was connected in (AADSTS50020)'],
    // Smart lockout lifts by itself: the admin is the fallback.
    ['accountLocked', 'the account is locked after too many sign-in attempts (AADSTS50053)', 'It usually unlocks by itself within minutes, else your IT admin can unlock it; once it is, say "sync now".'],
    ['notAssigned', 'your organisation has not given you access to calbot (AADSTS50105)'],
    ['conditionalAccess', "your organisation's Conditional Access policies block it (AADSTS53003)"],
  ];

  test('a refresh refused for the account itself (disabled): "ask your IT admin", no reconnect card, the account stays connected, the job waits hours; re-enabled, "sync now" syncs with the same grant', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Di Disabled');
    const before = h.connector.messages(chat.conversationId).length;
    const logFrom = logLines.length;
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.userDisabled);

    const sentence =
      'Microsoft does not let calbot use your account: the account is disabled (AADSTS50057). Only your IT admin can change that; once they have, say "sync now".';
    expect(await command(h, chat, 'sync now')).toEqual([`The sync didn't work: ${sentence}`]);
    const state = await waitForState(h, userKey, (s) => s.status !== 'running' && s.lastError?.kind === 'admin-action-needed');
    expect(state).toMatchObject({ status: 'error', lastError: { message: sentence } });
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    // Not every interval: Microsoft answers the same until the admin acts.
    const job = await waitForJobUnlocked(userKey);
    expect(job.disabled).toBeFalsy();
    expect(job.nextRunAt.getTime()).toBeGreaterThanOrEqual(state.lastError!.at.getTime() + MAILBOX_RETRY_MS - 60_000);
    expect(cardsSince(chat, before)).toEqual([]);

    // One line, with the code and the ids, never Microsoft's free text or a token.
    const refused = logSince(logFrom).filter((line) => line.event === 'token-refresh-refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 40, component: 'auth', kind: 'admin-action-needed', aadsts: 'AADSTS50057', errorCode: 'invalid_grant', during: 'sync', userKey });
    expect(refused[0]!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(refused[0])).not.toContain('The user account is disabled');
    expect(logSince(logFrom).filter((line) => line.event === 'reconnect-needed')).toEqual([]);
    expectNoSecretsIn(logLines.slice(logFrom));

    // Answers say why they may be out of date, and what to type.
    h.graph.addEvent(microsoft.oid, { subject: 'Back at work', start: at(1, 9), end: at(1, 10) });
    const [status] = await command(h, chat, 'sync status');
    expect(status).toContain(`Last problem, today at`);
    expect(status).toContain(sentence);

    // The admin re-enables the account: the grant Microsoft kept works again, no sign-in needed.
    h.identity.refuseTokens(microsoft.oid, undefined);
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 1 new, 0 changed, 0 removed.']);
    const after = await waitForJobUnlocked(userKey);
    expect(after.nextRunAt.getTime()).toBeLessThan(Date.now() + MAILBOX_RETRY_MS / 2);
  });

  const REFUSAL_TOLD = /^Microsoft does not let calbot read your calendar: /;
  const AGAIN = 'calbot can read your calendar again; syncing is back to normal.';
  /** What the chat was told of refusals without asking: the refusal messages and the "again" ones. */
  const toldSince = (chat: TeamsUser, from: number) =>
    h.connector
      .messages(chat.conversationId)
      .slice(from)
      .filter((r) => REFUSAL_TOLD.test(r.activity.text ?? '') || r.activity.text === AGAIN)
      .map((r) => r.activity.text);
  /** "sync now", then until its job run is over (what it sends comes before its answer, but not before the job ends). */
  async function syncNowAndSettle(userKey: string, chat: TeamsUser): Promise<string | undefined> {
    const [reply] = await command(h, chat, 'sync now');
    await waitForJobUnlocked(userKey);
    return reply;
  }

  test('a refusal only an admin can clear is told once in the chat, with its code and the retries; the same refusal again says nothing; lifted, "again" once; another refusal after that is told again', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Tm Told');
    const before = h.connector.messages(chat.conversationId).length;
    const logFrom = logLines.length;
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.userDisabled);

    await syncNowAndSettle(userKey, chat);
    const disabled =
      'Microsoft does not let calbot read your calendar: the account is disabled. Only your IT admin can change that; give them this code: AADSTS50057. I\'ll keep trying every 6 hours, or say "sync now" once they have.';
    expect(toldSince(chat, before)).toEqual([disabled]);
    const [told] = h.connector.messages(chat.conversationId).filter((r) => r.activity.text === disabled);
    expect(told!.activity.textFormat).toBe('plain');
    expect(told!.activity.text).not.toContain('The user account is disabled');
    expectNoSecretsIn([told!.activity.text!]);
    // The retries hours apart (here: asked for at once, twice) get the same refusal and say nothing.
    await syncNowAndSettle(userKey, chat);
    await h.calbot.syncJobs.requestRun(userKey);
    await waitForState(h, userKey, (s) => s.status !== 'running');
    await waitForJobUnlocked(userKey);
    expect(toldSince(chat, before)).toEqual([disabled]);
    expect(logSince(logFrom).filter((line) => line.event === 'admin-refusal-told')).toHaveLength(1);

    // The admin re-enables the account: one "again", before the answer to "sync now"; the next round says nothing.
    h.identity.refuseTokens(microsoft.oid, undefined);
    expect(await syncNowAndSettle(userKey, chat)).toBe('Synced: 0 new, 0 changed, 0 removed.');
    expect(toldSince(chat, before)).toEqual([disabled, AGAIN]);
    await syncNowAndSettle(userKey, chat);
    expect(toldSince(chat, before)).toEqual([disabled, AGAIN]);

    // Blocked by Conditional Access later: told again, what it is now; then disabled while still blocked: told too.
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.conditionalAccess);
    await syncNowAndSettle(userKey, chat);
    await syncNowAndSettle(userKey, chat);
    const blocked =
      'Microsoft does not let calbot read your calendar: your organisation\'s Conditional Access policies block it. Only your IT admin can change that; give them this code: AADSTS53003. I\'ll keep trying every 6 hours, or say "sync now" once they have.';
    expect(toldSince(chat, before)).toEqual([disabled, AGAIN, blocked]);
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.userDisabled);
    await syncNowAndSettle(userKey, chat);
    expect(toldSince(chat, before)).toEqual([disabled, AGAIN, blocked, disabled]);
    h.identity.refuseTokens(microsoft.oid, undefined);
    await syncNowAndSettle(userKey, chat);
    expect(toldSince(chat, before)).toEqual([disabled, AGAIN, blocked, disabled, AGAIN]);
    expect(cardsSince(chat, before)).toEqual([]);
    expectNoSecretsIn(logLines.slice(logFrom));
  });

  test('a locked account (AADSTS50053, which unlocks by itself) gets no message of its own, and no "again" when it unlocks; its answer keeps its wording', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Tm Locked');
    const before = h.connector.messages(chat.conversationId).length;
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.accountLocked);
    const locked =
      'The sync didn\'t work: Microsoft does not let calbot use your account: the account is locked after too many sign-in attempts (AADSTS50053). It usually unlocks by itself within minutes, else your IT admin can unlock it; once it is, say "sync now".';
    expect(await syncNowAndSettle(userKey, chat)).toBe(locked);
    await syncNowAndSettle(userKey, chat);
    h.identity.refuseTokens(microsoft.oid, undefined);
    expect(await syncNowAndSettle(userKey, chat)).toBe('Synced: 0 new, 0 changed, 0 removed.');
    // The answers to the three "sync now", and nothing else.
    expect(h.connector.messages(chat.conversationId).slice(before).map((r) => r.activity.text)).toEqual([locked, locked, 'Synced: 0 new, 0 changed, 0 removed.']);
  });

  test('every refusal only an admin can clear (deleted, not in the tenant, locked, not assigned, Conditional Access) says so and what it is, and asks no reconnect', async () => {
    for (const [refusal, reason, tail = ADMIN_TAIL] of ADMIN_FAMILY.slice(1)) {
      const { userKey, chat, microsoft } = await connectedUser(h, `Al ${refusal}`);
      const before = h.connector.messages(chat.conversationId).length;
      h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS[refusal]);
      expect(await command(h, chat, 'sync now')).toEqual([
        `The sync didn't work: Microsoft does not let calbot use your account: ${reason}. ${tail}`,
      ]);
      expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
      expect((await waitForJobUnlocked(userKey)).nextRunAt.getTime()).toBeGreaterThan(Date.now() + MAILBOX_RETRY_MS / 2);
      expect(cardsSince(chat, before)).toEqual([]);
    }
  });

  test('refusals a new sign-in fixes (inactive 90 days, password changed, MFA, sign-in frequency, consent withdrawn): "reconnect", one card, the job stops', async () => {
    const reconnectFamily: (keyof typeof TOKEN_REFUSALS)[] = ['inactive', 'passwordChanged', 'sessionRevokedByPasswordChange', 'mfaRequired', 'mfaEnrolment', 'signInFrequency', 'consentWithdrawn'];
    for (const refusal of reconnectFamily) {
      const { userKey, chat, microsoft } = await connectedUser(h, `Re ${refusal}`);
      const logFrom = logLines.length;
      const before = h.connector.messages(chat.conversationId).length;
      h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS[refusal]);
      expect(await command(h, chat, 'sync now')).toEqual(['The sync didn\'t work: Your Outlook connection has expired or was revoked. Say "reconnect" to sign in again.']);
      const cards = (await h.connector.waitFor(before + 2, (r) => r.conversationId === chat.conversationId)).slice(before).filter((r) => r.activity.attachments?.length);
      expect(cards).toHaveLength(1);
      expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'needs-reconnect' });
      expect((await h.calbot.syncJobs.jobInfo(userKey))!.disabled).toBe(true);
      const line = logSince(logFrom).find((entry) => entry.event === 'reconnect-needed');
      expect(line).toMatchObject({ aadsts: `AADSTS${(TOKEN_REFUSALS[refusal] as TokenRefusal).aadsts}`, newlyDetected: true });
      expectNoSecretsIn(logLines.slice(logFrom));
    }
  });

  test("Microsoft's own trouble on a refresh (503, AADSTS90033): retried quietly at the next sync; the user is told nothing to do, and is not asked to connect again", async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Tr Transient');
    const before = h.connector.messages(chat.conversationId).length;
    const logFrom = logLines.length;
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.directoryUnavailable);
    const [reply] = await command(h, chat, 'sync now');
    expect(reply).toBe("The sync didn't work: Microsoft's sign-in service did not renew my access to your calendar just now; I'll try again at the next sync.");
    expect(reply).not.toMatch(/connect outlook|reconnect/);
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    const job = await waitForJobUnlocked(userKey);
    expect(job.disabled).toBeFalsy();
    expect(job.nextRunAt.getTime()).toBeLessThan(Date.now() + MAILBOX_RETRY_MS / 2);
    expect(cardsSince(chat, before)).toEqual([]);
    expect(logSince(logFrom).find((line) => line.event === 'token-refresh-failed')).toMatchObject({ errorCode: 'temporarily_unavailable', aadsts: 'AADSTS90033', during: 'sync' });
    h.identity.refuseTokens(microsoft.oid, undefined);
    expect(await command(h, chat, 'sync now')).toEqual(['Synced: 0 new, 0 changed, 0 removed.']);
  });

  test('a mailbox whose Exchange settings keep REST clients out (403 ErrorAccessDenied "Access to OData is disabled"): "ask your IT admin", not a reconnect that would be refused the same way; the job waits hours', async () => {
    const { userKey, chat, microsoft } = await connectedUser(h, 'Od Disabled');
    const before = h.connector.messages(chat.conversationId).length;
    h.graph.failNext({ status: 403, oid: microsoft.oid, resource: '/me/calendarView/delta', code: 'ErrorAccessDenied', message: 'Access to OData is disabled.' });
    const sentence =
      'Your organisation\'s Exchange settings do not let apps like calbot read your mailbox ("Access to OData is disabled"), so I cannot sync your calendar. Only your IT admin can change that; once they have, say "sync now".';
    expect(await command(h, chat, 'sync now')).toEqual([`The sync didn't work: ${sentence}`]);
    expect(await h.store.collections.accounts.findOne({ _id: userKey })).toMatchObject({ status: 'connected' });
    const job = await waitForJobUnlocked(userKey);
    expect(job.disabled).toBeFalsy();
    expect(job.nextRunAt.getTime()).toBeGreaterThan(Date.now() + MAILBOX_RETRY_MS / 2);
    expect(cardsSince(chat, before)).toEqual([]);
    // Told once without asking, with Graph's code (not its message) for the admin.
    const told =
      'Microsoft does not let calbot read your calendar: your organisation\'s Exchange settings keep apps like calbot out of your mailbox ("Access to OData is disabled"). Only your IT admin can change that; give them this code: ErrorAccessDenied. I\'ll keep trying every 6 hours, or say "sync now" once they have.';
    expect(toldSince(chat, before)).toEqual([told]);
    // The policy changed: the next try syncs, and the chat hears so.
    expect(await syncNowAndSettle(userKey, chat)).toBe('Synced: 0 new, 0 changed, 0 removed.');
    expect(toldSince(chat, before)).toEqual([told, AGAIN]);
  });

  /** "connect outlook", Microsoft redirects back with `refusal`; returns the page and what the chat was told. */
  async function signInRefused(name: string, refusal: SignInRefusal) {
    const chat = teamsUser(name);
    const microsoft = h.addMicrosoftUser(name);
    const before = h.connector.messages(chat.conversationId).length;
    h.identity.refuseSignIn(refusal);
    try {
      const [card] = await h.say('connect outlook', { ...chat, aadObjectId: microsoft.oid });
      const signInUrl = (JSON.parse(card!) as { actions: { type: string; url: string }[] }).actions.find((a) => a.type === 'Action.OpenUrl')!.url;
      h.identity.signInAs(microsoft.oid);
      const authorize = await openAuthorizeUrl(signInUrl);
      expect(authorize.query).toMatchObject({ error: refusal.error, error_description: expect.stringMatching(new RegExp(`^AADSTS${refusal.aadsts}: `)) });
      const back = await fetch(authorize.location!, { redirect: 'manual' });
      const page = await back.text();
      const [told] = (await h.connector.waitFor(before + 2, (r) => r.conversationId === chat.conversationId)).slice(before + 1);
      return { status: back.status, page, told: told!.activity.text, userKey: `msteams:${chat.id}` };
    } finally {
      h.identity.refuseSignIn(undefined);
    }
  }

  test('a sign-in refused because only an admin may consent ("Need admin approval", AADSTS90094/90095, consent_required 65001) or the user is not assigned or blocked: page and chat say "ask your IT admin", not "try again"', async () => {
    const cases: [keyof typeof SIGN_IN_REFUSALS, string][] = [
      ['adminConsentRequired', 'only an admin may grant calbot the access it asks for (AADSTS90094)'],
      ['adminConsentRequested', 'only an admin may grant calbot the access it asks for (your request has been sent to them) (AADSTS90095)'],
      ['consentRequired', 'only an admin may grant calbot the access it asks for (AADSTS65001)'],
      ['notAssigned', 'your organisation has not given you access to calbot (AADSTS50105)'],
      ['conditionalAccess', "your organisation's Conditional Access policies block it (AADSTS53003)"],
    ];
    for (const [refusal, reason] of cases) {
      const logFrom = logLines.length;
      const { status, page, told, userKey } = await signInRefused(`Ad ${refusal}`, SIGN_IN_REFUSALS[refusal]);
      const sentence = `Microsoft does not let calbot use your account: ${reason}. Only your IT admin can change that; once they have, say "connect outlook" again.`;
      expect(status).toBe(403);
      expect(page).toContain('<h1>Outlook not connected</h1>');
      expect(page).toContain(sentence.replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
      expect(told).toBe(`Outlook connection failed: ${sentence}`);
      expect(await h.store.collections.accounts.findOne({ _id: userKey })).toBeNull();
      expect(logSince(logFrom).find((line) => line.event === 'sign-in-failed')).toMatchObject({ kind: 'admin-action-needed', aadsts: `AADSTS${SIGN_IN_REFUSALS[refusal].aadsts}`, during: 'sign-in', errorCode: SIGN_IN_REFUSALS[refusal].error });
    }
  });

  test('a sign-in the user cancelled, or one Microsoft could not finish, still says to try again', async () => {
    const cancelled = await signInRefused('Ca Cancelled', SIGN_IN_REFUSALS.cancelled);
    expect(cancelled.status).toBe(200);
    expect(cancelled.told).toBe('Outlook connection cancelled: Microsoft sign-in was declined. Say "connect outlook" to try again.');
    const mfa = await signInRefused('Ca Interaction', SIGN_IN_REFUSALS.interactionRequired);
    expect(mfa.told).toBe('Outlook connection failed: Microsoft could not complete the sign-in (interaction_required, AADSTS50076). Ask the bot to "connect outlook" again for a new link.');
    const busy = await signInRefused('Ca Busy', SIGN_IN_REFUSALS.serverError);
    expect(busy.told).toBe('Outlook connection failed: Microsoft could not complete the sign-in (server_error, AADSTS90033). Ask the bot to "connect outlook" again for a new link.');
  });

  test('a code Microsoft will not redeem for a blocked account (Conditional Access checked at token issuance): "ask your IT admin", nothing linked', async () => {
    const chat = teamsUser('Co Blocked');
    const microsoft = h.addMicrosoftUser('Co Blocked');
    h.identity.refuseTokens(microsoft.oid, TOKEN_REFUSALS.conditionalAccess);
    try {
      const { status, page } = await h.connect(chat, microsoft);
      expect(status).toBe(403);
      expect(page).toContain('Microsoft does not let calbot use your account: your organisation&#39;s Conditional Access policies block it (AADSTS53003). Only your IT admin can change that; once they have, say &#34;connect outlook&#34; again.');
      expect(await h.store.collections.accounts.findOne({ _id: `msteams:${chat.id}` })).toBeNull();
    } finally {
      h.identity.refuseTokens(microsoft.oid, undefined);
    }
  });
});
