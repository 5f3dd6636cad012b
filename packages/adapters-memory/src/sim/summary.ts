/**
 * What a batch of simulated runs covered: fault classes, crash points, outcomes. Printed by
 * `pnpm sim` and by the seed tests, so a reader can see that the seeds did exercise what they claim.
 */
import { activeFaults, FAULT_CLASSES, type SimResult } from '@remit/core/testing';

export interface Coverage {
  readonly seeds: number;
  readonly failed: number;
  readonly faultsOff: number;
  /** Runs that had each fault class on. */
  readonly faultClasses: Readonly<Record<string, number>>;
  /** Crashes per worker role and yield point. */
  readonly crashPoints: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly remitOutcomes: Readonly<Record<string, number>>;
  readonly crossedMidnight: number;
  /** Runs whose sequence generator promised unique numbers (no reservation by remit). */
  readonly uniqueSequence: number;
  readonly deferred: number;
  readonly failovers: number;
  readonly deadLettered: number;
  readonly transfers: number;
  readonly steps: number;
}

/**
 * @example
 * ```ts
 * const c = coverage(results);
 * c.faultClasses.lostResponse; // runs with lost responses on
 * ```
 */
export function coverage(results: readonly SimResult[]): Coverage {
  const faultClasses: Record<string, number> = Object.fromEntries(FAULT_CLASSES.map((c) => [c, 0]));
  const crashPoints: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const remitOutcomes: Record<string, number> = {};
  let faultsOff = 0;
  let crossedMidnight = 0;
  let uniqueSequence = 0;
  let deferred = 0;
  let failovers = 0;
  let deadLettered = 0;
  let transfers = 0;
  let steps = 0;
  for (const r of results) {
    if (!r.plan.enabled) faultsOff++;
    for (const c of activeFaults(r.plan)) faultClasses[c] = (faultClasses[c] ?? 0) + 1;
    for (const [k, n] of Object.entries(r.stats.crashPoints)) crashPoints[k] = (crashPoints[k] ?? 0) + n;
    for (const [k, n] of Object.entries(r.stats.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + (n ?? 0);
    for (const [k, n] of Object.entries(r.stats.remitOutcomes))
      remitOutcomes[k] = (remitOutcomes[k] ?? 0) + (n ?? 0);
    if (r.stats.crossedMidnight) crossedMidnight++;
    if (r.stats.sequenceGuarantee === 'unique') uniqueSequence++;
    deferred += r.stats.deferred;
    failovers += r.stats.failovers;
    deadLettered += r.stats.deadLettered;
    transfers += r.stats.transfers;
    steps += r.stats.steps;
  }
  return {
    seeds: results.length,
    failed: results.filter((r) => !r.ok).length,
    faultsOff,
    faultClasses,
    crashPoints,
    outcomes,
    remitOutcomes,
    crossedMidnight,
    uniqueSequence,
    deferred,
    failovers,
    deadLettered,
    transfers,
    steps,
  };
}

const line = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/**
 * A few lines for people.
 *
 * @example
 * ```ts
 * console.log(summarize(results, 12.5));
 * ```
 */
export function summarize(results: readonly SimResult[], seconds: number): string {
  const c = coverage(results);
  return [
    `${c.seeds} seeds in ${seconds.toFixed(1)} s: ${c.failed === 0 ? 'all OK' : `${c.failed} FAILED`} ` +
      `(${c.faultsOff} with faults off, ${c.crossedMidnight} across midnight, ${c.steps} steps, ${c.transfers} transfer calls)`,
    `  fault classes (runs with it on): ${line(c.faultClasses)}`,
    `  crash points: ${line(c.crashPoints)}`,
    `  payouts ended: ${line(c.outcomes)}`,
    `  remit answered: ${line(c.remitOutcomes)}`,
    `  deferred for maintenance ${c.deferred}, sequence failovers ${c.failovers}, runs with a unique-sequence ` +
      `generator ${c.uniqueSequence}, dead-lettered ${c.deadLettered}`,
  ].join('\n');
}
