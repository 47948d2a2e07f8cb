import type { GraphEvent } from '../graph/graph-event.js';

/**
 * Hosts of online-meeting services whose links are join links (the host itself or any subdomain). Outlook shows a
 * Join button for these too; any other link in an invitation (a document, an agenda) is not one.
 */
const MEETING_HOSTS = [
  'teams.microsoft.com',
  'teams.live.com',
  'zoom.us',
  'zoomgov.com',
  'meet.google.com',
  'webex.com',
  'gotomeeting.com',
  'meet.goto.com',
  'chime.aws',
  'whereby.com',
  'meet.jit.si',
  'bluejeans.com',
];

/** How much of an event's body is searched: an invitation's link is near its top; a pasted thread is not read whole. */
const BODY_SEARCH_CHARS = 64 * 1024;
/** An https URL in text: no backtracking beyond one pass (a run of non-space characters after the scheme). */
const URL_IN_TEXT = /https:\/\/[^\s"'<>]+/gi;

/**
 * The link that joins an online meeting, in the order Outlook's own Join button looks: the Teams meeting Graph
 * describes (`onlineMeeting.joinUrl`), the older `onlineMeetingUrl`, then a link of a known meeting service in the
 * location, the locations, the body's preview and the body (Zoom, Google Meet, Webex... invitations carry theirs
 * there). Safe Links (Defender's `*.safelinks.protection.outlook.com/?url=`) are unwrapped. Undefined when none.
 */
export function joinUrlOf(event: GraphEvent): string | undefined {
  const explicit = [event.onlineMeeting?.joinUrl, event.onlineMeetingUrl];
  for (const candidate of explicit) {
    const url = candidate ? meetingUrl(candidate.trim(), false) : undefined;
    if (url) return url;
  }
  const texts = [
    event.location?.displayName,
    ...(event.locations ?? []).flatMap((location) => [location?.locationUri, location?.displayName]),
    event.bodyPreview,
    event.body?.content?.slice(0, BODY_SEARCH_CHARS),
  ];
  for (const text of texts) {
    if (!text) continue;
    for (const [found] of text.matchAll(URL_IN_TEXT)) {
      const url = meetingUrl(decodeEntities(trimTrailing(found)), true);
      if (url) return url;
    }
  }
  return undefined;
}

/** `text` as a join URL: https, no credentials, and (when `knownOnly`) on a meeting service's host. */
function meetingUrl(text: string, knownOnly: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return undefined;
  const unwrapped = safeLinkTarget(url);
  if (unwrapped) return meetingUrl(unwrapped, knownOnly);
  if (knownOnly && !MEETING_HOSTS.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`))) return undefined;
  return url.href;
}

/** The link a Safe Links URL stands for, if `url` is one. */
function safeLinkTarget(url: URL): string | undefined {
  if (!url.hostname.endsWith('.safelinks.protection.outlook.com')) return undefined;
  return url.searchParams.get('url') ?? undefined;
}

/** Punctuation a sentence puts after a link: "join at https://zoom.us/j/1." */
function trimTrailing(text: string): string {
  return text.replace(/[.,;:!?)\]}]+$/, '');
}

/** The HTML entities a link in an HTML body carries (&amp; between query parameters, above all). */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|#38|#x26);/gi, '&');
}
