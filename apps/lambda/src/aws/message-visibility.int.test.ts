import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsClient, localEnv, uniqueName } from '@remit/adapters-aws/local-servers/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { sqsMessageVisibility } from './message-visibility.js';

const sqs = createSqsClient(localEnv().sqs);
afterAll(() => sqs.destroy());

const receive = async (queueUrl: string) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 0 }),
    )
  ).Messages ?? [];

describe('sqsMessageVisibility', () => {
  it('keeps a received message invisible for the delay, rounded up to whole seconds', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${uniqueName('vis')}.fifo`, Attributes: { FifoQueue: 'true' } }),
    );
    const queueUrl = QueueUrl!;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{}',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd',
      }),
    );
    const [first] = await receive(queueUrl);
    expect(first).toBeDefined();
    await sqsMessageVisibility(sqs, queueUrl).postpone({
      receiptHandle: first!.ReceiptHandle!,
      delayMs: 1_200,
    });
    expect(await receive(queueUrl)).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect((await receive(queueUrl))[0]?.MessageId).toBe(first!.MessageId);
  });

  it('reports a stale receipt as a retryable UNAVAILABLE error', async () => {
    const visibility = sqsMessageVisibility(sqs, 'http://127.0.0.1:1/000000000000/missing.fifo');
    await expect(visibility.postpone({ receiptHandle: 'nope', delayMs: 1_000 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
  });
});
