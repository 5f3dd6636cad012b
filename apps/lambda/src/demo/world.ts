/**
 * Everything one demo run needs, in either mode: the container the real handlers come from, the
 * bank, the queue as the event source sees it, the store to read remit's records from, and how
 * to stop it all.
 *
 *   --memory   memory adapters, one SimulatedClock, the in-memory bank
 *   (default)  bank-sim over HTTP + DynamoDB Local + fauxqs + Redis (or the DynamoDB counter),
 *              the AWS adapters built from a Lambda-style environment, the same simulated clock
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createTableFromSchema } from '@remit/adapters-aws';
import {
  createDynamoDbClient,
  createSqsClient,
  LOCAL_CREDENTIALS,
  type LocalServers,
  startLocalServers,
  uniqueName,
} from '@remit/adapters-aws/local-servers';
import { idempotencyTable, ordersTable, sequencesTable } from '@remit/adapters-aws/schema';
import { SimulatedClock } from '@remit/adapters-memory';
import { startBankSim } from '@remit/bank-sim';
import type { IdempotencyStore, OrderDeps, RemittanceEvent, SequenceGenerator } from '@remit/core';
import type { DependencyContainer } from 'tsyringe';
import { createAwsContainer, createMemoryContainer, disposeAwsContainer } from '../composition.js';
import { parseAwsConfig, parseSettings, type Settings } from '../config.js';
import type { LogLevel } from '../observability/logger.js';
import { RecordingMetrics } from '../observability/telemetry.js';
import { staticSecrets } from '../secrets.js';
import { TOKENS } from '../tokens.js';
import { type DemoBank, memoryBank, simBank } from './bank.js';
import { type EventSource, memoryEventSource, sqsEventSource } from './event-source.js';
import { memoryPorts } from './memory-ports.js';
import {
  DEMO_INSTITUTION,
  DEMO_NAME_BUDGET_BYTES,
  DEMO_PAYER_ACCOUNT,
  demoSettingsEnv,
  type Scenario,
} from './scenario.js';

/** Lambda's FIFO event source: visibility timeout >= 6x a 30 s function timeout. */
export const VISIBILITY_TIMEOUT_MS = 180_000;
/** Receives before a message is redriven to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

export interface World {
  readonly mode: 'memory' | 'aws';
  /** What runs where, for the header. */
  readonly description: readonly string[];
  readonly clock: SimulatedClock;
  readonly settings: Settings;
  readonly container: DependencyContainer;
  readonly metrics: RecordingMetrics;
  readonly orderDeps: OrderDeps;
  readonly store: IdempotencyStore;
  readonly sequence: SequenceGenerator;
  readonly bank: DemoBank;
  readonly queue: EventSource;
  /** Everything published to the events port so far. */
  events(): Promise<readonly RemittanceEvent[]>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  readonly logLevel: LogLevel;
}

function orderDepsOf(container: DependencyContainer, clock: SimulatedClock, settings: Settings): OrderDeps {
  return { matcher: container.resolve(TOKENS.OrderMatcher), clock, policy: settings.ingest.policy };
}

/**
 * @example
 * ```ts
 * const world = createMemoryWorld(scenario, { logLevel: 'SILENT' });
 * ```
 */
export function createMemoryWorld(scenario: Scenario, options: WorldOptions): World {
  const settings = parseSettings(demoSettingsEnv());
  const ports = memoryPorts({
    startMs: scenario.startMs,
    visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS,
    maxReceives: MAX_RECEIVE_COUNT,
    gateway: { invalidAccounts: [scenario.rejectedPayeeAccount] },
  });
  const metrics = new RecordingMetrics();
  const container = createMemoryContainer({ settings, ports, logLevel: options.logLevel, metrics });
  return {
    mode: 'memory',
    description: [
      'adapters   in-memory (orders, idempotency store, sequence, FIFO queue + DLQ, events)',
      'bank       in-memory transfer gateway and statement',
      'sequence   in-memory counter',
    ],
    clock: ports.clock,
    settings,
    container,
    metrics,
    orderDeps: orderDepsOf(container, ports.clock, settings),
    store: ports.store,
    sequence: ports.sequence,
    bank: memoryBank({
      source: ports.source,
      gateway: ports.gateway,
      nameBudgetBytes: DEMO_NAME_BUDGET_BYTES,
    }),
    queue: memoryEventSource(ports.queue, ports.visibility),
    events: async () => ports.events.published,
    stop: async () => {},
  };
}

const FAKE_ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:remit-demo/${name}`;

async function createQueues(sqs: SQSClient, prefix: string) {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-dlq.fifo`,
      Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
    }),
  );
  const dlqUrl = dlq.QueueUrl!;
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-payouts.fifo`,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(VISIBILITY_TIMEOUT_MS / 1000),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      },
    }),
  );
  const events = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-events` }));
  return { queueUrl: main.QueueUrl!, dlqUrl, eventsUrl: events.QueueUrl! };
}

export interface AwsWorldOptions extends WorldOptions {
  /** Reuse servers someone else started (the integration tests' global setup). */
  readonly servers?: Pick<LocalServers, 'dynamodb' | 'sqs' | 'redis'>;
  /** Progress while starting (servers take a second or two). */
  readonly say?: (line: string) => void;
}

/**
 * Starts bank-sim and (unless given) the local servers, creates tables and queues, and builds the
 * AWS container from a Lambda-style environment.
 *
 * @example
 * ```ts
 * const world = await createAwsWorld(scenario, { logLevel: 'SILENT' });
 * try { ... } finally { await world.stop(); }
 * ```
 */
export async function createAwsWorld(scenario: Scenario, options: AwsWorldOptions): Promise<World> {
  const say = options.say ?? (() => {});
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    let servers = options.servers;
    let redisNote = '';
    if (servers === undefined) {
      say('starting DynamoDB Local, fauxqs and Redis ...');
      try {
        const started = await startLocalServers();
        stops.push(() => started.stop());
        servers = started;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // Only a missing Redis has a fallback; DynamoDB Local or fauxqs failing stops the demo.
        if (!/redis/i.test(message) || /java|dynamodb|fauxqs/i.test(message)) throw err;
        redisNote = ` (Redis unavailable: ${message.split('\n')[0]})`;
        say('Redis unavailable; using the DynamoDB sequence counter instead');
        const started = await startLocalServers({ redis: false });
        stops.push(() => started.stop());
        servers = { ...started, redis: undefined as never };
      }
    }
    const dynamodb = servers.dynamodb!;
    const sqsServer = servers.sqs!;
    const redis = servers.redis as { url: string; startedByUs: boolean } | undefined;

    const clock = new SimulatedClock(scenario.startMs);
    const sim = await startBankSim({
      clock: () => clock.now(),
      institutionCode: DEMO_INSTITUTION,
      nameBudgetBytes: DEMO_NAME_BUDGET_BYTES,
    });
    stops.push(() => sim.stop());
    sim.controls.rejectAccount(scenario.rejectedPayeeAccount, 'invalid_account');

    const prefix = uniqueName('remit-demo');
    const ddb = createDynamoDbClient(dynamodb);
    stops.push(async () => ddb.destroy());
    const sqs = createSqsClient(sqsServer);
    stops.push(async () => sqs.destroy());
    say('creating tables and queues ...');
    const tables = {
      idempotency: `${prefix}-idempotency`,
      orders: `${prefix}-orders`,
      sequences: `${prefix}-sequences`,
    };
    await Promise.all([
      createTableFromSchema(ddb, idempotencyTable, tables.idempotency),
      createTableFromSchema(ddb, ordersTable, tables.orders),
      createTableFromSchema(ddb, sequencesTable, tables.sequences),
    ]);
    const queues = await createQueues(sqs, prefix);

    // The environment infra-cdk gives the functions, pointed at the local servers.
    const env: Record<string, string> = {
      ...demoSettingsEnv(),
      AWS_REGION: 'us-east-1',
      REMIT_IDEMPOTENCY_TABLE: tables.idempotency,
      REMIT_ORDERS_TABLE: tables.orders,
      REMIT_SEQUENCES_TABLE: tables.sequences,
      REMIT_QUEUE_URL: queues.queueUrl,
      REMIT_EVENTS_QUEUE_URL: queues.eventsUrl,
      REMIT_PROVIDER_BASE_URL: sim.url,
      REMIT_PROVIDER_SECRET_ARN: FAKE_ARN('provider'),
      REMIT_PAYER_ACCOUNT: DEMO_PAYER_ACCOUNT,
      // Short, so the "timeout after executing" case costs a second, not fifteen.
      REMIT_PROVIDER_TIMEOUT_MS: '1000',
      REMIT_DYNAMODB_ENDPOINT: dynamodb.endpoint,
      REMIT_SQS_ENDPOINT: sqsServer.endpoint,
      ...(redis === undefined ? {} : { REMIT_REDIS_URL: redis.url }),
    };
    const config = parseAwsConfig(env);
    const queue = sqsEventSource({
      client: sqs,
      queueUrl: queues.queueUrl,
      dlqUrl: queues.dlqUrl,
      clock,
      visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS,
    });
    const metrics = new RecordingMetrics();
    const container = createAwsContainer(config, {
      clock,
      credentials: LOCAL_CREDENTIALS,
      secrets: staticSecrets({
        [config.provider.secretArn]: JSON.stringify({ accessToken: sim.accessToken }),
      }),
      visibility: queue.visibility,
      redisKeyPrefix: `${prefix}:`,
      logLevel: options.logLevel,
      metrics,
    });
    stops.push(() => disposeAwsContainer(container));
    const bank = simBank({ sim, clock, payerAccount: DEMO_PAYER_ACCOUNT });
    stops.push(() => bank.close());

    const eventsSeen: RemittanceEvent[] = [];
    return {
      mode: 'aws',
      description: [
        `adapters   AWS adapters: DynamoDB Local at ${dynamodb.endpoint}, fauxqs (SQS) at ${sqsServer.endpoint}`,
        `bank       bank-sim at ${sim.url} (allow-list 127.0.0.1)`,
        redis === undefined
          ? `sequence   DynamoDB counter table${redisNote}`
          : `sequence   Redis at ${redis.url}${redis.startedByUs ? ' (started for this run)' : ''}`,
      ],
      clock,
      settings: config.settings,
      container,
      metrics,
      orderDeps: orderDepsOf(container, clock, config.settings),
      store: container.resolve(TOKENS.IdempotencyStore),
      sequence: container.resolve(TOKENS.SequenceGenerator),
      bank,
      queue,
      async events() {
        // Drain the events queue (bounded: a demo run publishes at most a few per order).
        for (let round = 0; round < 10_000; round++) {
          const got = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queues.eventsUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 0,
            }),
          );
          const messages = got.Messages ?? [];
          if (messages.length === 0) break;
          for (const m of messages) {
            eventsSeen.push(...parseEvents(m.Body ?? ''));
            await sqs.send(
              new DeleteMessageCommand({ QueueUrl: queues.eventsUrl, ReceiptHandle: m.ReceiptHandle }),
            );
          }
        }
        return eventsSeen;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** An events-queue body: one event, or a batch of them. */
function parseEvents(body: string): RemittanceEvent[] {
  try {
    const value = JSON.parse(body) as unknown;
    if (Array.isArray(value)) return value as RemittanceEvent[];
    if (value !== null && typeof value === 'object' && 'events' in value) {
      return (value as { events: RemittanceEvent[] }).events;
    }
    return [value as RemittanceEvent];
  } catch {
    return [];
  }
}
