import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, type EntityClass } from './data-source-options.js';
import { useFastTimestamps } from './timestamps.js';
import { EmbeddedPostgres } from './embedded-postgres.js';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');
const EMBEDDED_STARTED = Symbol('EMBEDDED_STARTED');

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

@Module({})
class EmbeddedPostgresModule {
  /** `started`: the embedded server main.ts began starting before the app's modules loaded, if it did. */
  static forRoot(started?: Promise<EmbeddedPostgres>): DynamicModule {
    return {
      module: EmbeddedPostgresModule,
      providers: [
        { provide: EMBEDDED_STARTED, useValue: started ?? null },
        {
          provide: EMBEDDED_POSTGRES,
          inject: [AppConfig, EMBEDDED_STARTED],
          useFactory: async (config: AppConfig, started: Promise<EmbeddedPostgres> | null) => {
            const db = config.database;
            if (db.kind !== 'embedded') return null;
            const embedded = await (started ?? EmbeddedPostgres.forApp(db));
            new Logger('Database').log(`Embedded PostgreSQL (PGlite) ${db.dataDir ? `in ${db.dataDir}` : 'in memory'}`);
            return embedded;
          },
        },
        EmbeddedPostgresLifecycle,
      ],
      exports: [EMBEDDED_POSTGRES],
    };
  }
}

/**
 * TypeORM on PostgreSQL or the embedded default, for the given entities (the app's, and tests' fixture tables); `embedded`
 * is the embedded server when it was started ahead (main.ts).
 */
@Module({})
export class DatabaseModule {
  static forRoot(entities: EntityClass[], embedded?: Promise<EmbeddedPostgres>): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [EmbeddedPostgresModule.forRoot(embedded)],
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
