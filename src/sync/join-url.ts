import type { GraphEvent } from '../graph/graph-event.js';

/**
 * Where online-meeting services put their join links: a host (and, when `subdomains`, any host under it: a Zoom
 * account's us02web.zoom.us, a Webex site's acme.webex.com) and the paths that join a meeting there. The path
 * matters: an invitation also links the same service's help, dial-in numbers, recordings and app downloads
 * (zoom.us/u/..., zoom.us/rec/..., help.webex.com, gotomeeting.com/install/...), sometimes before the join link.
 * Any other link in an invitation (a document, an agenda) is not a join link. Paths are read with anchored
 * patterns without nested repetition, on at most MAX_LINK_CHARS characters.
 */
interface JoinLinkShape {
  host: string;
  subdomains: boolean;
  path: RegExp;
}

const TEAMS_PATH = /^\/(?:l\/meetup-join|meet)\/[^/]/i;
const ZOOM_PATH = /^\/(?:[jw]\/\d+|my\/[\w.-]+|wc\/join\/\d+|wc\/\d+\/join)(?:\/|$)/i;

const JOIN_LINKS: JoinLinkShape[] = [
  { host: 'teams.microsoft.com', subdomains: false, path: TEAMS_PATH },
  { host: 'teams.live.com', subdomains: false, path: TEAMS_PATH },
  // US Government clouds: gov.teams.microsoft.us, dod.teams.microsoft.us.
  { host: 'teams.microsoft.us', subdomains: true, path: TEAMS_PATH },
  { host: 'zoom.us', subdomains: true, path: ZOOM_PATH },
  { host: 'zoomgov.com', subdomains: true, path: ZOOM_PATH },
  { host: 'meet.google.com', subdomains: false, path: /^\/(?:[a-z]{3}-[a-z]{4}-[a-z]{3}|lookup\/[\w-]+)\/?$/i },
  // A site's meeting (/acme/j.php?MTID=), event (e.php), personal room (/meet/ada, /join/ada) or the join service.
  { host: 'webex.com', subdomains: true, path: /^\/(?:[\w.-]+\/)?(?:j\.php|e\.php|meet\/[\w.-]+|join\/[\w.-]+|wbxmjs\/joinservice\/)/i },
  { host: 'gotomeeting.com', subdomains: true, path: /^\/join\/\d+\/?$/ },
  { host: 'meet.goto.com', subdomains: false, path: /^\/[\w.-]+\/?$/ },
  { host: 'app.goto.com', subdomains: false, path: /^\/meeting\/\d+\/?$/ },
  { host: 'gotomeet.me', subdomains: false, path: /^\/[\w.-]+\/?$/ },
  { host: 'chime.aws', subdomains: false, path: /^\/\d{10}\/?$/ },
  { host: 'app.chime.aws', subdomains: false, path: /^\/meetings\// },
  { host: 'whereby.com', subdomains: true, path: /^\/[\w-]+\/?$/ },
  { host: 'meet.jit.si', subdomains: false, path: /^\/[\w.-]+\/?$/ },
  { host: 'bluejeans.com', subdomains: true, path: /^\/\d+(?:\/\d+)?\/?$/ },
  { host: 'meetings.ringcentral.com', subdomains: false, path: /^\/j\/\d+\/?$/ },
  { host: 'v.ringcentral.com', subdomains: false, path: /^\/join\/\d+\/?$/ },
];

/** Defender for Office's Safe Links rewrite every link of a mail from outside: `<region>.safelinks...?url=<link>`. */
const SAFE_LINKS_HOSTS = ['.safelinks.protection.outlook.com', '.safelinks.protection.office365.us'];

/** How much of a text is searched: an invitation's link is near its top; a pasted mail thread is not read whole. */
const SEARCH_CHARS = 64 * 1024;
/** A Teams join link is some 300-1000 characters; a longer "link" is junk, and would be copied into every day's document. */
const MAX_LINK_CHARS = 2048;
/** An event lists a few locations; an invite made by a program could list thousands. */
const MAX_LOCATIONS = 20;

/**
 * The link that joins an online meeting, in the order Outlook's own Join button looks: the Teams meeting Graph
 * describes (`onlineMeeting.joinUrl`), the deprecated `onlineMeetingUrl` (both set by Exchange, so any https host),
 * then a known meeting service's link in the location, the locations, the body's preview and the body (Zoom, Google
 * Meet, Webex... and Teams meetings of other organizations carry theirs there). Safe Links are unwrapped.
 * Undefined when there is none. Only the link is kept: the body is read here and never stored.
 */
export function joinUrlOf(event: GraphEvent): string | undefined {
  for (const candidate of [event.onlineMeeting?.joinUrl, event.onlineMeetingUrl]) {
    const url = candidate ? meetingUrl(candidate.trim(), false) : undefined;
    if (url) return url;
  }
  const body = event.body?.content ?? '';
  const texts: SearchedText[] = [
    { text: event.location?.displayName, html: false, cut: false },
    ...(event.locations ?? []).slice(0, MAX_LOCATIONS).flatMap((location) => [
      { text: location?.locationUri, html: false, cut: false },
      { text: location?.displayName, html: false, cut: false },
    ]),
    // The preview stops after ~255 characters, maybe inside a link ("...zoom.us/j/8123"): a link at its very end is
    // left to the body, which holds it whole (calendarView/delta sends both).
    { text: event.bodyPreview, html: false, cut: body !== '' },
    { text: body, html: event.body?.contentType?.toLowerCase() !== 'text', cut: false },
  ];
  for (const { text, html, cut } of texts) {
    if (!text) continue;
    const searched = text.length > SEARCH_CHARS ? text.slice(0, SEARCH_CHARS) : text;
    for (const link of linksIn(searched, html, cut || searched.length < text.length)) {
      const url = meetingUrl(link, true);
      if (url) return url;
    }
  }
  return undefined;
}

interface SearchedText {
  text: string | null | undefined;
  /** HTML: entities are decoded (`&amp;` between a link's parameters) and end a link where they stand for a space or a quote. */
  html: boolean;
  /** The text may stop inside a link: one that runs to its end is not taken. */
  cut: boolean;
}

/** The https links in `text`, in order, with the punctuation a sentence puts after a link left off. One pass. */
function* linksIn(text: string, html: boolean, cut: boolean): Generator<string> {
  const scheme = /https:\/\//gi;
  for (let match = scheme.exec(text); match; match = scheme.exec(text)) {
    const { link, end } = readLink(text, match.index, html);
    // Go on after this link, not inside it: each character is read once however the text is made.
    scheme.lastIndex = end;
    if (link === undefined || (cut && end === text.length)) continue;
    const trimmed = trimTrailing(link);
    if (trimmed.length > 'https://'.length) yield trimmed;
  }
}

/**
 * The link starting at `start`: up to a space, a quote, an angle bracket or any character no link has unescaped
 * (non-ASCII too: a no-break space, curly quotes around the link). Undefined when longer than MAX_LINK_CHARS.
 */
function readLink(text: string, start: number, html: boolean): { link: string | undefined; end: number } {
  let link = '';
  let i = start;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '&' && html) {
      const entity = entityAt(text, i);
      if (entity) {
        if (!isLinkChar(entity.char)) break;
        if (link.length <= MAX_LINK_CHARS) link += entity.char;
        i = entity.end;
        continue;
      }
    }
    if (!isLinkChar(char)) break;
    if (link.length <= MAX_LINK_CHARS) link += char;
    i++;
  }
  return { link: link.length > MAX_LINK_CHARS ? undefined : link, end: i };
}

function isLinkChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && code > 0x20 && code < 0x7f && !'"\'<>`\\{}|^'.includes(char);
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * The character an HTML entity at `at` stands for ("&amp;", "&#38;", "&#x26;"), and where it ends. An entity this
 * does not know stands for a character no link holds (&rsquo;, &copy;). Undefined when `&` starts no entity: in
 * HTML it is then a literal "&" ("?a=1&b=2").
 */
function entityAt(text: string, at: number): { char: string; end: number } | undefined {
  const semicolon = text.indexOf(';', at + 1);
  if (semicolon < 0 || semicolon - at > 10) return undefined;
  const name = text.slice(at + 1, semicolon);
  if (!/^(?:[a-z][a-z0-9]*|#\d+|#x[0-9a-f]+)$/i.test(name)) return undefined;
  let char = NAMED_ENTITIES[name.toLowerCase()] ?? '\u00a0';
  if (name.startsWith('#')) {
    const code = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    char = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\u00a0';
  }
  return { char, end: semicolon + 1 };
}

/**
 * Punctuation after a link belongs to the sentence: "join at https://zoom.us/j/1." A closing bracket does only when
 * the link opened none: "(https://zoom.us/j/1)". Counted once, popped from the end: linear however many there are.
 */
function trimTrailing(link: string): string {
  const unopened = { ')': count(link, ')') - count(link, '('), ']': count(link, ']') - count(link, '[') };
  let end = link.length;
  while (end > 0) {
    const char = link[end - 1]!;
    if ('.,;:!?*'.includes(char)) end--;
    else if ((char === ')' || char === ']') && unopened[char] > 0) {
      unopened[char]--;
      end--;
    } else break;
  }
  return link.slice(0, end);
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/**
 * `text` as a join URL: https on the default port, no credentials, Safe Links unwrapped (twice at most: a link can be
 * wrapped again when a wrapped mail is forwarded), and (when `knownOnly`) the shape of a meeting service's join link.
 */
function meetingUrl(text: string, knownOnly: boolean, unwrapped = 0): string | undefined {
  if (text.length > MAX_LINK_CHARS) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  if (SAFE_LINKS_HOSTS.some((suffix) => url.hostname.endsWith(suffix))) {
    const target = url.searchParams.get('url');
    return target && unwrapped < 2 ? meetingUrl(target.trim(), knownOnly, unwrapped + 1) : undefined;
  }
  if (knownOnly && !isJoinLink(url)) return undefined;
  return url.href;
}

function isJoinLink(url: URL): boolean {
  const host = url.hostname;
  return JOIN_LINKS.some(
    (shape) => (host === shape.host || (shape.subdomains && host.endsWith(`.${shape.host}`))) && shape.path.test(url.pathname),
  );
}
