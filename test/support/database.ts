import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/log.js';
import { connectStore, type Store } from '../../src/store/database.js';

/**
 * A fresh database on the run's FerretDB (or MONGODB_URI), with calbot's indexes; close() drops it.
 * Returns calbot's own Store, so tests go through the same driver set-up as production.
 */
export async function openTestDatabase(name = 'test'): Promise<Store> {
  const uri = process.env.CALBOT_TEST_MONGODB_URI;
  if (!uri) throw new Error('CALBOT_TEST_MONGODB_URI is not set: run the tests with `npm test` (test/run.mjs)');
  const databaseName = `t_${name.replace(/[^A-Za-z0-9]/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const store = await connectStore(uri, createLogger('silent'), undefined, databaseName);
  const close = store.close;
  return {
    ...store,
    close: async () => {
      await store.db.dropDatabase().catch(() => undefined);
      await close();
    },
  };
}
