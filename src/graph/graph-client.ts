import {
  AuthenticationHandler,
  Client,
  type AuthenticationProvider,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { GraphRequestError, GraphUnavailableError, parseRetryAfter, ThrottledError, toGraphFailure } from './graph-errors.js';
import type { RequestLimiter } from './request-limiter.js';

export interface RetryPolicy {
  /** Retries after the first attempt for 429/503/504, a GET's passing 500/502, and network failures (default 3, like the SDK's RetryHandler). */
  maxRetries: number;
  /** A Retry-After longer than this is not waited in-process: the call fails with ThrottledError (default 30 s). */
  maxWaitMs: number;
  /** Backoff when Graph sends no Retry-After: baseDelayMs * 2^attempt, full jitter (default 1 s). */
  baseDelayMs: number;
  /** Extra random wait added on top of Retry-After, so many mailboxes do not come back at the same instant (default 500 ms). */
  jitterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, maxWaitMs: 30_000, baseDelayMs: 1_000, jitterMs: 500 };

export interface GraphClientOptions {
  /** Graph root ending in exactly /v1.0 (config.microsoft.graphUrl). */
  graphUrl: string;
  /** A valid access token for this mailbox's user; the token cache refreshes it (`forceRefresh`: Graph refused the cached one). */
  getAccessToken: (options?: { forceRefresh?: boolean }) => Promise<string>;
  logger: Logger;
  /** Shared by every client of the process: caps requests per mailbox and overall. */
  limiter: RequestLimiter;
  /** Whose mailbox this client reads (the userKey): the limiter's per-mailbox key. */
  mailboxKey: string;
  retry?: Partial<RetryPolicy>;
  /**
   * Aborted when calbot stops: a wait before a retry (Retry-After, backoff) ends at once, and the call fails as after
   * its last retry (ThrottledError / GraphUnavailableError, Retry-After kept). The wait is only politeness towards
   * Graph; holding shutdown for it would outlast a container's stop grace.
   */
  stopping?: AbortSignal;
  /** For tests: the wait used between retries (rejects when `signal` aborts). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/**
 * One user's Graph client: the SDK's request builder over calbot's own middleware chain
 * (retry/throttle -> auth -> per-mailbox limiter -> fetch). Calls fail with the typed errors of graph-errors.ts.
 */
export interface GraphClient {
  /** GET a path under the Graph root ("/me") or an absolute @odata.nextLink / @odata.deltaLink as given (isGraphLink). */
  get<T>(pathOrUrl: string, headers?: Record<string, string>): Promise<T>;
  /** Whether get() follows this absolute URL: one under the configured Graph root, as Graph's own links are. */
  isGraphLink(url: string): boolean;
  /** The SDK client, for requests get() does not cover. Its errors are SDK GraphErrors: pass them to toGraphFailure. */
  readonly sdk: Client;
  readonly mailboxKey: string;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const root = new URL(options.graphUrl);
  if (root.pathname.replace(/\/+$/, '') !== '/v1.0') {
    // The SDK reads the first path segment of every URL (nextLinks included) as the API version.
    throw new Error(`graphUrl must end in exactly /v1.0, got ${options.graphUrl}`);
  }
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  // The SDK takes any string holding "https://" for an absolute URL and fetches its host, with the user's token for
  // any port of the root's host name and for every Microsoft cloud's Graph, without it elsewhere. Graph's links are
  // under the root it was called on; one that is not (a tampered stored link, a hostile answer) is not followed.
  const linkRoot = `${root.origin}/v1.0/`;
  const isGraphLink = (url: string) => url.startsWith(linkRoot);
  // A 401 asks for one fresh token (RetryMiddleware): the next token the auth handler asks for is refreshed, whoever asks.
  let refreshNext = false;
  const authProvider: AuthenticationProvider = {
    getAccessToken: () => {
      const forceRefresh = refreshNext;
      refreshNext = false;
      return options.getAccessToken(forceRefresh ? { forceRefresh } : undefined);
    },
  };
  // Every retry waiting at once listens to the one stop signal (16 rounds in a Graph outage): expected, not a leak,
  // and Node's MaxListenersExceededWarning would go to stderr, outside the structured log.
  if (options.stopping) setMaxListeners(0, options.stopping);
  const sdk = Client.initWithMiddleware({
    baseUrl: `${root.origin}/`,
    defaultVersion: 'v1.0',
    // Host names without port; without this the SDK's AuthenticationHandler drops the token for any host other
    // than graph.microsoft.com and its national clouds.
    customHosts: new Set([root.hostname]),
    middleware: [
      new RetryMiddleware(policy, options.logger, options.sleep ?? ((ms, signal) => sleep(ms, undefined, { signal })), () => (refreshNext = true), options.stopping),
      new AuthenticationHandler(authProvider),
      new LimitedFetch(options.limiter, options.mailboxKey),
    ],
  });

  return {
    sdk,
    mailboxKey: options.mailboxKey,
    isGraphLink,
    async get<T>(pathOrUrl: string, headers: Record<string, string> = {}): Promise<T> {
      if (/^[a-z][a-z\d+.-]*:|:\/\//i.test(pathOrUrl) && !isGraphLink(pathOrUrl)) {
        throw new GraphRequestError(0, 'LinkOutsideGraphRoot', `not following a link to ${originOf(pathOrUrl)}, outside ${linkRoot}`);
      }
      const call = new CallState();
      try {
        return (await sdk.api(pathOrUrl).headers(headers).middlewareOptions([call]).get()) as T;
      } catch (error) {
        // The SDK wraps whatever a middleware throws into a GraphError; the original (a ThrottledError, or the
        // token provider's own "reconnect needed" error) is kept in the call state.
        const cause = call.error ?? error;
        if (cause instanceof NoResponseError) throw new GraphUnavailableError(-1, call.lastBackoffMs, undefined, { cause });
        throw toGraphFailure(cause, call.lastBackoffMs);
      }
    },
  };
}

/** Per-call state the middlewares share with get(): reached through the SDK's MiddlewareControl. */
class CallState implements MiddlewareOptions {
  error: unknown;
  lastBackoffMs: number | undefined;
  /** A 401 was answered with a refreshed token already: a second one is the answer. */
  refreshedToken = false;
}

/** A failure to get any HTTP answer (DNS, refused, reset): retried like a 503. */
class NoResponseError extends Error {
  constructor(cause: unknown) {
    super(`no response from Graph: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'NoResponseError';
  }
}

const RETRIABLE = new Set([429, 503, 504]);
/**
 * Failures that say they are passing, retried for a GET (safe to repeat) as a 503 is: a 502 from Graph's gateway, and a
 * 500 whose code is Exchange's ErrorInternalServerTransientError. Failing the round for one left the rest of a first
 * sync, or a "sync now", to the next interval. Other 500s (generalException) may come from the data itself and are
 * left to the next round.
 */
const TRANSIENT_500_CODES = new Set(['ErrorInternalServerTransientError']);

async function isTransientGetFailure(context: Context, status: number): Promise<boolean> {
  if ((context.options?.method ?? 'GET').toUpperCase() !== 'GET') return false;
  if (status === 502) return true;
  if (status !== 500) return false;
  try {
    const body = (await context.response!.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' && TRANSIENT_500_CODES.has(body.error.code);
  } catch {
    return false; // not Graph's error JSON
  }
}

/**
 * Like the SDK's RetryHandler, but never retries before Retry-After, adds jitter, and hands a long Retry-After
 * back to the scheduler (ThrottledError) instead of holding a job for minutes.
 */
class RetryMiddleware implements Middleware {
  private next!: Middleware;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<unknown>,
    /** Makes the next token a refreshed one. */
    private readonly refreshToken: () => void,
    /** calbot is stopping: no more waiting to retry. */
    private readonly stopping: AbortSignal | undefined,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const call = context.middlewareControl?.getMiddlewareOptions(CallState) as CallState | undefined;
    const path = pathOf(context.request);
    // The auth handler appends its header: a retry from the original headers gets one fresh token, not two.
    const originalHeaders = copyHeaders(context.options?.headers);
    try {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0 && context.options) context.options.headers = copyHeaders(originalHeaders);
        let status: number;
        let retryAfterMs: number | undefined;
        let noResponse: unknown;
        try {
          await this.next.execute(context);
          status = context.response!.status;
          if (status === 401 && call && !call.refreshedToken) {
            // A token MSAL still thought good (revoked session, continuous access evaluation): once more with a
            // refreshed one. A 401 to that is final (GraphAuthError, see sync-jobs).
            call.refreshedToken = true;
            this.refreshToken();
            this.logger.info({ event: 'graph-token-refused', path, status }, 'graph: token refused, retrying with a refreshed one');
            if (context.options) context.options.headers = copyHeaders(originalHeaders);
            attempt--; // not a retry the policy counts
            continue;
          }
          if (!RETRIABLE.has(status) && !(await isTransientGetFailure(context, status))) return;
          retryAfterMs = parseRetryAfter(context.response!.headers.get('Retry-After'));
        } catch (error) {
          if (!(error instanceof NoResponseError) || attempt >= this.policy.maxRetries) throw error;
          status = -1;
          noResponse = error;
        }
        const backoffMs = Math.round(Math.random() * this.policy.baseDelayMs * 2 ** attempt);
        if (call) call.lastBackoffMs = Math.max(retryAfterMs ?? 0, this.policy.baseDelayMs * 2 ** (attempt + 1));
        if (retryAfterMs !== undefined && retryAfterMs > this.policy.maxWaitMs) {
          this.logger.warn({ event: 'graph-retry-after-too-long', path, status, retryAfterMs }, 'graph: Retry-After too long to wait in-process');
          if (status === 429) throw new ThrottledError(retryAfterMs, status);
          return; // a long 503/504: get() maps the response to GraphUnavailableError with retryAfterMs
        }
        if (attempt >= this.policy.maxRetries) return; // get() maps the final response to a typed error
        const delayMs = retryAfterMs !== undefined ? retryAfterMs + Math.round(Math.random() * this.policy.jitterMs) : backoffMs;
        if (await this.waitToRetry(delayMs, { path, status, attempt: attempt + 1 })) continue;
        // Stopping: this answer is the last, as after the last retry (the caller records its Retry-After, if any).
        if (status === -1) throw noResponse;
        return;
      }
    } catch (error) {
      if (call) call.error = error;
      throw error;
    }
  }

  /** Waits before a retry; false, at once, when calbot is stopping: the wait is only politeness towards Graph. */
  private async waitToRetry(delayMs: number, fields: Record<string, unknown>): Promise<boolean> {
    if (!this.stopping?.aborted) {
      this.logger.info({ event: 'graph-retry', ...fields, delayMs }, 'graph: retrying');
      try {
        await this.wait(delayMs, this.stopping);
        return true;
      } catch (error) {
        if (!this.stopping?.aborted) throw error;
      }
    }
    this.logger.info({ event: 'graph-retry-stopped', ...fields, delayMs }, 'graph: calbot is stopping, not waiting to retry');
    return false;
  }
}

/**
 * Holds a limiter slot for the whole exchange, body included (read here so the slot is not released while the
 * response is still streaming), then hands the SDK a buffered Response.
 */
class LimitedFetch implements Middleware {
  constructor(
    private readonly limiter: RequestLimiter,
    private readonly key: string,
  ) {}

  async execute(context: Context): Promise<void> {
    await this.limiter.run(this.key, async () => {
      let response: Response;
      let body: ArrayBuffer | null;
      try {
        response = await fetch(context.request, context.options as RequestInit);
        body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
      } catch (error) {
        throw new NoResponseError(error);
      }
      context.response = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    });
  }
}

function copyHeaders<T>(headers: T): T {
  if (headers === undefined || headers === null) return headers;
  if (headers instanceof Headers) return new Headers(headers) as T;
  if (Array.isArray(headers)) return headers.map((pair) => [...pair]) as T;
  return { ...headers };
}

/** For logs and errors: where a link points, without its path and query (a sync token). */
function originOf(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return '(unparsable url)';
  }
}

/** For logs: the path only; the query of a nextLink/deltaLink is a sync token. */
function pathOf(request: Context['request']): string {
  try {
    return new URL(typeof request === 'string' ? request : request.url).pathname;
  } catch {
    return '(unparsable url)';
  }
}
