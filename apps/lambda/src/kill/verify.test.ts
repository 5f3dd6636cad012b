import type { LedgerEntry } from '@remit/bank-sim';
import {
  type BusinessDate,
  type Krw,
  parseBankTranId,
  parseKrw,
  type RemittanceRecord,
  type RemittanceStatus,
} from '@remit/core';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from './verify.js';

const date = '20261128' as BusinessDate;

function entry(orderId: string, id: string, amountKrw = 9_700): LedgerEntry {
  return {
    bankTranId: id,
    businessDate: date,
    amountKrw: amountKrw as Krw,
    fromAccountNum: '110000000900',
    payee: { bankCode: '004', accountNum: '110100000001', name: '판매자1' },
    printContent: orderId,
    tranDtime: '20261128100000',
    receivedAt: 0,
    status: 'executed',
    sourceAddress: '127.0.0.1',
  };
}

function record(id: string, status: RemittanceStatus = 'succeeded'): RemittanceRecord {
  return {
    status,
    bankTranId: parseBankTranId(id),
    businessDate: date,
    payload: { payoutKrw: parseKrw(9_700) },
  } as unknown as RemittanceRecord;
}

const A = 'T991234560U000000001';
const B = 'T991234560U000000002';

describe('verifyLedger', () => {
  it('passes one executed transfer per order that remit recorded as succeeded', () => {
    const v = verifyLedger(['k1'], [entry('k1', A)], () => record(A));
    expect(v).toMatchObject({ doubled: [], lost: [], mismatches: [], paid: 1, statuses: { succeeded: 1 } });
  });

  it('catches a double payout, a lost one, and a payout remit did not record', () => {
    expect(verifyLedger(['k1'], [entry('k1', A), entry('k1', B)], () => record(A)).doubled).toHaveLength(1);
    expect(verifyLedger(['k1', 'k2'], [entry('k1', A)], () => record(A)).lost).toEqual([
      'k2: no transfer (record succeeded)',
    ]);
    expect(verifyLedger(['k1'], [entry('k1', A)], () => record(A, 'rejected')).mismatches).toHaveLength(2);
    expect(verifyLedger(['k1'], [entry('k1', A)], () => record(B)).mismatches[0]).toMatch(/not its executed/);
    expect(verifyLedger(['k1'], [entry('k1', A), entry('x9', B)], () => record(A)).mismatches[0]).toMatch(
      /no order/,
    );
  });
});
