import { parseInboundActivity } from '../../src/chat/inbound-activity.js';
import { teamsMessage, teamsUser } from '../support/calbot-harness.js';

const message = () => teamsMessage('help', teamsUser(), 'https://smba.trafficmanager.net/emea/') as Record<string, any>;

describe('parseInboundActivity', () => {
  it('accepts a Teams message as sent, with dates as Date and the text of each kept, as botbuilder does', () => {
    const sent = { ...message(), timestamp: '2026-03-02T09:15:30.1234567Z', localTimestamp: '2026-03-02T10:15:30.1234567+01:00', channelData: { tenant: { id: 't' }, eventType: 'x' } };
    const parsed = parseInboundActivity(sent);
    if (!('activity' in parsed)) throw new Error(parsed.problem);
    const activity = parsed.activity as unknown as Record<string, unknown>;
    const instant = new Date('2026-03-02T09:15:30.123Z');
    expect(activity).toMatchObject({ ...sent, timestamp: instant, localTimestamp: instant, rawTimestamp: sent.timestamp, rawLocalTimestamp: sent.localTimestamp });
    // What channels add passes through.
    expect((activity.channelData as Record<string, unknown>).eventType).toBe('x');
  });

  // As Microsoft documents them (Teams: "Messages in bot conversations", "Subscribe to conversation events"), and as
  // the Bot Framework Emulator, Web Chat, Direct Line and Slack send them: every one must run its turn as before.
  it.each<[string, Record<string, unknown>]>([
    ['a Teams message with a mention and its text/html copy', { text: '<at>calbot</at> help', entities: [{ type: 'mention', mentioned: { id: '28:calbot', name: 'calbot' }, text: '<at>calbot</at>' }, { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Windows', timezone: 'America/Los_Angeles' }], attachments: [{ contentType: 'text/html', content: '<div><at>calbot</at> help</div>' }] }],
    ['a Teams messageUpdate (editMessage)', { type: 'messageUpdate', timestamp: '2022-10-28T17:19:39.4615413Z', localTimestamp: '2022-10-28T10:19:39.4615413-07:00', localTimezone: 'America/Los_Angeles', serviceUrl: 'https://canary.botapi.skype.com/amer/', channelData: { eventType: 'editMessage', tenant: { id: 't' } } }],
    ['a Teams messageDelete (softDeleteMessage)', { type: 'messageDelete', text: undefined, entities: undefined, channelData: { eventType: 'softDeleteMessage', tenant: { id: 't' } } }],
    ['a Teams channelCreated in a team', { type: 'conversationUpdate', id: 'f:dd6ec311', serviceUrl: 'https://smba.trafficmanager.net/amer-client-ss.msg/', from: { id: '29:1wR7' }, conversation: { isGroup: true, conversationType: 'channel', id: '19:efa9@thread.skype' }, channelData: { channel: { id: '19:6d97@thread.skype', name: 'Fun' }, team: { id: '19:efa9@thread.skype' }, eventType: 'channelCreated', tenant: { id: 't' } } }],
    ['a Teams teamMemberRemoved', { type: 'conversationUpdate', text: undefined, timestamp: '2017-02-23T19:37:06.96Z', membersRemoved: [{ id: '29:1_L' }], conversation: { isGroup: true, conversationType: 'channel', id: '19:efa9@thread.skype' }, channelData: { team: { id: '19:efa9@thread.skype' }, eventType: 'teamMemberRemoved', tenant: { id: 't' } } }],
    ['a Teams installationUpdate add', { type: 'installationUpdate', action: 'add', channelData: { settings: { selectedChannel: { id: '19:0b7@thread.tacv2' } }, team: { aadGroupId: 'g', name: 'T', id: '19:0b7@thread.tacv2' }, tenant: { id: 't' }, source: { name: 'message' } } }],
    ['a Teams installationUpdate remove', { type: 'installationUpdate', action: 'remove', text: undefined, entities: undefined }],
    ['a Teams messageReaction', { type: 'messageReaction', text: undefined, reactionsAdded: [{ type: 'like' }], replyToId: '1:19uJ8TZA3cgxYPAT' }],
    ['a Teams adaptiveCard/action invoke', { type: 'invoke', name: 'adaptiveCard/action', text: undefined, value: { action: { type: 'Action.Execute', title: 'Go', verb: 'go', data: {} }, trigger: 'manual' }, replyToId: '1' }],
    ['a Teams signin/verifyState invoke', { type: 'invoke', name: 'signin/verifyState', text: undefined, value: { state: '123456' } }],
    ['a Teams task/fetch invoke', { type: 'invoke', name: 'task/fetch', value: { type: 'task/fetch', data: { x: 1 }, context: { theme: 'default' } }, channelData: { tenant: { id: 't' }, source: { name: 'message' }, legacy: { replyToId: '1' } } }],
    ['a Teams typing', { type: 'typing', text: undefined, entities: undefined, channelData: undefined }],
    ['a Teams file in a personal chat', { attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', contentUrl: 'https://contoso.sharepoint.com/f.txt', name: 'f.txt', content: { downloadUrl: 'https://contoso.sharepoint.com/d', uniqueId: 'u', fileType: 'txt' } }] }],
    ['a Teams service URL without its trailing slash', { serviceUrl: 'https://smba.trafficmanager.net/amer' }],
    ['a Teams service URL with its region and tenant', { serviceUrl: 'https://smba.trafficmanager.net/apac/2f2c3f0b-6298-4c37-a109-7b0233eb78e6/' }],
    ['the Emulator\'s message', { channelId: 'emulator', serviceUrl: 'http://localhost:52013', from: { id: 'a1b2c3', name: 'User', role: 'user' }, recipient: { id: '1f2e3d4c', name: 'Bot', role: 'bot' }, conversation: { id: '2a3b|livechat' }, localTimestamp: '2026-03-02T10:15:30+01:00', localTimezone: 'Europe/Berlin', attachments: [], entities: [{ type: 'ClientCapabilities', requiresBotState: true, supportsListening: true, supportsTts: true }], channelData: { clientActivityID: '1772442930123abc', clientTimestamp: '2026-03-02T09:15:30.123Z' } }],
    ['the Emulator\'s conversationUpdate for a bot without an ID (its CLI given a bots.json)', { type: 'conversationUpdate', channelId: 'emulator', serviceUrl: 'http://localhost:5000', text: undefined, membersAdded: [{ name: 'Bot' }], recipient: { name: 'Bot', role: 'bot' } }],
    ['a Web Chat message', { channelId: 'webchat', serviceUrl: 'https://webchat.botframework.com/', from: { id: 'dl_123', name: '', role: 'user' }, recipient: { id: 'calbot@abc', name: 'calbot' }, conversation: { id: 'K7m' }, channelData: { clientActivityID: 'x', clientTimestamp: '2026-03-02T09:15:30.123Z' } }],
    ['a Direct Line message whose client sent channelData that is not an object', { channelId: 'directline', serviceUrl: 'https://directline.botframework.com/', channelData: 'from my client' }],
    ['a Slack message', { channelId: 'slack', serviceUrl: 'https://slack.botframework.com/', from: { id: 'U1:T1', name: 'ada' }, recipient: { id: 'B1:T1', name: 'calbot' }, conversation: { isGroup: false, id: 'B1:T1:D1' }, channelData: { SlackMessage: { type: 'event_callback' } } }],
    // What the schema leaves optional, or Microsoft's own senders leave out: Copilot Studio and skill hosts send no
    // recipient (Microsoft's Agents SDK stopped requiring one for them), an entity or attachment may lack its type.
    ['no "recipient"', { recipient: undefined }],
    ['a "recipient" without an ID', { recipient: { name: 'calbot', role: 'bot' } }],
    ['an entity without a type', { entities: [{ timezone: 'Europe/Berlin' }] }],
    ['an attachment without a content type', { type: 'messageUpdate', attachments: [{ content: '<div>edited</div>' }] }],
    ['a conversationUpdate, members by ID only', { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '29:new' }, { id: '28:calbot' }] }],
    ['optional fields sent as null', { text: null, locale: null, entities: null, attachments: null, channelData: null, replyToId: null, localTimestamp: null }],
    ['an invoke with any value', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { verb: 'x' } } }],
    ['the Emulator on http://localhost', { channelId: 'emulator', serviceUrl: 'http://localhost:52013' }],
    ['a group chat', { conversation: { id: '19:abc@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: 't' } }],
  ])('accepts %s', (_case, patch) => {
    // As it comes over the wire: a field patched to undefined is not there at all.
    expect(parseInboundActivity(JSON.parse(JSON.stringify({ ...message(), ...patch })))).toHaveProperty('activity');
  });

  it.each<[string, unknown, RegExp]>([
    ['"from" a string', { from: 'x' }, /^from: .*expected object, received string/],
    ['"from" without an ID', { from: { name: 'Ada' } }, /^from\.id: /],
    ['"conversation" an array', { conversation: [] }, /^conversation: .*expected object, received array/],
    ['"conversation" with a numeric ID', { conversation: { id: 42 } }, /^conversation\.id: /],
    ['"timestamp" a number', { timestamp: 42 }, /^timestamp: .*expected string, received number/],
    ['"timestamp" not a date', { timestamp: 'yesterday' }, /^timestamp: expected an ISO 8601 date and time$/],
    ['"serviceUrl" a number', { serviceUrl: 42 }, /^serviceUrl: /],
    ['"serviceUrl" not http', { serviceUrl: 'file:///etc/passwd' }, /^serviceUrl: expected an absolute http or https URL$/],
    ['"channelId" missing', { channelId: undefined }, /^channelId: /],
    ['"type" empty', { type: '' }, /^type: /],
    ['"type" missing', { type: undefined }, /^type: /],
    ['"text" a number', { text: 42 }, /^text: /],
    ['"entities" a string', { entities: 'x' }, /^entities: /],
    ['"recipient" a string', { recipient: 'calbot' }, /^recipient: .*expected object, received string/],
    ['an entity whose type is not a string', { entities: [{ type: 7 }] }, /^entities\.0\.type: /],
    ['"membersAdded" a member whose ID is not a string', { type: 'conversationUpdate', membersAdded: [{ id: 7 }] }, /^membersAdded\.0\.id: /],
    ['a tenant ID that is not a string', { channelData: { tenant: { id: 7 } } }, /^channelData\.tenant\.id: /],
    ['a tenant that is not an object', { channelData: { tenant: 't' } }, /^channelData\.tenant: /],
  ])('refuses an activity with %s, naming the field', (_case, patch, problem) => {
    const parsed = parseInboundActivity({ ...message(), ...(patch as object) });
    expect(parsed).toEqual({ problem: expect.stringMatching(problem) });
  });

  it.each<[string, unknown]>([
    ['an array', [1, 2, 3]],
    ['a string', 'type=message'],
    ['null', null],
    ['nothing', undefined],
  ])('refuses %s as the body', (_case, body) => {
    expect(parseInboundActivity(body)).toEqual({ problem: expect.stringMatching(/expected object/) });
  });
});
