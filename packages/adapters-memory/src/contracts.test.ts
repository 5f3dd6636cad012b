import {
  describeDepositSourceContract,
  describeIdempotencyStoreContract,
  describeIngestCheckpointStoreContract,
  describeOrderMatcherContract,
  describeRemittanceEventsContract,
  describeRemittanceQueueContract,
  describeSequenceGeneratorContract,
  describeTransferGatewayContract,
} from '@remit/core/testing';
import { SimulatedClock } from './clock.js';
import { MemoryDepositSource } from './deposit-source.js';
import { MemoryIdempotencyStore } from './idempotency-store.js';
import { MemoryIngestCheckpointStore } from './ingest-checkpoint-store.js';
import { MemoryOrderMatcher } from './order-matcher.js';
import { MemoryRemittanceEvents } from './remittance-events.js';
import { MemoryRemittanceQueue } from './remittance-queue.js';
import { MemorySequenceGenerator } from './sequence-generator.js';
import { MemoryTransferGateway } from './transfer-gateway.js';

describeIdempotencyStoreContract({
  name: 'MemoryIdempotencyStore',
  create: async () => {
    const clock = new SimulatedClock();
    return { store: new MemoryIdempotencyStore({ clock }), clock };
  },
});

describeIngestCheckpointStoreContract({
  name: 'MemoryIngestCheckpointStore',
  create: async () => ({ store: new MemoryIngestCheckpointStore() }),
});

describeOrderMatcherContract({
  name: 'MemoryOrderMatcher',
  create: async () => ({ matcher: new MemoryOrderMatcher() }),
});

describeSequenceGeneratorContract({
  name: 'MemorySequenceGenerator',
  create: async ({ maxSequence }) => ({ generator: new MemorySequenceGenerator({ maxSequence }) }),
});

describeTransferGatewayContract({
  name: 'MemoryTransferGateway',
  create: async () => {
    const clock = new SimulatedClock();
    const gateway = new MemoryTransferGateway({ clock, reversalPageSize: 2 });
    return { gateway, bank: gateway, clock };
  },
});

describeRemittanceQueueContract({
  name: 'MemoryRemittanceQueue',
  create: async () => {
    const queue = new MemoryRemittanceQueue({ clock: new SimulatedClock(), maxReceives: 3 });
    return { queue, consumer: queue, maxReceives: 3 };
  },
});

describeDepositSourceContract({
  name: 'MemoryDepositSource',
  create: async () => {
    const source = new MemoryDepositSource({ pageSize: 4 });
    return { source, pageSize: 4, append: async (deposits) => source.append(...deposits) };
  },
});

describeRemittanceEventsContract({
  name: 'MemoryRemittanceEvents',
  create: async () => {
    const events = new MemoryRemittanceEvents();
    return { events, read: () => events.read() };
  },
});
