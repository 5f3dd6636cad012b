/**
 * The simulation's standard system under test: every stateful port on its in-memory adapter.
 */
import type { SimSystemFactory } from '@remit/core/testing';
import { MemoryIdempotencyStore } from '../idempotency-store.js';
import { MemoryIngestCheckpointStore } from '../ingest-checkpoint-store.js';
import { MemoryOrderMatcher } from '../order-matcher.js';
import { MemoryRemittanceEvents } from '../remittance-events.js';
import { MemorySequenceGenerator } from '../sequence-generator.js';

/**
 * Fresh memory adapters for one simulated run, reading the run's clock.
 *
 * @example
 * ```ts
 * const result = await runSimulation({ seed: 42, system: memorySimSystem });
 * ```
 */
export const memorySimSystem: SimSystemFactory = ({ clock, maxSequence }) => ({
  store: new MemoryIdempotencyStore({ clock }),
  matcher: new MemoryOrderMatcher(),
  sequence: new MemorySequenceGenerator({ maxSequence }),
  events: new MemoryRemittanceEvents(),
  checkpoints: new MemoryIngestCheckpointStore(),
});
