import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCalbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { connectStore } from '../../src/store/database.js';
import { startEmbeddedDatabase } from '../../src/store/embedded-database.js';

describe('/healthz when the database goes away', () => {
  it('answers 200, then 503 after the database stops, and keeps serving', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'calbot-down-'));
    // calbot on its own embedded database, which we then stop underneath it.
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const calbot = await startCalbot(config, createLogger('silent'), { host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${calbot.port}/healthz`;
      expect((await fetch(url)).status).toBe(200);
      await calbot.store.embedded!.stop();
      const down = await fetch(url);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'unavailable', database: 'down' });
    } finally {
      await calbot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers 503 within its second once the driver has marked the server down (not after server selection gives up)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'calbot-down-long-'));
    const logger = createLogger('silent');
    const embedded = await startEmbeddedDatabase({ dataDir, logger });
    // A short heartbeat, so the driver's monitor notices the server is gone within a second, not ten.
    const store = await connectStore(`${embedded.uri}?heartbeatFrequencyMS=500`, logger, embedded);
    const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const calbot = await startCalbot(config, logger, { store, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${calbot.port}/healthz`;
      expect((await fetch(url)).status).toBe(200);
      const heartbeatFailed = new Promise((done) => store.client.once('serverHeartbeatFailed', done));
      await embedded.stop();
      await heartbeatFailed;
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        const down = await fetch(url);
        expect(down.status).toBe(503);
        // The ping is bounded at 1 s; server selection alone would have waited 10 s.
        expect(Date.now() - started).toBeLessThan(5000);
      }
    } finally {
      await calbot.stop();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
