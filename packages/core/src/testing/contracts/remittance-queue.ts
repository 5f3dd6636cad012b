/**
 * The contract every `RemittanceQueue` adapter passes (memory; SQS FIFO against fauxqs). The port
 * only enqueues; the suite observes through a consumer handle the factory returns, with SQS's
 * vocabulary (receive, delete, change visibility, dead-letter queue).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemittanceQueue } from '../../ports/remittance-queue.js';
import type { RemittanceMessage } from '../../types.js';
import { CONTRACT_PAYEE, contractMessage, uniqueTag } from './fixtures.js';

export interface QueueDelivery {
  readonly message: RemittanceMessage;
  readonly receiptHandle: string;
  /** 1 on the first delivery. */
  readonly receiveCount: number;
}

/** How the suite reads the queue (an SQS consumer, or the memory queue itself). */
export interface RemittanceQueueConsumer {
  /** Up to `maxMessages` (1..10) visible messages, FIFO per group; may return fewer. */
  receive(input: { readonly maxMessages: number }): Promise<readonly QueueDelivery[]>;
  ack(input: { readonly receiptHandle: string }): Promise<void>;
  changeVisibility(input: {
    readonly receiptHandle: string;
    readonly visibilityTimeoutMs: number;
  }): Promise<void>;
  /** Messages moved to the dead-letter queue so far. */
  deadLetters(): Promise<readonly RemittanceMessage[]>;
}

export interface RemittanceQueueSubject {
  readonly queue: RemittanceQueue;
  readonly consumer: RemittanceQueueConsumer;
  /** The redrive policy's maxReceiveCount (keep it small: the suite receives that many times). */
  readonly maxReceives: number;
}

export interface RemittanceQueueContractOptions {
  readonly name: string;
  /** Called before every test; must return an isolated queue (and DLQ). */
  readonly create: () => Promise<RemittanceQueueSubject>;
  readonly destroy?: (subject: RemittanceQueueSubject) => Promise<void>;
}

/** Bound on receive calls while looking for something (a real queue may answer short). */
const MAX_POLLS = 40;

/**
 * Registers the RemittanceQueue contract with vitest.
 *
 * @example
 * ```ts
 * describeRemittanceQueueContract({
 *   name: 'MemoryRemittanceQueue',
 *   create: async () => { const queue = new MemoryRemittanceQueue({ clock: new SimulatedClock(), maxReceives: 3 }); return { queue, consumer: queue, maxReceives: 3 }; },
 * });
 * ```
 */
export function describeRemittanceQueueContract(options: RemittanceQueueContractOptions): void {
  describe(`RemittanceQueue contract: ${options.name}`, () => {
    let subject: RemittanceQueueSubject;
    let consumer: RemittanceQueueConsumer;
    beforeEach(async () => {
      subject = await options.create();
      consumer = subject.consumer;
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    /** A message of its own payee group, unless a payee account is given. */
    const message = (accountNumber = nextAccountNumber()): RemittanceMessage =>
      contractMessage(`ord-${uniqueTag()}`, { payee: { ...CONTRACT_PAYEE, accountNumber } });

    /** Receive and ack everything until the queue answers empty three times in a row. */
    const drain = async (): Promise<RemittanceMessage[]> => {
      const out: RemittanceMessage[] = [];
      let empty = 0;
      for (let polls = 0; polls < MAX_POLLS && empty < 3; polls += 1) {
        const batch = await consumer.receive({ maxMessages: 10 });
        empty = batch.length === 0 ? empty + 1 : 0;
        for (const d of batch) {
          out.push(d.message);
          await consumer.ack({ receiptHandle: d.receiptHandle });
        }
      }
      return out;
    };

    /** Receive (without acking) until `want` is delivered; returns its delivery and the others seen. */
    const receiveUntil = async (want: RemittanceMessage) => {
      const others: QueueDelivery[] = [];
      for (let polls = 0; polls < MAX_POLLS; polls += 1) {
        const batch = await consumer.receive({ maxMessages: 1 });
        for (const d of batch) {
          if (d.message.remittanceId === want.remittanceId) return { delivery: d, others };
          others.push(d);
        }
      }
      throw new Error(`message ${want.remittanceId} was never delivered`);
    };

    it('delivers an enqueued message intact, once acked it is gone', async () => {
      const m = message();
      const r = await subject.queue.enqueue({ messages: [m] });
      expect(r.enqueued).toBe(1);
      const { delivery } = await receiveUntil(m);
      expect(delivery.message).toEqual(m);
      expect(delivery.receiveCount).toBe(1);
      await consumer.ack({ receiptHandle: delivery.receiptHandle });
      expect(await drain()).toEqual([]);
    });

    it('keeps a payee group in order and locks it while a message is in flight; other groups flow', async () => {
      const account = '110-000-000777';
      const a1 = message(account);
      const a2 = message(account);
      const b1 = message();
      await subject.queue.enqueue({ messages: [a1, a2, b1] });
      const { delivery: first, others } = await receiveUntil(a1);
      expect(others.map((d) => d.message.remittanceId)).not.toContain(a2.remittanceId);
      // While a1 is in flight (not acked, still invisible), a2 must not be delivered; b1 may.
      const seen: string[] = [];
      for (let polls = 0; polls < 5; polls += 1) {
        for (const d of await consumer.receive({ maxMessages: 10 })) seen.push(d.message.remittanceId);
      }
      expect(seen).not.toContain(a2.remittanceId);
      expect([...seen, ...others.map((d) => d.message.remittanceId)]).toContain(b1.remittanceId);
      await consumer.ack({ receiptHandle: first.receiptHandle });
      const { delivery: second } = await receiveUntil(a2);
      expect(second.message).toEqual(a2);
    });

    it('de-duplicates by remittance id within the window', async () => {
      const m = message();
      await subject.queue.enqueue({ messages: [m] });
      await subject.queue.enqueue({ messages: [m] });
      const delivered = await drain();
      expect(delivered.map((d) => d.remittanceId)).toEqual([m.remittanceId]);
    });

    it('enqueues a batch larger than a transport batch (23): every message, once', async () => {
      const batch = Array.from({ length: 23 }, () => message());
      const r = await subject.queue.enqueue({ messages: batch });
      expect(r.enqueued).toBe(23);
      const delivered = await drain();
      expect(delivered.map((d) => d.remittanceId).sort()).toEqual(batch.map((m) => m.remittanceId).sort());
    });

    it('a message made visible again is redelivered with a higher receive count', async () => {
      const m = message();
      await subject.queue.enqueue({ messages: [m] });
      const { delivery } = await receiveUntil(m);
      await consumer.changeVisibility({ receiptHandle: delivery.receiptHandle, visibilityTimeoutMs: 0 });
      const { delivery: again } = await receiveUntil(m);
      expect(again.receiveCount).toBe(2);
      await consumer.ack({ receiptHandle: again.receiptHandle });
    });

    it('moves a message to the dead-letter queue after maxReceives deliveries, never dropping it', async () => {
      const m = message();
      await subject.queue.enqueue({ messages: [m] });
      for (let i = 1; i <= subject.maxReceives; i += 1) {
        const { delivery } = await receiveUntil(m);
        expect(delivery.receiveCount).toBe(i);
        await consumer.changeVisibility({ receiptHandle: delivery.receiptHandle, visibilityTimeoutMs: 0 });
      }
      expect(await drain()).toEqual([]);
      expect((await consumer.deadLetters()).map((d) => d.remittanceId)).toEqual([m.remittanceId]);
    });
  });
}

let accounts = 0;
function nextAccountNumber(): string {
  accounts += 1;
  return `220-${String(accounts).padStart(9, '0')}`;
}
