import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Bot Connector service (the serviceUrl in every activity). It records what the bot
 * sends, answers like the real service ({ id } with 200/201), and can be told to fail the next sends the way
 * Teams does: 403 (bot removed from the conversation), 404 (conversation gone), 429 with Retry-After, 500; in
 * every conversation, or in one (Teams throttles each conversation on its own). It can hold a send unanswered
 * until the test releases it, and enforce Teams' per-conversation limits by itself (limitConversations).
 */
export interface ReceivedActivity {
  conversationId: string;
  replyToId?: string;
  activity: {
    type: string;
    text?: string;
    attachments?: { contentType: string; content: any }[];
    [key: string]: any;
  };
  authorization?: string;
  receivedAt: Date;
}

/**
 * Teams' "per bot per thread" limits for Send to Conversation (learn.microsoft.com, "Optimize your bot with rate
 * limiting in Teams"): at most this many sends to one conversation within any window this long. Written out here
 * from Microsoft's table, not taken from calbot, so that a wrong constant in calbot fails the tests.
 */
export const TEAMS_SEND_TO_CONVERSATION_LIMITS: readonly { count: number; windowMs: number }[] = [
  { count: 7, windowMs: 1_000 },
  { count: 8, windowMs: 2_000 },
  { count: 60, windowMs: 30_000 },
  { count: 1_800, windowMs: 3_600_000 },
];

export interface FakeConnector {
  /** Use as the activity's serviceUrl. */
  url: string;
  received: ReceivedActivity[];
  /** Sends answered with a failure (failNext), in the order they came. */
  refused: { conversationId: string; status: number; receivedAt: Date }[];
  /** The next `count` sends (to `conversationId` only, when given) get this answer instead of success. */
  failNext(status: number, count?: number, headers?: Record<string, string>, conversationId?: string): void;
  /**
   * The next send (to `conversationId` only, when given) gets no answer until release(): a send under way for as
   * long as a test needs, with no clock involved. `held` resolves once it is waiting. Released, it is answered as
   * any other (failNext and the limits apply then).
   */
  holdNext(conversationId?: string): { held: Promise<void>; release(): void };
  /**
   * From now on every conversation gets at most `limits` (Teams' by default): a send beyond any of them is answered
   * 429 with Retry-After (whole seconds until it would fit) and the Bot Connector's error body, as Teams answers a
   * bot over its per-conversation limit. Replies and proactive sends count alike (both are sends to the
   * conversation); refused sends do not. An empty list switches the limits off.
   */
  limitConversations(limits?: readonly { count: number; windowMs: number }[]): void;
  /** Resolves once `count` activities satisfying `predicate` have arrived (default: any). */
  waitFor(count: number, predicate?: (received: ReceivedActivity) => boolean, timeoutMs?: number): Promise<ReceivedActivity[]>;
  messages(conversationId?: string): ReceivedActivity[];
  clear(): void;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const received: ReceivedActivity[] = [];
  const refused: FakeConnector['refused'] = [];
  const failures: { status: number; headers: Record<string, string>; conversationId?: string }[] = [];
  const waiters = new Set<() => void>();
  const holds: { conversationId?: string; holding(): void; released: Promise<void> }[] = [];
  let limits: readonly { count: number; windowMs: number }[] | undefined;
  /** When each conversation's accepted sends were answered, for the limits. */
  const accepted = new Map<string, number[]>();
  let nextId = 1;

  const server: Server = createServer(async (req, res) => {
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?\/?(?:\?.*)?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      // No chaining: restify (loaded in the same test process) patches writeHead so it no longer returns `this`.
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: 'Unknown route' } }));
      return;
    }
    const body = await readJson(req);
    const conversationId = decodeURIComponent(match[1]!);
    const holdIndex = holds.findIndex((hold) => hold.conversationId === undefined || hold.conversationId === conversationId);
    if (holdIndex >= 0) {
      const [hold] = holds.splice(holdIndex, 1);
      hold!.holding();
      await hold!.released;
    }
    const index = failures.findIndex((f) => f.conversationId === undefined || f.conversationId === conversationId);
    const failure = index >= 0 ? failures.splice(index, 1)[0] : undefined;
    if (failure) {
      refused.push({ conversationId, status: failure.status, receivedAt: new Date() });
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ error: { code: failure.status === 403 ? 'BotNotInConversationRoster' : failure.status === 404 ? 'ConversationNotFound' : 'ServiceError', message: `fake failure ${failure.status}` } }));
      return;
    }
    const waitMs = limits ? overLimitMs(conversationId, Date.now()) : 0;
    if (waitMs > 0) {
      refused.push({ conversationId, status: 429, receivedAt: new Date() });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil(waitMs / 1000)) });
      // The code and message Teams documents for a bot over its limits ("Status codes from bots conversational APIs").
      res.end(JSON.stringify({ error: { code: 'Throttled', message: 'Too many requests.' } }));
      return;
    }
    if (limits) accepted.set(conversationId, [...(accepted.get(conversationId) ?? []), Date.now()]);
    received.push({
      conversationId,
      replyToId: match[2] ? decodeURIComponent(match[2]) : undefined,
      activity: body,
      authorization: req.headers.authorization,
      receivedAt: new Date(),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `activity-${nextId++}` }));
    for (const wake of waiters) wake();
  });
  /** How long until one more send to the conversation is within every limit (0: now). */
  const overLimitMs = (conversationId: string, now: number): number => {
    const times = accepted.get(conversationId) ?? [];
    let wait = 0;
    for (const { count, windowMs } of limits ?? []) {
      const inWindow = times.filter((at) => at > now - windowMs);
      if (inWindow.length >= count) wait = Math.max(wait, inWindow[inWindow.length - count]! + windowMs - now);
    }
    return wait;
  };
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    refused,
    failNext(status, count = 1, headers = {}, conversationId) {
      for (let i = 0; i < count; i++) failures.push({ status, headers, conversationId });
    },
    holdNext(conversationId) {
      let holding!: () => void;
      let release!: () => void;
      const held = new Promise<void>((done) => (holding = done));
      const released = new Promise<void>((done) => (release = done));
      const hold = { ...(conversationId ? { conversationId } : {}), holding, released };
      holds.push(hold);
      return {
        held,
        release() {
          const waiting = holds.indexOf(hold);
          if (waiting >= 0) holds.splice(waiting, 1); // never reached: nothing to hold any more
          release();
        },
      };
    },
    limitConversations(next = TEAMS_SEND_TO_CONVERSATION_LIMITS) {
      limits = next.length > 0 ? next : undefined;
      accepted.clear();
    },
    waitFor(count, predicate = () => true, timeoutMs = 10_000) {
      return new Promise((done, fail) => {
        const check = () => {
          const matching = received.filter(predicate);
          if (matching.length >= count) {
            cleanup();
            done(matching);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          fail(new Error(`fake connector: expected ${count} matching activities, got ${received.filter(predicate).length}: ${JSON.stringify(received.map((r) => r.activity.text ?? r.activity.type))}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    messages(conversationId) {
      return received.filter((r) => r.activity.type === 'message' && (!conversationId || r.conversationId === conversationId));
    },
    clear() {
      received.length = 0;
      refused.length = 0;
      failures.length = 0;
      accepted.clear();
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections(); // a send still held (its test failed) must not keep the fake open
      }),
  };
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}
