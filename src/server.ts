import restify from 'restify';
import type { Activity, ActivityHandler } from 'botbuilder';
import { connectorOutputOf, isRefusedToken, type CalbotAdapter } from './chat/adapter.js';
import { parseInboundActivity } from './chat/inbound-activity.js';
import { REDIRECT_PATH } from './config.js';
import type { Logger } from './log.js';
import { POLICY_PAGES, renderPolicyPage, type PolicyPath } from './manifest/policy-pages.js';

/** What the browser sees after Microsoft sends it back to calbot: a small HTML page, its status and headers. */
export interface RedirectPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}
/** The redirect's query: each key's value, or null for a key given more than once or as a structure (`a[b]=c`). */
export type RedirectHandler = (query: Record<string, string | null>) => Promise<RedirectPage>;

export interface ServerDependencies {
  adapter: CalbotAdapter;
  bot: ActivityHandler;
  logger: Logger;
  /** Database reachability for /healthz. */
  ping: () => Promise<boolean>;
  /** Handles GET /microsoft_account/authentication (the OAuth redirect URI). */
  completeSignIn: RedirectHandler;
}

export interface CalbotServer {
  server: restify.Server;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, then waits (up to `graceMs`) for requests and turns in flight. */
  close(graceMs?: number): Promise<void>;
}

/** A JWT (three base64url parts, the first a JSON header): error messages come from libraries, so none is trusted to leave tokens out. */
const JWT = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;
const withoutTokens = (text: string) => text.replace(JWT, '[token]');

/**
 * 401 for a token botbuilder refused; 500 for anything else: the token could not be checked (its keys unreadable),
 * or the turn could not be set up. A turn's own errors never get here: onTurnError logs them and apologises (200).
 */
function answerFailedActivity(logger: Logger, req: restify.Request, res: restify.Response, activity: Activity, error: unknown): void {
  const printed = connectorOutputOf(error).map(withoutTokens);
  const context = { method: req.method, path: req.getPath(), activityId: activity.id, channelId: activity.channelId, ...(printed.length > 0 ? { connectorOutput: printed } : {}) };
  if (isRefusedToken(error)) {
    logger.warn({ event: 'request-rejected', ...context, status: 401, error: 'Unauthorized', message: withoutTokens(error.message) }, 'request rejected');
    res.send(401, { error: 'unauthorized: a valid Bot Framework token is required' });
    return;
  }
  const failure = error instanceof Error ? error : new Error(String(error));
  logger.error({ event: 'request-failed', ...context, status: 500, err: { name: failure.name, message: withoutTokens(failure.message), stack: withoutTokens(failure.stack ?? '') } }, 'request failed');
  if (!res.headersSent) res.send(500, { error: 'internal error' });
}

/** Thin routes: /api/messages, the OAuth redirect, /healthz and the pages the Teams package links to (website, privacy, terms). Decisions live in chat/ and auth/. */
export function createServer(deps: ServerDependencies): CalbotServer {
  const server = restify.createServer({ name: 'calbot', handleUncaughtExceptions: false });
  let inFlight = 0;
  let drained: (() => void) | undefined;

  server.pre((req, res, next) => {
    inFlight++;
    const started = Date.now();
    let ended = false;
    // 'finish' when the response went out; 'close' alone when the client went away first (a browser closed
    // during the redirect): either way the request is over, once.
    const end = () => {
      if (ended) return;
      ended = true;
      inFlight--;
      if (inFlight === 0) drained?.();
      const aborted = !res.writableFinished;
      deps.logger.info({ event: 'request', method: req.method, path: req.getPath(), status: res.statusCode, ms: Date.now() - started, ...(aborted ? { aborted } : {}) }, 'request');
    };
    res.once('finish', end);
    res.once('close', end);
    // restify inflates gzip and deflate bodies through a stream with no error handler (a body that is not gzip
    // throws out of the process), and counts maxBodySize before inflating (a small bomb inflates to gigabytes).
    // The Bot Framework and browsers send plain bodies; anything else is refused before it is read.
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === 'identity') delete req.headers['content-encoding']; // plain, said out loud (restify refuses it)
    else if (encoding !== undefined) {
      deps.logger.warn({ event: 'request-rejected', method: req.method, path: req.getPath(), error: 'UnsupportedMediaType', message: 'compressed request body' }, 'request rejected');
      res.send(415, { error: 'compressed request bodies are not accepted' });
      return next(false);
    }
    return next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));

  // Every refusal and failure gets its status, a body saying what it is and one log line with the reason; the
  // token and the Authorization header never appear in either.
  server.post('/api/messages', async (req, res) => {
    const inbound = parseInboundActivity(req.body);
    if ('problem' in inbound) {
      deps.logger.warn({ event: 'request-rejected', method: req.method, path: req.getPath(), status: 400, error: 'BadRequest', message: `not a Bot Framework activity: ${inbound.problem}` }, 'request rejected');
      res.send(400, { error: `expected a Bot Framework activity (${inbound.problem})` });
      return;
    }
    const { activity } = inbound;
    try {
      const answer = await deps.adapter.handleActivity(req.headers.authorization ?? '', activity, (turn) => deps.bot.run(turn));
      // As CloudAdapter.process answered: no body at all for none or an empty one (null, '', 0, false), with
      // Content-Length 0 (restify's send without a body flushes its headers first and answers chunked).
      if (answer?.body) res.send(answer.status ?? 200, answer.body);
      else {
        res.statusCode = answer?.status ?? 200;
        res.end();
      }
    } catch (error) {
      answerFailedActivity(deps.logger, req, res, activity, error);
    }
  });

  server.get(REDIRECT_PATH, async (req, res) => {
    // Microsoft sends each key once. A repeated one (restify's parser makes it an array) is a tampered request, not
    // an absent key: `error` twice beside a code must refuse the sign-in, not redeem the code as if no error came.
    const query = Object.fromEntries(Object.entries((req.query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : null]));
    const page = await deps.completeSignIn(query);
    res.writeHead(page.status, page.headers);
    res.end(page.body);
  });

  // The Teams app package links to these; Teams shows the links on the app's page.
  for (const path of Object.keys(POLICY_PAGES) as PolicyPath[]) {
    server.get(path, async (_req, res) => {
      const page = renderPolicyPage(path);
      res.writeHead(page.status, page.headers);
      res.end(page.body);
    });
  }

  // Browsers ask for it with every page calbot serves (/, /privacy, /terms, the sign-in result): no icon, and no
  // request-rejected warning each time, which would read as an attack in the log.
  server.get('/favicon.ico', async (_req, res) => {
    res.statusCode = 204;
    res.end();
  });

  server.get('/healthz', async (_req, res) => {
    const database = await deps.ping();
    res.send(database ? 200 : 503, { status: database ? 'ok' : 'unavailable', database: database ? 'up' : 'down' });
  });

  server.on('restifyError', (req, _res, error, callback) => {
    // Malformed JSON, oversized bodies, unknown routes: restify answers 4xx; the process keeps serving.
    deps.logger.warn({ event: 'request-rejected', method: req.method, path: req.getPath(), error: error.name, message: error.message }, 'request rejected');
    return callback();
  });
  server.on('uncaughtException', (_req, res, _route, error) => {
    deps.logger.error({ event: 'request-failed', err: error }, 'request handler failed');
    if (!res.headersSent) res.send(500, { error: 'internal error' });
  });

  return {
    server,
    listen: (port, host = '0.0.0.0') =>
      new Promise((done, fail) => {
        server.once('error', fail);
        server.listen(port, host, () => done((server.address() as { port: number }).port));
      }),
    close: async (graceMs = 10_000) => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      if (inFlight > 0) {
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((done) => (drained = done)), new Promise((done) => (grace = setTimeout(done, graceMs)))]);
        clearTimeout(grace); // drained first: the grace timer must not hold the process open
      }
      server.server.closeAllConnections?.();
      await closed;
    },
  };
}
