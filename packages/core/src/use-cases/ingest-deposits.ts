/**
 * `ingestDeposits` (scheduled, every 5 minutes): read each account's statement since its durable
 * checkpoint, match deposits to pending orders, enqueue payouts, record review cases.
 *
 * The checkpoint `c` is the start instant of the last run that read the account to its end. A run
 * reads [min(c, now) - w, now), w = `windowMs` (15 min): the overlap behind `c` catches rows the
 * bank posts late. However late a run starts and however many runs failed before it, its window
 * reaches back to the last complete read, so no deposit falls between two windows:
 *
 *                       c - w       c                      now
 *   run n            ├──────────────┤  read to the end: c := its start
 *   run n+1                              ╳  provider down: throws, c stays
 *   run n+2                                   ╳  again
 *   run n+3               ├─────────┼───────────────────────┤  40 min late: the gap too; c := now
 *
 *   failed: c stays; the next run reads those rows again (replays)
 *   truncated (page bound): c := the instant of the last row read (rows come oldest first), so a
 *     busy account catches up run by run instead of re-reading its oldest pages
 *   an account never read: c := now before its first read, so its history starts at now - w
 *   c - w < now - maxLookbackMs (days of outage): read [now - maxLookbackMs, now) only and publish
 *   a manual_review naming [c - w, now - maxLookbackMs): a bounded run, never a silent gap
 *
 * Steady state (c = now - 5 min) a run reads 20 min: a deposit is seen ~4 times and matched once.
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
import { businessDateOf, type InstantMs, kstMinuteOfDay } from '../time.js';
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
 * Read, match, enqueue, record. Returns counts for the run. An infrastructure failure (`RemitError`)
 * on one account does not stop the others: once every account had its turn the run throws one
 * `RemitError` naming the failed accounts (the first failure as `cause`, the counts in `details`),
 * and the next run repairs whatever this one left half done.
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
    gapAccounts: [],
  };
  const failures: { readonly accountId: AccountId; readonly error: RemitError }[] = [];
  for (const accountId of request.accountIds ?? config.accounts) {
    try {
      await ingestAccount(deps, accountId, now, report);
    } catch (err) {
      // An infrastructure failure stops this account only (its checkpoint stays: the next run
      // reads its window again); anything else is a bug and stops the run.
      if (!(err instanceof RemitError)) throw err;
      failures.push({ accountId, error: err });
    }
  }
  if (failures.length > 0) throw accountsFailed(failures, report);
  return report;
}

/** One error for the run, once every account had its turn: the first failure as cause, the report in `details`. */
function accountsFailed(
  failures: readonly { readonly accountId: AccountId; readonly error: RemitError }[],
  report: IngestReport,
): RemitError {
  const first = failures[0]!;
  const list = failures.map((f) => `${f.accountId}: ${f.error.code} ${f.error.message}`).join('; ');
  return new RemitError(first.error.code, `ingest failed for ${failures.length} account(s): ${list}`, {
    retryable: failures.every((f) => f.error.retryable),
    cause: first.error,
    details: { failedAccounts: failures.map((f) => f.accountId), report },
  });
}

async function ingestAccount(
  deps: IngestDeps,
  accountId: AccountId,
  now: number,
  report: MutableReport,
): Promise<void> {
  const { source, config, checkpoints } = deps;
  const fromMs = await windowStart(deps, accountId, now, report);
  const seen = new Set<string>();
  let cursor: string | undefined;
  // The instant of the last row listed, while the rows come oldest first as the port promises.
  let lastRowMs: InstantMs | undefined;
  let ordered = true;
  for (let pages = 0; ; pages += 1) {
    if (pages >= config.maxPagesPerAccount) {
      report.truncatedAccounts.push(accountId);
      // Every row that occurred before the last one listed was listed too, and every page's work is
      // flushed: the checkpoint moves there (strictly before: rows of that same second may be on
      // the next page), so the next run goes further instead of reading these pages again. If the
      // rows came out of order, or all lie behind the checkpoint, it stays (`stale`).
      if (ordered && lastRowMs !== undefined) {
        await checkpoints.advance({ accountId, readUpToMs: Math.min(lastRowMs, now) });
      }
      return;
    }
    const page = await source.listDeposits({
      accountId,
      fromMs,
      toMs: now,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const batch: Batch = { messages: [], events: [] };
    for (const row of page.deposits) {
      if (lastRowMs !== undefined && row.occurredAt < lastRowMs) ordered = false;
      lastRowMs = row.occurredAt;
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
    if (cursor === undefined) {
      // Read to the end and every page's work flushed: nothing before `now` needs this run again.
      // `stale` means a later run got there first; its window covered ours.
      await checkpoints.advance({ accountId, readUpToMs: now });
      return;
    }
  }
}

/**
 * Where this run's window starts: the overlap behind the checkpoint, but no further back than
 * `maxLookbackMs`. What that bound cuts off is published as a `manual_review` before anything is
 * read, so it is reported even if the read then fails (and again by the next run: at-least-once,
 * like every review case).
 *
 * An account never read (new, or the first run after this checkpoint was introduced) starts here:
 * its checkpoint is written at this run's start before reading, so if this run and the next ones
 * fail, the first that completes still reads back to this window's start. Without it a new
 * account's first rows would depend on its first run succeeding.
 */
async function windowStart(
  deps: IngestDeps,
  accountId: AccountId,
  now: InstantMs,
  report: MutableReport,
): Promise<InstantMs> {
  const { config } = deps;
  const checkpoint = await deps.checkpoints.get({ accountId });
  if (checkpoint === undefined) {
    // Two concurrent first runs: the later start wins (monotonic), as for any advance.
    await deps.checkpoints.advance({ accountId, readUpToMs: now });
    return now - config.windowMs;
  }
  // A checkpoint ahead of our clock (another environment's clock ran fast) reads as `now`.
  const wantedFromMs = Math.min(now, checkpoint.readUpToMs) - config.windowMs;
  const floorMs = now - config.maxLookbackMs;
  if (wantedFromMs >= floorMs) return wantedFromMs;
  report.gapAccounts.push(accountId);
  await deps.events.publish({
    events: [
      {
        type: RemittanceEventType.ManualReview,
        at: now,
        reason: 'ingest_gap',
        details: {
          accountId,
          fromMs: wantedFromMs,
          toMs: floorMs,
          readUpToMs: checkpoint.readUpToMs,
          maxLookbackMs: config.maxLookbackMs,
          message:
            `ingest gap: deposits between ${formatKst(wantedFromMs)} and ${formatKst(floorMs)} were not read ` +
            `automatically (account ${accountId} was last read completely up to ${formatKst(checkpoint.readUpToMs)}; ` +
            'a run reads at most maxLookbackMs back): check the statement for that period',
        },
      },
    ],
  });
  return floorMs;
}

/** `2026-11-28 10:00:00 KST`: what an operator in Seoul reads on a statement. */
function formatKst(instantMs: InstantMs): string {
  const date = businessDateOf(instantMs);
  const minute = kstMinuteOfDay(instantMs);
  const second = Math.floor((((instantMs % 60_000) + 60_000) % 60_000) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)} ${two(Math.floor(minute / 60))}:${two(minute % 60)}:${two(second)} KST`;
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
  // A run reads its overlap plus the time since the last complete read: with less than two windows
  // of lookback, one missed run would already be reported as a gap.
  if (!Number.isSafeInteger(config.maxLookbackMs) || config.maxLookbackMs < 2 * config.windowMs)
    throw bad('maxLookbackMs must be an integer of at least 2 x windowMs');
}
