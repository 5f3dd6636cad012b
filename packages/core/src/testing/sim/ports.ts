/**
 * Port wrappers of the simulation. Layered around each adapter, outermost first:
 *
 *   use case ─▶ yielding (scheduler point before and after) ─▶ [broken variant] ─▶ faulty ─▶ adapter
 *
 * `yielding` makes every port call a place where the scheduler may switch workers, move the clock
 * or crash the caller: before the call (nothing happened) and after it (it happened, the caller
 * never learns). `faulty` injects the infrastructure faults of the plan.
 */
import { ErrorCode, RemitError } from '../../errors.js';
import {
  type NextSequenceInput,
  type NextSequenceResult,
  type SequenceGenerator,
  SequenceGuarantee,
} from '../../ports/sequence-generator.js';
import type { SimContext } from './context.js';
import type { FaultPlan } from './fault-plan.js';
import type { Prng } from './prng.js';
import type { Scheduler } from './scheduler.js';

type AsyncMethod = (input: never) => Promise<unknown>;
type MethodsOf<T> = { [K in keyof T]: T[K] extends AsyncMethod ? K : never }[keyof T] & string;

/**
 * Every listed method becomes two yield points: `<name>.<method>` before, `<name>.<method>:done`
 * after (also when it threw).
 *
 * @example
 * ```ts
 * const store = yielding(inner, 'store', ['claim', 'complete'], scheduler);
 * ```
 */
export function yielding<T extends object>(
  port: T,
  name: string,
  methods: readonly MethodsOf<T>[],
  scheduler: Scheduler,
): T {
  const out: Record<string, unknown> = valuesOf(port);
  for (const m of methods) {
    const call = (port[m] as AsyncMethod).bind(port) as (input: unknown) => Promise<unknown>;
    out[m] = async (input: unknown) => {
      await scheduler.yieldPoint(`${name}.${m}`);
      let result: unknown;
      try {
        result = await call(input);
      } catch (err) {
        await scheduler.yieldPoint(`${name}.${m}:done`);
        throw err;
      }
      await scheduler.yieldPoint(`${name}.${m}:done`);
      return result;
    };
  }
  return out as T;
}

/**
 * A port's plain values (not methods), e.g. `SequenceGenerator.guarantee`: a wrapper must carry
 * them, or the use case sees a different port than the adapter is.
 */
function valuesOf(port: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let o: object | null = port; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || key in out) continue;
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (d !== undefined && 'value' in d && typeof d.value !== 'function' && typeof d.value !== 'object') {
        out[key] = d.value;
      }
    }
  }
  return out;
}

export type FaultKind = 'read' | 'write';

export interface FaultRates {
  /** Throttled before anything happened. */
  readonly throttle: number;
  /** Conditional-write conflict before anything happened (writes only). */
  readonly conflict: number;
  /** Applied, then reported as failed (writes only). */
  readonly applied: number;
}

/**
 * Infrastructure faults as the adapters throw them: `UNAVAILABLE`/`CONFLICT`, retryable.
 *
 * @example
 * ```ts
 * const store = faulty(inner, 'store', { claim: 'write', get: 'read' }, context, prng, (p) => ({
 *   throttle: p.storeThrottle, conflict: p.storeConflict, applied: p.storeAppliedButFailed,
 * }));
 * ```
 */
export function faulty<T extends object>(
  port: T,
  name: string,
  methods: Partial<Record<MethodsOf<T>, FaultKind>>,
  context: SimContext,
  prng: Prng,
  rates: (plan: FaultPlan) => FaultRates,
): T {
  const out: Record<string, unknown> = valuesOf(port);
  for (const [m, kind] of Object.entries(methods) as [MethodsOf<T>, FaultKind][]) {
    const call = (port[m] as AsyncMethod).bind(port) as (input: unknown) => Promise<unknown>;
    out[m] = async (input: unknown) => {
      const r = rates(context.faults());
      if (prng.chance(r.throttle)) {
        context.trace.log(context.who(), () => `  ! ${name}.${m} throttled`);
        throw new RemitError(ErrorCode.Unavailable, `sim: ${name}.${m} throttled`, { retryable: true });
      }
      if (kind === 'write' && prng.chance(r.conflict)) {
        context.trace.log(context.who(), () => `  ! ${name}.${m} conflict`);
        throw new RemitError(ErrorCode.Conflict, `sim: ${name}.${m} lost a conditional-write race`, {
          retryable: true,
        });
      }
      const result = await call(input);
      if (kind === 'write' && prng.chance(r.applied)) {
        context.trace.log(context.who(), () => `  ! ${name}.${m} applied, reported failed`);
        throw new RemitError(ErrorCode.Unavailable, `sim: ${name}.${m} timed out (it was applied)`, {
          retryable: true,
        });
      }
      return result;
    };
  }
  return out as T;
}

/**
 * A Redis-style sequence whose failovers promote a replica that lagged: the new primary's counter
 * is a few numbers behind, so recently handed-out numbers are handed out again. The durable
 * (date, bank id) reservation must catch every one of them.
 *
 *   inner: 1 2 3 4 5 6 7 …   failover (lag 2) after 4 ──▶ handed out: 1 2 3 4 3 4 5 …
 *
 * @example
 * ```ts
 * const sequence = new FailoverSequence(inner, context, prng, SequenceGuarantee.MayRepeat);
 * ```
 */
export class FailoverSequence implements SequenceGenerator {
  /**
   * What this run's generator promises: `may_repeat` whenever failovers can happen; a run without
   * them may declare `unique` (then remit skips the reservation, and nothing may repeat).
   */
  readonly guarantee: SequenceGuarantee;
  readonly #inner: SequenceGenerator;
  readonly #ctx: SimContext;
  readonly #prng: Prng;
  readonly #lag = new Map<string, number>();
  failovers = 0;

  constructor(inner: SequenceGenerator, context: SimContext, prng: Prng, guarantee: SequenceGuarantee) {
    this.guarantee = guarantee;
    this.#inner = inner;
    this.#ctx = context;
    this.#prng = prng;
  }

  async next(input: NextSequenceInput): Promise<NextSequenceResult> {
    const { value } = await this.#inner.next(input);
    const key = `${input.institution}#${input.businessDate}`;
    let lag = this.#lag.get(key) ?? 0;
    if (
      this.guarantee === SequenceGuarantee.MayRepeat &&
      this.#prng.chance(this.#ctx.faults().sequenceRegression)
    ) {
      lag = Math.min(value - 1, lag + this.#prng.int(1, 3));
      this.#lag.set(key, lag);
      this.failovers++;
      this.#ctx.trace.log(this.#ctx.who(), () => `  ! sequence failover: counter ${lag} behind`);
    }
    return { value: value - lag };
  }
}
