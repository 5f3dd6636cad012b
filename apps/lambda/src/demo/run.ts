/**
 * Plays a scenario against the real handlers, the way Lambda would drive them, on the simulated
 * clock:
 *
 *   every simulated minute   the bank feed up to now; the SQS event source polls the FIFO queue
 *                            (batches of 10, partial batch failures, visibility, redrive)
 *   every 5 minutes (:00)    EventBridge schedule -> ingest handler
 *   every 5 minutes (:02)    EventBridge schedule -> reconcile handler
 *   quiet stretches          skipped: nothing in flight, nothing open, nothing due for 20 min
 */
import {
  businessDateOf,
  cancelOrder,
  type IngestReport,
  type InstantMs,
  type OrderId,
  openOrder,
  parseDepositId,
  parseKrw,
  parseOrderId,
  parseSellerId,
  type ReconcileReport,
  type RemittanceMessage,
  remittanceGroupId,
  remittanceIdFor,
} from '@remit/core';
import type { SQSRecord } from 'aws-lambda';
import { IngestHandler } from '../handlers/ingest-handler.js';
import { ReconcileHandler } from '../handlers/reconcile-handler.js';
import { RemitHandler } from '../handlers/remit-handler.js';
import type { DemoDeposit } from './bank.js';
import { DEMO_ACCOUNTS, type FeedEvent, type Scenario } from './scenario.js';
import type { World } from './world.js';

const MINUTE_MS = 60_000;
/** Lambda's maximum batch size for a FIFO event source. */
const BATCH_SIZE = 10;
/** Bound on receives per simulated minute: far above what a demo minute needs, below a hang. */
const MAX_RECEIVES_PER_STEP = 5_000;
/** Orders opened at once (the main server's concurrency, bounded). */
const OPEN_CONCURRENCY = 8;
/** After activity, keep ticking this long before skipping ahead (two schedules of each handler). */
const SETTLE_MS = 12 * MINUTE_MS;

export interface RunOptions {
  /** Concurrent Lambda execution environments consuming the queue. */
  readonly concurrency: number;
  readonly onProgress?: (progress: Progress) => void;
}

export interface Progress {
  readonly nowMs: InstantMs;
  readonly ordersOpened: number;
  readonly feedApplied: number;
  readonly feedTotal: number;
  readonly paid: number;
  readonly queue: { readonly visible: number; readonly inFlight: number; readonly dead: number };
  readonly invocations: number;
}

export interface RunResult {
  readonly startedAtMs: InstantMs;
  readonly endedAtMs: InstantMs;
  /** Assigned depositor name per order (what the buyer typed). */
  readonly names: ReadonlyMap<OrderId, string>;
  readonly ingest: IngestTotals;
  readonly reconcile: Omit<ReconcileReport, never>;
  readonly invocations: { readonly ingest: number; readonly reconcile: number; readonly remit: number };
  /** Bank ids booked by "another system" (excluded from the ledger reconciliation). */
  readonly foreignTranIds: ReadonlySet<string>;
  /** Things the driver could not do (a reversal target not paid yet, ...). */
  readonly problems: readonly string[];
}

export type IngestTotals = Omit<IngestReport, 'truncatedAccounts' | 'gapAccounts'>;

const ZERO_INGEST: IngestTotals = {
  read: 0,
  matched: 0,
  replayed: 0,
  ambiguous: 0,
  unmatched: 0,
  underpaid: 0,
  overpaid: 0,
  orphan: 0,
  cancellationsUndone: 0,
  cancellationsTooLate: 0,
  enqueued: 0,
};

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const minuteOf = (ms: InstantMs) => Math.floor(ms / MINUTE_MS);

/**
 * @example
 * ```ts
 * const result = await runScenario(world, scenario, { concurrency: 2 });
 * ```
 */
export async function runScenario(world: World, scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const { clock, container } = world;
  const ingestHandler = container.resolve(IngestHandler).handle;
  const reconcileHandler = container.resolve(ReconcileHandler).handle;
  // One handler instance per concurrent execution environment, as Lambda would have.
  const remitHandlers = Array.from(
    { length: options.concurrency },
    () => container.resolve(RemitHandler).handle,
  );

  const names = new Map<OrderId, string>();
  const problems: string[] = [];
  const foreignTranIds = new Set<string>();
  const deposits = new Map<string, DemoDeposit>();
  let ingest = { ...ZERO_INGEST };
  let reconcileTotals: ReconcileReport = {
    examined: 0,
    succeeded: 0,
    rejected: 0,
    resent: 0,
    stillUnknown: 0,
    escalated: 0,
    reversed: 0,
  };
  const invocations = { ingest: 0, reconcile: 0, remit: 0 };
  const scheduleEvent = () => ({
    version: '0',
    id: `demo-${clock.now()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    time: new Date(clock.now()).toISOString(),
    detail: {},
  });

  // ---- the main server opens the orders (library call, not a handler)
  clock.set(scenario.startMs);
  await inBatches(scenario.orders, OPEN_CONCURRENCY, async (o) => {
    const outcome = await openOrder(world.orderDeps, {
      orderId: o.orderId,
      sellerId: o.sellerId,
      accountId: o.accountId,
      amountKrw: parseKrw(o.amountKrw),
      payee: o.payee,
      ttlMs: o.ttlMs,
      depositorName: o.depositorBase,
      assignSuffix: o.assignSuffix,
    });
    if (outcome.kind === 'opened') names.set(o.orderId, outcome.depositorName);
    else problems.push(`order ${o.orderId} (${o.case}) was not opened: ${outcome.kind}`);
  });

  // ---- the timeline
  const accountNumber = (id: string) => DEMO_ACCOUNTS.find((a) => a.id === id)!.accountNumber;
  const apply = async (event: FeedEvent) => {
    switch (event.kind) {
      case 'deposit': {
        const name = event.forOrder === undefined ? event.depositorName! : names.get(event.forOrder);
        if (name === undefined) return; // its order was not opened: reported above
        const deposit: DemoDeposit = {
          accountId: event.accountId,
          accountNumber: accountNumber(event.accountId),
          tranId: event.tranId,
          depositorName: name,
          amountKrw: event.amountKrw,
          occurredAt: event.atMs,
        };
        deposits.set(event.tranId, deposit);
        world.bank.addDeposit(deposit);
        return;
      }
      case 'deposit_cancellation': {
        const cancels = deposits.get(event.cancels);
        if (cancels === undefined) return;
        world.bank.addCancellation({
          accountId: event.accountId,
          accountNumber: accountNumber(event.accountId),
          tranId: event.tranId,
          cancels,
          occurredAt: event.atMs,
        });
        return;
      }
      case 'cancel_order': {
        const outcome = await cancelOrder(world.orderDeps, { orderId: event.orderId });
        if (outcome.kind !== 'cancelled') problems.push(`cancelling ${event.orderId}: ${outcome.kind}`);
        return;
      }
      case 'fault_timeout_executed':
        world.bank.armTimeoutAfterExecuting();
        return;
      case 'foreign_booking': {
        // Another system with our institution code takes the number remit will draw next.
        const businessDate = businessDateOf(clock.now());
        const institution = world.settings.institution;
        const { value } = await world.sequence.next({ institution, businessDate });
        const bankTranId = world.settings.remit.format.format({ institution, sequence: value + 1 });
        await world.bank.bookForeignTransfer({ bankTranId, businessDate });
        foreignTranIds.add(`${businessDate}#${bankTranId}`);
        return;
      }
      case 'reverse': {
        const record = await world.store.get({ remittanceId: remittanceIdFor(event.orderId) });
        if (
          record?.status !== 'succeeded' ||
          record.bankTranId === undefined ||
          record.businessDate === undefined
        ) {
          problems.push(`reversal of ${event.orderId} skipped: its payout is ${record?.status ?? 'absent'}`);
          return;
        }
        world.bank.reverse({
          bankTranId: record.bankTranId,
          businessDate: record.businessDate,
          reason: event.reason,
        });
        return;
      }
      case 'poison': {
        const poison = poisonMessage(scenario);
        await world.queue.sendRaw(poison, remittanceGroupId(poison));
        return;
      }
    }
  };

  const pollQueue = async (): Promise<number> => {
    let receives = 0;
    let handled = 0;
    const worker = async (handle: (typeof remitHandlers)[number]) => {
      while (receives < MAX_RECEIVES_PER_STEP) {
        receives += 1;
        const records: SQSRecord[] = await world.queue.receive(BATCH_SIZE);
        if (records.length === 0) return;
        invocations.remit += 1;
        const response = await handle({ Records: records });
        handled += records.length;
        await world.queue.settle(records, new Set(response.batchItemFailures.map((f) => f.itemIdentifier)));
      }
    };
    await Promise.all(remitHandlers.map(worker));
    if (receives >= MAX_RECEIVES_PER_STEP)
      problems.push(`queue did not drain at ${new Date(clock.now()).toISOString()}`);
    return handled;
  };

  const anythingOpen = async () =>
    (await world.store.listOpen({ updatedBefore: clock.now() + 1, limit: 1 })).records.length > 0;

  let feedIndex = 0;
  let lastActivityMs = scenario.startMs;
  // Progress costs queue-depth calls: at most every 200 ms of real time, and on each new half hour.
  let lastReportReal = Number.NEGATIVE_INFINITY;
  let lastReportSlot = -1;
  const report = async (nowMs: InstantMs) => {
    if (options.onProgress === undefined) return;
    const slot = Math.floor(nowMs / (30 * MINUTE_MS));
    if (slot === lastReportSlot && performance.now() - lastReportReal < 200) return;
    lastReportSlot = slot;
    lastReportReal = performance.now();
    options.onProgress({
      nowMs,
      ordersOpened: names.size,
      feedApplied: feedIndex,
      feedTotal: scenario.feed.length,
      paid: world.metrics.total('PayoutSucceeded'),
      queue: await world.queue.depth(),
      invocations: invocations.ingest + invocations.reconcile + invocations.remit,
    });
  };

  for (let nowMs = scenario.startMs; ; ) {
    clock.set(nowMs);
    while (feedIndex < scenario.feed.length && scenario.feed[feedIndex]!.atMs <= nowMs) {
      await apply(scenario.feed[feedIndex]!);
      feedIndex += 1;
      lastActivityMs = nowMs;
    }
    const minute = minuteOf(nowMs);
    if (minute % 5 === 0) {
      invocations.ingest += 1;
      const r = await ingestHandler(scheduleEvent());
      ingest = addReports(ingest, r);
      if (r.read > 0) lastActivityMs = nowMs;
    }
    if ((await pollQueue()) > 0) lastActivityMs = nowMs;
    if (minute % 5 === 2) {
      invocations.reconcile += 1;
      const r = await reconcileHandler(scheduleEvent());
      reconcileTotals = addReconcile(reconcileTotals, r);
      if (r.examined > 0 || r.reversed > 0) lastActivityMs = nowMs;
    }
    world.bank.releaseHeld();
    await report(nowMs);

    const next = scenario.feed[feedIndex];
    const quiet = async () => {
      const depth = await world.queue.depth();
      return depth.visible + depth.inFlight === 0 && !(await anythingOpen());
    };
    if (nowMs - lastActivityMs >= SETTLE_MS && (await quiet())) {
      if (next === undefined) break;
      // Skip to 10 minutes before the next thing happens, on a schedule boundary.
      const target = Math.floor((next.atMs - 10 * MINUTE_MS) / (5 * MINUTE_MS)) * 5 * MINUTE_MS;
      if (target > nowMs + MINUTE_MS) {
        nowMs = target;
        continue;
      }
    }
    if (nowMs >= scenario.endMs + 6 * 60 * MINUTE_MS) {
      problems.push('the run did not settle within 6 h after the scenario ended');
      break;
    }
    nowMs += MINUTE_MS;
  }

  return {
    startedAtMs: scenario.startMs,
    endedAtMs: clock.now(),
    names,
    ingest,
    reconcile: reconcileTotals,
    invocations,
    foreignTranIds,
    problems,
  };
}

function addReports(a: IngestTotals, b: IngestReport): IngestTotals {
  const out: Record<string, number> = { ...a };
  for (const key of Object.keys(ZERO_INGEST))
    out[key] = (out[key] ?? 0) + (b[key as keyof IngestTotals] as number);
  return out as unknown as IngestTotals;
}

function addReconcile(a: ReconcileReport, b: ReconcileReport): ReconcileReport {
  return {
    examined: a.examined + b.examined,
    succeeded: a.succeeded + b.succeeded,
    rejected: a.rejected + b.rejected,
    resent: a.resent + b.resent,
    stillUnknown: a.stillUnknown + b.stillUnknown,
    escalated: a.escalated + b.escalated,
    reversed: a.reversed + b.reversed,
  };
}

/** A payout instruction whose money does not add up (payout + fee != order amount). */
export function poisonMessage(scenario: Scenario): RemittanceMessage {
  const seller = scenario.sellers[0]!;
  const orderId = parseOrderId('ord-poison');
  const amount = parseKrw(50_000);
  return {
    v: 1,
    remittanceId: remittanceIdFor(orderId),
    orderId,
    sellerId: parseSellerId(seller.sellerId),
    depositId: parseDepositId('D-poison'),
    accountId: DEMO_ACCOUNTS[0].id,
    payee: seller.payee,
    depositKrw: amount,
    orderAmountKrw: amount,
    feeKrw: parseKrw(0),
    payoutKrw: parseKrw(60_000),
    excessKrw: parseKrw(0),
    matchedAt: scenario.startMs,
  };
}
