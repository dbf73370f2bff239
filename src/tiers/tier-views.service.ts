import { Injectable } from '@nestjs/common';
import { isStaff, type Actor } from '../actor/actor.js';
import type { TierEntity } from './tier.entity.js';
import { TiersService } from './tiers.service.js';

/** Tiers as nested GraphQL fields (a ticket's tier) read them, a whole batch at a time, with the rule of `GET /v1/tiers`. */
@Injectable()
export class TierViewsService {
  constructor(private readonly tiers: TiersService) {}

  /** Staff see every tier; customers none (REST answers them 403), so a ticket's tier is null for them. */
  async tiersFor(actor: Actor, ids: readonly string[]): Promise<TierEntity[]> {
    return isStaff(actor) ? this.tiers.findManyByIds(ids) : [];
  }
}
