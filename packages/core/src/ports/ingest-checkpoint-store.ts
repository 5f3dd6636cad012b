import type { AccountId } from '../ids.js';
import type { InstantMs } from '../time.js';

export interface GetIngestCheckpointInput {
  readonly accountId: AccountId;
}

/** How far an account's statement has been read without a hole (every page up to there, no error). */
export interface IngestCheckpoint {
  /** Every row that occurred before this instant and was visible then has been ingested. */
  readonly readUpToMs: InstantMs;
}

export interface AdvanceIngestCheckpointInput {
  readonly accountId: AccountId;
  /**
   * The start instant of the run that read the account to the end, or, for a run cut short by its
   * page bound, the instant of the last row it read (every earlier row was listed before it).
   */
  readonly readUpToMs: InstantMs;
}

export type AdvanceIngestCheckpointResult =
  /** The checkpoint moved forward to `readUpToMs` (or was created there). */
  | { readonly kind: 'advanced' }
  /** The checkpoint is already at or past `readUpToMs` (a later run finished first): unchanged. */
  | { readonly kind: 'stale' };

/**
 * Per receiving account, the durable watermark of `ingestDeposits`: the instant up to which the
 * statement was read to its end. The next run starts its window from it (minus the overlap), so a
 * late or failed run widens the next window instead of leaving a gap nobody reads.
 *
 * Monotonic: `advance` is a conditional write that never moves a checkpoint backwards, so two
 * overlapping runs can finish in any order and the later start instant wins.
 *
 *   advance(t=10:05) ─> advanced     readUpToMs 10:05
 *   advance(t=10:00) ─> stale        readUpToMs 10:05 (an older run finished last)
 *   advance(t=10:10) ─> advanced     readUpToMs 10:10
 *
 * @example
 * ```ts
 * const checkpoint = await checkpoints.get({ accountId });
 * const fromMs = Math.min(now - windowMs, (checkpoint?.readUpToMs ?? now) - windowMs);
 * // ...read [fromMs, now) to the end...
 * await checkpoints.advance({ accountId, readUpToMs: now });
 * ```
 */
export interface IngestCheckpointStore {
  /** The account's checkpoint (strongly consistent), or `undefined` if it was never read. */
  get(input: GetIngestCheckpointInput): Promise<IngestCheckpoint | undefined>;
  /** Move the checkpoint forward to `readUpToMs`; `stale` if it is already there or later. */
  advance(input: AdvanceIngestCheckpointInput): Promise<AdvanceIngestCheckpointResult>;
}
