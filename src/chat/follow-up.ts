import type { LastQuestion } from './question.js';

/** How many users' last questions one calbot keeps: the oldest goes when a new user asks past it. */
export const FOLLOW_UP_MAX_USERS = 10_000;
/** How long a last question is kept: "and friday?" an hour later is a new question, read on its own. */
export const FOLLOW_UP_TTL_MS = 15 * 60 * 1000;

/**
 * Each user's last question ("free time tomorrow"), for a follow-up ("and friday?") to ask again: in this process's
 * memory only, never the database, which every question's cost is measured in. Another calbot behind the same load
 * balancer, or a restart, does not know it: the follow-up is then read on its own (parseQuestion's followUp).
 * Bounded (least recently asked first out) and forgotten after `ttlMs`, by the clock passed in.
 */
export class LastQuestions {
  private readonly entries = new Map<string, { last: LastQuestion; at: number }>();

  constructor(
    private readonly clock: () => Date,
    private readonly maxUsers = FOLLOW_UP_MAX_USERS,
    private readonly ttlMs = FOLLOW_UP_TTL_MS,
  ) {}

  get(userKey: string): LastQuestion | undefined {
    const entry = this.entries.get(userKey);
    if (!entry) return undefined;
    if (this.clock().getTime() - entry.at >= this.ttlMs) {
      this.entries.delete(userKey);
      return undefined;
    }
    return entry.last;
  }

  set(userKey: string, last: LastQuestion): void {
    this.entries.delete(userKey); // re-inserted last: a Map iterates in insertion order, oldest first
    this.entries.set(userKey, { last, at: this.clock().getTime() });
    while (this.entries.size > this.maxUsers) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
