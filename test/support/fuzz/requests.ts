import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isScalarType,
  type GraphQLInputType,
  type GraphQLOutputType,
} from 'graphql';
import type { GraphqlOperation, JsonSchema, RestOperation, RestParameter } from './contracts';
import {
  anyJson,
  authorization,
  hostileCursor,
  hostileId,
  hostileJson,
  hostileNumber,
  hostileString,
  unknownFields,
  type Credentials,
} from './hostile';
import { deepJson, RawJson, toJson, wellFormed } from './raw-json';

/** A request body as generated: kept as data so a counterexample prints readably and replays exactly. */
export type Body =
  | { kind: 'json'; value: unknown; contentType?: string }
  | { kind: 'text'; text: string; contentType?: string }
  | { kind: 'multipart'; parts: { name: string; filename?: string; type?: string; content: string }[] };

export interface FuzzRequest {
  /** `POST /v1/tickets/{id}/escalate`, `mutation updateTicket`, `graphql: persisted query` */
  operation: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: Record<string, string>;
  body?: Body;
}

export interface FuzzWorld {
  credentials: Credentials;
  /** Ids of real resources (ticket, tier, message, rule, policy, key, user, organization, attachment, info request). */
  ids: string[];
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every REST operation and GraphQL root field, each as an arbitrary of hostile requests to it. */
export function requestArbitraries(
  world: FuzzWorld,
  rest: RestOperation[],
  graphql: GraphqlOperation[],
  resolve: (s: JsonSchema | undefined) => JsonSchema,
) {
  const auth = authorization(world.credentials).map((value): Record<string, string> =>
    value === undefined ? {} : { Authorization: value },
  );
  const ids = hostileId(world.ids);
  const json = new JsonSchemaValues(resolve, ids);
  const gql = new GraphqlValues(ids);
  return [
    ...rest.map((op) => restRequest(op, auth, ids, json)),
    ...graphql.map((op) => graphqlRequest(op, auth, gql)),
    ...graphqlOddities(auth, graphql, gql),
  ];
}

// REST ------------------------------------------------------------------------------------------------------------

function restRequest(
  op: RestOperation,
  auth: fc.Arbitrary<Record<string, string>>,
  ids: fc.Arbitrary<string>,
  json: JsonSchemaValues,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const idempotency = op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  const segment = fc.oneof(
    { weight: 6, arbitrary: ids.map((id) => encodeURIComponent(wellFormed(id))) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '%C0%AF', '..', '.', '%2F', '') },
  );
  const query = fc.tuple(
    fc.tuple(...queryParams.map((p) => fc.option(queryValue(p, json), { freq: 2 }))),
    fc.option(
      fc.dictionary(
        fc.string({ maxLength: 10 }),
        hostileString.map((s) => s.slice(0, 2000)),
        { maxKeys: 2 },
      ),
      { freq: 4 },
    ),
  );
  const headers = fc.record({
    auth,
    idempotencyKey: idempotency ? fc.option(fc.oneof(fc.uuid(), hostileString), { freq: 3 }) : fc.constant(null),
    ifMatch:
      op.method === 'PATCH'
        ? fc.option(fc.oneof(fc.constantFrom('"1"', '"0"', '*', '1', 'W/"1"', '"99999999999999999999"'), hostileString), { freq: 3 })
        : fc.constant(null),
  });
  const body =
    op.body?.kind === 'json'
      ? jsonBody(op.body.schema, json)
      : op.body?.kind === 'multipart'
        ? multipartBody()
        : WRITE.has(op.method)
          ? fc.option(strayBody(), { freq: 3 })
          : fc.constant(null);
  return fc
    .record({ path: fc.tuple(...pathParams.map(() => segment)), query, headers, body })
    .map(({ path, query: [known, extra], headers: h, body: b }) => {
      let i = 0;
      const concrete = op.path.replace(/\{[^}]+\}/g, () => path[i++]);
      const search = new URLSearchParams();
      queryParams.forEach((p, k) => {
        const value = known[k];
        if (value === null) return;
        for (const v of Array.isArray(value) ? value : [value]) search.append(p.name, wellFormed(v));
      });
      for (const [key, value] of Object.entries(extra ?? {})) search.append(wellFormed(key), wellFormed(value));
      const headers: Record<string, string> = { ...h.auth };
      if (h.idempotencyKey !== null) headers['Idempotency-Key'] = h.idempotencyKey;
      if (h.ifMatch !== null) headers['If-Match'] = h.ifMatch;
      const qs = search.toString();
      return {
        operation: `${op.method} ${op.path}`,
        method: op.method,
        path: qs ? `${concrete}?${qs}` : concrete,
        headers,
        ...(b ? { body: b } : {}),
      };
    });
}

function queryValue(p: RestParameter, json: JsonSchemaValues): fc.Arbitrary<string | string[]> {
  const schema = json.resolve(p.schema);
  const plausible: fc.Arbitrary<string> =
    p.name === 'cursor' ? hostileCursor : json.valid(schema, 0).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return fc.oneof(
    { weight: 3, arbitrary: plausible },
    { weight: 3, arbitrary: p.name === 'cursor' ? hostileCursor : hostileString },
    { weight: 1, arbitrary: hostileNumber.map(String) },
    { weight: 1, arbitrary: fc.array(plausible, { minLength: 2, maxLength: 3 }) },
  );
}

function jsonBody(schema: JsonSchema, json: JsonSchemaValues): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 10, arbitrary: json.hostile(schema, 0).map((value): Body => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: strayBody() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          json.valid(schema, 0),
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'application/json; charset=utf-16',
            'application/merge-patch+json',
            'multipart/form-data',
            'application/octet-stream',
          ),
        )
        .map(([value, contentType]): Body => ({ kind: 'json', value, contentType })),
    },
  );
}

/** Bodies that are not what any route takes: empty, not JSON, JSON of the wrong shape, deep, huge, mislabelled. */
function strayBody(): fc.Arbitrary<Body> {
  return fc.oneof(
    fc
      .constantFrom(
        '',
        ' ',
        'not json',
        '{',
        '{"a":',
        'null',
        'true',
        '0',
        '"x"',
        '[]',
        '[{}]',
        '{"a":1}{"b":2}',
        '\u0000',
        '\ufeff{}',
        '{"__proto__":{"x":1}}',
      )
      .map((text): Body => ({ kind: 'text', text, contentType: 'application/json' })),
    fc
      .tuple(
        hostileString,
        fc.constantFrom(
          undefined,
          'text/plain',
          'application/json',
          'application/x-www-form-urlencoded',
          'image/png',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          '*/*',
          ';;;',
        ),
      )
      .map(([text, contentType]): Body => ({ kind: 'text', text, contentType })),
    hostileJson.map((value): Body => ({ kind: 'json', value })),
    fc.constantFrom(10_000, 100_000).map((n): Body => ({ kind: 'json', value: deepJson(n, 'array') })),
  );
}

function multipartBody(): fc.Arbitrary<Body> {
  const part = fc.record({
    name: fc.oneof(
      fc.constant('file'),
      fc.constant('file'),
      hostileString.map((s) => s.slice(0, 100)),
    ),
    filename: fc.option(
      fc.oneof(
        fc.constantFrom(
          'screenshot.png',
          'app.log',
          'run.bat',
          '../../etc/passwd',
          'a'.repeat(1000),
          '',
          '.',
          'x.log\u0000.png',
          'résumé.txt',
        ),
        hostileString.map((s) => s.slice(0, 300)),
      ),
      { nil: undefined },
    ),
    type: fc.option(fc.constantFrom('image/png', 'text/plain', 'application/json', 'application/octet-stream', 'text/html', '', 'x/y; z'), {
      nil: undefined,
    }),
    content: fc.oneof(
      fc.constantFrom('', 'hello\n', '\x89PNG\r\n\x1a\n', 'PK\x03\x04', '%PDF-1.4', '<svg onload=alert(1)>', '\x1f\x8b\x08'),
      hostileString,
    ),
  });
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(part, { minLength: 0, maxLength: 4 }).map((parts): Body => ({ kind: 'multipart', parts })) },
    { weight: 1, arbitrary: strayBody() },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '--x\r\nContent-Disposition: form-data; name="file"; filename="a.log"\r\n\r\nabc',
          '--x--',
          'garbage',
          '--x\r\n\r\n\r\n--x--',
        )
        .map((text): Body => ({ kind: 'text', text, contentType: 'multipart/form-data; boundary=x' })),
    },
  );
}

/** Values for a JSON Schema: plausible ones (so requests get past the first check) and hostile ones. */
class JsonSchemaValues {
  constructor(
    readonly resolve: (s: JsonSchema | undefined) => JsonSchema,
    private readonly ids: fc.Arbitrary<string>,
  ) {}

  valid(raw: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const types = ([] as string[])
      .concat(schema.type ?? (schema.properties ? 'object' : schema.enum ? 'string' : 'string'))
      .filter((t) => t !== 'null');
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const type = types[0] ?? 'string';
    switch (type) {
      case 'integer':
        return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
      case 'number':
        return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 4 ? fc.constant([]) : fc.array(this.valid(schema.items ?? {}, depth + 1), { maxLength: 3 });
      case 'object':
        if (!schema.properties)
          return depth > 4 ? fc.constant({}) : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
        return this.object(schema, depth, (s, d) => this.valid(s, d));
      default:
        if (schema.format === 'uuid') return this.ids;
        if (schema.format === 'date-time')
          return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
        return fc.string({ minLength: Math.min(schema.minLength ?? 1, 5), maxLength: Math.min(schema.maxLength ?? 30, 30) });
    }
  }

  /** A value for the schema where any part may be wrong: wrong types, null, unknown fields, hostile strings and JSON. */
  hostile(raw: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    const types = ([] as string[]).concat(schema.type ?? []);
    const freeForm = types.includes('object') && !schema.properties;
    const inner: fc.Arbitrary<unknown> =
      depth > 4
        ? this.valid(schema, depth)
        : schema.properties
          ? this.object(schema, depth, (s, d) => this.hostile(s, d)).chain((o) =>
              fc.option(unknownFields, { freq: 4 }).map((extra) => ({ ...o, ...extra })),
            )
          : types.includes('array')
            ? fc.array(this.hostile(schema.items ?? {}, depth + 1), { maxLength: 4 })
            : this.valid(schema, depth);
    return fc.oneof(
      { weight: 6, arbitrary: inner },
      { weight: freeForm ? 4 : 0, arbitrary: hostileJson },
      { weight: schema.format === 'uuid' ? 3 : 0, arbitrary: this.ids },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: hostileString },
      { weight: 1, arbitrary: anyJson },
    );
  }

  private object(
    schema: JsonSchema,
    depth: number,
    value: (s: JsonSchema, d: number) => fc.Arbitrary<unknown>,
  ): fc.Arbitrary<Record<string, unknown>> {
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties ?? {});
    return fc
      .tuple(...fields.map(([name, s]) => fc.option(value(s, depth + 1), { freq: required.has(name) ? 12 : 2, nil: undefined })))
      .map((values) => Object.fromEntries(fields.flatMap(([name], i) => (values[i] === undefined ? [] : [[name, values[i]]]))));
  }
}

// GraphQL ---------------------------------------------------------------------------------------------------------

/** Values for GraphQL input types, plausible and hostile; memoized per type so recursive inputs stay finite. */
class GraphqlValues {
  private readonly memo = new Map<string, fc.Arbitrary<unknown>>();
  constructor(readonly ids: fc.Arbitrary<string>) {}

  value(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
    if (isNonNullType(type))
      return fc.oneof({ weight: 12, arbitrary: this.value(type.ofType, depth) }, { weight: 1, arbitrary: fc.constant(null) });
    if (isListType(type)) {
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(this.value(type.ofType, depth + 1), { maxLength: 3 }) },
        { weight: 1, arbitrary: this.value(type.ofType, depth + 1) },
        { weight: 1, arbitrary: anyJson },
      );
    }
    const key = `${type.name}:${Math.min(depth, 4)}`;
    const known = this.memo.get(key);
    if (known) return known;
    const arbitrary = this.named(type, depth);
    this.memo.set(key, arbitrary);
    return arbitrary;
  }

  private named(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
    const wrong = fc.oneof(hostileString, anyJson, fc.constant(null));
    if (isEnumType(type))
      return fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) },
        { weight: 1, arbitrary: fc.constantFrom('bogus', 'OPEN', 'open ', '') },
        { weight: 1, arbitrary: wrong },
      );
    if (isInputObjectType(type)) {
      if (depth > 4) return fc.constant({});
      const fields = Object.values(type.getFields());
      const record = fc
        .tuple(...fields.map((f) => fc.option(this.value(f.type, depth + 1), { freq: isNonNullType(f.type) ? 12 : 2, nil: undefined })))
        .map((values) => Object.fromEntries(fields.flatMap((f, i) => (values[i] === undefined ? [] : [[f.name, values[i]]]))));
      return fc.oneof(
        { weight: 8, arbitrary: record },
        { weight: 1, arbitrary: fc.tuple(record, unknownFields).map(([o, extra]) => ({ ...o, ...extra })) },
        { weight: 1, arbitrary: wrong },
      );
    }
    if (!isScalarType(type)) return wrong;
    switch (type.name) {
      case 'ID':
        return fc.oneof({ weight: 8, arbitrary: this.ids }, { weight: 1, arbitrary: fc.oneof(hostileNumber, fc.constant(null)) });
      case 'Int':
        return fc.oneof(fc.integer({ min: -5, max: 200 }), hostileNumber, hostileString);
      case 'Float':
        return fc.oneof(hostileNumber, hostileString);
      case 'Boolean':
        return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: wrong });
      case 'DateTime':
        return fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          hostileString,
          hostileNumber,
        );
      case 'JSONObject':
        return fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), hostileJson, wrong);
      case 'String':
        return fc.oneof(
          { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
          { weight: 3, arbitrary: hostileString },
          { weight: 1, arbitrary: hostileCursor },
        );
      default:
        return wrong;
    }
  }
}

/** Arguments for nested fields (a ticket's messages, events…), handed out in order as the selection meets them. */
type NestedArgs = { first?: number; after?: string }[];

/** A selection of the type's fields (and their fields, `depth` levels down) that take no required arguments. */
function selection(type: GraphQLOutputType, depth: number, nestedArgs: NestedArgs): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const fields = Object.values(named.getFields()).filter((f) => !f.args.some(isRequiredArgument));
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type))).map((f) => f.name);
  const nested =
    depth > 0
      ? fields
          .filter((f) => !isLeafType(getNamedType(f.type)))
          .slice(0, 6)
          .map((f) => {
            const given = f.args.length ? nestedArgs.shift() : undefined;
            const args = Object.entries(given ?? {})
              .filter(([name, v]) => v !== undefined && f.args.some((a) => a.name === name))
              .map(([name, v]) => `${name}: ${literal(v, false)}`);
            return `${f.name}${args.length ? `(${args.join(', ')})` : ''} ${selection(f.type, depth - 1, nestedArgs)}`;
          })
      : [];
  return `{ __typename ${[...leaves, ...nested].join(' ')} }`;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A value as an inline GraphQL literal (garbage included: the server must refuse it, not crash). */
function literal(value: unknown, enumLike: boolean): string {
  if (value instanceof RawJson) return value.literal();
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return enumLike && NAME.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, enumLike)).join(', ')}]`;
  return `{ ${Object.entries(value as Record<string, unknown>)
    .filter(([k]) => NAME.test(k))
    .map(([k, v]) => `${k}: ${literal(v, enumLike)}`)
    .join(', ')} }`;
}

function graphqlRequest(
  op: GraphqlOperation,
  auth: fc.Arbitrary<Record<string, string>>,
  values: GraphqlValues,
): fc.Arbitrary<FuzzRequest> {
  const args = fc.tuple(...op.args.map((a) => fc.option(values.value(a.type), { freq: isRequiredArgument(a) ? 20 : 2, nil: undefined })));
  const nestedArgs = fc.array(
    fc.record({
      first: fc.option(fc.oneof(fc.integer({ min: -2, max: 200 }), hostileNumber), { nil: undefined }),
      after: fc.option(hostileCursor, { nil: undefined }),
    }),
    { maxLength: 4 },
  );
  return fc
    .record({ auth, args, inline: fc.boolean(), depth: fc.integer({ min: 0, max: 3 }), nested: nestedArgs })
    .map(({ auth: headers, args: given, inline, depth, nested }) => {
      const present = op.args.flatMap((a, i) => (given[i] === undefined ? [] : [{ arg: a, value: given[i] }]));
      const enumLike = (t: GraphQLInputType) => isEnumType(getNamedType(t));
      const argText = present
        .map(({ arg, value }) => `${arg.name}: ${inline ? literal(value, enumLike(arg.type)) : `$${arg.name}`}`)
        .join(', ');
      const defs = inline || !present.length ? '' : `(${present.map(({ arg }) => `$${arg.name}: ${String(arg.type)}`).join(', ')})`;
      const query = `${op.kind} Fuzz${defs} { ${op.field.name}${argText ? `(${argText})` : ''} ${selection(op.field.type, depth, [...nested])} }`;
      const variables = inline ? {} : Object.fromEntries(present.map(({ arg, value }) => [arg.name, value]));
      return {
        operation: `${op.kind} ${op.field.name}`,
        method: 'POST',
        path: '/graphql',
        headers,
        body: { kind: 'json', value: { query, variables } },
      };
    });
}

/** What GraphQL clients get wrong: persisted-query hashes, GET, batches, broken documents, huge literals. */
function graphqlOddities(
  auth: fc.Arbitrary<Record<string, string>>,
  ops: GraphqlOperation[],
  values: GraphqlValues,
): fc.Arbitrary<FuzzRequest>[] {
  const some = fc.constantFrom(...ops).chain((op) => graphqlRequest(op, auth, values));
  const post = (operation: string, value: unknown, headers: Record<string, string>): FuzzRequest => ({
    operation: `graphql: ${operation}`,
    method: 'POST',
    path: '/graphql',
    headers,
    body: { kind: 'json', value },
  });
  const hash = fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), hostileString);
  return [
    fc
      .tuple(
        auth,
        hash,
        fc.option(fc.constantFrom('{ me { id } }', '{ tickets { edges { cursor } } }'), { nil: undefined, freq: 3 }),
        fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(2, 0, '1', null) }),
      )
      .map(([h, sha256Hash, query, version]) =>
        post('persisted query', { ...(query ? { query } : {}), extensions: { persistedQuery: { version, sha256Hash } } }, h),
      ),
    fc
      .tuple(
        auth,
        fc.oneof(
          fc.constantFrom(
            '{ me { id } }',
            'mutation { createTier(input: { name: "x", level: 1 }) { id } }',
            '{ __schema { types { name } } }',
          ),
          hostileString,
        ),
      )
      .map(([h, query]): FuzzRequest => ({
        operation: 'graphql: GET',
        method: 'GET',
        path: `/graphql?query=${encodeURIComponent(wellFormed(query))}`,
        headers: { ...h, 'Apollo-Require-Preflight': 'true' },
      })),
    fc.tuple(auth, fc.array(some, { minLength: 0, maxLength: 12 })).map(([h, reqs]) =>
      post(
        'batch',
        reqs.map((r) => (r.body as { value: unknown }).value),
        h,
      ),
    ),
    fc
      .tuple(
        auth,
        fc.oneof(
          hostileString,
          fc.constantFrom(
            '{',
            '{ me { id }',
            'query { me { id } } query { me { id } }',
            'subscription { ticketEvents { type } }',
            '{ me { id } } fragment F on Caller { ...F }',
            `{ ${'a: me { id } '.repeat(100)} }`,
            `{ me ${'{ id '.repeat(200)} }`,
          ),
        ),
        anyJson,
        fc.option(hostileString, { nil: undefined }),
      )
      .map(([h, query, variables, operationName]) => post('broken document', { query, variables, operationName }, h)),
    fc.tuple(auth, anyJson).map(([h, query]) => post('query of the wrong type', { query }, h)),
    fc
      .tuple(auth, fc.constantFrom(2_000, 10_000, 100_000))
      .map(([h, n]) =>
        post(
          'deep inline literal',
          { query: `mutation { createTicket(input: { subject: "s", description: "d", customFields: ${deepJson(n).literal()} }) { id } }` },
          h,
        ),
      ),
    fc.tuple(auth, fc.constantFrom(1_300, 10_000)).map(([h, n]) =>
      post(
        'wide inline literal',
        {
          query: `mutation { createTicket(input: { subject: "s", description: "d", customFields: { ${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join(', ')} } }) { id } }`,
        },
        h,
      ),
    ),
  ];
}

/** The body as sent, with its Content-Type. */
export function encodeBody(body: Body | undefined): { body?: string | FormData; contentType?: string } {
  if (!body) return {};
  if (body.kind === 'json') return { body: toJson(body.value), contentType: body.contentType ?? 'application/json' };
  if (body.kind === 'text') return { body: body.text, contentType: body.contentType };
  const form = new FormData();
  for (const part of body.parts) {
    const name = wellFormed(part.name);
    if (part.filename === undefined) form.append(name, wellFormed(part.content));
    else form.append(name, new Blob([Buffer.from(part.content, 'latin1')], { type: part.type ?? '' }), wellFormed(part.filename));
  }
  return { body: form };
}
