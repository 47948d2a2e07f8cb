import { ActivityHandler, type TurnContext } from 'botbuilder';
import type { Logger } from '../log.js';
import type { Collections } from '../store/collections.js';
import { normalizeCommandText, type ChatCommand } from './chat-command.js';
import { rememberChatUser } from './chat-users.js';

export const WELCOME_TEXT =
  "Hi, I'm calbot. I keep an eye on your Outlook calendar and answer questions like \"what's on today\" right here. " +
  'Type "connect outlook" to start, or "help" to see everything I can do.';
export const UNKNOWN_TEXT = 'I didn\'t catch that. Type "help" to see what I can do.';
/** No command is anywhere near this long; longer input is answered without parsing it. */
export const MAX_COMMAND_LENGTH = 1000;

export interface BotDependencies {
  collections: Collections;
  logger: Logger;
  /** Tried in order; the first whose match() returns arguments runs. */
  commands: ChatCommand<any>[];
}

/** The chat front: remember who wrote, find the command, run it. Every turn is one log line. */
export class CalbotBot extends ActivityHandler {
  constructor(private readonly deps: BotDependencies) {
    super();
    this.onMessage(async (turn, next) => {
      await this.handleMessage(turn);
      await next();
    });
    this.onMembersAdded(async (turn, next) => {
      const botId = turn.activity.recipient?.id;
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
    const lines = this.deps.commands.flatMap((command) => (command.help ? [`• **${command.help.usage}**: ${command.help.description}`] : []));
    return ["Here's what I can do:", ...lines, '• **help**: this list'].join('\n\n');
  }

  private async handleMessage(turn: TurnContext): Promise<void> {
    const started = Date.now();
    const user = await rememberChatUser(this.deps.collections, turn.activity);
    // Card buttons (Action.Submit) send { command } in value instead of text.
    const submitted = (turn.activity.value as { command?: unknown } | undefined)?.command;
    const raw = typeof submitted === 'string' ? submitted : turn.activity.text ?? '';
    let command = 'unknown';
    if (raw.length > MAX_COMMAND_LENGTH) {
      command = 'too-long';
      await turn.sendActivity(`That message is longer than I can read (${MAX_COMMAND_LENGTH} characters at most). ${UNKNOWN_TEXT}`);
    } else {
      const text = normalizeCommandText(raw);
      if (text === 'help' || text === '?' || text === 'commands') {
        command = 'help';
        await turn.sendActivity(this.helpText());
      } else {
        const found = this.findCommand(text);
        if (found) {
          command = found.command.name;
          await found.command.run(turn, user, found.args);
        } else {
          await turn.sendActivity(UNKNOWN_TEXT);
        }
      }
    }
    this.deps.logger.info({ event: 'message', command, userKey: user._id, ms: Date.now() - started }, 'turn');
  }

  private findCommand(text: string): { command: ChatCommand<any>; args: unknown } | undefined {
    if (!text) return undefined;
    for (const command of this.deps.commands) {
      const args = command.match(text);
      if (args !== undefined) return { command, args };
    }
    return undefined;
  }
}
