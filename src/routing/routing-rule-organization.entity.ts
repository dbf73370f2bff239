import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../users/organization.entity.js';
import { RoutingRuleEntity } from './routing-rule.entity.js';

/**
 * One organization a routing rule's condition lists (`conditions.organizationIds`): a row each, so a foreign key checks
 * it. An organization a rule names cannot be deleted: dropping it from the list could leave it empty, which matches all.
 */
@Entity('routing_rule_organization')
@Index('ix_routing_rule_organization_organization', ['organizationId'])
export class RoutingRuleOrganizationEntity {
  @PrimaryColumn({ type: 'uuid' }) ruleId!: string;
  @PrimaryColumn({ type: 'uuid' }) organizationId!: string;
  /** Where it stands in the list as given: the list reads back in that order. */
  @Column({ type: 'int' }) position!: number;

  // For the foreign keys only, never loaded.
  @ManyToOne(() => RoutingRuleEntity, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ruleId', foreignKeyConstraintName: 'fk_routing_rule_organization_ruleId' })
  rule?: never;
  @ManyToOne(() => OrganizationEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId', foreignKeyConstraintName: 'fk_routing_rule_organization_organizationId' })
  organization?: never;
}
