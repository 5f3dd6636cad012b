import { describe, expect, it } from 'vitest';
import { parseBankTranId, parseRemittanceId } from '../../ids.js';
import { parseKrw } from '../../money.js';
import { businessDateOf, DEFAULT_MAINTENANCE_WINDOW } from '../../time.js';
import { Auditor } from './auditor.js';
import { SimBank } from './bank.js';
import { SimClock, type SimContext, Trace } from './context.js';
import { focusedFaultPlan, NO_FAULTS } from './fault-plan.js';
import { createPrng } from './prng.js';
import { SimQueue } from './queue.js';

/** A bank and an auditor alone, fed transfer calls by hand: the call rules must fire. */
function world(plan = NO_FAULTS) {
  const clock = new SimClock(Date.UTC(2026, 10, 27, 3, 0)); // 12:00 KST, no maintenance
  const ctx: SimContext = {
    seed: 1,
    clock,
    trace: new Trace(false, clock),
    faults: () => plan,
    who: () => 'test',
  };
  let auditor: Auditor | undefined;
  const bank = new SimBank({
    context: ctx,
    prng: createPrng(1),
    maintenance: DEFAULT_MAINTENANCE_WINDOW,
    onCall: (call) => auditor?.onBankCall(call),
  });
  const queue = new SimQueue({ context: ctx, prng: createPrng(2), visibilityMs: 60_000, maxReceives: 5 });
  const unused = () => {
    throw new Error('not used');
  };
  auditor = new Auditor({
    bank,
    queue,
    store: { get: async () => undefined } as never,
    matcher: { getOrder: unused } as never,
    events: () => [],
    orders: [],
    fees: { kind: 'flat', feeKrw: parseKrw(0) },
    now: () => clock.now(),
    maxViolations: 10,
  });
  const remittanceId = parseRemittanceId('rm:ord-1');
  const transfer = (id: string) =>
    bank.transfer({
      remittanceId,
      bankTranId: parseBankTranId(id),
      businessDate: businessDateOf(clock.now()),
      amountKrw: parseKrw(10_000),
      payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: '판매자01' },
      memo: 'ord-1',
    });
  const inquire = (id: string) =>
    bank.inquire({
      bankTranId: parseBankTranId(id),
      businessDate: businessDateOf(clock.now()),
      amountKrw: parseKrw(10_000),
    });
  return { auditor, transfer, inquire };
}

describe('Auditor call rules', () => {
  it('flags a second bank id for a payout whose first may have gone through, and the double payment', async () => {
    const w = world(focusedFaultPlan(['lostResponse'], 100));
    await w.transfer('000001'); // executed, answer lost
    await w.transfer('000002'); // a new id without asking about the first
    expect(w.auditor.violations.map((v) => v.rule)).toEqual(['paid-twice']);
  });

  it('accepts a resend after a definite "not found", and flags one after a definite rejection', async () => {
    const lost = world(focusedFaultPlan(['lostRequest'], 100));
    await lost.transfer('000001'); // never reached the bank
    expect((await lost.inquire('000001')).kind).toBe('not_found');
    await lost.transfer('000001');
    expect(lost.auditor.violations).toEqual([]);

    const refused = world(focusedFaultPlan(['insufficientBalance'], 100));
    await refused.transfer('000001'); // definitely rejected: final
    await refused.transfer('000002');
    expect(refused.auditor.violations.map((v) => v.rule)).toEqual(['blind-resend']);
  });

  it('flags a same-id retry that never inquired', async () => {
    const w = world(focusedFaultPlan(['lostResponse'], 100));
    await w.transfer('000001');
    await w.transfer('000001'); // refused as a duplicate: harmless, but blind
    expect(w.auditor.violations.map((v) => v.rule)).toEqual(['blind-resend']);
  });
});
