/**
 * @remit/core: the domain of automated bank-transfer payments, pure and port-driven.
 */
export * from './bank-tran-id.js';
export * from './errors.js';
export * from './ids.js';
export * from './messages.js';
export * from './money.js';
export * from './ports/index.js';
export * from './time.js';
export * from './types.js';
export type * from './use-cases/contracts.js';
