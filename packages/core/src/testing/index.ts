/**
 * @remit/core/testing: the port contract suites every adapter runs, and the simulation kit.
 * Imported by tests only (it uses vitest).
 */

export * from './bench.js';
export * from './contracts/index.js';
export * from './sim/index.js';
