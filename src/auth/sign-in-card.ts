import type { Attachment } from 'botbuilder';
import { CARD_VERSION, renderCard } from '../chat/cards/render-card.js';
import { SIGN_IN_LINK_LIFETIME_MS } from './microsoft-sign-in.js';

export const DISCONNECT_COMMAND = 'disconnect outlook';

const signInTemplate = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: CARD_VERSION,
  body: [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: '${explanation}', wrap: true },
    { type: 'TextBlock', text: 'The link expires in ${minutes} minutes and works once.', isSubtle: true, size: 'Small', wrap: true },
  ],
  actions: [{ type: 'Action.OpenUrl', title: 'Connect Outlook', url: '${url}' }],
};

/**
 * "Connect Outlook": opens Microsoft's sign-in in the browser. `reconnect` words it for an expired connection;
 * `connectedAs` for one that still works, which the user asked to renew or switch ("reconnect").
 */
export function signInCard(url: string, options: { reconnect?: boolean; connectedAs?: string } = {}): Attachment {
  return renderCard(signInTemplate, {
    title: options.reconnect || options.connectedAs ? 'Reconnect your Outlook calendar' : 'Connect your Outlook calendar',
    explanation: options.connectedAs
      ? `You're connected as ${options.connectedAs}. Sign in again to renew calbot's access, or with another Microsoft account to switch to it.`
      : options.reconnect
        ? 'Microsoft no longer accepts calbot\'s access to your calendar. Sign in again to resume syncing.'
        : 'Sign in with your Microsoft account so calbot can read your calendar and tell you about changes.',
    minutes: Math.round(SIGN_IN_LINK_LIFETIME_MS / 60_000),
    url,
  });
}

/** When the admin has not registered the Microsoft app yet. */
export function microsoftAppMissingMessage(): string {
  return 'Outlook is not set up on this calbot yet: an admin must set MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET (see the README), then restart it.';
}

const connectedTemplate = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: CARD_VERSION,
  body: [
    { type: 'TextBlock', text: 'Outlook is already connected', weight: 'Bolder', size: 'Medium', wrap: true },
    // {{DATE(...)}} is formatted by the Teams client in the reader's own locale and zone.
    { type: 'TextBlock', text: 'Connected as ${account} since {{DATE(${since}, SHORT)}}.', wrap: true },
  ],
  actions: [
    { type: 'Action.OpenUrl', title: 'Reconnect', url: '${reconnectUrl}' },
    // Disconnect deletes the tokens and everything synced, and sits beside Reconnect: a slip of the thumb on a phone
    // must not do that. The button opens a confirmation (ShowCard, rendered inline by Teams desktop and mobile) whose
    // own button sends the command (Action.Submit: Teams posts its data back as the message's value).
    {
      type: 'Action.ShowCard',
      title: 'Disconnect',
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'TextBlock', text: 'Disconnecting stops syncing and deletes calbot\'s copy of your calendar and its change notices.', wrap: true }],
        actions: [{ type: 'Action.Submit', title: 'Disconnect Outlook', style: 'destructive', data: { command: DISCONNECT_COMMAND } }],
      },
    },
  ],
};

/** "Already connected as X since D", with Reconnect (a fresh sign-in link) and Disconnect (after a confirmation). */
export function connectedCard(account: { username: string; displayName?: string; connectedAt: Date }, reconnectUrl: string): Attachment {
  const name = account.displayName && account.displayName !== account.username ? `${account.displayName} (${account.username})` : account.username;
  return renderCard(connectedTemplate, {
    account: name,
    // The card DATE function wants RFC 3339 without fractional seconds.
    since: account.connectedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    reconnectUrl,
  });
}
