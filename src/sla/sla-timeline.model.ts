import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { SlaMetricEnum } from '../ticket-core/ticket.enums.js';
import type { SlaMetric } from '../ticket-core/ticket.entity.js';
import type { SlaClockEntity } from './sla-clock.entity.js';

const dateTime = { type: String, format: 'date-time', maxLength: 30 } as const;
const nullableDateTime = { ...dateTime, nullable: true } as const;

@ObjectType('SlaPause')
export class SlaPause {
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) from!: Date;
  @ApiProperty({ ...nullableDateTime, description: 'null while the pause lasts' })
  @Field(() => GraphQLISODateTime, { nullable: true })
  to!: Date | null;
  @ApiProperty({ maxLength: 50, example: 'pending', description: 'The status that paused the clock' }) @Field(() => String) reason!: string;
}

@ObjectType('SlaClock')
export class SlaClock {
  @ApiProperty({ enum: ['first_response', 'resolution'], enumName: 'SlaMetric' }) @Field(() => SlaMetricEnum) metric!: SlaMetric;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647, description: 'Resolution: 1, then +1 per reopen' })
  @Field(() => Int)
  cycle!: number;
  @ApiProperty({ type: String, format: 'uuid', maxLength: 36 }) @Field(() => ID) policyId!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 525600 }) @Field(() => Int) targetMinutes!: number;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) startedAt!: Date;
  @ApiProperty({ type: [SlaPause], maxItems: 1000 }) @Field(() => [SlaPause]) pauses!: SlaPause[];
  @ApiProperty({ ...dateTime, description: 'Start + target + time paused (as of now, while paused)' })
  @Field(() => GraphQLISODateTime)
  dueAt!: Date;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) satisfiedAt!: Date | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) warnedAt!: Date | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) breachedAt!: Date | null;
  @ApiProperty({ ...nullableDateTime, description: 'The clock ended without being met (e.g. solved before any reply)' })
  @Field(() => GraphQLISODateTime, { nullable: true })
  stoppedAt!: Date | null;
}

@ObjectType('SlaTimeline')
export class SlaTimeline {
  @ApiProperty({ type: String, format: 'uuid', maxLength: 36 }) @Field(() => ID) ticketId!: string;
  @ApiProperty({ type: String, format: 'uuid', maxLength: 36, nullable: true }) @Field(() => ID, { nullable: true }) policyId!:
    string | null;
  @ApiProperty({ type: [SlaClock], maxItems: 1000, description: 'First response, then each resolution cycle' })
  @Field(() => [SlaClock])
  clocks!: SlaClock[];
}

export function toSlaClock(c: SlaClockEntity, now = new Date()): SlaClock {
  // While paused the deadline keeps moving: report where it would be if the clock resumed now.
  const dueAt = c.pausedAt ? new Date(c.dueAt.getTime() + Math.max(0, now.getTime() - c.pausedAt.getTime())) : c.dueAt;
  return {
    metric: c.metric,
    cycle: c.cycle,
    policyId: c.policyId,
    targetMinutes: c.targetMinutes,
    startedAt: c.startedAt,
    pauses: c.pauses.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null, reason: p.reason })),
    dueAt,
    satisfiedAt: c.satisfiedAt,
    warnedAt: c.warnedAt,
    breachedAt: c.breachedAt,
    stoppedAt: c.stoppedAt,
  };
}
