import { escapeHtml, htmlPage } from '../auth/auth-result-page.js';

/**
 * The pages the Teams app package links to (Teams shows the three links on the app's page, and requires them): its
 * website, which is PUBLIC_URL itself, saying what calbot is; privacy and terms, saying what calbot keeps and does.
 */
export const POLICY_PAGES = {
  '/': {
    title: 'calbot',
    paragraphs: [
      'calbot links your Outlook calendar to chat. In a chat with calbot, type "connect outlook" and sign in with your Microsoft account once; then ask "what\'s on today", "next meeting" or "am I free at 3", and it tells you when a meeting is added, moved, changed or cancelled.',
      'Type "help" in the chat to see everything it can do, and "disconnect outlook" to unlink your account and delete what calbot synced.',
    ],
  },
  '/privacy': {
    title: 'calbot: privacy',
    paragraphs: [
      'calbot reads your Outlook calendar only after you connect it ("connect outlook") and sign in with your Microsoft account.',
      'It keeps, in its own database: who you are in chat and where to reach you, the Microsoft account you linked, its sign-in tokens (encrypted), the events of your calendar within the days it keeps in sync, your mailbox\'s time zone, working hours and time format, and the change notices it sends you.',
      'It uses them only to answer your questions and to tell you when a meeting changes. It reads your calendar and does not change it.',
      'Type "disconnect outlook" to unlink your account: calbot deletes its tokens and everything it synced, change notices too, and stops syncing.',
      'Remove calbot from your Teams apps, and it deletes all that and what it kept of you in chat too.',
    ],
  },
  '/terms': {
    title: 'calbot: terms of use',
    paragraphs: [
      'calbot is run by your organization, under its rules for the use of Microsoft Teams and Outlook.',
      'Its answers come from its copy of your calendar, which can be a few minutes behind Outlook; each answer says when it may be out of date. Outlook stays the reference.',
      'You can stop at any time: type "disconnect outlook".',
    ],
  },
} as const;

export type PolicyPath = keyof typeof POLICY_PAGES;

/** One small static page, with the same headers as the sign-in result page (no scripts, no framing). */
export function renderPolicyPage(path: PolicyPath): { status: number; headers: Record<string, string>; body: string } {
  const page = POLICY_PAGES[path];
  const paragraphs = page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>\n`).join('');
  return htmlPage({ status: 200, title: page.title, bodyHtml: `<h1>${escapeHtml(page.title)}</h1>\n${paragraphs}`, widthRem: 40 });
}
