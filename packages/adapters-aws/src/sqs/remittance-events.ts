/**
 * Outcome and review events on a standard SQS queue, one JSON message per event, batched.
 * The event type is also a message attribute, so a consumer can filter without parsing.
 */
import type { PublishInput, RemittanceEvents } from '@remit/core';
import { chunkEntries, once, type SqsClient, sendBatch, verifyQueueKind } from './queue-client.js';

export interface SqsRemittanceEventsOptions {
  readonly client: SqsClient;
  /** URL of a standard (not FIFO) queue. */
  readonly queueUrl: string;
}

/**
 * {@link RemittanceEvents} over a standard SQS queue.
 *
 * @example
 * ```ts
 * const events = new SqsRemittanceEvents({ client: new SQSClient({}), queueUrl });
 * await events.publish({ events: [{ type: 'match_review', at: now, depositId, reason: 'ambiguous' }] });
 * ```
 */
export class SqsRemittanceEvents implements RemittanceEvents {
  private readonly client: SqsClient;
  private readonly queueUrl: string;
  readonly verify: () => Promise<void>;

  constructor(options: SqsRemittanceEventsOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.verify = once(() =>
      verifyQueueKind(this.client, this.queueUrl, { fifo: false }, 'SqsRemittanceEvents'),
    );
  }

  async publish(input: PublishInput): Promise<void> {
    if (input.events.length === 0) return;
    await this.verify();
    const entries = input.events.map((event, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify(event),
      MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
    }));
    for (const chunk of chunkEntries(entries))
      await sendBatch(this.client, this.queueUrl, chunk, 'SqsRemittanceEvents');
  }
}
