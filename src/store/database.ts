import { MongoClient, MongoNetworkError, MongoServerSelectionError, type Db } from 'mongodb';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { collections, ensureIndexes, type Collections } from './collections.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.js';

/** The one MongoDB driver instance in the process; Agenda shares its Db. */
export interface Store {
  client: MongoClient;
  db: Db;
  collections: Collections;
  /** Set when calbot started its own database (MONGODB_URI unset). */
  embedded?: EmbeddedDatabase;
  /** True when the server answers a ping within a second. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const DEFAULT_DATABASE_NAME = 'calbot';
const PING_TIMEOUT_MS = 1000;
/**
 * How soon a call fails once the server stops answering (paused, a network cut that drops packets, a host gone): a
 * heartbeat at most every HEARTBEAT_MS, unanswered for CONNECT_TIMEOUT_MS, marks it down and fails the calls under way
 * on it; a call then (the driver's own retry of a read among them) waits SERVER_SELECTION_MS for it to be back. Chat
 * turns hear so within about 11 s, inside the 15 s Teams waits for a reply; with the driver's defaults (10 s, 30 s and
 * calbot's former 10 s) a question waited 45 s for its apology. A MONGODB_URI that sets one of them keeps its own.
 */
const HEARTBEAT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 4_000;
const SERVER_SELECTION_MS = 5_000;

export async function openStore(config: Pick<Config, 'mongodbUri' | 'dataDir'>, logger: Logger): Promise<Store> {
  const embedded = config.mongodbUri ? undefined : await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
  const uri = config.mongodbUri ?? embedded!.uri;
  try {
    return await connectStore(uri, logger, embedded);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

export async function connectStore(uri: string, logger: Logger, embedded?: EmbeddedDatabase, databaseName?: string): Promise<Store> {
  const inUri = (option: string) => new RegExp(`[?&]${option}=`, 'i').test(uri);
  const client = new MongoClient(uri, {
    appName: 'calbot',
    ...(inUri('heartbeatFrequencyMS') ? {} : { heartbeatFrequencyMS: HEARTBEAT_MS }),
    ...(inUri('connectTimeoutMS') ? {} : { connectTimeoutMS: CONNECT_TIMEOUT_MS }),
    ...(inUri('serverSelectionTimeoutMS') ? {} : { serverSelectionTimeoutMS: SERVER_SELECTION_MS }),
  });
  await client.connect();
  const db = client.db(databaseName ?? (databaseNameFromUri(uri) || DEFAULT_DATABASE_NAME));
  await ensureIndexes(db);
  logger.info({ event: 'store-ready', database: db.databaseName, embedded: embedded?.kind ?? null }, 'store ready');
  return {
    client,
    db,
    collections: collections(db),
    embedded,
    ping: async () => {
      // timeoutMS alone does not bound it: once the driver's monitor has marked the server down, the ping waits
      // for server selection (serverSelectionTimeoutMS, 5 s), and /healthz must answer within its second.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((done) => (timer = setTimeout(done, PING_TIMEOUT_MS, false)));
      const pinged = db.command({ ping: 1 }, { timeoutMS: PING_TIMEOUT_MS }).then(() => true, () => false);
      try {
        return await Promise.race([pinged, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await client.close();
      await embedded?.stop();
    },
  };
}

/**
 * The database server could not be reached (a connection broke, or none could be made within the driver's server
 * selection timeout): a write that failed so may succeed once it answers again, and the driver reconnects by itself.
 * Not an error the server sent, nor a closed client's.
 */
export function databaseUnavailable(error: unknown): boolean {
  return error instanceof MongoNetworkError || error instanceof MongoServerSelectionError;
}

function databaseNameFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
