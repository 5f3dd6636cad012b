/**
 * An SQS FIFO model: message groups (one in flight per group, in order), de-duplication for five
 * minutes, visibility timeouts, redelivery, a dead-letter queue after `maxReceives`. Its faults:
 * late duplicate copies (past the de-duplication window) and, through the simulation's clock
 * jumps, visibility that expires while a worker still holds the message.
 *
 *   group G:  m1 ──received──▶ (in flight, G blocked) ──deleted──▶ m2 becomes the head
 *                              └─visibility expires──▶ m1 visible again (old receipt now stale)
 */
import { remittanceDedupId, remittanceGroupId } from '../../domain/remittance-routing.js';
import type { RemittanceId } from '../../ids.js';
import type { EnqueueInput, EnqueueResult, RemittanceQueue } from '../../ports/remittance-queue.js';
import type { InstantMs } from '../../time.js';
import type { RemittanceMessage } from '../../types.js';
import type { SimContext } from './context.js';
import type { Prng } from './prng.js';

/** SQS FIFO keeps de-duplication ids for five minutes. */
export const DEDUP_WINDOW_MS = 5 * 60_000;

export interface QueuedMessage {
  readonly seq: number;
  readonly group: string;
  readonly body: RemittanceMessage;
  readonly enqueuedAt: InstantMs;
  /** Invisible until then (in flight, or held back after a failure). */
  visibleAt: InstantMs;
  receiveCount: number;
  /** The receipt of the latest delivery; older receipts are stale. */
  receipt: string | undefined;
  state: 'available' | 'deleted' | 'dlq';
  /** Global order of deletion / dead-lettering (for the FIFO audit). */
  settledSeq?: number;
  /** A late duplicate copy (fault), not produced by ingest. */
  readonly copy: boolean;
  /** A consumer finished it (the acknowledgement follows with its batch). */
  processedOk?: boolean;
}

export interface Delivery {
  readonly receipt: string;
  readonly message: QueuedMessage;
}

export interface SimQueueOptions {
  readonly context: SimContext;
  readonly prng: Prng;
  readonly visibilityMs: number;
  readonly maxReceives: number;
  /** Called when a message is deleted or dead-lettered (the auditor checks FIFO order there). */
  readonly onSettled?: (message: QueuedMessage, all: readonly QueuedMessage[]) => void;
}

/**
 * @example
 * ```ts
 * const queue = new SimQueue({ context, prng, visibilityMs: 180_000, maxReceives: 8 });
 * await queue.enqueue({ messages: [message] });
 * const batch = queue.receive(3);
 * ```
 */
export class SimQueue implements RemittanceQueue {
  readonly messages: QueuedMessage[] = [];
  readonly #groups = new Map<string, QueuedMessage[]>();
  readonly #dedup = new Map<string, InstantMs>();
  readonly #lateCopies: { at: InstantMs; body: RemittanceMessage }[] = [];
  readonly #ctx: SimContext;
  readonly #prng: Prng;
  readonly #options: SimQueueOptions;
  #seq = 0;
  #receipts = 0;
  #settled = 0;

  constructor(options: SimQueueOptions) {
    this.#ctx = options.context;
    this.#prng = options.prng;
    this.#options = options;
  }

  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    const now = this.#ctx.clock.now();
    for (const body of input.messages) {
      const dedupId = remittanceDedupId(body);
      const seen = this.#dedup.get(dedupId);
      if (seen !== undefined && now - seen < DEDUP_WINDOW_MS) {
        this.#ctx.trace.log(this.#ctx.who(), () => `queue: ${body.remittanceId} de-duplicated`);
        continue;
      }
      this.#dedup.set(dedupId, now);
      this.#append(body, now, false);
      if (this.#prng.chance(this.#ctx.faults().duplicateDelivery)) {
        this.#lateCopies.push({ at: now + DEDUP_WINDOW_MS + this.#prng.int(1_000, 15 * 60_000), body });
      }
    }
    return { enqueued: input.messages.length };
  }

  /** Deliver late copies that are due. */
  tick(now: InstantMs): void {
    for (let i = this.#lateCopies.length - 1; i >= 0; i--) {
      const c = this.#lateCopies[i]!;
      if (c.at <= now) {
        this.#lateCopies.splice(i, 1);
        this.#append(c.body, now, true);
        this.#ctx.trace.log('queue', () => `late duplicate of ${c.body.remittanceId} delivered`);
      }
    }
  }

  /**
   * Up to `max` messages: per group, the head and the visible messages right after it, groups in
   * a seeded order (FIFO orders within a group only). A message received more than `maxReceives`
   * times goes to the dead-letter queue instead.
   */
  receive(max: number): Delivery[] {
    const now = this.#ctx.clock.now();
    const out: Delivery[] = [];
    const groups = this.#prng.shuffle([...this.#groups.keys()]);
    for (const g of groups) {
      if (out.length >= max) break;
      const list = this.#groups.get(g)!;
      for (const m of list) {
        if (out.length >= max) break;
        if (m.state !== 'available') continue;
        if (m.visibleAt > now) break; // the head is in flight or held back: the group waits
        if (m.receiveCount >= this.#options.maxReceives) {
          m.state = 'dlq';
          m.settledSeq = ++this.#settled;
          this.#ctx.trace.log(
            'queue',
            () => `${m.body.remittanceId} -> DLQ after ${m.receiveCount} receives`,
          );
          this.#options.onSettled?.(m, list);
          continue;
        }
        m.receiveCount++;
        m.receipt = `r${++this.#receipts}`;
        m.visibleAt = now + this.#options.visibilityMs;
        out.push({ receipt: m.receipt, message: m });
      }
    }
    return out;
  }

  /**
   * Acknowledge. A receipt whose visibility timed out is invalid (SQS FIFO refuses it), as is one
   * superseded by a later delivery: nothing is deleted, the message comes again.
   */
  delete(delivery: Delivery): boolean {
    const m = delivery.message;
    if (!this.#holds(delivery)) return false;
    m.state = 'deleted';
    m.settledSeq = ++this.#settled;
    this.#options.onSettled?.(m, this.#groups.get(m.group)!);
    return true;
  }

  /** Hold back a failed message (partial batch failure): visible again after `delayMs`. */
  release(delivery: Delivery, delayMs: number): void {
    if (!this.#holds(delivery)) return;
    delivery.message.visibleAt = this.#ctx.clock.now() + delayMs;
  }

  #holds(delivery: Delivery): boolean {
    const m = delivery.message;
    return m.state === 'available' && m.receipt === delivery.receipt && m.visibleAt > this.#ctx.clock.now();
  }

  /** Messages that could be received now. */
  visibleCount(): number {
    const now = this.#ctx.clock.now();
    let n = 0;
    for (const list of this.#groups.values()) {
      const head = list.find((m) => m.state === 'available');
      if (head !== undefined && head.visibleAt <= now) n++;
    }
    return n;
  }

  /** Neither deleted nor dead-lettered, plus late copies not yet delivered. */
  outstanding(): number {
    let n = this.#lateCopies.length;
    for (const m of this.messages) if (m.state === 'available') n++;
    return n;
  }

  /** When the next held-back message or late copy becomes visible. */
  nextChangeAt(): InstantMs | undefined {
    let next: InstantMs | undefined;
    const now = this.#ctx.clock.now();
    for (const list of this.#groups.values()) {
      const head = list.find((m) => m.state === 'available');
      if (head !== undefined && head.visibleAt > now && (next === undefined || head.visibleAt < next))
        next = head.visibleAt;
    }
    for (const c of this.#lateCopies) if (next === undefined || c.at < next) next = c.at;
    return next;
  }

  /** Remittances with at least one message in the dead-letter queue. */
  deadLettered(): Set<RemittanceId> {
    const out = new Set<RemittanceId>();
    for (const m of this.messages) if (m.state === 'dlq') out.add(m.body.remittanceId);
    return out;
  }

  #append(body: RemittanceMessage, now: InstantMs, copy: boolean): void {
    const group = remittanceGroupId(body);
    const m: QueuedMessage = {
      seq: ++this.#seq,
      group,
      body,
      enqueuedAt: now,
      visibleAt: now,
      receiveCount: 0,
      receipt: undefined,
      state: 'available',
      copy,
    };
    this.messages.push(m);
    let list = this.#groups.get(group);
    if (list === undefined) {
      list = [];
      this.#groups.set(group, list);
    }
    list.push(m);
  }
}
