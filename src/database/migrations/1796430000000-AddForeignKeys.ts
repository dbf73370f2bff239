import type { MigrationInterface, QueryRunner } from 'typeorm';

type OnDelete = 'RESTRICT' | 'CASCADE' | 'SET NULL';
interface ForeignKey {
  table: string;
  column: string;
  parent: string;
  onDelete: OnDelete;
}

// Every reference column that can carry a foreign key, as declared on the entities (fk_<table>_<column>). Left out on
// purpose: ticket.tierId, ticket_escalation.fromTierId/toTierId (a tier may be deleted once its tickets are closed;
// history keeps its id), ticket.slaPolicyId and sla_clock.policyId (a policy may be deleted while its clocks run on),
// routing_rule.organizationIds (an array).
const KEYS: ForeignKey[] = [
  { table: 'user_account', column: 'organizationId', parent: 'organization', onDelete: 'SET NULL' },
  { table: 'api_key', column: 'userId', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'api_key', column: 'createdById', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'tier', column: 'escalationTargetId', parent: 'tier', onDelete: 'SET NULL' },
  { table: 'tier_member', column: 'tierId', parent: 'tier', onDelete: 'CASCADE' },
  { table: 'tier_member', column: 'userId', parent: 'user_account', onDelete: 'CASCADE' },
  { table: 'routing_rule', column: 'tierId', parent: 'tier', onDelete: 'RESTRICT' },
  { table: 'sla_policy', column: 'tierId', parent: 'tier', onDelete: 'RESTRICT' },
  { table: 'ticket', column: 'requesterId', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'ticket', column: 'organizationId', parent: 'organization', onDelete: 'SET NULL' },
  { table: 'ticket', column: 'assigneeId', parent: 'user_account', onDelete: 'SET NULL' },
  { table: 'ticket', column: 'followUpOfId', parent: 'ticket', onDelete: 'SET NULL' },
  { table: 'ticket_message', column: 'ticketId', parent: 'ticket', onDelete: 'CASCADE' },
  { table: 'ticket_message', column: 'authorId', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'ticket_event', column: 'ticketId', parent: 'ticket', onDelete: 'CASCADE' },
  { table: 'ticket_event', column: 'actorId', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'outbox', column: 'eventId', parent: 'ticket_event', onDelete: 'CASCADE' },
  { table: 'ticket_escalation', column: 'ticketId', parent: 'ticket', onDelete: 'CASCADE' },
  { table: 'ticket_escalation', column: 'actorId', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'sla_clock', column: 'ticketId', parent: 'ticket', onDelete: 'CASCADE' },
  { table: 'info_request', column: 'ticketId', parent: 'ticket', onDelete: 'CASCADE' },
  { table: 'info_request', column: 'createdById', parent: 'user_account', onDelete: 'RESTRICT' },
  { table: 'info_request', column: 'messageId', parent: 'ticket_message', onDelete: 'SET NULL' },
  { table: 'attachment', column: 'ticketId', parent: 'ticket', onDelete: 'CASCADE' },
  { table: 'attachment', column: 'messageId', parent: 'ticket_message', onDelete: 'CASCADE' },
  { table: 'attachment', column: 'infoRequestId', parent: 'info_request', onDelete: 'CASCADE' },
  { table: 'attachment', column: 'uploaderId', parent: 'user_account', onDelete: 'RESTRICT' },
];
// The one key that existed before, under TypeORM's generated name.
const OLD_USER_ORGANIZATION = 'FK_2703e7d301d0f8f160ac3efdd73';

const nameOf = (key: ForeignKey) => `fk_${key.table}_${key.column}`;
const orphans = (key: ForeignKey) =>
  `FROM "${key.table}" c WHERE c."${key.column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "${key.parent}" p WHERE p."id" = c."${key.column}")`;

/**
 * Deletes used to be guarded by the services alone, so an installation may hold rows that point at nothing. Where the
 * key sets null on delete, the migration does the same to them; any other such row stops it with a message naming
 * table, column and count, before anything has changed: deciding what those rows should become is not ours to guess.
 */
export class AddForeignKeys1796430000000 implements MigrationInterface {
  name = 'AddForeignKeys1796430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const blocking: string[] = [];
    for (const key of KEYS.filter((k) => k.onDelete !== 'SET NULL')) {
      const [{ count }] = await queryRunner.query(`SELECT count(*)::int AS count ${orphans(key)}`);
      if (count > 0) blocking.push(`${key.table}.${key.column}: ${count} row(s) name a ${key.parent} that does not exist`);
    }
    if (blocking.length) {
      throw new Error(
        `Cannot add foreign keys; nothing was changed. These rows refer to rows that no longer exist:\n  ${blocking.join('\n  ')}\n` +
          `Point them at existing rows (or remove them, if they are not needed), then run the migrations again.`,
      );
    }
    for (const key of KEYS.filter((k) => k.onDelete === 'SET NULL')) {
      await queryRunner.query(`UPDATE "${key.table}" SET "${key.column}" = NULL WHERE "id" IN (SELECT c."id" ${orphans(key)})`);
    }
    // Deleting an event or a ticket looks up what refers to it: these columns had no index to do it with.
    await queryRunner.query(`CREATE INDEX "ix_outbox_event" ON "outbox" ("eventId")`);
    await queryRunner.query(`CREATE INDEX "ix_ticket_follow_up" ON "ticket" ("followUpOfId") WHERE "followUpOfId" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "user_account" DROP CONSTRAINT "${OLD_USER_ORGANIZATION}"`);
    for (const key of KEYS) {
      await queryRunner.query(
        `ALTER TABLE "${key.table}" ADD CONSTRAINT "${nameOf(key)}" FOREIGN KEY ("${key.column}") REFERENCES "${key.parent}"("id") ON DELETE ${key.onDelete} ON UPDATE NO ACTION`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const key of [...KEYS].reverse()) await queryRunner.query(`ALTER TABLE "${key.table}" DROP CONSTRAINT "${nameOf(key)}"`);
    await queryRunner.query(
      `ALTER TABLE "user_account" ADD CONSTRAINT "${OLD_USER_ORGANIZATION}" FOREIGN KEY ("organizationId") REFERENCES "organization"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`DROP INDEX "ix_ticket_follow_up"`);
    await queryRunner.query(`DROP INDEX "ix_outbox_event"`);
  }
}
