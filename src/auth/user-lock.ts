/**
 * Runs token work for one user strictly one after another. MSAL's silent calls for one account race (msal-js issue
 * 7909) and every refresh rotates the refresh token: two parallel refreshes would both read the same cache document
 * and the second would present a token the first already spent. Different users run in parallel.
 */
export interface UserLocks {
  run<T>(userKey: string, work: () => Promise<T>): Promise<T>;
  /** Users with work queued or running (for tests and metrics). */
  readonly size: number;
}

export function createUserLocks(): UserLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(userKey: string, work: () => Promise<T>): Promise<T> {
      const previous = tails.get(userKey) ?? Promise.resolve();
      const result = previous.then(work, work);
      const tail = result.catch(() => undefined);
      tails.set(userKey, tail);
      void tail.then(() => {
        if (tails.get(userKey) === tail) tails.delete(userKey);
      });
      return result;
    },
    get size() {
      return tails.size;
    },
  };
}
