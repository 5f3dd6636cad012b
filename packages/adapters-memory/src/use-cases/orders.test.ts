import {
  assignedNameCandidates,
  cancelOrder,
  DEFAULT_SUFFIX_ATTEMPTS,
  eucKrByteLength,
  ingestDeposits,
  type OpenOrderRequest,
  openOrder,
  parseAccountId,
  parseDepositId,
  parseKrw,
  parseOrderId,
  parseSellerId,
} from '@remit/core';
import { CONTRACT_PAYEE } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemorySystem } from '../system.js';

const ACCOUNT = parseAccountId('acct-main');

function setup() {
  const sys = createMemorySystem({ accounts: [ACCOUNT] });
  const request = (orderId: string, overrides: Partial<OpenOrderRequest> = {}): OpenOrderRequest => ({
    orderId: parseOrderId(orderId),
    sellerId: parseSellerId('seller-01'),
    accountId: ACCOUNT,
    amountKrw: parseKrw(15_000),
    payee: CONTRACT_PAYEE,
    ttlMs: 3_600_000,
    depositorName: '김테스트',
    ...overrides,
  });
  return { sys, request, open: (r: OpenOrderRequest) => openOrder(sys.orderDeps, r) };
}

describe('openOrder', () => {
  it('opens a pending order that expires after its ttl', async () => {
    const { sys, request, open } = setup();
    const r = await open(request('ord-1'));
    expect(r.kind).toBe('opened');
    if (r.kind !== 'opened') return;
    expect(r.depositorName).toBe('김테스트');
    expect(r.order).toMatchObject({
      status: 'pending',
      createdAt: sys.clock.now(),
      expiresAt: sys.clock.now() + 3_600_000,
    });
    expect(await sys.matcher.getOrder({ orderId: r.order.orderId })).toEqual(r.order);
  });

  it('re-sent by the main server it is a duplicate', async () => {
    const { request, open } = setup();
    await open(request('ord-1', { assignSuffix: true }));
    expect((await open(request('ord-1', { assignSuffix: true }))).kind).toBe('duplicate');
    expect((await open(request('ord-1'))).kind).toBe('duplicate');
  });

  it('without a suffix a clashing name is refused, naming the order it clashes with', async () => {
    const { request, open } = setup();
    await open(request('ord-1'));
    expect(await open(request('ord-2', { depositorName: '김 테스트' }))).toEqual({
      kind: 'name_taken',
      conflictingOrderId: 'ord-1',
    });
  });

  it('with assignSuffix every buyer gets a distinct name + 3 digits that fits the bank budget', async () => {
    const { sys, request, open } = setup();
    const names = new Set<string>();
    for (let i = 0; i < 30; i += 1) {
      const r = await open(request(`ord-${i}`, { depositorName: '김테스트상사본점', assignSuffix: true }));
      expect(r.kind).toBe('opened');
      if (r.kind !== 'opened') continue;
      expect(r.depositorName).toMatch(/^김테스트\d{3}$/);
      expect(eucKrByteLength(r.depositorName)).toBeLessThanOrEqual(sys.orderDeps.policy.nameBudgetBytes);
      names.add(r.depositorName);
    }
    expect(names.size).toBe(30);
  });

  it('answers name_taken when every suffix it may try is taken', async () => {
    const { sys, request, open } = setup();
    const candidates = assignedNameCandidates({
      base: '김테스트',
      orderId: parseOrderId('ord-new'),
      budgetBytes: sys.orderDeps.policy.nameBudgetBytes,
      attempts: DEFAULT_SUFFIX_ATTEMPTS,
    });
    for (const [i, name] of candidates.entries())
      await open(request(`ord-taken-${i}`, { depositorName: name }));
    const r = await open(request('ord-new', { assignSuffix: true }));
    expect(r).toEqual({ kind: 'name_taken', conflictingOrderId: `ord-taken-${candidates.length - 1}` });
  });

  it('validates the request before touching the matcher', async () => {
    const { sys, request, open } = setup();
    for (const bad of [
      request('ord-1', { ttlMs: 0 }),
      request('ord-1', { ttlMs: 31 * 24 * 3_600_000 }),
      request('ord-1', { amountKrw: parseKrw(0) }),
      request('ord-1', { depositorName: ' \u200b ' }),
      request('ord-1', { payee: { ...CONTRACT_PAYEE, bankCode: '4' } }),
      request('ord-1', { payee: { ...CONTRACT_PAYEE, accountNumber: 'abc' } }),
      request('ord-1', { payee: { ...CONTRACT_PAYEE, holderName: '' } }),
    ]) {
      await expect(open(bad)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(sys.matcher.orders()).toEqual([]);
  });
});

describe('cancelOrder', () => {
  it('cancels a pending order; a deposit for it afterwards is an orphan owed back, never paid out', async () => {
    const { sys, request, open } = setup();
    await open(request('ord-1'));
    expect((await cancelOrder(sys.orderDeps, { orderId: parseOrderId('ord-1') })).kind).toBe('cancelled');
    expect((await cancelOrder(sys.orderDeps, { orderId: parseOrderId('ord-1') })).kind).toBe(
      'already_cancelled',
    );
    sys.source.append({
      accountId: ACCOUNT,
      depositId: parseDepositId('dep-1'),
      depositorName: '김테스트',
      amountKrw: parseKrw(15_000),
      occurredAt: sys.clock.now(),
      kind: 'deposit',
    });
    sys.clock.advance(60_000);
    expect(await ingestDeposits(sys.ingestDeps, {})).toMatchObject({ orphan: 1, enqueued: 0 });
    expect(sys.events.ofType('refund_owed').map((e) => e.reason)).toEqual(['orphan_cancelled']);
  });
});
