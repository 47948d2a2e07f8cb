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

  it.each<[string, Record<string, unknown>]>([
    ['a conversationUpdate, members by ID only', { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '29:new' }, { id: '28:calbot' }] }],
    ['optional fields sent as null', { text: null, locale: null, entities: null, attachments: null, channelData: null, replyToId: null, localTimestamp: null }],
    ['an invoke with any value', { type: 'invoke', name: 'adaptiveCard/action', value: { action: { verb: 'x' } } }],
    ['the Emulator on http://localhost', { channelId: 'emulator', serviceUrl: 'http://localhost:52013' }],
    ['a group chat', { conversation: { id: '19:abc@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: 't' } }],
  ])('accepts %s', (_case, patch) => {
    expect(parseInboundActivity({ ...message(), ...patch })).toHaveProperty('activity');
  });

  it.each<[string, unknown, RegExp]>([
    ['"from" a string', { from: 'x' }, /^from: .*expected object, received string/],
    ['"from" without an ID', { from: { name: 'Ada' } }, /^from\.id: /],
    ['"recipient" missing', { recipient: undefined }, /^recipient: /],
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
    ['an entity without a type', { entities: [{ timezone: 'Europe/Berlin' }] }, /^entities\.0\.type: /],
    ['"membersAdded" a member without an ID', { type: 'conversationUpdate', membersAdded: [{ name: 'x' }] }, /^membersAdded\.0\.id: /],
    ['a tenant ID that is not a string', { channelData: { tenant: { id: 7 } } }, /^channelData\.tenant\.id: /],
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
