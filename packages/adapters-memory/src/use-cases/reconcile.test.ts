import { KST_OFFSET_MS, type RemittanceMessage, reconcile, remit } from '@remit/core';
import { contractMessage } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemorySystem, type MemorySystemOptions } from '../system.js';

const kst = (hh: number, mm: number, day = 28) => Date.UTC(2026, 10, day, hh, mm) - KST_OFFSET_MS;

function setup(options: MemorySystemOptions = {}) {
  const sys = createMemorySystem(options);
  const pay = (m: RemittanceMessage) => remit(sys.remitDeps, { message: m });
  const run = (limit = 100, reversalsSinceMs?: number) =>
    reconcile(sys.reconcileDeps, { limit, ...(reversalsSinceMs === undefined ? {} : { reversalsSinceMs }) });
  const status = async (m: RemittanceMessage) =>
    (await sys.store.get({ remittanceId: m.remittanceId }))?.status;
  return { sys, pay, run, status };
}

const empty = {
  examined: 0,
  succeeded: 0,
  rejected: 0,
  resent: 0,
  stillUnknown: 0,
  escalated: 0,
  reversed: 0,
};

describe('reconcile', () => {
  it('finishes a claim whose worker died after the transfer: inquiry first, no second transfer', async () => {
    const { sys, pay, run, status } = setup();
    const m = contractMessage('ord-1');
    sys.store.faults.failNext({ op: 'complete' });
    await expect(pay(m)).rejects.toThrow();
    // Inside the lease the claim is not stale yet: left alone.
    expect(await run()).toEqual(empty);
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect(await run()).toEqual({ ...empty, examined: 1, succeeded: 1 });
    expect(await status(m)).toBe('succeeded');
    expect(sys.gateway.transferCalls()).toHaveLength(1);
    expect(sys.gateway.moneyMovedFor(m.remittanceId)).toBe(1);
    // A second run finds nothing open.
    expect(await run()).toEqual(empty);
  });

  it('resolves an unknown payout that never reached the bank by resending it once', async () => {
    const { sys, pay, run, status } = setup();
    const m = contractMessage('ord-1');
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await pay(m);
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect(await run()).toEqual({ ...empty, examined: 1, succeeded: 1, resent: 1 });
    expect(await status(m)).toBe('succeeded');
    expect(sys.gateway.moneyMovedFor(m.remittanceId)).toBe(1);
  });

  it('counts rejections found by inquiry, unknowns that stay unknown, and escalates them by age', async () => {
    const { sys, pay, run, status } = setup({ remit: { unknownEscalateAfterMs: 20 * 60_000 } });
    const rejected = contractMessage('ord-r');
    const stuck = contractMessage('ord-s');
    sys.gateway.scriptTransfer(
      { kind: 'processing', settlesAs: 'rejected' },
      { kind: 'timeout', executed: true },
    );
    await pay(rejected);
    await pay(stuck);
    const r = (await sys.store.get({ remittanceId: rejected.remittanceId }))!;
    await sys.gateway.settle({
      bankTranId: r.bankTranId!,
      businessDate: r.businessDate!,
      result: 'rejected',
    });
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    sys.gateway.scriptInquiry({ kind: 'normal' }, { kind: 'unknown', reason: 'timeout' });
    expect(await run()).toEqual({ ...empty, examined: 2, rejected: 1, stillUnknown: 1 });
    sys.clock.advance(20 * 60_000);
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect(await run()).toEqual({ ...empty, examined: 1, escalated: 1 });
    expect(await status(stuck)).toBe('manual_review');
    expect(sys.events.ofType('manual_review').map((e) => e.reason)).toEqual(['unknown_too_long']);
  });

  it('leaves deferred payouts alone during the maintenance window and sends them after it', async () => {
    const { sys, pay, run, status } = setup({ startMs: kst(23, 0) });
    const m = contractMessage('ord-1');
    sys.gateway.scriptTransfer({ kind: 'maintenance' });
    expect((await pay(m)).kind).toBe('deferred');
    sys.clock.set(kst(23, 40));
    expect(await run()).toEqual({ ...empty, examined: 1 });
    expect(await status(m)).toBe('deferred');
    expect(sys.gateway.transferCalls()).toHaveLength(1);
    sys.clock.set(kst(0, 31, 29));
    const report = await run();
    expect(report).toEqual({ ...empty, examined: 1, succeeded: 1, resent: 1 });
    // The business date rolled over: a new id for the new date.
    const calls = sys.gateway.transferCalls();
    expect(calls[1]!.businessDate).not.toBe(calls[0]!.businessDate);
  });

  it('skips records a live worker holds and counts nothing for them', async () => {
    const { sys, pay, run } = setup();
    const m = contractMessage('ord-1');
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
    await pay(m);
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    // A redelivery claims it right now (lease live) and is slow: simulate by claiming directly.
    const r = (await sys.store.get({ remittanceId: m.remittanceId }))!;
    const held = await sys.store.claim({
      ...r,
      now: sys.clock.now(),
      leaseMs: 60_000,
      bankTranId: r.bankTranId!,
      businessDate: r.businessDate!,
      reserveBankTranId: true,
    });
    expect(held.kind).toBe('resumed');
    // Just updated: not stale, not even listed.
    expect((await run()).examined).toBe(0);
    // Stale by reconcile's measure but its (longer) lease still runs: listed, claimed busy, left alone.
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect(await run()).toEqual({ ...empty, examined: 1 });
    expect(sys.gateway.inquiryCalls()).toHaveLength(0);
  });

  it('is bounded by limit and pages through many open records', async () => {
    const { sys, pay, run } = setup();
    const messages = Array.from({ length: 130 }, (_, i) => contractMessage(`ord-${i}`));
    for (const m of messages) {
      sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
      await pay(m);
    }
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect(await run(120)).toMatchObject({ examined: 120, succeeded: 120 });
    expect(await run(120)).toMatchObject({ examined: 10, succeeded: 10 });
    for (const m of messages) expect(sys.gateway.moneyMovedFor(m.remittanceId)).toBe(1);
  });

  it('marks a reversed payout, raises review events once, and leaves a re-run idempotent', async () => {
    const { sys, pay, run, status } = setup();
    const m = contractMessage('ord-1');
    const since = sys.clock.now();
    expect((await pay(m)).kind).toBe('succeeded');
    const r = (await sys.store.get({ remittanceId: m.remittanceId }))!;
    sys.clock.advance(3_600_000);
    await sys.gateway.reverse({
      bankTranId: r.bankTranId!,
      businessDate: r.businessDate!,
      reason: 'account closed',
    });
    expect(await run(100, since)).toEqual({ ...empty, reversed: 1 });
    expect(await status(m)).toBe('reversed');
    expect(sys.events.ofType('payout_reversed')).toHaveLength(1);
    expect(sys.events.ofType('manual_review')[0]).toMatchObject({
      remittanceId: m.remittanceId,
      reason: 'payout_reversed: account closed',
    });
    expect(await run(100, since)).toEqual(empty);
    expect(sys.events.ofType('payout_reversed')).toHaveLength(1);
    // A reversed payout is final for the machine: a redelivery does not pay again.
    expect((await pay(m)).kind).toBe('already_finished');
  });

  it('reports a reversal notice that matches no succeeded payout for review', async () => {
    const { sys, pay, run } = setup({ gateway: { reversalPageSize: 1 } });
    const m = contractMessage('ord-1');
    await pay(m);
    const r = (await sys.store.get({ remittanceId: m.remittanceId }))!;
    await sys.gateway.reverse({ bankTranId: r.bankTranId!, businessDate: r.businessDate!, reason: 'x' });
    // The record is gone (past retention): nothing carries that id any more.
    sys.clock.advance(sys.remitDeps.config.retainMs + 1);
    const report = await run(100, 0);
    expect(report.reversed).toBe(0);
    expect(sys.events.ofType('manual_review').map((e) => e.reason)).toEqual(['reversal_without_payout']);
  });

  it('an unknown payout found not_found during the window is deferred, not resent', async () => {
    const { sys, pay, run, status } = setup({ startMs: kst(23, 0) });
    const m = contractMessage('ord-1');
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await pay(m);
    sys.clock.set(kst(23, 40));
    expect(await run()).toEqual({ ...empty, examined: 1 });
    expect(await status(m)).toBe('deferred');
    expect(sys.gateway.transferCalls()).toHaveLength(1);
  });

  it('reads every page of reversal notices', async () => {
    const { sys, pay, run } = setup({ gateway: { reversalPageSize: 1 } });
    const messages = [contractMessage('ord-1'), contractMessage('ord-2')];
    for (const m of messages) {
      await pay(m);
      const r = (await sys.store.get({ remittanceId: m.remittanceId }))!;
      await sys.gateway.reverse({ bankTranId: r.bankTranId!, businessDate: r.businessDate!, reason: 'x' });
    }
    expect((await run(100, 0)).reversed).toBe(2);
  });

  it('an open record without a written-ahead id is an internal error (a corrupted store), not a guess', async () => {
    const { sys, pay } = setup();
    const m = contractMessage('ord-1');
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
    await pay(m);
    const r = (await sys.store.get({ remittanceId: m.remittanceId }))!;
    const { bankTranId: _drop, ...corrupt } = r;
    const store = { ...sys.store, listOpen: async () => ({ records: [corrupt] }) };
    await expect(
      reconcile({ ...sys.reconcileDeps, store: store as never }, { limit: 10 }),
    ).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('refuses an unbounded run', async () => {
    const { run } = setup();
    await expect(run(0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(run(1_000_000)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
