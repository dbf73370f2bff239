import 'reflect-metadata';
import { AppConfig } from './config/app-config.js';
import { ConfigError } from './config/env.validation.js';
import { createApp } from './bootstrap.js';
import { printWelcome } from './welcome.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(1);
  }
  const app = await createApp(config);
  await app.listen({ port: config.http.port, host: config.http.host });
  printWelcome(config, app.getHttpServer().address());
}

main().catch((error: unknown) => {
  console.error(`Tierdesk failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
