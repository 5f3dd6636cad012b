import {
  DEFAULT_MAINTENANCE_WINDOW,
  DEFAULT_MATCH_POLICY,
  type IngestConfig,
  type IngestDeps,
  isRemitError,
  type MatchPolicyConfig,
  type OrderDeps,
  openBankingFormat,
  parseInstitutionCode,
  parseKrw,
  type ReconcileDeps,
  type RemitConfig,
  type RemitDeps,
  type RemitOutcome,
  type RemittanceMessage,
  remit,
} from '@remit/core';
import { DEFAULT_SIMULATED_START_MS, SimulatedClock } from './clock.js';
import { MemoryDepositSource } from './deposit-source.js';
import { MemoryIdempotencyStore } from './idempotency-store.js';
import { MemoryIngestCheckpointStore } from './ingest-checkpoint-store.js';
import { MemoryOrderMatcher } from './order-matcher.js';
import { MemoryRemittanceEvents } from './remittance-events.js';
import { MemoryRemittanceQueue, type MemoryRemittanceQueueOptions } from './remittance-queue.js';
import { MemorySequenceGenerator, type MemorySequenceGeneratorOptions } from './sequence-generator.js';
import { MemoryTransferGateway, type MemoryTransferGatewayOptions } from './transfer-gateway.js';

/** Defaults a deployment would also choose; every one can be overridden. */
export const DEFAULT_MEMORY_REMIT_CONFIG: RemitConfig = {
  institution: parseInstitutionCode('T991234560'),
  format: openBankingFormat,
  // One transfer call with its retries takes seconds; 30 s leaves room and stays far below visibility.
  leaseMs: 30_000,
  maintenance: DEFAULT_MAINTENANCE_WINDOW,
  unknownEscalateAfterMs: 60 * 60_000,
  maxDraws: 10,
  // Longer than any SQS redelivery (14 days max retention): a finished payout is never claimed anew.
  retainMs: 30 * 24 * 60 * 60_000,
  retryAfterMs: 60_000,
};

export interface MemorySystemOptions {
  /** Start instant of the shared clock. Default 2026-11-28 10:00 KST. */
  readonly startMs?: number;
  /** Accounts ingest reads. Default none (pass `accountIds` per run, or set them here). */
  readonly accounts?: IngestConfig['accounts'];
  readonly policy?: MatchPolicyConfig;
  readonly remit?: Partial<RemitConfig>;
  readonly ingest?: Partial<Omit<IngestConfig, 'accounts' | 'policy'>>;
  readonly gateway?: Omit<MemoryTransferGatewayOptions, 'clock'>;
  readonly queue?: Omit<MemoryRemittanceQueueOptions, 'clock'>;
  readonly sequence?: MemorySequenceGeneratorOptions;
  /** Statement rows per page. Default 50. */
  readonly depositPageSize?: number;
}

/** Every memory adapter on one clock, with the deps each use case takes. */
export interface MemorySystem {
  readonly clock: SimulatedClock;
  readonly store: MemoryIdempotencyStore;
  readonly matcher: MemoryOrderMatcher;
  readonly sequence: MemorySequenceGenerator;
  readonly gateway: MemoryTransferGateway;
  readonly queue: MemoryRemittanceQueue;
  readonly events: MemoryRemittanceEvents;
  readonly source: MemoryDepositSource;
  readonly checkpoints: MemoryIngestCheckpointStore;
  readonly orderDeps: OrderDeps;
  readonly ingestDeps: IngestDeps;
  readonly remitDeps: RemitDeps;
  readonly reconcileDeps: ReconcileDeps;
}

/**
 * Wire the whole pipeline in memory: one simulated clock, every port, the use-case deps.
 *
 * @example
 * ```ts
 * const sys = createMemorySystem({ accounts: [accountId] });
 * await openOrder(sys.orderDeps, request);
 * sys.source.append(deposit);
 * await ingestDeposits(sys.ingestDeps, {});
 * await consumeQueue(sys); // remit every queued payout
 * ```
 */
export function createMemorySystem(options: MemorySystemOptions = {}): MemorySystem {
  const clock = new SimulatedClock(options.startMs ?? DEFAULT_SIMULATED_START_MS);
  const remitConfig: RemitConfig = { ...DEFAULT_MEMORY_REMIT_CONFIG, ...options.remit };
  const policy = options.policy ?? DEFAULT_MATCH_POLICY;
  const store = new MemoryIdempotencyStore({ clock });
  const matcher = new MemoryOrderMatcher();
  const sequence = new MemorySequenceGenerator({
    maxSequence: remitConfig.format.maxSequence,
    ...options.sequence,
  });
  const gateway = new MemoryTransferGateway({ clock, ...options.gateway });
  const queue = new MemoryRemittanceQueue({ clock, ...options.queue });
  const events = new MemoryRemittanceEvents();
  const source = new MemoryDepositSource({ pageSize: options.depositPageSize ?? 50 });
  const checkpoints = new MemoryIngestCheckpointStore();
  const ingestConfig: IngestConfig = {
    accounts: options.accounts ?? [],
    windowMs: 15 * 60_000,
    // A run after a 3-day outage still reads everything; anything older goes to a person.
    maxLookbackMs: 3 * 24 * 60 * 60_000,
    policy,
    fees: { kind: 'flat', feeKrw: parseKrw(300) },
    maxPagesPerAccount: 20,
    retainMs: remitConfig.retainMs,
    ...options.ingest,
  };
  const remitDeps: RemitDeps = { store, sequence, gateway, events, clock, config: remitConfig };
  return {
    clock,
    store,
    matcher,
    sequence,
    gateway,
    queue,
    events,
    source,
    checkpoints,
    orderDeps: { matcher, clock, policy },
    ingestDeps: { source, matcher, queue, events, store, checkpoints, clock, config: ingestConfig },
    remitDeps,
    reconcileDeps: remitDeps,
  };
}

/** One message handled by {@link consumeQueue}. */
export type Consumed =
  | { readonly message: RemittanceMessage; readonly outcome: RemitOutcome }
  | { readonly message: RemittanceMessage; readonly error: unknown }
  /** Not processed: an earlier message of its group in the same batch did not finish (FIFO). */
  | { readonly message: RemittanceMessage; readonly skipped: true };

/** Outcomes after which the message is deleted; the others leave it for a later delivery. */
const ACK: ReadonlySet<RemitOutcome['kind']> = new Set([
  'succeeded',
  'rejected',
  'manual_review',
  'already_finished',
  'payload_mismatch',
  'fenced',
]);

/**
 * One receive batch run through `remit` the way the Lambda SQS handler runs it: in order, acked on
 * a final outcome, made visible again after `retryAfterMs` otherwise, and after a failure the later
 * messages of the same group are not processed (FIFO order holds). A thrown error leaves the
 * message in flight until its visibility timeout ends (what a failed Lambda invocation does).
 *
 * @example
 * ```ts
 * const handled = await consumeQueue(sys, { maxMessages: 10 });
 * ```
 */
export async function consumeQueue(
  system: Pick<MemorySystem, 'queue' | 'remitDeps'>,
  options: { readonly maxMessages?: number } = {},
): Promise<readonly Consumed[]> {
  const batch = await system.queue.receive({ maxMessages: options.maxMessages ?? 10 });
  const failedGroups = new Set<string>();
  const out: Consumed[] = [];
  for (const delivery of batch) {
    const { message } = delivery;
    if (failedGroups.has(delivery.groupId)) {
      await system.queue.changeVisibility({ receiptHandle: delivery.receiptHandle, visibilityTimeoutMs: 0 });
      out.push({ message, skipped: true });
      continue;
    }
    let outcome: RemitOutcome;
    try {
      outcome = await remit(system.remitDeps, { message });
    } catch (error) {
      if (!isRemitError(error)) throw error;
      failedGroups.add(delivery.groupId);
      out.push({ message, error });
      continue;
    }
    out.push({ message, outcome });
    if (ACK.has(outcome.kind)) {
      await system.queue.ack({ receiptHandle: delivery.receiptHandle });
    } else {
      failedGroups.add(delivery.groupId);
      const retryAfterMs = 'retryAfterMs' in outcome ? outcome.retryAfterMs : 0;
      await system.queue.changeVisibility({
        receiptHandle: delivery.receiptHandle,
        visibilityTimeoutMs: retryAfterMs,
      });
    }
  }
  return out;
}
