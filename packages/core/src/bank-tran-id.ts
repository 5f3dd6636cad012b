/**
 * Turning a per-day sequence number into the provider's transaction id. Both formats refuse to
 * overflow: past the maximum there is no number, never a wrap-around to one already used today.
 */
import { ErrorCode, invalidInput, RemitError } from './errors.js';
import type { BankTranId, InstitutionCode } from './ids.js';

/**
 * A format for bank transaction ids.
 *
 * @example
 * ```ts
 * const id = openBankingFormat.format({ institution, sequence: 42 }); // 'T991234560U000000042'
 * ```
 */
export interface BankTranIdFormat {
  readonly name: 'open-banking' | 'firm-banking';
  /** Largest sequence number the provider accepts in one business day. */
  readonly maxSequence: number;
  format(input: { institution: InstitutionCode; sequence: number }): BankTranId;
}

function checkSequence(sequence: number, max: number, name: string): void {
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw invalidInput(`${name} sequence must be >= 1, got ${sequence}`);
  if (sequence > max) {
    throw new RemitError(
      ErrorCode.SequenceExhausted,
      `${name} sequence ${sequence} exceeds the daily maximum ${max}`,
      {
        details: { sequence, max },
      },
    );
  }
}

/**
 * Open-banking: 10-char institution code + `U` + 9-digit per-day suffix = 20 chars.
 *
 * @example
 * ```ts
 * openBankingFormat.format({ institution: parseInstitutionCode('T991234560'), sequence: 1 });
 * // 'T991234560U000000001'
 * ```
 */
export const openBankingFormat: BankTranIdFormat = {
  name: 'open-banking',
  maxSequence: 999_999_999,
  format({ institution, sequence }) {
    checkSequence(sequence, this.maxSequence, 'open-banking');
    return `${institution}U${String(sequence).padStart(9, '0')}` as BankTranId;
  },
};

/**
 * Firm-banking: a 6-digit daily sequence, at most 950,000 (the rest is reserved by the banks).
 *
 * @example
 * ```ts
 * firmBankingFormat.format({ institution, sequence: 42 }); // '000042'
 * firmBankingFormat.format({ institution, sequence: 950_001 }); // throws SEQUENCE_EXHAUSTED
 * ```
 */
export const firmBankingFormat: BankTranIdFormat = {
  name: 'firm-banking',
  maxSequence: 950_000,
  format({ sequence }) {
    checkSequence(sequence, this.maxSequence, 'firm-banking');
    return String(sequence).padStart(6, '0') as BankTranId;
  },
};
