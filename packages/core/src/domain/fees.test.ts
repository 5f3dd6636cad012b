import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRemitError } from '../errors.js';
import { parseAccountId, parseDepositId, parseOrderId, parseSellerId } from '../ids.js';
import { parseRemittanceMessage } from '../messages.js';
import { type Krw, parseKrw } from '../money.js';
import type { Deposit, FeePolicy, PendingOrder } from '../types.js';
import { buildRemittanceMessage, checkFeePolicy, computePayout } from './fees.js';

const krw = (n: number) => parseKrw(n);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

describe('computePayout', () => {
  it('takes a flat fee', () => {
    expect(computePayout(krw(10_000), { kind: 'flat', feeKrw: krw(300) })).toEqual({
      feeKrw: 300,
      payoutKrw: 9_700,
    });
  });

  it('caps a flat fee at the order amount: payout 0, never negative', () => {
    expect(computePayout(krw(300), { kind: 'flat', feeKrw: krw(500) })).toEqual({
      feeKrw: 300,
      payoutKrw: 0,
    });
    expect(computePayout(krw(500), { kind: 'flat', feeKrw: krw(500) })).toEqual({
      feeKrw: 500,
      payoutKrw: 0,
    });
  });

  it('rounds a rate down to whole won', () => {
    expect(computePayout(krw(10_001), { kind: 'rate', basisPoints: 250 })).toEqual({
      feeKrw: 250,
      payoutKrw: 9_751,
    });
    expect(computePayout(krw(39), { kind: 'rate', basisPoints: 250 })).toEqual({ feeKrw: 0, payoutKrw: 39 });
    expect(computePayout(krw(10_000), { kind: 'rate', basisPoints: 10_000 })).toEqual({
      feeKrw: 10_000,
      payoutKrw: 0,
    });
    expect(computePayout(krw(10_000), { kind: 'rate', basisPoints: 0 })).toEqual({
      feeKrw: 0,
      payoutKrw: 10_000,
    });
  });

  it('rejects unusable policies with INVALID_CONFIG', () => {
    const bad = [
      { kind: 'rate', basisPoints: 2.5 },
      { kind: 'rate', basisPoints: -1 },
      { kind: 'rate', basisPoints: 10_001 },
      { kind: 'flat', feeKrw: -1 as Krw },
      { kind: 'flat', feeKrw: 0.5 as Krw },
      { kind: 'percent', value: 3 },
    ] as unknown as FeePolicy[];
    for (const fees of bad) {
      expect(
        code(() => checkFeePolicy(fees)),
        JSON.stringify(fees),
      ).toBe('INVALID_CONFIG');
      expect(code(() => computePayout(krw(1_000), fees))).toBe('INVALID_CONFIG');
    }
  });

  it('property: fee + payout = amount, both whole and non-negative, fee never above the amount', () => {
    const fees = fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map((n): FeePolicy => ({ kind: 'flat', feeKrw: krw(n) })),
      fc.integer({ min: 0, max: 10_000 }).map((bp): FeePolicy => ({ kind: 'rate', basisPoints: bp })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), fees, (amount, policy) => {
        const { feeKrw, payoutKrw } = computePayout(krw(amount), policy);
        expect(Number.isSafeInteger(feeKrw) && Number.isSafeInteger(payoutKrw)).toBe(true);
        expect(feeKrw).toBeGreaterThanOrEqual(0);
        expect(payoutKrw).toBeGreaterThanOrEqual(0);
        expect(feeKrw + payoutKrw).toBe(amount);
        if (policy.kind === 'rate') expect(feeKrw).toBe(Math.floor((amount * policy.basisPoints) / 10_000));
      }),
    );
  });
});

describe('buildRemittanceMessage', () => {
  const order: PendingOrder = {
    orderId: parseOrderId('ord-1'),
    sellerId: parseSellerId('seller-1'),
    accountId: parseAccountId('acct-1'),
    amountKrw: krw(10_000),
    depositorName: '김테스트',
    payee: { bankCode: '004', accountNumber: '110-000-000099', holderName: '판매자' },
    createdAt: 0,
    expiresAt: 1_000,
    status: 'pending',
  };
  const deposit: Deposit = {
    accountId: order.accountId,
    depositId: parseDepositId('dep-1'),
    depositorName: '김테스트',
    amountKrw: krw(10_500),
    occurredAt: 10,
    kind: 'deposit',
  };
  const fees: FeePolicy = { kind: 'rate', basisPoints: 300 };

  it('builds a message the wire schema accepts, keyed by the order', () => {
    const message = buildRemittanceMessage({ order, deposit, excessKrw: krw(500), fees, matchedAt: 20 });
    expect(message).toEqual({
      v: 1,
      remittanceId: 'rm:ord-1',
      orderId: 'ord-1',
      sellerId: 'seller-1',
      depositId: 'dep-1',
      accountId: 'acct-1',
      payee: order.payee,
      depositKrw: 10_500,
      orderAmountKrw: 10_000,
      feeKrw: 300,
      payoutKrw: 9_700,
      excessKrw: 500,
      matchedAt: 20,
    });
    expect(parseRemittanceMessage(JSON.stringify(message))).toEqual(message);
  });

  it('accepts a zero payout (fee capped at the amount)', () => {
    const message = buildRemittanceMessage({
      order,
      deposit: { ...deposit, amountKrw: krw(10_000) },
      excessKrw: krw(0),
      fees: { kind: 'flat', feeKrw: krw(20_000) },
      matchedAt: 20,
    });
    expect(message).toMatchObject({ feeKrw: 10_000, payoutKrw: 0 });
    expect(parseRemittanceMessage(message)).toEqual(message);
  });

  it('refuses parts that do not add up', () => {
    expect(
      code(() => buildRemittanceMessage({ order, deposit, excessKrw: krw(0), fees, matchedAt: 20 })),
    ).toBe('INVALID_INPUT');
    const foreign = { ...deposit, accountId: parseAccountId('acct-2') };
    expect(
      code(() =>
        buildRemittanceMessage({ order, deposit: foreign, excessKrw: krw(500), fees, matchedAt: 20 }),
      ),
    ).toBe('INVALID_INPUT');
  });
});
