import { type Clock, type InstantMs, invalidInput } from '@remit/core';

/** 2026-11-28 10:00:00.000 KST: a weekday morning, far from the 23:30–00:30 maintenance window. */
export const DEFAULT_SIMULATED_START_MS: InstantMs = Date.UTC(2026, 10, 28, 1, 0, 0, 0);

/**
 * A clock that moves only when told to. Every memory adapter that needs "now" (TTL, visibility,
 * reversal notices) reads this one, so a test controls time for the whole system at once.
 *
 * @example
 * ```ts
 * const clock = new SimulatedClock();
 * clock.advance(30_000); // leases and visibility timeouts expire deterministically
 * ```
 */
export class SimulatedClock implements Clock {
  #nowMs: InstantMs;

  constructor(startMs: InstantMs = DEFAULT_SIMULATED_START_MS) {
    this.#nowMs = checkInstant(startMs);
  }

  now(): InstantMs {
    return this.#nowMs;
  }

  /** Jump to an instant (forwards or backwards: a test may replay a moment). */
  set(instantMs: InstantMs): void {
    this.#nowMs = checkInstant(instantMs);
  }

  /** Move forwards by `ms` (>= 0). Returns the new now. */
  advance(ms: number): InstantMs {
    if (!Number.isSafeInteger(ms) || ms < 0) throw invalidInput(`advance needs ms >= 0, got ${ms}`);
    this.#nowMs = checkInstant(this.#nowMs + ms);
    return this.#nowMs;
  }
}

function checkInstant(ms: number): InstantMs {
  if (!Number.isSafeInteger(ms)) throw invalidInput(`instant must be integer epoch ms, got ${ms}`);
  return ms;
}
