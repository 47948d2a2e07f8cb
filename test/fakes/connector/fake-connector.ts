import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Bot Connector service (the serviceUrl in every activity). It records what the bot
 * sends, answers like the real service ({ id } with 200/201), and can be told to fail the next sends the way
 * Teams does: 403 (bot removed from the conversation), 404 (conversation gone), 429 with Retry-After, 500; in
 * every conversation, or in one (Teams throttles each conversation on its own).
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

export interface FakeConnector {
  /** Use as the activity's serviceUrl. */
  url: string;
  received: ReceivedActivity[];
  /** Sends answered with a failure (failNext), in the order they came. */
  refused: { conversationId: string; status: number; receivedAt: Date }[];
  /** The next `count` sends (to `conversationId` only, when given) get this answer instead of success. */
  failNext(status: number, count?: number, headers?: Record<string, string>, conversationId?: string): void;
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
    const index = failures.findIndex((f) => f.conversationId === undefined || f.conversationId === conversationId);
    const failure = index >= 0 ? failures.splice(index, 1)[0] : undefined;
    if (failure) {
      refused.push({ conversationId, status: failure.status, receivedAt: new Date() });
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ error: { code: failure.status === 403 ? 'BotNotInConversationRoster' : failure.status === 404 ? 'ConversationNotFound' : 'ServiceError', message: `fake failure ${failure.status}` } }));
      return;
    }
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
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    refused,
    failNext(status, count = 1, headers = {}, conversationId) {
      for (let i = 0; i < count; i++) failures.push({ status, headers, conversationId });
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
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}
