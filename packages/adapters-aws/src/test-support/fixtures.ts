// Fake data only (names like 김테스트, accounts like 110-000-000001).
import {
  type BusinessDate,
  type InstitutionCode,
  openBankingFormat,
  parseAccountId,
  parseDepositId,
  parseInstitutionCode,
  parseKrw,
  parseOrderId,
  parseSellerId,
  payloadHashOf,
  type RemittanceMessage,
  remittanceIdFor,
} from '@remit/core';

export const INSTITUTION: InstitutionCode = parseInstitutionCode('T991234560');

export function message(orderId: string, overrides: Partial<RemittanceMessage> = {}): RemittanceMessage {
  return {
    v: 1,
    remittanceId: remittanceIdFor(parseOrderId(orderId)),
    orderId: parseOrderId(orderId),
    sellerId: parseSellerId('seller-01'),
    depositId: parseDepositId(`dep-${orderId}`),
    accountId: parseAccountId('acct-main'),
    payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: '김테스트' },
    depositKrw: parseKrw(15_000),
    orderAmountKrw: parseKrw(15_000),
    feeKrw: parseKrw(500),
    payoutKrw: parseKrw(14_500),
    excessKrw: parseKrw(0),
    matchedAt: 1_764_300_000_000,
    ...overrides,
  };
}

export function claimInput(
  orderId: string,
  seq: number,
  now: number,
  date: BusinessDate,
  leaseMs = 30_000,
  reserveBankTranId = true,
) {
  const m = message(orderId);
  return {
    remittanceId: m.remittanceId,
    payloadHash: payloadHashOf(m),
    payload: m,
    now,
    leaseMs,
    bankTranId: openBankingFormat.format({ institution: INSTITUTION, sequence: seq }),
    businessDate: date,
    reserveBankTranId,
  };
}
