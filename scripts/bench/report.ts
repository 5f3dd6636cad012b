// Pure parts of the bench harness: statistics, ratios, targets, table and Markdown.
import type { BenchMode, BenchTarget } from '../../packages/core/src/testing/bench.js';

/** What a run measured for one case, before comparison with the baseline. */
export interface Measurement {
  file: string;
  suite: string;
  mode: BenchMode;
  case: string;
  baseline: boolean;
  opsPerCall: number;
  /** Median (p50) time per `fn` call. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  samples: number;
  /** oneshot only: peak RSS of the case's child process. */
  peakRssMb?: number;
  /** oneshot only: time `setup` took in the child. */
  setupMs?: number;
  target?: BenchTarget;
  error?: string;
}

export interface CaseResult extends Measurement {
  /** Operations per second at the median: opsPerCall * 1000 / medianMs. */
  opsPerSec: number;
  /** (medianMs / opsPerCall) / (baseline's medianMs / baseline's opsPerCall); 1 for the baseline. */
  ratio?: number;
  /** Undefined when the case has no target. */
  pass?: boolean;
  failures: string[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Compares every case of one suite with its baseline and checks targets. */
export function compareSuite(measurements: readonly Measurement[]): CaseResult[] {
  const baselines = measurements.filter((m) => m.baseline);
  if (baselines.length > 1) {
    const suite = measurements[0]?.suite ?? '?';
    throw new Error(`bench suite "${suite}" marks ${baselines.length} cases as baseline; at most one`);
  }
  const baseline = baselines[0];
  const basePerOp =
    baseline !== undefined && baseline.error === undefined
      ? baseline.medianMs / baseline.opsPerCall
      : undefined;
  return measurements.map((m) => {
    const failures: string[] = [];
    if (m.error !== undefined) failures.push(`error: ${m.error}`);
    const perOp = m.medianMs / m.opsPerCall;
    const ratio =
      basePerOp !== undefined && m.error === undefined && basePerOp > 0 ? perOp / basePerOp : undefined;
    const t = m.target;
    if (t !== undefined && m.error === undefined) {
      if (t.maxRatio !== undefined || t.minRatio !== undefined) {
        if (ratio === undefined) failures.push('ratio target but no baseline measured');
        else {
          if (t.maxRatio !== undefined && ratio > t.maxRatio)
            failures.push(`ratio ${fmtRatio(ratio)} > ${t.maxRatio}`);
          if (t.minRatio !== undefined && ratio < t.minRatio)
            failures.push(`ratio ${fmtRatio(ratio)} < ${t.minRatio}`);
        }
      }
      if (t.maxMedianMs !== undefined && m.medianMs > t.maxMedianMs) {
        failures.push(`median ${fmtMs(m.medianMs)} > ${fmtMs(t.maxMedianMs)}`);
      }
      if (t.maxPeakRssMb !== undefined) {
        if (m.peakRssMb === undefined) failures.push('peak RSS target needs mode "oneshot"');
        else if (m.peakRssMb > t.maxPeakRssMb)
          failures.push(`peak RSS ${m.peakRssMb.toFixed(0)} MiB > ${t.maxPeakRssMb}`);
      }
    }
    const result: CaseResult = {
      ...m,
      opsPerSec: m.medianMs > 0 ? (m.opsPerCall * 1000) / m.medianMs : Number.POSITIVE_INFINITY,
      failures,
    };
    if (ratio !== undefined) result.ratio = ratio;
    if (t !== undefined || m.error !== undefined) result.pass = failures.length === 0;
    return result;
  });
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(2)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function fmtRatio(ratio: number): string {
  // A bulk algorithm against a naive baseline can be thousands of times faster: keep two
  // significant digits instead of printing 0.00x.
  if (ratio !== 0 && Math.abs(ratio) < 0.01) return `${ratio.toExponential(1)}x`;
  return `${ratio.toFixed(2)}x`;
}

function fmtOps(ops: number): string {
  if (!Number.isFinite(ops)) return '-';
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k`;
  return ops.toFixed(ops < 10 ? 2 : 0);
}

function fmtTarget(r: CaseResult): string {
  if (r.pass === undefined) return '';
  return r.pass ? 'pass' : `FAIL (${r.failures.join('; ')})`;
}

const HEADERS = ['suite', 'case', 'mode', 'median', 'ops/s', 'samples', 'ratio', 'peak RSS', 'target'];

function rows(results: readonly CaseResult[]): string[][] {
  return results.map((r) => [
    r.suite,
    r.baseline ? `${r.case} (baseline)` : r.case,
    r.mode,
    r.error === undefined ? fmtMs(r.medianMs) : '-',
    r.error === undefined ? fmtOps(r.opsPerSec) : '-',
    String(r.samples),
    r.ratio === undefined ? '' : fmtRatio(r.ratio),
    r.peakRssMb === undefined ? '' : `${r.peakRssMb.toFixed(0)} MiB`,
    fmtTarget(r),
  ]);
}

export function formatTable(results: readonly CaseResult[]): string {
  const all = [HEADERS, ...rows(results)];
  const widths = HEADERS.map((_, col) => Math.max(...all.map((row) => row[col]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(results).map(line)].join('\n');
}

export interface RunInfo {
  startedAt: string;
  node: string;
  platform: string;
  cpus: number;
  loadAvg: readonly number[];
  filter: readonly string[];
}

export function toMarkdown(info: RunInfo, results: readonly CaseResult[]): string {
  const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `# Benchmarks ${info.startedAt}`,
    '',
    `Node ${info.node}, ${info.platform}, ${info.cpus} CPUs, load ${info.loadAvg.map((l) => l.toFixed(2)).join(' ')}` +
      (info.filter.length > 0 ? `, filter: ${info.filter.join(' ')}` : ''),
    '',
    'Median time per call; ratio = time per op / baseline time per op in the same run (below 1 is faster).',
    '',
    `| ${HEADERS.join(' | ')} |`,
    `|${HEADERS.map(() => '---').join('|')}|`,
    ...rows(results).map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
    '',
  ].join('\n');
}
