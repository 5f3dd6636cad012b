/**
 * `remit`: pay one matched order exactly once (DESIGN "Remittance state machine").
 *
 * The idempotency key is the remittance id. The bank transaction id is drawn and written ahead in
 * the claim itself (docs/decisions/0004-write-ahead-in-the-claim.md), so the happy path is two
 * durable writes: claim, complete. The claim also reserves (businessDate, bankTranId) iff the
 * sequence `may_repeat` (a Redis failover re-issues numbers); a `unique` sequence needs no guard.
 *
 *   worker A: draw #7 ─ claim(acquired, fence 1, id …007) ─ transfer(…007) ─ complete(fence 1)
 *   worker B (redelivery): draw #8 ─ claim ─► busy / finished   (#8 is a gap, never a duplicate)
 *   A crashes after transfer ─ lease ends ─ B: claim ─► resumed(fence 2) ─ inquire(…007) ─ complete
 *   A wakes up: complete(fence 1) ─► fenced
 *
 * Infrastructure failures are thrown (`RemitError`); business outcomes are returned. A throw after
 * the claim leaves the record `sending` under its lease: the next claim resumes it and inquires.
 */
import {
  canReuseBankTranId,
  firstStepOnResume,
  type InquiryStep,
  inquiryOf,
  isUnknownOverdue,
  type RemittanceStep,
  stepAfterInquiry,
  stepAfterTransfer,
  transferRequestOf,
  UNKNOWN_TOO_LONG_REASON,
  ZERO_PAYOUT_REASON,
} from '../domain/remittance.js';
import { assertNever, ErrorCode, RemitError } from '../errors.js';
import type { BankTranId } from '../ids.js';
import { payloadHashOf } from '../messages.js';
import { type RemittanceEvent, RemittanceEventType } from '../ports/remittance-events.js';
import { SequenceGuarantee } from '../ports/sequence-generator.js';
import { type BusinessDate, businessDateOf, isInMaintenance, maintenanceEndsAt } from '../time.js';
import { type RemittanceRecord, RemittanceStatus } from '../types.js';
import type { RemitConfig, RemitDeps, RemitOutcome, RemitRequest } from './contracts.js';

/**
 * A claimed record driven to its next stop, and whether a transfer was sent again on the way.
 *
 * @example
 * ```ts
 * const { outcome, resent } = await driveClaimed(deps, claim);
 * ```
 */
export interface Progress {
  readonly outcome: RemitOutcome;
  readonly resent: boolean;
}

/**
 * Pay the payout a message describes, at most once, whatever the redeliveries, crashes and
 * provider answers. The handler acks on `succeeded | rejected | manual_review | already_finished |
 * payload_mismatch | fenced` and retries later (visibility) on `unknown | deferred | busy`.
 *
 * @example
 * ```ts
 * const outcome = await remit({ store, sequence, gateway, events, clock, config }, { message });
 * if (outcome.kind === 'unknown') retryAfter(outcome.retryAfterMs);
 * ```
 */
export async function remit(deps: RemitDeps, request: RemitRequest): Promise<RemitOutcome> {
  const { store, clock, config } = deps;
  checkRemitConfig(config);
  const { message } = request;
  const now = clock.now();
  if (isInMaintenance(now, config.maintenance)) {
    // Before the claim: nothing is written and no number is drawn for a payout that cannot go yet.
    return { kind: 'deferred', retryAfterMs: maintenanceEndsAt(now, config.maintenance) - now };
  }
  const payloadHash = payloadHashOf(message);
  const businessDate = businessDateOf(now);
  for (let draw = 1; draw <= config.maxDraws; draw += 1) {
    const bankTranId = await drawBankTranId(deps, businessDate);
    const claim = await store.claim({
      remittanceId: message.remittanceId,
      payloadHash,
      payload: message,
      now,
      leaseMs: config.leaseMs,
      bankTranId,
      businessDate,
      reserveBankTranId: reservesBankTranIds(deps),
    });
    switch (claim.kind) {
      case 'tran_id_taken':
        // The sequence handed out a number already reserved (a Redis failover): draw again.
        continue;
      case 'acquired':
      case 'resumed':
        return (await driveClaimed(deps, claim)).outcome;
      case 'busy':
        return { kind: 'busy', retryAfterMs: Math.max(config.retryAfterMs, claim.leaseUntil - now) };
      case 'finished':
        return { kind: 'already_finished', status: claim.record.status };
      case 'payload_mismatch':
        await publish(deps, {
          type: RemittanceEventType.ManualReview,
          at: now,
          remittanceId: message.remittanceId,
          orderId: message.orderId,
          depositId: message.depositId,
          reason: 'payload_mismatch',
          details: {
            recordedStatus: claim.record.status,
            recordedDepositId: claim.record.payload.depositId,
            recordedPayoutKrw: claim.record.payload.payoutKrw,
            messagePayoutKrw: message.payoutKrw,
          },
        });
        return { kind: 'payload_mismatch' };
      /* v8 ignore next 2 -- @preserve: unreachable, the compiler checks the switch is exhaustive */
      default:
        return assertNever(claim);
    }
  }
  throw noFreeBankTranId(config, businessDate);
}

/**
 * Drive a record this worker has just claimed (fresh or taken over) to its next stop. Shared by
 * `remit` and `reconcile`: there is one state machine, not two.
 *
 * @example
 * ```ts
 * const claim = await store.claim(input);
 * if (claim.kind === 'acquired' || claim.kind === 'resumed') await driveClaimed(deps, claim);
 * ```
 */
export async function driveClaimed(
  deps: RemitDeps,
  claim: { readonly kind: 'acquired' | 'resumed'; readonly record: RemittanceRecord },
): Promise<Progress> {
  const { record } = claim;
  if (record.payload.payoutKrw === 0) {
    // Fees took the whole amount: banks refuse 0-won transfers and no call was ever made for it.
    return done(
      await complete(deps, record, {
        kind: 'complete',
        status: RemittanceStatus.Succeeded,
        reason: ZERO_PAYOUT_REASON,
      }),
    );
  }
  if (claim.kind === 'acquired') return done(await transferAndSettle(deps, record));
  if (firstStepOnResume(record) === 'resend') return resend(deps, record);
  // The written-ahead id may have reached the bank: ask before anything else.
  const inquiry = await deps.gateway.inquire(inquiryOf(record));
  return follow(deps, record, stepAfterInquiry(inquiry, { afterDuplicate: false }));
}

async function transferAndSettle(deps: RemitDeps, record: RemittanceRecord): Promise<RemitOutcome> {
  const result = await deps.gateway.transfer(transferRequestOf(record));
  const step = stepAfterTransfer(result);
  if (step.kind === 'inquire') {
    // "Duplicate id": the original may have gone through (our own earlier attempt): ask first.
    const inquiry = await deps.gateway.inquire(inquiryOf(record));
    return (await follow(deps, record, stepAfterInquiry(inquiry, { afterDuplicate: true }))).outcome;
  }
  return (await follow(deps, record, step)).outcome;
}

async function follow(deps: RemitDeps, record: RemittanceRecord, step: InquiryStep): Promise<Progress> {
  switch (step.kind) {
    case 'complete':
      return done(await complete(deps, record, step));
    case 'unknown':
      return done(await markUnknown(deps, record, step));
    case 'defer':
      return done(await defer(deps, record, step.providerCode));
    case 'resend':
      return resend(deps, record);
    /* v8 ignore next 2 -- @preserve: unreachable, the compiler checks the switch is exhaustive */
    default:
      return assertNever(step);
  }
}

/**
 * Definitely not executed: send again. Same id on the same business date (the provider would
 * answer "duplicate" if the first had landed after all); on a new date a new number, written ahead
 * by a checkpoint (which reserves it when the sequence may repeat) before the call.
 */
async function resend(deps: RemitDeps, record: RemittanceRecord): Promise<Progress> {
  const { store, clock, config } = deps;
  const now = clock.now();
  if (isInMaintenance(now, config.maintenance)) return done(await defer(deps, record, undefined));
  const today = businessDateOf(now);
  const base = {
    remittanceId: record.remittanceId,
    fence: record.fence,
    now,
    status: RemittanceStatus.Sending,
    addAttempt: true,
    leaseMs: config.leaseMs,
    reserveBankTranId: reservesBankTranIds(deps),
  } as const;
  if (canReuseBankTranId(record, today)) {
    const cp = await store.checkpoint(base);
    if (cp.kind !== 'ok') return done(cp.kind === 'fenced' ? { kind: 'fenced' } : unreachableTaken());
    return { outcome: await transferAndSettle(deps, cp.record), resent: true };
  }
  for (let draw = 1; draw <= config.maxDraws; draw += 1) {
    const bankTranId = await drawBankTranId(deps, today);
    const cp = await store.checkpoint({ ...base, bankTranId, businessDate: today });
    if (cp.kind === 'tran_id_taken') continue;
    if (cp.kind === 'fenced') return done({ kind: 'fenced' });
    return { outcome: await transferAndSettle(deps, cp.record), resent: true };
  }
  throw noFreeBankTranId(config, today);
}

async function complete(
  deps: RemitDeps,
  record: RemittanceRecord,
  step: Extract<RemittanceStep, { kind: 'complete' }>,
): Promise<RemitOutcome> {
  const now = deps.clock.now();
  const r = await deps.store.complete({
    remittanceId: record.remittanceId,
    fence: record.fence,
    now,
    status: step.status,
    retainMs: deps.config.retainMs,
    ...(step.reason === undefined ? {} : { reason: step.reason }),
    ...(step.providerCode === undefined ? {} : { providerCode: step.providerCode }),
  });
  if (r.kind === 'fenced') return { kind: 'fenced' };
  const done = r.record;
  const facts = eventFacts(done, now, step.reason);
  switch (step.status) {
    case RemittanceStatus.Succeeded:
      await publish(deps, { ...facts, type: RemittanceEventType.PayoutSucceeded });
      return { kind: 'succeeded', bankTranId: done.bankTranId as BankTranId };
    case RemittanceStatus.Rejected:
      await publish(deps, { ...facts, type: RemittanceEventType.PayoutRejected });
      return { kind: 'rejected', reason: step.reason };
    case RemittanceStatus.ManualReview:
      await publish(deps, { ...facts, type: RemittanceEventType.ManualReview });
      return { kind: 'manual_review', reason: step.reason };
    /* v8 ignore next 2 -- @preserve: unreachable, the compiler checks the switch is exhaustive */
    default:
      return assertNever(step);
  }
}

/** Unknown: checkpoint it (the lease released, so a redelivery or reconcile resumes by inquiry), or escalate by age. */
async function markUnknown(
  deps: RemitDeps,
  record: RemittanceRecord,
  step: Extract<RemittanceStep, { kind: 'unknown' }>,
): Promise<RemitOutcome> {
  const { clock, config } = deps;
  const now = clock.now();
  if (isUnknownOverdue(record, now, config.unknownEscalateAfterMs)) {
    return complete(deps, record, {
      kind: 'complete',
      status: RemittanceStatus.ManualReview,
      reason: UNKNOWN_TOO_LONG_REASON,
      ...(step.providerCode === undefined ? {} : { providerCode: step.providerCode }),
    });
  }
  const cp = await deps.store.checkpoint({
    remittanceId: record.remittanceId,
    fence: record.fence,
    now,
    status: RemittanceStatus.Unknown,
    releaseLease: true,
    reserveBankTranId: false, // no new id: nothing to reserve
    reason: step.reason,
    ...(step.providerCode === undefined ? {} : { providerCode: step.providerCode }),
  });
  if (cp.kind !== 'ok') return cp.kind === 'fenced' ? { kind: 'fenced' } : unreachableTaken();
  await publish(deps, {
    ...eventFacts(cp.record, now, step.reason),
    type: RemittanceEventType.PayoutUnknown,
  });
  return { kind: 'unknown', retryAfterMs: config.retryAfterMs };
}

/** The bank is in maintenance: definitely not executed, so the same id is kept for later. */
async function defer(
  deps: RemitDeps,
  record: RemittanceRecord,
  providerCode: string | undefined,
): Promise<RemitOutcome> {
  const { clock, config } = deps;
  const now = clock.now();
  const cp = await deps.store.checkpoint({
    remittanceId: record.remittanceId,
    fence: record.fence,
    now,
    status: RemittanceStatus.Deferred,
    releaseLease: true,
    reserveBankTranId: false, // no new id: nothing to reserve
    reason: 'maintenance',
    ...(providerCode === undefined ? {} : { providerCode }),
  });
  if (cp.kind !== 'ok') return cp.kind === 'fenced' ? { kind: 'fenced' } : unreachableTaken();
  await publish(deps, {
    ...eventFacts(cp.record, now, 'maintenance'),
    type: RemittanceEventType.PayoutDeferred,
  });
  // Our own window may be narrower than the bank's: then the generic backoff.
  const retryAfterMs = isInMaintenance(now, config.maintenance)
    ? maintenanceEndsAt(now, config.maintenance) - now
    : config.retryAfterMs;
  return { kind: 'deferred', retryAfterMs };
}

/**
 * Whether a claim or checkpoint that writes a drawn bank id must also reserve it: iff the sequence
 * may hand a number out twice (docs/decisions/0005). A `unique` sequence (DynamoDB counter) makes
 * the reservation a wasted write; a `may_repeat` one (Redis) makes it the only guard.
 *
 * Fail-safe: anything but an explicit `unique` reserves. A wrapper that forgets to carry
 * `guarantee` over (a decorator copying only methods, a JS caller) costs a write, never a
 * duplicate bank id.
 *
 * @example
 * ```ts
 * await deps.store.claim({ ...input, reserveBankTranId: reservesBankTranIds(deps) });
 * ```
 */
export function reservesBankTranIds(deps: Pick<RemitDeps, 'sequence'>): boolean {
  return deps.sequence.guarantee !== SequenceGuarantee.Unique;
}

/** A sequence number for (institution, date), formatted; `SEQUENCE_EXHAUSTED` propagates (never wraps). */
async function drawBankTranId(deps: RemitDeps, businessDate: BusinessDate): Promise<BankTranId> {
  const { value } = await deps.sequence.next({ institution: deps.config.institution, businessDate });
  return deps.config.format.format({ institution: deps.config.institution, sequence: value });
}

function noFreeBankTranId(config: RemitConfig, businessDate: BusinessDate): RemitError {
  return new RemitError(
    ErrorCode.Conflict,
    `every one of ${config.maxDraws} drawn bank ids for ${businessDate} was already reserved (sequence regressed?)`,
    { retryable: true, details: { businessDate, maxDraws: config.maxDraws } },
  );
}

/** A checkpoint without a new bank id cannot collide with a reservation. */
function unreachableTaken(): never {
  throw new RemitError(
    ErrorCode.Internal,
    'store answered tran_id_taken to a checkpoint that reserved nothing',
  );
}

function done(outcome: RemitOutcome): Progress {
  return { outcome, resent: false };
}

function eventFacts(record: RemittanceRecord, at: number, reason: string | undefined) {
  return {
    at,
    remittanceId: record.remittanceId,
    orderId: record.payload.orderId,
    depositId: record.payload.depositId,
    ...(reason === undefined ? {} : { reason }),
    details: {
      status: record.status,
      bankTranId: record.bankTranId,
      businessDate: record.businessDate,
      payoutKrw: record.payload.payoutKrw,
      attempts: record.attempts,
      ...(record.providerCode === undefined ? {} : { providerCode: record.providerCode }),
      ...(record.unknownSince === undefined ? {} : { unknownSince: record.unknownSince }),
    },
  } as const;
}

async function publish(deps: Pick<RemitDeps, 'events'>, event: RemittanceEvent): Promise<void> {
  await deps.events.publish({ events: [event] });
}

/**
 * Throws `INVALID_CONFIG` unless the remit configuration is usable (every bound positive).
 *
 * @example
 * ```ts
 * checkRemitConfig(config); // at start-up, so a bad value fails loudly before any payout
 * ```
 */
export function checkRemitConfig(config: RemitConfig): void {
  const positive: readonly (keyof RemitConfig)[] = [
    'leaseMs',
    'unknownEscalateAfterMs',
    'maxDraws',
    'retainMs',
    'retryAfterMs',
  ];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `remit config ${key} must be a positive integer, got ${String(value)}`,
      );
    }
  }
  if (config.maxDraws > MAX_DRAWS_LIMIT) {
    throw new RemitError(ErrorCode.InvalidConfig, `remit config maxDraws must be <= ${MAX_DRAWS_LIMIT}`);
  }
}

/** A failover loses at most the last few writes; 100 draws is far beyond any real regression. */
const MAX_DRAWS_LIMIT = 100;
