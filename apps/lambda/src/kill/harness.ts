/**
 * The kill test: the real handlers in several worker processes against DynamoDB Local, fauxqs,
 * Redis and bank-sim, SIGKILLed at random moments while the payouts flow, restarted, then checked
 * against the bank's ledger.
 *
 *   parent (this)                              worker processes (worker.ts, esbuild bundle)
 *   ├─ tables, queues, bank-sim                 ├─ remit ×N   SQS poll -> RemitHandler -> delete acked
 *   ├─ open N orders (openOrder, DynamoDB)      ├─ ingest ×4  IngestHandler every 0.5 s, one per account
 *   ├─ post N deposits on bank-sim over 10 s    └─ reconcile  ReconcileHandler every 1 s
 *   ├─ SIGKILL a remit worker every 0.4–1.4 s, reconcile every 2–5 s, an ingest every 5–10 s;
 *   │  each is restarted 0–0.3 s later (a new Lambda execution environment)
 *   ├─ until every order is paid (or the deadline), then stop all workers
 *   └─ reconcile in-process until nothing is open; verify:
 *        zero double payouts   no order has two executed transfers
 *        zero lost payouts     every order has one executed transfer and a `succeeded` record
 *        ledger = records      each record's (bank id, date) is an executed transfer of its amount
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createTableFromSchema } from '@remit/adapters-aws';
import {
  createDynamoDbClient,
  createSqsClient,
  LOCAL_CREDENTIALS,
  type LocalEnv,
  uniqueName,
} from '@remit/adapters-aws/local-servers';
import { idempotencyTable, ordersTable, sequencesTable } from '@remit/adapters-aws/schema';
import { startBankSim } from '@remit/bank-sim';
import {
  BANK_RSP_CODE,
  type IdempotencyStore,
  type OrderId,
  openOrder,
  parseAccountId,
  parseKrw,
  parseOrderId,
  parseSellerId,
  type RemittanceRecord,
  remittanceIdFor,
} from '@remit/core';
import { build } from 'esbuild';
import { createAwsContainer, disposeAwsContainer } from '../composition.js';
import { parseAwsConfig } from '../config.js';
import { ReconcileHandler } from '../handlers/reconcile-handler.js';
import { RecordingMetrics } from '../observability/telemetry.js';
import { staticSecrets } from '../secrets.js';
import { TOKENS } from '../tokens.js';
import { verifyLedger } from './verify.js';

export type WorkerRole = 'remit' | 'ingest' | 'reconcile';

export interface KillTestOptions {
  /** The local servers (the integration tier's global setup). */
  readonly servers: Pick<LocalEnv, 'dynamodb' | 'sqs' | 'redis'>;
  /** Payouts that flow while workers die. */
  readonly payouts: number;
  readonly remitWorkers: number;
  /** Seed of the kill schedule and the workload (the timing of a real process is not replayable). */
  readonly seed: number;
  /** Bound on the whole run; past it, what is unpaid counts as lost. */
  readonly deadlineMs: number;
  /** Interval between kills of a remit worker, bounds in ms. Default 400..1400. */
  readonly killEveryMs?: readonly [number, number];
  readonly log?: (line: string) => void;
}

export interface KillReport {
  readonly payouts: number;
  readonly paid: number;
  /** Orders paid before the kills stopped (the rest were paid by the survivors afterwards). */
  readonly paidUnderKills: number;
  readonly durationMs: number;
  readonly kills: Readonly<Record<WorkerRole, number>>;
  /** Workers that died on their own (an error escaped): restarted, and listed. */
  readonly unexpectedExits: readonly string[];
  readonly restarts: number;
  readonly bank: {
    readonly transferCalls: number;
    readonly inquiries: number;
    /** Inquiries answered "no such transfer" (a worker died between its claim and the call). */
    readonly inquiriesNotFound: number;
    readonly executed: number;
    readonly duplicateIdAnswers: number;
  };
  readonly records: Readonly<Record<string, number>>;
  readonly doubled: readonly string[];
  readonly lost: readonly string[];
  readonly mismatches: readonly string[];
  readonly deadLettered: number;
}

const INSTITUTION = 'T991234560';
const PAYER_ACCOUNT = '110-000-000900';
/**
 * Receiving accounts, each ingested by its own worker (ingest is sequential within a run and
 * DynamoDB Local's latency, not its throughput, bounds one worker).
 */
const RECEIVING = [1, 2, 3, 4].map((n) => ({ id: `acct-k${n}`, accountNumber: `110-000-00077${n}` }));
/** Deposits arrive over this long while payouts flow (ingest's work is spread, as in life). */
const DEPOSITS_OVER_MS = 10_000;
/** Sellers = FIFO message groups: a killed batch holds its groups until its visibility ends. */
const SELLERS = 200;
const AMOUNTS = [10_000, 15_000, 20_000, 30_000, 45_000, 50_000];
const NAMES = ['김테스트', '이테스트', '박시험', '최가상', '정예시', '강샘플', '조모의', '윤데모'];
/** SQS visibility: above the lease (5 s, the configuration's minimum) plus a transfer call. */
const VISIBILITY_S = 6;

const here = dirname(fileURLToPath(import.meta.url));

/** PRNG for the schedule (mulberry32): apps may use Math.random, but a seed makes runs comparable. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bundle the worker once: a bundled worker starts in a fraction of a second (tsx needs over one). */
async function bundleWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'worker.mjs');
  await build({
    entryPoints: [join(here, 'worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    conditions: ['@remit/source'],
    tsconfig: join(here, '../../tsconfig.json'),
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return outfile;
}

async function createQueues(sqs: SQSClient, prefix: string) {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${prefix}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const dlqArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-payouts.fifo`,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(VISIBILITY_S),
        // Kills cost receives: far more than a kill storm can burn, so the DLQ stays for real poison.
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 100 }),
      },
    }),
  );
  const events = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-events` }));
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl!, eventsUrl: events.QueueUrl! };
}

async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const a = (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
  ).Attributes;
  return Number(a?.ApproximateNumberOfMessages ?? 0) + Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function mapLimit<T>(items: readonly T[], limit: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await f(items[next++]!);
    }),
  );
}

/**
 * Run the kill test and report what the bank and remit ended up with.
 *
 * @example
 * ```ts
 * const report = await runKillTest({ servers: localEnv(), payouts: 1000, remitWorkers: 3, seed: 1, deadlineMs: 80_000 });
 * expect(report.doubled).toEqual([]);
 * ```
 */
export async function runKillTest(options: KillTestOptions): Promise<KillReport> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const rng = prng(options.seed);
  const stops: (() => Promise<unknown>)[] = [];
  const workers = new Map<string, { role: WorkerRole; child: ChildProcess; stderr: string[] }>();
  let stopping = false;
  try {
    const dir = await mkdtemp(join(tmpdir(), 'remit-kill-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const bundle = await bundleWorker(dir);

    // Statement pages of 25 (the real API's): ingest enqueues after each page, so a run killed
    // halfway has made progress the next run replays.
    const sim = await startBankSim({ institutionCode: INSTITUTION, maintenance: null, pageSize: 25 });
    stops.push(() => sim.stop());

    const prefix = uniqueName('remit-kill');
    const ddb = createDynamoDbClient(options.servers.dynamodb);
    stops.push(async () => ddb.destroy());
    const sqs = createSqsClient(options.servers.sqs);
    stops.push(async () => sqs.destroy());
    const tables = { idempotency: `${prefix}-idem`, orders: `${prefix}-orders`, sequences: `${prefix}-seq` };
    await Promise.all([
      createTableFromSchema(ddb, idempotencyTable, tables.idempotency),
      createTableFromSchema(ddb, ordersTable, tables.orders),
      createTableFromSchema(ddb, sequencesTable, tables.sequences),
    ]);
    const queues = await createQueues(sqs, prefix);

    // The Lambda environment, pointed at the local servers.
    const env: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'remit-kill',
      POWERTOOLS_METRICS_NAMESPACE: 'RemitKill',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      REMIT_INSTITUTION_CODE: INSTITUTION,
      REMIT_ACCOUNTS: RECEIVING.map((a) => `${a.id}=${a.accountNumber}`).join(','),
      REMIT_FEE: 'flat:300',
      // No maintenance window: the test runs in real time, whatever the hour in Seoul.
      REMIT_MAINTENANCE_WINDOW: '00:00-00:00',
      REMIT_LEASE_MS: '12000', // must outlast one provider call: 2 x (1000 + 2 x 1000) + 5000 ms (config checks it)
      REMIT_RETRY_AFTER_MS: '1000',
      REMIT_UNKNOWN_ESCALATE_AFTER_MS: String(30 * 60_000),
      // Covers the whole run: a deposit must survive any number of killed ingest runs.
      REMIT_INGEST_WINDOW_MS: String(60 * 60_000),
      REMIT_MAX_PAGES_PER_ACCOUNT: '1000',
      REMIT_RECONCILE_LIMIT: '500',
      REMIT_IDEMPOTENCY_TABLE: tables.idempotency,
      REMIT_ORDERS_TABLE: tables.orders,
      REMIT_SEQUENCES_TABLE: tables.sequences,
      REMIT_QUEUE_URL: queues.queueUrl,
      REMIT_EVENTS_QUEUE_URL: queues.eventsUrl,
      REMIT_REDIS_URL: options.servers.redis.url,
      REMIT_PROVIDER_BASE_URL: sim.url,
      REMIT_PROVIDER_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:remit-kill/provider',
      REMIT_PAYER_ACCOUNT: PAYER_ACCOUNT,
      REMIT_PROVIDER_TIMEOUT_MS: '1000',
      REMIT_DYNAMODB_ENDPOINT: options.servers.dynamodb.endpoint,
      REMIT_SQS_ENDPOINT: options.servers.sqs.endpoint,
    };
    const config = parseAwsConfig(env);
    const redisKeyPrefix = `${prefix}:`;
    const container = createAwsContainer(config, {
      credentials: LOCAL_CREDENTIALS,
      secrets: staticSecrets({
        [config.provider.secretArn]: JSON.stringify({ accessToken: sim.accessToken }),
      }),
      logLevel: 'SILENT',
      metrics: new RecordingMetrics(),
      redisKeyPrefix,
    });
    stops.push(() => disposeAwsContainer(container));
    const store = container.resolve<IdempotencyStore>(TOKENS.IdempotencyStore);

    // The main server opens the orders; the buyers pay exactly what they were told, later.
    const orderIds: OrderId[] = [];
    const deposits: { accountNum: string; amountKrw: number; depositorName: string }[] = [];
    const t0 = Date.now();
    await mapLimit(
      Array.from({ length: options.payouts }, (_, i) => i),
      16,
      async (i) => {
        const orderId = parseOrderId(`k${String(i).padStart(5, '0')}`);
        const seller = i % SELLERS;
        const amount = AMOUNTS[rng.int(0, AMOUNTS.length - 1)]!;
        const r = await openOrder(
          {
            matcher: container.resolve(TOKENS.OrderMatcher),
            clock: container.resolve(TOKENS.Clock),
            policy: config.settings.ingest.policy,
          },
          {
            orderId,
            sellerId: parseSellerId(`seller-${seller}`),
            accountId: parseAccountId(RECEIVING[i % RECEIVING.length]!.id),
            amountKrw: parseKrw(amount),
            payee: {
              bankCode: '004',
              accountNumber: `110-100-${String(seller).padStart(6, '0')}`,
              holderName: `판매자${seller}`,
            },
            ttlMs: 6 * 60 * 60_000,
            depositorName: NAMES[i % NAMES.length]!,
            assignSuffix: true,
          },
        );
        if (r.kind !== 'opened') throw new Error(`order ${orderId} did not open: ${r.kind}`);
        deposits.push({
          accountNum: RECEIVING[i % RECEIVING.length]!.accountNumber,
          amountKrw: amount,
          depositorName: r.depositorName,
        });
        orderIds.push(orderId);
      },
    );
    log(`opened ${orderIds.length} orders in ${Date.now() - t0} ms`);

    // Workers. Each prints a JSON line per handler run; ingest runs are counted (and logged).
    const runs = { ingest: 0, ingestFailed: 0, reconcile: 0, batches: 0 };
    const onWorkerLine = (name: string, line: string) => {
      if (process.env.REMIT_KILL_DEBUG === '1') log(`${name}: ${line.slice(0, 300)}`);
      try {
        const m = JSON.parse(line) as {
          role: WorkerRole;
          report?: { read?: number; matched?: number };
          error?: string;
        };
        if (m.role === 'remit') runs.batches++;
        else if (m.error !== undefined) runs.ingestFailed += m.role === 'ingest' ? 1 : 0;
        else if (m.role === 'ingest') {
          runs.ingest++;
          if ((m.report?.matched ?? 0) > 0)
            log(`${name}: ingest run matched ${m.report?.matched} of ${m.report?.read}`);
        } else runs.reconcile++;
      } catch {
        // not a report line
      }
    };
    const kills: Record<WorkerRole, number> = { remit: 0, ingest: 0, reconcile: 0 };
    const unexpectedExits: string[] = [];
    let restarts = 0;
    const start = (name: string, role: WorkerRole, extraEnv: Record<string, string>) => {
      const child = spawn(process.execPath, [bundle], {
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          ...extraEnv,
          KILL_ROLE: role,
          KILL_INTERVAL_MS: role === 'ingest' ? '500' : '1000',
          KILL_PROVIDER_TOKEN: sim.accessToken,
          KILL_REDIS_PREFIX: redisKeyPrefix,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const entry = { role, child, stderr: [] as string[] };
      let pending = '';
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) onWorkerLine(name, line);
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        entry.stderr.push(chunk);
        if (entry.stderr.length > 20) entry.stderr.shift();
      });
      child.on('exit', (code, signal) => {
        if (workers.get(name)?.child !== child) return;
        workers.delete(name);
        if (stopping) return;
        if (signal !== 'SIGKILL') {
          unexpectedExits.push(`${name} exited (${code ?? signal}): ${entry.stderr.join('').slice(-500)}`);
        }
        // Lambda starts a new execution environment.
        restarts++;
        setTimeout(
          () => {
            if (!stopping) start(name, role, extraEnv);
          },
          rng.int(0, 300),
        );
      });
      workers.set(name, entry);
    };
    stops.push(async () => {
      stopping = true;
      for (const w of workers.values()) w.child.kill('SIGKILL');
      workers.clear();
    });
    const names: [string, WorkerRole, Record<string, string>][] = [
      ...RECEIVING.map((a, i): [string, WorkerRole, Record<string, string>] => [
        `ingest-${i + 1}`,
        'ingest',
        { REMIT_ACCOUNTS: `${a.id}=${a.accountNumber}` },
      ]),
      ['reconcile', 'reconcile', {}],
      ...Array.from(
        { length: options.remitWorkers },
        (_, i): [string, WorkerRole, Record<string, string>] => [`remit-${i + 1}`, 'remit', {}],
      ),
    ];
    for (const [name, role, extraEnv] of names) start(name, role, extraEnv);

    // The buyers pay, spread over DEPOSITS_OVER_MS, while the workers run and die.
    const depositsStartedAt = Date.now();
    let posted = 0;
    const postDue = () => {
      const share = (Date.now() - depositsStartedAt) / DEPOSITS_OVER_MS;
      const due = Math.min(deposits.length, Math.ceil(share * deposits.length));
      for (; posted < due; posted++) sim.controls.addDeposit(deposits[posted]!);
    };

    // Kill at random moments until every order is paid (or the deadline).
    const paidOrders = () => new Set(sim.ledger.executed().map((e) => e.printContent)).size;
    // Each role dies on its own schedule. Ingest re-reads its whole window on every run, so it is
    // killed less often than a run lasts at most: killed faster, it would never get past page one
    // (a livelock no 5-minute schedule produces in production).
    const every: Record<WorkerRole, readonly [number, number]> = {
      remit: options.killEveryMs ?? [400, 1_400],
      reconcile: [2_000, 5_000],
      ingest: [5_000, 10_000],
    };
    const nextKillAt: Record<WorkerRole, number> = { remit: 0, reconcile: 0, ingest: 0 };
    for (const role of Object.keys(every) as WorkerRole[])
      nextKillAt[role] = Date.now() + rng.int(...every[role]);
    let lastLog = Date.now();
    while (paidOrders() < options.payouts && Date.now() - started < options.deadlineMs) {
      await sleep(50);
      postDue();
      if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now();
        log(
          `${Math.round((Date.now() - started) / 1000)} s: ${paidOrders()}/${options.payouts} paid, kills ${JSON.stringify(kills)}`,
        );
      }
      for (const role of Object.keys(every) as WorkerRole[]) {
        if (Date.now() < nextKillAt[role]) continue;
        nextKillAt[role] = Date.now() + rng.int(...every[role]);
        const candidates = [...workers.values()].filter((w) => w.role === role);
        if (candidates.length === 0) continue;
        candidates[rng.int(0, candidates.length - 1)]!.child.kill('SIGKILL');
        kills[role]++;
      }
    }
    const paidUnderKills = paidOrders();
    log(
      `kill phase over after ${Date.now() - started} ms: ${paidOrders()}/${options.payouts} paid, kills ${JSON.stringify(kills)}`,
    );

    // Let the survivors finish what is in flight (no more kills), then stop everything.
    // Slow is not lost: on a loaded machine the tail may need a while after the kills stop.
    const settleUntil = Date.now() + 45_000;
    while (
      Date.now() < settleUntil &&
      (paidOrders() < options.payouts || (await queueDepth(sqs, queues.queueUrl)) > 0)
    ) {
      postDue();
      await sleep(300);
    }
    log(`settled after ${Date.now() - started} ms: ${paidOrders()}/${options.payouts} paid`);
    stopping = true;
    for (const w of workers.values()) w.child.kill('SIGKILL');
    workers.clear();

    // Reconcile until nothing is open: claims of killed workers resume once their lease ends.
    const reconcile = container.resolve(ReconcileHandler).handle;
    for (let round = 0; round < 20; round++) {
      const open = await store.listOpen({ updatedBefore: Date.now() + 60_000, limit: 100 });
      if (open.records.length === 0) break;
      await reconcile({});
      await sleep(1_000);
    }

    // Verify: the bank's ledger against remit's records.
    const records = new Map<string, RemittanceRecord | undefined>();
    await mapLimit(orderIds, 16, async (orderId) => {
      records.set(orderId, await store.get({ remittanceId: remittanceIdFor(orderId) }));
    });
    const executed = sim.ledger.executed();
    const verdict = verifyLedger(orderIds, executed, (orderId) => records.get(orderId));
    const calls = sim.ledger.calls();
    return {
      payouts: options.payouts,
      paid: verdict.paid,
      paidUnderKills,
      durationMs: Date.now() - started,
      kills,
      unexpectedExits,
      restarts,
      bank: {
        transferCalls: calls.filter((c) => c.endpoint === 'transfer').length,
        inquiries: calls.filter((c) => c.endpoint === 'inquiry').length,
        inquiriesNotFound: calls.filter(
          (c) => c.endpoint === 'inquiry' && c.bankRspCode === BANK_RSP_CODE.NoSuchTransfer,
        ).length,
        executed: executed.length,
        duplicateIdAnswers: calls.filter((c) => c.endpoint === 'transfer' && c.bankRspCode === '822').length,
      },
      records: verdict.statuses,
      doubled: verdict.doubled,
      lost: verdict.lost,
      mismatches: verdict.mismatches,
      deadLettered: await queueDepth(sqs, queues.dlqUrl),
    };
  } finally {
    stopping = true;
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  }
}
