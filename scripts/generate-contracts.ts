import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ModulesContainer } from '@nestjs/core';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AppModule } from '../src/app.module.js';
import { applyRoutePrefix } from '../src/bootstrap.js';
import { AppConfig } from '../src/config/app-config.js';
import { buildOpenApiDocument } from '../src/docs/openapi.js';

// Writes openapi/openapi.json and openapi/schema.gql from the code, without a database or a port: the module graph
// is built in preview mode (no provider is instantiated). CI regenerates both and fails on any diff.
const OUT_DIR = join(__dirname, '..', '..', 'openapi');

async function main(): Promise<void> {
  const config = AppConfig.fromEnv({ NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(32) });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: ['error'],
    abortOnError: false,
  });
  applyRoutePrefix(app);
  const document = buildOpenApiDocument(app);

  const resolvers = [...app.get(ModulesContainer).values()]
    .flatMap((module) => [...module.providers.values()])
    .map((wrapper) => wrapper.metatype)
    .filter(
      (type): type is NonNullable<typeof type> & (new (...args: unknown[]) => unknown) =>
        typeof type === 'function' && Reflect.hasMetadata(RESOLVER_TYPE_METADATA, type),
    );
  const builder = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: ['error'], abortOnError: false });
  const schema = await builder.get(GraphQLSchemaFactory).create([...new Set(resolvers)]);

  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(join(OUT_DIR, 'schema.gql'), `${printSchema(lexicographicSortSchema(schema))}\n`);
  await Promise.all([app.close(), builder.close()]);
  console.log(
    `Wrote openapi/openapi.json (${Object.keys(document.paths).length} paths) and openapi/schema.gql (${resolvers.length} resolvers).`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
