import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCalbot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

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
});
