/**
 * `ingestDeposits` (scheduled, every 5 minutes): read each account's recent statement, match
 * deposits to pending orders, enqueue payouts, record review cases. The read window overlaps the
 * previous run (15 min for a 5 min schedule), so a missed or crashed run is repaired by the next:
 *
 *   run n-2 ├──────────────┤
 *   run n-1      ├──────────────┤
 *   run n             ├──────────────┤   each deposit is seen ~3 times, matched once (replays)
 *
 * Every step is idempotent: matching replays its first outcome, a replayed `matched` is enqueued
 * again (harmless: the queue de-duplicates and the idempotency store finishes it, and it repairs a
 * crash between match and enqueue). Review and refund events are at-least-once for the same reason:
 * they are published again on every run that replays the decision (a crash between match and
 * publish must not lose a buyer's refund), so their consumers key them by (type, depositId).
 *
 * A cancellation row tombstones the payout in the idempotency store BEFORE the match is undone, so
 * a concurrent `remit` either claimed first (then it is too late: a person decides) or finds the
 * tombstone and never pays. The tombstone is per order: if the buyer pays the order again with
 * another deposit, that payout meets the tombstone as `payload_mismatch` and goes to a person.
 */
import { buildRemittanceMessage } from '../domain/fees.js';
import { ErrorCode, RemitError } from '../errors.js';
import type { AccountId } from '../ids.js';
import { payloadHashOf } from '../messages.js';
import { type RemittanceEvent, RemittanceEventType } from '../ports/remittance-events.js';
import { type Deposit, type MatchOutcome, type RemittanceMessage, RemittanceStatus } from '../types.js';
import type { IngestConfig, IngestDeps, IngestReport, IngestRequest } from './contracts.js';

type MutableReport = {
  -readonly [K in keyof IngestReport]: IngestReport[K] extends number ? number : AccountId[];
};

/** A page's work, flushed together: at most one enqueue and one publish per page. */
interface Batch {
  readonly messages: RemittanceMessage[];
  readonly events: RemittanceEvent[];
}

/** Bound on pages per account any configuration may ask for (the Lambda timeout is the real limit). */
const MAX_PAGES_LIMIT = 1_000;

/**
 * Read, match, enqueue, record. Returns counts for the run; throws `RemitError` on infrastructure
 * failure (the next run repairs whatever this one left half done).
 *
 * @example
 * ```ts
 * const report = await ingestDeposits(deps, {});
 * log.info('ingest', report);
 * ```
 */
export async function ingestDeposits(deps: IngestDeps, request: IngestRequest): Promise<IngestReport> {
  const { config, clock } = deps;
  checkIngestConfig(config);
  const now = clock.now();
  const report: MutableReport = {
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
    truncatedAccounts: [],
  };
  for (const accountId of request.accountIds ?? config.accounts) {
    await ingestAccount(deps, accountId, now, report);
  }
  return report;
}

async function ingestAccount(
  deps: IngestDeps,
  accountId: AccountId,
  now: number,
  report: MutableReport,
): Promise<void> {
  const { source, config } = deps;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; ; pages += 1) {
    if (pages >= config.maxPagesPerAccount) {
      // The next run reads the same window again and continues.
      report.truncatedAccounts.push(accountId);
      return;
    }
    const page = await source.listDeposits({
      accountId,
      fromMs: now - config.windowMs,
      toMs: now,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const batch: Batch = { messages: [], events: [] };
    for (const row of page.deposits) {
      if (seen.has(row.depositId)) continue;
      seen.add(row.depositId);
      report.read += 1;
      if (row.kind === 'cancellation') await handleCancellation(deps, row, now, batch, report);
      else await handleDeposit(deps, row, now, batch, report);
    }
    if (batch.events.length > 0) await deps.events.publish({ events: batch.events });
    if (batch.messages.length > 0) {
      const r = await deps.queue.enqueue({ messages: batch.messages });
      report.enqueued += r.enqueued;
    }
    cursor = page.nextCursor;
    if (cursor === undefined) return;
  }
}

async function handleDeposit(
  deps: IngestDeps,
  deposit: Deposit,
  now: number,
  batch: Batch,
  report: MutableReport,
): Promise<void> {
  const { outcome, replayed } = await deps.matcher.matchDeposit({ deposit, policy: deps.config.policy, now });
  if (outcome.kind === 'matched') {
    batch.messages.push(
      buildRemittanceMessage({
        order: outcome.order,
        deposit,
        excessKrw: outcome.excessKrw,
        fees: deps.config.fees,
        matchedAt: outcome.order.paidAt ?? now,
      }),
    );
  }
  if (replayed) report.replayed += 1;
  else report[outcome.kind] += 1;
  const event = reviewEventOf(deposit, outcome, now);
  if (event !== undefined) batch.events.push(event);
}

/** The review or refund case a decision opens, if any (republished on replays: at-least-once). */
function reviewEventOf(deposit: Deposit, outcome: MatchOutcome, now: number): RemittanceEvent | undefined {
  const base = { at: now, depositId: deposit.depositId } as const;
  const amounts = { depositKrw: deposit.amountKrw, accountId: deposit.accountId };
  switch (outcome.kind) {
    case 'matched':
      return outcome.excessKrw > 0
        ? {
            ...base,
            type: RemittanceEventType.RefundOwed,
            orderId: outcome.order.orderId,
            reason: 'overpayment',
            details: { ...amounts, excessKrw: outcome.excessKrw, orderAmountKrw: outcome.order.amountKrw },
          }
        : undefined;
    case 'orphan':
      return {
        ...base,
        type: RemittanceEventType.RefundOwed,
        orderId: outcome.order.orderId,
        reason: `orphan_${outcome.reason}`,
        details: amounts,
      };
    case 'overpaid':
      return {
        ...base,
        type: RemittanceEventType.MatchReview,
        orderId: outcome.order.orderId,
        reason: 'overpaid',
        details: { ...amounts, excessKrw: outcome.excessKrw, orderAmountKrw: outcome.order.amountKrw },
      };
    case 'underpaid':
      return {
        ...base,
        type: RemittanceEventType.MatchReview,
        orderId: outcome.order.orderId,
        reason: 'underpaid',
        details: { ...amounts, shortKrw: outcome.shortKrw, orderAmountKrw: outcome.order.amountKrw },
      };
    case 'ambiguous':
      return {
        ...base,
        type: RemittanceEventType.MatchReview,
        reason: 'ambiguous',
        details: { ...amounts, candidates: outcome.candidates },
      };
    case 'unmatched':
      return { ...base, type: RemittanceEventType.MatchReview, reason: 'unmatched', details: amounts };
  }
}

async function handleCancellation(
  deps: IngestDeps,
  row: Deposit,
  now: number,
  batch: Batch,
  report: MutableReport,
): Promise<void> {
  const { matcher, store, config } = deps;
  if (row.cancels === undefined) {
    batch.events.push({
      type: RemittanceEventType.MatchReview,
      at: now,
      depositId: row.depositId,
      reason: 'cancellation_without_target',
      details: { accountId: row.accountId, amountKrw: row.amountKrw },
    });
    return;
  }
  const match = await matcher.getMatch({ accountId: row.accountId, depositId: row.cancels });
  // Never matched (or never seen): no payout can exist for it.
  if (match === undefined || match.outcome.kind !== 'matched') return;
  const { order, excessKrw } = match.outcome;
  const message = buildRemittanceMessage({
    order,
    deposit: match.deposit,
    excessKrw,
    fees: config.fees,
    matchedAt: order.paidAt ?? match.decidedAt,
  });
  const payloadHash = payloadHashOf(message);
  const tombstone = await store.cancel({
    remittanceId: message.remittanceId,
    payloadHash,
    payload: message,
    now,
    reason: `deposit ${row.cancels} cancelled by ${row.depositId}`,
    retainMs: config.retainMs,
  });
  const ours =
    tombstone.kind === 'cancelled' ||
    (tombstone.record.status === RemittanceStatus.Cancelled && tombstone.record.payloadHash === payloadHash);
  if (!ours) {
    // A payout exists (claimed, sent, maybe paid): undoing the match now could pay twice or lose money.
    report.cancellationsTooLate += 1;
    batch.events.push({
      type: RemittanceEventType.ManualReview,
      at: now,
      remittanceId: message.remittanceId,
      orderId: order.orderId,
      depositId: row.cancels,
      reason: 'deposit_cancelled_after_payout_started',
      details: { cancellationId: row.depositId, payoutStatus: tombstone.record.status },
    });
    return;
  }
  // Matched earlier in this very page: do not send a payout the tombstone would only refuse.
  const pending = batch.messages.findIndex(
    (m) => m.remittanceId === message.remittanceId && m.depositId === row.cancels,
  );
  if (pending >= 0) batch.messages.splice(pending, 1);
  if (!match.undone) {
    const undone = await matcher.undoMatch({ accountId: row.accountId, depositId: row.cancels, now });
    if (undone.kind === 'undone') report.cancellationsUndone += 1;
  }
  // Also when an earlier run undid it: that run may have crashed before publishing (at-least-once).
  batch.events.push({
    type: RemittanceEventType.MatchUndone,
    at: now,
    remittanceId: message.remittanceId,
    orderId: order.orderId,
    depositId: row.cancels,
    reason: 'deposit_cancelled',
    details: { cancellationId: row.depositId },
  });
}

/**
 * Throws `INVALID_CONFIG` unless the ingest configuration is usable.
 *
 * @example
 * ```ts
 * checkIngestConfig({ ...config, windowMs: 15 * 60_000 });
 * ```
 */
export function checkIngestConfig(config: IngestConfig): void {
  const bad = (message: string) => new RemitError(ErrorCode.InvalidConfig, `ingest config: ${message}`);
  if (!Number.isSafeInteger(config.windowMs) || config.windowMs < 1)
    throw bad(`windowMs must be a positive integer`);
  if (
    !Number.isSafeInteger(config.maxPagesPerAccount) ||
    config.maxPagesPerAccount < 1 ||
    config.maxPagesPerAccount > MAX_PAGES_LIMIT
  ) {
    throw bad(`maxPagesPerAccount must be 1..${MAX_PAGES_LIMIT}`);
  }
  if (!Number.isSafeInteger(config.retainMs) || config.retainMs < 1)
    throw bad('retainMs must be a positive integer');
}
