/**
 * The benchmark file API. `pnpm bench [filter]` (scripts/bench.ts) finds every `*.bench.ts`
 * under packages/, apps/ and scripts/, runs the suites each one default-exports (one suite or
 * an array), prints medians and ratios against the suite's baseline measured in the same run,
 * and writes JSON + Markdown to bench-results/.
 *
 * Two modes:
 * - `throughput` (default): tinybench calls `fn` repeatedly for `timeMs` per case after a
 *   warm-up; reports the median time per call, ops/s and the sample count. For small,
 *   repeatable operations (a name normalisation, one Redis INCR, 64 concurrent callers).
 * - `oneshot`: each case runs in a fresh child process (own heap, own RSS): `setup`, then
 *   `runs` timed calls of `fn`; reports the median and the process's peak RSS. For big
 *   workloads (100k deposits x 1M orders), cold starts, anything whose memory matters.
 *
 * Ratios compare time per operation: (median / opsPerCall) of the case divided by the same
 * for the baseline. Below 1 is faster than the baseline.
 *
 * @example
 * // packages/core/src/domain/matching.bench.ts
 * import { defineBench } from '@remit/core/testing';
 *
 * export default defineBench({
 *   name: 'bulk matching 100k x 1M',
 *   mode: 'oneshot',
 *   runs: 3,
 *   setup: () => makeOrdersAndDeposits(100_000, 1_000_000),
 *   cases: [
 *     { name: 'index build only', baseline: true, fn: (s) => indexOrders(s.orders) },
 *     { name: 'match all', fn: (s) => matchAll(s.deposits, s.orders), target: { maxRatio: 3, maxPeakRssMb: 1500 } },
 *   ],
 * });
 */
export type BenchMode = 'throughput' | 'oneshot';

/**
 * Pass/fail bounds of one case; a failed bound makes `pnpm bench` exit 1.
 *
 * @example
 * const target: BenchTarget = { maxRatio: 1.5, maxMedianMs: 2_000 };
 */
export interface BenchTarget {
  /** Time per op relative to the baseline must be at most this (0.5 = at least twice as fast). */
  maxRatio?: number;
  /** Time per op relative to the baseline must be at least this. */
  minRatio?: number;
  /** Median time per `fn` call, in milliseconds. */
  maxMedianMs?: number;
  /** Peak resident set size of the case's process, in MiB (oneshot only). */
  maxPeakRssMb?: number;
}

/**
 * One measured alternative.
 *
 * @example
 * const c: BenchCase<number[]> = { name: 'for loop', baseline: true, fn: (xs) => { let s = 0; for (const x of xs) s += x; return s; } };
 */
export interface BenchCase<S> {
  name: string;
  /** The case the others are compared with; at most one per suite. */
  baseline?: boolean;
  /** The measured work. May return a promise (awaited inside the timing). */
  fn: (state: S) => unknown;
  /** Operations one `fn` call performs (e.g. 64 for 64 concurrent callers). Default 1. */
  opsPerCall?: number;
  target?: BenchTarget;
}

/**
 * A suite: cases measured against one another in the same run.
 *
 * @example
 * const suite: BenchSuite<undefined> = { name: 'noop', cases: [{ name: 'noop', fn: () => undefined }] };
 */
export interface BenchSuite<S = undefined> {
  name: string;
  /** Default `throughput`. */
  mode?: BenchMode;
  /** throughput: measuring time per case, default 500 ms (bounded so a full run stays short). */
  timeMs?: number;
  /**
   * Interleave the cases: split the measuring (throughput: `timeMs`; oneshot: `runs`, one child
   * process per case and round) into this many rounds; each round measures every case for its
   * share, starting one case later than the round before, and the median is taken over all
   * rounds' samples. Slow drift during a run (a table that grows as the cases write to it, a busy
   * neighbour on a shared machine) then lands on every case alike instead of on the later ones.
   * Default 1 (each case measured once, in order).
   */
  rounds?: number;
  /** oneshot: timed calls per case, default 5. */
  runs?: number;
  /** Untimed. Once per suite (throughput) or once per case process (oneshot). */
  setup?: () => S | Promise<S>;
  /** Untimed, after the cases (stop servers, close clients). */
  teardown?: (state: S) => unknown;
  /** Untimed, before every `fn` call: rebuild what a call consumes. */
  beforeEach?: (state: S) => unknown;
  cases: readonly BenchCase<S>[];
}

/**
 * Identity function that types a bench file's default export (the state type `S` flows from
 * `setup` into every `fn`).
 *
 * @example
 * export default defineBench({
 *   name: 'sum 10k numbers',
 *   setup: () => Array.from({ length: 10_000 }, (_, i) => i),
 *   cases: [
 *     { name: 'for loop', baseline: true, fn: (xs) => { let s = 0; for (const x of xs) s += x; return s; } },
 *     { name: 'reduce', fn: (xs) => xs.reduce((a, b) => a + b, 0), target: { maxRatio: 5 } },
 *   ],
 * });
 */
export function defineBench<S = undefined>(suite: BenchSuite<S>): BenchSuite<S> {
  return suite;
}
