import { Controller, Get, Header, HttpStatus, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Public } from '../actor/roles.decorator.js';
import { DomainError } from '../common/errors/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { HealthStatus, ReadinessStatus } from './health.model.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('service')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  /** Liveness: the process is up. */
  @Get('health')
  @Public()
  @ApiOkResponse({ type: HealthStatus })
  health(): HealthStatus {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('ready')
  @Public()
  @ApiOkResponse({ type: ReadinessStatus })
  @ApiServiceUnavailableResponse({ type: ReadinessStatus })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessStatus> {
    const status: ReadinessStatus = { status: 'ready', database: 'up', migrations: 'applied' };
    try {
      await this.dataSource.query('SELECT 1');
      if (await this.dataSource.showMigrations()) status.migrations = 'pending';
    } catch {
      status.database = 'down';
      status.migrations = 'unknown';
    }
    if (status.database !== 'up' || status.migrations !== 'applied') {
      status.status = 'not_ready';
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    }
    return status;
  }

  /** Prometheus metrics; needs `Authorization: Bearer $METRICS_TOKEN` when that is set. */
  @Get('metrics')
  @Public()
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string', maxLength: 10_000_000 } })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(@Req() request: FastifyRequest): Promise<string> {
    const token = this.config.metricsToken;
    if (token) {
      const given = Buffer.from(request.headers.authorization ?? '');
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new DomainError('UNAUTHENTICATED', 'The metrics token is required', [], { 'WWW-Authenticate': 'Bearer' });
      }
    }
    return this.metrics.registry.metrics();
  }
}
