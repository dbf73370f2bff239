import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor } from './actor.js';

export function requestOf(context: ExecutionContext): { user?: Actor; headers: Record<string, unknown> } {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
  return context.switchToHttp().getRequest();
}

/** The authenticated caller of this request. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => requestOf(context).user!);

/** The caller of an @AnyCaller handler: null when no credential came (an anonymous reader). */
export const OptionalActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor | null => requestOf(context).user ?? null);
