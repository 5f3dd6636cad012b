import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqsClient, localEnv, uniqueName } from './vitest.js';

describe('fauxqs (local-servers smoke)', () => {
  const client = createSqsClient(localEnv().sqs);
  let queueUrl: string | undefined;

  afterAll(async () => {
    if (queueUrl !== undefined) await client.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    client.destroy();
  });

  it('creates a FIFO queue, sends and receives in group order with the real SDK', async () => {
    const created = await client.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName('smoke')}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
      }),
    );
    queueUrl = created.QueueUrl!;
    for (const n of [1, 2]) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({ remittanceId: `r-${n}` }),
          MessageGroupId: 'seller-1',
          MessageDeduplicationId: `r-${n}`,
        }),
      );
    }

    // fauxqs hands out at most one message per group per receive: loop, like a real consumer.
    const bodies: string[] = [];
    for (let i = 0; i < 10 && bodies.length < 2; i += 1) {
      const got = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of got.Messages ?? []) {
        bodies.push(message.Body!);
        await client.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }),
        );
      }
    }
    expect(bodies).toEqual([
      JSON.stringify({ remittanceId: 'r-1' }),
      JSON.stringify({ remittanceId: 'r-2' }),
    ]);
  });
});
