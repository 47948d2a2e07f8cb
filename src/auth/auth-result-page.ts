import { InvalidStateError, isAuthFailure } from './auth-errors.js';
import type { SignInResult } from './microsoft-sign-in.js';

export interface AuthResultPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The small page the browser shows after Microsoft's redirect. Everything interpolated is escaped. The headers keep
 * the URL (which carried the code) out of Referer and caches, and allow no scripts.
 */
export function renderAuthResultPage(
  outcome: { ok: true; result: Pick<SignInResult, 'account'> } | { ok: 'confirm'; code: string } | { ok: false; error: unknown },
): AuthResultPage {
  let status: number;
  let title: string;
  let message: string;
  let code = '';
  if (outcome.ok === 'confirm') {
    status = 200;
    title = 'One more step';
    message = 'To finish connecting Outlook, type this code in your chat with calbot within 10 minutes. If someone sent you this link, do not: they would see your calendar.';
    code = `<p style="font-size:2rem;letter-spacing:.3rem;font-family:ui-monospace,monospace">${escapeHtml(`${outcome.code.slice(0, 3)} ${outcome.code.slice(3)}`)}</p>\n`;
  } else if (outcome.ok) {
    const { displayName, username } = outcome.result.account;
    status = 200;
    title = 'Outlook connected';
    message = `Connected as ${displayName && displayName !== username ? `${displayName} (${username})` : username}. You can close this window.`;
  } else if (outcome.error instanceof InvalidStateError && outcome.error.reason === 'unknown-or-used') {
    // Most often the success page again (reloaded, or reopened from history): "Outlook not connected" would be false.
    status = outcome.error.httpStatus;
    title = 'Sign-in link already used';
    message =
      'This sign-in link has already been used, or it is not one calbot made. If you have just connected Outlook, you are all set: calbot says so in your chat. If not, ask the bot to "connect outlook" for a new link.';
  } else if (outcome.error instanceof InvalidStateError && outcome.error.reason === 'expired') {
    status = outcome.error.httpStatus;
    title = 'Outlook not connected';
    message = 'This sign-in link has expired (links last 10 minutes). Ask the bot to "connect outlook" again for a new link.';
  } else if (isAuthFailure(outcome.error)) {
    status = outcome.error.httpStatus;
    title = status < 400 ? 'Connection cancelled' : 'Outlook not connected';
    message = outcome.error.userMessage;
  } else {
    status = 500;
    title = 'Outlook not connected';
    message = 'Something went wrong on calbot\'s side. Please ask the bot to "connect outlook" again in a minute.';
  }
  return htmlPage({ status, title: `${title} - calbot`, bodyHtml: `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n${code}` });
}

/**
 * A small static page calbot serves (the sign-in result, the privacy and terms pages): `bodyHtml` is already escaped.
 * The headers keep the URL (which may carry a code) out of Referer and caches, and allow no scripts and no framing.
 */
export function htmlPage(page: { status: number; title: string; bodyHtml: string; widthRem?: number }): AuthResultPage {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:${page.widthRem ?? 32}rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.3rem}</style>
</head>
<body>
${page.bodyHtml}</body>
</html>
`;
  return {
    status: page.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
