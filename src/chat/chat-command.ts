import type { TurnContext } from 'botbuilder';
import type { ChatUserDoc } from '../store/collections.js';

/**
 * One thing a user can type. Each capability (connect, sync, ask, notices) exports its commands; the bot tries
 * them in order. `match` is pure (text in, arguments or undefined out) so it is table-tested on its own.
 */
export interface ChatCommand<Args = unknown, Loaded = undefined> {
  name: string;
  /** Line shown by "help"; commands without one are not listed. */
  help?: { usage: string; description: string };
  match(text: string): Args | undefined;
  /**
   * What the command reads about the user before it can answer, started beside the bot's own read of the chat
   * user: the turn waits for one database round trip instead of two in a row.
   */
  load?(userKey: string, args: Args, turn: TurnContext): Promise<Loaded>;
  run(turn: TurnContext, user: ChatUserDoc, args: Args, loaded: Loaded): Promise<void>;
}

export function defineCommand<Args, Loaded = undefined>(command: ChatCommand<Args, Loaded>): ChatCommand<Args, Loaded> {
  return command;
}

/**
 * What the user typed, ready to match: Teams wraps mentions in <at>...</at> and may send HTML; users add
 * punctuation, curly apostrophes and extra spaces, address the bot by name ("calbot, sync now") and say please
 * ("sync now please"). Case is folded.
 */
export function normalizeCommandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    // "sync now 🙂", "sync now…": what follows the words is no part of them.
    .replace(/(?:\s*(?:\p{Extended_Pictographic}|\uFE0F|[.!?…]|[:;]-?[)(dDpP]))+$/u, '')
    .trim()
    .toLowerCase()
    .replace(/^@?calbot\b[\s,:;-]*(?=\S)/, '')
    .replace(/^(?:please|pls|plz)\b[\s,]*(?=\S)/, '')
    .replace(/[\s,]+(?:please|pls|plz)$/, '')
    .replace(/[.!?]+$/, '')
    .trim();
}
