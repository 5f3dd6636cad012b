import type { Clock } from '@remit/core';

/** A clock tests move by hand (the contract suites' `ContractClock`). */
export class ManualClock implements Clock {
  constructor(private nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  advance(ms: number): number {
    this.nowMs += ms;
    return this.nowMs;
  }
}
