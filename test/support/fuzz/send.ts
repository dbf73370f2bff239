import fc from 'fast-check';
import { RawJson, wellFormed } from './raw-json';
import { encodeBody, type FuzzRequest } from './requests';

/** A header value as a hostile client's bytes: UTF-8 sent raw; control characters, which HTTP cannot carry, dropped. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\x00-\x08\x0a-\x1f\x7f]/g;
const headerValue = (s: string) => Buffer.from(wellFormed(s), 'utf8').toString('latin1').replace(CONTROL_CHARACTERS, '');

export interface FuzzResponse {
  status: number;
  text: string;
  json: unknown;
}

/** Sends the request as it is; a server that does not answer within `timeoutMs` is a finding too. */
export async function send(baseUrl: string, req: FuzzRequest, timeoutMs = 30_000): Promise<FuzzResponse> {
  const { body, contentType } = encodeBody(req.body);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, headerValue(v)]));
  if (contentType !== undefined) headers['Content-Type'] = headerValue(contentType);
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${req.path}`, {
      method: req.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(`no answer: ${(error as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: only the status is judged
  }
  return { status: res.status, text, json };
}

/** What is wrong with the response, if anything: a 5xx, or an INTERNAL code in a problem or in any GraphQL error. */
export function violation(res: FuzzResponse): string | null {
  if (res.status >= 500) return `status ${res.status}`;
  const bodies = Array.isArray(res.json) ? res.json : [res.json];
  for (const body of bodies) {
    if (!body || typeof body !== 'object') continue;
    const { code, errors } = body as { code?: unknown; errors?: unknown };
    if (code === 'INTERNAL') return 'code INTERNAL';
    if (Array.isArray(errors) && errors.some((e) => (e as { extensions?: { code?: unknown } })?.extensions?.code === 'INTERNAL'))
      return 'a GraphQL error with code INTERNAL';
  }
  return null;
}

const shorten = (s: string, max = 300) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);

/** A readable, replayable account of a request: long strings shortened, tokens named by role. */
export function describeRequest(req: FuzzRequest, tokens: Record<string, string>): string {
  const named = (s: string) => Object.entries(tokens).reduce((out, [role, token]) => out.split(token).join(`<${role} token>`), s);
  const body = req.body === undefined ? '' : `\n  body: ${shorten(named(stringifyBody(req.body)), 2000)}`;
  return `${req.operation}: ${req.method} ${shorten(req.path, 500)}\n  headers: ${named(JSON.stringify(Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, shorten(v, 200)]))))}${body}`;
}

function stringifyBody(body: NonNullable<FuzzRequest['body']>): string {
  const compact = (value: unknown): unknown => {
    if (value instanceof RawJson) return value.label;
    if (typeof value === 'string') return shorten(value, 200);
    if (Array.isArray(value))
      return value.length > 20 ? [...value.slice(0, 20).map(compact), `… ${value.length} items`] : value.map(compact);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      const kept = entries.slice(0, 20).map(([k, v]) => [k, compact(v)]);
      return Object.fromEntries(entries.length > 20 ? [...kept, ['…', `${entries.length} keys`]] : kept);
    }
    return value;
  };
  if (body.kind === 'json') return `${body.contentType ? `(${body.contentType}) ` : ''}${JSON.stringify(compact(body.value))}`;
  if (body.kind === 'text') return `(${body.contentType ?? 'no Content-Type'}) ${JSON.stringify(shorten(body.text, 500))}`;
  return `(multipart) ${JSON.stringify(compact(body.parts))}`;
}

/** Gives generated requests a short form in fast-check's counterexample report. */
export function printable(req: FuzzRequest, tokens: Record<string, string>): FuzzRequest {
  return Object.assign(req, { [fc.toStringMethod]: () => describeRequest(req, tokens) });
}
