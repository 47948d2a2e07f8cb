import { TurnContext } from 'botbuilder';
import { DateTime } from 'luxon';
import { defineCommand, type ChatCommand } from '../chat/chat-command.js';
import { clockTime, shortDate } from '../chat/date-text.js';
import { answerActivity } from '../chat/schedule-card.js';
import { DEFAULT_WORKING_HOURS, describeWorkingWeek } from '../chat/free-slots.js';
import { describeUserZone, userZoneWithSource } from '../chat/time-zone.js';
import type { OutgoingMessage, ProactiveSender } from '../chat/proactive.js';
import type { GraphClient } from '../graph/graph-client.js';
import { readProfile } from '../graph/calendar-delta.js';
import { mailboxSettingsUpdate } from '../sync/mailbox-settings.js';
import type { Logger } from '../log.js';
import type { RedirectHandler } from '../server.js';
import type { Collections } from '../store/collections.js';
import { ConsentRefusedError, InvalidStateError, isAuthFailure, type PendingSignIn } from './auth-errors.js';
import { renderAuthResultPage } from './auth-result-page.js';
import type { MicrosoftAuth } from './microsoft-auth.js';
import { MAX_CONFIRMATION_ATTEMPTS, type SignInResult } from './microsoft-sign-in.js';
import { connectedCard, microsoftAppMissingMessage, signInCard } from './sign-in-card.js';

/** What the rest of calbot does when a mailbox is linked or unlinked (the sync engine plugs in here). */
export interface ConnectionHooks {
  /** A mailbox was linked; `accountChanged`: it replaced another Microsoft account of the same chat user. */
  connected(userKey: string, details: { accountChanged: boolean }): Promise<void>;
  /** The user disconnected: remove everything synced for them (events, sync state, jobs). */
  disconnected(userKey: string): Promise<void>;
}

export interface ConnectOutlookDependencies {
  /** Undefined when the admin has not configured MICROSOFT_CLIENT_ID / MICROSOFT_CLIENT_SECRET. */
  auth: MicrosoftAuth | undefined;
  collections: Collections;
  proactive: ProactiveSender;
  graphFor: (userKey: string) => GraphClient;
  hooks: ConnectionHooks;
  logger: Logger;
  /** "Now" for "status" (the day "since" is written from, the time it is for the user); tests may pin it. */
  clock?: () => Date;
}

const CONNECT = /^(?:please )?(?:connect|link|sign ?in|log ?in|sync with)(?: (?:to |with |my )?(?:outlook|office ?365|microsoft|calendar|my calendar|outlook calendar))?$/;
const RECONNECT = /^re-?connect(?: (?:to )?(?:outlook|my calendar|calendar))?$/;
const DISCONNECT = /^(?:disconnect|unlink|sign ?out|log ?out)(?: (?:from )?(?:my )?(?:outlook|office ?365|microsoft|calendar)(?: (?:account|calendar))?)?(?: now)?$/;
const STATUS = /^(?:(?:what'?s |what is )?(?:my )?status|connection status|am i connected|who am i)$/;
const CONFIRM_CODE = /^(?:code:? )?(\d{3})[ -]?(\d{3})$/;

/** "connect outlook", "reconnect", "disconnect outlook", "status". */
export function connectOutlookCommands(deps: ConnectOutlookDependencies): ChatCommand<any, any>[] {
  const { auth, collections, logger } = deps;

  /** `connectedAs`: the account whose connection still works, when the user asked to reconnect anyway. */
  const sendSignInCard = async (turn: TurnContext, userKey: string, reconnect: boolean, connectedAs?: string) => {
    const link = await auth!.createSignInLink(userKey, TurnContext.getConversationReference(turn.activity));
    // As the card's title, in the summary where the card is shown (Teams would show it twice).
    const text = reconnect ? 'Reconnect your Outlook calendar' : 'Connect your Outlook calendar';
    await turn.sendActivity(answerActivity({ text, attachment: signInCard(link, { reconnect, ...(connectedAs ? { connectedAs } : {}) }) }, turn.activity.channelId));
  };

  return [
    defineCommand({
      name: 'connect',
      help: { usage: 'connect outlook', description: 'link your Outlook calendar (also: reconnect)' },
      match: (text) => (CONNECT.test(text) ? { reconnect: false } : RECONNECT.test(text) ? { reconnect: true } : undefined),
      async run(turn, user, { reconnect }) {
        if (!auth) {
          logger.warn({ event: 'connect-unconfigured' }, 'connect asked but MICROSOFT_CLIENT_ID / MICROSOFT_CLIENT_SECRET are not set');
          await turn.sendActivity(microsoftAppMissingMessage());
          return;
        }
        const account = await auth.getAccount(user._id);
        if (account?.status === 'connected' && !reconnect) {
          const link = await auth.createSignInLink(user._id, TurnContext.getConversationReference(turn.activity));
          await turn.sendActivity(answerActivity({ text: `You're connected to Outlook as ${account.username}.`, attachment: connectedCard(account, link) }, turn.activity.channelId));
          return;
        }
        await sendSignInCard(turn, user._id, reconnect || account?.status === 'needs-reconnect', account?.status === 'connected' ? account.username : undefined);
      },
    }),
    defineCommand<{ code: string }>({
      name: 'confirm-code',
      // The code from the sign-in page ("482913", "482 913"); not listed in help: the chat asks for it when needed.
      match: (text) => {
        const code = CONFIRM_CODE.exec(text);
        return code ? { code: `${code[1]}${code[2]}` } : undefined;
      },
      async run(turn, user, { code }) {
        if (!auth) {
          await turn.sendActivity(microsoftAppMissingMessage());
          return;
        }
        const outcome = await auth.confirmConnection(user._id, code);
        logger.info({ event: 'confirm-code', userKey: user._id, outcome: outcome.kind }, 'sign-in code typed');
        if (outcome.kind === 'connected') {
          try {
            await finishConnection(deps, outcome.result); // says "Connected to Outlook as …" in this chat
          } catch (error) {
            logger.warn({ event: 'sign-in-failed', kind: 'unexpected', err: (error as Error).message }, 'sign-in failed');
            await turn.sendActivity(chatTextFor(error));
          }
          return;
        }
        await turn.sendActivity(
          outcome.kind === 'wrong' && outcome.attemptsLeft > 0
            ? `That code doesn't match the one on the sign-in page. ${outcome.attemptsLeft} ${outcome.attemptsLeft === 1 ? 'try' : 'tries'} left.`
            : outcome.kind === 'wrong'
              ? `That code doesn't match either, and ${MAX_CONFIRMATION_ATTEMPTS} wrong codes end the sign-in. Say "connect outlook" to start again.`
              : outcome.kind === 'expired'
                ? 'That sign-in code has expired (codes last 10 minutes). Say "connect outlook" to start again.'
                : 'There is no sign-in waiting for a code. Say "connect outlook" to connect your calendar.',
        );
      },
    }),
    defineCommand({
      name: 'disconnect',
      help: { usage: 'disconnect outlook', description: 'unlink Outlook and delete what calbot synced' },
      // "disconnect teams", "unlink everything": not sure enough to delete anything; the reply says what to type.
      match: (text) => (DISCONNECT.test(text) ? { unsure: false } : /^(?:disconnect|unlink)\b/.test(text) ? { unsure: true } : undefined),
      async run(turn, user, { unsure }) {
        if (unsure) return void (await turn.sendActivity('To unlink your Outlook calendar and delete what I synced from it, say "disconnect outlook".'));
        const result = auth ? await auth.disconnect(user._id) : { wasConnected: false };
        await deps.hooks.disconnected(user._id);
        logger.info({ event: 'disconnected', userKey: user._id, wasConnected: result.wasConnected }, 'outlook disconnected');
        await turn.sendActivity({
          text: result.wasConnected
            ? `Disconnected from Outlook${result.username ? ` (${result.username})` : ''}. I deleted your synced calendar and stopped syncing. Say "connect outlook" to link it again.`
            : 'You are not connected to Outlook, so there was nothing to disconnect.',
          textFormat: 'plain',
        });
      },
    }),
    defineCommand({
      name: 'status',
      help: { usage: 'status', description: 'which Outlook account is linked, since when, and the time zone and working hours I use' },
      match: (text) => (STATUS.test(text) ? {} : undefined),
      async run(turn, user) {
        const account = await collections.accounts.findOne({ _id: user._id });
        if (!account) {
          await turn.sendActivity(auth ? 'You are not connected to Outlook. Say "connect outlook" to link your calendar.' : microsoftAppMissingMessage());
        } else if (account.status === 'needs-reconnect') {
          await turn.sendActivity({ text: `Your Outlook connection (${account.username}) has expired or was revoked. Say "reconnect" to sign in again.`, textFormat: 'plain' });
        } else {
          // What the answers are based on: the zone (and where it comes from) and the working hours.
          const { zone, source } = userZoneWithSource({ override: user.timeZoneOverride, mailbox: account.mailboxTimeZone, client: user.clientTimeZone });
          const style = account.clockStyle;
          const now = DateTime.fromJSDate(deps.clock?.() ?? new Date()).setZone(zone);
          const hours = account.workingHours
            ? `your Outlook working hours, ${describeWorkingWeek(account.workingHours, zone, style)}`
            : `${describeWorkingWeek(DEFAULT_WORKING_HOURS, zone, style)} (Outlook has not told me your working hours)`;
          // Connected is not synced: a mailbox Graph cannot read, or a failing sync, would otherwise look fine here.
          const sync = await collections.syncStates.findOne({ _id: user._id }, { projection: { status: 1 } });
          await turn.sendActivity({
            text: [
              // The day in the zone the rest is in: the UTC date is another day in the evening west of Greenwich.
              `Connected to Outlook as ${account.displayName ? `${account.displayName} (${account.username})` : account.username} since ${shortDate(DateTime.fromJSDate(account.connectedAt).setZone(zone), now)}.`,
              describeUserZone(zone, source, clockTime(now, style)),
              `Free time is looked for in ${hours}.`,
              ...(sync?.status === 'error' ? ['The last sync did not work: say "sync status" for why.'] : []),
            ].join(' '),
            textFormat: 'plain',
          });
        }
      },
    }),
  ];
}

/**
 * After the account is linked (at the redirect, or when its code is typed in chat): reads who it is and their mailbox
 * settings from Graph, hands the user to the sync engine, then tells the chat. Returns the name to show.
 */
async function finishConnection(deps: ConnectOutlookDependencies, result: SignInResult): Promise<string> {
  const { collections, proactive, logger } = deps;
  const { userKey, account } = result;
  let displayName = account.displayName || account.username;
  try {
    const profile = await readProfile(deps.graphFor(userKey));
    displayName = profile.displayName || displayName;
    await collections.accounts.updateOne({ _id: userKey }, mailboxSettingsUpdate({ ...profile, mail: profile.mail ?? null }, new Date(), { displayName }));
  } catch (error) {
    // The link is made; the profile is a nicety. Sync will retry Graph on its own schedule.
    logger.warn({ event: 'profile-read-failed', userKey, err: isAuthFailure(error) ? error.logFields : (error as Error).message }, 'could not read /me after sign-in');
  }
  // Syncing is set up before the chat hears "connected": the two never disagree.
  await deps.hooks.connected(userKey, { accountChanged: result.accountChanged });
  logger.info({ event: 'connected', userKey, accountChanged: result.accountChanged }, 'outlook connected');
  await tell(proactive, logger, userKey, result.conversationReference, { text: `Connected to Outlook as ${displayName} (${account.username}). I'm syncing your calendar now; ask me "what's on today" in a moment.`, textFormat: 'plain' });
  return displayName;
}

/**
 * GET /microsoft_account/authentication: finishes the sign-in. The Teams user's own account is linked at once; any
 * other account waits for the code on the page to be typed in the chat that asked (ConfirmationNeeded). Every
 * failure is an escaped page and, where we know the chat it came from, a message there.
 */
export function createRedirectHandler(deps: ConnectOutlookDependencies): RedirectHandler {
  const { auth, proactive, logger } = deps;
  return async (query) => {
    if (!auth) {
      return { ...renderAuthResultPage({ ok: false, error: new Error('not configured') }), status: 503 };
    }
    // Whose sign-in this is, once known: a failure after that is told in their chat too.
    let signingIn: PendingSignIn | undefined;
    try {
      const result = await auth.completeSignIn(query);
      signingIn = { userKey: result.userKey, conversationReference: result.conversationReference };
      if ('confirmation' in result) {
        // The chat hears that a code is waiting, never whose account it is: the page is the only place it shows.
        await tell(proactive, logger, result.userKey, result.conversationReference, CONFIRM_IN_CHAT_TEXT);
        return renderAuthResultPage({ ok: 'confirm', code: result.confirmation.code });
      }
      const displayName = await finishConnection(deps, result);
      return renderAuthResultPage({ ok: true, result: { account: { ...result.account, displayName } } });
    } catch (error) {
      const fields = isAuthFailure(error) ? { kind: error.name, ...error.logFields } : { kind: 'unexpected', err: (error as Error).message };
      logger.warn({ event: 'sign-in-failed', ...fields }, 'sign-in failed');
      const pending = (isAuthFailure(error) && 'pending' in error ? (error.pending as PendingSignIn | undefined) : undefined) ?? signingIn;
      if (pending) await tell(proactive, logger, pending.userKey, pending.conversationReference, chatTextFor(error));
      return renderAuthResultPage({ ok: false, error });
    }
  };
}

export const CONFIRM_IN_CHAT_TEXT =
  'To finish connecting Outlook, type here the 6-digit code shown in the browser window where you signed in. ' +
  "If you didn't just sign in, ignore this: nothing is linked without the code.";

/** What the chat that asked for the link hears when the sign-in fails: the same story as the page, with what to do. */
function chatTextFor(error: unknown): string {
  if (error instanceof ConsentRefusedError) return 'Outlook connection cancelled: Microsoft sign-in was declined. Say "connect outlook" to try again.';
  if (error instanceof InvalidStateError) {
    return error.reason === 'expired'
      ? 'That sign-in link had expired (links last 10 minutes), so Outlook is not connected. Say "connect outlook" for a new one.'
      : 'That sign-in link can no longer be used, so Outlook is not connected. Say "connect outlook" for a new one.';
  }
  if (isAuthFailure(error)) return `Outlook connection failed: ${error.userMessage}`;
  return 'Outlook connection failed: something went wrong on my side while setting up the sync. Say "reconnect" to try again.';
}

async function tell(proactive: ProactiveSender, logger: Logger, userKey: string, reference: Parameters<ProactiveSender['sendToReference']>[0], message: OutgoingMessage) {
  try {
    await proactive.sendToReference(reference, message);
  } catch (error) {
    logger.warn({ event: 'proactive-failed', userKey, err: (error as Error).message }, 'could not post in the chat');
  }
}
