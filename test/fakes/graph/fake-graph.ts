import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { decodeAccessToken, GRAPH_AUDIENCES } from './fake-access-token.js';
import {
  FakeCalendar,
  zoneOf,
  type FakeEventInput,
  type FakeMailbox,
  type FakeMailboxInput,
  type FakeRecurringSeriesInput,
  type StoredEvent,
} from './fake-calendar.js';

export { fakeAccessToken, decodeAccessToken, DEFAULT_FAKE_SCOPES, GRAPH_AUDIENCES } from './fake-access-token.js';
export type { FakeAttendee, FakeEventInput, FakeMailboxInput, FakeRecurringSeriesInput } from './fake-calendar.js';

/**
 * A local HTTPS stand-in for Microsoft Graph's calendar API, close to Microsoft's documented behaviour:
 * `/me`, `/me/mailboxSettings`, `/me/calendarView` (paged) and `/me/calendarView/delta` (skip and delta tokens,
 * per-token snapshots, `@removed`), the Prefer headers `odata.maxpagesize` and `outlook.timezone`, Graph's error
 * JSON, 401 for missing/expired tokens and tokens for another audience, 403 for a token without a delegated scope
 * the resource needs (ROUTE_SCOPES), 404 from the mailbox's resources for a user without an Exchange Online mailbox
 * (MAILBOX_UNAVAILABLE), 410 SyncStateNotFound for lost delta state, 429/503 with Retry-After, and
 * Outlook's MailboxConcurrency limit (a fifth concurrent request for one mailbox gets 429).
 */
export interface FakeGraphOptions {
  /** PEM files: defaults to CALBOT_TEST_TLS_DIR's server-cert.pem and server-key.pem (see test/run.mjs). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Page size without `Prefer: odata.maxpagesize` (default 10, as Graph's calendar endpoints). */
  defaultPageSize?: number;
  /** Concurrent requests per mailbox before 429 ApplicationThrottled (Outlook: 4); 0 turns the check off. */
  mailboxConcurrencyLimit?: number;
  /** End each delta round with an empty page carrying only the deltaLink (default true). */
  trailingEmptyPage?: boolean;
}

export interface FakeFault {
  status: 429 | 503 | 504 | 500 | 502 | 400 | 401 | 403 | 404 | 410;
  /** Retry-After header in seconds; none when undefined. */
  retryAfterSeconds?: number;
  /** Retry-After as sent, instead: an HTTP date ("Wed, 03 Dec 2026 07:10:00 GMT"), which RFC 9110 allows too. */
  retryAfter?: string;
  /** Only requests for this mailbox. */
  oid?: string;
  /** Only a round's later pages (requests with a $skiptoken): the round has read and stored its first page. */
  laterPagesOnly?: boolean;
  /** Only requests for this resource, like "/me/mailboxSettings" (case-insensitive, without /v1.0); one ending in "/" ("/me/events/"): everything under it. */
  resource?: string;
  /** Let this many matching requests through first (answered as usual): "the third page fails". */
  after?: number;
  /** Graph's error code and message; by default the ones Graph sends for the status (FAULT_BODIES). */
  code?: string;
  message?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query, like "/v1.0/me/calendarView/delta". */
  path: string;
  query: Record<string, string>;
  oid?: string;
  prefer?: string;
  authorization?: string;
  status: number;
  at: Date;
}

export interface FakeGraph {
  /** The Graph root, like https://localhost:PORT/v1.0. */
  url: string;
  host: string;
  port: number;
  calendar: FakeCalendar;
  addMailbox(input: FakeMailboxInput): FakeMailbox;
  /** Returns the new event's id. */
  addEvent(oid: string, input: FakeEventInput): string;
  addAllDayEvent(oid: string, input: { subject: string; startDate: string; endDate: string; timeZone?: string; id?: string }): string;
  addRecurringSeries(oid: string, input: FakeRecurringSeriesInput): { seriesMasterId: string; occurrenceIds: string[] };
  updateEvent(oid: string, id: string, patch: Partial<FakeEventInput>): void;
  /** The attendee's view of an organizer's cancellation: the event stays, with isCancelled. */
  cancelEvent(oid: string, id: string): void;
  deleteEvent(oid: string, id: string): void;
  /** The whole series (master, occurrences, exceptions) deleted. */
  deleteSeries(oid: string, seriesMasterId: string): void;
  /** The event as Graph would send it (UTC), for assertions. */
  graphEvent(oid: string, id: string): Record<string, unknown>;
  /** Where the user's mailbox is from now on (FakeMailboxInput.exchange): a licence removed, or assigned again. */
  setExchange(oid: string, exchange: NonNullable<FakeMailboxInput['exchange']>): void;
  /** The next `count` matching requests (after the first `fault.after` of them) get this error. */
  failNext(fault: FakeFault, count?: number): void;
  /** The next call with this delta token (or the deltaLink holding it) gets 410 SyncStateNotFound. */
  expireDeltaToken(deltaLinkOrToken: string): void;
  /** Every delta and skip token (of one mailbox, or all) is forgotten: 410 on next use. */
  invalidateAllTokens(oid?: string): void;
  /** The next `count` matching requests (default: until cleared; of one mailbox or resource, or all) answer after `delayMs`. */
  slowRequests(options: { delayMs: number; count?: number; oid?: string; resource?: string }): void;
  clearSlowRequests(): void;
  /**
   * Matching requests (of one mailbox or resource, or all), after the first `after` of them, get no answer until
   * release(): a round caught between two pages for as long as a test needs, with no clock involved. `held`
   * resolves once the first one is waiting.
   */
  holdRequests(options: { after?: number; oid?: string; resource?: string }): { held: Promise<void>; release(): void };
  setTrailingEmptyPage(value: boolean): void;
  requests: RecordedRequest[];
  requestCount(oid?: string): number;
  inFlight(oid: string): number;
  maxInFlight(oid: string): number;
  /** Most authenticated requests in flight at once, all mailboxes together. */
  maxInFlightTotal(): number;
  resetCounters(): void;
  close(): Promise<void>;
}

/** Called once per request with the status, right before the response is written. */
const answered = new WeakMap<ServerResponse, (status: number) => void>();

const JSON_TYPE = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

/** Exchange's answer when the token lacks the scope for mailbox data (calendar, mailbox settings). */
const MAILBOX_DENIED = { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' };
/** The directory's answer when the token lacks the scope for a user object (/me). */
const DIRECTORY_DENIED = { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };

/**
 * The delegated scopes each resource accepts (any one of them: the least privileged first, as Graph's permission
 * tables list them) and Graph's 403 without one. A token missing them is refused however valid it is otherwise, so
 * calbot asking the identity platform for too few scopes fails here as it would at Microsoft.
 */
const ROUTE_SCOPES: Record<string, { scopes: string[]; code: string; message: string }> = {
  '/me': { scopes: ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], ...DIRECTORY_DENIED },
  '/me/mailboxsettings': { scopes: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'], ...MAILBOX_DENIED },
  '/me/calendarview': { scopes: ['Calendars.Read', 'Calendars.ReadWrite'], ...MAILBOX_DENIED },
  '/me/calendarview/delta': { scopes: ['Calendars.Read', 'Calendars.ReadWrite'], ...MAILBOX_DENIED },
  '/me/events/': { scopes: ['Calendars.Read', 'Calendars.ReadWrite'], ...MAILBOX_DENIED },
};

/** Whether `resource` (lowercased, without /v1.0) is `wanted`, or under it when `wanted` ends in "/". */
function isResource(resource: string, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  const lower = wanted.toLowerCase();
  return lower.endsWith('/') ? resource.startsWith(lower) : resource === lower;
}

/** What Graph sends with each status failNext can inject, unless the fault names its own. */
const FAULT_BODIES: Record<FakeFault['status'], { code: string; message: string }> = {
  429: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' },
  503: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable for maintenance or is overloaded.' },
  504: { code: 'GatewayTimeout', message: 'The server, while acting as a proxy, did not receive a timely response from the upstream server.' },
  500: { code: 'generalException', message: 'An unspecified error has occurred.' },
  502: { code: 'UnknownError', message: '' },
  401: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' },
  403: MAILBOX_DENIED,
  404: { code: 'ResourceNotFound', message: 'Resource could not be discovered.' },
  400: { code: 'resyncRequired', message: 'The delta token is no longer valid, and the app must reset the sync state.' },
  410: { code: 'SyncStateNotFound', message: 'The sync state generation is not found or has expired.' },
};
/**
 * Graph's answer to a request for the mailbox's resources when there is no Exchange Online mailbox to serve it:
 * 404 MailboxNotEnabledForRESTAPI for a user without an Exchange Online licence or with an inactive mailbox (as in
 * learn.microsoft.com/answers/questions/1457213 and MicrosoftDocs/azure-docs#85666), MailboxNotSupportedForRESTAPI
 * for one on a dedicated Exchange server (Microsoft KB 4462988: "HTTP error: 404 ... REST API is not yet supported
 * for this mailbox").
 */
const MAILBOX_UNAVAILABLE: Record<'none' | 'onPremises', { code: string; message: string }> = {
  none: { code: 'MailboxNotEnabledForRESTAPI', message: 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.' },
  onPremises: { code: 'MailboxNotSupportedForRESTAPI', message: 'REST API is not yet supported for this mailbox.' },
};
const MAILBOX_RESOURCES = new Set(['/me/mailboxsettings', '/me/calendarview', '/me/calendarview/delta']);
const UNSUPPORTED_DELTA_OPTIONS = ['$select', '$filter', '$orderby', '$expand', '$search', '$top', '$skip'];

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const tls = options.tls ?? defaultTls();
  const calendar = new FakeCalendar();
  calendar.trailingEmptyPage = options.trailingEmptyPage ?? true;
  const defaultPageSize = options.defaultPageSize ?? 10;
  const concurrencyLimit = options.mailboxConcurrencyLimit ?? 4;
  const faults: FakeFault[] = [];
  let slow: { delayMs: number; remaining: number; oid?: string; resource?: string } | undefined;
  let hold: { passing: number; oid?: string; resource?: string; holding(): void; released: Promise<void> } | undefined;
  const requests: RecordedRequest[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let inFlightTotal = 0;
  let maxTotal = 0;
  let base = '';

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'generalException', String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: new Date(),
    };
    if (req.headers.prefer) record.prefer = String(req.headers.prefer);
    if (req.headers.authorization) record.authorization = req.headers.authorization;
    requests.push(record);
    answered.set(res, (status) => (record.status = status));

    const auth = authenticate(req);
    if ('error' in auth) return sendError(res, 401, 'InvalidAuthenticationToken', auth.error);
    const { mailbox } = auth;
    record.oid = mailbox.oid;
    const running = (inFlight.get(mailbox.oid) ?? 0) + 1;
    inFlight.set(mailbox.oid, running);
    maxInFlight.set(mailbox.oid, Math.max(running, maxInFlight.get(mailbox.oid) ?? 0));
    inFlightTotal++;
    maxTotal = Math.max(maxTotal, inFlightTotal);
    // Counted out just before the answer is written, so the client can never see it while it still counts.
    answered.set(res, (status) => {
      record.status = status;
      inFlight.set(mailbox.oid, (inFlight.get(mailbox.oid) ?? 1) - 1);
      inFlightTotal--;
    });
    res.on('close', () => answered.get(res)?.(0)); // the client went away before an answer

    const resource = url.pathname.replace(/^\/v1\.0/i, '').replace(/\/+$/, '').toLowerCase();
    const needs = ROUTE_SCOPES[resource] ?? (resource.startsWith('/me/events/') ? ROUTE_SCOPES['/me/events/'] : undefined);
    if (needs && !hasScope(auth.scopes, needs.scopes)) return sendError(res, 403, needs.code, needs.message);
    if (slow && slow.remaining > 0 && (!slow.oid || slow.oid === mailbox.oid) && isResource(resource, slow.resource)) {
      slow.remaining--;
      await sleep(slow.delayMs);
    }
    const holding = hold;
    if (holding && (!holding.oid || holding.oid === mailbox.oid) && isResource(resource, holding.resource)) {
      if (holding.passing > 0) holding.passing--;
      else {
        holding.holding();
        await holding.released;
      }
    }
    if (concurrencyLimit > 0 && running > concurrencyLimit) {
      res.setHeader('Retry-After', '1');
      return sendError(res, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.');
    }
    const faultIndex = faults.findIndex(
      (fault) =>
        (!fault.oid || fault.oid === mailbox.oid) && (!fault.laterPagesOnly || url.searchParams.has('$skiptoken')) && isResource(resource, fault.resource),
    );
    const passing = faultIndex >= 0 && (faults[faultIndex]!.after ?? 0) > 0;
    if (passing) faults[faultIndex]!.after! -= 1;
    if (faultIndex >= 0 && !passing) {
      const [fault] = faults.splice(faultIndex, 1);
      if (fault!.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault!.retryAfterSeconds));
      if (fault!.retryAfter !== undefined) res.setHeader('Retry-After', fault!.retryAfter);
      const body = FAULT_BODIES[fault!.status];
      return sendError(res, fault!.status, fault!.code ?? body.code, fault!.message ?? body.message);
    }
    if (req.method !== 'GET') return sendError(res, 405, 'ErrorInvalidRequest', 'The fake Graph only reads.');
    if (mailbox.exchange && mailbox.exchange !== 'online' && MAILBOX_RESOURCES.has(resource)) {
      const unavailable = MAILBOX_UNAVAILABLE[mailbox.exchange];
      return sendError(res, 404, unavailable.code, unavailable.message);
    }

    const path = url.pathname.replace(/\/+$/, '').toLowerCase();
    if (!path.startsWith('/v1.0/')) return sendError(res, 400, 'BadRequest', 'Invalid version.');
    const prefer = parsePrefer(req.headers.prefer);
    const route = path.slice('/v1.0'.length);
    if (route === '/me') return sendJson(res, 200, profile(mailbox));
    if (route === '/me/mailboxsettings') return sendJson(res, 200, mailboxSettings(mailbox));
    if (route === '/me/calendarview') return calendarView(res, url, mailbox, prefer);
    if (route === '/me/calendarview/delta') return calendarViewDelta(res, url, mailbox, prefer);
    // GET /me/events/{id}: ids are case-sensitive, so read from the path as sent.
    if (route.startsWith('/me/events/') && route.split('/').length === 4) {
      const id = decodeURIComponent(url.pathname.replace(/\/+$/, '').split('/').pop()!);
      const event = mailbox.masters.get(id) ?? mailbox.events.get(id);
      if (!event) return sendError(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return sendJson(res, 200, graphEventJson(event, prefer.timeZone, base));
    }
    return sendError(res, 400, 'BadRequest', `Resource not found for the segment '${route.split('/').pop()}'.`);
  }

  function authenticate(req: IncomingMessage): { mailbox: FakeMailbox; scopes: string[] } | { error: string } {
    const header = req.headers.authorization;
    if (!header) return { error: 'Access token is empty.' };
    const match = /^Bearer (.+)$/i.exec(header);
    const claims = match ? decodeAccessToken(match[1]!) : undefined;
    if (!claims) return { error: 'IDX14100: JWT is not well formed.' };
    if (claims.exp * 1000 <= Date.now()) return { error: 'Lifetime validation failed, the token is expired.' };
    // A token for another resource (the app's own API, the id_token) is refused at the front door: 401, not 403.
    if (typeof claims.aud !== 'string' || !GRAPH_AUDIENCES.includes(claims.aud)) return { error: 'Access token validation failure. Invalid audience.' };
    const mailbox = calendar.mailboxes.get(claims.oid);
    if (!mailbox) return { error: 'The token does not belong to a known user.' };
    return { mailbox, scopes: typeof claims.scp === 'string' ? claims.scp.split(/\s+/).filter(Boolean) : [] };
  }

  function calendarView(res: ServerResponse, url: URL, mailbox: FakeMailbox, prefer: Prefer): void {
    const window = windowFrom(url);
    if ('error' in window) return sendError(res, 400, 'ErrorInvalidParameter', window.error);
    const params = lowerKeys(url.searchParams);
    const top = Number(params.get('$top') ?? prefer.maxPageSize ?? defaultPageSize);
    const skip = Number(params.get('$skip') ?? 0);
    const events = calendar.inWindow(mailbox.oid, window);
    const page = events.slice(skip, skip + top);
    const body: Record<string, unknown> = { '@odata.context': `${base}/$metadata#users('${mailbox.oid}')/calendarView`, value: page.map((event) => serialize(event, prefer.timeZone)) };
    if (skip + top < events.length) {
      const next = new URL(`${base}/me/calendarView`);
      next.searchParams.set('startDateTime', params.get('startdatetime')!);
      next.searchParams.set('endDateTime', params.get('enddatetime')!);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skip', String(skip + top));
      body['@odata.nextLink'] = next.toString();
    }
    sendJson(res, 200, body, preferenceApplied(prefer));
  }

  function calendarViewDelta(res: ServerResponse, url: URL, mailbox: FakeMailbox, prefer: Prefer): void {
    const params = lowerKeys(url.searchParams);
    const unsupported = UNSUPPORTED_DELTA_OPTIONS.find((option) => params.has(option));
    if (unsupported) return sendError(res, 400, 'ErrorInvalidUrlQuery', `The query parameter '${unsupported}' is not supported with delta.`);
    const skipToken = params.get('$skiptoken');
    const deltaToken = params.get('$deltatoken');
    let roundToken: string | undefined;
    if (skipToken) {
      roundToken = skipToken;
    } else if (deltaToken) {
      roundToken = calendar.resumeRound(mailbox.oid, deltaToken);
    } else {
      const window = windowFrom(url);
      if ('error' in window) return sendError(res, 400, 'ErrorInvalidParameter', window.error);
      roundToken = calendar.startRound(mailbox.oid, window);
    }
    const page = roundToken ? calendar.page(mailbox.oid, roundToken, Math.min(prefer.maxPageSize ?? defaultPageSize, 1000)) : undefined;
    if (!page) return sendError(res, 410, 'SyncStateNotFound', 'The sync state generation is not found or has expired.');
    const body: Record<string, unknown> = {
      '@odata.context': `${base}/$metadata#Collection(event)`,
      value: page.items.map((item) =>
        'removed' in item ? { '@odata.type': '#microsoft.graph.event', id: item.removed, '@removed': { reason: 'deleted' } } : serialize(item.event, prefer.timeZone, mailbox.bareOccurrences === true),
      ),
    };
    if (page.nextToken) body['@odata.nextLink'] = `${base}/me/calendarView/delta?$skiptoken=${page.nextToken}`;
    if (page.deltaToken) body['@odata.deltaLink'] = `${base}/me/calendarView/delta?$deltatoken=${page.deltaToken}`;
    sendJson(res, 200, body, preferenceApplied(prefer));
  }

  /** `bare`: an occurrence as some report delta sends it (FakeMailbox.bareOccurrences). */
  function serialize(event: StoredEvent, preferZone: string | undefined, bare = false): Record<string, unknown> {
    const json = graphEventJson(event, preferZone, base);
    if (event.type !== 'occurrence' || !bare) return json;
    const { '@odata.type': type, '@odata.etag': etag, id, seriesMasterId, start, end } = json;
    return { '@odata.type': type, '@odata.etag': etag, id, seriesMasterId, type: event.type, start, end };
  }

  await new Promise<void>((done) => server.listen(0, done));
  const { port } = server.address() as AddressInfo;
  base = `https://localhost:${port}/v1.0`;

  const tokenOf = (linkOrToken: string) => {
    try {
      return new URL(linkOrToken).searchParams.get('$deltatoken') ?? linkOrToken;
    } catch {
      return linkOrToken;
    }
  };

  return {
    url: base,
    host: 'localhost',
    port,
    calendar,
    addMailbox: (input) => calendar.addMailbox(input),
    addEvent: (oid, input) => calendar.addEvent(oid, input),
    addAllDayEvent: (oid, { startDate, endDate, ...rest }) => calendar.addEvent(oid, { ...rest, allDay: { startDate, endDate } }),
    addRecurringSeries: (oid, input) => calendar.addRecurringSeries(oid, input),
    updateEvent: (oid, id, patch) => calendar.updateEvent(oid, id, patch),
    cancelEvent: (oid, id) => calendar.updateEvent(oid, id, { isCancelled: true }),
    deleteEvent: (oid, id) => calendar.deleteEvent(oid, id),
    deleteSeries: (oid, seriesMasterId) => calendar.deleteSeries(oid, seriesMasterId),
    graphEvent: (oid, id) => graphEventJson(calendar.event(oid, id), undefined, base),
    setExchange: (oid, exchange) => void (calendar.mailbox(oid).exchange = exchange),
    failNext(fault, count = 1) {
      // `after` counts from now, once: the copies fail one after another once it has run out.
      for (let i = 0; i < count; i++) faults.push({ ...fault, after: i === 0 ? (fault.after ?? 0) : 0 });
    },
    expireDeltaToken: (linkOrToken) => calendar.expireDeltaToken(tokenOf(linkOrToken)),
    invalidateAllTokens: (oid) => void calendar.invalidateAllTokens(oid),
    slowRequests({ delayMs, count = Number.POSITIVE_INFINITY, oid, resource }) {
      slow = { delayMs, remaining: count, ...(oid ? { oid } : {}), ...(resource ? { resource } : {}) };
    },
    clearSlowRequests: () => void (slow = undefined),
    holdRequests({ after = 0, oid, resource }) {
      let holding!: () => void;
      let release!: () => void;
      const held = new Promise<void>((done) => (holding = done));
      const released = new Promise<void>((done) => (release = done));
      const current = { passing: after, holding, released, ...(oid ? { oid } : {}), ...(resource ? { resource } : {}) };
      hold = current;
      return {
        held,
        release() {
          if (hold === current) hold = undefined;
          release();
        },
      };
    },
    setTrailingEmptyPage: (value) => void (calendar.trailingEmptyPage = value),
    requests,
    requestCount: (oid) => (oid ? requests.filter((r) => r.oid === oid).length : requests.length),
    inFlight: (oid) => inFlight.get(oid) ?? 0,
    maxInFlight: (oid) => maxInFlight.get(oid) ?? 0,
    maxInFlightTotal: () => maxTotal,
    resetCounters() {
      requests.length = 0;
      maxInFlight.clear();
      maxTotal = 0;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** An event as Graph sends it. Timed events in `preferZone` (UTC without Prefer); all-day ones in their own zone. */
export function graphEventJson(event: StoredEvent, preferZone: string | undefined, base = 'https://graph.microsoft.com/v1.0'): Record<string, unknown> {
  const outputZone = preferZone && zoneOf(preferZone) ? preferZone : 'UTC';
  const when = (instant: DateTime, allDay: string | undefined) =>
    allDay
      ? { dateTime: `${allDay}T00:00:00.0000000`, timeZone: event.timeZone }
      : { dateTime: instant.setZone(zoneOf(outputZone)!).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'0000'"), timeZone: outputZone };
  const changeKey = Buffer.from(`${event.id}:${event.version}`).toString('base64').slice(-16);
  return {
    '@odata.type': '#microsoft.graph.event',
    '@odata.etag': `W/"${changeKey}"`,
    id: event.id,
    createdDateTime: '2026-01-01T00:00:00.0000000Z',
    lastModifiedDateTime: event.lastModified.toISOString().replace('Z', '0000Z'),
    changeKey,
    categories: [],
    originalStartTimeZone: event.timeZone,
    originalEndTimeZone: event.timeZone,
    iCalUId: event.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: true,
    hasAttachments: false,
    subject: event.subject,
    bodyPreview: previewOf(event.body ?? ''),
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: Boolean(event.allDay),
    isCancelled: event.isCancelled,
    isOrganizer: event.response === 'organizer',
    responseRequested: true,
    seriesMasterId: event.seriesMasterId ?? null,
    showAs: event.showAs,
    type: event.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(event.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: Boolean(event.joinUrl),
    onlineMeetingProvider: event.joinUrl ? 'teamsForBusiness' : 'unknown',
    responseStatus: { response: event.response, time: '0001-01-01T00:00:00Z' },
    start: when(event.start, event.allDay?.startDate),
    end: when(event.end, event.allDay?.endDate),
    location: { displayName: event.location ?? '', locationType: 'default', uniqueIdType: 'unknown', address: {}, coordinates: {} },
    locations: event.location ? [{ displayName: event.location }] : [],
    recurrence: null,
    attendees: event.attendees.map((attendee) => ({
      type: attendee.type ?? 'required',
      status: { response: attendee.response ?? 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: { name: attendee.name, address: attendee.address },
    })),
    organizer: { emailAddress: { name: event.organizer.name, address: event.organizer.address } },
    onlineMeeting: event.joinUrl ? { joinUrl: event.joinUrl } : null,
    body: { contentType: 'html', content: event.body ?? '' },
    '@odata.id': `${base}/users/me/events('${event.id}')`,
  };
}

/** bodyPreview: the body's text (a link's text, not its address), spaces run together, cut after 255 characters. */
function previewOf(html: string): string {
  const text = html
    .replace(/<(head|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function profile(mailbox: FakeMailbox): Record<string, unknown> {
  return {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
    businessPhones: [],
    displayName: mailbox.displayName,
    givenName: mailbox.displayName.split(' ')[0] ?? null,
    jobTitle: null,
    mail: mailbox.mail ?? mailbox.upn,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: 'en-US',
    surname: mailbox.displayName.split(' ').slice(1).join(' ') || null,
    userPrincipalName: mailbox.upn,
    id: mailbox.oid,
  };
}

function mailboxSettings(mailbox: FakeMailbox): Record<string, unknown> {
  return {
    '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${mailbox.oid}')/mailboxSettings`,
    archiveFolder: 'AAMkArchive=',
    timeZone: mailbox.timeZone,
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    dateFormat: 'dd/MM/yyyy',
    timeFormat: mailbox.timeFormat ?? 'HH:mm',
    userPurpose: 'user',
    language: { locale: 'en-US', displayName: 'English (United States)' },
    workingHours: mailbox.workingHours ?? { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: mailbox.timeZone } },
  };
}

interface Prefer {
  maxPageSize?: number;
  timeZone?: string;
}

/** `Prefer: odata.maxpagesize=50, outlook.timezone="Pacific Standard Time"` (one header or several). */
function parsePrefer(header: string | string[] | undefined): Prefer {
  const prefer: Prefer = {};
  const text = Array.isArray(header) ? header.join(', ') : (header ?? '');
  for (const match of text.matchAll(/([\w.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,;\s]*)/g)) {
    const name = match[1]!.toLowerCase();
    const value = match[2]!.replace(/^"(.*)"$/, '$1');
    if (name === 'odata.maxpagesize' && /^\d+$/.test(value) && Number(value) > 0) prefer.maxPageSize = Number(value);
    if (name === 'outlook.timezone') prefer.timeZone = value;
  }
  return prefer;
}

function preferenceApplied(prefer: Prefer): Record<string, string> {
  const applied = [prefer.maxPageSize ? `odata.maxpagesize=${prefer.maxPageSize}` : '', prefer.timeZone ? `outlook.timezone="${prefer.timeZone}"` : ''].filter(Boolean);
  return applied.length ? { 'Preference-Applied': applied.join(', ') } : {};
}

function windowFrom(url: URL): { start: DateTime; end: DateTime } | { error: string } {
  const params = lowerKeys(url.searchParams);
  const startText = params.get('startdatetime');
  const endText = params.get('enddatetime');
  if (!startText || !endText) return { error: 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.' };
  // A dateTime without offset is read as UTC, like Graph does.
  const start = DateTime.fromISO(startText, { zone: 'UTC' });
  const end = DateTime.fromISO(endText, { zone: 'UTC' });
  if (!start.isValid || !end.isValid) return { error: 'The value of StartDateTime or EndDateTime is not a valid date and time.' };
  if (end <= start) return { error: 'EndDateTime must be after StartDateTime.' };
  return { start, end };
}

/** Scope names are case-insensitive (the identity platform accepts "calendars.read"). */
function hasScope(granted: string[], accepted: string[]): boolean {
  return granted.some((scope) => accepted.some((name) => name.toLowerCase() === scope.toLowerCase()));
}

function lowerKeys(params: URLSearchParams): Map<string, string> {
  return new Map([...params].map(([key, value]) => [key.toLowerCase(), value]));
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  answered.get(res)?.(status);
  answered.delete(res);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'request-id': crypto.randomUUID(), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const date = new Date().toISOString().replace(/\.\d+Z$/, '');
  const requestId = crypto.randomUUID();
  sendJson(res, status, { error: { code, message, innerError: { date, 'request-id': requestId, 'client-request-id': requestId } } });
}

function defaultTls(): { cert: Buffer; key: Buffer } {
  const dir = process.env.CALBOT_TEST_TLS_DIR;
  if (!dir) throw new Error('fake Graph: CALBOT_TEST_TLS_DIR is not set (run tests through test/run.mjs) and no tls option was given');
  return { cert: readFileSync(join(dir, 'server-cert.pem')), key: readFileSync(join(dir, 'server-key.pem')) };
}
