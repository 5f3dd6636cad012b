import { describe, expect, it } from 'vitest';
import { EmfMetrics } from './emf.js';
import { MetricName } from './telemetry.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const metrics = new EmfMetrics({
    namespace: 'Remit',
    serviceName: 'remit',
    now: () => 1_764_291_600_000,
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { metrics, lines };
}

describe('EmfMetrics', () => {
  it('prints one EMF line: namespace, the service dimension, every metric a Count', () => {
    const { metrics, lines } = capture();
    metrics.addMetric(MetricName.PayoutSucceeded, 3);
    metrics.addMetric(MetricName.InvalidMessage, 1);
    expect(metrics.hasStoredMetrics()).toBe(true);
    metrics.publishStoredMetrics();
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: 1_764_291_600_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Remit',
              Dimensions: [['service']],
              Metrics: [
                { Name: 'PayoutSucceeded', Unit: 'Count' },
                { Name: 'InvalidMessage', Unit: 'Count' },
              ],
            },
          ],
        },
        service: 'remit',
        PayoutSucceeded: 3,
        InvalidMessage: 1,
      },
    ]);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('prints nothing without metrics, and a repeated metric as an array of values', () => {
    const { metrics, lines } = capture();
    metrics.publishStoredMetrics();
    expect(lines).toEqual([]);
    metrics.addMetric(MetricName.Busy, 1);
    metrics.addMetric(MetricName.Busy, 2);
    metrics.publishStoredMetrics();
    expect(lines[0]).toMatchObject({ Busy: [1, 2] });
  });

  it("starts a new line before one would pass EMF's 100 values per metric", () => {
    const { metrics, lines } = capture();
    for (let i = 0; i < 101; i++) metrics.addMetric(MetricName.Busy, 1);
    metrics.publishStoredMetrics();
    expect(lines).toHaveLength(2);
    expect(lines[0]!.Busy).toEqual(Array(100).fill(1));
    expect(lines[1]!.Busy).toBe(1);
  });
});
