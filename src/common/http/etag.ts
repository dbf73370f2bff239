import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';

/** Strong ETag for a resource version: `"7"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Parses an `If-Match` header into the expected version; absent or `*` → undefined (no precondition). */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw DomainError.validation([{ field: 'If-Match', message: 'If-Match must be the ETag of the resource, e.g. "3"' }]);
  return Number(match[1]);
}

/** Optimistic-lock check for REST (If-Match) and GraphQL (expectedVersion) alike. */
export function assertVersion(expected: number | undefined | null, actual: number): void {
  if (expected !== undefined && expected !== null && expected !== actual) {
    throw new DomainError('PRECONDITION_FAILED', `The resource has changed: version is ${actual}, not ${expected}`);
  }
}

/** `@IfMatch() expectedVersion?: number` in a controller method. */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  parseIfMatch(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match'] as string | undefined),
);
