import { describe, expect, it } from 'vitest';
import { firmBankingFormat, openBankingFormat } from './bank-tran-id.js';
import { isRemitError, RemitError } from './errors.js';
import { parseBankTranId, parseInstitutionCode } from './ids.js';

const institution = parseInstitutionCode('T991234560');

function thrown(fn: () => unknown): RemitError | undefined {
  try {
    fn();
  } catch (err) {
    if (isRemitError(err)) return err;
    throw err;
  }
  return undefined;
}

describe('open-banking format', () => {
  it('is 20 chars: 10-char institution code, U, 9-digit per-day suffix', () => {
    const id = openBankingFormat.format({ institution, sequence: 1 });
    expect(id).toBe('T991234560U000000001');
    expect(id).toHaveLength(20);
    expect(parseBankTranId(id)).toBe(id);
    const last = openBankingFormat.format({ institution, sequence: 999_999_999 });
    expect(last).toBe('T991234560U999999999');
    expect(last).toHaveLength(20);
  });

  it('refuses to overflow past 999,999,999 (no wrap-around)', () => {
    const err = thrown(() => openBankingFormat.format({ institution, sequence: 1_000_000_000 }));
    expect(err?.code).toBe('SEQUENCE_EXHAUSTED');
    expect(err?.retryable).toBe(false);
  });
});

describe('firm-banking format', () => {
  it('is 6 digits up to 950,000', () => {
    expect(firmBankingFormat.format({ institution, sequence: 42 })).toBe('000042');
    expect(firmBankingFormat.format({ institution, sequence: 950_000 })).toBe('950000');
    expect(parseBankTranId(firmBankingFormat.format({ institution, sequence: 7 }))).toBe('000007');
  });

  it('number 950,001 throws SEQUENCE_EXHAUSTED', () => {
    const err = thrown(() => firmBankingFormat.format({ institution, sequence: 950_001 }));
    expect(err).toBeInstanceOf(RemitError);
    expect(err?.code).toBe('SEQUENCE_EXHAUSTED');
    expect(err?.details).toEqual({ sequence: 950_001, max: 950_000 });
  });
});

describe('both formats', () => {
  it.each([openBankingFormat, firmBankingFormat])(
    '$name rejects sequences below 1 or not integers',
    (format) => {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        expect(thrown(() => format.format({ institution, sequence: bad }))?.code, String(bad)).toBe(
          'INVALID_INPUT',
        );
      }
    },
  );
});
