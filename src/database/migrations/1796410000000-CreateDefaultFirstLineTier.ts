import type { MigrationInterface, QueryRunner } from 'typeorm';
import { v7 } from 'uuid';

// A fresh install takes a customer's first ticket at once: new tickets need a tier to enter, so a first line exists from
// the start (level 1, manual assignment). Admins rename, change or replace it like any other tier. An install that
// already has tiers gets nothing.
export class CreateDefaultFirstLineTier1796410000000 implements MigrationInterface {
  name = 'CreateDefaultFirstLineTier1796410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO "tier" ("id", "name", "level", "description", "assignment", "version")
       SELECT $1, 'First line', 1, 'Where new tickets arrive. Created at installation; rename or replace it.', 'manual', 1
       WHERE NOT EXISTS (SELECT 1 FROM "tier")`,
      [v7()],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Only the untouched default, and only while nothing refers to it.
    await queryRunner.query(
      `DELETE FROM "tier" t WHERE t."name" = 'First line' AND t."version" = 1
         AND NOT EXISTS (SELECT 1 FROM "ticket" WHERE "tierId" = t.id) AND NOT EXISTS (SELECT 1 FROM "tier_member" WHERE "tierId" = t.id)
         AND NOT EXISTS (SELECT 1 FROM "routing_rule" WHERE "tierId" = t.id) AND NOT EXISTS (SELECT 1 FROM "sla_policy" WHERE "tierId" = t.id)`,
    );
  }
}
