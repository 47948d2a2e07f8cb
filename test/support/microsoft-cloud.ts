import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/log.js';
import { freePort } from '../../src/store/embedded-database.js';
import { startFakeGraph, type FakeGraph } from '../fakes/graph/fake-graph.js';
import { openAuthorizeUrl, startFakeIdentity, type FakeIdentity, type FakeUser } from '../fakes/identity/fake-identity.js';
import { startHarness, teamsUser, type Harness, type TeamsUser } from './calbot-harness.js';

/**
 * calbot wired to fakes of Microsoft's identity platform and Graph, as an admin would configure it against the
 * real cloud (only the URLs differ). `connect()` drives a chat user through the whole sign-in like a browser.
 */
export interface CloudHarness extends Harness {
  identity: FakeIdentity;
  graph: FakeGraph;
  /** A Microsoft user with a mailbox (and a Windows time zone, as Outlook stores it). */
  addMicrosoftUser(name: string, timeZone?: string): FakeUser;
  /**
   * "connect outlook" -> card -> follow the link -> redirect back; returns the redirect page, the card URL and the
   * callback URL Microsoft redirected the browser to (with its code and state), to replay.
   * A successful connect starts the first sync at once; with `waitForFirstSync` this waits for its "Synced N
   * events" line, so that later replies are not mistaken for it.
   */
  /**
   * The chat user asks for a link and signs in at Microsoft as `microsoftUser`. By default they are that person (Teams
   * sends their Entra object id, which is the account's oid): linked at once. `asSomeoneElse`: Teams says another
   * person asked (a forwarded link), so the page shows a code to type in chat instead.
   * `beforeRedirect`: runs after Microsoft's sign-in, before the browser comes back to calbot (a link expiring meanwhile).
   */
  connect(
    chatUser: TeamsUser,
    microsoftUser: FakeUser,
    options?: { waitForFirstSync?: boolean; beforeRedirect?: () => Promise<void>; asSomeoneElse?: boolean },
  ): Promise<{ status: number; page: string; signInUrl: string; callbackUrl: string }>;
}

/** `options.logger`: where calbot logs (default: LOG_LEVEL's, silent in tests), for tests that read its lines. */
export async function startCloudHarness(env: Record<string, string> = {}, name = 'cloud', options: { accessTokenLifetimeSeconds?: number; logger?: Logger } = {}): Promise<CloudHarness> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const client = { clientId: randomUUID(), clientSecret: `secret-${randomUUID()}`, redirectUris: [`${publicUrl}/microsoft_account/authentication`] };
  const tenantId = randomUUID();
  const users: FakeUser[] = [];
  const identity = await startFakeIdentity({ clients: [client], users, accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds });
  const graph = await startFakeGraph();
  const harness = await startHarness(
    {
      PORT: String(port),
      PUBLIC_URL: publicUrl,
      MICROSOFT_CLIENT_ID: client.clientId,
      MICROSOFT_CLIENT_SECRET: client.clientSecret,
      MICROSOFT_TENANT_ID: tenantId,
      MICROSOFT_AUTHORITY_HOST: identity.authorityHost,
      MICROSOFT_GRAPH_URL: graph.url,
      ...env,
    },
    name,
    { logger: options.logger },
  );
  const close = harness.close;
  return {
    ...harness,
    identity,
    graph,
    addMicrosoftUser(displayName, timeZone = 'W. Europe Standard Time') {
      const slug = displayName.toLowerCase().replace(/[^a-z]+/g, '.');
      const user: FakeUser = { oid: randomUUID(), tid: tenantId, upn: `${slug}@contoso.example`, name: displayName };
      users.push(user);
      graph.addMailbox({ oid: user.oid, upn: user.upn, displayName, timeZone, tenantId });
      return user;
    },
    async connect(chatUser, microsoftUser, options = {}) {
      const before = harness.connector.messages(chatUser.conversationId).length;
      await harness.post(harness.message('connect outlook', options.asSomeoneElse ? chatUser : { ...chatUser, aadObjectId: microsoftUser.oid }));
      const [reply] = (await harness.connector.waitFor(before + 1, (r) => r.conversationId === chatUser.conversationId)).slice(before);
      const card = reply!.activity.attachments?.[0]?.content;
      const signInUrl: string | undefined = card?.actions?.find((a: { type: string }) => a.type === 'Action.OpenUrl')?.url;
      if (!signInUrl) throw new Error(`no sign-in link in ${JSON.stringify(reply!.activity)}`);
      identity.signInAs(microsoftUser.oid);
      const authorize = await openAuthorizeUrl(signInUrl);
      if (!authorize.location) throw new Error(`authorize did not redirect: ${authorize.status} ${authorize.body}`);
      const synced = harness.connector.messages(chatUser.conversationId).filter((r) => FIRST_SYNC_LINE.test(r.activity.text ?? '')).length;
      await options.beforeRedirect?.();
      const back = await fetch(authorize.location, { redirect: 'manual' });
      const result = { status: back.status, page: await back.text(), signInUrl, callbackUrl: authorize.location.href };
      if (result.page.includes('Connected as') && options.waitForFirstSync) {
        await harness.connector.waitFor(synced + 1, (r) => r.conversationId === chatUser.conversationId && FIRST_SYNC_LINE.test(r.activity.text ?? ''));
      }
      return result;
    },
    async close() {
      await close();
      await graph.close();
      await identity.close();
    },
  };
}

const FIRST_SYNC_LINE = /^Synced \d+ events?$/;

export { teamsUser };
