import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

@ObjectType('Health')
export class HealthStatus {
  @ApiProperty({ enum: ['ok'] }) @Field(() => String) status!: 'ok';
}

export class ReadinessStatus {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty({ enum: ['up', 'down'] }) database!: 'up' | 'down';
  @ApiProperty({ enum: ['applied', 'pending', 'unknown'] }) migrations!: 'applied' | 'pending' | 'unknown';
}
