import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ErrorCode, RemitError } from '@remit/core';
import type { MessageVisibility } from '../tokens.js';

/**
 * {@link MessageVisibility} over SQS ChangeMessageVisibility: the message comes back after the
 * delay (whole seconds, SQS's unit, rounded up so a payout never returns early).
 *
 * @example
 * ```ts
 * const visibility = sqsMessageVisibility(new SQSClient({}), queueUrl);
 * await visibility.postpone({ receiptHandle, delayMs: 60_000 });
 * ```
 */
export function sqsMessageVisibility(client: Pick<SQSClient, 'send'>, queueUrl: string): MessageVisibility {
  return {
    async postpone({ receiptHandle, delayMs }) {
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: Math.ceil(delayMs / 1000),
          }),
        );
      } catch (err) {
        throw new RemitError(ErrorCode.Unavailable, 'SQS ChangeMessageVisibility failed', {
          retryable: true,
          cause: err,
        });
      }
    },
  };
}
