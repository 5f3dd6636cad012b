import { type DynamoDbLocal, type StartDynamoDbOptions, startDynamoDbLocal } from './dynamodb.js';
import { type LocalRedis, type StartRedisOptions, startRedis } from './redis.js';
import { type Fauxqs, startFauxqs } from './sqs.js';

/** Which servers to start; each defaults to true. */
export interface StartLocalServersOptions {
  dynamodb?: boolean | StartDynamoDbOptions;
  sqs?: boolean;
  redis?: boolean | StartRedisOptions;
}

/**
 * Endpoints of the local servers: plain data, so vitest can hand them from the global setup
 * to test workers (`localEnv()`).
 */
export interface LocalEnv {
  dynamodb: { endpoint: string };
  sqs: { endpoint: string };
  redis: { url: string; startedByUs: boolean };
}

type Maybe<O, K extends string, V> = O extends Record<K, false> ? undefined : V;

export interface LocalServerPids {
  /** DynamoDB Local's java process. */
  dynamodb: number | undefined;
  /** The redis-server we started, if we started one. */
  redis: number | undefined;
}

export type LocalServers<O extends StartLocalServersOptions = StartLocalServersOptions> = {
  dynamodb: Maybe<O, 'dynamodb', LocalEnv['dynamodb']>;
  sqs: Maybe<O, 'sqs', LocalEnv['sqs']>;
  redis: Maybe<O, 'redis', LocalEnv['redis']>;
  /** Processes we own (and will stop); in-process fauxqs has none. */
  pids: LocalServerPids;
  /** Stops what we started (never a Redis we merely reused). Idempotent. */
  stop(): Promise<void>;
};

/**
 * Starts DynamoDB Local, fauxqs and Redis (all by default, concurrently) on loopback ports.
 * If one fails, the others are stopped before the error is thrown.
 *
 * @example
 * const servers = await startLocalServers({ redis: false });
 * try {
 *   const ddb = createDynamoDbClient(servers.dynamodb);
 *   // ...
 * } finally {
 *   await servers.stop();
 * }
 */
export async function startLocalServers<const O extends StartLocalServersOptions = Record<never, never>>(
  options?: O,
): Promise<LocalServers<O>> {
  const wantDynamoDb = options?.dynamodb ?? true;
  const wantRedis = options?.redis ?? true;
  const started = await Promise.allSettled([
    wantDynamoDb === false ? undefined : startDynamoDbLocal(wantDynamoDb === true ? {} : wantDynamoDb),
    options?.sqs === false ? undefined : startFauxqs(),
    wantRedis === false ? undefined : startRedis(wantRedis === true ? {} : wantRedis),
  ] as const);
  const [dynamodb, sqs, redis] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [
    DynamoDbLocal | undefined,
    Fauxqs | undefined,
    LocalRedis | undefined,
  ];

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= Promise.all([dynamodb?.stop(), sqs?.stop(), redis?.stop()]).then(() => undefined);
    return stopping;
  };

  const failures = started.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length > 0) {
    await stop();
    if (failures.length === 1) throw failures[0];
    throw new AggregateError(
      failures,
      failures.map((f) => String(f instanceof Error ? f.message : f)).join('\n'),
    );
  }

  return {
    dynamodb: dynamodb === undefined ? undefined : { endpoint: dynamodb.endpoint },
    sqs: sqs === undefined ? undefined : { endpoint: sqs.endpoint },
    redis: redis === undefined ? undefined : { url: redis.url, startedByUs: redis.startedByUs },
    pids: { dynamodb: dynamodb?.pid, redis: redis?.pid },
    stop,
  } as LocalServers<O>;
}
