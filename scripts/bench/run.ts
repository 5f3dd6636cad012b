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
  let state: unknown;
  try {
    state = await suite.setup?.();
  } catch (error) {
    return suite.cases.map((c) => failed(file, suite, c, `setup: ${describeError(error)}`));
  }
  try {
    const bench = new Bench({ time: suite.timeMs ?? DEFAULT_TIME_MS, warmupTime: 100, iterations: 10 });
    const beforeEach = suite.beforeEach;
    for (const c of suite.cases) {
      bench.add(
        c.name,
        () => c.fn(state),
        beforeEach === undefined ? {} : { beforeEach: async () => void (await beforeEach(state)) },
      );
    }
    await bench.run();
    return suite.cases.map((c, i) => {
      const result = bench.tasks[i]?.result;
      if (result === undefined || result.state === 'errored') {
        return failed(file, suite, c, result?.state === 'errored' ? describeError(result.error) : 'not run');
      }
      if (result.state !== 'completed') return failed(file, suite, c, `task ${result.state}`);
      const { latency } = result;
      return {
        ...base(file, suite, c),
        medianMs: latency.p50,
        minMs: latency.min,
        maxMs: latency.max,
        samples: latency.samplesCount,
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
}

type ChildReply = { samplesMs: number[]; setupMs: number; peakRssMb: number } | { error: string };

async function runOneshot(
  root: string,
  file: string,
  suite: AnySuite,
  suiteIndex: number,
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const [caseIndex, c] of suite.cases.entries()) {
    const reply = await runChild({ root, file, suiteIndex, caseIndex });
    if ('error' in reply) {
      out.push(failed(file, suite, c, reply.error));
      continue;
    }
    out.push({
      ...base(file, suite, c),
      medianMs: median(reply.samplesMs),
      minMs: Math.min(...reply.samplesMs),
      maxMs: Math.max(...reply.samplesMs),
      samples: reply.samplesMs.length,
      peakRssMb: reply.peakRssMb,
      setupMs: reply.setupMs,
    });
  }
  return out;
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
      for (let i = 0; i < (suite.runs ?? DEFAULT_RUNS); i += 1) {
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
