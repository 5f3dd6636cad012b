/**
 * The fault plan of one simulated run: which fault classes are on and how often they strike.
 * Drawn from the seed "swarm" style (each class on or off per seed, with its own intensity), so
 * over many seeds every combination shows up, including rare ones a uniform mix would drown.
 *
 * Faults stop at the end of the workload (the heal phase): a correct system must then settle, and
 * whatever it could not settle must be parked for a person with a reason.
 */
import type { Prng } from './prng.js';

/** Probabilities in [0, 1]; each is checked at its own decision point (per call, per step...). */
export interface FaultPlan {
  /** False: no fault at all (the run must end with every payout settled, none in review). */
  readonly enabled: boolean;
  /** Per yield point of a worker: the worker dies there (before or after a port call). */
  readonly crash: number;
  /** Per scheduler step: time leaps forward (leases and visibility timeouts expire under workers). */
  readonly clockJump: number;
  /** Per enqueued message: an extra copy is delivered later, past the queue's de-duplication window. */
  readonly duplicateDelivery: number;
  /** Per scheduled ingest run: an overlapping second run starts (manual re-run, retried schedule). */
  readonly overlappingIngest: number;
  /** Per idempotency-store call: throttled (nothing written). */
  readonly storeThrottle: number;
  /** Per idempotency-store write: a conditional-write conflict (nothing written). */
  readonly storeConflict: number;
  /** Per idempotency-store write: written, then reported as failed (a timeout after the write landed). */
  readonly storeAppliedButFailed: number;
  /** Per call of the matcher, queue, deposit source or events: throttled / briefly unavailable. */
  readonly portThrottle: number;
  /** Per sequence draw: a Redis failover to a replica that lagged, handing recent numbers out again. */
  readonly sequenceRegression: number;
  /** Per transfer: the request is lost on the way (timeout; the transfer did NOT happen). */
  readonly lostRequest: number;
  /** Per transfer: the answer is lost (timeout, reset or 5xx; the transfer DID happen). */
  readonly lostResponse: number;
  /** Per transfer: the provider answers "processing"; it settles (mostly succeeds) a few minutes later. */
  readonly processing: number;
  /** Per transfer: the provider executes it but answers "duplicate id" (an HTTP retry hit the original). */
  readonly duplicateAnswer: number;
  /** Per transfer: a definite rejection (insufficient balance). */
  readonly insufficientBalance: number;
  /** Per inquiry: no answer (timeout). */
  readonly inquiryUnknown: number;
  /** Per succeeded transfer: the bank reverses it later and publishes a notice. */
  readonly reversal: number;
  /** Per buyer deposit: the bank cancels it later (a cancellation row follows). */
  readonly depositCancellation: number;
}

/** Every class off. */
export const NO_FAULTS: FaultPlan = {
  enabled: false,
  crash: 0,
  clockJump: 0,
  duplicateDelivery: 0,
  overlappingIngest: 0,
  storeThrottle: 0,
  storeConflict: 0,
  storeAppliedButFailed: 0,
  portThrottle: 0,
  sequenceRegression: 0,
  lostRequest: 0,
  lostResponse: 0,
  processing: 0,
  duplicateAnswer: 0,
  insufficientBalance: 0,
  inquiryUnknown: 0,
  reversal: 0,
  depositCancellation: 0,
};

/** The fault classes, for coverage reports and targeted runs. */
export type FaultClass = Exclude<keyof FaultPlan, 'enabled'>;
export const FAULT_CLASSES = Object.keys(NO_FAULTS).filter((k) => k !== 'enabled') as FaultClass[];

/** Upper intensities: high enough that a small run sees each class, low enough that work gets done. */
const MAX_INTENSITY: Readonly<Record<FaultClass, number>> = {
  crash: 0.03,
  clockJump: 0.03,
  duplicateDelivery: 0.4,
  overlappingIngest: 0.4,
  storeThrottle: 0.08,
  storeConflict: 0.08,
  storeAppliedButFailed: 0.08,
  portThrottle: 0.05,
  sequenceRegression: 0.3,
  lostRequest: 0.25,
  lostResponse: 0.25,
  processing: 0.25,
  duplicateAnswer: 0.15,
  insufficientBalance: 0.1,
  inquiryUnknown: 0.2,
  reversal: 0.15,
  depositCancellation: 0.2,
};

/**
 * Draw a plan: with probability `offShare` all faults off; otherwise each class is on with
 * probability 1/2 at an intensity in (0, max].
 *
 * @example
 * ```ts
 * const plan = drawFaultPlan(createPrng(42).fork('faults'));
 * ```
 */
export function drawFaultPlan(prng: Prng, options: { offShare?: number } = {}): FaultPlan {
  if (prng.chance(options.offShare ?? 0.1)) return NO_FAULTS;
  const plan: Record<string, number | boolean> = { enabled: true };
  for (const k of FAULT_CLASSES) {
    plan[k] = prng.chance(0.5) ? MAX_INTENSITY[k] * (0.25 + 0.75 * prng.float()) : 0;
  }
  return plan as unknown as FaultPlan;
}

/**
 * A plan with only the given classes on, at their upper intensity (targeted runs, CLI `--faults`).
 *
 * @example
 * ```ts
 * const plan = focusedFaultPlan(['crash', 'lostResponse']);
 * ```
 */
export function focusedFaultPlan(classes: readonly FaultClass[], scale = 1): FaultPlan {
  const plan: Record<string, number | boolean> = { ...NO_FAULTS, enabled: classes.length > 0 };
  for (const k of classes) plan[k] = Math.min(1, MAX_INTENSITY[k] * scale);
  return plan as unknown as FaultPlan;
}

/** Names of the classes a plan has on. */
export function activeFaults(plan: FaultPlan): FaultClass[] {
  return FAULT_CLASSES.filter((k) => plan[k] > 0);
}
