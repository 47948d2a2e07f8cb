/**
 * Teams' per-conversation limits for bot messages: 7 / 1 s, 8 / 2 s, 60 / 30 s, 1,800 / hour. A sliding log of
 * send times per conversation says how long to wait before the next send stays within every window. A send is
 * recorded when the connector answered it (it arrived before that), so the next one, started a window later,
 * arrives a window later too. In-process, and notices only (a turn's replies in the conversation are not seen
 * here): batching keeps counts far below these limits, so this is the guard, not the plan.
 */
export const TEAMS_CONVERSATION_LIMITS: readonly { count: number; windowMs: number }[] = [
  { count: 7, windowMs: 1_000 },
  { count: 8, windowMs: 2_000 },
  { count: 60, windowMs: 30_000 },
  { count: 1_800, windowMs: 3_600_000 },
];

export class ConversationRateLimit {
  private readonly sent = new Map<string, number[]>();
  private readonly longestWindow: number;

  constructor(private readonly limits = TEAMS_CONVERSATION_LIMITS) {
    this.longestWindow = Math.max(...limits.map((limit) => limit.windowMs));
  }

  /** Milliseconds to wait, from `now`, before one more message to `conversation` is within every limit. */
  delayMs(conversation: string, now: number): number {
    const times = this.prune(conversation, now);
    let wait = 0;
    for (const { count, windowMs } of this.limits) {
      // The count-th most recent send must have left the window.
      const blocking = times[times.length - count];
      if (blocking !== undefined) wait = Math.max(wait, blocking + windowMs - now);
    }
    return wait;
  }

  /** A send to `conversation` was answered at `now`. */
  record(conversation: string, now: number): void {
    const times = this.prune(conversation, now);
    times.push(now);
    this.sent.set(conversation, times);
    // Conversations not written to for an hour are forgotten, so the map does not grow with every user ever seen.
    if (this.sent.size > 1_000) for (const key of [...this.sent.keys()]) this.prune(key, now);
  }

  private prune(conversation: string, now: number): number[] {
    const times = (this.sent.get(conversation) ?? []).filter((at) => at > now - this.longestWindow);
    if (times.length === 0) this.sent.delete(conversation);
    else this.sent.set(conversation, times);
    return times;
  }
}
