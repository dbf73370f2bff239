import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { GqlArgumentsHost, type GqlContextType } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';

// The GraphQL errors this filter has logged: GraphQL's own error log (logInternalErrors) leaves them out, so that each
// unexpected error is logged once.
const logged = new WeakSet<object>();

/** Whether the filter has already logged the unexpected error behind this GraphQL error. */
export function loggedByFilter(error: unknown): boolean {
  return typeof error === 'object' && error !== null && logged.has(error);
}

/** The one exception filter: problem+json for REST, a coded GraphQLError for GraphQL. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost) {
    const { problem, headers, unexpected } = toProblem(error);
    const graphql = host.getType<GqlContextType>() === 'graphql';
    if (unexpected) {
      // The request id ties the stack to the request's log line and to what the caller was told (X-Request-Id).
      const request = graphql
        ? GqlArgumentsHost.create(host).getContext<{ req?: { id?: string } }>().req
        : host.switchToHttp().getRequest<FastifyRequest>();
      this.logger.error({ reqId: request?.id, err: error }, 'unexpected error');
    }
    if (graphql) {
      // Subscriptions and resolvers: Apollo turns this into `errors[]`; formatError keeps only our extensions.
      const answer = new GraphQLError(problem.detail, {
        extensions: { code: problem.code, status: problem.status, errors: problem.errors },
      });
      if (unexpected) logged.add(answer);
      return answer;
    }
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    reply
      .status(problem.status)
      .headers(headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem, instance: request.url });
  }
}
