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
    // A RichTextBlock's TextRun is shown as written, never as markdown: the explanation can name the account, which
    // is the user's (or their directory's) text ("**Boss**", "[Pay here](…)", first_last@…).
    { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: '${explanation}' }] },
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
      ? `You're connected as ${oneLine(options.connectedAs)}. Sign in again to renew calbot's access, or with another Microsoft account to switch to it.`
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
    // The account's names in TextRuns, shown as written (see signInTemplate); the date in a TextBlock, where Teams
    // formats {{DATE(...)}} in the reader's own locale and zone (it does not in a TextRun).
    { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Connected as ' }, { type: 'TextRun', text: '${account}', weight: 'Bolder' }] },
    { type: 'TextBlock', text: 'Since {{DATE(${since}, SHORT)}}.', isSubtle: true, spacing: 'None', wrap: true },
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
  const name = oneLine(account.displayName && account.displayName !== account.username ? `${account.displayName} (${account.username})` : account.username);
  return renderCard(connectedTemplate, {
    account: name,
    // The card DATE function wants RFC 3339 without fractional seconds.
    since: account.connectedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    reconnectUrl,
  });
}

/** A name on one line: a directory's display name can hold line breaks, which a TextRun would keep. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
