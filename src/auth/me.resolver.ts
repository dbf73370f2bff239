import { Query, Resolver } from '@nestjs/graphql';
import type { Actor } from './actor.js';
import { Caller } from './caller.model.js';
import { CurrentActor } from './current-actor.decorator.js';
import { Roles } from './roles.decorator.js';

@Resolver(() => Caller)
export class MeResolver {
  /** The authenticated caller. */
  @Query(() => Caller)
  @Roles('customer', 'agent', 'admin')
  me(@CurrentActor() actor: Actor): Caller {
    return Caller.of(actor);
  }
}
