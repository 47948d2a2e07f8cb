import type { Activity } from 'botbuilder';
import { z } from 'zod';

/**
 * The activities /api/messages accepts. botbuilder checks only that the body is an object with a type, and
 * calbot's turn reads what the Bot Framework's Activity schema promises: `"from": "x"` ran a turn for a user with
 * no ID (every such request the same one, "msteams:unknown"), `"conversation": []` a turn whose replies could go
 * nowhere (answered 200), `"serviceUrl": 42` a TypeError (answered 500, printed to stderr). So the fields botbuilder
 * and calbot read must have their schema's types; the rest, and whatever a channel adds, pass through untouched.
 * Optional fields may be null, as some channels send them. Required is only what calbot cannot do without (the
 * sender's ID, the conversation, the channel, where replies go): real senders leave out the rest, and botbuilder
 * ran their turns. Copilot Studio and skill hosts send no recipient, the Emulator may name its bot without an ID,
 * an entity or attachment may lack its type, a Direct Line client may send any channelData.
 */
const optional = <T extends z.ZodType>(type: T) => type.nullish();

const accountFields = { name: optional(z.string()), aadObjectId: optional(z.string()), role: optional(z.string()) };
/** The sender (ChannelAccount): calbot keys its user on the ID. */
const sender = z.looseObject({ id: z.string().min(1), ...accountFields });
/** The bot, or a member added or removed (ChannelAccount): compared by ID, which some senders leave out. */
const account = z.looseObject({ id: optional(z.string()), ...accountFields });

/** Teams' channelData carries the tenant calbot stores; other channels' is theirs (A2201), any JSON a client sent. */
const teamsChannelData = z.looseObject({ tenant: optional(z.looseObject({ id: optional(z.string()) })) });
const channelData = z.unknown().superRefine((value, context) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const issue of teamsChannelData.safeParse(value).error?.issues ?? []) context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});

const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date and time');

const activitySchema = z.looseObject({
  type: z.string().min(1),
  id: optional(z.string()),
  timestamp: optional(instant),
  localTimestamp: optional(instant),
  expiration: optional(instant),
  channelId: z.string().min(1),
  // Where the replies go: the connector client is built on it.
  serviceUrl: z.string().refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), 'expected an absolute http or https URL'),
  from: sender,
  recipient: optional(account),
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: optional(z.string()),
    tenantId: optional(z.string()),
    isGroup: optional(z.boolean()),
    name: optional(z.string()),
  }),
  text: optional(z.string()),
  textFormat: optional(z.string()),
  locale: optional(z.string()),
  replyToId: optional(z.string()),
  name: optional(z.string()),
  action: optional(z.string()),
  deliveryMode: optional(z.string()),
  membersAdded: optional(z.array(account)),
  membersRemoved: optional(z.array(account)),
  entities: optional(z.array(z.looseObject({ type: optional(z.string()) }))),
  attachments: optional(z.array(z.looseObject({ contentType: optional(z.string()) }))),
  channelData: optional(channelData),
});

/** Either the activity, ready for botbuilder, or what is wrong with it, in words for the caller and the log. */
export type InboundActivity = { activity: Activity } | { problem: string };

/** Checks a request body against the Activity schema's types (see above). */
export function parseInboundActivity(body: unknown): InboundActivity {
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message };
  }
  const activity = parsed.data as Record<string, unknown>;
  // What botbuilder's own validateAndFixActivity does (it is not exported): dates as Date, the text as sent kept.
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp'], ['expiration', 'rawExpiration']] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return { activity: activity as unknown as Activity };
}
