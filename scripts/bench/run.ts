// Running suites: throughput cases through tinybench in this process, oneshot cases each in a
// fresh child process (so peak RSS belongs to that case alone).
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { BenchCase, BenchSuite } from '../../packages/core/src/testing/bench.js';
import { type Measurement, median } from './report.js';

type AnySuite = BenchSuite<unknown>;

const DEFAULT_TIME_MS = 500;
const DEFAULT_RUNS = 5;
/** A oneshot case that takes longer than this is stuck, not slow. */
const ONESHOT_TIMEOUT_MS = 15 * 60_000;
const BENCH_SCRIPT = fileURLToPath(new URL('../bench.ts', import.meta.url));

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The suites a bench file default-exports (one, or an array), checked for shape. */
export async function loadSuites(root: string, file: string): Promise<AnySuite[]> {
  const mod = (await import(pathToFileURL(resolve(root, file)).href)) as { default?: unknown };
  const exported = Array.isArray(mod.default) ? mod.default : [mod.default];
  return exported.map((suite, i) => {
    const s = suite as Partial<AnySuite> | undefined;
    if (
      typeof s?.name !== 'string' ||
      !Array.isArray(s.cases) ||
      s.cases.some((c) => typeof c?.fn !== 'function')
    ) {
      throw new Error(
        `${file}: default export #${i} is not a bench suite (use defineBench from @remit/core/testing)`,
      );
    }
    if (s.mode !== undefined && s.mode !== 'throughput' && s.mode !== 'oneshot') {
      throw new Error(`${file}: suite "${s.name}" has unknown mode ${String(s.mode)}`);
    }
    return s as AnySuite;
  });
}

function base(
  file: string,
  suite: AnySuite,
  c: BenchCase<unknown>,
): Omit<Measurement, 'medianMs' | 'minMs' | 'maxMs' | 'samples'> {
  const m: Omit<Measurement, 'medianMs' | 'minMs' | 'maxMs' | 'samples'> = {
    file,
    suite: suite.name,
    mode: suite.mode ?? 'throughput',
    case: c.name,
    baseline: c.baseline === true,
    opsPerCall: c.opsPerCall ?? 1,
  };
  if (c.target !== undefined) m.target = c.target;
  return m;
}

function failed(file: string, suite: AnySuite, c: BenchCase<unknown>, error: string): Measurement {
  return {
    ...base(file, suite, c),
    medianMs: Number.NaN,
    minMs: Number.NaN,
    maxMs: Number.NaN,
    samples: 0,
    error,
  };
}

/** Median, extremes and count of a case's pooled samples (loops: a spread of 100k samples would overflow). */
function stats(xs: readonly number[]): Pick<Measurement, 'medianMs' | 'minMs' | 'maxMs' | 'samples'> {
  return {
    medianMs: median(xs),
    minMs: xs.reduce((a, b) => Math.min(a, b)),
    maxMs: xs.reduce((a, b) => Math.max(a, b)),
    samples: xs.length,
  };
}

export async function runSuite(
  root: string,
  file: string,
  suite: AnySuite,
  index: number,
): Promise<Measurement[]> {
  return (suite.mode ?? 'throughput') === 'oneshot'
    ? runOneshot(root, file, suite, index)
    : runThroughput(file, suite);
}

async function runThroughput(file: string, suite: AnySuite): Promise<Measurement[]> {
  const rounds = suite.rounds ?? 1;
  if (!Number.isInteger(rounds) || rounds < 1) {
    return suite.cases.map((c) => failed(file, suite, c, `rounds must be a positive integer, got ${rounds}`));
  }
  let state: unknown;
  try {
    state = await suite.setup?.();
  } catch (error) {
    return suite.cases.map((c) => failed(file, suite, c, `setup: ${describeError(error)}`));
  }
  try {
    const slice = (suite.timeMs ?? DEFAULT_TIME_MS) / rounds;
    const beforeEach = suite.beforeEach;
    const samples: number[][] = suite.cases.map(() => []);
    const errors: (string | undefined)[] = suite.cases.map(() => undefined);
    for (let round = 0; round < rounds; round += 1) {
      const bench = new Bench({
        time: slice,
        warmupTime: round === 0 ? 100 : 0,
        warmup: round === 0,
        iterations: 10,
        retainSamples: true,
      });
      // Round r starts at case r (mod n): every case is measured early, late and in between.
      const order = suite.cases.map((_, i) => (i + round) % suite.cases.length);
      for (const i of order) {
        const c = suite.cases[i]!;
        bench.add(
          String(i),
          () => c.fn(state),
          beforeEach === undefined ? {} : { beforeEach: async () => void (await beforeEach(state)) },
        );
      }
      await bench.run();
      for (const task of bench.tasks) {
        const i = Number(task.name);
        const result = task.result;
        if (result.state === 'errored') errors[i] ??= describeError(result.error);
        else if (result.state !== 'completed') errors[i] ??= `task ${result.state}`;
        else for (const x of result.latency.samples ?? []) samples[i]!.push(x);
      }
    }
    return suite.cases.map((c, i) => {
      const error = errors[i];
      if (error !== undefined) return failed(file, suite, c, error);
      const xs = samples[i]!;
      if (xs.length === 0) return failed(file, suite, c, 'no samples');
      return {
        ...base(file, suite, c),
        ...stats(xs),
      };
    });
  } finally {
    await suite.teardown?.(state);
  }
}

interface ChildRequest {
  root: string;
  file: string;
  suiteIndex: number;
  caseIndex: number;
  /** Timed calls in this child. */
  runs: number;
}

type ChildReply = { samplesMs: number[]; setupMs: number; peakRssMb: number } | { error: string };

async function runOneshot(
  root: string,
  file: string,
  suite: AnySuite,
  suiteIndex: number,
): Promise<Measurement[]> {
  const rounds = suite.rounds ?? 1;
  const runs = suite.runs ?? DEFAULT_RUNS;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > runs) {
    return suite.cases.map((c) =>
      failed(file, suite, c, `rounds must be an integer from 1 to runs (${runs}), got ${rounds}`),
    );
  }
  const n = suite.cases.length;
  const samples: number[][] = suite.cases.map(() => []);
  const setups: number[][] = suite.cases.map(() => []);
  const peaks: number[] = suite.cases.map(() => 0);
  const errors: (string | undefined)[] = suite.cases.map(() => undefined);
  for (let round = 0; round < rounds; round += 1) {
    // This round's share of the runs (they add up to `runs`); round r starts at case r (mod n).
    const share = Math.floor((runs * (round + 1)) / rounds) - Math.floor((runs * round) / rounds);
    for (let k = 0; k < n; k += 1) {
      const caseIndex = (k + round) % n;
      if (errors[caseIndex] !== undefined) continue;
      const reply = await runChild({ root, file, suiteIndex, caseIndex, runs: share });
      if ('error' in reply) {
        errors[caseIndex] = reply.error;
        continue;
      }
      samples[caseIndex]!.push(...reply.samplesMs);
      setups[caseIndex]!.push(reply.setupMs);
      peaks[caseIndex] = Math.max(peaks[caseIndex]!, reply.peakRssMb);
    }
  }
  return suite.cases.map((c, i) => {
    const error = errors[i];
    if (error !== undefined) return failed(file, suite, c, error);
    const xs = samples[i]!;
    return {
      ...base(file, suite, c),
      ...stats(xs),
      peakRssMb: peaks[i]!,
      setupMs: median(setups[i]!),
    };
  });
}

function runChild(request: ChildRequest): Promise<ChildReply> {
  return new Promise((resolvePromise) => {
    // Same loader and conditions as this process (tsx, @remit/source); gc() between runs.
    const child = fork(BENCH_SCRIPT, ['--child', JSON.stringify(request)], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let reply: ChildReply | undefined;
    const timer = setTimeout(() => {
      reply ??= { error: `timed out after ${ONESHOT_TIMEOUT_MS} ms` };
      child.kill('SIGKILL');
    }, ONESHOT_TIMEOUT_MS);
    child.on('message', (message) => {
      reply ??= message as ChildReply;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise(reply ?? { error: `child exited (${signal ?? `code ${code}`}) without a result` });
    });
  });
}

/** Entry point of a oneshot child: `bench.ts --child <json>`. */
export async function childMain(json: string): Promise<void> {
  const request = JSON.parse(json) as ChildRequest;
  let reply: ChildReply;
  try {
    const suite = (await loadSuites(request.root, request.file))[request.suiteIndex];
    const c = suite?.cases[request.caseIndex];
    if (suite === undefined || c === undefined) throw new Error('suite or case vanished');
    const gc = (globalThis as { gc?: () => void }).gc;
    const setupStart = performance.now();
    const state = await suite.setup?.();
    const setupMs = performance.now() - setupStart;
    const samplesMs: number[] = [];
    try {
      for (let i = 0; i < request.runs; i += 1) {
        await suite.beforeEach?.(state);
        gc?.();
        const start = performance.now();
        await c.fn(state);
        samplesMs.push(performance.now() - start);
      }
    } finally {
      await suite.teardown?.(state);
    }
    // maxRSS is in KiB: the high-water mark of this whole process (setup included).
    reply = { samplesMs, setupMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } catch (error) {
    reply = { error: describeError(error) };
  }
  process.send?.(reply, () => process.exit(0));
}
