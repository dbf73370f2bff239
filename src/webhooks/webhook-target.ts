import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { AppConfig } from '../config/app-config.js';
import { refusalOf } from './address-policy.js';

/** What one attempt came to. The response body is read and dropped: it never reaches the log or the API. */
export interface AttemptOutcome {
  status: number | null;
  durationMs: number;
  /** Short and ours (timeout, refused address, HTTP status): never text from the target. */
  error: string | null;
  /** From a `Retry-After` header, in milliseconds. */
  retryAfterMs: number | null;
}

class RefusedTarget extends Error {}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The SSRF guard and the HTTP client in one: only http(s); every address a target resolves to is checked when the
 * subscription is saved and again at connect time on every attempt (a name that now resolves elsewhere — DNS rebinding
 * — is caught there); redirects are never followed; each attempt opens its own connection so it is checked afresh.
 */
@Injectable()
export class WebhookTarget implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(private readonly config: AppConfig) {
    this.agent = new Agent({
      connect: { lookup: (host, options, callback) => this.guardedLookup(host, options, callback as LookupCallback) },
    });
  }

  /** Why the URL may not be a target (checked with its current DNS answers), or null when it may. */
  async refusalOf(url: string): Promise<string | null> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'url must be an absolute http(s) URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must use http or https';
    if (parsed.username || parsed.password) return 'url must not carry credentials';
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return this.refusal(host);
    try {
      const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
        lookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
      );
      for (const { address } of addresses) {
        const refused = this.refusal(address);
        if (refused) return refused;
      }
      return null;
    } catch {
      return `url's host ${host} cannot be resolved`;
    }
  }

  /** POSTs the body; never throws. */
  async post(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    // Literal addresses are connected to without a lookup: checked here instead, on every attempt too.
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host) ? this.refusal(host) : null;
    if (literal) return { status: null, durationMs: 0, error: `refused target: ${literal}`, retryAfterMs: null };
    const timeout = this.config.webhooks.timeoutMs;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Tierdesk-Webhooks/1', ...headers },
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(timeout),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        reset: true,
      });
      await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      const status = response.statusCode;
      return {
        status,
        durationMs: took(),
        error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
        retryAfterMs: retryAfterOf(response.headers['retry-after']),
      };
    } catch (error) {
      return { status: null, durationMs: took(), error: describe(error as Error, timeout), retryAfterMs: null };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }

  private refusal(address: string): string | null {
    const why = refusalOf(address, this.config.webhooks.allowPrivate);
    return why && `${address} is ${why}`;
  }

  private guardedLookup(host: string, options: LookupOptions, callback: LookupCallback): void {
    lookup(host, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refused = this.refusal(address);
        if (refused) return callback(new RefusedTarget(refused) as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  }
}

function describe(error: Error, timeoutMs: number): string {
  const cause = (error.cause as Error | undefined) ?? error;
  if (cause instanceof RefusedTarget || error instanceof RefusedTarget) return `refused target: ${cause.message}`;
  if (error.name === 'TimeoutError' || error.name === 'AbortError' || /timeout/i.test(error.name)) return `timed out after ${timeoutMs} ms`;
  const code = (cause as NodeJS.ErrnoException).code ?? (error as NodeJS.ErrnoException).code;
  return code ? `connection failed (${code})` : 'connection failed';
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; null when absent or unreadable. */
function retryAfterOf(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
