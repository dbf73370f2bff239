import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddTierRoutingSlaAndEscalationTables1795621010333 implements MigrationInterface {
  name = 'AddTierRoutingSlaAndEscalationTables1795621010333';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "ticket_escalation" ("id" uuid NOT NULL, "ticketId" uuid NOT NULL, "fromTierId" uuid NOT NULL, "toTierId" uuid NOT NULL, "direction" text NOT NULL, "reason" text NOT NULL, "handoff" jsonb, "actorId" uuid, "trigger" text NOT NULL, "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_7c21f37723727cfaecb12a777d7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_ticket_escalation_ticket_at" ON "ticket_escalation"  ("ticketId", "at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "routing_rule" ("id" uuid NOT NULL, "name" text NOT NULL, "position" integer NOT NULL, "active" boolean NOT NULL DEFAULT true, "types" text array NOT NULL DEFAULT '{}', "priorities" text array NOT NULL DEFAULT '{}', "channels" text array NOT NULL DEFAULT '{}', "tags" text array NOT NULL DEFAULT '{}', "organizationIds" uuid array NOT NULL DEFAULT '{}', "tierId" uuid NOT NULL, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_b402e9e6a4d11fbd58e076daa2f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_routing_rule_position" ON "routing_rule"  ("position", "createdAt", "id") `);
    await queryRunner.query(
      `CREATE TABLE "sla_clock" ("id" uuid NOT NULL, "ticketId" uuid NOT NULL, "metric" text NOT NULL, "cycle" integer NOT NULL DEFAULT '1', "policyId" uuid NOT NULL, "targetMinutes" integer NOT NULL, "startedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "dueAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "warnAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "pauses" jsonb NOT NULL DEFAULT '[]', "pausedAt" TIMESTAMP(3) WITH TIME ZONE, "satisfiedAt" TIMESTAMP(3) WITH TIME ZONE, "warnedAt" TIMESTAMP(3) WITH TIME ZONE, "breachedAt" TIMESTAMP(3) WITH TIME ZONE, "stoppedAt" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_c2a8a96fd7eadc64be20e2fbd60" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_sla_clock_ticket_metric_cycle" ON "sla_clock"  ("ticketId", "metric", "cycle") `);
    await queryRunner.query(
      `CREATE TABLE "sla_policy" ("id" uuid NOT NULL, "name" text NOT NULL, "priority" "ticket_priority" NOT NULL, "tierId" uuid, "firstResponseMinutes" integer NOT NULL, "resolutionMinutes" integer NOT NULL, "pauseWhilePending" boolean NOT NULL DEFAULT true, "autoEscalate" boolean NOT NULL DEFAULT false, "createdAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_19c1aa9dd53b9fc80648ae034b4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`ALTER TABLE "tier" ADD "assignmentCursor" bigint NOT NULL DEFAULT '0'`);
    // Hand-written: one policy per priority and tier, where "no tier" counts as a single value.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_sla_policy_scope" ON "sla_policy" ("priority", (coalesce("tierId", '00000000-0000-0000-0000-000000000000'::uuid)))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tier" DROP COLUMN "assignmentCursor"`);
    await queryRunner.query(`DROP INDEX "uq_sla_policy_scope"`);
    await queryRunner.query(`DROP TABLE "sla_policy"`);
    await queryRunner.query(`DROP INDEX "uq_sla_clock_ticket_metric_cycle"`);
    await queryRunner.query(`DROP TABLE "sla_clock"`);
    await queryRunner.query(`DROP INDEX "ix_routing_rule_position"`);
    await queryRunner.query(`DROP TABLE "routing_rule"`);
    await queryRunner.query(`DROP INDEX "ix_ticket_escalation_ticket_at"`);
    await queryRunner.query(`DROP TABLE "ticket_escalation"`);
  }
}
