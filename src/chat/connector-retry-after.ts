import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectorClient } from 'botframework-connector';
import { parseRetryAfter } from '../graph/graph-errors.js';

/**
 * How long botbuilder's connector client may wait out a Retry-After in-line during a change notice's send (a
 * ConnectorSend). Its pipeline (@azure/core-rest-pipeline's default retry policy) honours a 429's or 503's Retry-After
 * whatever its length, three times: a conversation Teams throttles for two minutes held the notice pass, and every
 * user's notices behind it, for six. Longer waits are handed back to the notice sender (ConnectorRetryAfterError),
 * which reschedules and goes on with other users. Every other send (a chat turn's reply, "Connected to Outlook", the
 * reconnect card) has nobody to reschedule it, and keeps the client's own waits: late, but never lost.
 */
export const MAX_INLINE_RETRY_AFTER_MS = 5_000;

/** The connector asked calbot to wait longer than a send is held for: come back after `retryAfterMs`. */
export class ConnectorRetryAfterError extends Error {
  constructor(
    /** 429 or 503, read as the connector client's RestError is (statusOf). */
    readonly statusCode: number,
    readonly retryAfterMs: number,
  ) {
    super(`the Bot Connector answered ${statusCode} and asked to wait ${Math.ceil(retryAfterMs / 1000)} s (Retry-After)`);
    this.name = 'ConnectorRetryAfterError';
  }
}

/** The structural part of @azure/core-rest-pipeline's Pipeline this needs (calbot does not depend on it directly). */
interface PipelineLike {
  addPolicy(
    policy: { name: string; sendRequest(request: unknown, next: (request: unknown) => Promise<ResponseLike>): Promise<ResponseLike> },
    options?: { afterPhase?: 'Retry' },
  ): void;
  getOrderedPolicies(): { name: string }[];
}
interface ResponseLike {
  status: number;
  headers: { get(name: string): string | undefined };
}

const POLICY_NAME = 'calbotRetryAfterBound';

/** What is known of a send its caller gave up on (ConnectorSend.giveUp). */
export type GivenUpSend = 'delivered' | 'unknown' | 'not-delivered';

/** A send given up on: the client made no further attempt of it. */
export class ConnectorSendGivenUpError extends Error {
  constructor() {
    super('send given up before its next attempt');
    this.name = 'ConnectorSendGivenUpError';
  }
}

/**
 * A proactive send its caller may give up on before it ends (calbot stopping), and what can be known of it then.
 * Every attempt the connector client makes passes the bound policy, which records here whether one is out without
 * an answer; once given up, the client makes no further attempt. The Bot Framework has no idempotency key, so an
 * attempt out unanswered (or one whose connection failed) may have been delivered, and sent again could show twice.
 */
export class ConnectorSend {
  private unanswered = 0;
  private accepted = false;
  private givenUp = false;
  private retryAfterUntil: number | undefined;

  /** Runs `send` (the connector call) as this send. */
  run<T>(send: () => Promise<T>): Promise<T> {
    return sends.run(this, send);
  }

  /**
   * No further attempt starts. 'delivered': the connector accepted an attempt; 'not-delivered': none was sent, or
   * every one was answered with a refusal (the client may have been waiting to retry); 'unknown': one is out
   * unanswered, or failed without an answer (also when the bound policy is not in the client: nothing is known).
   */
  giveUp(): GivenUpSend {
    this.givenUp = true;
    if (this.accepted) return 'delivered';
    return this.unanswered > 0 || !policyInstalled ? 'unknown' : 'not-delivered';
  }

  /** How much longer the connector asked calbot to wait, by its last refusal's Retry-After (0: it did not ask). */
  retryAfterLeftMs(now = Date.now()): number {
    return Math.max(0, (this.retryAfterUntil ?? 0) - now);
  }

  /** @internal The bound policy, around each attempt. */
  async attempt(send: () => Promise<ResponseLike>): Promise<ResponseLike> {
    if (this.givenUp) throw new ConnectorSendGivenUpError();
    this.unanswered++;
    const response = await send(); // thrown (no answer): stays counted, it may have arrived
    this.unanswered--;
    if (response.status >= 200 && response.status < 300) this.accepted = true;
    const waitMs = retryAfterOf(response);
    if (waitMs !== undefined) this.retryAfterUntil = Date.now() + waitMs;
    return response;
  }
}

const sends = new AsyncLocalStorage<ConnectorSend>();
/** Whether any connector client got the bound policy: without it, a ConnectorSend sees no attempt. */
let policyInstalled = false;

/**
 * Bounds the client's in-line waits at `maxInlineMs` for sends run as a ConnectorSend. botbuilder offers no way to: ServiceClientContext passes no
 * retry options to its core-client ServiceClient and ignores noRetryPolicy (botbuilder-js 4.23.3 and main), and a
 * requestPolicyFactories policy runs outside the retry loop, after the waits. So a policy goes into the client's own
 * pipeline (a private field) after the Retry phase, where it sees each attempt's answer before the retry policy
 * does: a longer wait is thrown as ConnectorRetryAfterError, which the retry policy passes on at once (it retries
 * only RestErrors). The same policy tells a ConnectorSend about each attempt. Should an upgrade move the pipeline,
 * the client is returned as it was (and test/notices/notices-throttled-e2e.test.ts fails).
 */
export function boundConnectorRetryAfter(client: ConnectorClient, maxInlineMs = MAX_INLINE_RETRY_AFTER_MS): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: PipelineLike } }).client?.pipeline;
  if (typeof pipeline?.addPolicy !== 'function' || pipeline.getOrderedPolicies().some((policy) => policy.name === POLICY_NAME)) return client;
  pipeline.addPolicy(
    {
      name: POLICY_NAME,
      async sendRequest(request, next) {
        const send = sends.getStore();
        if (!send) return next(request);
        const response = await send.attempt(() => next(request));
        const waitMs = retryAfterOf(response);
        if (waitMs !== undefined && waitMs > maxInlineMs) throw new ConnectorRetryAfterError(response.status, waitMs);
        return response;
      },
    },
    { afterPhase: 'Retry' },
  );
  policyInstalled = true;
  return client;
}

/**
 * How long the connector asked calbot to wait before writing to the conversation again, if it did: a
 * ConnectorRetryAfterError's wait, or the Retry-After of the 429/503 the client gave up on after its retries.
 */
export function connectorRetryAfterMs(error: unknown): number | undefined {
  if (error instanceof ConnectorRetryAfterError) return error.retryAfterMs;
  const response = (error as { response?: Partial<ResponseLike> } | null)?.response;
  return typeof response?.status === 'number' && typeof response.headers?.get === 'function' ? retryAfterOf(response as ResponseLike) : undefined;
}

/** A 429's or 503's wait, read from the headers the client's throttling strategy reads, in its order. */
function retryAfterOf(response: ResponseLike): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = response.headers.get(header)?.trim();
    if (value && /^\d+$/.test(value)) return Number(value);
  }
  return parseRetryAfter(response.headers.get('retry-after'));
}
