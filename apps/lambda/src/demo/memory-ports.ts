/**
 * Every port on the in-memory adapters, sharing one simulated clock: what the handler tests and
 * `demo --memory` run on. The queue's visibility timeout and the payout postponement read the
 * same clock, so time-dependent behaviour (leases, redelivery, the maintenance window) is exact.
 */
import {
  MemoryDepositSource,
  MemoryIdempotencyStore,
  MemoryIngestCheckpointStore,
  MemoryOrderMatcher,
  MemoryRemittanceEvents,
  MemoryRemittanceQueue,
  MemorySequenceGenerator,
  MemoryTransferGateway,
  type MemoryTransferGatewayOptions,
  SimulatedClock,
} from '@remit/adapters-memory';
import type { InstantMs } from '@remit/core';
import type { Ports } from '../composition.js';
import type { MessageVisibility } from '../tokens.js';

export interface MemoryPortsOptions {
  readonly startMs?: InstantMs;
  /** The queue's visibility timeout (SQS default here: 6x a 30 s function timeout). */
  readonly visibilityTimeoutMs?: number;
  /** SQS `maxReceiveCount` before the dead-letter queue. */
  readonly maxReceives?: number;
  readonly gateway?: Omit<MemoryTransferGatewayOptions, 'clock'>;
  readonly depositPageSize?: number;
}

export interface MemoryPorts extends Ports {
  readonly clock: SimulatedClock;
  readonly source: MemoryDepositSource;
  readonly matcher: MemoryOrderMatcher;
  readonly store: MemoryIdempotencyStore;
  readonly checkpoints: MemoryIngestCheckpointStore;
  readonly sequence: MemorySequenceGenerator;
  readonly gateway: MemoryTransferGateway;
  readonly queue: MemoryRemittanceQueue;
  readonly events: MemoryRemittanceEvents;
}

/**
 * @example
 * ```ts
 * const ports = memoryPorts();
 * const c = createMemoryContainer({ settings, ports });
 * ```
 */
export function memoryPorts(options: MemoryPortsOptions = {}): MemoryPorts {
  const clock = new SimulatedClock(options.startMs);
  const queue = new MemoryRemittanceQueue({
    clock,
    ...(options.visibilityTimeoutMs === undefined
      ? {}
      : { visibilityTimeoutMs: options.visibilityTimeoutMs }),
    ...(options.maxReceives === undefined ? {} : { maxReceives: options.maxReceives }),
  });
  const visibility: MessageVisibility = {
    postpone: ({ receiptHandle, delayMs }) =>
      queue.changeVisibility({ receiptHandle, visibilityTimeoutMs: delayMs }),
  };
  return {
    clock,
    source: new MemoryDepositSource(
      options.depositPageSize === undefined ? {} : { pageSize: options.depositPageSize },
    ),
    matcher: new MemoryOrderMatcher(),
    store: new MemoryIdempotencyStore({ clock }),
    checkpoints: new MemoryIngestCheckpointStore(),
    sequence: new MemorySequenceGenerator(),
    gateway: new MemoryTransferGateway({ clock, ...options.gateway }),
    queue,
    events: new MemoryRemittanceEvents(),
    visibility,
  };
}
