import { Query, Resolver } from '@nestjs/graphql';
import { Public } from '../actor/roles.decorator.js';
import { HealthStatus } from './health.model.js';

@Resolver(() => HealthStatus)
export class HealthResolver {
  /** Liveness over GraphQL, for clients that only speak GraphQL. */
  @Query(() => HealthStatus)
  @Public()
  health(): HealthStatus {
    return { status: 'ok' };
  }
}
