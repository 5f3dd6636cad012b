/**
 * Deliberately broken policies, for the simulator's self-check: a simulator that cannot catch
 * these proves nothing. Each is emulated by wrapping ports in the simulation, so production code
 * carries no test switch:
 *
 *   no-write-ahead        the bank id is not durable before the call: a worker that takes over a
 *                         `sending` payout (its predecessor died mid-call) gets a fresh id
 *   new-bank-id-on-retry  every retry (any taken-over payout) draws a fresh id instead of reusing
 *                         the written-ahead one
 *   unknown-as-rejected   timeouts, 5xx and "processing" read as definite rejections
 *   no-fencing            a takeover does not fence the old worker: its stale writes still land
 *   first-candidate       matching pays the first of several candidate orders instead of "ambiguous"
 *   no-ingest-checkpoint  ingest forgets how far it read: every run reads only its fixed window, so
 *                         rows posted while several runs in a row failed are never read
 */
import type { BankTranIdFormat } from '../../bank-tran-id.js';
import type { InstitutionCode } from '../../ids.js';
import type {
  CheckpointInput,
  ClaimResult,
  CompleteInput,
  IdempotencyStore,
  RecordPage,
} from '../../ports/idempotency-store.js';
import type { IngestCheckpointStore } from '../../ports/ingest-checkpoint-store.js';
import type { MatchDepositInput, MatchDepositResult, OrderMatcher } from '../../ports/order-matcher.js';
import type { SequenceGenerator } from '../../ports/sequence-generator.js';
import type { InquiryResult, TransferGateway, TransferResult } from '../../ports/transfer-gateway.js';
import { businessDateOf } from '../../time.js';
import type { MatchPolicyConfig, RemittanceRecord } from '../../types.js';
import type { SimContext } from './context.js';

export const BROKEN_VARIANTS = [
  'no-write-ahead',
  'new-bank-id-on-retry',
  'unknown-as-rejected',
  'no-fencing',
  'first-candidate',
  'no-ingest-checkpoint',
] as const;
export type BrokenVariant = (typeof BROKEN_VARIANTS)[number];

export interface VariantPorts {
  readonly store: IdempotencyStore;
  readonly sequence: SequenceGenerator;
  readonly gateway: TransferGateway;
  readonly matcher: OrderMatcher;
  readonly checkpoints: IngestCheckpointStore;
}

export interface VariantEnv extends VariantPorts {
  readonly context: SimContext;
  readonly format: BankTranIdFormat;
  readonly institution: InstitutionCode;
  readonly policy: MatchPolicyConfig;
}

/**
 * Swap in the broken behaviour.
 *
 * @example
 * ```ts
 * const ports = applyVariant('unknown-as-rejected', { store, sequence, gateway, matcher, checkpoints, context, format, institution, policy });
 * ```
 */
export function applyVariant(variant: BrokenVariant, env: VariantEnv): VariantPorts {
  const { store, sequence, gateway, matcher, checkpoints } = env;
  const ports = { store, sequence, gateway, matcher, checkpoints };
  switch (variant) {
    case 'no-write-ahead':
      return { ...ports, store: forgetfulStore(env, (r) => r.status === 'sending') };
    case 'new-bank-id-on-retry':
      return { ...ports, store: forgetfulStore(env, () => true) };
    case 'unknown-as-rejected':
      return { ...ports, gateway: unknownAsRejected(gateway) };
    case 'no-fencing':
      return { ...ports, store: unfencedStore(store) };
    case 'first-candidate':
      return { ...ports, matcher: firstCandidateMatcher(matcher, env.policy) };
    case 'no-ingest-checkpoint':
      return { ...ports, checkpoints: amnesicCheckpoints(checkpoints) };
  }
}

/**
 * A store whose bank id does not survive a takeover: when a claim resumes a record matching
 * `forgets`, the worker is handed a freshly drawn id (as if the id had lived only in the dead
 * worker's memory), and every record it reads afterwards carries that id.
 */
function forgetfulStore(env: VariantEnv, forgets: (record: RemittanceRecord) => boolean): IdempotencyStore {
  const inner = env.store;
  const override = new Map<string, Pick<RemittanceRecord, 'bankTranId' | 'businessDate'>>();
  const patch = (record: RemittanceRecord): RemittanceRecord => {
    const o = override.get(record.remittanceId);
    return o === undefined ? record : { ...record, ...o };
  };
  const patchPage = (page: RecordPage): RecordPage => ({ ...page, records: page.records.map(patch) });
  return {
    async claim(input) {
      const result: ClaimResult = await inner.claim(input);
      if (result.kind !== 'resumed' || !forgets(result.record)) {
        return 'record' in result ? ({ ...result, record: patch(result.record) } as ClaimResult) : result;
      }
      const businessDate = businessDateOf(env.context.clock.now());
      const { value } = await env.sequence.next({ institution: env.institution, businessDate });
      const bankTranId = env.format.format({ institution: env.institution, sequence: value });
      override.set(result.record.remittanceId, { bankTranId, businessDate });
      env.context.trace.log(
        env.context.who(),
        () => `  (broken) takeover forgets the bank id: now ${bankTranId}`,
      );
      return { kind: 'resumed', record: patch(result.record) };
    },
    async checkpoint(input) {
      const r = await inner.checkpoint(input);
      if (r.kind === 'ok' && input.bankTranId !== undefined) override.delete(input.remittanceId);
      return r.kind === 'ok' ? { kind: 'ok', record: patch(r.record) } : r;
    },
    async complete(input) {
      const r = await inner.complete(input);
      return r.kind === 'ok' ? { kind: 'ok', record: patch(r.record) } : r;
    },
    cancel: (input) => inner.cancel(input),
    markReversed: (input) => inner.markReversed(input),
    async get(input) {
      const r = await inner.get(input);
      return r === undefined ? r : patch(r);
    },
    async listOpen(input) {
      return patchPage(await inner.listOpen(input));
    },
  };
}

/** Every "we do not know" read as "it definitely failed". */
function unknownAsRejected(inner: TransferGateway): TransferGateway {
  return {
    async transfer(input) {
      const r: TransferResult = await inner.transfer(input);
      return r.kind === 'unknown' ? { kind: 'rejected', reason: 'other', ...codeOf(r) } : r;
    },
    async inquire(input) {
      const r: InquiryResult = await inner.inquire(input);
      return r.kind === 'unknown' ? { kind: 'rejected', reason: 'other', ...codeOf(r) } : r;
    },
    listReversals: (input) => inner.listReversals(input),
  };
}

function codeOf(r: { readonly providerCode?: string }): { providerCode?: string } {
  return r.providerCode === undefined ? {} : { providerCode: r.providerCode };
}

/**
 * A store that does not fence: a write carrying a superseded token is applied as if it carried the
 * current one (the old worker keeps writing after a takeover).
 */
function unfencedStore(inner: IdempotencyStore): IdempotencyStore {
  const current = async <T extends CheckpointInput | CompleteInput>(input: T): Promise<T> => {
    const record = await inner.get({ remittanceId: input.remittanceId });
    return record === undefined ? input : { ...input, fence: record.fence };
  };
  return {
    claim: (input) => inner.claim(input),
    checkpoint: async (input) => inner.checkpoint(await current(input)),
    complete: async (input) => inner.complete(await current(input)),
    cancel: (input) => inner.cancel(input),
    markReversed: (input) => inner.markReversed(input),
    get: (input) => inner.get(input),
    listOpen: (input) => inner.listOpen(input),
  };
}

/**
 * Checkpoints that are never kept: each run reads [now - window, now) as before the watermark (the
 * bug the simulator found: a gap longer than the window is never read, and nobody is told).
 */
function amnesicCheckpoints(inner: IngestCheckpointStore): IngestCheckpointStore {
  return {
    get: async (input) => {
      await inner.get(input); // the same port calls (yield points), the answer ignored
      return undefined;
    },
    advance: async () => ({ kind: 'advanced' }),
  };
}

/** On "ambiguous", pay the first candidate (the bug the policy's rule 5 exists to prevent). */
function firstCandidateMatcher(inner: OrderMatcher, policy: MatchPolicyConfig): OrderMatcher {
  return {
    openOrder: (input) => inner.openOrder(input),
    cancelOrder: (input) => inner.cancelOrder(input),
    async matchDeposit(input: MatchDepositInput): Promise<MatchDepositResult> {
      const result = await inner.matchDeposit(input);
      const { outcome } = result;
      if (outcome.kind !== 'ambiguous' || policy.overpayment !== 'match_and_owe') return result;
      const first = outcome.candidates[0];
      const order = first === undefined ? undefined : await inner.getOrder({ orderId: first });
      if (order === undefined || order.amountKrw > input.deposit.amountKrw) return result;
      return {
        replayed: result.replayed,
        outcome: {
          kind: 'matched',
          order: { ...order, status: 'paid', paidBy: input.deposit.depositId, paidAt: input.now },
          excessKrw: (input.deposit.amountKrw - order.amountKrw) as typeof input.deposit.amountKrw,
        },
      };
    },
    undoMatch: (input) => inner.undoMatch(input),
    getOrder: (input) => inner.getOrder(input),
    getMatch: (input) => inner.getMatch(input),
  };
}
