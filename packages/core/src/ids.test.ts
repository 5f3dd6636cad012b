import { describe, expect, it } from 'vitest';
import { isRemitError } from './errors.js';
import {
  fingerprint,
  orderIdOf,
  parseAccountId,
  parseBankTranId,
  parseDepositId,
  parseInstitutionCode,
  parseOrderId,
  parseRemittanceId,
  parseSellerId,
  remittanceIdFor,
} from './ids.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

describe('id parsers', () => {
  const parsers = { parseOrderId, parseSellerId, parseAccountId, parseDepositId };

  it.each(Object.entries(parsers))('%s accepts the id alphabet up to 64 chars', (_name, parse) => {
    expect(parse('ord-0001')).toBe('ord-0001');
    expect(parse('A.b_c:d-9')).toBe('A.b_c:d-9');
    expect(parse('x'.repeat(64))).toBe('x'.repeat(64));
  });

  it.each(Object.entries(parsers))('%s rejects everything else', (_name, parse) => {
    for (const bad of [
      '',
      'x'.repeat(65),
      '-leading-dash',
      'has space',
      '김테스트',
      'a/b',
      42,
      undefined,
      null,
    ]) {
      expect(
        code(() => parse(bad)),
        String(bad),
      ).toBe('INVALID_INPUT');
    }
  });
});

describe('remittance ids', () => {
  it('derives the remittance id from the order: same order, same id', () => {
    const order = parseOrderId('ord-1');
    expect(remittanceIdFor(order)).toBe('rm:ord-1');
    expect(remittanceIdFor(parseOrderId('ord-1'))).toBe(remittanceIdFor(order));
    expect(orderIdOf(remittanceIdFor(order))).toBe(order);
  });

  it('parses only ids derived from a valid order id', () => {
    expect(parseRemittanceId('rm:ord-1')).toBe('rm:ord-1');
    for (const bad of ['ord-1', 'rm:', 'rm:has space', 'RM:ord-1', 7]) {
      expect(
        code(() => parseRemittanceId(bad)),
        String(bad),
      ).toBe('INVALID_INPUT');
    }
  });
});

describe('institution codes and bank transaction ids', () => {
  it('institution codes are 10 chars of [A-Z0-9]', () => {
    expect(parseInstitutionCode('T991234560')).toBe('T991234560');
    for (const bad of ['T99123456', 'T9912345601', 't991234560', 'T99123456-', 10]) {
      expect(
        code(() => parseInstitutionCode(bad)),
        String(bad),
      ).toBe('INVALID_INPUT');
    }
  });

  it('bank transaction ids are open-banking (20 chars) or firm-banking (6 digits)', () => {
    expect(parseBankTranId('T991234560U000000001')).toBe('T991234560U000000001');
    expect(parseBankTranId('000042')).toBe('000042');
    for (const bad of ['T991234560X000000001', 'T991234560U00000001', '00042', '0000042', 'ABCDEF', 42]) {
      expect(
        code(() => parseBankTranId(bad)),
        String(bad),
      ).toBe('INVALID_INPUT');
    }
  });
});

describe('fingerprint', () => {
  it('is 32 hex chars, stable, and sensitive to every part', () => {
    const f = fingerprint(['20261128', '101500', 15000]);
    expect(f).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint(['20261128', '101500', 15000])).toBe(f);
    expect(fingerprint(['20261128', '101500', 15001])).not.toBe(f);
    expect(fingerprint(['20261128', '101500', '15000'])).toBe(f); // numbers enter as their decimal text
  });

  it('joins parts unambiguously', () => {
    expect(fingerprint(['ab', 'c'])).not.toBe(fingerprint(['a', 'bc']));
    expect(fingerprint(['a;', 'b'])).not.toBe(fingerprint(['a', ';b']));
    expect(fingerprint([])).not.toBe(fingerprint(['']));
  });
});
