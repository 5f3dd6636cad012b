export { type CancelOrderOutcome, cancelOrder } from './cancel-order.js';
export { checkIngestConfig, ingestDeposits } from './ingest-deposits.js';
export { MAX_ORDER_TTL_MS, openOrder } from './open-order.js';
export { DEFAULT_REVERSAL_LOOKBACK_MS, MAX_RECONCILE_LIMIT, reconcile } from './reconcile.js';
export { checkRemitConfig, remit } from './remit.js';
