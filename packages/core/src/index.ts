/**
 * @remit/core: the domain of automated bank-transfer payments, pure and port-driven.
 */
export * from './bank-tran-id.js';
export * from './domain/deposit-id.js';
export * from './domain/fees.js';
export * from './domain/matching.js';
export * from './domain/names.js';
export * from './domain/order-names.js';
export * from './domain/remittance.js';
export * from './domain/remittance-routing.js';
export * from './errors.js';
export * from './ids.js';
export * from './messages.js';
export * from './money.js';
export * from './ports/index.js';
export * from './protocol/index.js';
export * from './time.js';
export * from './types.js';
export type * from './use-cases/contracts.js';
export * from './use-cases/index.js';
