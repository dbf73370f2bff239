import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

/** A JSON Schema as OpenAPI 3.1 documents use it (only what the fuzz reads). */
export interface JsonSchema {
  $ref?: string;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
}

export interface RestParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

/** One REST operation of the served OpenAPI document. */
export interface RestOperation {
  method: string;
  /** `/v1/tickets/{id}` */
  path: string;
  parameters: RestParameter[];
  body: { kind: 'json'; schema: JsonSchema } | { kind: 'multipart'; schema: JsonSchema } | null;
}

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: RestParameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Follows `$ref` and single-member `allOf` (how the document names enums and nested inputs). */
export function resolver(document: OpenApiDocument): (schema: JsonSchema | undefined) => JsonSchema {
  const resolve = (schema: JsonSchema | undefined): JsonSchema => {
    if (!schema) return {};
    if (schema.$ref) return resolve(document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf?.length === 1)
      return { ...resolve(schema.allOf[0]), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'allOf')) };
    return schema;
  };
  return resolve;
}

/** Every operation of the document: a route added later is fuzzed without touching the fuzz. */
export function restOperations(document: OpenApiDocument): RestOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => {
        const content = op.requestBody?.content ?? {};
        const json = content['application/json']?.schema;
        const multipart = content['multipart/form-data']?.schema;
        return {
          method: method.toUpperCase(),
          path,
          parameters: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header'),
          body: json ? { kind: 'json' as const, schema: json } : multipart ? { kind: 'multipart' as const, schema: multipart } : null,
        };
      }),
  );
}

/** The GraphQL schema as served (introspection), or the committed SDL when introspection is off. */
export async function servedGraphqlSchema(url: string, authorization: string): Promise<GraphQLSchema> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: authorization },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await res.json()) as { data?: IntrospectionQuery };
  if (body.data?.__schema) return buildClientSchema(body.data);
  return buildSchema(readFileSync(join(__dirname, '../../../openapi/schema.gql'), 'utf8'));
}

export interface GraphqlOperation {
  kind: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  args: readonly GraphQLArgument[];
}

/** Every root query and mutation field with its arguments. */
export function graphqlOperations(schema: GraphQLSchema): GraphqlOperation[] {
  const roots: ['query' | 'mutation', ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  return roots.flatMap(([kind, type]) => Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field, args: field.args })));
}
