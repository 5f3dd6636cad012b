import {
  type Clock,
  type EnqueueInput,
  type EnqueueResult,
  type InstantMs,
  invalidInput,
  type RemittanceMessage,
  type RemittanceQueue,
  remittanceDedupId,
  remittanceGroupId,
} from '@remit/core';
import { Faults } from './faults.js';

export interface MemoryRemittanceQueueOptions {
  readonly clock: Clock;
  /** Default visibility timeout. Default 180 s (6x a 30 s function timeout, as DESIGN asks). */
  readonly visibilityTimeoutMs?: number;
  /** Receives before a message moves to the DLQ (SQS `maxReceiveCount`). Default 5. */
  readonly maxReceives?: number;
  /** SQS FIFO de-duplication window. Default 5 minutes (SQS's fixed value). */
  readonly dedupWindowMs?: number;
  /** Message group of a payout. Default: the payee account (core `remittanceGroupId`). */
  readonly groupOf?: (message: RemittanceMessage) => string;
}

/** One delivery of a message to a consumer. */
export interface ReceivedRemittance {
  readonly message: RemittanceMessage;
  readonly messageId: string;
  /** Valid until the message is received again. */
  readonly receiptHandle: string;
  readonly groupId: string;
  readonly dedupId: string;
  /** 1 on the first delivery. */
  readonly receiveCount: number;
}

export interface ReceiveInput {
  /** 1..10 like SQS. Default 10. */
  readonly maxMessages?: number;
  readonly visibilityTimeoutMs?: number;
}

export interface ReceiptInput {
  readonly receiptHandle: string;
}

export interface ChangeVisibilityInput extends ReceiptInput {
  readonly visibilityTimeoutMs: number;
}

interface Entry {
  readonly seq: number;
  readonly messageId: string;
  readonly body: string;
  readonly groupId: string;
  readonly dedupId: string;
  receiveCount: number;
  /** Invisible until this instant while in flight. */
  visibleAt: InstantMs;
  receiptHandle: string | undefined;
}

/** SQS caps a receive at 10 messages. */
const MAX_RECEIVE_BATCH = 10;

/**
 * A FIFO queue with SQS's semantics: message groups delivered in order, a group locked while one
 * of its messages is in flight, visibility timeout and redelivery, a de-duplication window by
 * dedup id, and a dead-letter queue after `maxReceives`. Time is the injected clock.
 *
 *   enqueue A1 A2 B1 → receive → A1, B1 (A2 waits: group A is locked while A1 is in flight)
 *   A1 not acked, visibility ends → receive → A1 again (receiveCount 2) … → DLQ after maxReceives
 *
 * @example
 * ```ts
 * const queue = new MemoryRemittanceQueue({ clock, maxReceives: 3 });
 * for (const r of await queue.receive({ maxMessages: 10 })) { await queue.ack(r); }
 * ```
 */
export class MemoryRemittanceQueue implements RemittanceQueue {
  readonly faults = new Faults<'enqueue' | 'receive' | 'ack' | 'changeVisibility'>();
  readonly maxReceives: number;
  readonly #clock: Clock;
  readonly #visibilityTimeoutMs: number;
  readonly #dedupWindowMs: number;
  readonly #groupOf: (message: RemittanceMessage) => string;
  #entries: Entry[] = [];
  readonly #dead: Entry[] = [];
  /** dedup id -> when it was first accepted. */
  readonly #dedup = new Map<string, InstantMs>();
  #seq = 0;
  #receipts = 0;

  constructor(options: MemoryRemittanceQueueOptions) {
    this.#clock = options.clock;
    this.#visibilityTimeoutMs = options.visibilityTimeoutMs ?? 180_000;
    this.maxReceives = options.maxReceives ?? 5;
    this.#dedupWindowMs = options.dedupWindowMs ?? 5 * 60_000;
    this.#groupOf = options.groupOf ?? remittanceGroupId;
    if (!Number.isSafeInteger(this.maxReceives) || this.maxReceives < 1) {
      throw invalidInput(`maxReceives must be >= 1, got ${this.maxReceives}`);
    }
  }

  enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    return this.faults.run('enqueue', () => {
      const now = this.#clock.now();
      for (const message of input.messages) {
        const dedupId = remittanceDedupId(message);
        const firstSeen = this.#dedup.get(dedupId);
        // Like SQS, a duplicate inside the window is accepted and silently dropped.
        if (firstSeen !== undefined && now - firstSeen < this.#dedupWindowMs) continue;
        this.#dedup.set(dedupId, now);
        this.#seq += 1;
        this.#entries.push({
          seq: this.#seq,
          messageId: `msg-${this.#seq}`,
          // Serialised like a real queue: the consumer never shares the producer's object.
          body: JSON.stringify(message),
          groupId: this.#groupOf(message),
          dedupId,
          receiveCount: 0,
          visibleAt: now,
          receiptHandle: undefined,
        });
      }
      return { enqueued: input.messages.length };
    });
  }

  receive(input: ReceiveInput = {}): Promise<readonly ReceivedRemittance[]> {
    return this.faults.run('receive', () => {
      const max = input.maxMessages ?? MAX_RECEIVE_BATCH;
      if (!Number.isSafeInteger(max) || max < 1 || max > MAX_RECEIVE_BATCH) {
        throw invalidInput(`maxMessages must be 1..${MAX_RECEIVE_BATCH}, got ${max}`);
      }
      const visibilityMs = input.visibilityTimeoutMs ?? this.#visibilityTimeoutMs;
      const now = this.#clock.now();
      const locked = new Set<string>();
      for (const e of this.#entries)
        if (e.receiptHandle !== undefined && e.visibleAt > now) locked.add(e.groupId);
      const out: ReceivedRemittance[] = [];
      for (const e of [...this.#entries]) {
        if (out.length >= max) break;
        if (locked.has(e.groupId)) continue;
        if (e.receiveCount >= this.maxReceives) {
          // Redrive: SQS moves a message that would exceed maxReceiveCount instead of delivering it.
          this.#entries = this.#entries.filter((x) => x !== e);
          this.#dead.push(e);
          continue;
        }
        this.#receipts += 1;
        e.receiveCount += 1;
        e.visibleAt = now + visibilityMs;
        e.receiptHandle = `rh-${this.#receipts}-${e.messageId}`;
        out.push(this.#delivery(e));
        // Later messages of this group stay behind this one until it is acked or visible again;
        // SQS may hand several of one group in one batch, in order, which this also allows.
      }
      return out;
    });
  }

  /** Delete a received message (the consumer is done with it). */
  ack(input: ReceiptInput): Promise<void> {
    return this.faults.run('ack', () => {
      const entry = this.#byReceipt(input.receiptHandle);
      this.#entries = this.#entries.filter((e) => e !== entry);
    });
  }

  /** Make a received message visible again after `visibilityTimeoutMs` (0: at once). */
  changeVisibility(input: ChangeVisibilityInput): Promise<void> {
    return this.faults.run('changeVisibility', () => {
      if (!Number.isSafeInteger(input.visibilityTimeoutMs) || input.visibilityTimeoutMs < 0) {
        throw invalidInput(`visibilityTimeoutMs must be >= 0, got ${input.visibilityTimeoutMs}`);
      }
      const entry = this.#byReceipt(input.receiptHandle);
      entry.visibleAt = this.#clock.now() + input.visibilityTimeoutMs;
    });
  }

  /** Messages moved to the dead-letter queue, oldest first. */
  deadLetters(): Promise<readonly RemittanceMessage[]> {
    return Promise.resolve(this.#dead.map((e) => JSON.parse(e.body) as RemittanceMessage));
  }

  /** Counts for assertions and dashboards. */
  depth(): { readonly visible: number; readonly inFlight: number; readonly dead: number } {
    const now = this.#clock.now();
    const inFlight = this.#entries.filter((e) => e.receiptHandle !== undefined && e.visibleAt > now).length;
    return { visible: this.#entries.length - inFlight, inFlight, dead: this.#dead.length };
  }

  #delivery(e: Entry): ReceivedRemittance {
    return {
      message: JSON.parse(e.body) as RemittanceMessage,
      messageId: e.messageId,
      receiptHandle: e.receiptHandle!,
      groupId: e.groupId,
      dedupId: e.dedupId,
      receiveCount: e.receiveCount,
    };
  }

  #byReceipt(receiptHandle: string): Entry {
    const entry = this.#entries.find((e) => e.receiptHandle === receiptHandle);
    if (entry === undefined) {
      throw invalidInput(`receipt handle is unknown or stale: ${JSON.stringify(receiptHandle)}`);
    }
    return entry;
  }
}
