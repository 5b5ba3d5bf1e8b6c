import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import {
  ConfigError,
  createAppLogger,
  loadConfig,
  onStopSignal,
  openDatabase,
  resolveCheckpointKeys,
  StartRefusedError,
} from '@tally/platform';
import { createApiApp } from './bootstrap';
import { closeGracefully } from './http/graceful-shutdown';

async function main(): Promise<void> {
  const config = loadConfig();
  // Fails fast, before any database starts: in production without CHECKPOINT_SIGNING_KEY the api does not run.
  resolveCheckpointKeys(config);
  // Until Nest starts, the lines of main (the embedded PostgreSQL starting) come out in the same format.
  Logger.overrideLogger(createAppLogger(config));
  const logger = new Logger('main');
  const database = await openDatabase(config, (line) => logger.log(line));
  const app = await createApiApp({ config, databaseUrl: database.url });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.log(
    `Tally Ledger api on http://${config.HOST}:${config.PORT} (OpenAPI at /docs, events in ${config.EVENT_STORE})`,
  );

  const shutdown = async (signal: string) => {
    logger.log(`${signal}: shutting down`);
    setTimeout(() => {
      logger.error(
        `Still shutting down after ${config.SHUTDOWN_TIMEOUT_MS} ms (SHUTDOWN_TIMEOUT_MS): exiting`,
      );
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    await closeGracefully(app);
    await database.stop();
    logger.log('Stopped');
    process.exit(0);
  };
  onStopSignal(
    (signal) => void shutdown(signal),
    (signal) => logger.log(`${signal}: already shutting down`),
  );
}

/** What a failed start prints: the configuration's own message, a plain line for a taken port, else the error. */
function startFailure(error: unknown): unknown[] {
  if (error instanceof ConfigError) return [error.message];
  if (error instanceof StartRefusedError) return [`Tally Ledger failed to start: ${error.message}`];
  const listen = error as { code?: unknown; address?: unknown; port?: unknown } | null;
  if (listen?.code === 'EADDRINUSE') {
    return [
      `Tally Ledger failed to start: ${String(listen.address)}:${String(listen.port)} is already in use ` +
        '(another api, or another server, listens there). Stop it, or set PORT (and HOST) to listen elsewhere.',
    ];
  }
  return ['Tally Ledger failed to start:', error];
}

main().catch((error: unknown) => {
  console.error(...startFailure(error));
  process.exit(1);
});
