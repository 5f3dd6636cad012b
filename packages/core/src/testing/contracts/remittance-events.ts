/**
 * The contract every `RemittanceEvents` adapter passes (memory; SQS/EventBridge).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDepositId, parseOrderId, remittanceIdFor } from '../../ids.js';
import type { RemittanceEvent, RemittanceEvents } from '../../ports/remittance-events.js';
import { uniqueTag } from './fixtures.js';

export interface RemittanceEventsSubject {
  readonly events: RemittanceEvents;
  /**
   * Everything published to this instance so far (drain a queue, read a list). Order is not part of
   * the contract: a standard queue may reorder; consumers key events by their fields.
   */
  readonly read: () => Promise<readonly RemittanceEvent[]>;
}

export interface RemittanceEventsContractOptions {
  readonly name: string;
  readonly create: () => Promise<RemittanceEventsSubject>;
  readonly destroy?: (subject: RemittanceEventsSubject) => Promise<void>;
}

const T0 = Date.UTC(2026, 10, 28, 1, 0);

/**
 * Registers the RemittanceEvents contract with vitest.
 *
 * @example
 * ```ts
 * describeRemittanceEventsContract({
 *   name: 'MemoryRemittanceEvents',
 *   create: async () => { const events = new MemoryRemittanceEvents(); return { events, read: () => events.read() }; },
 * });
 * ```
 */
export function describeRemittanceEventsContract(options: RemittanceEventsContractOptions): void {
  describe(`RemittanceEvents contract: ${options.name}`, () => {
    let subject: RemittanceEventsSubject;
    beforeEach(async () => {
      subject = await options.create();
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    const event = (i: number): RemittanceEvent => {
      const orderId = parseOrderId(`ord-${uniqueTag()}`);
      return {
        type: i % 2 === 0 ? 'payout_succeeded' : 'manual_review',
        at: T0 + i,
        remittanceId: remittanceIdFor(orderId),
        orderId,
        depositId: parseDepositId(`dep-${i}`),
        reason: `reason ${i}`,
        details: { amountKrw: 15_000 + i, codes: ['A0000', '000'], nested: { ok: true } },
      };
    };

    it('publishes an event with every field intact', async () => {
      const e = event(0);
      await subject.events.publish({ events: [e] });
      expect(await subject.read()).toEqual([e]);
    });

    it('an empty publish is a no-op', async () => {
      await subject.events.publish({ events: [] });
      expect(await subject.read()).toEqual([]);
    });

    const byTime = (events: readonly RemittanceEvent[]) => [...events].sort((a, b) => a.at - b.at);

    it('publishes a batch larger than any transport batch (25): every event, exactly once', async () => {
      const batch = Array.from({ length: 25 }, (_, i) => event(i));
      await subject.events.publish({ events: batch });
      expect(byTime(await subject.read())).toEqual(batch);
    });

    it('keeps the events of several publishes', async () => {
      const batch = [event(1), event(2), event(3)];
      await subject.events.publish({ events: [batch[0]!] });
      await subject.events.publish({ events: [batch[1]!, batch[2]!] });
      expect(byTime(await subject.read())).toEqual(batch);
    });
  });
}
