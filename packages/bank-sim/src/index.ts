/**
 * @remit/bank-sim: an HTTP server of remit's reference transfer-provider protocol (see
 * `@remit/core`'s `OPEN_BANKING_PATHS` and `OPEN_BANKING_CODE_TABLE`), with an in-memory ledger
 * of what it executed, a source-IP allow-list, maintenance windows, reversal notices, deposit
 * statements and fault knobs. Binds 127.0.0.1 only.
 */
export { normalizeAddress } from './address.js';
export { truncateToBudget } from './bank.js';
export { startBankSim } from './server.js';
export type * from './types.js';
export { SIM_REJECTIONS } from './types.js';
