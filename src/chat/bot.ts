import { ActivityHandler, type Activity, type TurnContext } from 'botbuilder';
import type { Logger } from '../log.js';
import type { ChatUserDoc, Collections } from '../store/collections.js';
import { normalizeCommandText, type ChatCommand } from './chat-command.js';
import { chatUserKeyOf, rememberChatUser } from './chat-users.js';
import { asksToChangeCalendar } from './question.js';

export const WELCOME_TEXT =
  "Hi, I'm calbot. I keep an eye on your Outlook calendar and answer questions like \"what's on today\" right here. " +
  'Type "connect outlook" to start, or "help" to see everything I can do.';
/** What calbot says in a group chat or a channel, where others would read a calendar's answer or a notice. */
export const SHARED_CONVERSATION_TEXT =
  'I keep your calendar private, so I answer only in a 1:1 chat with you: open a chat with calbot and ask me there.';
/** Its welcome when it is added to a group chat or a team. */
export const SHARED_WELCOME_TEXT =
  "Hi, I'm calbot. I answer questions about your Outlook calendar in a 1:1 chat, to keep it private: open a chat with calbot to start.";
export const UNKNOWN_TEXT = 'I didn\'t catch that. Type "help" to see what I can do.';
/** "cancel my 3pm", "book a meeting with sam": calbot reads the calendar and never writes to it (Calendars.Read). */
export const CALENDAR_CHANGE_TEXT =
  'I can read your Outlook calendar, but not change it: book, move, cancel or answer meetings in Outlook or Teams, and I\'ll see the change at the next sync. Type "help" to see what I can do.';
export const GREETING_REPLY = 'Hi! Ask me "what\'s on today", "next meeting" or "am I free at 3", or type "help" to see everything I can do.';
/** A greeting from someone with no calendar linked: the questions above would only send them to connect first. */
export const GREETING_NOT_CONNECTED_REPLY =
  'Hi! Type "connect outlook" to link your Outlook calendar, then ask me "what\'s on today", "next meeting" or "am I free at 3". Type "help" to see everything I can do.';
export const THANKS_REPLY = "You're welcome!";
/** A greeting or thanks on its own ("hi", "Good morning!", "thanks calbot"): a friendly line, not "I didn't catch that". */
const GREETING_ONLY = /^(?:hi|hello|hey|hiya|heya|howdy|yo|good (?:morning|afternoon|evening|day)|morning)(?:[\s,]+(?:there|all|team|calbot))?[\s!,.]*$/;
const THANKS_ONLY = /^(?:thanks|thank you|thx|ty|cheers)(?: (?:so much|a lot|very much))?(?:[\s,]+calbot)?[\s!,.]*$/;
/**
 * Asking for the list: "help", and the ways people first ask a bot what it does ("what can you do?"). A lone "?"
 * is read before normalizing, which drops trailing punctuation.
 */
const HELP_ONLY = /^(?:help|commands|what can you do|what do you do|what can i (?:ask|say|do)(?: you| here)?)$/;
/** "help notify", "help with quiet hours", "sync status help": that command's line. */
const HELP_TOPIC = /^(?:help|usage)(?: me)?(?: (?:with|on|for|about))? (?:the )?(.+?)(?: command)?$|^(.+?) help$/;
/** "ok sync now", "hi calbot, notify off", "thanks! quiet hours off": a greeting or thanks before a command. */
const LEADING_PLEASANTRY = /^(?:(?:hi|hello|hey|ok|okay|thanks|thank you|great|cool)(?: calbot)?(?:[\s,!.:;-]+|$))+(?=\S)/;
/** No command is anywhere near this long; longer input is answered without parsing it. */
export const MAX_COMMAND_LENGTH = 1000;

export interface BotDependencies {
  collections: Collections;
  logger: Logger;
  /** Tried in order; the first whose match() returns arguments runs. */
  commands: ChatCommand<any, any>[];
  /** The user removed calbot from their personal scope (forgetOnUninstall). */
  uninstalled?: (userKey: string) => Promise<void>;
}

/**
 * A group chat, a team's channel (Teams), or any channel's group conversation: everyone there reads what calbot
 * writes, and a conversation reference taken there would send that user's change notices to all of them.
 */
export function isSharedConversation(activity: Pick<Activity, 'conversation'>): boolean {
  const conversation = activity.conversation as Partial<Activity['conversation']> | undefined;
  return conversation?.isGroup === true || conversation?.conversationType === 'groupChat' || conversation?.conversationType === 'channel';
}

/** The chat front: remember who wrote, find the command, run it. Every turn is one log line. */
export class CalbotBot extends ActivityHandler {
  constructor(private readonly deps: BotDependencies) {
    super();
    this.onMessage(async (turn, next) => {
      await this.handleMessage(turn);
      await next();
    });
    this.onInstallationUpdateRemove(async (turn, next) => {
      // "remove-upgrade" is an update of the app, not its removal; a team's or group chat's removal is not this user's.
      if (turn.activity.action === 'remove' && !isSharedConversation(turn.activity) && turn.activity.from?.id) await deps.uninstalled?.(chatUserKeyOf(turn.activity));
      await next();
    });
    this.onMembersAdded(async (turn, next) => {
      const botId = turn.activity.recipient?.id;
      if (isSharedConversation(turn.activity)) {
        // Once, when calbot itself joins; not for each person who joins later (the whole group would read it).
        if (botId && (turn.activity.membersAdded ?? []).some((member) => member.id === botId)) {
          await turn.sendActivity(SHARED_WELCOME_TEXT);
          deps.logger.info({ event: 'welcome', shared: true, channelId: turn.activity.channelId, conversationId: turn.activity.conversation?.id }, 'turn');
        }
        return next();
      }
      const newcomers = (turn.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (newcomers.length > 0) {
        if (turn.activity.from?.id && turn.activity.from.id !== botId) await rememberChatUser(deps.collections, turn.activity);
        await turn.sendActivity(WELCOME_TEXT);
        deps.logger.info({ event: 'welcome', channelId: turn.activity.channelId, conversationId: turn.activity.conversation?.id }, 'turn');
      }
      await next();
    });
  }

  helpText(): string {
    const lines = this.deps.commands.flatMap((command) => (command.help ? [helpLine(command.help)] : []));
    return ["Here's what I can do:", ...lines, '• **help**: this list ("help notify": about one command)'].join('\n\n');
  }

  /**
   * "help notify": the command the topic itself would run ("notify", "quiet hours", "timezone", "sync status"), one
   * "help" lists. Not a question: "help desk meeting tomorrow" asks about a meeting.
   */
  private helpTopic(text: string): ChatCommand<any, any> | undefined {
    const topic = HELP_TOPIC.exec(text);
    const found = topic ? this.findCommand((topic[1] ?? topic[2])!, { listed: true }) : undefined;
    return found && found.command.name !== 'ask' ? found.command : undefined;
  }

  private async handleMessage(turn: TurnContext): Promise<void> {
    const started = Date.now();
    if (isSharedConversation(turn.activity)) {
      // Nothing is read or remembered: the writer's own 1:1 chat stays where answers and change notices go.
      await turn.sendActivity(SHARED_CONVERSATION_TEXT);
      this.deps.logger.info({ event: 'message', command: 'shared-conversation', userKey: chatUserKeyOf(turn.activity), ms: Date.now() - started }, 'turn');
      return;
    }
    // Card buttons (Action.Submit) send { command } in value instead of text.
    const submitted = (turn.activity.value as { command?: unknown } | undefined)?.command;
    const raw = typeof submitted === 'string' ? submitted : turn.activity.text ?? '';
    const tooLong = raw.length > MAX_COMMAND_LENGTH;
    const text = tooLong ? '' : normalizeCommandText(raw);
    const helpOnly = !tooLong && (HELP_ONLY.test(text) || /^\s*\?+\s*$/.test(raw));
    const topic = tooLong || helpOnly ? undefined : this.helpTopic(text);
    const found = tooLong || helpOnly || topic ? undefined : this.commandAfterPleasantry(text) ?? this.findCommand(text);
    // "help me", "i need help": the whole list.
    const help = helpOnly || topic !== undefined || (!tooLong && !found && HELP_TOPIC.test(text));
    // The command's own reads go out with the chat user's: one round trip before the answer, not two.
    const [user, loaded] = await Promise.all([
      rememberChatUser(this.deps.collections, turn.activity),
      found?.command.load?.(chatUserKeyOf(turn.activity), found.args, turn),
    ]);
    let command = 'unknown';
    if (tooLong) {
      command = 'too-long';
      // Not UNKNOWN_TEXT's "I didn't catch that": it was not read at all.
      await turn.sendActivity(`That message is longer than I can read (${MAX_COMMAND_LENGTH} characters at most). Type "help" to see what I can do.`);
    } else if (help) {
      command = 'help';
      await turn.sendActivity(topic?.help ? [helpLine(topic.help), 'Type "help" to see everything I can do.'].join('\n\n') : this.helpText());
    } else if (found) {
      command = found.command.name;
      await found.command.run(turn, user, found.args, loaded);
    } else if (GREETING_ONLY.test(text) || THANKS_ONLY.test(text)) {
      command = 'greeting';
      await turn.sendActivity(GREETING_ONLY.test(text) ? ((await this.hasAccount(user)) ? GREETING_REPLY : GREETING_NOT_CONNECTED_REPLY) : THANKS_REPLY);
    } else if (asksToChangeCalendar(text, new Date(started))) {
      command = 'calendar-change';
      await turn.sendActivity(CALENDAR_CHANGE_TEXT);
    } else {
      await turn.sendActivity(UNKNOWN_TEXT);
    }
    this.deps.logger.info({ event: 'message', command, userKey: user._id, ms: Date.now() - started }, 'turn');
  }

  /** The chat user's copy of their account (answer-context.ts) when there is one, else the account itself. */
  private async hasAccount(user: ChatUserDoc): Promise<boolean> {
    if (user.answerContext?.account) return true;
    return (await this.deps.collections.accounts.findOne({ _id: user._id }, { projection: { _id: 1 } })) !== null;
  }

  /**
   * The command after a greeting or thanks: "ok sync now" was read as a question about now. Not a question: the
   * question reader takes greetings off itself, and "hi there" is a greeting, not a command.
   */
  private commandAfterPleasantry(text: string): { command: ChatCommand<any, any>; args: unknown } | undefined {
    const rest = text.replace(LEADING_PLEASANTRY, '');
    if (rest === text) return undefined;
    const found = this.findCommand(rest);
    return found && found.command.name !== 'ask' ? found : undefined;
  }

  /** `listed`: only the commands "help" lists. */
  private findCommand(text: string, { listed = false } = {}): { command: ChatCommand<any, any>; args: unknown } | undefined {
    if (!text) return undefined;
    for (const command of this.deps.commands) {
      if (listed && !command.help) continue;
      const args = command.match(text);
      if (args !== undefined) return { command, args };
    }
    return undefined;
  }
}

function helpLine(help: NonNullable<ChatCommand['help']>): string {
  return `• **${help.usage}**: ${help.description}`;
}
