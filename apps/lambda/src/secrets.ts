/**
 * Secrets from AWS Secrets Manager by ARN, cached per execution environment. A secret is wrapped
 * in {@link Secret} so that logging it by mistake prints `[secret]`, never the value.
 *
 *   cold start ── first use: GetSecretValue ── cached ──────── ttl ─── next use: fetched again
 *                 (failure: not cached, the next invocation tries again)
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode, RemitError } from '@remit/core';

/** A secret value that refuses to be printed. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value, for the one place that needs it (a client constructor). */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[secret]';
  }
}

export interface SecretReader {
  /** `refresh`: skip the cache (the provider said the credential is no longer valid). */
  read(arn: string, options?: { readonly refresh?: boolean }): Promise<Secret>;
}

/** The narrow client surface used (mockable in a test without the SDK). */
export type SecretsClient = Pick<SecretsManagerClient, 'send'>;

export interface CachedSecretsOptions {
  /** Re-read after this long, so a rotated secret is picked up without a redeploy. Default 15 min. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/**
 * A {@link SecretReader} over Secrets Manager with a per-ARN cache. Concurrent first reads share
 * one request; a failed read is not cached.
 *
 * @example
 * ```ts
 * const secrets = cachedSecrets(new SecretsManagerClient({}));
 * const token = (await secrets.read(arn)).reveal();
 * ```
 */
export function cachedSecrets(client: SecretsClient, options: CachedSecretsOptions = {}): SecretReader {
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly value: Promise<Secret>; readonly at: number }>();
  return {
    read(arn, readOptions) {
      const hit = cache.get(arn);
      if (hit !== undefined && readOptions?.refresh !== true && now() - hit.at < ttlMs) return hit.value;
      const value = fetchSecret(client, arn);
      cache.set(arn, { value, at: now() });
      value.catch(() => {
        if (cache.get(arn)?.value === value) cache.delete(arn);
      });
      return value;
    },
  };
}

async function fetchSecret(client: SecretsClient, arn: string): Promise<Secret> {
  let out: { SecretString?: string | undefined; SecretBinary?: Uint8Array | undefined };
  try {
    out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  } catch (err) {
    // The SDK error names the secret and the cause, never the value.
    throw new RemitError(ErrorCode.Unavailable, `could not read secret ${arn}`, {
      retryable: true,
      cause: err,
    });
  }
  const text =
    out.SecretString ??
    (out.SecretBinary === undefined ? undefined : Buffer.from(out.SecretBinary).toString('utf8'));
  if (text === undefined || text.length === 0) {
    throw new RemitError(ErrorCode.InvalidConfig, `secret ${arn} has no value`);
  }
  return new Secret(text);
}

/**
 * A fixed reader for local runs (demo, tests): no Secrets Manager.
 *
 * @example
 * ```ts
 * const secrets = staticSecrets({ 'arn:aws:secretsmanager:...:secret:provider': '{"clientId":"demo"}' });
 * ```
 */
export function staticSecrets(values: Readonly<Record<string, string>>): SecretReader {
  return {
    read: async (arn) => {
      const value = values[arn];
      if (value === undefined) throw new RemitError(ErrorCode.InvalidConfig, `no secret ${arn}`);
      return new Secret(value);
    },
  };
}
