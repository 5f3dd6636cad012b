/**
 * What every DynamoDB adapter shares: the narrow client interface, reading raw attribute values
 * off conditional-check failures, and mapping SDK failures onto the core error family.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ErrorCode, RemitError } from '@remit/core';

/**
 * The only part of a `DynamoDBDocumentClient` the adapters use. Build it with
 * `DynamoDBDocumentClient.from(new DynamoDBClient({...}))`; tests may wrap `send` to inject faults.
 */
export type DocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** A DynamoDB item as the DocumentClient reads and writes it. */
export type Item = Record<string, unknown>;

/**
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` hands back the old item in raw attribute-value
 * form (on `ConditionalCheckFailedException.Item` and on each transaction cancellation reason):
 * the DocumentClient unmarshalls outputs, never errors. Only the types remit writes are handled.
 */
export function unmarshallItem(raw: Record<string, AttributeValue> | undefined): Item | undefined {
  if (raw === undefined) return undefined;
  const out: Item = {};
  for (const [name, value] of Object.entries(raw)) out[name] = unmarshallValue(value);
  return out;
}

function unmarshallValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) {
    const n = Number(value.N);
    // Every number remit stores is a safe integer (won, epoch ms, counters); anything else is a bug.
    if (!Number.isSafeInteger(n))
      throw new RemitError(ErrorCode.Internal, `DynamoDB number ${value.N} is not a safe integer`);
    return n;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallItem(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(Number));
  throw new RemitError(
    ErrorCode.Internal,
    `unsupported DynamoDB attribute type: ${Object.keys(value).join(',')}`,
  );
}

/** Drops `undefined` members so the DocumentClient never has to be configured to remove them. */
export function defined<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  Item?: Record<string, AttributeValue>;
  CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue>; Message?: string }[];
}

function shape(err: unknown): AwsErrorShape {
  return typeof err === 'object' && err !== null ? (err as AwsErrorShape) : {};
}

/** The old item of a failed single-item conditional write, or `undefined` if `err` is something else. */
export function conditionFailedItem(err: unknown): { item: Item | undefined } | undefined {
  const e = shape(err);
  if (e.name !== 'ConditionalCheckFailedException') return undefined;
  return { item: unmarshallItem(e.Item) };
}

export interface CancellationReason {
  readonly code: string;
  readonly item: Item | undefined;
}

/**
 * The per-item reasons of a cancelled transaction when every failure was a condition check
 * (business outcome); `undefined` for any other error, including a cancellation caused by a
 * conflict or throttling (infrastructure: thrown by {@link toRemitError}).
 */
export function conditionCancellation(err: unknown): CancellationReason[] | undefined {
  const e = shape(err);
  if (e.name !== 'TransactionCanceledException' || e.CancellationReasons === undefined) return undefined;
  const reasons = e.CancellationReasons.map((r) => ({
    code: r.Code ?? 'None',
    item: unmarshallItem(r.Item),
  }));
  const infra = reasons.some((r) => r.code !== 'None' && r.code !== 'ConditionalCheckFailed');
  return infra ? undefined : reasons;
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);
const CONFLICT = new Set(['TransactionConflictException', 'TransactionInProgressException']);
const NETWORK = new Set([
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'NetworkingError',
]);
const INFRA_CANCELLATION = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * Maps any failure of a DynamoDB call onto the one error family:
 * throttling, 5xx and network failures -> `UNAVAILABLE` (retryable); transaction conflicts ->
 * `CONFLICT` (retryable); validation and everything else -> `INTERNAL` (not retryable: a retry
 * would send the same bad request).
 */
export function toRemitError(err: unknown, operation: string): RemitError {
  if (err instanceof RemitError) return err;
  const e = shape(err);
  const name = e.name ?? '';
  const code = e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const what = `DynamoDB ${operation} failed: ${name || code || 'error'}${e.message ? `: ${e.message}` : ''}`;
  if (name === 'TransactionCanceledException') {
    const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    if (codes.includes('TransactionConflict')) {
      return new RemitError(ErrorCode.Conflict, what, { retryable: true, cause: err, details: { codes } });
    }
    if (codes.some((c) => INFRA_CANCELLATION.has(c))) {
      return new RemitError(ErrorCode.Unavailable, what, { retryable: true, cause: err, details: { codes } });
    }
    return new RemitError(ErrorCode.Internal, what, { cause: err, details: { codes } });
  }
  if (CONFLICT.has(name)) return new RemitError(ErrorCode.Conflict, what, { retryable: true, cause: err });
  if (
    THROTTLING.has(name) ||
    NETWORK.has(name) ||
    NETWORK.has(code) ||
    (status !== undefined && status >= 500) ||
    e.$retryable !== undefined
  ) {
    return new RemitError(ErrorCode.Unavailable, what, { retryable: true, cause: err });
  }
  return new RemitError(ErrorCode.Internal, what, { cause: err });
}

/** Epoch seconds at or after `ms`: DynamoDB's TTL unit. */
export function ttlSecondsAt(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** DynamoDB deletes expired items lazily (DynamoDB Local never does): expired reads as absent. */
export function isExpired(item: Item, nowMs: number): boolean {
  return typeof item.ttl === 'number' && item.ttl * 1000 <= nowMs;
}

/** `ExclusiveStartKey` round-trips through an opaque cursor. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, what: string): T {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch (err) {
    throw new RemitError(ErrorCode.InvalidInput, `${what}: malformed cursor`, { cause: err });
  }
}
