/**
 * What happened, checked: each case's end state against what it expects, and the bank's ledger
 * reconciled against remit's records. The two promises checked hard:
 *
 *   doubled  an order whose payout moved money more than once, or money the bank moved that no
 *            succeeded/reversed record accounts for
 *   lost     a record that says "succeeded" without an executed transfer under its bank id, or
 *            an order matched to a deposit (paid by the buyer) whose payout vanished
 */
import { type RemittanceRecord, remittanceIdFor, TERMINAL_STATUSES } from '@remit/core';
import { MetricName } from '../observability/telemetry.js';
import { TOKENS } from '../tokens.js';
import type { DemoLedgerEntry } from './bank.js';
import type { RunResult } from './run.js';
import { CASE_LABELS, type CaseName, EXPECTED, type Expected, type Scenario } from './scenario.js';
import type { World } from './world.js';

export type Actual = Expected | 'unresolved';

export interface CaseRow {
  readonly case: CaseName;
  readonly label: string;
  readonly orders: number;
  readonly expected: Expected;
  /** Orders whose end state is the expected one. */
  readonly ok: number;
  /** Actual end states that differ, with counts. */
  readonly other: Readonly<Record<string, number>>;
}

export interface Summary {
  readonly rows: readonly CaseRow[];
  readonly handlerOutcomes: Readonly<Record<string, number>>;
  readonly eventsByType: Readonly<Record<string, number>>;
  readonly deadLetters: number;
  /** Dead-lettered payouts whose records are final anyway (reconcile resolved them). */
  readonly deadAccounted: readonly string[];
  readonly invalidMessagesRecorded: number;
  readonly ledger: {
    readonly entries: number;
    readonly executed: number;
    readonly reversed: number;
    readonly foreign: number;
    readonly notMoved: number;
  };
  readonly bank: {
    readonly transferCalls: number;
    readonly inquiries: number;
    readonly duplicateIdAnswers: number;
  };
  readonly doubled: readonly string[];
  readonly lost: readonly string[];
  readonly mismatches: readonly string[];
  readonly problems: readonly string[];
  /** True when nothing was doubled or lost and every case ended as expected. */
  readonly ok: boolean;
}

const key = (date: string | undefined, id: string | undefined) => `${date}#${id}`;

function actualOf(record: RemittanceRecord | undefined): Actual {
  switch (record?.status) {
    case undefined:
    case 'cancelled':
      return 'no_payout';
    case 'succeeded':
      return 'paid';
    case 'reversed':
      return 'reversed';
    case 'rejected':
      return 'rejected';
    case 'manual_review':
      return 'manual_review';
    default:
      return 'unresolved';
  }
}

/**
 * @example
 * ```ts
 * const summary = await summarize(world, scenario, result);
 * ```
 */
export async function summarize(world: World, scenario: Scenario, result: RunResult): Promise<Summary> {
  const matcher = world.container.resolve<import('@remit/core').OrderMatcher>(TOKENS.OrderMatcher);
  const records = new Map<string, RemittanceRecord | undefined>();
  const orderStatus = new Map<string, string | undefined>();
  for (let i = 0; i < scenario.orders.length; i += 16) {
    await Promise.all(
      scenario.orders.slice(i, i + 16).map(async (o) => {
        records.set(o.orderId, await world.store.get({ remittanceId: remittanceIdFor(o.orderId) }));
        orderStatus.set(o.orderId, (await matcher.getOrder({ orderId: o.orderId }))?.status);
      }),
    );
  }

  const ledger = world.bank.ledger();
  const foreign = (e: DemoLedgerEntry) => result.foreignTranIds.has(key(e.businessDate, e.bankTranId));
  const ours = ledger.filter((e) => !foreign(e));
  const byKey = new Map(ours.map((e) => [key(e.businessDate, e.bankTranId), e]));
  const movedByMemo = new Map<string, number>();
  for (const e of ours) if (e.moved) movedByMemo.set(e.memo, (movedByMemo.get(e.memo) ?? 0) + 1);

  const doubled: string[] = [];
  const lost: string[] = [];
  const mismatches: string[] = [];
  const claimed = new Set<string>();
  const rows = new Map<CaseName, { orders: number; ok: number; other: Record<string, number> }>();

  for (const order of scenario.orders) {
    const record = records.get(order.orderId);
    const expected = EXPECTED[order.case];
    let actual = actualOf(record);
    const entry =
      record?.bankTranId === undefined ? undefined : byKey.get(key(record.businessDate, record.bankTranId));
    if (entry !== undefined && (record?.status === 'succeeded' || record?.status === 'reversed')) {
      claimed.add(key(entry.businessDate, entry.bankTranId));
    }
    const moved = movedByMemo.get(order.orderId) ?? 0;
    if (moved > 1) doubled.push(`${order.orderId}: the bank moved money ${moved} times`);
    if (record?.status === 'succeeded' && (entry === undefined || !entry.moved || entry.reversed)) {
      lost.push(
        `${order.orderId}: record says succeeded (${record.bankTranId}) but the bank executed no such transfer`,
      );
      actual = 'unresolved';
    }
    if (record?.status === 'reversed' && entry?.reversed !== true) {
      mismatches.push(
        `${order.orderId}: record says reversed but the bank did not reverse ${record.bankTranId}`,
      );
    }
    if (orderStatus.get(order.orderId) === 'paid' && record === undefined) {
      lost.push(`${order.orderId}: the buyer's deposit was matched but no payout exists`);
    }
    if (actual !== expected) {
      mismatches.push(`${order.orderId} (${CASE_LABELS[order.case]}): expected ${expected}, got ${actual}`);
    }
    const row = rows.get(order.case) ?? { orders: 0, ok: 0, other: {} };
    row.orders += 1;
    if (actual === expected) row.ok += 1;
    else row.other[actual] = (row.other[actual] ?? 0) + 1;
    rows.set(order.case, row);
  }
  for (const e of ours) {
    if (e.moved && !claimed.has(key(e.businessDate, e.bankTranId))) {
      doubled.push(
        `bank transfer ${e.bankTranId} on ${e.businessDate} (${e.amountKrw} won, memo ${e.memo}) moved money no succeeded payout accounts for`,
      );
    }
  }

  const events = await world.events();
  const eventsByType: Record<string, number> = {};
  for (const e of events) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
  const dead = await world.queue.deadLetters();
  const deadLetters = dead.length;
  const deadAccounted: string[] = [];
  for (const body of dead) {
    const remittanceId = (body as { remittanceId?: unknown } | null)?.remittanceId;
    const record =
      typeof remittanceId === 'string'
        ? await world.store.get({ remittanceId: remittanceId as RemittanceRecord['remittanceId'] })
        : undefined;
    if (record !== undefined && TERMINAL_STATUSES.has(record.status)) {
      deadAccounted.push(`${record.remittanceId} (${record.status})`);
    } else if (record !== undefined) {
      mismatches.push(`dead-lettered ${record.remittanceId} is still ${record.status}`);
    } else {
      lost.push(
        `a dead-lettered payout message has no remittance record: ${JSON.stringify(body).slice(0, 120)}`,
      );
    }
  }
  const invalidMessagesRecorded = eventsByType.invalid_message ?? 0;
  if (invalidMessagesRecorded !== 1) {
    mismatches.push(
      `expected the poison message to be recorded once as invalid_message, got ${invalidMessagesRecorded}`,
    );
  }

  const handlerOutcomes: Record<string, number> = {};
  for (const name of [
    MetricName.PayoutSucceeded,
    MetricName.PayoutRejected,
    MetricName.PayoutUnknown,
    MetricName.Deferred,
    MetricName.ManualReview,
    MetricName.InvalidMessage,
    MetricName.PayoutReversed,
    MetricName.PayoutResent,
    MetricName.Busy,
    MetricName.RecordFailed,
  ]) {
    handlerOutcomes[name] = world.metrics.total(name);
  }

  const caseOrder = Object.keys(CASE_LABELS) as CaseName[];
  return {
    rows: caseOrder
      .filter((c) => rows.has(c))
      .map((c) => ({
        case: c,
        label: CASE_LABELS[c],
        expected: EXPECTED[c],
        ...rows.get(c)!,
      })),
    handlerOutcomes,
    eventsByType,
    deadLetters,
    deadAccounted,
    invalidMessagesRecorded,
    ledger: {
      entries: ledger.length,
      executed: ours.filter((e) => e.moved && !e.reversed).length,
      reversed: ours.filter((e) => e.reversed).length,
      foreign: ledger.length - ours.length,
      notMoved: ours.filter((e) => !e.moved).length,
    },
    bank: world.bank.stats(),
    doubled,
    lost,
    mismatches,
    problems: result.problems,
    ok: doubled.length === 0 && lost.length === 0 && mismatches.length === 0 && result.problems.length === 0,
  };
}

const EXPECTED_TEXT: Record<Expected, string> = {
  paid: 'paid once',
  reversed: 'paid, reversed',
  rejected: 'rejected',
  manual_review: 'manual review',
  no_payout: 'no payout',
};

/**
 * The summary as text (fixed-width table, then the ledger check and the verdict).
 *
 * @example
 * ```ts
 * console.log(formatSummary(summary));
 * ```
 */
export function formatSummary(summary: Summary): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  const lpad = (s: string, n: number) => s.padStart(n);
  lines.push(`${pad('case', 32)}${lpad('orders', 7)}  ${pad('expected', 16)}${lpad('as expected', 12)}`);
  for (const row of summary.rows) {
    const others = Object.entries(row.other)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    lines.push(
      `${pad(row.label, 32)}${lpad(String(row.orders), 7)}  ${pad(EXPECTED_TEXT[row.expected], 16)}${lpad(
        `${row.ok}/${row.orders}`,
        12,
      )} ${row.ok === row.orders ? '✓' : `✗ (${others})`}`,
    );
  }
  const list = (r: Readonly<Record<string, number>>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ') || 'none';
  lines.push('');
  lines.push(`handler outcomes   ${list(summary.handlerOutcomes)}`);
  lines.push(`events published   ${list(summary.eventsByType)}`);
  lines.push(
    `queue              dead-letter ${summary.deadLetters}${
      summary.deadAccounted.length > 0 ? ` (record final anyway: ${summary.deadAccounted.join(', ')})` : ''
    } · invalid messages recorded and acknowledged ${summary.invalidMessagesRecorded}`,
  );
  lines.push(
    `bank calls         transfers ${summary.bank.transferCalls} · inquiries ${summary.bank.inquiries} · duplicate-id answers ${summary.bank.duplicateIdAnswers}`,
  );
  const l = summary.ledger;
  lines.push(
    `bank ledger        ${l.entries} booked: ${l.executed} executed, ${l.reversed} reversed, ${l.notMoved} refused/pending, ${l.foreign} by another system`,
  );
  const tick = (ok: boolean) => (ok ? '✓' : '✗');
  lines.push(
    `reconciliation     every succeeded record has exactly one executed transfer ${tick(
      !summary.lost.some((s) => s.includes('record says succeeded')),
    )} · no transfer without a succeeded/reversed record ${tick(
      !summary.doubled.some((s) => s.startsWith('bank transfer')),
    )} · no order paid twice ${tick(!summary.doubled.some((s) => s.includes('times')))}`,
  );
  for (const [title, items] of [
    ['DOUBLED', summary.doubled],
    ['LOST', summary.lost],
    ['MISMATCH', summary.mismatches],
    ['PROBLEM', summary.problems],
  ] as const) {
    for (const item of items.slice(0, 20)) lines.push(`  ${title}: ${item}`);
    if (items.length > 20) lines.push(`  ${title}: ... and ${items.length - 20} more`);
  }
  return lines.join('\n');
}
