import { FOLLOW_UP_TTL_MS, LastQuestions } from '../../src/chat/follow-up.js';

describe('LastQuestions', () => {
  it('keeps each user\'s own last question, forgotten after 15 minutes by the clock passed in', () => {
    let now = new Date('2026-11-26T10:00:00Z');
    const last = new LastQuestions(() => now);
    last.set('a', { kind: 'free-slots', day: '2026-11-27' });
    last.set('b', { kind: 'agenda', day: '2026-11-26' });
    expect(last.get('a')).toEqual({ kind: 'free-slots', day: '2026-11-27' });
    expect(last.get('b')).toEqual({ kind: 'agenda', day: '2026-11-26' });
    expect(last.get('c')).toBeUndefined();
    now = new Date(now.getTime() + FOLLOW_UP_TTL_MS - 1);
    expect(last.get('a')).toBeDefined();
    now = new Date(now.getTime() + 1);
    expect(last.get('a')).toBeUndefined();
    expect(last.size).toBe(1); // forgotten, not only hidden
  });

  it('holds at most its bound of users, the one who asked longest ago going first', () => {
    const last = new LastQuestions(() => new Date('2026-11-26T10:00:00Z'), 3);
    for (const user of ['a', 'b', 'c']) last.set(user, { kind: 'now' });
    last.set('a', { kind: 'next' }); // asked again: the newest
    last.set('d', { kind: 'now' });
    expect(last.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((user) => last.get(user)?.kind)).toEqual(['next', undefined, 'now', 'now']);
  });
});
