import type { RemittanceMessage } from '../types.js';

export interface EnqueueInput {
  /** Bounded by the adapter's batch size (SQS: 10 per call; the adapter chunks). */
  readonly messages: readonly RemittanceMessage[];
}

export interface EnqueueResult {
  readonly enqueued: number;
}

/**
 * The FIFO queue of payouts. Message group: the payee account by default (one seller's payouts in
 * order); de-duplication id: the remittance id. De-duplication here is only an optimisation (SQS
 * keeps it 5 minutes): exactly-once comes from the idempotency store.
 *
 * @example
 * ```ts
 * await queue.enqueue({ messages: [message] });
 * ```
 */
export interface RemittanceQueue {
  enqueue(input: EnqueueInput): Promise<EnqueueResult>;
}
