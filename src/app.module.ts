import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/common.module.js';
import { graphqlOptions } from './common/graphql/graphql-options.js';
import { LoaderRegistry } from './common/graphql/loader.registry.js';
import { APP_LOGGER, createLoggers, loggerOptions } from './common/http/logger-options.js';
import { entities } from './entities.js';
import type { EmbeddedPostgres } from './database/embedded-postgres.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule, type EntityClass } from './database/database.module.js';
import { NotifierModule } from './database/notifier.js';
import { IdentityChangesModule } from './identity/identity-changes.js';
import { EscalationsModule } from './escalations/escalations.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { InfoRequestsModule } from './info-requests/info-requests.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { TiersModule } from './tiers/tiers.module.js';
import { RoutingModule } from './routing/routing.module.js';
import { SlaPoliciesModule } from './sla/sla-policies.module.js';
import { KbModule } from './kb/kb.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { EmailModule } from './email/email.module.js';

/** Wires the feature modules; `extra` lets tests add fixture modules and tables without touching the plumbing. */
@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    extra: { imports?: ModuleMetadata['imports']; entities?: EntityClass[]; embedded?: Promise<EmbeddedPostgres> } = {},
  ): DynamicModule {
    const loggers = createLoggers(config);
    return {
      module: AppModule,
      providers: [{ provide: APP_LOGGER, useValue: loggers.requests }],
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(loggers.app)),
        DatabaseModule.forRoot([...entities, ...(extra.entities ?? [])], extra.embedded),
        NotifierModule,
        IdentityChangesModule,
        CommonModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [AppConfig, LoaderRegistry],
          useFactory: graphqlOptions,
        }),
        HealthModule,
        AuthModule,
        EventsModule,
        JobsModule,
        TiersModule,
        TicketsModule,
        RoutingModule,
        SlaPoliciesModule,
        EscalationsModule,
        InfoRequestsModule,
        KbModule,
        WebhooksModule,
        EmailModule,
        ...(extra.imports ?? []),
      ],
    };
  }
}
