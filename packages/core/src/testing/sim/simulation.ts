/**
 * One seeded run of the whole pipeline: the main server opening and cancelling orders, buyers
 * paying, overlapping `ingestDeposits` runs, several `remit` consumers of a FIFO queue, `reconcile`
 * on a schedule, a bank with a ledger, all interleaved by the {@link Scheduler} and hit by the
 * {@link FaultPlan}, with the {@link Auditor} watching. Pure: no wall clock, no randomness but the
 * seed's, no I/O; the adapters under test come from a factory, so core does not depend on them.
 *
 *   time ──▶  open orders · deposits post · ingest every 5 min · reconcile every 5 min · consumers poll
 *             │ workload (faults on)                               │ heal (faults off) until settled
 *             start                                                 endMs
 */
import { type BankTranIdFormat, firmBankingFormat, openBankingFormat } from '../../bank-tran-id.js';
import { isRemitError } from '../../errors.js';
import {
  type OrderId,
  parseDepositId,
  parseInstitutionCode,
  type RemittanceId,
  remittanceIdFor,
} from '../../ids.js';
import { parseRemittanceMessage } from '../../messages.js';
import type { Clock } from '../../ports/clock.js';
import type { DepositSource } from '../../ports/deposit-source.js';
import type { IdempotencyStore } from '../../ports/idempotency-store.js';
import type { IngestCheckpointStore } from '../../ports/ingest-checkpoint-store.js';
import type { OrderMatcher } from '../../ports/order-matcher.js';
import type { RemittanceEvent, RemittanceEvents } from '../../ports/remittance-events.js';
import type { RemittanceQueue } from '../../ports/remittance-queue.js';
import type { SequenceGenerator } from '../../ports/sequence-generator.js';
import type { TransferGateway } from '../../ports/transfer-gateway.js';
import { businessDateOf, DEFAULT_MAINTENANCE_WINDOW, type InstantMs } from '../../time.js';
import { type Deposit, type RemittanceStatus, TERMINAL_STATUSES } from '../../types.js';
import type {
  IngestDeps,
  OrderDeps,
  ReconcileDeps,
  RemitConfig,
  RemitDeps,
  RemitOutcome,
} from '../../use-cases/contracts.js';
import { cancelOrder, ingestDeposits, openOrder, reconcile, remit } from '../../use-cases/index.js';
import { Auditor, type Violation } from './auditor.js';
import { SimBank } from './bank.js';
import { SimClock, type SimContext, Trace } from './context.js';
import { activeFaults, drawFaultPlan, type FaultPlan, NO_FAULTS } from './fault-plan.js';
import { FailoverSequence, faulty, yielding } from './ports.js';
import { createPrng, type Prng } from './prng.js';
import { type Delivery, SimQueue } from './queue.js';
import { Scheduler, type SimTask, WorkerRole } from './scheduler.js';
import { SimStatement } from './statement.js';
import { applyVariant, type BrokenVariant } from './variants.js';
import {
  generateWorkload,
  type PlannedDeposit,
  type PlannedOrder,
  printedName,
  typedName,
  type Workload,
} from './workload.js';

/** The adapters under test, fresh for every run. */
export interface SimSystem {
  readonly store: IdempotencyStore;
  readonly matcher: OrderMatcher;
  readonly sequence: SequenceGenerator;
  readonly events: RemittanceEvents;
  /** Ingest's per-account watermark (DynamoDB: an item in the orders table). */
  readonly checkpoints: IngestCheckpointStore;
}

export interface SimSystemEnv {
  readonly seed: number;
  /** The run's clock: adapters that read "now" (TTL) must read this one. */
  readonly clock: Clock;
  /** The bank id format's daily maximum (for a bounded sequence). */
  readonly maxSequence: number;
}

/**
 * Builds the adapters for one run. `@remit/adapters-memory` provides the standard one
 * (`memorySimSystem`); core cannot import it (dependency direction core <- adapters).
 */
export type SimSystemFactory = (env: SimSystemEnv) => SimSystem;

export interface SimOptions {
  readonly seed: number;
  readonly system: SimSystemFactory;
  /** Default: drawn from the seed (swarm: each class on or off). */
  readonly faults?: FaultPlan;
  /** A deliberately broken policy (self-check of the auditor). */
  readonly variant?: BrokenVariant;
  /** Record the trace (replays). Default false. */
  readonly trace?: boolean;
  /** Bound on scheduler steps; hitting it is a liveness failure. Default 30,000. */
  readonly maxSteps?: number;
}

export interface SimStats {
  steps: number;
  simulatedMs: number;
  orders: number;
  deposits: number;
  messages: number;
  transfers: number;
  inquiries: number;
  crashes: number;
  crashPoints: Record<string, number>;
  clockJumps: number;
  failovers: number;
  deadLettered: number;
  /** Final remittance statuses. */
  outcomes: Partial<Record<RemittanceStatus, number>>;
  /** How remit answered deliveries. */
  remitOutcomes: Partial<Record<RemitOutcome['kind'] | 'threw', number>>;
  crossedMidnight: boolean;
  deferred: number;
  /** What the run's sequence generator promised (remit reserves bank ids only for `may_repeat`). */
  sequenceGuarantee: 'unique' | 'may_repeat';
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  readonly plan: FaultPlan;
  readonly variant: BrokenVariant | undefined;
  readonly stats: SimStats;
  /** Empty unless `trace: true`. */
  readonly trace: readonly string[];
}

const MINUTE = 60_000;
const INGEST_EVERY_MS = 5 * MINUTE;
const RECONCILE_EVERY_MS = 5 * MINUTE;
/** After the workload, how long the system gets to settle before "not settled" is a finding. */
const HEAL_LIMIT_MS = 6 * 60 * MINUTE;
const REMIT_CONFIG_BASE = {
  institution: parseInstitutionCode('T991234560'),
  leaseMs: 30_000,
  maintenance: DEFAULT_MAINTENANCE_WINDOW,
  unknownEscalateAfterMs: 30 * MINUTE,
  maxDraws: 6,
  retainMs: 7 * 24 * 60 * MINUTE,
  retryAfterMs: MINUTE,
} as const;
/** SQS visibility: well above the lease (DESIGN: lease far shorter than visibility). */
const VISIBILITY_MS = 2 * MINUTE;
const MAX_RECEIVES = 12;
/**
 * Scheduled ingest runs that may fail in a row before the next one is spared faults. Not a limit of
 * the design (the checkpoint covers any number of misses; four already outlast the 15 min window
 * without it): a bound so runs under heavy crash rates still get work done during the workload.
 */
const MAX_INGEST_FAILURES_IN_A_ROW = 4;

interface AgendaItem {
  readonly at: InstantMs;
  readonly seq: number;
  readonly label: string;
  readonly run: () => void;
}

/**
 * Run one seed.
 *
 * @example
 * ```ts
 * const result = await runSimulation({ seed: 42, system: memorySimSystem });
 * if (!result.ok) console.log(result.violations, `replay: pnpm sim --seed ${result.seed}`);
 * ```
 */
export async function runSimulation(options: SimOptions): Promise<SimResult> {
  return new Run(options).execute();
}

class Run {
  readonly #options: SimOptions;
  readonly #root: Prng;
  readonly #workload: Workload;
  readonly #plan: FaultPlan;
  readonly #clock: SimClock;
  readonly #trace: Trace;
  readonly #sched = new Scheduler();
  readonly #ctx: SimContext;
  readonly #schedPrng: Prng;
  readonly #stats: SimStats;
  #healing = false;
  /** Tasks exempt from faults (an ingest run after {@link MAX_INGEST_FAILURES_IN_A_ROW} failed ones). */
  readonly #protected = new Set<number>();
  readonly #agenda: AgendaItem[] = [];
  #agendaSeq = 0;
  /** What the buyer of each order was told to type (from openOrder). */
  readonly #toldName = new Map<OrderId, string>();
  readonly #opened = new Set<OrderId>();
  #ingestFailuresInARow = 0;
  #lastCleanIngestAt: InstantMs | undefined;
  #lastRowVisibleAt: InstantMs = 0;
  #lastCleanReconcileAt: InstantMs | undefined;
  #ingestRuns = 0;
  #consumerRuns = 0;
  #reconcileRuns = 0;
  readonly #lanes: (SimTask | undefined)[];
  readonly #batchSize: number;
  readonly #captured: RemittanceEvent[] = [];

  // wired at execute()
  #bank!: SimBank;
  #statement!: SimStatement;
  #queue!: SimQueue;
  #auditor!: Auditor;
  #remitDeps!: RemitDeps;
  #ingestDeps!: IngestDeps;
  #orderDeps!: OrderDeps;
  #failover!: FailoverSequence;
  #rawStore!: IdempotencyStore;
  #rawCheckpoints!: IngestCheckpointStore;

  constructor(options: SimOptions) {
    this.#options = options;
    this.#root = createPrng(options.seed);
    this.#workload = generateWorkload(this.#root.fork('workload'));
    this.#plan = options.faults ?? drawFaultPlan(this.#root.fork('plan'));
    this.#clock = new SimClock(this.#workload.startMs);
    this.#trace = new Trace(options.trace === true, this.#clock);
    this.#schedPrng = this.#root.fork('scheduler');
    this.#ctx = {
      seed: options.seed,
      clock: this.#clock,
      trace: this.#trace,
      faults: () => {
        if (this.#healing) return NO_FAULTS;
        const current = this.#sched.current;
        if (current !== undefined && this.#protected.has(current.id)) return NO_FAULTS;
        return this.#plan;
      },
      who: () => this.#sched.current?.name ?? 'sim',
    };
    const shape = this.#root.fork('shape');
    this.#lanes = Array.from({ length: shape.int(2, 3) }, () => undefined);
    this.#batchSize = shape.int(1, 3);
    this.#stats = {
      steps: 0,
      simulatedMs: 0,
      orders: this.#workload.orders.length,
      deposits: this.#workload.deposits.length,
      messages: 0,
      transfers: 0,
      inquiries: 0,
      crashes: 0,
      crashPoints: {},
      clockJumps: 0,
      failovers: 0,
      deadLettered: 0,
      outcomes: {},
      remitOutcomes: {},
      crossedMidnight: false,
      deferred: 0,
      sequenceGuarantee: 'may_repeat',
    };
  }

  async execute(): Promise<SimResult> {
    this.#wire();
    // The accounts were being ingested before the workload starts: each has its checkpoint. (A new
    // account's history starts at its first checkpoint write; the unit tests cover that start.)
    for (const accountId of this.#workload.accounts) {
      await this.#rawCheckpoints.advance({ accountId, readUpToMs: this.#workload.startMs });
    }
    this.#planAgenda();
    const w = this.#workload;
    this.#trace.log(
      'sim',
      () => `seed ${this.#options.seed}; faults: ${activeFaults(this.#plan).join(', ') || 'none'}`,
    );
    this.#trace.log(
      'sim',
      () =>
        `${w.orders.length} orders, ${w.deposits.length} deposits, ${this.#lanes.length} consumers (batch ${this.#batchSize}), ` +
        `fees ${JSON.stringify(w.fees)}, ${w.bankTranIdFormat}, overpayment ${w.policy.overpayment}` +
        (this.#options.variant === undefined ? '' : `; BROKEN VARIANT ${this.#options.variant}`),
    );
    const maxSteps = this.#options.maxSteps ?? 30_000;
    const startDate = businessDateOf(w.startMs);
    let step = 0;
    for (;;) {
      this.#fireDue();
      const ready = this.#sched.ready();
      if (ready.length === 0) {
        if (!this.#healing && this.#clock.now() >= w.endMs) this.#startHealing();
        if (this.#healing && (await this.#settled())) break;
        if (this.#clock.now() > w.endMs + HEAL_LIMIT_MS) break;
        const next = this.#nextEventAt();
        if (next === undefined) break;
        this.#clock.advanceTo(next);
        continue;
      }
      if (++step > maxSteps) {
        this.#auditor.fail('not-settled', `no end after ${maxSteps} steps (a livelock?)`);
        break;
      }
      // A scheduled run starts on time (EventBridge is punctual to seconds): its first slice, which
      // reads "now" for its window, runs at once. Stalls are modelled inside runs, not before them.
      const starting = ready.find((t) => t.at === 'start' && (t.role === 'ingest' || t.role === 'reconcile'));
      if (starting === undefined && this.#schedPrng.chance(this.#ctx.faults().clockJump)) {
        // Time leaps while workers are parked mid-flight: leases and visibility expire under them.
        // Scheduled runs still start on time: a jump stops at the next agenda item.
        const nextItemAt = this.#agenda[0]?.at ?? Number.POSITIVE_INFINITY;
        const jump = Math.max(
          0,
          Math.min(this.#schedPrng.int(20_000, 4 * MINUTE), nextItemAt - this.#clock.now()),
        );
        this.#clock.advance(jump);
        this.#stats.clockJumps++;
        this.#trace.log('sim', () => `  ~ clock jumps ${Math.round(jump / 1000)} s`);
        this.#fireDue();
      }
      const task = starting ?? this.#schedPrng.pick(ready);
      if (
        task.at !== 'start' &&
        !this.#healing &&
        !this.#protected.has(task.id) &&
        this.#schedPrng.chance(this.#plan.crash)
      ) {
        this.#sched.crash(task);
        this.#stats.crashes++;
        const point = task.at.replace(/^[^.]+\./, `${task.role}:`).replace(':done', ' (after)');
        this.#stats.crashPoints[point] = (this.#stats.crashPoints[point] ?? 0) + 1;
        this.#trace.log(task.name, () => `  ✝ CRASH at ${task.at}`);
        this.#onTaskGone(task, false);
      } else {
        await this.#sched.runSlice(task);
        if (task.state === 'done') this.#onTaskGone(task, true);
      }
      for (const failed of this.#sched.takeFailures()) {
        this.#auditor.workerError(failed.name, failed.error);
        this.#onTaskGone(failed, false);
      }
      this.#clock.advance(this.#schedPrng.int(0, 300));
      await this.#auditor.afterStep(step);
      if (this.#auditor.failed) break;
    }
    this.#stats.steps = step;
    this.#stats.simulatedMs = this.#clock.now() - w.startMs;
    this.#stats.crossedMidnight = businessDateOf(this.#clock.now()) !== startDate;
    if (!this.#auditor.failed) {
      await this.#auditor.atEnd({
        faultsEnabled: this.#plan.enabled,
        lastCleanIngestAt: this.#lastCleanIngestAt,
      });
    }
    await this.#collectStats();
    for (const v of this.#auditor.violations) {
      this.#trace.log('AUDITOR', () => `VIOLATION ${v.rule}: ${v.message}`);
    }
    return {
      seed: this.#options.seed,
      ok: !this.#auditor.failed,
      violations: this.#auditor.violations,
      plan: this.#plan,
      variant: this.#options.variant,
      stats: this.#stats,
      trace: this.#trace.lines,
    };
  }

  // ---------------------------------------------------------------- wiring

  #wire(): void {
    const w = this.#workload;
    const format: BankTranIdFormat =
      w.bankTranIdFormat === 'open-banking' ? openBankingFormat : firmBankingFormat;
    const system = this.#options.system({
      seed: this.#options.seed,
      clock: this.#clock,
      maxSequence: format.maxSequence,
    });
    this.#rawStore = system.store;
    this.#rawCheckpoints = system.checkpoints;
    const faultPrng = this.#root.fork('port-faults');
    this.#bank = new SimBank({
      context: this.#ctx,
      prng: this.#root.fork('bank'),
      maintenance: REMIT_CONFIG_BASE.maintenance,
      onCall: (call) => {
        if (call.op === 'transfer') this.#stats.transfers++;
        else this.#stats.inquiries++;
        this.#auditor.onBankCall(call);
      },
    });
    this.#statement = new SimStatement(this.#clock);
    this.#queue = new SimQueue({
      context: this.#ctx,
      prng: this.#root.fork('queue'),
      visibilityMs: VISIBILITY_MS,
      maxReceives: MAX_RECEIVES,
      onSettled: (m, group) => this.#auditor.onSettled(m, group),
    });
    const captured = this.#captured;
    const recordingEvents: RemittanceEvents = {
      publish: async (input) => {
        await system.events.publish(input);
        captured.push(...input.events);
        for (const e of input.events) {
          this.#trace.log(
            this.#ctx.who(),
            () => `  event ${e.type} ${e.remittanceId ?? e.depositId ?? ''} ${e.reason ?? ''}`,
          );
        }
      },
    };
    this.#auditor = new Auditor({
      bank: this.#bank,
      queue: this.#queue,
      store: system.store,
      matcher: system.matcher,
      events: () => captured,
      orders: w.orders,
      fees: w.fees,
      now: () => this.#clock.now(),
    });

    const storeRates = (p: FaultPlan) => ({
      throttle: p.storeThrottle,
      conflict: p.storeConflict,
      applied: p.storeAppliedButFailed,
    });
    const portRates = (p: FaultPlan) => ({ throttle: p.portThrottle, conflict: 0, applied: 0 });
    const ctx = this.#ctx;

    let store = faulty(
      system.store,
      'store',
      {
        claim: 'write',
        checkpoint: 'write',
        complete: 'write',
        cancel: 'write',
        markReversed: 'write',
        get: 'read',
        listOpen: 'read',
      },
      ctx,
      faultPrng.fork('store'),
      storeRates,
    );
    // A run with failovers needs a generator that says it may repeat; one without may also be
    // "unique" (the DynamoDB counter's promise): then remit skips the reservation, and the
    // auditor's bank-id-shared rule checks that nothing repeated.
    const guarantee =
      this.#plan.sequenceRegression > 0 || this.#root.fork('guarantee').chance(0.5) ? 'may_repeat' : 'unique';
    this.#failover = new FailoverSequence(system.sequence, ctx, faultPrng.fork('sequence'), guarantee);
    this.#stats.sequenceGuarantee = guarantee;
    let sequence: SequenceGenerator = this.#failover;
    let gateway: TransferGateway = this.#bank;
    let checkpoints = faulty<IngestCheckpointStore>(
      system.checkpoints,
      'checkpoints',
      { get: 'read', advance: 'write' },
      ctx,
      faultPrng.fork('checkpoints'),
      storeRates,
    );
    let matcher = faulty(
      system.matcher,
      'matcher',
      {
        openOrder: 'write',
        cancelOrder: 'write',
        matchDeposit: 'write',
        undoMatch: 'write',
        getOrder: 'read',
        getMatch: 'read',
      },
      ctx,
      faultPrng.fork('matcher'),
      portRates,
    );
    if (this.#options.variant !== undefined) {
      ({ store, sequence, gateway, matcher, checkpoints } = applyVariant(this.#options.variant, {
        store,
        sequence,
        gateway,
        matcher,
        checkpoints,
        context: ctx,
        format,
        institution: REMIT_CONFIG_BASE.institution,
        policy: w.policy,
      }));
    }
    const queue = faulty<RemittanceQueue>(
      this.#queue,
      'queue',
      { enqueue: 'write' },
      ctx,
      faultPrng.fork('queue'),
      (p) => ({
        throttle: p.portThrottle,
        conflict: 0,
        applied: p.portThrottle,
      }),
    );
    const source = faulty<DepositSource>(
      this.#statement,
      'statement',
      { listDeposits: 'read' },
      ctx,
      faultPrng.fork('source'),
      portRates,
    );
    const events = faulty<RemittanceEvents>(
      recordingEvents,
      'events',
      { publish: 'write' },
      ctx,
      faultPrng.fork('events'),
      portRates,
    );

    store = this.#fenceAudited(store, system.store);
    const s = this.#sched;
    const y = {
      store: yielding(
        store,
        'store',
        ['claim', 'checkpoint', 'complete', 'cancel', 'markReversed', 'get', 'listOpen'],
        s,
      ),
      sequence: yielding(sequence, 'sequence', ['next'], s),
      gateway: yielding(gateway, 'gateway', ['transfer', 'inquire', 'listReversals'], s),
      matcher: yielding(
        matcher,
        'matcher',
        ['openOrder', 'cancelOrder', 'matchDeposit', 'undoMatch', 'getOrder', 'getMatch'],
        s,
      ),
      queue: yielding(queue, 'queue', ['enqueue'], s),
      source: yielding(source, 'statement', ['listDeposits'], s),
      events: yielding(events, 'events', ['publish'], s),
      checkpoints: yielding(checkpoints, 'checkpoints', ['get', 'advance'], s),
    };
    const config: RemitConfig = { ...REMIT_CONFIG_BASE, format };
    this.#remitDeps = {
      store: y.store,
      sequence: y.sequence,
      gateway: y.gateway,
      events: y.events,
      clock: this.#clock,
      config,
    };
    this.#ingestDeps = {
      source: y.source,
      matcher: y.matcher,
      queue: y.queue,
      events: y.events,
      store: y.store,
      checkpoints: y.checkpoints,
      clock: this.#clock,
      config: {
        accounts: w.accounts,
        windowMs: 15 * MINUTE,
        // Longer than any run: an ingest gap is never the finding here (it goes to a person).
        maxLookbackMs: 24 * 60 * MINUTE,
        policy: w.policy,
        fees: w.fees,
        maxPagesPerAccount: 10,
        retainMs: REMIT_CONFIG_BASE.retainMs,
      },
    };
    this.#orderDeps = { matcher: y.matcher, clock: this.#clock, policy: w.policy };
  }

  /**
   * The fencing rule, checked where it is defined: a checkpoint or completion carrying a token that
   * is no longer the record's must not be applied (DESIGN: "the old worker can no longer complete or
   * checkpoint it"). Reads the raw store around the call; no yield point in between.
   */
  #fenceAudited(store: IdempotencyStore, raw: IdempotencyStore): IdempotencyStore {
    const auditor = () => this.#auditor;
    const who = () => this.#ctx.who();
    const guard = async <R extends { kind: string }>(
      op: string,
      input: { remittanceId: RemittanceId; fence: number },
      call: () => Promise<R>,
    ): Promise<R> => {
      const before = await raw.get({ remittanceId: input.remittanceId });
      const result = await call();
      if (
        result.kind === 'ok' &&
        before !== undefined &&
        before.fence !== input.fence &&
        !TERMINAL_STATUSES.has(before.status)
      ) {
        auditor().fail(
          'stale-write',
          `${who()} ${op} of ${input.remittanceId} with fence ${input.fence} was applied over fence ${before.fence}`,
        );
      }
      return result;
    };
    return {
      claim: (input) => store.claim(input),
      checkpoint: (input) => guard('checkpoint', input, () => store.checkpoint(input)),
      complete: (input) => guard('complete', input, () => store.complete(input)),
      cancel: (input) => store.cancel(input),
      markReversed: (input) => store.markReversed(input),
      get: (input) => store.get(input),
      listOpen: (input) => store.listOpen(input),
    };
  }

  // ---------------------------------------------------------------- agenda

  #at(at: InstantMs, label: string, run: () => void): void {
    const item: AgendaItem = { at, seq: ++this.#agendaSeq, label, run };
    let i = this.#agenda.length;
    while (
      i > 0 &&
      (this.#agenda[i - 1]!.at > at ||
        (this.#agenda[i - 1]!.at === at && this.#agenda[i - 1]!.seq > item.seq))
    )
      i--;
    this.#agenda.splice(i, 0, item);
  }

  #fireDue(): void {
    const now = this.#clock.now();
    while (this.#agenda.length > 0 && this.#agenda[0]!.at <= now) this.#agenda.shift()!.run();
    this.#bank.tick(now);
    this.#queue.tick(now);
    this.#spawnConsumers();
  }

  #nextEventAt(): InstantMs | undefined {
    const candidates = [this.#agenda[0]?.at, this.#queue.nextChangeAt(), this.#bank.nextChangeAt()].filter(
      (t): t is InstantMs => t !== undefined,
    );
    return candidates.length === 0 ? undefined : Math.max(this.#clock.now() + 1, Math.min(...candidates));
  }

  #planAgenda(): void {
    const w = this.#workload;
    for (const order of w.orders) {
      this.#at(order.openAt, `open ${order.orderId}`, () => this.#spawnOpen(order, 0));
      if (order.cancelAt !== undefined) {
        const at = order.cancelAt;
        this.#at(at, `cancel ${order.orderId}`, () => this.#spawnCancel(order, 0));
      }
    }
    const cancelPrng = this.#root.fork('deposit-cancellations');
    for (const d of w.deposits) {
      const cancels = cancelPrng.chance(this.#plan.depositCancellation);
      this.#at(d.occurredAt, `deposit ${d.depositId}`, () => this.#postDeposit(d, cancels));
    }
    const schedule = (at: InstantMs) => {
      this.#at(at, 'ingest', () => {
        this.#spawnIngest(true);
        if (!this.#healing && this.#schedPrng.chance(this.#plan.overlappingIngest)) {
          this.#at(this.#clock.now() + this.#schedPrng.int(0, 90_000), 'ingest (overlap)', () =>
            this.#spawnIngest(false),
          );
        }
        schedule(at + INGEST_EVERY_MS);
      });
    };
    schedule(w.startMs + INGEST_EVERY_MS);
    const reconcileAt = (at: InstantMs) => {
      this.#at(at, 'reconcile', () => {
        this.#spawnReconcile();
        reconcileAt(at + RECONCILE_EVERY_MS);
      });
    };
    reconcileAt(w.startMs + RECONCILE_EVERY_MS / 2);
  }

  #startHealing(): void {
    this.#healing = true;
    this.#trace.log('sim', () => '== workload over: faults off, healing ==');
  }

  /** Healed: nothing running or queued, the bank quiet, every payout terminal, every row ingested. */
  async #settled(): Promise<boolean> {
    if (this.#sched.alive().length > 0) return false;
    if (this.#queue.outstanding() > 0) return false;
    if (this.#bank.nextChangeAt() !== undefined) return false;
    if (this.#agenda.some((a) => a.label !== 'ingest' && a.label !== 'reconcile')) return false;
    if (this.#lastCleanIngestAt === undefined || this.#lastCleanIngestAt < this.#lastRowVisibleAt)
      return false;
    for (const order of this.#workload.orders) {
      const record = await this.#rawStore.get({ remittanceId: remittanceIdFor(order.orderId) });
      if (record !== undefined && !TERMINAL_STATUSES.has(record.status)) return false;
    }
    // Reversal notices are read by reconcile: one must have completed after the last notice.
    const lastNotice = this.#bank.notices.reduce((t, n) => Math.max(t, n.noticedAt), 0);
    return this.#lastCleanReconcileAt !== undefined && this.#lastCleanReconcileAt >= lastNotice;
  }

  // ---------------------------------------------------------------- world events

  #postDeposit(d: PlannedDeposit, cancels: boolean): void {
    const w = this.#workload;
    let name: string;
    if (d.strangerName !== undefined) {
      name = d.strangerName;
    } else {
      const told = d.intent === undefined ? undefined : this.#toldName.get(d.intent);
      if (told === undefined) {
        this.#trace.log('buyer', () => `${d.depositId}: order ${d.intent} was never opened; nobody pays`);
        return;
      }
      name = typedName(told, d.nameStyle);
    }
    const deposit: Deposit = {
      accountId: d.accountId,
      depositId: d.depositId,
      depositorName: printedName(name, w.policy.nameBudgetBytes),
      amountKrw: d.amountKrw,
      occurredAt: d.occurredAt,
      kind: 'deposit',
    };
    const visibleAt = d.occurredAt + d.lagMs;
    this.#statement.post(deposit, visibleAt);
    this.#auditor.posted({ deposit, visibleAt, intent: d.intent });
    this.#lastRowVisibleAt = Math.max(this.#lastRowVisibleAt, visibleAt);
    this.#trace.log(
      'buyer',
      () =>
        `deposit ${d.depositId} ${d.amountKrw}원 "${deposit.depositorName}" for ${d.intent ?? '(stranger)'}, visible +${Math.round(d.lagMs / 1000)} s`,
    );
    if (cancels) {
      const at = visibleAt + d.cancelAfterMs;
      this.#at(at, `cancel deposit ${d.depositId}`, () => {
        const cancellation: Deposit = {
          ...deposit,
          depositId: parseDepositId(`${d.depositId}-c`),
          occurredAt: at,
          kind: 'cancellation',
          cancels: d.depositId,
        };
        const shownAt = at + this.#schedPrng.int(0, MINUTE);
        this.#statement.post(cancellation, shownAt);
        this.#auditor.posted({ deposit: cancellation, visibleAt: shownAt, intent: undefined });
        this.#lastRowVisibleAt = Math.max(this.#lastRowVisibleAt, shownAt);
        this.#trace.log('bank', () => `deposit ${d.depositId} CANCELLED (row ${cancellation.depositId})`);
      });
    }
  }

  // ---------------------------------------------------------------- workers

  #spawnOpen(order: PlannedOrder, attempt: number): void {
    const task = this.#sched.spawn(`main#${order.orderId.slice(4)}`, WorkerRole.MainServer, async () => {
      try {
        const outcome = await openOrder(this.#orderDeps, {
          orderId: order.orderId,
          sellerId: order.sellerId,
          accountId: order.accountId,
          amountKrw: order.amountKrw,
          payee: order.payee,
          ttlMs: order.ttlMs,
          depositorName: order.baseName,
          assignSuffix: order.assignSuffix,
        });
        this.#trace.log(
          this.#ctx.who(),
          () =>
            `openOrder ${order.orderId} -> ${outcome.kind}${outcome.kind === 'opened' ? ` "${outcome.depositorName}"` : ''}`,
        );
        if (outcome.kind === 'opened') {
          this.#toldName.set(order.orderId, outcome.depositorName);
          this.#opened.add(order.orderId);
        } else if (outcome.kind === 'duplicate') {
          this.#toldName.set(order.orderId, outcome.order.depositorName);
          this.#opened.add(order.orderId);
        }
      } catch (err) {
        if (!(isRemitError(err) && err.retryable)) throw err;
        this.#retryMain(() => this.#spawnOpen(order, attempt + 1), attempt);
      }
    });
    this.#mainRetry.set(task.id, () => this.#retryMain(() => this.#spawnOpen(order, attempt + 1), attempt));
  }

  #spawnCancel(order: PlannedOrder, attempt: number): void {
    if (!this.#opened.has(order.orderId) && attempt === 0) return;
    const task = this.#sched.spawn(`main#${order.orderId.slice(4)}`, WorkerRole.MainServer, async () => {
      try {
        const outcome = await cancelOrder(this.#orderDeps, { orderId: order.orderId });
        this.#trace.log(this.#ctx.who(), () => `cancelOrder ${order.orderId} -> ${outcome.kind}`);
      } catch (err) {
        if (!(isRemitError(err) && err.retryable)) throw err;
        this.#retryMain(() => this.#spawnCancel(order, attempt + 1), attempt);
      }
    });
    this.#mainRetry.set(task.id, () => this.#retryMain(() => this.#spawnCancel(order, attempt + 1), attempt));
  }

  readonly #mainRetry = new Map<number, () => void>();

  /** The main server retries a failed call a few seconds later (bounded). */
  #retryMain(again: () => void, attempt: number): void {
    if (attempt >= 20) return;
    this.#at(this.#clock.now() + 5_000 + this.#schedPrng.int(0, 10_000), 'main retry', again);
  }

  #spawnIngest(scheduled: boolean): void {
    const n = ++this.#ingestRuns;
    const startedAt = this.#clock.now();
    const task = this.#sched.spawn(`ingest#${n}`, WorkerRole.Ingest, async () => {
      try {
        const report = await ingestDeposits(this.#ingestDeps, {});
        this.#trace.log(this.#ctx.who(), () => `ingest done: ${JSON.stringify(report)}`);
        if (this.#lastCleanIngestAt === undefined || startedAt > this.#lastCleanIngestAt)
          this.#lastCleanIngestAt = startedAt;
        if (scheduled) this.#ingestFailuresInARow = 0;
      } catch (err) {
        this.#trace.log(this.#ctx.who(), () => `ingest failed: ${String(err)}`);
        if (scheduled) this.#ingestFailuresInARow++;
        if (!(isRemitError(err) && err.retryable)) throw err;
      }
    });
    if (scheduled && this.#ingestFailuresInARow >= MAX_INGEST_FAILURES_IN_A_ROW) {
      this.#protected.add(task.id);
    }
    if (scheduled) this.#ingestTasks.set(task.id, true);
  }

  readonly #ingestTasks = new Map<number, boolean>();

  #spawnReconcile(): void {
    const n = ++this.#reconcileRuns;
    const startedAt = this.#clock.now();
    this.#sched.spawn(`reconcile#${n}`, WorkerRole.Reconcile, async () => {
      try {
        const report = await reconcile(this.#remitDeps as ReconcileDeps, {
          limit: 25,
          reversalsSinceMs: this.#clock.now() - 24 * 60 * MINUTE,
        });
        this.#trace.log(this.#ctx.who(), () => `reconcile done: ${JSON.stringify(report)}`);
        if (this.#lastCleanReconcileAt === undefined || startedAt > this.#lastCleanReconcileAt)
          this.#lastCleanReconcileAt = startedAt;
      } catch (err) {
        this.#trace.log(this.#ctx.who(), () => `reconcile failed: ${String(err)}`);
        if (!(isRemitError(err) && err.retryable)) throw err;
      }
    });
  }

  #spawnConsumers(): void {
    for (let lane = 0; lane < this.#lanes.length; lane++) {
      if (this.#lanes[lane] !== undefined) continue;
      if (this.#queue.visibleCount() === 0) return;
      const n = ++this.#consumerRuns;
      const task = this.#sched.spawn(`remit#${n}`, WorkerRole.Remit, () => this.#consume());
      this.#lanes[lane] = task;
    }
  }

  /** One Lambda invocation of the SQS handler: receive a batch, remit each, report failures. */
  async #consume(): Promise<void> {
    await this.#sched.yieldPoint('queue.receive');
    const batch = this.#queue.receive(this.#batchSize);
    if (batch.length === 0) return;
    this.#stats.messages += batch.length;
    this.#trace.log(
      this.#ctx.who(),
      () =>
        `received ${batch.map((d) => `#${d.message.seq} ${d.message.body.remittanceId} (${d.receipt}, receive ${d.message.receiveCount})`).join(', ')}`,
    );
    await this.#sched.yieldPoint('queue.receive:done');
    const failedGroups = new Set<string>();
    const results: { delivery: Delivery; ack: boolean; delayMs: number }[] = [];
    for (const delivery of batch) {
      const { message } = delivery;
      if (failedGroups.has(message.group)) {
        results.push({ delivery, ack: false, delayMs: 0 });
        continue;
      }
      let ack = false;
      let delayMs: number = REMIT_CONFIG_BASE.retryAfterMs;
      try {
        const parsed = parseRemittanceMessage(JSON.stringify(message.body));
        const outcome = await remit(this.#remitDeps, { message: parsed });
        this.#stats.remitOutcomes[outcome.kind] = (this.#stats.remitOutcomes[outcome.kind] ?? 0) + 1;
        if (outcome.kind === 'deferred') this.#stats.deferred++;
        this.#trace.log(
          this.#ctx.who(),
          () =>
            `remit ${parsed.remittanceId} (delivery ${message.receiveCount}) -> ${JSON.stringify(outcome)}`,
        );
        switch (outcome.kind) {
          case 'succeeded':
          case 'rejected':
          case 'manual_review':
          case 'already_finished':
          case 'payload_mismatch':
          case 'fenced':
            ack = true;
            message.processedOk = true;
            break;
          case 'unknown':
          case 'deferred':
          case 'busy':
            delayMs = Math.min(outcome.retryAfterMs, 12 * 60 * MINUTE);
            break;
        }
      } catch (err) {
        this.#stats.remitOutcomes.threw = (this.#stats.remitOutcomes.threw ?? 0) + 1;
        this.#trace.log(this.#ctx.who(), () => `remit ${message.body.remittanceId} threw ${String(err)}`);
        if (!(isRemitError(err) && err.retryable)) throw err;
      }
      if (!ack) failedGroups.add(message.group);
      results.push({ delivery, ack, delayMs });
    }
    // The batch response is applied by the service after the function returns: one step.
    await this.#sched.yieldPoint('queue.ack');
    for (const r of results) {
      if (r.ack) {
        const deleted = this.#queue.delete(r.delivery);
        this.#trace.log(
          this.#ctx.who(),
          () => `ack #${r.delivery.message.seq} ${deleted ? 'deleted' : '(stale receipt, not deleted)'}`,
        );
      } else {
        this.#queue.release(r.delivery, r.delayMs);
      }
    }
  }

  #onTaskGone(task: SimTask, completed: boolean): void {
    for (let lane = 0; lane < this.#lanes.length; lane++) {
      if (this.#lanes[lane]?.id === task.id) this.#lanes[lane] = undefined;
    }
    if (!completed) {
      if (this.#ingestTasks.has(task.id)) this.#ingestFailuresInARow++;
      const retry = this.#mainRetry.get(task.id);
      if (retry !== undefined) retry();
    }
    this.#ingestTasks.delete(task.id);
    this.#mainRetry.delete(task.id);
    this.#protected.delete(task.id);
  }

  async #collectStats(): Promise<void> {
    this.#stats.failovers = this.#failover.failovers;
    this.#stats.deadLettered = this.#queue.deadLettered().size;
    for (const order of this.#workload.orders) {
      const record = await this.#rawStore.get({ remittanceId: remittanceIdFor(order.orderId) });
      if (record !== undefined)
        this.#stats.outcomes[record.status] = (this.#stats.outcomes[record.status] ?? 0) + 1;
    }
  }
}
