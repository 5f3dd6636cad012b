// The RemittanceQueue and RemittanceEvents contracts against fauxqs (the harness's server).
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { parseRemittanceMessage, type RemittanceEvent } from '@remit/core';
import { describeRemittanceEventsContract, describeRemittanceQueueContract } from '@remit/core/testing';
import { afterAll } from 'vitest';
import { createSqsClient, localEnv, uniqueName } from '../local-servers/vitest.js';
import { SqsRemittanceEvents } from './remittance-events.js';
import { SqsRemittanceQueue } from './remittance-queue.js';

const sqs = createSqsClient(localEnv().sqs);
const created: string[] = [];
afterAll(async () => {
  for (const QueueUrl of created) await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
  sqs.destroy();
});

async function createQueue(name: string, attributes: Record<string, string>): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  created.push(out.QueueUrl!);
  return out.QueueUrl!;
}

async function arnOf(queueUrl: string): Promise<string> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return out.Attributes!.QueueArn!;
}

const MAX_RECEIVES = 3;

describeRemittanceQueueContract({
  name: 'SqsRemittanceQueue (fauxqs FIFO)',
  create: async () => {
    const name = uniqueName('payouts');
    const dlqUrl = await createQueue(`${name}-dlq.fifo`, { FifoQueue: 'true' });
    const queueUrl = await createQueue(`${name}.fifo`, {
      FifoQueue: 'true',
      VisibilityTimeout: '30',
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: await arnOf(dlqUrl),
        maxReceiveCount: MAX_RECEIVES,
      }),
    });
    const dead: ReturnType<typeof parseRemittanceMessage>[] = [];
    return {
      queue: new SqsRemittanceQueue({ client: sqs, queueUrl }),
      maxReceives: MAX_RECEIVES,
      consumer: {
        async receive({ maxMessages }) {
          const out = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: queueUrl,
              MaxNumberOfMessages: maxMessages,
              WaitTimeSeconds: 0,
              MessageSystemAttributeNames: ['ApproximateReceiveCount'],
            }),
          );
          return (out.Messages ?? []).map((m) => ({
            message: parseRemittanceMessage(m.Body),
            receiptHandle: m.ReceiptHandle!,
            receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '0'),
          }));
        },
        async ack({ receiptHandle }) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
        },
        async changeVisibility({ receiptHandle, visibilityTimeoutMs }) {
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: receiptHandle,
              VisibilityTimeout: Math.ceil(visibilityTimeoutMs / 1000),
            }),
          );
        },
        async deadLetters() {
          for (let i = 0; i < 5; i += 1) {
            const out = await sqs.send(
              new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }),
            );
            for (const m of out.Messages ?? []) {
              dead.push(parseRemittanceMessage(m.Body));
              await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
            }
          }
          return dead;
        },
      },
    };
  },
});

describeRemittanceEventsContract({
  name: 'SqsRemittanceEvents (fauxqs standard)',
  create: async () => {
    const queueUrl = await createQueue(uniqueName('events'), {});
    const seen: RemittanceEvent[] = [];
    return {
      events: new SqsRemittanceEvents({ client: sqs, queueUrl }),
      async read() {
        for (let empty = 0; empty < 2; ) {
          const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
          );
          const messages = out.Messages ?? [];
          empty = messages.length === 0 ? empty + 1 : 0;
          for (const m of messages) {
            seen.push(JSON.parse(m.Body!) as RemittanceEvent);
            await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
          }
        }
        return seen;
      },
    };
  },
});
