import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, openDatabase, resolveCheckpointKeys } from '@tally/platform';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const logger = new Logger('main');
  const config = loadConfig();
  // Fails fast, before any database starts: in production without CHECKPOINT_SIGNING_KEY the api does not run.
  resolveCheckpointKeys(config);
  const database = await openDatabase(config, (line) => logger.log(line));
  const app = await createApiApp({ config, databaseUrl: database.url });
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.log(
    `Tally Ledger api on http://${config.HOST}:${config.PORT} (OpenAPI at /docs, events in ${config.EVENT_STORE})`,
  );

  const shutdown = async (signal: string) => {
    logger.log(`${signal}: shutting down`);
    await app.close();
    await database.stop();
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
