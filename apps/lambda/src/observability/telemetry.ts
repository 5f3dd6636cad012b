/**
 * Logs and metrics of the Lambda app: one Powertools Logger (JSON, every line masked) and one
 * Metrics (EMF) per execution environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { maskingReplacer } from './mask.js';

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

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

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly metricsNamespace: string;
  /** Default: POWERTOOLS_LOG_LEVEL / the Lambda log level, else INFO (Powertools' own lookup). */
  readonly logLevel?: LogLevel;
}

/**
 * The app's logger: Powertools JSON lines, run through {@link maskingReplacer}.
 *
 * @example
 * ```ts
 * const logger = createLogger({ serviceName: 'remit', metricsNamespace: 'Remit' });
 * logger.info('payout sent', { remittanceId });
 * ```
 */
export function createLogger(options: TelemetryOptions): Logger {
  return new Logger({
    serviceName: options.serviceName,
    jsonReplacerFn: maskingReplacer,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
}

/**
 * EMF metrics; flushed at the end of every invocation by the handlers.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ serviceName: 'remit', metricsNamespace: 'Remit' }, logger);
 * count(metrics, MetricName.PayoutSucceeded);
 * ```
 */
export function createMetrics(options: TelemetryOptions, logger: Logger): Metrics {
  return new Metrics({ namespace: options.metricsNamespace, serviceName: options.serviceName, logger });
}

/**
 * What the handlers need of a metrics client: Powertools' `Metrics` in Lambda; the demo and tests
 * may register a recorder instead.
 */
export type MetricsSink = Pick<Metrics, 'addMetric' | 'hasStoredMetrics' | 'publishStoredMetrics'>;

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
    for (const [name, n] of this.#counts) metrics.addMetric(name, MetricUnit.Count, n);
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

  addMetric(name: string, _unit: MetricUnitValue, value: number): Metrics {
    this.#totals.set(name, (this.#totals.get(name) ?? 0) + value);
    this.#stored = true;
    return this as unknown as Metrics;
  }

  hasStoredMetrics(): boolean {
    return this.#stored;
  }

  publishStoredMetrics(): Metrics {
    this.#stored = false;
    return this as unknown as Metrics;
  }

  total(name: MetricName): number {
    return this.#totals.get(name) ?? 0;
  }

  totals(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#totals);
  }
}
