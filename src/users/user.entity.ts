import {
  BeforeInsert,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
  type Relation,
} from 'typeorm';
import { ROLES, type Role } from '../actor/actor.js';
import { newId } from '../common/ids.js';
import { OrganizationEntity } from './organization.entity.js';

export const USER_KINDS = ['person', 'service'] as const;
export type UserKind = (typeof USER_KINDS)[number];

/** Someone (or an API key's service identity) known to Tierdesk; people are created just in time from JWT claims. */
@Entity('user_account')
@Index('ix_user_account_role_created', ['role', 'createdAt', 'id'])
// lower(email), for finding the sender of an e-mail: an expression index, written by its migration.
@Index('ix_user_account_email_lower', { synchronize: false })
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** The user's id in the host product (JWT `sub`); `apikey:<id>` for an API key's service identity. */
  @Index('uq_user_account_external_id', { unique: true }) @Column({ type: 'text' }) externalId!: string;
  @Column({ type: 'enum', enum: USER_KINDS, enumName: 'user_kind', default: 'person' }) kind!: UserKind;
  @Column({ type: 'enum', enum: ROLES, enumName: 'user_role', default: 'customer' }) role!: Role;
  /** `token`: the role follows the JWT claim; `admin`: an admin set it here and it no longer follows tokens. */
  @Column({ type: 'enum', enum: ['token', 'admin'], enumName: 'user_role_source', default: 'token' }) roleSource!: 'token' | 'admin';
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ type: 'text', nullable: true }) name!: string | null;
  @Index('ix_user_account_organization') @Column({ type: 'uuid', nullable: true }) organizationId!: string | null;
  @ManyToOne(() => OrganizationEntity, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'organizationId', foreignKeyConstraintName: 'fk_user_account_organizationId' })
  organization?: Relation<OrganizationEntity> | null;
  /** Deactivated users' credentials are refused with 401. */
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) deactivatedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
