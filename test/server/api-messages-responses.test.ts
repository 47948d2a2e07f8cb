import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type InvokeResponse, type TurnContext } from 'botbuilder';
import { createAdapter } from '../../src/chat/adapter.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createServer, type CalbotServer } from '../../src/server.js';

/**
 * calbot's /api/messages answers the channel as botbuilder's CloudAdapter.process did before it (status, body and
 * framing), for every invoke response a bot can give and for expectReplies: the same bot behind both routes.
 */
class AnsweringBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (turn, next) => {
      await turn.sendActivity(`you said ${turn.activity.text}`);
      await next();
    });
  }

  /** "answer" invokes answer what their value says; any other name is botbuilder's own (501 for those it lacks). */
  protected override async onInvokeActivity(turn: TurnContext): Promise<InvokeResponse> {
    if (turn.activity.name === 'answer') return turn.activity.value as InvokeResponse;
    return super.onInvokeActivity(turn);
  }
}

const activity = (fields: object) => ({
  id: 'activity-1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/amer/',
  from: { id: '29:user' },
  recipient: { id: '28:bot' },
  conversation: { id: 'a:conversation' },
  ...fields,
});
const answer = (value: object) => activity({ type: 'invoke', name: 'answer', value });

describe('/api/messages answers as CloudAdapter.process did', () => {
  const bot = new AnsweringBot();
  const logger = createLogger('silent');
  const dataDir = mkdtempSync(join(tmpdir(), 'calbot-responses-'));
  let calbot: CalbotServer;
  let reference: restify.Server;
  let calbotUrl = '';
  let referenceUrl = '';

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    calbot = createServer({ adapter: createAdapter(config, logger), bot, logger, ping: async () => true, completeSignIn: async () => ({ status: 404, headers: {}, body: '' }) });
    calbotUrl = `http://127.0.0.1:${await calbot.listen(0, '127.0.0.1')}/api/messages`;

    // What calbot's route replaced: botbuilder's own handler on restify, local mode (no app ID) as above.
    reference = restify.createServer({ handleUncaughtExceptions: false });
    reference.use(restify.plugins.bodyParser({ mapParams: false }));
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    reference.post('/api/messages', async (req, res) => adapter.process(req as never, res as never, (turn) => bot.run(turn)));
    await new Promise<void>((done) => reference.listen(0, '127.0.0.1', () => done()));
    referenceUrl = `http://127.0.0.1:${(reference.address() as { port: number }).port}/api/messages`;
  });
  afterAll(async () => {
    await calbot?.close(1_000);
    await new Promise<void>((done) => (reference ? reference.close(() => done()) : done()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const exchange = async (url: string, body: object) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const headers = Object.fromEntries(['content-type', 'content-length', 'transfer-encoding'].map((name) => [name, response.headers.get(name)]));
    return { status: response.status, headers, body: await response.text() };
  };

  it.each<[string, object]>([
    ['an invoke response without a body (200, as ActivityHandler.createInvokeResponse() gives)', answer({ status: 200 })],
    ['an invoke response with {}', answer({ status: 200, body: {} })],
    ['an invoke response with a string', answer({ status: 200, body: 'done' })],
    ['an invoke response with an object', answer({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done' } })],
    ['an invoke response with a null body', answer({ status: 200, body: null })],
    ['an invoke response with an empty string', answer({ status: 200, body: '' })],
    ['an invoke response with false', answer({ status: 200, body: false })],
    ['an invoke response with 0', answer({ status: 200, body: 0 })],
    ['an invoke response with an array', answer({ status: 200, body: [1, 2] })],
    ['an invoke response with another status', answer({ status: 400, body: { error: 'bad card' } })],
    ['an invoke response without a status', answer({ body: { a: 1 } })],
    ['an invoke botbuilder does not handle (501)', activity({ type: 'invoke', name: 'signin/verifyState', value: { state: '123456' } })],
    ['a typing activity (200, nothing to say)', activity({ type: 'typing' })],
    ['a message with deliveryMode expectReplies (its replies in the body)', activity({ type: 'message', text: 'hello', deliveryMode: 'expectReplies' })],
  ])('%s', async (_case, sent) => {
    const expected = await exchange(referenceUrl, sent);
    expect(await exchange(calbotUrl, sent)).toEqual(expected);
  });
});
