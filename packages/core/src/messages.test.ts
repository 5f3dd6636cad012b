import { describe, expect, it } from 'vitest';
import { isRemitError } from './errors.js';
import { parseRemittanceMessage, payloadHashOf, remittanceMessageSchema } from './messages.js';
import type { RemittanceMessage } from './types.js';

const valid = {
  v: 1,
  remittanceId: 'rm:ord-1',
  orderId: 'ord-1',
  sellerId: 'seller-1',
  depositId: 'dep-1',
  accountId: 'acct-1',
  payee: { bankCode: '004', accountNumber: '110-000-000099', holderName: '판매자' },
  depositKrw: 10_500,
  orderAmountKrw: 10_000,
  feeKrw: 300,
  payoutKrw: 9_700,
  excessKrw: 500,
  matchedAt: 1_800_000_000_000,
};

function problem(body: unknown): string {
  try {
    parseRemittanceMessage(body);
  } catch (err) {
    if (isRemitError(err) && err.code === 'INVALID_INPUT') return err.message;
    throw err;
  }
  throw new Error('expected the message to be rejected');
}

describe('parseRemittanceMessage', () => {
  it('parses a valid message from JSON text or an object', () => {
    expect(parseRemittanceMessage(JSON.stringify(valid))).toEqual(valid);
    expect(parseRemittanceMessage(valid)).toEqual(valid);
    expect(remittanceMessageSchema.safeParse(valid).success).toBe(true);
  });

  it('rejects a body that is not JSON', () => {
    expect(problem('{not json')).toBe('message body is not JSON');
  });

  it('rejects a remittance id not derived from the order id', () => {
    expect(problem({ ...valid, remittanceId: 'rm:ord-2' })).toContain(
      'remittanceId is not derived from orderId',
    );
  });

  it('rejects money that does not add up', () => {
    expect(problem({ ...valid, payoutKrw: 9_701 })).toContain('payoutKrw + feeKrw must equal orderAmountKrw');
    expect(problem({ ...valid, excessKrw: 0 })).toContain('depositKrw must equal orderAmountKrw + excessKrw');
  });

  it('names every bad field, with the parsers’ reasons', () => {
    const message = problem({
      ...valid,
      v: 2,
      depositId: 'has space',
      feeKrw: 1.5,
      payee: { ...valid.payee, bankCode: '4' },
    });
    expect(message).toContain('v:');
    expect(message).toContain('depositId: depositId must be 1-64 chars');
    expect(message).toContain('feeKrw: amount must be a whole number of won');
    expect(message).toContain('payee.bankCode: bankCode must be 3 digits');
  });

  it('words the checks that have no message of their own like classic zod', () => {
    // zod/mini ships no locale: without core's English one this would read "Invalid input".
    const message = problem({ ...valid, orderId: 7, payee: { ...valid.payee, holderName: '' } });
    expect(message).toContain('orderId: Invalid input: expected string, received number');
    expect(message).toContain('payee.holderName: Too small: expected string to have >=1 characters');
  });

  it('rejects a non-object root and reports it as (root)', () => {
    expect(problem(42)).toContain('(root)');
    expect(problem('null')).toContain('(root)');
  });

  it('rejects bad ids of every kind', () => {
    for (const field of ['remittanceId', 'orderId', 'sellerId', 'accountId'] as const) {
      expect(problem({ ...valid, [field]: '' })).toContain(`${field}:`);
    }
    expect(problem({ ...valid, matchedAt: -1 })).toContain('matchedAt');
  });
});

describe('payloadHashOf', () => {
  const message = parseRemittanceMessage(valid);

  it('is stable for the same payout instruction, whatever matchedAt', () => {
    expect(payloadHashOf(message)).toBe(payloadHashOf(parseRemittanceMessage(JSON.stringify(valid))));
    expect(payloadHashOf({ ...message, matchedAt: 1 })).toBe(payloadHashOf(message));
  });

  it('changes with anything that changes the payout', () => {
    const variants: RemittanceMessage[] = [
      { ...message, payee: { ...message.payee, accountNumber: '110-000-000098' } },
      { ...message, payee: { ...message.payee, bankCode: '088' } },
      { ...message, payee: { ...message.payee, holderName: '다른판매자' } },
      { ...message, payoutKrw: 9_600 as RemittanceMessage['payoutKrw'] },
      { ...message, depositId: 'dep-2' as RemittanceMessage['depositId'] },
    ];
    const hashes = new Set([payloadHashOf(message), ...variants.map(payloadHashOf)]);
    expect(hashes.size).toBe(variants.length + 1);
  });
});
