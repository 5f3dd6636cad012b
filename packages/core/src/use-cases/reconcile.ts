/**
 * `reconcile` (scheduled): finish what deliveries could not. Resolves stale claims (a worker died
 * mid-call) and `unknown`/`deferred` payouts through the same state machine as `remit` (inquiry
 * first, never a blind resend), escalates old unknowns, then applies the bank's reversal notices.
 *
 *   listOpen(updatedBefore = now - leaseMs) ─► claim each (resumes it once its lease is over)
 *                                            ─► driveClaimed (inquire ─► complete | resend | unknown)
 *   listReversals(since) ─► markReversed ─► payout_reversed + manual_review
 */
import { ErrorCode, invalidInput, RemitError } from '../errors.js';
import { RemittanceEventType } from '../ports/remittance-events.js';
import { isInMaintenance } from '../time.js';
import { type RemittanceRecord, RemittanceStatus } from '../types.js';
import type { ReconcileDeps, ReconcileReport, ReconcileRequest } from './contracts.js';
import { checkRemitConfig, driveClaimed, type Progress, reservesBankTranIds } from './remit.js';

/** Records per `listOpen` page (DynamoDB's adapter caps a page at the same). */
const OPEN_PAGE_SIZE = 100;
/**
 * Records one run may examine: bounds the run under the Lambda timeout.
 *
 * @example
 * ```ts
 * await reconcile(deps, { limit: Math.min(configured, MAX_RECONCILE_LIMIT) });
 * ```
 */
export const MAX_RECONCILE_LIMIT = 10_000;
/** Reversal pages one run may read (50 notices a page at the reference provider). */
const MAX_REVERSAL_PAGES = 100;
/**
 * Default reversal look-back: banks report a failed transfer within a business day.
 *
 * @example
 * ```ts
 * await reconcile(deps, { limit: 500, reversalsSinceMs: clock.now() - DEFAULT_REVERSAL_LOOKBACK_MS });
 * ```
 */
export const DEFAULT_REVERSAL_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/**
 * Resolve open payouts and apply reversal notices. Idempotent: running it twice changes nothing
 * the first run settled.
 *
 * A reversal notice matching no succeeded payout is published for review on every run that reads
 * it (the payout may still be `unknown`, or its record past retention): pass a `reversalsSinceMs`
 * covering about two runs to keep the repeats few.
 *
 * @example
 * ```ts
 * const report = await reconcile(deps, { limit: 500 });
 * if (report.escalated > 0) alarm();
 * ```
 */
export async function reconcile(deps: ReconcileDeps, request: ReconcileRequest): Promise<ReconcileReport> {
  const { store, clock, config } = deps;
  checkRemitConfig(config);
  if (!Number.isSafeInteger(request.limit) || request.limit < 1 || request.limit > MAX_RECONCILE_LIMIT) {
    throw invalidInput(`reconcile limit must be 1..${MAX_RECONCILE_LIMIT}, got ${request.limit}`);
  }
  const now = clock.now();
  const report = {
    examined: 0,
    succeeded: 0,
    rejected: 0,
    resent: 0,
    stillUnknown: 0,
    escalated: 0,
    reversed: 0,
  };
  const inMaintenance = isInMaintenance(now, config.maintenance);
  let cursor: string | undefined;
  do {
    const page = await store.listOpen({
      updatedBefore: now - config.leaseMs,
      limit: Math.min(OPEN_PAGE_SIZE, request.limit - report.examined),
      ...(cursor === undefined ? {} : { cursor }),
    });
    // The page limit bounds the run: a page never holds more than what is left of `limit`.
    for (const record of page.records) {
      report.examined += 1;
      // A deferred payout waits for the window to end; inquiries of the others still run.
      if (inMaintenance && record.status === RemittanceStatus.Deferred) continue;
      const progress = await resolveOpen(deps, record);
      if (progress !== undefined) tally(report, progress);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && report.examined < request.limit);
  report.reversed = await applyReversals(
    deps,
    request.reversalsSinceMs ?? now - DEFAULT_REVERSAL_LOOKBACK_MS,
  );
  return report;
}

/** Claim an open record (it resumes once its lease is over) and drive it; `undefined` when another holds it. */
async function resolveOpen(deps: ReconcileDeps, record: RemittanceRecord): Promise<Progress | undefined> {
  if (record.bankTranId === undefined || record.businessDate === undefined) {
    throw new RemitError(
      ErrorCode.Internal,
      `open record ${record.remittanceId} has no written-ahead bank id`,
    );
  }
  const claim = await deps.store.claim({
    remittanceId: record.remittanceId,
    payloadHash: record.payloadHash,
    payload: record.payload,
    now: deps.clock.now(),
    leaseMs: deps.config.leaseMs,
    // Ignored for an existing record (it keeps its own); the record is never new here.
    bankTranId: record.bankTranId,
    businessDate: record.businessDate,
    reserveBankTranId: reservesBankTranIds(deps),
  });
  switch (claim.kind) {
    case 'resumed':
    case 'acquired':
      return driveClaimed(deps, claim);
    default:
      // busy: a worker is on it; finished: settled since the listing; the rest cannot happen for
      // an existing record with its own payload. Nothing to do either way.
      return undefined;
  }
}

function tally(report: { -readonly [K in keyof ReconcileReport]: number }, progress: Progress): void {
  if (progress.resent) report.resent += 1;
  switch (progress.outcome.kind) {
    case 'succeeded':
      report.succeeded += 1;
      break;
    case 'rejected':
      report.rejected += 1;
      break;
    case 'unknown':
      report.stillUnknown += 1;
      break;
    case 'manual_review':
      report.escalated += 1;
      break;
    default:
      // deferred, busy, fenced, ...: nothing settled by this run.
      break;
  }
}

async function applyReversals(deps: ReconcileDeps, sinceMs: number): Promise<number> {
  let reversed = 0;
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_REVERSAL_PAGES; pages += 1) {
    const page = await deps.gateway.listReversals({ sinceMs, ...(cursor === undefined ? {} : { cursor }) });
    for (const notice of page.notices) {
      const now = deps.clock.now();
      const r = await deps.store.markReversed({
        bankTranId: notice.bankTranId,
        businessDate: notice.businessDate,
        now,
        reason: notice.reason,
      });
      const details = {
        bankTranId: notice.bankTranId,
        businessDate: notice.businessDate,
        amountKrw: notice.amountKrw,
        noticedAt: notice.noticedAt,
      };
      if (r.kind === 'reversed') {
        reversed += 1;
        const facts = {
          at: now,
          remittanceId: r.record.remittanceId,
          orderId: r.record.payload.orderId,
          depositId: r.record.payload.depositId,
          details,
        };
        await deps.events.publish({
          events: [
            { ...facts, type: RemittanceEventType.PayoutReversed, reason: notice.reason },
            // The seller was not paid after all: a person pays again or refunds, never the machine.
            { ...facts, type: RemittanceEventType.ManualReview, reason: `payout_reversed: ${notice.reason}` },
          ],
        });
      } else if (r.kind === 'not_found') {
        await deps.events.publish({
          events: [
            { type: RemittanceEventType.ManualReview, at: now, reason: 'reversal_without_payout', details },
          ],
        });
      }
      // already_reversed: applied by an earlier run.
    }
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  return reversed;
}
