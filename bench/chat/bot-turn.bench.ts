// `node --import tsx bench/chat/bot-turn.bench.ts [--requests 3000]`: what botbuilder's turn costs by itself, no
// database and no calbot command. One restify server, three routes, one request at a time, server-side time:
// - a route that answers at once (restify and HTTP alone);
// - a route that POSTs a fixed reply (a 9-row schedule card) to a Bot Connector stand-in over a keep-alive agent, as
//   any bot must, then answers;
// - /api/messages through botbuilder's CloudAdapter and an ActivityHandler whose only work is sending that same reply
//   with turn.sendActivity, with botbuilder's own authentication, and with calbot's (ReusedClientsAuthentication:
//   connector clients kept across turns).
// The difference between the last rows and the POST row is the SDK's turn: activity validation, the turn context,
// the handler chain, and the connector client's request pipeline and serializer. A table, not a test.
import http, { type Server as HttpServer } from 'node:http';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { ReusedClientsAuthentication } from '../../src/chat/adapter.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '3000' } } });
const REQUESTS = Number(args.requests);

const connector = http.createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"1"}');
  });
});
connector.keepAliveTimeout = 60_000;
const serviceUrl = await listen(connector);

const rows = Array.from({ length: 9 }, (_, i) => ({
  type: 'ColumnSet',
  columns: [
    { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: `${String(8 + i).padStart(2, '0')}:00–${String(8 + i).padStart(2, '0')}:45`, fontType: 'Monospace' }] },
    { type: 'Column', width: 'stretch', items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: `Meeting ${i} with team 3` }] }] },
    { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Join', url: 'https://teams.microsoft.com/l/meetup-join/bench' }] }] },
  ],
}));
const reply = { type: 'message', textFormat: 'plain', text: 'Today · 9 meetings', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: rows } }] };

const server = restify.createServer({ name: 'bot-turn' });
server.use(restify.plugins.bodyParser({ mapParams: false }));
server.post('/answer', async (_req, res) => {
  res.send(200, {});
});

const agent = new http.Agent({ keepAlive: true });
const postReply = (activity: object) =>
  new Promise<void>((done, fail) => {
    const request = http.request(`${serviceUrl}/v3/conversations/a%3Abench/activities/m-1`, { method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8' } }, (response) => {
      response.resume();
      response.once('end', () => (response.statusCode === 200 ? done() : fail(new Error(`connector answered ${response.statusCode}`))));
    });
    request.once('error', fail);
    request.end(JSON.stringify(activity));
  });
server.post('/post-reply', async (_req, res) => {
  await postReply(reply);
  res.send(200, {});
});

class ReplyBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (turn, next) => {
      await turn.sendActivity(reply);
      await next();
    });
  }
}
const bot = new ReplyBot();
const sdkAuth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
const adapters = { sdk: new CloudAdapter(sdkAuth), calbot: new CloudAdapter(new ReusedClientsAuthentication(sdkAuth)) };
server.post('/api/messages/:adapter', async (req, res) => {
  await adapters[(req.params as { adapter: keyof typeof adapters }).adapter].process(req as never, res as never, (turn) => bot.run(turn));
});
const base = await listen(server.server as unknown as HttpServer);

const activity = JSON.stringify({
  type: 'message', id: 'm-1', channelId: 'msteams', serviceUrl, text: "what's on today", textFormat: 'plain', locale: 'en-US',
  from: { id: '29:bench-user', name: 'Bench User', aadObjectId: 'aad-bench' },
  conversation: { id: 'a:bench', conversationType: 'personal', tenantId: 'tenant-bench' },
  recipient: { id: '28:calbot', name: 'calbot' },
});

/** Server-side ms of `count` requests to `path`, one at a time, after a warm-up. */
async function measure(path: string): Promise<number[]> {
  const times: number[] = [];
  let started = 0n;
  const onRequest = (_req: unknown, res: http.ServerResponse) => {
    started = process.hrtime.bigint();
    res.once('finish', () => times.push(Number(process.hrtime.bigint() - started) / 1e6));
  };
  for (let i = 0; i < REQUESTS / 5; i++) await post(path);
  server.server.prependListener('request', onRequest);
  for (let i = 0; i < REQUESTS; i++) await post(path);
  server.server.removeListener('request', onRequest);
  return times.sort((a, b) => a - b);
}

async function post(path: string): Promise<void> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: activity });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
}

const routes: [string, string][] = [
  ['answer at once (restify, HTTP)', '/answer'],
  ['POST the reply to the connector, then answer', '/post-reply'],
  // calbot's first: the later rows run on a process the earlier ones have warmed up.
  ['botbuilder turn sending it, calbot auth', '/api/messages/calbot'],
  ['botbuilder turn sending it, botbuilder auth', '/api/messages/sdk'],
];
const results: [string, number[]][] = [];
for (const [name, path] of routes) results.push([name, await measure(path)]);

const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
console.log(`calbot bench: one bot turn without database or command, ${REQUESTS} requests one at a time per route, server ms; ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log('');
console.log(`| ${'route'.padEnd(46)} |    p50 |    p95 |    p99 |`);
console.log(`|${'-'.repeat(48)}|-------:|-------:|-------:|`);
for (const [name, times] of results) console.log(`| ${name.padEnd(46)} | ${[50, 95, 99].map((p) => at(times, p).toFixed(2).padStart(6)).join(' | ')} |`);
agent.destroy();
await new Promise<void>((done) => server.close(() => done()));
await new Promise<void>((done) => connector.close(() => done()));
// botbuilder's HTTP client keeps its own keep-alive sockets to the connector stand-in open.
process.exit(0);

function listen(target: HttpServer): Promise<string> {
  return new Promise((done) => target.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(target.address() as { port: number }).port}`)));
}
