/**
 * @remit/adapters-memory: real, deterministic in-memory implementations of every remit port, with
 * fault hooks. Fast tests, simulations and the local demo run the domain on these.
 */
export { DEFAULT_SIMULATED_START_MS, SimulatedClock } from './clock.js';
export { MemoryDepositSource, type MemoryDepositSourceOptions } from './deposit-source.js';
export { type FailNextOptions, type FaultOptions, Faults } from './faults.js';
export {
  type IdempotencyStoreOp,
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoreWrite,
} from './idempotency-store.js';
export { MemoryIngestCheckpointStore } from './ingest-checkpoint-store.js';
export { MemoryOrderMatcher, type OrderMatcherOp } from './order-matcher.js';
export { SeededRandom } from './random.js';
export { MemoryRemittanceEvents } from './remittance-events.js';
export {
  type ChangeVisibilityInput,
  MemoryRemittanceQueue,
  type MemoryRemittanceQueueOptions,
  type ReceiptInput,
  type ReceivedRemittance,
  type ReceiveInput,
} from './remittance-queue.js';
export { MemorySequenceGenerator, type MemorySequenceGeneratorOptions } from './sequence-generator.js';
export {
  type Consumed,
  consumeQueue,
  createMemorySystem,
  DEFAULT_MEMORY_REMIT_CONFIG,
  type MemorySystem,
  type MemorySystemOptions,
} from './system.js';
export {
  type GatewayCall,
  type InquiryScript,
  type LedgerEntry,
  type LedgerStatus,
  MemoryTransferGateway,
  type MemoryTransferGatewayOptions,
  type RandomFaults,
  type TransferScript,
} from './transfer-gateway.js';
