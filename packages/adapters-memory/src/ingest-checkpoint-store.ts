import {
  type AccountId,
  type AdvanceIngestCheckpointInput,
  type AdvanceIngestCheckpointResult,
  type GetIngestCheckpointInput,
  type IngestCheckpoint,
  type IngestCheckpointStore,
  type InstantMs,
  invalidInput,
} from '@remit/core';
import { Faults } from './faults.js';

/**
 * Each account's ingest watermark in a map. `advance` is a compare-and-set inside one synchronous
 * step, so concurrent advances behave like DynamoDB's conditional write: the highest wins.
 *
 * @example
 * ```ts
 * const checkpoints = new MemoryIngestCheckpointStore();
 * await checkpoints.advance({ accountId, readUpToMs: now }); // { kind: 'advanced' }
 * checkpoints.faults.failNext({ op: 'advance' });          // a crash after the read, before the write
 * ```
 */
export class MemoryIngestCheckpointStore implements IngestCheckpointStore {
  readonly faults = new Faults<'get' | 'advance'>();
  readonly #readUpTo = new Map<AccountId, InstantMs>();

  get(input: GetIngestCheckpointInput): Promise<IngestCheckpoint | undefined> {
    return this.faults.run('get', () => {
      const readUpToMs = this.#readUpTo.get(input.accountId);
      return readUpToMs === undefined ? undefined : { readUpToMs };
    });
  }

  advance(input: AdvanceIngestCheckpointInput): Promise<AdvanceIngestCheckpointResult> {
    if (!Number.isSafeInteger(input.readUpToMs)) {
      return Promise.reject(invalidInput(`readUpToMs must be integer epoch ms, got ${input.readUpToMs}`));
    }
    return this.faults.run('advance', (): AdvanceIngestCheckpointResult => {
      const current = this.#readUpTo.get(input.accountId);
      if (current !== undefined && current >= input.readUpToMs) return { kind: 'stale' };
      this.#readUpTo.set(input.accountId, input.readUpToMs);
      return { kind: 'advanced' };
    });
  }

  /** Test setup: put an account's checkpoint anywhere, backwards too (an old deployment's state). */
  set(accountId: AccountId, readUpToMs: InstantMs): void {
    this.#readUpTo.set(accountId, readUpToMs);
  }
}
