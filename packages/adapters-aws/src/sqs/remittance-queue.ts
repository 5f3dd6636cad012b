/**
 * The payout queue on SQS FIFO. Group id: the payee account by default (one seller's payouts in
 * order, sellers in parallel), as a digest (`remittanceGroupId`: no account number in consoles);
 * de-duplication id: the remittance id (`remittanceDedupId`). Both come from core, so the memory
 * queue and this one mean the same. SQS de-duplicates for only 5 minutes: exactly-once comes
 * from the idempotency store.
 *
 * Batches go out in order, chunk after chunk. SQS may fail single entries of a batch: those are
 * resent (same de-duplication id) a bounded number of times, then the call throws naming them.
 * A resent entry can land after a later entry of its group; the idempotency store, not the
 * queue order, is what makes a payout exactly-once.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  type EnqueueInput,
  type EnqueueResult,
  ErrorCode,
  RemitError,
  type RemittanceMessage,
  type RemittanceQueue,
  remittanceDedupId,
  remittanceGroupId,
} from '@remit/core';
import {
  chunkEntries,
  once,
  type SqsClient,
  sendBatch,
  toSqsError,
  verifyQueueKind,
} from './queue-client.js';

export interface SqsRemittanceQueueOptions {
  readonly client: SqsClient;
  /** URL of a FIFO queue (FifoQueue=true, name ending in `.fifo`). */
  readonly queueUrl: string;
  /** Message group of a payout. Default: core's `remittanceGroupId` (a digest of the payee account). */
  readonly groupIdOf?: (message: RemittanceMessage) => string;
  /**
   * What the queue's ContentBasedDeduplication must be. Default `false`: the adapter always sets
   * the de-duplication id (the remittance id); `undefined` would accept either.
   */
  readonly expectContentBasedDeduplication?: boolean | undefined;
}

/** SQS: group and de-duplication ids are 1-128 chars of alphanumerics and punctuation. */
const SQS_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * {@link RemittanceQueue} over an SQS FIFO queue. The queue's kind is checked on first use.
 *
 * @example
 * ```ts
 * const queue = new SqsRemittanceQueue({ client: new SQSClient({}), queueUrl });
 * await queue.enqueue({ messages: [message] });
 * ```
 */
export class SqsRemittanceQueue implements RemittanceQueue {
  private readonly client: SqsClient;
  private readonly queueUrl: string;
  private readonly groupIdOf: (message: RemittanceMessage) => string;
  /** Resolves once the queue is known to be FIFO as expected. */
  readonly verify: () => Promise<void>;

  constructor(options: SqsRemittanceQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.groupIdOf = options.groupIdOf ?? remittanceGroupId;
    const expected =
      'expectContentBasedDeduplication' in options ? options.expectContentBasedDeduplication : false;
    this.verify = once(() =>
      verifyQueueKind(
        this.client,
        this.queueUrl,
        expected === undefined ? { fifo: true } : { fifo: true, contentBasedDeduplication: expected },
        'SqsRemittanceQueue',
      ),
    );
  }

  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    if (input.messages.length === 0) return { enqueued: 0 };
    await this.verify();
    const entries = input.messages.map((message, index) => {
      const groupId = this.groupIdOf(message);
      if (!SQS_ID.test(groupId)) {
        throw new RemitError(
          ErrorCode.InvalidInput,
          `message group id for ${message.remittanceId} is not a valid SQS id`,
        );
      }
      return {
        Id: String(index),
        MessageBody: JSON.stringify(message),
        MessageGroupId: groupId,
        MessageDeduplicationId: remittanceDedupId(message),
      };
    });
    if (entries.length === 1) {
      const [entry] = entries;
      try {
        await this.client.send(
          new SendMessageCommand({
            QueueUrl: this.queueUrl,
            MessageBody: entry!.MessageBody,
            MessageGroupId: entry!.MessageGroupId,
            MessageDeduplicationId: entry!.MessageDeduplicationId,
          }),
        );
      } catch (err) {
        throw toSqsError(err, 'SqsRemittanceQueue: SendMessage');
      }
      return { enqueued: 1 };
    }
    // Sequential chunks keep the group order the caller gave.
    for (const chunk of chunkEntries(entries))
      await sendBatch(this.client, this.queueUrl, chunk, 'SqsRemittanceQueue');
    return { enqueued: entries.length };
  }
}
