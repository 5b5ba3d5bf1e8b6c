import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import {
  ConfigError,
  createAppLogger,
  loadConfig,
  openDatabase,
  resolveCheckpointKeys,
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
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Tally Ledger failed to start:', error);
  }
  process.exit(1);
});
