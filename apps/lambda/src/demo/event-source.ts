/**
 * The payout queue as Lambda's SQS event source sees it: receive a batch, hand it to the handler,
 * delete what succeeded, leave the batch item failures to come back after the visibility
 * timeout, redrive to the dead-letter queue after `maxReceiveCount` receives.
 *
 * Time is simulated. The memory queue reads the simulated clock itself. fauxqs keeps visibility in
 * wall-clock seconds, so over SQS the demo holds every received message invisible (12 h) and
 * makes it visible again (ChangeMessageVisibility 0) when the SIMULATED time it is due has come:
 * the visibility timeout and the handler's postponements mean what they would in AWS.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MemoryRemittanceQueue } from '@remit/adapters-memory';
import { type Clock, type RemittanceMessage, remittanceGroupId } from '@remit/core';
import type { SQSRecord } from 'aws-lambda';
import type { MessageVisibility } from '../tokens.js';

export interface QueueDepth {
  /** Waiting to be received. */
  readonly visible: number;
  /** Received and neither deleted nor visible again yet. */
  readonly inFlight: number;
  readonly dead: number;
}

export interface EventSource {
  /** Lambda's FIFO batch size bound: 10. */
  receive(maxMessages: number): Promise<SQSRecord[]>;
  /** Delete the successes; failures come back after the visibility timeout (or their postponement). */
  settle(records: readonly SQSRecord[], failedIds: ReadonlySet<string>): Promise<void>;
  /** What the remit handler postpones with. */
  readonly visibility: MessageVisibility;
  /** Put a raw message on the queue (the demo's poison message). */
  sendRaw(message: unknown, groupId: string): Promise<void>;
  depth(): Promise<QueueDepth>;
  /** Bodies in the dead-letter queue. */
  deadLetters(): Promise<readonly unknown[]>;
}

function toRecord(input: {
  messageId: string;
  receiptHandle: string;
  body: string;
  groupId: string;
  receiveCount: number;
  queueName: string;
}): SQSRecord {
  return {
    messageId: input.messageId,
    receiptHandle: input.receiptHandle,
    body: input.body,
    attributes: {
      ApproximateReceiveCount: String(input.receiveCount),
      SentTimestamp: '0',
      SenderId: 'remit-demo',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: input.groupId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${input.queueName}`,
    awsRegion: 'us-east-1',
  };
}

// ---------------------------------------------------------------- memory

/**
 * @example
 * ```ts
 * const source = memoryEventSource(ports.queue, ports.visibility);
 * ```
 */
export function memoryEventSource(queue: MemoryRemittanceQueue, visibility: MessageVisibility): EventSource {
  return {
    visibility,
    async receive(maxMessages) {
      const received = await queue.receive({ maxMessages });
      return received.map((r) =>
        toRecord({
          messageId: r.messageId,
          receiptHandle: r.receiptHandle,
          body: JSON.stringify(r.message),
          groupId: r.groupId,
          receiveCount: r.receiveCount,
          queueName: 'remit-payouts.fifo',
        }),
      );
    },
    async settle(records, failedIds) {
      for (const r of records)
        if (!failedIds.has(r.messageId)) await queue.ack({ receiptHandle: r.receiptHandle });
    },
    async sendRaw(message) {
      await queue.enqueue({ messages: [message as RemittanceMessage] });
    },
    async depth() {
      return queue.depth();
    },
    deadLetters: () => queue.deadLetters(),
  };
}

// ---------------------------------------------------------------- SQS (fauxqs)

/** Longer than any simulated run takes in wall-clock time: only the demo makes messages visible. */
const HOLD_SECONDS = 12 * 60 * 60;

export interface SqsEventSourceOptions {
  readonly client: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly clock: Clock;
  /** Simulated visibility timeout of the queue (Lambda: >= 6x the function timeout). */
  readonly visibilityTimeoutMs: number;
}

/**
 * @example
 * ```ts
 * const source = sqsEventSource({ client, queueUrl, dlqUrl, clock, visibilityTimeoutMs: 180_000 });
 * ```
 */
export function sqsEventSource(options: SqsEventSourceOptions): EventSource {
  const { client, queueUrl, clock } = options;
  /** receipt handle -> simulated instant it becomes visible again. */
  const held = new Map<string, number>();
  const dead: unknown[] = [];

  const releaseDue = async () => {
    const now = clock.now();
    for (const [receiptHandle, dueMs] of held) {
      if (dueMs > now) continue;
      held.delete(receiptHandle);
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  };
  const receiveAll = async (url: string): Promise<Message[]> => {
    const out: Message[] = [];
    // Bounded: the DLQ of a demo run holds a handful of messages.
    for (let round = 0; round < 1_000; round++) {
      const got = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: HOLD_SECONDS,
        }),
      );
      if ((got.Messages ?? []).length === 0) break;
      out.push(...(got.Messages ?? []));
    }
    return out;
  };

  return {
    visibility: {
      postpone: async ({ receiptHandle, delayMs }) => {
        held.set(receiptHandle, clock.now() + delayMs);
      },
    },
    async receive(maxMessages) {
      await releaseDue();
      const got = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: maxMessages,
          VisibilityTimeout: HOLD_SECONDS,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return (got.Messages ?? []).map((m) =>
        toRecord({
          messageId: m.MessageId ?? '',
          receiptHandle: m.ReceiptHandle ?? '',
          body: m.Body ?? '',
          groupId: m.Attributes?.MessageGroupId ?? '',
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
          queueName: queueUrl.split('/').at(-1) ?? 'queue',
        }),
      );
    },
    async settle(records, failedIds) {
      for (const r of records) {
        if (failedIds.has(r.messageId)) {
          if (!held.has(r.receiptHandle))
            held.set(r.receiptHandle, clock.now() + options.visibilityTimeoutMs);
        } else {
          held.delete(r.receiptHandle);
          await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: r.receiptHandle }));
        }
      }
    },
    async sendRaw(message, groupId) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          MessageGroupId: groupId,
          MessageDeduplicationId: `raw-${clock.now()}`,
        }),
      );
    },
    async depth() {
      // Counting by receiving would disturb receive counts: ask SQS, and count what we hold.
      const attrs = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const visible = Number(attrs.Attributes?.ApproximateNumberOfMessages ?? '0');
      const dlq = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: options.dlqUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const deadNow =
        Number(dlq.Attributes?.ApproximateNumberOfMessages ?? '0') +
        Number(dlq.Attributes?.ApproximateNumberOfMessagesNotVisible ?? '0');
      return { visible, inFlight: held.size, dead: deadNow + dead.length };
    },
    async deadLetters() {
      for (const m of await receiveAll(options.dlqUrl)) dead.push(JSON.parse(m.Body ?? 'null') as unknown);
      return [...dead];
    },
  };
}

/** The poison message's group: the payee's, like a real payout of that seller. */
export function groupOfRaw(message: RemittanceMessage): string {
  return remittanceGroupId(message);
}
