import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, type EntityClass } from './data-source-options.js';
import { useFastTimestamps } from './timestamps.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');
// Room on the embedded socket server beyond the TypeORM pool: job engine, LISTEN connection, CLI.
const EMBEDDED_EXTRA_CONNECTIONS = 10;

/** Closes the TypeORM pool before the embedded server it talks to, so shutdown never hangs. */
@Injectable()
class EmbeddedPostgresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    const dataSource = this.moduleRef.get(getDataSourceToken(), { strict: false }) as DataSource | undefined;
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.embedded.stop();
  }
}

@Module({
  providers: [
    {
      provide: EMBEDDED_POSTGRES,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const db = config.database;
        if (db.kind !== 'embedded') return null;
        const embedded = await EmbeddedPostgres.start(db.dataDir, db.poolMax + EMBEDDED_EXTRA_CONNECTIONS);
        new Logger('Database').log(`Embedded PostgreSQL (PGlite) ${db.dataDir ? `in ${db.dataDir}` : 'in memory'}`);
        return embedded;
      },
    },
    EmbeddedPostgresLifecycle,
  ],
  exports: [EMBEDDED_POSTGRES],
})
class EmbeddedPostgresModule {}

/** TypeORM on PostgreSQL or the embedded default, for the given entities (the app's, and tests' fixture tables). */
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityClass[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [EmbeddedPostgresModule],
          inject: [AppConfig, EMBEDDED_POSTGRES],
          useFactory: (config: AppConfig, embedded: EmbeddedPostgres | null) => {
            useFastTimestamps();
            return {
              ...dataSourceOptions(config.database, entities, embedded ?? undefined),
              migrationsRun: config.database.runMigrations,
              retryAttempts: 5,
              retryDelay: 2000,
            };
          },
        }),
      ],
    };
  }
}

export type { EntityClass } from './data-source-options.js';
