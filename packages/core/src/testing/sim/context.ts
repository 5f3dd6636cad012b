/**
 * What every part of a simulated run shares: the clock, the current fault plan and the trace.
 */
import type { Clock } from '../../ports/clock.js';
import { businessDateOf, type InstantMs, kstMinuteOfDay } from '../../time.js';
import type { FaultPlan } from './fault-plan.js';

/**
 * A clock only the simulation moves.
 *
 * @example
 * ```ts
 * const clock = new SimClock(Date.UTC(2026, 10, 27, 14, 0));
 * clock.advance(60_000);
 * ```
 */
export class SimClock implements Clock {
  #nowMs: InstantMs;

  constructor(startMs: InstantMs) {
    this.#nowMs = startMs;
  }

  now(): InstantMs {
    return this.#nowMs;
  }

  /** Move forwards (never backwards: the system's clock is monotonic in the simulation). */
  advance(ms: number): InstantMs {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`assertion failed: advance(${ms})`);
    this.#nowMs += ms;
    return this.#nowMs;
  }

  /** Jump forwards to an instant; earlier instants are ignored. */
  advanceTo(instantMs: InstantMs): InstantMs {
    if (instantMs > this.#nowMs) this.#nowMs = instantMs;
    return this.#nowMs;
  }
}

/** "20261128 23:41:07.120 KST" for traces. */
export function formatKst(instantMs: InstantMs): string {
  const minute = kstMinuteOfDay(instantMs);
  const ms = (((instantMs % 60_000) + 60_000) % 60_000) as number;
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  const ss = String(Math.floor(ms / 1000)).padStart(2, '0');
  const mmm = String(ms % 1000).padStart(3, '0');
  return `${businessDateOf(instantMs)} ${hh}:${mm}:${ss}.${mmm}`;
}

/**
 * The trace of a run: off by default (thousands of seeds), on when a seed is replayed.
 *
 * @example
 * ```ts
 * const trace = new Trace(true, clock);
 * trace.log('remit#1', () => 'claimed rm:ord-1');
 * ```
 */
export class Trace {
  readonly lines: string[] = [];
  readonly enabled: boolean;
  readonly #clock: Clock;

  constructor(enabled: boolean, clock: Clock) {
    this.enabled = enabled;
    this.#clock = clock;
  }

  log(who: string, line: () => string): void {
    if (!this.enabled) return;
    this.lines.push(`${formatKst(this.#clock.now())}  ${who.padEnd(12)} ${line()}`);
  }
}

/** Shared by the world models and the port wrappers of one run. */
export interface SimContext {
  readonly seed: number;
  readonly clock: SimClock;
  readonly trace: Trace;
  /** The plan in force now: the drawn plan during the workload, no faults while healing. */
  faults(): FaultPlan;
  /** The worker calling right now (for traces), if any. */
  who(): string;
}
