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
} from 'typeorm';
import { newId } from '../common/ids.js';

/** A shelf of the knowledge base: top-level, or one level under a top-level one; ordered by `position`. */
@Entity('kb_category')
@Index('ix_kb_category_parent_position', ['parentId', 'position', 'id'])
export class KbCategoryEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  @Column({ type: 'uuid', nullable: true }) parentId!: string | null;
  @Column({ type: 'int', default: 0 }) position!: number;
  @CreateDateColumn({ type: 'timestamptz', precision: 3 }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 }) updatedAt!: Date;
  @VersionColumn() version!: number;

  // For the foreign key only: a category with subcategories is not deleted (409).
  @ManyToOne(() => KbCategoryEntity, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parentId', foreignKeyConstraintName: 'fk_kb_category_parentId' })
  parent?: never;

  @BeforeInsert() assignId(): void {
    this.id ??= newId();
  }
}
