import { BeforeInsert, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { newId } from '../common/ids.js';

/** A customer organization, created the first time a token names it in its `org` claim. */
@Entity('organization')
export class OrganizationEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  /** The host product's organization key (the `org` claim). */
  @Index('uq_organization_key', { unique: true }) @Column({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) name!: string;
  /** Customers of the organization see each other's tickets. */
  @Column({ type: 'boolean', default: false }) shareTickets!: boolean;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
