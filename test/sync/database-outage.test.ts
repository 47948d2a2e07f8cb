import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import type { Job } from 'agenda';
import { startCalbot } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { Outbox } from '../../src/notices/outbox.js';
import { COLLECTIONS } from '../../src/store/collections.js';
import { freePort, startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/store/embedded-database.js';
import { SYNC_JOB, syncLeaseKey } from '../../src/sync/sync-jobs.js';
import { startCloudHarness, type CloudHarness } from '../support/microsoft-cloud.js';
import { at, command, connectedUser, storedEvents, waitForState } from './sync-support.js';

/**
 * A database server of its own (calbot's embedded FerretDB launcher, on a DATA_DIR of this file's), which the test stops
 * and starts again under a running calbot, as a MongoDB host restarts or a network goes away for a while. calbot reaches
 * it at one fixed address (a TCP relay, standing in for a host name), as MONGODB_URI names a server: the driver
 * reconnects to that address by itself once a server answers there again.
 */
class RestartableDatabase {
  private database: EmbeddedDatabase | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly dataDir: string,
    private readonly relay: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<RestartableDatabase> {
    const dataDir = mkdtempSync(join(tmpdir(), 'calbot-outage-'));
    const port = await freePort();
    let self: RestartableDatabase | undefined;
    const relay = createServer((client) => self!.relayed(client));
    await new Promise<void>((done) => relay.listen(port, '127.0.0.1', done));
    self = new RestartableDatabase(dataDir, relay, port);
    await self.up();
    return self;
  }

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  /** The server goes: its process stops, every connection to it breaks, and no new one is answered. */
  async down(): Promise<void> {
    const database = this.database;
    this.database = undefined;
    for (const socket of this.sockets) socket.destroy();
    await database?.stop();
  }

  /** The server stops answering, its connections left open (a process paused, a network cut that drops packets). */
  pause(): void {
    process.kill(this.pid(), 'SIGSTOP');
  }

  resume(): void {
    process.kill(this.pid(), 'SIGCONT');
  }

  private pid(): number {
    return Number(readFileSync(join(this.dataDir, `${this.database!.kind}.pid`), 'utf8').split('\n')[0]);
  }

  /** The server is back, on the same data. */
  async up(): Promise<void> {
    this.database = await startEmbeddedDatabase({ dataDir: this.dataDir, logger: createLogger('silent') });
  }

  async close(): Promise<void> {
    await this.down();
    await new Promise<void>((done) => this.relay.close(() => done()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private relayed(client: Socket): void {
    const target = this.database ? new URL(this.database.uri) : undefined;
    if (!target) {
      client.destroy();
      return;
    }
    const server = connect({ host: target.hostname, port: Number(target.port) });
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      this.sockets.add(from);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.pipe(to);
    }
  }
}

describe('the database goes away for a while and comes back', () => {
  let database: RestartableDatabase;
  let h: CloudHarness;
  const lines: Record<string, unknown>[] = [];
  /** Resolves once calbot has logged a line with this event (from `from` on). */
  const logged = async (event: string, from = 0) => {
    while (!lines.slice(from).some((line) => line.event === event)) await sleep(20);
  };
  const previousUri = process.env.CALBOT_TEST_MONGODB_URI;
  beforeAll(async () => {
    database = await RestartableDatabase.start();
    // calbot's harness opens its database on the server this names: the one this file stops and starts.
    process.env.CALBOT_TEST_MONGODB_URI = database.uri;
    const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    h = await startCloudHarness({ SYNC_INTERVAL: '1 hour', GRAPH_PAGE_SIZE: '2' }, 'outage', { logger });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await database?.close();
    process.env.CALBOT_TEST_MONGODB_URI = previousUri;
  });

  test('a round cut off by the outage is redone once it is back, each change told once; a question meanwhile is answered', async () => {
    const { chat, microsoft, userKey } = await connectedUser(h, 'Olga Outage', (oid) => {
      h.graph.addEvent(oid, { subject: 'Review', start: at(1, 13), end: at(1, 14) });
    });
    const added = ['Added one', 'Added two', 'Added three'];
    for (const [i, subject] of added.entries()) h.graph.addEvent(microsoft.oid, { subject, start: at(2 + i, 9), end: at(2 + i, 10) });
    // The round waits for its first page while the database goes; answered then, it has nowhere to store it.
    const hold = h.graph.holdRequests({ oid: microsoft.oid, resource: '/me/calendarView/delta' });
    await h.calbot.syncJobs.requestRun(userKey);
    await hold.held;
    const from = lines.length;
    const runEnded = new Promise<void>((done) => h.calbot.scheduler.on('complete', (job: Job) => job.attrs.name === SYNC_JOB && done()));
    await database.down();
    hold.release();
    await logged('sync-failed', from);
    // Agenda's save as the run ended fails too: the job document keeps the run's lock (10 minutes), and its next run
    // an interval on, unless something saves it again. A question meanwhile gets an apology.
    const [answer] = await Promise.all([command(h, chat, "what's on tomorrow"), runEnded]);
    expect(answer).toEqual(['Sorry, something went wrong on my side. Please try again in a moment.']);

    await database.up();
    // Redone by itself (its lease released, its job unlocked and due): nobody asks for it.
    const state = await waitForState(h, userKey, (s) => s.status === 'idle' && s.roundsCompleted === 2, 30_000);
    expect(state.lastCounts).toEqual({ added: 3, updated: 0, removed: 0 });
    expect((await storedEvents(h, userKey)).map((e) => e.subject)).toEqual(['Review', ...added]);
    const told = () => h.connector.messages(chat.conversationId).map((r) => r.activity.text ?? '').filter((text) => text.startsWith('New:'));
    await h.connector.waitFor(3, (r) => r.conversationId === chat.conversationId && (r.activity.text ?? '').startsWith('New:'));
    await h.calbot.notices.idle();
    await h.calbot.notices.sendDue();
    expect(told().map((text) => text.split(',')[0]).sort()).toEqual(added.map((subject) => `New: ${subject}`).sort());
    expect(await h.store.collections.leases.countDocuments({ key: syncLeaseKey(userKey) })).toBe(0);
    const job = await h.store.db.collection(COLLECTIONS.agendaJobs).findOne({ name: SYNC_JOB, 'data.userKey': userKey });
    expect(job?.lockedAt ?? null).toBeNull();
    expect(job!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    // And questions are answered from the database again.
    expect((await command(h, chat, 'next meeting'))[0]).toContain('Review');
  }, 120_000);

  test('a server that stops answering: a question gets its apology before Teams gives up on the reply (15 s), and answers once it is back', async () => {
    const { chat } = await connectedUser(h, 'Paul Paused', (oid) => void h.graph.addEvent(oid, { subject: 'Retro', start: at(1, 13), end: at(1, 14) }));
    database.pause();
    try {
      const question = h.message('next meeting', chat) as { id: string };
      // The HTTP answer comes as the turn ends: the reply is waited for from the moment the question is posted.
      const posted = h.post(question);
      // The driver's defaults left it waiting about 45 s (a heartbeat every 10 s, 30 s to time out, 10 s of selection).
      const [reply] = await h.connector.waitFor(1, (r) => r.replyToId === question.id, 15_000);
      expect(reply!.activity.text).toBe('Sorry, something went wrong on my side. Please try again in a moment.');
      expect(await posted).toBe(200);
    } finally {
      database.resume();
    }
    expect((await command(h, chat, 'next meeting'))[0]).toContain('Retro');
  }, 120_000);

  test('a notice the connector took while the database went away is recorded once it is back, not sent again when its claim lapses', async () => {
    const { chat, userKey } = await connectedUser(h, 'Nina Notice');
    // A sender whose claims last 3 s rather than 2 minutes: a claim left as "sending" lapses while the test looks.
    const sender = await startCalbot({ ...h.calbot.config, port: 0 }, createLogger('info', new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) })), {
      store: h.store,
      host: '127.0.0.1',
      scheduler: { name: 'short-claims' },
      notices: { claimMs: 3_000, claimRenewMs: 500 },
    });
    try {
      const text = 'New: Outage party, tomorrow 15:00–16:00';
      await new Outbox(h.store.collections).enqueue({ _id: `${userKey}|outage-party`, userKey, kind: 'added', payload: { text } }, new Date());
      const copies = () => h.connector.messages(chat.conversationId).filter((r) => r.activity.text === text).length;
      // The connector holds the send while the database goes, then takes it: "sent" finds no database to be written to.
      const hold = h.connector.holdNext(chat.conversationId);
      const from = lines.length;
      let settled = false;
      const sending = sender.notices.sendDue(userKey).finally(() => (settled = true));
      sending.catch(() => undefined);
      await hold.held;
      await database.down();
      hold.release();
      await h.connector.waitFor(1, (r) => r.activity.text === text);
      while (!settled && !lines.slice(from).some((line) => line.event === 'notices-sent-unrecorded')) await sleep(20);
      await database.up();
      await sending.catch(() => undefined);

      // Whatever was left of the send (its claim, its lease) has lapsed by now, and a pass of each calbot has run.
      const outbox = h.store.collections.outbox;
      for (;;) {
        const [doc, lease] = [await outbox.findOne({ _id: `${userKey}|outage-party` }), await h.store.collections.leases.findOne({ key: `notices|${userKey}` })];
        const lapsed = (at: Date | undefined) => !at || at.getTime() < Date.now();
        if ((doc?.status !== 'sending' || lapsed(doc.claimedUntil)) && lapsed(lease?.expiresAt)) break;
        await sleep(100);
      }
      // A full pass gives lapsed claims back to the outbox; then whatever is due for the user is sent.
      await sender.notices.sendDue();
      await h.calbot.notices.sendDue(userKey);
      await Promise.all([sender.notices.idle(), h.calbot.notices.idle()]);
      expect(copies()).toBe(1);
      expect(await outbox.findOne({ _id: `${userKey}|outage-party` })).toMatchObject({ status: 'sent' });
    } finally {
      await sender.stop();
    }
  }, 120_000);
});
