import { describe, expect, it } from 'vitest';
import { parseBankTranId, parseDepositId, parseOrderId, parseRemittanceId } from '../ids.js';
import { parseKrw } from '../money.js';
import { parseBusinessDate } from '../time.js';
import type { RemittanceMessage, RemittanceRecord } from '../types.js';
import {
  canReuseBankTranId,
  DUPLICATE_NOT_FOUND_REASON,
  firstStepOnResume,
  inquiryOf,
  isUnknownOverdue,
  MEMO_MAX_CHARS,
  stepAfterInquiry,
  stepAfterTransfer,
  transferRequestOf,
} from './remittance.js';
import { remittanceDedupId, remittanceGroupId } from './remittance-routing.js';

const DATE = parseBusinessDate('20261128');
const ID = parseBankTranId('T991234560U000000007');
const payload = {
  remittanceId: parseRemittanceId('rm:ord-1'),
  orderId: parseOrderId('ord-1'),
  depositId: parseDepositId('dep-1'),
  payoutKrw: parseKrw(14_700),
  payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: '김판매' },
} as unknown as RemittanceMessage;
const record = (overrides: Partial<RemittanceRecord> = {}): RemittanceRecord => ({
  remittanceId: payload.remittanceId,
  payloadHash: 'h',
  payload,
  status: 'sending',
  fence: 1,
  leaseUntil: 0,
  bankTranId: ID,
  businessDate: DATE,
  attempts: 1,
  createdAt: 0,
  updatedAt: 0,
  ...overrides,
});

describe('stepAfterTransfer', () => {
  it('maps every provider answer to the next step; nothing that may have moved money is rejected', () => {
    expect(stepAfterTransfer({ kind: 'succeeded', providerCode: 'A0000/000' })).toEqual({
      kind: 'complete',
      status: 'succeeded',
      providerCode: 'A0000/000',
    });
    expect(stepAfterTransfer({ kind: 'rejected', reason: 'name_mismatch' })).toEqual({
      kind: 'complete',
      status: 'rejected',
      reason: 'name_mismatch',
    });
    for (const reason of [
      'timeout',
      'connection_reset',
      'server_error',
      'processing',
      'malformed',
    ] as const) {
      expect(stepAfterTransfer({ kind: 'unknown', reason })).toEqual({ kind: 'unknown', reason });
    }
    expect(stepAfterTransfer({ kind: 'duplicate_id', providerCode: 'A0000/822' })).toEqual({
      kind: 'inquire',
    });
    expect(stepAfterTransfer({ kind: 'maintenance', providerCode: 'A0008' })).toEqual({
      kind: 'defer',
      providerCode: 'A0008',
    });
    expect(stepAfterTransfer({ kind: 'maintenance' })).toEqual({ kind: 'defer' });
  });
});

describe('stepAfterInquiry', () => {
  it('completes definite answers, keeps unknown unknown, and resends only after a plain not_found', () => {
    const plain = { afterDuplicate: false };
    expect(stepAfterInquiry({ kind: 'succeeded' }, plain)).toEqual({ kind: 'complete', status: 'succeeded' });
    expect(
      stepAfterInquiry({ kind: 'rejected', reason: 'limit_exceeded', providerCode: 'x' }, plain),
    ).toEqual({
      kind: 'complete',
      status: 'rejected',
      reason: 'limit_exceeded',
      providerCode: 'x',
    });
    expect(stepAfterInquiry({ kind: 'unknown', reason: 'timeout', providerCode: 'A0007' }, plain)).toEqual({
      kind: 'unknown',
      reason: 'timeout',
      providerCode: 'A0007',
    });
    expect(stepAfterInquiry({ kind: 'not_found' }, plain)).toEqual({ kind: 'resend' });
    expect(stepAfterInquiry({ kind: 'not_found' }, { afterDuplicate: true })).toEqual({
      kind: 'complete',
      status: 'manual_review',
      reason: DUPLICATE_NOT_FOUND_REASON,
    });
  });
});

describe('resume and escalation', () => {
  it('inquires a sending or unknown record first, resends a deferred one, and refuses a terminal one', () => {
    expect(firstStepOnResume(record({ status: 'sending' }))).toBe('inquire');
    expect(firstStepOnResume(record({ status: 'unknown' }))).toBe('inquire');
    expect(firstStepOnResume(record({ status: 'deferred' }))).toBe('resend');
    expect(() => firstStepOnResume(record({ status: 'succeeded' }))).toThrow(/only open records/);
  });

  it('escalates by the age since the first unknown', () => {
    expect(isUnknownOverdue({ unknownSince: 1_000 }, 1_000 + 59, 60)).toBe(false);
    expect(isUnknownOverdue({ unknownSince: 1_000 }, 1_000 + 60, 60)).toBe(true);
    expect(isUnknownOverdue({}, 5_000, 60)).toBe(false);
  });

  it('reuses a bank id only on its own business date', () => {
    expect(canReuseBankTranId({ businessDate: DATE }, DATE)).toBe(true);
    expect(canReuseBankTranId({ businessDate: DATE }, parseBusinessDate('20261129'))).toBe(false);
  });
});

describe('requests', () => {
  it('builds the transfer from the written-ahead id, with the order id as a bounded memo', () => {
    expect(transferRequestOf(record())).toEqual({
      remittanceId: payload.remittanceId,
      bankTranId: ID,
      businessDate: DATE,
      amountKrw: 14_700,
      payee: payload.payee,
      memo: 'ord-1',
    });
    const long = record({ payload: { ...payload, orderId: parseOrderId('ord-0123456789012345678901234') } });
    expect(transferRequestOf(long).memo).toHaveLength(MEMO_MAX_CHARS);
    expect(inquiryOf(record())).toEqual({ bankTranId: ID, businessDate: DATE, amountKrw: 14_700 });
  });

  it('refuses a record without a written-ahead id (a programmer error)', () => {
    const { bankTranId: _omit, ...rest } = record();
    expect(() => inquiryOf(rest)).toThrow(/no written-ahead bank id/);
  });
});

describe('queue routing', () => {
  it('groups by payee account without exposing it, and de-duplicates by remittance id', () => {
    const group = remittanceGroupId(payload);
    expect(group).toMatch(/^payee-[0-9a-f]{32}$/);
    expect(group).not.toContain('110-000-000001');
    expect(remittanceGroupId({ payee: { ...payload.payee, holderName: 'other' } })).toBe(group);
    expect(remittanceGroupId({ payee: { ...payload.payee, accountNumber: '110-000-000002' } })).not.toBe(
      group,
    );
    expect(remittanceDedupId(payload)).toBe('rm:ord-1');
  });
});
