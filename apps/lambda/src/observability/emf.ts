/**
 * CloudWatch metrics as Embedded Metric Format: one JSON line on stdout per publish, which
 * CloudWatch Logs turns into metrics (no API call, no latency). The shape is what Powertools
 * Metrics prints: the namespace, one dimension set `[service]`, every metric a Count.
 *
 *   {"_aws":{"Timestamp":1764291600000,"CloudWatchMetrics":[{"Namespace":"Remit",
 *     "Dimensions":[["service"]],"Metrics":[{"Name":"PayoutSucceeded","Unit":"Count"}]}]},
 *    "service":"remit","PayoutSucceeded":3}
 *
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { MetricName, MetricsSink } from './telemetry.js';

/** EMF allows 100 metrics per line and 100 values per metric; MetricName has far fewer names. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;

export interface EmfMetricsOptions {
  readonly namespace: string;
  /** The `service` dimension (the payout alarms filter on it). */
  readonly serviceName: string;
  /** Default: stdout, where Lambda's log capture finds it. */
  readonly write?: (line: string) => void;
  /** Default: the system clock. */
  readonly now?: () => number;
}

/**
 * A {@link MetricsSink} that prints EMF.
 *
 * @example
 * ```ts
 * const metrics = new EmfMetrics({ namespace: 'Remit', serviceName: 'remit' });
 * metrics.addMetric('PayoutSucceeded', 3);
 * metrics.publishStoredMetrics(); // one EMF line
 * ```
 */
export class EmfMetrics implements MetricsSink {
  readonly #namespace: string;
  readonly #service: string;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #values = new Map<MetricName, number[]>();

  constructor(options: EmfMetricsOptions) {
    this.#namespace = options.namespace;
    this.#service = options.serviceName;
    this.#write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.#now = options.now ?? Date.now;
  }

  addMetric(name: MetricName, value: number): void {
    const values = this.#values.get(name);
    // A line that would break a limit is printed first.
    if (values === undefined ? this.#values.size >= MAX_METRICS : values.length >= MAX_VALUES) {
      this.publishStoredMetrics();
    }
    const stored = this.#values.get(name);
    if (stored === undefined) this.#values.set(name, [value]);
    else stored.push(value);
  }

  hasStoredMetrics(): boolean {
    return this.#values.size > 0;
  }

  /** Print the stored metrics as one EMF line and forget them (nothing if none). */
  publishStoredMetrics(): void {
    if (this.#values.size === 0) return;
    const names = [...this.#values.keys()];
    const line: Record<string, unknown> = {
      _aws: {
        Timestamp: this.#now(),
        CloudWatchMetrics: [
          {
            Namespace: this.#namespace,
            Dimensions: [['service']],
            Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })),
          },
        ],
      },
      service: this.#service,
    };
    for (const [name, values] of this.#values) line[name] = values.length === 1 ? values[0] : values;
    this.#values.clear();
    this.#write(JSON.stringify(line));
  }
}
