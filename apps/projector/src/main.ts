import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ConfigError,
  createAppLogger,
  loadConfig,
  onStopSignal,
  openDatabase,
  StartRefusedError,
} from '@tally/platform';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  const config = loadConfig();
  const appLogger = createAppLogger(config);
  Logger.overrideLogger(appLogger);
  const logger = new Logger('projector');
  const database = await openDatabase(config, (line) => logger.log(line));
  const app = await NestFactory.createApplicationContext(
    ProjectorModule.forRoot({ config, databaseUrl: database.url }),
    { logger: appLogger },
  );
  const shutdown = async (signal: string) => {
    logger.log(`${signal}: stopping the projections`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  onStopSignal(
    (signal) => void shutdown(signal),
    (signal) => logger.log(`${signal}: already stopping`),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof StartRefusedError ? error.message : error);
  process.exit(1);
});
