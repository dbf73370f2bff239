// Benchmark reference: the same ticket reads as Tierdesk (get by id, slaDueAt-sorted list) and the same create (the rows
// it writes, in one transaction) served by a bare NestJS + Fastify + pg handler: no auth, no ORM, no validation, no logging. Its throughput is "the practical ceiling on this machine".
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Injectable,
  Module,
  NotFoundException,
  type OnApplicationShutdown,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { v7 } from 'uuid';

// Exactly the columns toTicket (src/ticket-core/ticket.model.ts) reads; no joins (escalationLevel lives on the ticket row).
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
    id: t.id,
    number: t.number,
    subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    type: t.type,
    channel: t.channel,
    requesterId: t.requesterId,
    organizationId: t.organizationId,
    tierId: t.tierId,
    assigneeId: t.assigneeId,
    tags: t.tags,
    customFields: t.customFields,
    sla: {
      policyId: t.slaPolicyId,
      firstResponseDueAt: t.firstResponseDueAt,
      resolutionDueAt: t.resolutionDueAt,
      firstRespondedAt: t.firstRespondedAt,
      breached: t.slaBreached,
    },
    escalationLevel: t.escalationLevel,
    followUpOfId: t.followUpOfId,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    solvedAt: t.solvedAt,
    closedAt: t.closedAt,
    version: t.version,
  };
}

/** Same opaque cursor as Tierdesk (src/common/pagination/cursor.ts): base64url JSON of [slaDueAt ISO | 'infinity', id]. */
const encodeCursor = (row: Row) =>
  Buffer.from(JSON.stringify([row.slaDueAt instanceof Date ? row.slaDueAt.toISOString() : 'infinity', row.id]), 'utf8').toString(
    'base64url',
  );
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

// A ticket create writes what Tierdesk's does, in one transaction: the idempotency record (claimed, then its response),
// the ticket (in the first line, its SLA columns set), its audit event and outbox row, both SLA clocks and their four
// deadline jobs. What is looked up once (the entry tier, the normal-priority policy, the requester) is not a row written.
const CLAIM = {
  name: 'ref_claim',
  text: `INSERT INTO idempotency_key (scope, key, fingerprint, "lockedUntil", "expiresAt") VALUES ($1, $2, $3, now() + interval '1 minute', now() + interval '1 day')`,
};
const INSERT_TICKET = {
  name: 'ref_insert_ticket',
  text: `INSERT INTO ticket (id, subject, description, "requesterId", "organizationId", "tierId", "escalationLevel", "searchPublicText",
           "slaPolicyId", "firstResponseDueAt", "resolutionDueAt", "slaDueAt", "lastEventSequence", version)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $2 || chr(10) || $3, $7, $8, $9, $8, 1, 1) RETURNING ${COLUMNS}`,
};
const INSERT_EVENT = {
  name: 'ref_insert_event',
  text: `WITH ev AS (INSERT INTO ticket_event (id, "ticketId", sequence, type, "actorId", after, internal, at)
           VALUES ($1, $2, 1, 'ticket.created', $3, $4::jsonb, false, now()) RETURNING id)
         INSERT INTO outbox ("eventId") SELECT id FROM ev`,
};
const INSERT_CLOCKS = {
  name: 'ref_insert_clocks',
  text: `INSERT INTO sla_clock (id, "ticketId", metric, cycle, "policyId", "targetMinutes", "startedAt", "dueAt", "warnAt")
         VALUES ($1, $3, 'first_response', 1, $4, $5, now(), $6, $7), ($2, $3, 'resolution', 1, $4, $8, now(), $9, $10)`,
};
const INSERT_JOBS = {
  name: 'ref_insert_jobs',
  text: `INSERT INTO pgboss.job (name, data, start_after) SELECT 'sla-deadline', d, s FROM unnest($1::jsonb[], $2::timestamptz[]) AS j(d, s)`,
};
const COMPLETE = {
  name: 'ref_complete',
  text: `UPDATE idempotency_key SET "responseStatus" = 201, "responseBody" = $3 WHERE scope = $1 AND key = $2`,
};

@Controller('v1/tickets')
class CreateController {
  private fixed?: Promise<{
    tierId: string;
    policy: { id: string; firstResponseMinutes: number; resolutionMinutes: number };
    requester: { id: string; organizationId: string | null };
  }>;

  constructor(private readonly db: Db) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: { subject: string; description: string }, @Headers('idempotency-key') key: string | undefined) {
    const { tierId, policy, requester } = await (this.fixed ??= this.lookups());
    const client = await this.db.pool.connect();
    try {
      await client.query('BEGIN');
      const scope = `user:${requester.id}`;
      const idempotencyKey = key ?? randomUUID();
      await client.query({ ...CLAIM, values: [scope, idempotencyKey, 'fingerprint'] });
      const id = v7();
      const minute = 60_000;
      const now = Date.now();
      const firstDue = new Date(now + policy.firstResponseMinutes * minute);
      const resolutionDue = new Date(now + policy.resolutionMinutes * minute);
      const { rows } = await client.query({
        ...INSERT_TICKET,
        values: [id, body.subject, body.description, requester.id, requester.organizationId, tierId, policy.id, firstDue, resolutionDue],
      });
      const ticket = toTicket(rows[0]);
      const t = rows[0];
      const snapshot = {
        number: t.number,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        type: t.type,
        channel: t.channel,
        requesterId: t.requesterId,
        organizationId: t.organizationId,
        tierId: t.tierId,
        assigneeId: t.assigneeId,
        tags: t.tags,
      };
      await client.query({ ...INSERT_EVENT, values: [v7(), id, requester.id, JSON.stringify(snapshot)] });
      const [first, resolution] = [v7(), v7()];
      const warn = (minutes: number) => new Date(now + minutes * minute * 0.8);
      await client.query({
        ...INSERT_CLOCKS,
        values: [
          first,
          resolution,
          id,
          policy.id,
          policy.firstResponseMinutes,
          firstDue,
          warn(policy.firstResponseMinutes),
          policy.resolutionMinutes,
          resolutionDue,
          warn(policy.resolutionMinutes),
        ],
      });
      const jobs = [
        [first, 'warning', warn(policy.firstResponseMinutes)],
        [first, 'breach', firstDue],
        [resolution, 'warning', warn(policy.resolutionMinutes)],
        [resolution, 'breach', resolutionDue],
      ] as const;
      await client.query({
        ...INSERT_JOBS,
        values: [jobs.map(([clockId, kind, at]) => JSON.stringify({ clockId, kind, at: at.toISOString() })), jobs.map(([, , at]) => at)],
      });
      await client.query({ ...COMPLETE, values: [scope, idempotencyKey, JSON.stringify(ticket)] });
      await client.query('COMMIT');
      return ticket;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async lookups() {
    const one = async (sql: string) => (await this.db.pool.query(sql)).rows[0];
    return {
      tierId: (await one(`SELECT id FROM tier ORDER BY level, "createdAt", id LIMIT 1`)).id as string,
      policy: await one(
        `SELECT id, "firstResponseMinutes", "resolutionMinutes" FROM sla_policy WHERE priority = 'normal' AND "tierId" IS NULL LIMIT 1`,
      ),
      requester: await one(`SELECT id, "organizationId" FROM user_account WHERE role = 'customer' ORDER BY "externalId" LIMIT 1`),
    };
  }
}

@Module({ controllers: [TicketsController, CreateController], providers: [Db] })
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
