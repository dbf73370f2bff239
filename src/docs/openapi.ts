import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { version } from '../../package.json';
import { ProblemDocument } from './problem.model.js';

const PUBLIC_PATHS = new Set(['/health', '/ready', '/metrics']);
const TAGS: Record<string, string> = {
  identity: 'The caller',
  users: 'People and service identities (admin)',
  organizations: 'Customer organizations',
  'api-keys': 'Credentials for scripts (admin)',
  service: 'Liveness, readiness, metrics',
};

/** Every `{id}`-style path parameter is a UUID (API.md): say so, so clients and linters know its shape. */
function describePathIds(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const parameter of ((operation as { parameters?: unknown[] }).parameters ?? []) as {
        in?: string;
        name?: string;
        schema?: Record<string, unknown>;
      }[]) {
        if (parameter.in === 'path' && /(^id$|Id$)/.test(parameter.name ?? ''))
          parameter.schema = { type: 'string', format: 'uuid', maxLength: 36 };
      }
    }
  }
}

/** Builds the OpenAPI 3.1 document from the controllers, with keys sorted so the committed file diffs cleanly. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Tierdesk API')
    .setDescription('Headless help-desk API: tickets, support tiers, escalation, SLAs, attachments, knowledge base. See API.md.')
    .setVersion(version)
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'The production deployment serving this document', undefined, { 'x-internal': false })
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or tdk_ API key' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDocument] });
  addStandardResponses(document);
  describePathIds(document);
  document.tags = [
    ...new Set(
      Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => (op as { tags?: string[] }).tags ?? [])),
    ),
  ]
    .sort()
    .map((name) => ({ name, description: TAGS[name] ?? name }));
  return sortKeys(document);
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDocument' } } },
});
const standardHeaders = {
  'Access-Control-Allow-Origin': {
    description: "Present when the request's Origin is allowed by CORS_ORIGINS",
    schema: { type: 'string', maxLength: 2048, format: 'uri' },
  },
  'X-Request-Id': {
    description: 'The request id, also in the logs',
    schema: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed in the window',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the window',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window resets',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
  },
};

/** Every operation documents the errors API.md promises it can return, so clients can code against them. */
function addStandardResponses(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const responses = operation.responses as Record<string, unknown>;
      const isPublic = PUBLIC_PATHS.has(path);
      if (!isPublic) operation.security ??= [{ bearer: [] }];
      responses['400'] ??= problem('Invalid input: each bad field is named in `errors`');
      if (!isPublic || path === '/metrics') responses['401'] ??= problem('Missing or invalid credential');
      if (!isPublic) responses['403'] ??= problem('The caller may not do this');
      responses['429'] ??= {
        ...problem('Too many requests'),
        headers: {
          'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 } },
        },
      };
      responses['500'] ??= problem('Unexpected error (never with a stack trace)');
      for (const response of Object.values(responses)) {
        const r = response as { headers?: object };
        r.headers = { ...standardHeaders, ...r.headers };
      }
    }
  }
}

export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

/** Serves the document at /openapi.json and the reference page at /docs. */
export function mountDocs(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    customSiteTitle: 'Tierdesk API reference',
    useGlobalPrefix: false,
  });
}
