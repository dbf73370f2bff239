import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { RoutingRuleEntity } from '../routing/routing-rule.entity.js';
import { withOrganizations } from '../routing/rule-organizations.js';
import { SlaPolicyEntity } from '../sla/sla-policy.entity.js';
import { TierEntity } from '../tiers/tier.entity.js';

/** What ticket creation consults: every tier, the active routing rules and every SLA policy, at one catalog version. */
export interface IntakeCatalog {
  /** `intake_catalog.version` when this copy was read; the create's insert refuses to run against another. */
  version: string;
  /** By level, createdAt, id: the first is the entry tier. */
  tiers: TierEntity[];
  /** In the order they are tried: position, createdAt, id. */
  rules: RoutingRuleEntity[];
  policies: SlaPolicyEntity[];
}

/** Raised inside a create's transaction when its catalog copy turned out stale: the create is rolled back and rerun. */
export class StaleIntakeCatalog extends Error {
  constructor() {
    super('The intake catalog changed during the create');
  }
}

/**
 * The intake catalog, kept in memory: tiers, routing rules and SLA policies change rarely, and reading them cost every
 * create three statements. Nothing has to tell this cache about a change: every change moves `intake_catalog.version`
 * (database triggers, whoever writes), the create's insert checks that version in the same statement, and a create
 * that finds it moved rereads the catalog and runs again.
 */
@Injectable()
export class IntakeCatalogCache {
  private current: Promise<IntakeCatalog> | null = null;
  private loaded: IntakeCatalog | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Call outside any transaction (on the embedded database, one connection serves them all). */
  get(): Promise<IntakeCatalog> {
    return (this.current ??= this.load().catch((error: unknown) => {
      this.current = null;
      throw error;
    }));
  }

  /** `seen` was refused as stale: the next `get` reads again (unless another create already has). */
  stale(seen: IntakeCatalog): void {
    if (this.loaded === seen) {
      this.current = null;
      this.loaded = null;
    }
  }

  /** The entry tier (lowest level, then oldest), or 409 while no tier exists. */
  static entryTier(catalog: IntakeCatalog): TierEntity {
    const [tier] = catalog.tiers;
    if (!tier) throw new DomainError('CONFLICT', 'No support tier exists yet; an admin must create one (POST /v1/tiers)');
    return tier;
  }

  private async load(): Promise<IntakeCatalog> {
    // The version first: a change landing during the load pairs an older version with newer rows, which the next
    // create's check refuses (and reloads). Read the other way round, newer version with older rows would pass.
    const [{ version }]: { version: string }[] = await this.dataSource.query('SELECT version FROM intake_catalog');
    const tiers = await this.dataSource.getRepository(TierEntity).find({ order: { level: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    const rules = await this.dataSource
      .getRepository(RoutingRuleEntity)
      .find({ where: { active: true }, order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    await withOrganizations(this.dataSource.manager, rules);
    const policies = await this.dataSource.getRepository(SlaPolicyEntity).find();
    const catalog = { version, tiers, rules, policies };
    this.loaded = catalog;
    return catalog;
  }
}
