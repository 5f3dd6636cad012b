// `pnpm bench cold`: import time of each Lambda bundle in a fresh Node process (median of N), against
// a bundle that only constructs the clients (DynamoDB, SQS, Secrets Manager, ioredis, undici).
// Target: the remit handler within 1.15x of that baseline. Bundle sizes go to stderr.
//
//   beforeEach (untimed)  wait for the previous child to exit; fork `node cold-start-child.mjs`,
//                         wait until it says "ready" (Node's own start is not the bundle's)
//   fn (timed)            send it the bundle path -> it imports the bundle -> replies with its
//                         import time and the CPU time (user + system) the import took
//   (untimed)             the child exits
//
// What is measured is the Lambda init of each function: the handler files build everything at
// import (configuration parsed, container resolved, clients and schemas built; nothing is left
// for the first invocation), so import time is init time. The child gets a complete Lambda-style
// environment (loopback addresses, no network at import), so a bundle does at import exactly what
// it does at a Lambda init.
//
// The ratio the harness checks is wall time. On a shared machine, load that changes during the
// run moves it by several percent, so the cases are interleaved (`rounds`: every case gets a child
// process per round, in rotating order) and each case also prints the median CPU time of its
// imports and, against the baseline of the same run, the CPU ratio, which other processes disturb
// much less; read both.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSuite } from '@remit/core/testing';
import {
  BUNDLE_DIR,
  type BundleInfo,
  type BundleName,
  bundleHandlers,
  ENTRIES,
  formatSizes,
} from './bundle.js';

/** Fresh processes per case: enough for a stable median at ~0.3 s each. */
const RUNS = 24;
/** Interleaving rounds (RUNS / ROUNDS imports per case process). */
const ROUNDS = 6;
const CHILD = join(BUNDLE_DIR, 'cold-start-child.mjs');
/**
 * Every case of one `pnpm bench` run is a process of the same parent: its pid names the run.
 * The first case bundles (if sources changed); the others import those same bundles even if
 * someone edits a source meanwhile, and find the CPU samples of the cases before them.
 */
const RUN = process.ppid;
const RUN_MARK = join(BUNDLE_DIR, '.bundled-for-run');
const CPU_FILE = join(BUNDLE_DIR, 'cold-start-cpu.json');
const CHILD_SOURCE = `process.once('message', async (file) => {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await import(file);
  const importMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  process.send({ importMs, cpuMs: (user + system) / 1000 }, () => process.exit(0));
});
process.send('ready');
`;

/** What infra-cdk sets, pointed at loopback: nothing is contacted while a bundle is imported. */
const LAMBDA_ENV = {
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_EC2_METADATA_DISABLED: 'true',
  REMIT_IDEMPOTENCY_TABLE: 'remit-idempotency',
  REMIT_ORDERS_TABLE: 'remit-orders',
  REMIT_SEQUENCES_TABLE: 'remit-sequences',
  REMIT_QUEUE_URL: 'http://127.0.0.1:9/000000000000/remit-payouts.fifo',
  REMIT_EVENTS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/remit-events',
  REMIT_REDIS_URL: 'redis://127.0.0.1:9',
  REMIT_PROVIDER_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:000000000000:secret:remit/provider',
  REMIT_PROVIDER_BASE_URL: 'http://127.0.0.1:9',
  REMIT_PAYER_ACCOUNT: '110-000-000900',
  REMIT_INSTITUTION_CODE: 'T991234560',
  REMIT_ACCOUNTS: 'acct-main=110-000-000001',
  POWERTOOLS_SERVICE_NAME: 'remit',
  POWERTOOLS_METRICS_NAMESPACE: 'Remit',
};

interface State {
  readonly bundles: ReadonlyMap<BundleName, BundleInfo>;
  child: ChildProcess | undefined;
  /** The last child's exit, awaited before the next one starts (outside the timing). */
  exited: Promise<unknown>;
  /** Which bundle this case process imports, and the CPU time of each import. */
  name: BundleName | undefined;
  readonly cpuMs: number[];
}

interface ChildReply {
  readonly importMs: number;
  readonly cpuMs: number;
}

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundledForThisRun(): boolean {
  try {
    return readFileSync(RUN_MARK, 'utf8') === String(RUN);
  } catch {
    return false;
  }
}

/** Bundle unless every bundle is newer than every workspace source (each case runs in its own process). */
async function freshBundles(): Promise<Map<BundleName, BundleInfo>> {
  const root = join(BUNDLE_DIR, '..', '..', '..');
  const sources = bundledForThisRun()
    ? 0
    : Math.max(newestSourceMs(join(root, 'packages')), newestSourceMs(join(root, 'apps', 'lambda', 'src')));
  const existing = (Object.keys(ENTRIES) as BundleName[]).map((name) => {
    const file = join(BUNDLE_DIR, name, 'index.mjs');
    try {
      const s = statSync(file);
      return { name, file, bytes: s.size, gzipBytes: Number.NaN, mtimeMs: s.mtimeMs };
    } catch {
      return undefined;
    }
  });
  let bundles: BundleInfo[];
  if (existing.every((b) => b !== undefined && b.mtimeMs > sources)) {
    bundles = existing.map((b) => b!);
  } else {
    bundles = await bundleHandlers();
    console.error(`bundle sizes (minified ESM, AWS SDK included):\n${formatSizes(bundles)}`);
  }
  writeFileSync(CHILD, CHILD_SOURCE);
  writeFileSync(RUN_MARK, String(RUN));
  return new Map(bundles.map((b) => [b.name, b]));
}

async function importIn(state: State, name: BundleName): Promise<void> {
  const child = state.child;
  if (child === undefined) throw new Error('no child process prepared');
  state.child = undefined;
  state.exited = once(child, 'exit');
  const reply = once(child, 'message');
  child.send(state.bundles.get(name)!.file);
  const [message] = (await reply) as [ChildReply];
  state.name = name;
  state.cpuMs.push(message.cpuMs);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Print this case's CPU median (and its ratio to the baseline's of this run); keep its samples. */
function reportCpu(state: State): void {
  if (state.name === undefined || state.cpuMs.length === 0) return;
  let recorded: { run: number; cases: Record<string, number[]> } = { run: RUN, cases: {} };
  try {
    const read = JSON.parse(readFileSync(CPU_FILE, 'utf8')) as typeof recorded;
    if (read.run === RUN) recorded = read;
  } catch {
    // first case of this run
  }
  // Interleaved rounds: every child process of a case adds its samples.
  const all = [...(recorded.cases[state.name] ?? []), ...state.cpuMs];
  recorded.cases[state.name] = all;
  state.cpuMs.length = 0;
  writeFileSync(CPU_FILE, `${JSON.stringify(recorded)}\n`);
  // Printed once per case, by its last child process (the baseline's samples are complete by then).
  if (all.length < RUNS) return;
  const cpu = median(all);
  const base = recorded.cases.baseline;
  const ratio =
    base === undefined || state.name === 'baseline' ? '' : `, ${(cpu / median(base)).toFixed(2)}x baseline`;
  const sorted = [...all].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.round(p * (sorted.length - 1))]!.toFixed(0);
  console.error(
    `  ${state.name}: import CPU median ${cpu.toFixed(1)} ms (quartiles ${q(0.25)}-${q(0.75)} ms)${ratio}`,
  );
}

const suite: BenchSuite<State> = {
  name: 'lambda cold start: bundle import in a fresh process',
  mode: 'oneshot',
  runs: RUNS,
  rounds: ROUNDS,
  setup: async (): Promise<State> => ({
    bundles: await freshBundles(),
    child: undefined,
    exited: Promise.resolve(),
    name: undefined,
    cpuMs: [],
  }),
  beforeEach: async (state) => {
    await state.exited;
    const child = fork(CHILD, [], {
      execPath: process.execPath,
      execArgv: [],
      env: LAMBDA_ENV,
      stdio: 'inherit',
    });
    const [message] = (await once(child, 'message')) as [unknown];
    if (message !== 'ready') throw new Error(`cold-start child said ${String(message)}`);
    state.child = child;
  },
  teardown: async (state) => {
    state.child?.kill();
    await state.exited;
    reportCpu(state);
  },
  cases: [
    {
      name: 'baseline: SDK clients + ioredis + undici only',
      baseline: true,
      fn: (s) => importIn(s, 'baseline'),
    },
    { name: 'remit handler', fn: (s) => importIn(s, 'remit'), target: { maxRatio: 1.15 } },
    { name: 'ingest handler', fn: (s) => importIn(s, 'ingest') },
    { name: 'reconcile handler', fn: (s) => importIn(s, 'reconcile') },
  ],
};

export default suite;
