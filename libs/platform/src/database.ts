import { AppConfig } from './config';
import { EmbeddedServerInfo, startEmbeddedPostgres } from './embedded-postgres';

/** Which PostgreSQL a process uses, and how it found it. */
export type DatabaseServer =
  | { kind: 'url'; host: string; port: number; database: string }
  | ({ kind: 'embedded'; joined: boolean } & EmbeddedServerInfo);

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  server: DatabaseServer;
  stop(): Promise<void>;
}

/** DATABASE_URL when given, otherwise the embedded server (joined when one already runs on EMBEDDED_PG_DIR). */
export async function openDatabase(config: AppConfig, log: (line: string) => void): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    return {
      url: config.DATABASE_URL,
      embedded: false,
      server: {
        kind: 'url',
        host: url.searchParams.get('host') ?? (url.hostname || 'localhost'),
        port: Number(url.port || 5432),
        database: decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres',
      },
      stop: async () => undefined,
    };
  }
  const handle = await startEmbeddedPostgres({
    dataDir: config.EMBEDDED_PG_DIR,
    port: config.EMBEDDED_PG_PORT,
    defaultPort: config.EMBEDDED_PG_DEFAULT_PORT,
    log,
  });
  return {
    url: handle.url,
    embedded: true,
    server: { kind: 'embedded', joined: !handle.ownsServer, ...handle.server },
    stop: () => handle.stop(),
  };
}

/** One line naming the server and database, for logs and the CLI (never a password). */
export function describeDatabase(server: DatabaseServer): string {
  const address = server.host.startsWith('/')
    ? `${server.host}/.s.PGSQL.${server.port}`
    : `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  const how =
    server.kind === 'url'
      ? 'DATABASE_URL'
      : server.joined
        ? `the embedded server running on ${server.dataDir}, pid ${server.pid}`
        : `an embedded server started on ${server.dataDir} for this process`;
  return `PostgreSQL ${address}, database ${server.database} (${how})`;
}
