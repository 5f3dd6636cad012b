import { describe, expect, it } from 'vitest';
import type { BenchSuite } from '../../packages/core/src/testing/bench.js';
import { runSuite } from './run.js';

/** A throughput suite whose cases log which one ran, one entry per call. */
function loggingSuite(rounds: number | undefined): { suite: BenchSuite<string[]>; log: string[] } {
  const log: string[] = [];
  return {
    log,
    suite: {
      name: 'order',
      timeMs: 60,
      ...(rounds === undefined ? {} : { rounds }),
      setup: () => log,
      cases: [
        { name: 'a', baseline: true, fn: (l) => void l.push('a') },
        { name: 'b', fn: (l) => void l.push('b') },
        { name: 'c', fn: (l) => void l.push('c') },
      ],
    },
  };
}

/** The log with repeats collapsed: the order in which the cases took turns. */
function turns(log: readonly string[]): string[] {
  return log.filter((x, i) => x !== log[i - 1]);
}

describe('runSuite (throughput)', () => {
  it('measures the cases once each, in order, by default', async () => {
    const { suite, log } = loggingSuite(undefined);
    const results = await runSuite(process.cwd(), 'x.bench.ts', suite as BenchSuite<unknown>, 0);
    expect(results.map((r) => [r.case, r.error])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', undefined],
    ]);
    // Tinybench's passes over its tasks, each in the order given.
    expect(turns(log).join('')).toMatch(/^(abc)+$/);
  });

  it('interleaves rounds, each starting one case later, and pools their samples', async () => {
    const { suite, log } = loggingSuite(3);
    const results = await runSuite(process.cwd(), 'x.bench.ts', suite as BenchSuite<unknown>, 0);
    // Rounds a-b-c, b-c-a, c-a-b (tinybench passes over its tasks twice per run, and the first
    // round also warms up): every case is measured first, in the middle and last once.
    expect(turns(log).slice(-12)).toEqual(['b', 'c', 'a', 'b', 'c', 'a', 'c', 'a', 'b', 'c', 'a', 'b']);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      // Each round contributes at least tinybench's minimum of 10 iterations.
      expect(r.samples).toBeGreaterThanOrEqual(30);
      expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
      expect(r.medianMs).toBeLessThanOrEqual(r.maxMs);
    }
  });

  it('refuses a round count that is not a positive integer, for every case', async () => {
    const { suite, log } = loggingSuite(0);
    const results = await runSuite(process.cwd(), 'x.bench.ts', suite as BenchSuite<unknown>, 0);
    expect(results.map((r) => r.error)).toEqual(Array(3).fill('rounds must be a positive integer, got 0'));
    expect(log).toEqual([]);
  });
});
