import type { PublishInput, RemittanceEvent, RemittanceEvents, RemittanceEventType } from '@remit/core';
import { Faults } from './faults.js';

/**
 * Events kept in a list, in publish order.
 *
 * @example
 * ```ts
 * const events = new MemoryRemittanceEvents();
 * events.ofType('manual_review'); // what a person would be asked to look at
 * ```
 */
export class MemoryRemittanceEvents implements RemittanceEvents {
  readonly faults = new Faults<'publish'>();
  readonly #published: RemittanceEvent[] = [];

  publish(input: PublishInput): Promise<void> {
    return this.faults.run('publish', () => {
      this.#published.push(...input.events);
    });
  }

  /** Everything published, oldest first. */
  get published(): readonly RemittanceEvent[] {
    return this.#published;
  }

  /** The contract suite's view: everything published so far. */
  read(): Promise<readonly RemittanceEvent[]> {
    return Promise.resolve([...this.#published]);
  }

  ofType(type: RemittanceEventType): readonly RemittanceEvent[] {
    return this.#published.filter((e) => e.type === type);
  }

  clear(): void {
    this.#published.length = 0;
  }
}
