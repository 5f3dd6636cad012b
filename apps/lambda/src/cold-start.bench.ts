// `pnpm bench cold`: import time of each Lambda bundle in a fresh Node process (median of N), against
// a bundle that only constructs the clients (DynamoDB, SQS, Secrets Manager, ioredis, undici).
// Target: the remit handler within 1.15x of that baseline. Bundle sizes go to stderr.
//
//   beforeEach (untimed)  fork `node cold-start-child.mjs`, wait until it says "ready"
//   fn (timed)            send it the bundle path -> it imports the bundle -> replies "done"
//
// The child gets a complete Lambda-style environment (loopback addresses, no network at import),
// so a bundle does at import exactly what it does at a Lambda init.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
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

const RUNS = 15;
const CHILD = join(BUNDLE_DIR, 'cold-start-child.mjs');
const CHILD_SOURCE = `process.once('message', async (file) => {
  const started = performance.now();
  await import(file);
  process.send({ importMs: performance.now() - started }, () => process.exit(0));
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

/** Bundle unless every bundle is newer than every workspace source (each case runs in its own process). */
async function freshBundles(): Promise<Map<BundleName, BundleInfo>> {
  const root = join(BUNDLE_DIR, '..', '..', '..');
  const sources = Math.max(
    newestSourceMs(join(root, 'packages')),
    newestSourceMs(join(root, 'apps', 'lambda', 'src')),
  );
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
  return new Map(bundles.map((b) => [b.name, b]));
}

async function importIn(state: State, name: BundleName): Promise<void> {
  const child = state.child;
  if (child === undefined) throw new Error('no child process prepared');
  state.child = undefined;
  const reply = once(child, 'message');
  child.send(state.bundles.get(name)!.file);
  await reply;
  await once(child, 'exit');
}

const suite: BenchSuite<State> = {
  name: 'lambda cold start: bundle import in a fresh process',
  mode: 'oneshot',
  runs: RUNS,
  setup: async () => ({ bundles: await freshBundles(), child: undefined }),
  beforeEach: async (state) => {
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
  teardown: (state) => state.child?.kill(),
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
