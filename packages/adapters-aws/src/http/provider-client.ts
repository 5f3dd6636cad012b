/**
 * The HTTP side both provider adapters share: one undici Pool (keep-alive) with bounded
 * connect / headers / body timeouts and response size, an optional egress `localAddress`, a
 * bearer-token provider, and a classification of transport failures by whether the request can
 * have reached the provider:
 *
 *   connect refused / connect timeout / bind failure   nothing was sent   -> `not_sent`
 *   headers or body timeout, reset, socket closed       it may have run    -> `maybe_sent`
 *
 * A transfer that is `maybe_sent` is `unknown`, never `rejected`: only an inquiry may settle it.
 */
import { ErrorCode, RemitError } from '@remit/core';
import { Pool } from 'undici';

/**
 * Returns the bearer token. Called before every request (cache inside); called again with
 * `{ refresh: true }` once when the provider answers "bad credentials", so an expired token
 * is replaced (e.g. re-read from Secrets Manager or re-issued by the token endpoint).
 */
export type AccessTokenProvider = (options: { readonly refresh: boolean }) => string | Promise<string>;

export interface ProviderHttpOptions {
  /** Origin of the provider, e.g. `https://openapi.example.com` (no path). */
  readonly baseUrl: string;
  readonly accessToken: AccessTokenProvider;
  /**
   * Source address to connect from: the address the provider allow-lists (in AWS the NAT's
   * Elastic IP does this; locally, a loopback alias like 127.0.0.2). Default: the OS picks.
   */
  readonly localAddress?: string | undefined;
  /** Default 3 s: a provider that cannot accept a connection in 3 s is down. */
  readonly connectTimeoutMs?: number;
  /** Until the response headers arrive. Default 15 s (bank transfers can take seconds). */
  readonly headersTimeoutMs?: number;
  /** Between body chunks. Default 10 s. */
  readonly bodyTimeoutMs?: number;
  /** Sockets kept to the provider. Default 64 (the worker's concurrency bound). */
  readonly connections?: number;
  /** Idle keep-alive. Default 4 s, under most servers' own idle timeout (a stale socket costs an `unknown`). */
  readonly keepAliveTimeoutMs?: number;
  /** Use this pool instead of creating one (options above that shape a pool are then ignored). */
  readonly pool?: Pool;
}

/** The largest answer read: the biggest legal page (500 rows) is far below 1 MiB. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type Transport =
  | { readonly kind: 'answered'; readonly status: number; readonly text: string }
  | { readonly kind: 'not_sent'; readonly error: unknown }
  | { readonly kind: 'maybe_sent'; readonly reason: 'timeout' | 'connection_reset'; readonly error: unknown };

const NOT_SENT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_INVALID_ARG',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code ?? '';
}

export class ProviderHttp {
  readonly pool: Pool;
  readonly localAddress: string | undefined;
  private readonly accessToken: AccessTokenProvider;
  private readonly ownsPool: boolean;
  private readonly origin: string;

  constructor(options: ProviderHttpOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (err) {
      throw new RemitError(ErrorCode.InvalidConfig, `provider baseUrl is not a URL: ${options.baseUrl}`, {
        cause: err,
      });
    }
    if (url.pathname !== '/' && url.pathname !== '') {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `provider baseUrl must be an origin without a path: ${options.baseUrl}`,
      );
    }
    this.origin = url.origin;
    this.accessToken = options.accessToken;
    this.localAddress = options.localAddress;
    this.ownsPool = options.pool === undefined;
    this.pool =
      options.pool ??
      new Pool(this.origin, {
        connections: options.connections ?? 64,
        pipelining: 1,
        connectTimeout: options.connectTimeoutMs ?? 3_000,
        headersTimeout: options.headersTimeoutMs ?? 15_000,
        bodyTimeout: options.bodyTimeoutMs ?? 10_000,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
        maxResponseSize: MAX_RESPONSE_BYTES,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      });
  }

  /** One request; never throws for transport failures (they are classified), only for a token provider failure. */
  async send(
    method: 'GET' | 'POST',
    path: string,
    request: { readonly query?: Record<string, string>; readonly json?: unknown; readonly refresh?: boolean },
  ): Promise<Transport> {
    let token: string;
    try {
      token = await this.accessToken({ refresh: request.refresh === true });
    } catch (err) {
      throw new RemitError(ErrorCode.Unavailable, `provider access token unavailable: ${String(err)}`, {
        retryable: true,
        cause: err,
      });
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    const search = request.query === undefined ? '' : `?${new URLSearchParams(request.query).toString()}`;
    try {
      const res = await this.pool.request({ method, path: `${path}${search}`, headers, body: body ?? null });
      const text = await res.body.text();
      return { kind: 'answered', status: res.statusCode, text };
    } catch (err) {
      const code = errorCode(err);
      if (NOT_SENT_CODES.has(code)) return { kind: 'not_sent', error: err };
      if (TIMEOUT_CODES.has(code)) return { kind: 'maybe_sent', reason: 'timeout', error: err };
      return { kind: 'maybe_sent', reason: 'connection_reset', error: err };
    }
  }

  /** Closes the pool if this client created it. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}

/** A transport failure where nothing reached the provider: safe to retry later, same id. */
export function notSentError(
  what: string,
  transport: { readonly error: unknown },
  localAddress: string | undefined,
): RemitError {
  const code = errorCode(transport.error);
  if (code === 'EADDRNOTAVAIL' && localAddress !== undefined) {
    return new RemitError(
      ErrorCode.InvalidConfig,
      `${what}: cannot connect from localAddress ${localAddress}: no interface has that address`,
      { cause: transport.error },
    );
  }
  return new RemitError(
    ErrorCode.Unavailable,
    `${what}: provider unreachable (${code || String(transport.error)}); nothing was sent`,
    {
      retryable: true,
      cause: transport.error,
    },
  );
}

/** Parses JSON, or returns `undefined`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
