import { describe, expect, it } from 'vitest';
import { maskAccountNumber, maskDeep, maskName, maskText } from './mask.js';

describe('maskAccountNumber', () => {
  it('keeps the last 4 digits and the separators', () => {
    expect(maskAccountNumber('110-000-000001')).toBe('***-***-**0001');
    expect(maskAccountNumber('11000000000123')).toBe('**********0123');
  });
});

describe('maskName', () => {
  it('keeps the first syllable or letter', () => {
    expect(maskName('김테스트')).toBe('김*');
    expect(maskName('ACME Trading')).toBe('A*');
    expect(maskName('')).toBe('');
  });
});

describe('maskText', () => {
  it('masks account numbers and Hangul names inside free text', () => {
    expect(maskText('sent 15000 to 110-000-000001 (김테스트123)')).toBe(
      'sent 15000 to ***-***-**0001 (김*123)',
    );
  });

  it('leaves ids, dates and amounts readable', () => {
    for (const s of [
      'dep-20261128-0001',
      'T991234560U000000001',
      'rm:ord-0042',
      '2026-11-28T01:00:00.000Z',
      'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      'amount 1500000',
    ]) {
      expect(maskText(s)).toBe(s);
    }
  });
});

describe('maskDeep', () => {
  it('masks by key at any depth, including Latin names', () => {
    const masked = maskDeep({
      remittanceId: 'rm:ord-1',
      payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: 'Kim Test' },
      deposit: { depositorName: '이테스트', amountKrw: 15000 },
      bank: { recv_client_account_num: '1100000000019', recv_client_name: '박테스트' },
    });
    expect(masked).toEqual({
      remittanceId: 'rm:ord-1',
      payee: { bankCode: '004', accountNumber: '***-***-**0001', holderName: 'K*' },
      deposit: { depositorName: '이*', amountKrw: 15000 },
      bank: { recv_client_account_num: '*********0019', recv_client_name: '박*' },
    });
  });
});
