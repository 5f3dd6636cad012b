/**
 * @remit/adapters-aws: the core ports over the services production uses: DynamoDB (idempotency
 * records, orders, sequence counters), SQS (payout queue, events), Redis (sequence numbers) and
 * the transfer provider over HTTP (undici). Table key schemas: `@remit/adapters-aws/schema`.
 */
export { createTableFromSchema } from './dynamodb/create-table.js';
export type { DocumentClient } from './dynamodb/document-client.js';
export {
  DynamoDbIdempotencyStore,
  type DynamoDbIdempotencyStoreOptions,
  MAX_LIST_OPEN_LIMIT,
} from './dynamodb/idempotency-store.js';
export {
  DynamoDbIngestCheckpointStore,
  type DynamoDbIngestCheckpointStoreOptions,
} from './dynamodb/ingest-checkpoint-store.js';
export {
  DynamoDbOrderMatcher,
  type DynamoDbOrderMatcherOptions,
  MAX_PENDING_CANDIDATES,
} from './dynamodb/order-matcher.js';
export {
  DEFAULT_SEQUENCE_BLOCK_SIZE,
  DynamoDbSequenceGenerator,
  type DynamoDbSequenceGeneratorOptions,
  MAX_SEQUENCE_BLOCK_SIZE,
} from './dynamodb/sequence-generator.js';
export { HttpDepositSource, type HttpDepositSourceOptions } from './http/deposit-source.js';
export type { AccessTokenProvider, ProviderHttpOptions } from './http/provider-client.js';
export { HttpTransferGateway, type HttpTransferGatewayOptions } from './http/transfer-gateway.js';
export {
  MIN_SEQUENCE_TTL_SEC,
  RedisSequenceGenerator,
  type RedisSequenceGeneratorOptions,
  SEQUENCE_LUA,
  type SequenceRedisClient,
  type SequenceRedisOptions,
  sequenceRedisOptions,
} from './redis/sequence-generator.js';
export type { SqsClient } from './sqs/queue-client.js';
export { SqsRemittanceEvents, type SqsRemittanceEventsOptions } from './sqs/remittance-events.js';
export { SqsRemittanceQueue, type SqsRemittanceQueueOptions } from './sqs/remittance-queue.js';
