/**
 * Injection tokens of the composition root. Symbols only: esbuild emits no decorator metadata,
 * so nothing is ever injected by class type (TOOLCHAIN.md).
 */
import type {
  IngestReport,
  IngestRequest,
  ReconcileReport,
  ReconcileRequest,
  RemitOutcome,
  RemitRequest,
} from '@remit/core';

export const TOKENS = {
  Settings: Symbol('Settings'),
  Logger: Symbol('Logger'),
  Metrics: Symbol('Metrics'),
  // ports
  Clock: Symbol('Clock'),
  DepositSource: Symbol('DepositSource'),
  OrderMatcher: Symbol('OrderMatcher'),
  IdempotencyStore: Symbol('IdempotencyStore'),
  IngestCheckpointStore: Symbol('IngestCheckpointStore'),
  SequenceGenerator: Symbol('SequenceGenerator'),
  TransferGateway: Symbol('TransferGateway'),
  RemittanceQueue: Symbol('RemittanceQueue'),
  RemittanceEvents: Symbol('RemittanceEvents'),
  MessageVisibility: Symbol('MessageVisibility'),
  // use cases, bound to their ports
  IngestUseCase: Symbol('IngestUseCase'),
  RemitUseCase: Symbol('RemitUseCase'),
  ReconcileUseCase: Symbol('ReconcileUseCase'),
  // AWS clients: one each per execution environment
  AwsConfig: Symbol('AwsConfig'),
  DynamoDbClient: Symbol('DynamoDbClient'),
  DynamoDbDocumentClient: Symbol('DynamoDbDocumentClient'),
  SqsClient: Symbol('SqsClient'),
  SecretsManagerClient: Symbol('SecretsManagerClient'),
  SecretReader: Symbol('SecretReader'),
  ProviderPool: Symbol('ProviderPool'),
  /** What a local run closes at the end (clients the container created). */
  Closers: Symbol('Closers'),
} as const;

export type IngestUseCase = (request: IngestRequest) => Promise<IngestReport>;
export type RemitUseCase = (request: RemitRequest) => Promise<RemitOutcome>;
export type ReconcileUseCase = (request: ReconcileRequest) => Promise<ReconcileReport>;

/**
 * Postpones a received queue message (SQS ChangeMessageVisibility): a payout that must wait
 * (maintenance window, unknown outcome) comes back when it can make progress. Postponing does not
 * save receive counts: every receive counts toward the queue's maxReceiveCount, and the message
 * still moves to the dead-letter queue after that many. It only spaces the receives out, so the
 * redrive budget covers a longer wait instead of being spent on retries that cannot succeed yet.
 */
export interface MessageVisibility {
  postpone(input: { readonly receiptHandle: string; readonly delayMs: number }): Promise<void>;
}
