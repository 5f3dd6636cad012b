import type { InstantMs } from '../time.js';

/**
 * The only source of "now" in remit. Core never reads the wall clock.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => 1_764_300_000_000 };
 * ```
 */
export interface Clock {
  now(): InstantMs;
}
