// Benchmark reference: the same ticket reads as Tierdesk (get by id, slaDueAt-sorted list) served by a bare NestJS +
// Fastify + pg handler: no auth, no ORM, no validation, no logging. Its throughput is "the practical ceiling on this machine".
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, NotFoundException, type OnApplicationShutdown, Param, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';

// Exactly the columns toTicket (src/tickets/ticket.model.ts) reads; no joins (escalationLevel lives on the ticket row).
const COLUMNS = `id, number, subject, description, status, priority, type, channel, "requesterId", "organizationId", "tierId",
  "assigneeId", tags, "customFields", "slaPolicyId", "firstResponseDueAt", "resolutionDueAt", "firstRespondedAt", "slaBreached",
  "escalationLevel", "followUpOfId", "createdAt", "updatedAt", "solvedAt", "closedAt", version`;
// Same expression as Tierdesk's slaDueAt sort and the ix_ticket_sla_due index.
const SLA_DUE = `coalesce("slaDueAt", 'infinity'::timestamptz)`;
const LIST = `SELECT ${COLUMNS}, "slaDueAt" FROM ticket WHERE "tierId" = $1 AND status = ANY($2::ticket_status[])`;
const GET_BY_ID = { name: 'ref_ticket_by_id', text: `SELECT ${COLUMNS} FROM ticket WHERE id = $1` };
const LIST_FIRST = { name: 'ref_ticket_list', text: `${LIST} ORDER BY ${SLA_DUE}, id LIMIT $3` };
const LIST_AFTER = {
  name: 'ref_ticket_list_after',
  text: `${LIST} AND (${SLA_DUE}, id) > ($3::timestamptz, $4::uuid) ORDER BY ${SLA_DUE}, id LIMIT $5`,
};
const ALL_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];

type Row = Record<string, unknown>;

/** The JSON shape of Tierdesk's toTicket, same key order; Dates serialize as ISO strings. */
function toTicket(t: Row) {
  return {
    id: t.id, number: t.number, subject: t.subject, description: t.description, status: t.status, priority: t.priority, type: t.type,
    channel: t.channel, requesterId: t.requesterId, organizationId: t.organizationId, tierId: t.tierId, assigneeId: t.assigneeId,
    tags: t.tags, customFields: t.customFields,
    sla: { policyId: t.slaPolicyId, firstResponseDueAt: t.firstResponseDueAt, resolutionDueAt: t.resolutionDueAt, firstRespondedAt: t.firstRespondedAt, breached: t.slaBreached },
    escalationLevel: t.escalationLevel, followUpOfId: t.followUpOfId, createdAt: t.createdAt, updatedAt: t.updatedAt,
    solvedAt: t.solvedAt, closedAt: t.closedAt, version: t.version,
  };
}

/** Same opaque cursor as Tierdesk (src/common/pagination/cursor.ts): base64url JSON of [slaDueAt ISO | 'infinity', id]. */
const encodeCursor = (row: Row) =>
  Buffer.from(JSON.stringify([row.slaDueAt instanceof Date ? row.slaDueAt.toISOString() : 'infinity', row.id]), 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];

@Injectable()
class Db implements OnApplicationShutdown {
  readonly pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_MAX) || 10, // 10: Tierdesk's default DATABASE_POOL_MAX
    application_name: 'tierdesk-bench-reference',
  });

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Controller('v1/tickets')
class TicketsController {
  constructor(private readonly db: Db) {}

  @Get(':id')
  async get(@Param('id') id: string) {
    const { rows } = await this.db.pool.query({ ...GET_BY_ID, values: [id] });
    if (rows.length === 0) throw new NotFoundException({});
    return toTicket(rows[0]);
  }

  @Get()
  async list(@Query() q: { tierId?: string; status?: string; limit?: string; cursor?: string }) {
    const limit = Number(q.limit) || 25;
    const statuses = q.status ? q.status.split(',') : ALL_STATUSES;
    const query = q.cursor
      ? { ...LIST_AFTER, values: [q.tierId, statuses, ...decodeCursor(q.cursor), limit + 1] }
      : { ...LIST_FIRST, values: [q.tierId, statuses, limit + 1] };
    const { rows } = await this.db.pool.query(query);
    const data = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeCursor(data[data.length - 1]) : null;
    return { data: data.map(toTicket), nextCursor };
  }
}

@Module({ controllers: [TicketsController], providers: [Db] })
class ReferenceModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(ReferenceModule, new FastifyAdapter({ logger: false }), { logger: false });
  app.enableShutdownHooks(); // SIGTERM/SIGINT → onApplicationShutdown → pool.end()
  const port = Number(process.env.PORT) || 3778;
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  console.log(`reference server on http://${host}:${port} (pool max ${Number(process.env.DATABASE_POOL_MAX) || 10})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
