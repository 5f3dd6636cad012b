/**
 * The deterministic simulation kit: seeded PRNG, workload generator, cooperative scheduler, fault
 * plan, world models (bank, statement, FIFO queue), auditor and the runner. Adapters come from a
 * factory (`@remit/adapters-memory` provides `memorySimSystem` and the `pnpm sim` CLI).
 */
export { Auditor, type AuditorOptions, type PostedDeposit, type Violation } from './auditor.js';
export { type BankCall, type LedgerEntry, type LedgerStatus, SimBank } from './bank.js';
export { formatKst, SimClock, type SimContext, Trace } from './context.js';
export {
  activeFaults,
  drawFaultPlan,
  FAULT_CLASSES,
  type FaultClass,
  type FaultPlan,
  focusedFaultPlan,
  NO_FAULTS,
} from './fault-plan.js';
export { FailoverSequence, faulty, yielding } from './ports.js';
export { createPrng, type Prng } from './prng.js';
export { type Delivery, type QueuedMessage, SimQueue } from './queue.js';
export { Scheduler, type SimTask, WorkerRole } from './scheduler.js';
export {
  runSimulation,
  type SimOptions,
  type SimResult,
  type SimStats,
  type SimSystem,
  type SimSystemEnv,
  type SimSystemFactory,
} from './simulation.js';
export { SimStatement } from './statement.js';
export { applyVariant, BROKEN_VARIANTS, type BrokenVariant } from './variants.js';
export { generateWorkload, type Workload } from './workload.js';
