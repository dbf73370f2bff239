import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/** A throw-away resource that exercises the common pieces (pagination, ETag, idempotency, loaders) in tests. */
@Entity('probe')
export class ProbeEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) owner!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'int' }) rank!: number;
  // Milliseconds, as a JavaScript Date and the API's timestamps hold them: createdAt is a keyset column.
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @VersionColumn() version!: number;
}

export const PROBE_DDL = `
  CREATE TABLE IF NOT EXISTS probe (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner text NOT NULL, name text NOT NULL, rank int NOT NULL,
    "createdAt" timestamptz(3) NOT NULL DEFAULT now(), version int NOT NULL);
  CREATE INDEX IF NOT EXISTS ix_probe_owner_created ON probe (owner, "createdAt", id);
  CREATE INDEX IF NOT EXISTS ix_probe_owner_rank ON probe (owner, rank, id);`;
