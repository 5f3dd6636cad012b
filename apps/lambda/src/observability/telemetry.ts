/**
 * The metrics of the Lambda app: the outcome counts the handlers publish at the end of every
 * invocation, to EMF in Lambda (`emf.ts`) or to a recorder in the demo and tests.
 */

/** Outcome metrics (Count). Names are an interface to dashboards and alarms: do not rename. */
export const MetricName = {
  PayoutSucceeded: 'PayoutSucceeded',
  PayoutRejected: 'PayoutRejected',
  PayoutUnknown: 'PayoutUnknown',
  ManualReview: 'ManualReview',
  Deferred: 'Deferred',
  InvalidMessage: 'InvalidMessage',
  Busy: 'Busy',
  RecordFailed: 'RecordFailed',
  DepositsRead: 'DepositsRead',
  DepositsMatched: 'DepositsMatched',
  MatchReview: 'MatchReview',
  PayoutsEnqueued: 'PayoutsEnqueued',
  PayoutReversed: 'PayoutReversed',
  PayoutResent: 'PayoutResent',
  /** Reconcile: unknown payouts still unresolved after its inquiries (a level, not new events). */
  PayoutStillUnknown: 'PayoutStillUnknown',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/**
 * What the handlers need of a metrics client (every metric is a Count): EMF in Lambda; the demo
 * and tests may register a recorder instead.
 */
export interface MetricsSink {
  addMetric(name: MetricName, value: number): void;
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): void;
}

/**
 * Counts of one invocation, added to the sink once per name at the end (one EMF data point per
 * metric and invocation, whatever the batch size).
 *
 * @example
 * ```ts
 * const counts = new Counts();
 * counts.add(MetricName.PayoutSucceeded);
 * counts.flushTo(metrics);
 * ```
 */
export class Counts {
  readonly #counts = new Map<MetricName, number>();

  add(name: MetricName, n = 1): void {
    if (n > 0) this.#counts.set(name, (this.#counts.get(name) ?? 0) + n);
  }

  /** Record the counts and publish them (nothing, without a warning, if none). */
  flushTo(metrics: MetricsSink): void {
    for (const [name, n] of this.#counts) metrics.addMetric(name, n);
    this.#counts.clear();
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

/**
 * A sink that keeps totals in memory instead of printing EMF (demo summary, tests).
 *
 * @example
 * ```ts
 * const metrics = new RecordingMetrics();
 * metrics.total('PayoutSucceeded');
 * ```
 */
export class RecordingMetrics implements MetricsSink {
  readonly #totals = new Map<string, number>();
  #stored = false;

  addMetric(name: MetricName, value: number): void {
    this.#totals.set(name, (this.#totals.get(name) ?? 0) + value);
    this.#stored = true;
  }

  hasStoredMetrics(): boolean {
    return this.#stored;
  }

  publishStoredMetrics(): void {
    this.#stored = false;
  }

  total(name: MetricName): number {
    return this.#totals.get(name) ?? 0;
  }

  totals(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#totals);
  }
}
