import { EventStore, START } from '@tally/event-store';
import {
  AppConfig,
  describeDatabase,
  loadConfig,
  openDatabase,
  openEventStore,
  openScanStore,
} from '@tally/platform';
import { createReadModelDataSource, runReadModelMigrations } from '@tally/read-models';
import { ScanStore } from '@tally/scan-store';
import { SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';

/**
 * The stores the service is configured with (DATABASE_URL / EVENT_STORE / KURRENTDB_CONNECTION_STRING; with none,
 * the embedded default, joined when the api already runs it).
 */
export interface CliStores {
  eventStore: EventStore;
  databaseUrl: string;
  /** The read-model database, migrated (null when it cannot be reached). */
  readModels(): Promise<DataSource | null>;
  /** The configured scan store (SCAN_STORE). */
  scanStore(): Promise<ScanStore>;
  close(): Promise<void>;
}

export async function openCliStores(log: (line: string) => void): Promise<CliStores> {
  const config = loadConfig();
  const database = await openDatabase(config, log);
  let eventStore: EventStore;
  try {
    eventStore = await openEventStore(config, database.url);
    const head = await eventStore.headPosition();
    // Before any work: which server, database and log this run reads (and, for rebuild, writes).
    log(
      `Using ${describeDatabase(database.server)}; event store ${describeEventStore(config)}, ` +
        `head at position ${head}${head === START ? ' (empty log)' : ''}`,
    );
  } catch (error) {
    await database.stop();
    throw error;
  }
  let dataSource: DataSource | null = null;
  let scans: ScanStore | null = null;
  return {
    eventStore,
    databaseUrl: database.url,
    async readModels() {
      if (dataSource) return dataSource;
      try {
        dataSource = await createReadModelDataSource(database.url, {
          poolSize: 4,
          applicationName: 'tally-ledger-cli',
        }).initialize();
        await runReadModelMigrations(dataSource);
      } catch (error) {
        log(`Read models not reachable (${(error as Error).message})`);
        return null;
      }
      return dataSource;
    },
    async scanStore() {
      scans ??= await openScanStore(config, database.url);
      return scans;
    },
    async close() {
      await scans?.close();
      await eventStore.close();
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database.stop();
    },
  };
}

/** The event store's kind and, for KurrentDB, where it is (without credentials or options). */
export function describeEventStore(
  config: Pick<AppConfig, 'EVENT_STORE' | 'KURRENTDB_CONNECTION_STRING'>,
): string {
  if (config.EVENT_STORE === 'postgres') return 'postgres (the events table of that database)';
  const address = (config.KURRENTDB_CONNECTION_STRING ?? '')
    .replace(/^[^:]+:\/\/([^@/]*@)?/, '')
    .split(/[?/]/)[0];
  return `kurrentdb at ${address} (read models in that database)`;
}

/**
 * The number of events up to `head` when the store can tell it from positions (postgres: 0, 1, 2, …); undefined
 * for KurrentDB, whose positions are byte offsets and count nothing.
 */
export function eventsUpTo(store: EventStore, head: number): number | undefined {
  return store.gaplessPositions ? head + 1 : undefined;
}

/**
 * A progress bar on stderr with events/s, and percentage and ETA when the total is known; silent when stderr is
 * not a terminal unless forced.
 */
export function progressBar(label: string): {
  update(done: number, total: number | undefined): void;
  stop(): void;
} {
  let bar: SingleBar | undefined;
  const started = Date.now();
  return {
    update(done, total) {
      const speed = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
      if (!bar) {
        bar = new SingleBar({
          format:
            total === undefined
              ? `${label} {value} events | {speed} events/s`
              : `${label} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: false,
          etaBuffer: 50,
          noTTYOutput: process.env.TALLY_PROGRESS === '1',
          notTTYSchedule: 1000,
        });
        bar.start(Math.max(total ?? done, done), done, { speed });
      }
      bar.setTotal(Math.max(total ?? done, done));
      bar.update(done, { speed });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
