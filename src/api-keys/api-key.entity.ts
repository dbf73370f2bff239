import { BeforeInsert, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { newId } from '../common/ids.js';
import { UserEntity } from '../users/user.entity.js';

export const API_KEY_ROLES = ['agent', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** A script's credential. Only the sha256 of the secret is stored; the secret is shown once, at creation. */
@Entity('api_key')
@Index('ix_api_key_created', ['createdAt', 'id'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'enum', enum: API_KEY_ROLES, enumName: 'api_key_role' }) role!: ApiKeyRole;
  /** The first characters of the secret, so people can tell keys apart. */
  @Column({ type: 'text' }) prefix!: string;
  @Index('uq_api_key_secret_hash', { unique: true }) @Column({ type: 'text', select: false }) secretHash!: string;
  /** The service identity the key acts as (a user of kind `service`). */
  @Column({ type: 'uuid' }) userId!: string;
  @Column({ type: 'uuid' }) createdById!: string;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) expiresAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) lastUsedAt!: Date | null;
  @Column({ type: 'timestamptz', precision: 3, nullable: true }) revokedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;

  // For the foreign keys only, never loaded. Keys are revoked and users deactivated, neither deleted.
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'userId', foreignKeyConstraintName: 'fk_api_key_userId' })
  identity?: never; // not `user`: ApiKeysService maps the joined user there
  @ManyToOne(() => UserEntity, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'createdById', foreignKeyConstraintName: 'fk_api_key_createdById' })
  createdBy?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
