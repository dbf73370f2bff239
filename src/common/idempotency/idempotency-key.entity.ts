import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A POST seen with an Idempotency-Key: claimed while in flight, then holding the response to replay for 24 h. */
@Entity('idempotency_key')
@Index('ix_idempotency_key_expires_at', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** Who sent it: the credential's id, so two callers never share a key space. */
  @PrimaryColumn({ type: 'text' }) scope!: string;
  @PrimaryColumn({ type: 'text' }) key!: string;
  /** sha256 of method, path and canonical body: same key with another request → 422. */
  @Column({ type: 'text' }) fingerprint!: string;
  @Column({ type: 'int', nullable: true }) responseStatus!: number | null;
  @Column({ type: 'jsonb', nullable: true }) responseBody!: unknown;
  @Column({ type: 'jsonb', nullable: true }) responseHeaders!: Record<string, string> | null;
  /** While in flight: after this a crashed claim may be taken over. */
  @Column({ type: 'timestamptz', precision: 3 }) lockedUntil!: Date;
  @Column({ type: 'timestamptz', precision: 3 }) expiresAt!: Date;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
}
