export * from './deposit-source.js';
export * from './fixtures.js';
export * from './idempotency-store.js';
export * from './order-matcher.js';
export * from './remittance-events.js';
export * from './remittance-queue.js';
export * from './sequence-generator.js';
export * from './transfer-gateway.js';
