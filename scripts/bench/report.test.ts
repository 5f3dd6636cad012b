import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverBenchFiles, matchesFilter } from './discover.js';
import { compareSuite, formatTable, type Measurement, median, toMarkdown } from './report.js';

const m = (over: Partial<Measurement>): Measurement => ({
  file: 'x.bench.ts',
  suite: 's',
  mode: 'throughput',
  case: 'c',
  baseline: false,
  opsPerCall: 1,
  medianMs: 1,
  minMs: 1,
  maxMs: 1,
  samples: 10,
  ...over,
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('compareSuite', () => {
  it('gives ratios of time per op against the baseline', () => {
    const [base, slow, batched] = compareSuite([
      m({ case: 'base', baseline: true, medianMs: 2 }),
      m({ case: 'slow', medianMs: 6 }),
      m({ case: 'batched', medianMs: 64, opsPerCall: 64 }),
    ]);
    expect(base!.ratio).toBe(1);
    expect(slow!.ratio).toBe(3);
    expect(batched!.ratio).toBe(0.5);
    expect(batched!.opsPerSec).toBe(1000);
  });

  it('fails cases that miss their targets, passes those that meet them', () => {
    const results = compareSuite([
      m({ case: 'base', baseline: true, medianMs: 1 }),
      m({ case: 'too slow', medianMs: 3, target: { maxRatio: 2 } }),
      m({ case: 'ok', medianMs: 1.5, target: { maxRatio: 2, maxMedianMs: 10 } }),
      m({ case: 'too fast', medianMs: 0.5, target: { minRatio: 1 } }),
      m({ case: 'too big', mode: 'oneshot', peakRssMb: 900, target: { maxPeakRssMb: 512 } }),
      m({ case: 'no target' }),
    ]);
    expect(results.map((r) => [r.case, r.pass])).toEqual([
      ['base', undefined],
      ['too slow', false],
      ['ok', true],
      ['too fast', false],
      ['too big', false],
      ['no target', undefined],
    ]);
    expect(results[1]!.failures).toEqual(['ratio 3.00x > 2']);
  });

  it('fails a ratio target without a baseline and a case that threw', () => {
    const [noBase, threw] = compareSuite([
      m({ case: 'a', target: { maxRatio: 2 } }),
      m({ case: 'b', error: 'boom', medianMs: Number.NaN }),
    ]);
    expect(noBase!.pass).toBe(false);
    expect(threw!.pass).toBe(false);
    expect(threw!.failures).toEqual(['error: boom']);
  });

  it('refuses two baselines', () => {
    expect(() => compareSuite([m({ baseline: true }), m({ baseline: true })])).toThrow(/at most one/);
  });
});

describe('formatting', () => {
  const results = compareSuite([
    m({ case: 'base', baseline: true, medianMs: 0.0005 }),
    m({ case: 'x', medianMs: 1500 }),
  ]);

  it('prints a table with medians, ops/s and ratios', () => {
    const table = formatTable(results);
    expect(table).toContain('base (baseline)');
    expect(table).toContain('500 ns');
    expect(table).toContain('1.50 s');
    expect(table).toContain('3000000.00x');
  });

  it('renders Markdown', () => {
    const md = toMarkdown(
      { startedAt: 't', node: '24', platform: 'linux-x64', cpus: 2, loadAvg: [1, 1, 1], filter: [] },
      results,
    );
    expect(md).toContain('| suite | case |');
    expect(md.split('\n').filter((line) => line.startsWith('| s |'))).toHaveLength(2);
  });
});

describe('discovery', () => {
  it('finds the trivial bench under scripts/', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const files = discoverBenchFiles(root);
    expect(files).toContain('scripts/bench/trivial.bench.ts');
    expect(files.every((f) => f.endsWith('.bench.ts') && !f.includes('node_modules'))).toBe(true);
  });

  it('filters by case-insensitive substring of path or suite name', () => {
    expect(matchesFilter([], 'a')).toBe(true);
    expect(matchesFilter(['TRIV'], 'scripts/bench/trivial.bench.ts')).toBe(true);
    expect(matchesFilter(['matching'], 'x.bench.ts', 'bulk matching')).toBe(true);
    expect(matchesFilter(['redis'], 'x.bench.ts', 'bulk matching')).toBe(false);
  });
});

describe('ratio formatting', () => {
  it('keeps significant digits for ratios far below 1 instead of printing 0.00x', () => {
    const results = compareSuite([
      m({ case: 'naive', baseline: true, medianMs: 10_000, opsPerCall: 500 }),
      m({ case: 'bulk', medianMs: 800, opsPerCall: 100_000 }),
    ]);
    const table = formatTable(results);
    expect(table).toContain('4.0e-4x');
    expect(table).not.toContain('0.00x');
  });
});
