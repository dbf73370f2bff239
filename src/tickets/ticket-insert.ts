import type { DataSource, EntityManager } from 'typeorm';
import { hydrate, preparedIn, selectColumns, type PreparedStatement } from '../database/prepared-read.js';
import type { SlaClockEntity } from '../sla/sla-clock.entity.js';
import { StaleIntakeCatalog } from './intake-catalog.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';

/** The columns a create sets; the rest take their defaults (status new, no breaches, …). */
export type NewTicket = Pick<
  TicketEntity,
  | 'id'
  | 'subject'
  | 'description'
  | 'type'
  | 'priority'
  | 'channel'
  | 'requesterId'
  | 'organizationId'
  | 'tierId'
  | 'escalationLevel'
  | 'assigneeId'
  | 'tags'
  | 'customFields'
  | 'followUpOfId'
  | 'slaPolicyId'
  | 'firstResponseDueAt'
  | 'resolutionDueAt'
  | 'slaDueAt'
  | 'createdAt'
>;

/** The `ticket.created` audit event: its id, who created the ticket, and the snapshot (the ticket's number is added in SQL). */
export interface CreatedEvent {
  id: string;
  actorId: string;
  after: Record<string, unknown>;
}

const clockColumns = `id uuid, metric text, "policyId" uuid, "targetMinutes" int, "startedAt" timestamptz, "dueAt" timestamptz, "warnAt" timestamptz`;
let statement: PreparedStatement | null = null;

/**
 * Writes a new ticket in one statement: the row (with its SLA columns), its `ticket.created` event (sequence 1) and
 * outbox row, and its SLA clocks. The insert checks the intake catalog version it was planned with, in the same
 * statement: a stale plan writes nothing and raises StaleIntakeCatalog (the caller reruns the create).
 */
export async function insertNewTicket(
  em: EntityManager,
  ticket: NewTicket,
  event: CreatedEvent,
  clocks: SlaClockEntity[],
  catalogVersion: string,
): Promise<TicketEntity> {
  const t = ticket;
  const [row] = await preparedIn(em, (statement ??= insertStatement(em.connection)), [
    t.id,
    t.subject,
    t.description,
    t.type,
    t.priority,
    t.channel,
    t.requesterId,
    t.organizationId,
    t.tierId,
    t.escalationLevel,
    t.assigneeId,
    t.tags,
    JSON.stringify(t.customFields),
    t.followUpOfId,
    `${t.subject}\n${t.description}`,
    t.slaPolicyId,
    t.firstResponseDueAt,
    t.resolutionDueAt,
    t.slaDueAt,
    t.createdAt,
    event.id,
    event.actorId,
    JSON.stringify(event.after),
    JSON.stringify(
      clocks.map((c) => ({
        id: c.id,
        metric: c.metric,
        policyId: c.policyId,
        targetMinutes: c.targetMinutes,
        startedAt: c.startedAt,
        dueAt: c.dueAt,
        warnAt: c.warnAt,
      })),
    ),
    catalogVersion,
  ]);
  if (!row) throw new StaleIntakeCatalog();
  return hydrate(em.connection, TicketEntity, row);
}

function insertStatement(dataSource: DataSource): PreparedStatement {
  return {
    name: 'ticket_intake_insert',
    text: `WITH t AS (
        INSERT INTO ticket (id, subject, description, type, priority, channel, "requesterId", "organizationId", "tierId", "escalationLevel",
          "assigneeId", tags, "customFields", "followUpOfId", "searchPublicText", "slaPolicyId", "firstResponseDueAt", "resolutionDueAt",
          "slaDueAt", "lastEventSequence", "createdAt", "updatedAt", version)
        SELECT $1::uuid, $2::text, $3::text, $4::ticket_type, $5::ticket_priority, $6::ticket_channel, $7::uuid, $8::uuid, $9::uuid, $10::int,
          $11::uuid, $12::text[], $13::jsonb, $14::uuid, $15::text, $16::uuid, $17::timestamptz, $18::timestamptz, $19::timestamptz, 1,
          $20::timestamptz, $20::timestamptz, 1
        WHERE (SELECT version FROM intake_catalog) = $25::bigint
        RETURNING ${selectColumns(dataSource, TicketEntity)}),
      ev AS (
        INSERT INTO ticket_event (id, "ticketId", sequence, type, "actorId", before, after, internal, at)
        SELECT $21::uuid, t.id, 1, 'ticket.created', $22::uuid, NULL, $23::jsonb || jsonb_build_object('number', t.number), false, $20::timestamptz
        FROM t RETURNING id),
      queued AS (INSERT INTO outbox ("eventId") SELECT id FROM ev),
      clocks AS (
        INSERT INTO sla_clock (id, "ticketId", metric, cycle, "policyId", "targetMinutes", "startedAt", "dueAt", "warnAt")
        SELECT c.id, t.id, c.metric, 1, c."policyId", c."targetMinutes", c."startedAt", c."dueAt", c."warnAt"
        FROM t, jsonb_to_recordset($24::jsonb) AS c(${clockColumns}))
      SELECT * FROM t`,
  };
}
