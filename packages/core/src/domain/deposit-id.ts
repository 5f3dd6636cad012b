/**
 * The identity of a statement row, which makes matching idempotent per deposit: ingest reads an
 * overlapping window every run, so the same row arrives several times and must get the same id.
 */
import { invalidInput } from '../errors.js';
import { type DepositId, fingerprint, parseDepositId } from '../ids.js';
import type { Krw } from '../money.js';
import { parseBusinessDate } from '../time.js';

/**
 * Input of {@link depositIdFor}: a statement row as the bank reports it.
 *
 * @example
 * ```ts
 * const row: DepositIdInput = { date: '20261128', time: '101500', amountKrw, depositorName: '김테스트' };
 * ```
 */
export interface DepositIdInput {
  /** The bank's transaction id for the row, when the bank gives one. */
  readonly bankTranId?: string | undefined;
  /** KST date of the row, `YYYYMMDD`. */
  readonly date: string;
  /** KST time of the row, `HHMMSS`. */
  readonly time: string;
  readonly amountKrw: Krw;
  /** Balance after the row; banks that print it make otherwise identical rows distinct. */
  readonly afterBalanceKrw?: Krw | undefined;
  /** The depositor name as printed. */
  readonly depositorName: string;
}

/** `bk-` + fingerprint for bank ids outside the id alphabet; 64 chars bounds what a key may hold. */
const BANK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * The deposit id of a statement row: the bank's transaction id when it gives one (`bk-` + a
 * fingerprint of it when it holds characters an id may not), else `fp-` + a fingerprint of
 * (date, time, amount, after-balance, name). The name enters in NFC, so the same row decoded as
 * NFD by another page of the API keeps its id.
 *
 * Limit: a bank that gives neither a transaction id nor the after-balance cannot tell apart two
 * transfers of the same amount from the same name in the same second; they get one id and the
 * second is treated as a re-read. Prefer the bank's id or the balance where the API offers them.
 *
 * @example
 * ```ts
 * depositIdFor({ bankTranId: '2026112800012345', date: '20261128', time: '101500', amountKrw, depositorName: '김테스트' });
 * // '2026112800012345'
 * depositIdFor({ date: '20261128', time: '101500', amountKrw, afterBalanceKrw, depositorName: '김테스트' });
 * // 'fp-' + 32 hex chars
 * ```
 */
export function depositIdFor(input: DepositIdInput): DepositId {
  const { bankTranId } = input;
  if (bankTranId !== undefined && bankTranId.trim() !== '') {
    const id = bankTranId.trim();
    return parseDepositId(BANK_ID_PATTERN.test(id) ? id : `bk-${fingerprint(['bank', id])}`);
  }
  const date = parseBusinessDate(input.date);
  const time = input.time;
  const hms = /^(\d{2})(\d{2})(\d{2})$/.exec(time);
  if (hms === null || Number(hms[1]) > 23 || Number(hms[2]) > 59 || Number(hms[3]) > 59) {
    throw invalidInput(`deposit time must be HHMMSS (KST), got ${JSON.stringify(time)}`);
  }
  return parseDepositId(
    `fp-${fingerprint([
      date,
      time,
      input.amountKrw,
      input.afterBalanceKrw ?? '',
      input.depositorName.trim().normalize('NFC'),
    ])}`,
  );
}
