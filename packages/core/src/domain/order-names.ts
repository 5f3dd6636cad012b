/**
 * Depositor names that `openOrder` assigns so that ambiguity is avoided at the source: the buyer is
 * told to type "name + 3 digits" ("김테스트042"), unique among the pending orders of the same
 * account and amount. The digits must survive the bank's truncation, so the base is cut, never them:
 *
 *   budget 12 B   | 김 테 스 트 상 | 0 4 2 |   base cut to 9 B (4 syllables + 1 spare byte), digits 3 B
 *
 * The suffixes tried for an order are a deterministic permutation of 000..999 derived from its id,
 * so a retried `openOrder` walks the same sequence (no randomness in core).
 */
import { ErrorCode, invalidInput, RemitError } from '../errors.js';
import type { OrderId } from '../ids.js';
import { MAX_NAME_BUDGET_BYTES, normalizeName, truncateToBudget } from './names.js';

/**
 * Three digits: 1,000 names per (account, amount, base), short enough for any bank's budget.
 *
 * @example
 * ```ts
 * suffixCandidates(orderId, SUFFIX_COUNT); // every suffix, each once
 * ```
 */
export const SUFFIX_COUNT = 1000;
const SUFFIX_DIGITS = 3;

/**
 * Suffixes `openOrder` tries before answering `name_taken`. Each try may be a conditional write;
 * with n of the 1,000 suffixes taken all 16 fail with probability (n/1000)^16 (1.5e-5 at n = 500).
 *
 * @example
 * ```ts
 * suffixCandidates(orderId, DEFAULT_SUFFIX_ATTEMPTS).length; // 16
 * ```
 */
export const DEFAULT_SUFFIX_ATTEMPTS = 16;

/**
 * The name the buyer types: the normalised base, cut to fit `budgetBytes - 3` (EUC-KR bytes), then
 * the suffix as 3 digits. The result fits the budget whole, so the bank prints it untruncated and
 * different suffixes always give different name keys. Throws `INVALID_INPUT` for a suffix outside
 * 0..999 or a base that normalises to nothing or does not fit beside the digits, `INVALID_CONFIG`
 * for a budget outside 4..255.
 *
 * @example
 * ```ts
 * suffixedName('김테스트', 42, 12);        // '김테스트042'
 * suffixedName('(주) 김테스트상사', 7, 12); // '김테스트007' (affix stripped, base cut to 9 bytes)
 * ```
 */
export function suffixedName(base: string, suffix: number, budgetBytes: number): string {
  if (!Number.isSafeInteger(suffix) || suffix < 0 || suffix >= SUFFIX_COUNT) {
    throw invalidInput(`suffix must be an integer in 0..${SUFFIX_COUNT - 1}, got ${suffix}`);
  }
  if (
    !Number.isSafeInteger(budgetBytes) ||
    budgetBytes <= SUFFIX_DIGITS ||
    budgetBytes > MAX_NAME_BUDGET_BYTES
  ) {
    throw new RemitError(
      ErrorCode.InvalidConfig,
      `name budget must leave room for a name before ${SUFFIX_DIGITS} digits, got ${budgetBytes}`,
    );
  }
  const head = truncateToBudget(normalizeName(base), budgetBytes - SUFFIX_DIGITS);
  if (head === '') {
    throw invalidInput(
      `depositor name ${JSON.stringify(base)} leaves nothing within ${budgetBytes - SUFFIX_DIGITS} bytes`,
    );
  }
  return `${head}${String(suffix).padStart(SUFFIX_DIGITS, '0')}`;
}

/** 32-bit FNV-1a over UTF-16 code units: tiny, stable across platforms, no crypto needed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Steps coprime with 1,000: stepping by one from any start visits every suffix exactly once. */
const COPRIME_STEPS = Array.from({ length: SUFFIX_COUNT }, (_, i) => i).filter(
  (k) => k > 0 && gcd(k, SUFFIX_COUNT) === 1,
);

/**
 * The suffixes to try for an order, in order: `count` distinct values of 0..999 (at most 1,000),
 * a pure function of the order id, so a retry of `openOrder` proposes the same names.
 *
 * @example
 * ```ts
 * suffixCandidates(parseOrderId('ord-1'), 3); // e.g. [417, 86, 755], the same on every call
 * ```
 */
export function suffixCandidates(orderId: OrderId, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 0) throw invalidInput(`count must be >= 0, got ${count}`);
  const h = fnv1a(orderId);
  const start = h % SUFFIX_COUNT;
  const step = COPRIME_STEPS[Math.floor(h / SUFFIX_COUNT) % COPRIME_STEPS.length] as number;
  const out: number[] = [];
  for (let i = 0; i < Math.min(count, SUFFIX_COUNT); i++) out.push((start + i * step) % SUFFIX_COUNT);
  return out;
}

/**
 * The depositor names to offer for an order, in the order to try them: {@link suffixedName} over
 * {@link suffixCandidates}.
 *
 * @example
 * ```ts
 * for (const name of assignedNameCandidates({ base: '김테스트', orderId, budgetBytes: 12 })) {
 *   if (await tryOpen(name)) break;
 * }
 * ```
 */
export function assignedNameCandidates(input: {
  readonly base: string;
  readonly orderId: OrderId;
  readonly budgetBytes: number;
  /** Default {@link DEFAULT_SUFFIX_ATTEMPTS}. */
  readonly attempts?: number;
}): string[] {
  return suffixCandidates(input.orderId, input.attempts ?? DEFAULT_SUFFIX_ATTEMPTS).map((s) =>
    suffixedName(input.base, s, input.budgetBytes),
  );
}
