/**
 * Wire protocols remit speaks with its providers. Pure: schemas, formats and code tables only.
 */
export * from './open-banking.js';
export * from './open-banking-requests.js';
export * from './open-banking-statements.js';
