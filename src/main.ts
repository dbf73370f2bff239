import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/env.validation.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(1);
  }
  // The embedded database starts on its thread while this one loads the app's modules (about as long as each other).
  const embedded = config.database.kind === 'embedded' ? EmbeddedPostgres.forApp(config.database) : undefined;
  embedded?.catch(() => undefined); // its failure is reported where the app awaits it
  const [{ createApp }, { printWelcome }] = await Promise.all([import('./bootstrap.js'), import('./welcome.js')]);
  const app = await createApp(config, { embedded });
  await app.listen({ port: config.http.port, host: config.http.host });
  printWelcome(config, app.getHttpServer().address());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(app, config, signal));
}

/** Graceful stop: refuse new requests (503), let in-flight ones finish, close the database pool, then exit. */
async function shutdown(app: INestApplication, config: AppConfig, signal: string): Promise<void> {
  const { Logger } = await import('@nestjs/common');
  const logger = new Logger('Shutdown');
  logger.log(`${signal} received: finishing in-flight requests`);
  const timer = setTimeout(() => {
    logger.error(`Shutdown took longer than ${config.http.shutdownTimeoutMs} ms; exiting anyway`);
    process.exit(1);
  }, config.http.shutdownTimeoutMs);
  timer.unref();
  await app.close();
  logger.log('Shutdown complete');
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`Tierdesk failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
