import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';

/** The one exception filter: problem+json for REST, a coded GraphQLError for GraphQL. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost) {
    const { problem, headers, unexpected } = toProblem(error);
    if (unexpected) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (host.getType<GqlContextType>() === 'graphql') {
      // Subscriptions and resolvers: Apollo turns this into `errors[]`; formatError keeps only our extensions.
      return new GraphQLError(problem.detail, { extensions: { code: problem.code, status: problem.status, errors: problem.errors } });
    }
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    reply.status(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send({ ...problem, instance: request.url });
  }
}
