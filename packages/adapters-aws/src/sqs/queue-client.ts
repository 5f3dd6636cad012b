/**
 * What both SQS adapters share: the narrow client, the strict queue-kind check (fauxqs accepts
 * settings AWS would refuse, so the code checks what it relies on), batched sends that retry the
 * failed entries and never drop one silently, and error mapping.
 */
import {
  type BatchResultErrorEntry,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ErrorCode, RemitError } from '@remit/core';

export type SqsClient = Pick<SQSClient, 'send'>;

/** SQS's own limit per SendMessageBatch call. */
export const SQS_BATCH_MAX_ENTRIES = 10;
/** SQS's limit on a batch's total payload (and on one message): 256 KiB. */
export const SQS_BATCH_MAX_BYTES = 256 * 1024;
/** Failed entries of a batch are resent at most this many times before the call throws. */
const MAX_SEND_ROUNDS = 3;
const RETRY_BASE_MS = 50;

export interface QueueKind {
  readonly fifo: boolean;
  /** Only checked for FIFO queues. */
  readonly contentBasedDeduplication?: boolean;
}

/**
 * Reads the queue's attributes and throws `INVALID_CONFIG` unless they are what the adapter
 * relies on. Transient failures are thrown retryable and not cached, so the next call checks again.
 */
export async function verifyQueueKind(
  client: SqsClient,
  queueUrl: string,
  expected: QueueKind,
  what: string,
): Promise<void> {
  let attributes: Record<string, string>;
  try {
    const out = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['FifoQueue', 'ContentBasedDeduplication', 'RedrivePolicy'],
      }),
    );
    attributes = out.Attributes ?? {};
  } catch (err) {
    throw toSqsError(err, `${what}: reading attributes of ${queueUrl}`);
  }
  const fifo = attributes.FifoQueue === 'true';
  const named = /\.fifo$/.test(queueUrl);
  if (expected.fifo) {
    if (!fifo || !named) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `${what}: ${queueUrl} must be a FIFO queue (FifoQueue=true and a name ending in .fifo); got FifoQueue=${attributes.FifoQueue ?? 'unset'}. ` +
          'Payouts rely on per-group order and de-duplication: create it with FifoQueue=true.',
      );
    }
    const dlq = deadLetterArnOf(attributes.RedrivePolicy);
    if (dlq !== undefined && !dlq.endsWith('.fifo')) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `${what}: ${queueUrl} redrives to ${dlq}, which is not FIFO; a FIFO queue's dead-letter queue must be FIFO`,
      );
    }
    const cbd = attributes.ContentBasedDeduplication === 'true';
    if (expected.contentBasedDeduplication !== undefined && cbd !== expected.contentBasedDeduplication) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `${what}: ${queueUrl} has ContentBasedDeduplication=${cbd}, expected ${expected.contentBasedDeduplication}. ` +
          'The adapter sets the de-duplication id to the remittance id itself; content-based de-duplication would hide a changed payload.',
      );
    }
  } else if (fifo || named) {
    throw new RemitError(
      ErrorCode.InvalidConfig,
      `${what}: ${queueUrl} must be a standard queue, it is FIFO`,
    );
  }
}

function deadLetterArnOf(redrivePolicy: string | undefined): string | undefined {
  if (redrivePolicy === undefined || redrivePolicy === '') return undefined;
  try {
    const arn = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof arn === 'string' ? arn : undefined;
  } catch {
    return undefined;
  }
}

/** Splits entries into SQS batches: at most 10 entries and 256 KiB each. */
export function chunkEntries(
  entries: readonly SendMessageBatchRequestEntry[],
): SendMessageBatchRequestEntry[][] {
  const chunks: SendMessageBatchRequestEntry[][] = [];
  let current: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '', 'utf8');
    if (size > SQS_BATCH_MAX_BYTES) {
      throw new RemitError(
        ErrorCode.InvalidInput,
        `message ${entry.Id} is ${size} bytes, over SQS's 256 KiB`,
      );
    }
    if (current.length === SQS_BATCH_MAX_ENTRIES || bytes + size > SQS_BATCH_MAX_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Sends one batch; entries SQS failed on its side are resent (same dedup id, so a resend of an
 * entry that did land is de-duplicated on FIFO), up to a bound. Whatever still fails is thrown,
 * naming the entries: never dropped.
 */
export async function sendBatch(
  client: SqsClient,
  queueUrl: string,
  entries: readonly SendMessageBatchRequestEntry[],
  what: string,
): Promise<void> {
  let pending = [...entries];
  for (let round = 1; ; round += 1) {
    let failed: BatchResultErrorEntry[];
    try {
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      failed = out.Failed ?? [];
    } catch (err) {
      throw toSqsError(err, `${what}: SendMessageBatch`);
    }
    if (failed.length === 0) return;
    const senderFaults = failed.filter((f) => f.SenderFault === true);
    const describe = failed.map((f) => `${f.Id}: ${f.Code ?? '?'} ${f.Message ?? ''}`.trim()).join('; ');
    if (senderFaults.length > 0) {
      throw new RemitError(
        ErrorCode.Internal,
        `${what}: SQS refused ${senderFaults.length} message(s): ${describe}`,
        {
          details: { failed },
        },
      );
    }
    if (round >= MAX_SEND_ROUNDS) {
      throw new RemitError(
        ErrorCode.Unavailable,
        `${what}: ${failed.length} message(s) still failing after ${round} attempts: ${describe}`,
        { retryable: true, details: { failed } },
      );
    }
    const failedIds = new Set(failed.map((f) => f.Id));
    pending = pending.filter((e) => failedIds.has(e.Id));
    await new Promise((resolve) => setTimeout(resolve, RETRY_BASE_MS * 2 ** (round - 1)));
  }
}

const TRANSIENT = new Set([
  'ThrottlingException',
  'RequestThrottled',
  'KmsThrottled',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'TimeoutError',
  'AbortError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Throttling, 5xx and network failures -> `UNAVAILABLE` (retryable); a missing queue or a
 * refused request -> `INVALID_CONFIG`/`INTERNAL`. Error names may come prefixed
 * (`AWS.SimpleQueueService.NonExistentQueue`): the suffix decides.
 */
export function toSqsError(err: unknown, what: string): RemitError {
  if (err instanceof RemitError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const name = (e.name ?? '').split('.').pop() ?? '';
  const status = e.$metadata?.httpStatusCode;
  const message = `${what} failed: ${e.name ?? e.code ?? 'error'}${e.message ? `: ${e.message}` : ''}`;
  if (
    TRANSIENT.has(name) ||
    TRANSIENT.has(e.code ?? '') ||
    (status !== undefined && status >= 500) ||
    e.$retryable !== undefined
  ) {
    return new RemitError(ErrorCode.Unavailable, message, { retryable: true, cause: err });
  }
  if (
    name === 'NonExistentQueue' ||
    name === 'QueueDoesNotExist' ||
    name === 'AccessDenied' ||
    name === 'AccessDeniedException'
  ) {
    return new RemitError(ErrorCode.InvalidConfig, message, { cause: err });
  }
  return new RemitError(ErrorCode.Internal, message, { cause: err });
}

/** Memoises an async check; a failed check is forgotten so the next call runs it again. */
export function once(check: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= check().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
