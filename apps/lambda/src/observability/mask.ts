/**
 * Masking of personal data in log lines. Two layers, because one is not enough:
 *
 * 1. by key: a value under an account-number key keeps its last 4 digits, a value under a
 *    person-name key keeps its first character (`김테스트` -> `김*`), wherever it is nested;
 * 2. by shape, in every other string (messages, error texts, raw bodies): a dashed or long run of
 *    digits that looks like an account number keeps its last 4 digits, and a run of Hangul
 *    syllables keeps its first one — log messages are English, so Hangul in a log line is almost
 *    always a name that slipped through.
 *
 * Ids (`dep-20261128-0001`, `T991234560U000000001`, hex fingerprints) are left readable: digits
 * glued to letters or id punctuation are not account numbers.
 */

/** Keys whose values are account numbers (payee.accountNumber, the protocol's *_account_num). */
const ACCOUNT_KEY = /(account_?num(ber)?|acct_?no|account_?no|bank_?account)$/i;
/** Keys whose values are people's names (depositorName, payee.holderName, the protocol's *_client_name). */
const NAME_KEY =
  /((depositor|holder|payee|payer|buyer|sender|recipient|client|customer|account_?holder|printed|normali[sz]ed|match)_?name|print_?content)$/i;

/** A token of digits and dashes not glued to an id (letters, `_`, `.`, `-` around it). */
const DIGIT_TOKEN = /(?<![\w.-])\d[\d-]*\d(?![\w-])/g;
/** Korean account numbers have 10-14 digits; 9 keeps a margin, dates (8 digits) stay readable. */
const MIN_ACCOUNT_DIGITS = 9;
const HANGUL_RUN = /[\u3131-\u318E\uAC00-\uD7A3]{2,}/g;

/**
 * Keep the last 4 digits of an account number, separators kept: `110-000-000001` -> `***-***-**0001`.
 *
 * @example
 * ```ts
 * maskAccountNumber('110-000-000001'); // '***-***-**0001'
 * ```
 */
export function maskAccountNumber(value: string): string {
  let keep = 4;
  let out = '';
  for (let i = value.length - 1; i >= 0; i--) {
    const ch = value[i]!;
    if (ch >= '0' && ch <= '9') {
      out = (keep > 0 ? ch : '*') + out;
      keep--;
    } else if (ch === '-' || ch === ' ') {
      out = ch + out;
    } else {
      out = `*${out}`;
    }
  }
  return out;
}

/**
 * A name to its first character and `*`: `김테스트` -> `김*`, `ACME Corp` -> `A*`.
 *
 * @example
 * ```ts
 * maskName('김테스트'); // '김*'
 * ```
 */
export function maskName(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) return trimmed;
  const first = String.fromCodePoint(trimmed.codePointAt(0)!);
  return `${first}*`;
}

/**
 * Mask account-number-like tokens and Hangul runs in free text.
 *
 * @example
 * ```ts
 * maskText('sent to 110-000-000001 for 김테스트'); // 'sent to ***-***-**0001 for 김*'
 * ```
 */
export function maskText(value: string): string {
  return value
    .replace(DIGIT_TOKEN, (token) =>
      countDigits(token) >= MIN_ACCOUNT_DIGITS ? maskAccountNumber(token) : token,
    )
    .replace(HANGUL_RUN, (run) => maskName(run));
}

function countDigits(s: string): number {
  let n = 0;
  for (const ch of s) if (ch >= '0' && ch <= '9') n++;
  return n;
}

/**
 * A `JSON.stringify` replacer that masks by key and by shape; the logger runs every line through
 * it, so a new log call cannot forget to mask.
 *
 * @example
 * ```ts
 * JSON.stringify({ payee: { accountNumber: '110-000-000001' } }, maskingReplacer);
 * ```
 */
export function maskingReplacer(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (key !== '' && ACCOUNT_KEY.test(key)) return maskAccountNumber(value);
    if (key !== '' && NAME_KEY.test(key)) return maskName(value);
    return maskText(value);
  }
  if (typeof value === 'number' && key !== '' && ACCOUNT_KEY.test(key))
    return maskAccountNumber(String(value));
  return value;
}

/**
 * Deep copy with masking applied (for places that do not serialise through the logger).
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(maskDeep(record)));
 * ```
 */
export function maskDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, maskingReplacer)) as T;
}
