import { defineCommand, type ChatCommand } from '../chat/chat-command.js';
import { clockTime } from '../chat/date-text.js';
import { readUserClock } from '../chat/chat-users.js';
import type { Logger } from '../log.js';
import type { ChatUserDoc, Collections } from '../store/collections.js';
import type { NoticeService } from './notice-service.js';
import { BadQuietHoursInput, parseQuietHours, type QuietHours } from './quiet-hours.js';

export interface NotifyCommandDependencies {
  collections: Collections;
  notices: NoticeService;
  logger: Logger;
  horizonDays: number;
}

export type NotifyArgs = { enabled: boolean } | { show: true } | { bad: string };
export type QuietHoursArgs = { set: QuietHours } | { off: true } | { show: true } | { bad: BadQuietHoursInput };

const NOTIFY = /^(?:turn |switch )?(?:notify|notifications?|notices?|change notices)(?:\s*[:=]?\s+|\s*[:=]\s*|$)(.*)$/;
const TURN = /^(?:turn|switch) (on|off) (?:notify|notifications?|notices?|change notices)$/;
/** "stop notifications", "mute notices", "enable change notices". */
const VERB = /^(stop|mute|pause|disable|silence|start|unmute|resume|enable) (?:the |my |all )?(?:notify|notifications?|notices?|change notices)$/;
const ON = /^(?:on|enabled?|yes|true|start|resume|unmute)$/;
const OFF = /^(?:off|disabled?|no|false|stop|pause|mute)$/;
// "set quiet hours to 22-7", "change my quiet hours to ...": the command, not a question about 22:00 to 07:00.
const QUIET = /^(?:(?:set|change|update|make) (?:my )?)?quiet(?: ?hours?)?\b\s*[:=]?\s*(?:(?:are|is|from|to)\s+)?(.*)$/;
/** "turn off quiet hours", "stop quiet hours"; "turn on quiet hours" asks for the hours. */
const QUIET_VERB = /^(?:(turn off|switch off|stop|remove|clear|disable|delete|cancel|no)|(turn on|switch on|enable|start|set)) (?:my |the )?quiet(?: ?hours?)$/;

/**
 * "notify off", "notifications on", "turn off notifications", "stop notifications", "notify" (shows the setting).
 * Any other word after it ("notify maybe", "notify: offf") is this command said wrong: it gets how to say it, not
 * "I didn't catch that". "notify me about ..." is a reminder, which calbot does not set: not this command.
 */
export function matchNotify(text: string): NotifyArgs | undefined {
  const turn = TURN.exec(text);
  if (turn) return { enabled: turn[1] === 'on' };
  const verb = VERB.exec(text);
  if (verb) return { enabled: /^(?:start|unmute|resume|enable)$/.test(verb[1]!) };
  const match = NOTIFY.exec(text);
  if (!match) return undefined;
  const value = (match[1] ?? '').trim();
  if (value === '' || value === 'status') return { show: true };
  if (ON.test(value)) return { enabled: true };
  if (OFF.test(value)) return { enabled: false };
  if (/^me\b./.test(value)) return undefined;
  return { bad: value };
}

/** "quiet hours 22:00-07:00", "quiet hours off", "quiet hours" (shows the setting), "set quiet hours to 22-7". */
export function matchQuietHours(text: string): QuietHoursArgs | undefined {
  const verb = QUIET_VERB.exec(text);
  if (verb) return verb[1] ? { off: true } : { show: true };
  const match = QUIET.exec(text);
  if (!match) return undefined;
  const value = (match[1] ?? '').trim();
  if (value === '' || value === 'status') return { show: true };
  if (/^(off|none|no|clear|disable|disabled|stop)$/.test(value)) return { off: true };
  const parsed = parseQuietHours(value);
  return parsed instanceof BadQuietHoursInput ? { bad: parsed } : { set: parsed };
}

/** "notify on|off" and "quiet hours ...": preferences on ChatUserDoc.notify (absent = on, no quiet hours). */
export function notifyCommands(deps: NotifyCommandDependencies): ChatCommand<any, any>[] {
  const { collections, notices, logger } = deps;
  /** The user's zone, and how they read times (Outlook's timeFormat): quiet hours are shown on that clock. */
  const zoneOf = async (user: ChatUserDoc) => {
    const { zone, clock } = await readUserClock(collections, user._id, user);
    // Quiet hours are kept as "HH:mm".
    const time = (hhmm: string) => clockTime({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }, clock);
    return { zone, time };
  };
  type UserClock = Awaited<ReturnType<typeof zoneOf>>;
  /** No calendar linked: the setting is kept, but nothing will be told until one is (the chat user's copy says, else the account). */
  const notConnected = async (user: ChatUserDoc) =>
    user.answerContext ? !user.answerContext.account : (await collections.accounts.findOne({ _id: user._id }, { projection: { _id: 1 } })) === null;
  const CONNECT_FIRST = ' Say "connect outlook" first, so that I can see your calendar.';
  const quietText = (quiet: QuietHours | undefined, { zone, time }: UserClock) => (quiet ? `Quiet hours: ${time(quiet.start)}–${time(quiet.end)} (${zone}).` : 'No quiet hours.');

  return [
    defineCommand<NotifyArgs>({
      name: 'notify',
      help: { usage: 'notify on / notify off', description: `tell me here when a meeting in the next ${deps.horizonDays} days is added, moved, changed or cancelled (on by default)` },
      match: matchNotify,
      async run(turn, user, args) {
        if ('bad' in args) {
          await turn.sendActivity({ text: 'I can only turn change notices on or off: say "notify on" or "notify off" ("notify" alone says which it is).', textFormat: 'plain' });
          return;
        }
        if ('show' in args) {
          const on = user.notify?.enabled !== false;
          await turn.sendActivity(`Change notices are ${on ? 'on' : 'off'}. ${quietText(user.notify?.quietHours, await zoneOf(user))} Say "notify ${on ? 'off' : 'on'}" to change it.`);
          return;
        }
        await collections.chatUsers.updateOne({ _id: user._id }, { $set: { 'notify.enabled': args.enabled } });
        logger.info({ event: 'notify-set', userKey: user._id, enabled: args.enabled }, 'notice preference changed');
        await turn.sendActivity(
          args.enabled
            ? `Change notices are on: I'll tell you here when a meeting in the next ${deps.horizonDays} days is added, moved, changed or cancelled.${(await notConnected(user)) ? CONNECT_FIRST : ''}`
            : 'Change notices are off. Say "notify on" to get them again.',
        );
      },
    }),
    defineCommand<QuietHoursArgs>({
      name: 'quiet-hours',
      help: { usage: 'quiet hours 22:00-07:00', description: 'hold notices during those hours and send one summary when they end ("quiet hours off" to stop)' },
      match: matchQuietHours,
      async run(turn, user, args) {
        const here = await zoneOf(user);
        if ('bad' in args) {
          await turn.sendActivity(args.bad.message);
        } else if ('show' in args) {
          await turn.sendActivity(`${quietText(user.notify?.quietHours, here)} Set them with "quiet hours 22:00-07:00", remove them with "quiet hours off".`);
        } else if ('off' in args) {
          await collections.chatUsers.updateOne({ _id: user._id }, { $unset: { 'notify.quietHours': '' } });
          logger.info({ event: 'quiet-hours-set', userKey: user._id, quietHours: null }, 'quiet hours removed');
          await turn.sendActivity('Quiet hours off: notices arrive as they happen.');
          await notices.releaseHeld(user._id);
        } else {
          await collections.chatUsers.updateOne({ _id: user._id }, { $set: { 'notify.quietHours': args.set } });
          logger.info({ event: 'quiet-hours-set', userKey: user._id, quietHours: args.set }, 'quiet hours set');
          await turn.sendActivity(
            `Quiet hours set: ${here.time(args.set.start)}–${here.time(args.set.end)} (${here.zone}). Notices that come in then wait and arrive as one summary at ${here.time(args.set.end)}.` +
              (user.notify?.enabled === false ? ' Change notices are off right now; say "notify on" to get them.' : (await notConnected(user)) ? CONNECT_FIRST : ''),
          );
        }
      },
    }),
  ];
}
