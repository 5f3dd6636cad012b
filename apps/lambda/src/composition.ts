/**
 * The one composition root. Symbol tokens and `useFactory` only (esbuild emits no decorator
 * metadata, so nothing is resolved by class type); every factory is instance-caching, so a
 * container builds each client and adapter once.
 *
 *   Lambda execution environment
 *   ├─ init (cold start): parse env -> container -> DynamoDB, SQS, Secrets Manager clients,
 *   │                     undici Pool, ioredis (lazy connect) -> handler instance
 *   ├─ invocation 1: first use reads secrets (cached), connects Redis/provider
 *   └─ invocation 2..n: everything above reused
 *
 * Each Lambda function gets a container of its own handler only (`createRemitContainer`,
 * `createIngestContainer`, `createReconcileContainer`): what another handler needs is neither
 * registered nor, since the entry files reach only their own parts, bundled, so it costs that
 * function's cold start nothing. `createAwsContainer` (demo and kill test over local servers) and
 * `createMemoryContainer` (tests, `demo --memory`) serve all three handlers.
 *
 *   registered          remit  reconcile  ingest
 *   clients, telemetry    x        x        x      registerAwsBase, registerTelemetry
 *   store, events         x        x        x      registerAwsBase
 *   sequence, gateway     x        x               registerAwsPayoutPorts
 *   visibility            x                        registerAwsPayoutPorts (unused by reconcile)
 *   source, matcher,                       x      registerAwsIngestPorts
 *   checkpoints, queue
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DynamoDbIdempotencyStore,
  DynamoDbIngestCheckpointStore,
  DynamoDbOrderMatcher,
  DynamoDbSequenceGenerator,
  HttpDepositSource,
  HttpTransferGateway,
  RedisSequenceGenerator,
  SqsRemittanceEvents,
  SqsRemittanceQueue,
  sequenceRedisOptions,
} from '@remit/adapters-aws';
import {
  type Clock,
  type DepositSource,
  ErrorCode,
  type IdempotencyStore,
  type IngestCheckpointStore,
  type IngestDeps,
  ingestDeposits,
  type OrderMatcher,
  type ReconcileDeps,
  type RemitDeps,
  RemitError,
  type RemittanceEvents,
  type RemittanceQueue,
  reconcile,
  remit,
  remittanceGroupId,
  type SequenceGenerator,
  type TransferGateway,
} from '@remit/core';
import { Redis } from 'ioredis';
import { type DependencyContainer, instanceCachingFactory, container as rootContainer } from 'tsyringe';
import { Pool } from 'undici';
import * as z from 'zod/mini';
import { lazy } from './aws/lazy.js';
import { sqsMessageVisibility } from './aws/message-visibility.js';
import { type AwsConfig, providerTimeouts, type Settings } from './config.js';
import { EmfMetrics } from './observability/emf.js';
import { Logger, type LogLevel } from './observability/logger.js';
import type { MetricsSink } from './observability/telemetry.js';
import { cachedSecrets, type SecretReader } from './secrets.js';
import {
  type IngestUseCase,
  type MessageVisibility,
  type ReconcileUseCase,
  type RemitUseCase,
  TOKENS,
} from './tokens.js';

/** Every port the use cases need, plus the queue visibility the SQS handler postpones with. */
export interface Ports {
  readonly clock: Clock;
  readonly source: DepositSource;
  readonly matcher: OrderMatcher;
  readonly store: IdempotencyStore;
  readonly checkpoints: IngestCheckpointStore;
  readonly sequence: SequenceGenerator;
  readonly gateway: TransferGateway;
  readonly queue: RemittanceQueue;
  readonly events: RemittanceEvents;
  readonly visibility: MessageVisibility;
}

export interface TelemetryOverrides {
  /** Default: the configured level (`Settings.logLevel`). */
  readonly logLevel?: LogLevel;
  /** Default: EMF metrics on stdout. The demo and tests record totals instead. */
  readonly metrics?: MetricsSink;
}

const PORT_TOKENS = {
  clock: TOKENS.Clock,
  source: TOKENS.DepositSource,
  matcher: TOKENS.OrderMatcher,
  store: TOKENS.IdempotencyStore,
  checkpoints: TOKENS.IngestCheckpointStore,
  sequence: TOKENS.SequenceGenerator,
  gateway: TOKENS.TransferGateway,
  queue: TOKENS.RemittanceQueue,
  events: TOKENS.RemittanceEvents,
  visibility: TOKENS.MessageVisibility,
} as const satisfies Record<keyof Ports, symbol>;

function cached<T>(factory: (c: DependencyContainer) => T) {
  return { useFactory: instanceCachingFactory<T>(factory) };
}

/** Settings, logger and metrics. */
function registerTelemetry(c: DependencyContainer, settings: Settings, telemetry: TelemetryOverrides): void {
  c.register(TOKENS.Settings, { useValue: settings });
  c.register(
    TOKENS.Logger,
    cached(
      () =>
        new Logger({ serviceName: settings.serviceName, logLevel: telemetry.logLevel ?? settings.logLevel }),
    ),
  );
  const recorder = telemetry.metrics;
  c.register(
    TOKENS.Metrics,
    cached(
      (): MetricsSink =>
        recorder ??
        new EmfMetrics({ namespace: settings.metricsNamespace, serviceName: settings.serviceName }),
    ),
  );
}

function remitDeps(c: DependencyContainer, settings: Settings): RemitDeps {
  return {
    store: c.resolve(TOKENS.IdempotencyStore),
    sequence: c.resolve(TOKENS.SequenceGenerator),
    gateway: c.resolve(TOKENS.TransferGateway),
    events: c.resolve(TOKENS.RemittanceEvents),
    clock: c.resolve(TOKENS.Clock),
    config: settings.remit,
  };
}

/** The `remit` use case, bound to the container's ports. */
function registerRemit(c: DependencyContainer, settings: Settings): void {
  c.register(
    TOKENS.RemitUseCase,
    cached((c): RemitUseCase => {
      const deps = remitDeps(c, settings);
      return (request) => remit(deps, request);
    }),
  );
}

/** The `reconcile` use case, bound to the container's ports. */
function registerReconcile(c: DependencyContainer, settings: Settings): void {
  c.register(
    TOKENS.ReconcileUseCase,
    cached((c): ReconcileUseCase => {
      const deps: ReconcileDeps = remitDeps(c, settings);
      return (request) => reconcile(deps, request);
    }),
  );
}

/** The `ingestDeposits` use case, bound to the container's ports. */
function registerIngest(c: DependencyContainer, settings: Settings): void {
  c.register(
    TOKENS.IngestUseCase,
    cached((c): IngestUseCase => {
      const deps: IngestDeps = {
        source: c.resolve(TOKENS.DepositSource),
        matcher: c.resolve(TOKENS.OrderMatcher),
        queue: c.resolve(TOKENS.RemittanceQueue),
        events: c.resolve(TOKENS.RemittanceEvents),
        store: c.resolve(TOKENS.IdempotencyStore),
        checkpoints: c.resolve(TOKENS.IngestCheckpointStore),
        clock: c.resolve(TOKENS.Clock),
        config: settings.ingest,
      };
      return (request) => ingestDeposits(deps, request);
    }),
  );
}

// ---------------------------------------------------------------- memory

export interface MemoryContainerOptions extends TelemetryOverrides {
  readonly settings: Settings;
  readonly ports: Ports;
}

/**
 * A container over ports you hold (memory adapters in tests and `demo --memory`).
 *
 * @example
 * ```ts
 * const c = createMemoryContainer({ settings, ports: { clock, source, matcher, ... } });
 * const handler = c.resolve(RemitHandler).handle;
 * ```
 */
export function createMemoryContainer(options: MemoryContainerOptions): DependencyContainer {
  const c = rootContainer.createChildContainer();
  for (const [key, token] of Object.entries(PORT_TOKENS)) {
    c.register(token, { useValue: options.ports[key as keyof Ports] });
  }
  registerTelemetry(c, options.settings, options);
  registerRemit(c, options.settings);
  registerReconcile(c, options.settings);
  registerIngest(c, options.settings);
  return c;
}

// ---------------------------------------------------------------- AWS

export interface AwsContainerOptions extends TelemetryOverrides {
  /** Default: the system clock. The demo passes its simulated clock. */
  readonly clock?: Clock;
  /** Default: Secrets Manager with a per-environment cache. */
  readonly secrets?: SecretReader;
  /** Default: the SDK's credential chain (the Lambda role). Local servers take any. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Default: SQS ChangeMessageVisibility on the payout queue. */
  readonly visibility?: MessageVisibility;
  /** Prefix of the Redis sequence keys (several local runs can share one Redis). Default `remit:`. */
  readonly redisKeyPrefix?: string;
}

const systemClock: Clock = { now: () => Date.now() };

/** The provider secret: JSON with the bearer token the provider issued (rotated in place). */
const providerSecretSchema = z.object({ accessToken: z.string().check(z.minLength(1)) });
/** The Redis auth secret: the token itself, or JSON with `authToken`/`password`. */
const redisSecretSchema = z.union([
  z.pipe(
    z.object({ authToken: z.string().check(z.minLength(1)) }),
    z.transform((s: { authToken: string }) => s.authToken),
  ),
  z.pipe(
    z.object({ password: z.string().check(z.minLength(1)) }),
    z.transform((s: { password: string }) => s.password),
  ),
]);

function secretError(arn: string, expected: string): RemitError {
  // Never the value: only where it came from and what shape was expected.
  return new RemitError(ErrorCode.InvalidConfig, `secret ${arn} is not ${expected}`);
}

function parseJsonSecret(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Register a closer for `value` (a client the container created) and return `value`. */
function closing<T>(c: DependencyContainer, value: T, close: (value: T) => unknown): T {
  c.resolve<(() => unknown)[]>(TOKENS.Closers).push(() => close(value));
  return value;
}

const documentClient = (c: DependencyContainer) =>
  c.resolve<DynamoDBDocumentClient>(TOKENS.DynamoDbDocumentClient);
const sqsClient = (c: DependencyContainer) => c.resolve<SQSClient>(TOKENS.SqsClient);

/**
 * The clients, the clock and the ports every handler uses (the idempotency store, the events),
 * from the configuration.
 */
function registerAwsBase(c: DependencyContainer, config: AwsConfig, options: AwsContainerOptions): void {
  c.register(TOKENS.Closers, { useValue: [] });
  const sdk = {
    ...(config.region === undefined ? {} : { region: config.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  };
  const clock = options.clock ?? systemClock;

  c.register(TOKENS.AwsConfig, { useValue: config });
  c.register(TOKENS.Clock, { useValue: clock });
  c.register(
    TOKENS.DynamoDbClient,
    cached((c) => {
      const ddb: DynamoDBClientConfig = { ...sdk };
      if (config.endpoints.dynamodb !== undefined) ddb.endpoint = config.endpoints.dynamodb;
      return closing(c, new DynamoDBClient(ddb), (client) => client.destroy());
    }),
  );
  c.register(
    TOKENS.DynamoDbDocumentClient,
    cached((c) => DynamoDBDocumentClient.from(c.resolve<DynamoDBClient>(TOKENS.DynamoDbClient))),
  );
  c.register(
    TOKENS.SqsClient,
    cached((c) => {
      const sqs: SQSClientConfig = { ...sdk };
      if (config.endpoints.sqs !== undefined) sqs.endpoint = config.endpoints.sqs;
      return closing(c, new SQSClient(sqs), (client) => client.destroy());
    }),
  );
  c.register(
    TOKENS.SecretsManagerClient,
    cached((c) => closing(c, new SecretsManagerClient({ ...sdk }), (client) => client.destroy())),
  );
  c.register(
    TOKENS.SecretReader,
    cached(
      (c) => options.secrets ?? cachedSecrets(c.resolve<SecretsManagerClient>(TOKENS.SecretsManagerClient)),
    ),
  );
  c.register(
    TOKENS.ProviderPool,
    cached((c) =>
      closing(
        c,
        new Pool(new URL(config.provider.baseUrl).origin, {
          connections: config.provider.connections,
          pipelining: 1,
          // Derived in config.ts, where REMIT_LEASE_MS is checked against their worst-case sum.
          connectTimeout: providerTimeouts(config.provider.timeoutMs).connectMs,
          headersTimeout: providerTimeouts(config.provider.timeoutMs).headersMs,
          bodyTimeout: providerTimeouts(config.provider.timeoutMs).bodyMs,
          // Under the usual server idle timeout: a stale keep-alive socket costs an `unknown`.
          keepAliveTimeout: 4_000,
          maxResponseSize: 1024 * 1024,
        }),
        (pool) => pool.close(),
      ),
    ),
  );
  c.register(
    TOKENS.IdempotencyStore,
    cached(
      (c) =>
        new DynamoDbIdempotencyStore({
          client: documentClient(c),
          tableName: config.tables.idempotency,
          clock,
        }),
    ),
  );
  c.register(
    TOKENS.RemittanceEvents,
    cached((c) => new SqsRemittanceEvents({ client: sqsClient(c), queueUrl: config.eventsQueueUrl })),
  );
}

/** What the provider adapters share: the pool, the clock and the bearer token from its secret. */
function providerHttp(c: DependencyContainer, config: AwsConfig) {
  const secrets = c.resolve<SecretReader>(TOKENS.SecretReader);
  const arn = config.provider.secretArn;
  return {
    baseUrl: config.provider.baseUrl,
    pool: c.resolve<Pool>(TOKENS.ProviderPool),
    clock: c.resolve<Clock>(TOKENS.Clock),
    accessToken: async ({ refresh }: { readonly refresh: boolean }) => {
      const secret = await secrets.read(arn, { refresh });
      const parsed = providerSecretSchema.safeParse(parseJsonSecret(secret.reveal()));
      if (!parsed.success) throw secretError(arn, 'JSON with a non-empty "accessToken"');
      return parsed.data.accessToken;
    },
  };
}

/** The ports that pay out (remit, reconcile): sequence numbers, the transfer gateway, the queue visibility. */
function registerAwsPayoutPorts(
  c: DependencyContainer,
  config: AwsConfig,
  options: AwsContainerOptions,
): void {
  c.register(
    TOKENS.TransferGateway,
    cached(
      (c) =>
        new HttpTransferGateway({
          ...providerHttp(c, config),
          payerAccountNumber: config.provider.payerAccountNumber,
        }),
    ),
  );
  c.register(
    TOKENS.SequenceGenerator,
    cached((c) => sequenceGenerator(c, config, options)),
  );
  c.register(
    TOKENS.MessageVisibility,
    cached((c) => options.visibility ?? sqsMessageVisibility(sqsClient(c), config.queueUrl)),
  );
}

/** The ports that read deposits and enqueue payouts (ingest). */
function registerAwsIngestPorts(c: DependencyContainer, config: AwsConfig): void {
  c.register(
    TOKENS.DepositSource,
    cached(
      (c) => new HttpDepositSource({ ...providerHttp(c, config), accounts: config.provider.accountNumbers }),
    ),
  );
  c.register(
    TOKENS.OrderMatcher,
    cached((c) => new DynamoDbOrderMatcher({ client: documentClient(c), tableName: config.tables.orders })),
  );
  // Items of the orders table (`ingest#<account>`): ingest's table, no new one to deploy or grant.
  c.register(
    TOKENS.IngestCheckpointStore,
    cached(
      (c) =>
        new DynamoDbIngestCheckpointStore({ client: documentClient(c), tableName: config.tables.orders }),
    ),
  );
  c.register(
    TOKENS.RemittanceQueue,
    cached(
      (c) =>
        new SqsRemittanceQueue({
          client: sqsClient(c),
          queueUrl: config.queueUrl,
          groupIdOf: remittanceGroupId,
        }),
    ),
  );
}

/** Registers ports over AWS clients (the clients themselves are in the base). */
type PortRegistration = (c: DependencyContainer, config: AwsConfig, options: AwsContainerOptions) => void;
/** Registers a use case and what it needs beyond the ports. */
type UseCaseRegistration = (c: DependencyContainer, settings: Settings) => void;

/** The AWS clients, the given ports, telemetry, the given use cases: a function's container. */
function awsContainer(
  config: AwsConfig,
  options: AwsContainerOptions,
  ports: readonly PortRegistration[],
  useCases: readonly UseCaseRegistration[],
): DependencyContainer {
  const c = rootContainer.createChildContainer();
  registerAwsBase(c, config, options);
  for (const register of ports) register(c, config, options);
  registerTelemetry(c, config.settings, options);
  for (const register of useCases) register(c, config.settings);
  return c;
}

/**
 * A container of AWS clients and adapters for all three handlers (the demo and the kill test run
 * them side by side over local servers).
 *
 * @example
 * ```ts
 * const c = createAwsContainer(parseAwsConfig(env), { credentials: LOCAL_CREDENTIALS });
 * await c.resolve(IngestHandler).handle({});
 * ```
 */
export function createAwsContainer(
  config: AwsConfig,
  options: AwsContainerOptions = {},
): DependencyContainer {
  return awsContainer(
    config,
    options,
    [registerAwsPayoutPorts, registerAwsIngestPorts],
    [registerRemit, registerReconcile, registerIngest],
  );
}

/**
 * The remit function's container: its own ports and use case only.
 *
 * @example
 * ```ts
 * export const handler = createRemitContainer(loadAwsConfig()).resolve(RemitHandler).handle;
 * ```
 */
export function createRemitContainer(
  config: AwsConfig,
  options: AwsContainerOptions = {},
): DependencyContainer {
  return awsContainer(config, options, [registerAwsPayoutPorts], [registerRemit]);
}

/**
 * The reconcile function's container: its own ports and use case only.
 *
 * @example
 * ```ts
 * export const handler = createReconcileContainer(loadAwsConfig()).resolve(ReconcileHandler).handle;
 * ```
 */
export function createReconcileContainer(
  config: AwsConfig,
  options: AwsContainerOptions = {},
): DependencyContainer {
  return awsContainer(config, options, [registerAwsPayoutPorts], [registerReconcile]);
}

/**
 * The ingest function's container: its own ports and use case only.
 *
 * @example
 * ```ts
 * export const handler = createIngestContainer(loadAwsConfig()).resolve(IngestHandler).handle;
 * ```
 */
export function createIngestContainer(
  config: AwsConfig,
  options: AwsContainerOptions = {},
): DependencyContainer {
  return awsContainer(config, options, [registerAwsIngestPorts], [registerIngest]);
}

/**
 * Redis when configured (fast, one round trip), else the DynamoDB counter. With an auth secret
 * the client is built on first use, after the secret is read.
 */
function sequenceGenerator(
  c: DependencyContainer,
  config: AwsConfig,
  options: AwsContainerOptions,
): SequenceGenerator {
  const maxSequence = config.settings.remit.format.maxSequence;
  const redisConfig = config.redis;
  if (redisConfig === undefined) {
    return new DynamoDbSequenceGenerator({
      client: c.resolve(TOKENS.DynamoDbDocumentClient),
      tableName: config.tables.sequences,
      maxSequence,
    });
  }
  const build = (password: string | undefined) => {
    const redisOptions = sequenceRedisOptions({
      lazyConnect: true,
      ...(password === undefined ? {} : { password }),
    });
    return new RedisSequenceGenerator({
      redis: closing(c, new Redis(redisConfig.url, redisOptions), (redis) =>
        redis.quit().catch(() => redis.disconnect()),
      ),
      maxSequence,
      ...(options.redisKeyPrefix === undefined ? {} : { keyPrefix: options.redisKeyPrefix }),
    });
  };
  const arn = redisConfig.authSecretArn;
  if (arn === undefined) return build(undefined);
  const secrets = c.resolve<SecretReader>(TOKENS.SecretReader);
  const ready = lazy(async () => {
    const text = (await secrets.read(arn)).reveal();
    const parsed = redisSecretSchema.safeParse(parseJsonSecret(text));
    return build(parsed.success ? parsed.data : text);
  });
  return { guarantee: 'may_repeat', next: async (input) => (await ready()).next(input) };
}

/**
 * Close every client an AWS container created (local runs and tests; Lambda just freezes).
 *
 * @example
 * ```ts
 * await disposeAwsContainer(c);
 * ```
 */
export async function disposeAwsContainer(c: DependencyContainer): Promise<void> {
  const closers = c.resolve<(() => unknown)[]>(TOKENS.Closers);
  await Promise.allSettled(closers.splice(0).map(async (close) => close()));
}
