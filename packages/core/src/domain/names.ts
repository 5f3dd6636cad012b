/**
 * Depositor names as banks print them and as orders expect them.
 *
 * A bank statement shows what the buyer typed, truncated to a byte budget measured in EUC-KR/CP949
 * (Hangul 2 bytes, ASCII 1; commonly 12 bytes, about 6 syllables). Both sides are normalised the
 * same way and then compared within that budget:
 *
 *   expected  "김테스트상사본점"  -> key (12 B) "김테스트상사"
 *   printed   "김테스트상사"      -> key        "김테스트상사"   same key: the bank truncated it
 *   printed   "김테스트"          -> key        "김테스트"       shorter than the budget: must be exact
 *
 * The bank cuts the name as typed, before anything is stripped: "(주)한빛테크상사" typed exactly as
 * told prints as "(주)한빛테크" (the affix spent 4 of the 12 bytes), key "한빛테크", not the
 * expected name's key "한빛테크상사". So an expected name longer than the budget also has *cut keys*
 * (the key of the name as the bank would print it, typed as told and typed without spaces); they are
 * matched only by a printed name that fills the budget, so a complete short name ("한빛테크") still
 * has to equal the expected name exactly:
 *
 *   expected  "(주)한빛테크상사"  -> key "한빛테크상사", cut keys ["한빛테크"]
 *   printed   "(주)한빛테크"      -> key "한빛테크", fills 12 B  -> matches through the cut key
 *   printed   "한빛테크"          -> key "한빛테크", 8 B         -> does not match
 *
 * What is not covered: a long name typed with a different affix than told ("㈜" for "주식회사") cuts
 * elsewhere and comes out `unmatched` (manual review); it is never paid by guess.
 */
import { ErrorCode, RemitError } from '../errors.js';

/**
 * Korean banks print 10–20 bytes; 255 bounds any budget a configuration could sensibly ask for.
 *
 * @example
 * ```ts
 * truncateToBudget(name, MAX_NAME_BUDGET_BYTES); // the largest budget accepted
 * ```
 */
export const MAX_NAME_BUDGET_BYTES = 255;

/**
 * Corporate affixes stripped from the start or the end of a normalised name (whitespace already
 * removed, so "테스트 주식회사" ends in "주식회사"). They are what banks and buyers add or drop for
 * the same company: "(주)테스트", "㈜테스트", "주식회사 테스트" and "테스트" are one depositor.
 * `㈜`, `㈱`, `㈲` need no entry: NFKC turns them into "(주)", "(株)", "(有)".
 * Bank or branch names ("농협", "지점") are deliberately absent: they are part of real names.
 *
 * @example
 * ```ts
 * CORPORATE_AFFIXES.includes('(주)'); // true
 * ```
 */
export const CORPORATE_AFFIXES: readonly string[] = [
  '주식회사',
  '(주)',
  '(株)',
  '유한회사',
  '유한책임회사',
  '(유)',
  '(有)',
  '합자회사',
  '(합)',
  '합명회사',
  '사단법인',
  '(사)',
  '재단법인',
  '(재)',
];

// Longest first, so "유한책임회사" is not read as "유한" + rest by a shorter entry.
const AFFIXES_LONGEST_FIRST = [...CORPORATE_AFFIXES].sort((a, b) => b.length - a.length);

const WHITESPACE_AND_INVISIBLES = /[\s\p{Cc}\p{Cf}]+/gu;
const WHITESPACE = /\s+/gu;
const LOWER_ASCII = /[a-z]+/g;

/**
 * What normalising `name` needs. A string of precomposed Hangul syllables and printable ASCII is
 * already NFKC (nothing in it decomposes or composes), so only its spaces and lower case need work;
 * anything else goes through `String.prototype.normalize`. Almost every real name is the former,
 * and the bulk matcher normalises 1.1M names a run.
 */
const HAS_LOWER = 1;
const HAS_SPACE = 2;
const NEEDS_NFKC = 4;
function classify(name: string): number {
  let flags = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0xac00 && c <= 0xd7a3) || (c > 0x20 && c < 0x61) || (c > 0x7a && c < 0x7f)) continue;
    if (c >= 0x61 && c <= 0x7a) flags |= HAS_LOWER;
    else if (c === 0x20) flags |= HAS_SPACE;
    else return NEEDS_NFKC;
  }
  return flags;
}

/** Affixes by their first (last) character, longest first: most names start (end) with none of them. */
function byChar(at: (affix: string) => number): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const affix of AFFIXES_LONGEST_FIRST) {
    const list = map.get(at(affix)) ?? [];
    list.push(affix);
    map.set(at(affix), list);
  }
  return map;
}
const AFFIXES_BY_FIRST_CHAR = byChar((a) => a.charCodeAt(0));
const AFFIXES_BY_LAST_CHAR = byChar((a) => a.charCodeAt(a.length - 1));

/** Strip affixes at both ends until none is left, never down to nothing. */
function stripAffixes(name: string): string {
  let current = name;
  for (;;) {
    let stripped = current;
    for (const affix of AFFIXES_BY_FIRST_CHAR.get(stripped.charCodeAt(0)) ?? []) {
      if (stripped.length > affix.length && stripped.startsWith(affix)) {
        stripped = stripped.slice(affix.length);
        break;
      }
    }
    for (const affix of AFFIXES_BY_LAST_CHAR.get(stripped.charCodeAt(stripped.length - 1)) ?? []) {
      if (stripped.length > affix.length && stripped.endsWith(affix)) {
        stripped = stripped.slice(0, -affix.length);
        break;
      }
    }
    if (stripped === current) return current;
    current = stripped;
  }
}

/**
 * Normalise a depositor name for comparison: NFC then NFKC (`㈜` -> `(주)`, full-width `Ａ` -> `A`,
 * NFD Hangul composed), remove all whitespace, control and invisible format characters (zero-width
 * space, BOM), upper-case ASCII letters, and strip {@link CORPORATE_AFFIXES} at either end, repeatedly.
 * An affix is never stripped down to nothing: "(주)" alone stays "(주)".
 *
 * Only ASCII is case-folded: EUC-KR names carry no other cased letters worth folding, and full
 * Unicode upper-casing changes lengths ("ß" -> "SS"), which would move the byte budget.
 *
 * @example
 * ```ts
 * normalizeName('㈜ 테스트');   // '테스트'
 * normalizeName('홍 길 동');    // '홍길동'
 * normalizeName('ｋｉｍ');      // 'KIM'
 * ```
 */
export function normalizeName(raw: string): string {
  const flags = classify(raw);
  let name = raw;
  if (flags === NEEDS_NFKC) {
    // NFKC composes canonically as its last step, so NFC then NFKC is NFKC.
    const folded = raw.normalize('NFKC');
    name = folded.replace(WHITESPACE_AND_INVISIBLES, '');
    // Removing a space can bring jamo or a combining mark next to what it composes with.
    if (name !== folded) name = name.normalize('NFKC');
    name = name.replace(LOWER_ASCII, (s) => s.toUpperCase());
  } else {
    if ((flags & HAS_SPACE) !== 0) name = name.replaceAll(' ', '');
    if ((flags & HAS_LOWER) !== 0) name = name.replace(LOWER_ASCII, (s) => s.toUpperCase());
  }
  return stripAffixes(name);
}

function checkBudget(budgetBytes: number): void {
  if (!Number.isSafeInteger(budgetBytes) || budgetBytes < 1 || budgetBytes > MAX_NAME_BUDGET_BYTES) {
    throw new RemitError(
      ErrorCode.InvalidConfig,
      `name budget must be an integer number of bytes in 1..${MAX_NAME_BUDGET_BYTES}, got ${budgetBytes}`,
    );
  }
}

/** Bytes of one code point in EUC-KR/CP949 terms: ASCII 1, anything else 2. */
function codePointBytes(codePoint: number): 1 | 2 {
  return codePoint < 0x80 ? 1 : 2;
}

/**
 * Length of `name` in bytes as an EUC-KR/CP949 bank counts it: ASCII 1 byte, every other
 * character (Hangul, Hanja, symbols) 2 bytes. Counted per code point, so an astral character
 * (which the bank could not print anyway) counts once, as 2.
 *
 * @example
 * ```ts
 * eucKrByteLength('김테스트12'); // 10
 * ```
 */
export function eucKrByteLength(name: string): number {
  let bytes = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // A high surrogate and its low half are one code point: count the pair once.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    bytes += codePointBytes(c);
  }
  return bytes;
}

/**
 * The longest prefix of `name` that fits in `budgetBytes` (EUC-KR byte counts), never cutting a
 * character in half: a 2-byte character that would need the last byte alone is dropped whole.
 * Throws `INVALID_CONFIG` for a budget outside 1..{@link MAX_NAME_BUDGET_BYTES}.
 *
 * @example
 * ```ts
 * truncateToBudget('김테스트상사본점', 12); // '김테스트상사'
 * truncateToBudget('AB김', 3);             // 'AB' (김 needs 2 bytes, 1 is left)
 * ```
 */
export function truncateToBudget(name: string, budgetBytes: number): string {
  checkBudget(budgetBytes);
  let bytes = 0;
  let i = 0;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) width = 2;
    }
    bytes += codePointBytes(c);
    if (bytes > budgetBytes) break;
    i += width;
  }
  return i === name.length ? name : name.slice(0, i);
}

/**
 * The comparison key of a name under a bank's budget: {@link normalizeName}, then
 * {@link truncateToBudget}. Two names match exactly when their keys are equal; orders are indexed
 * by it.
 *
 * @example
 * ```ts
 * nameKey('(주) 김테스트상사본점', 12); // '김테스트상사'
 * ```
 */
export function nameKey(raw: string, budgetBytes: number): string {
  checkBudget(budgetBytes);
  // Fast path, one pass: a name of Hangul syllables, digits and upper-case letters that fits the
  // budget and neither starts nor ends like an affix is its own key (the bulk matcher keys 1.1M
  // names a run; this is most of them).
  let bytes = 0;
  let plain = true;
  for (let i = 0; i < raw.length && plain; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0xac00 && c <= 0xd7a3) bytes += 2;
    else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) bytes += 1;
    else plain = false;
  }
  if (
    plain &&
    bytes <= budgetBytes &&
    !AFFIXES_BY_FIRST_CHAR.has(raw.charCodeAt(0)) &&
    !AFFIXES_BY_LAST_CHAR.has(raw.charCodeAt(raw.length - 1))
  ) {
    return raw;
  }
  return truncateToBudget(normalizeName(raw), budgetBytes);
}

/**
 * Whether a printed depositor name is the expected one, allowing for the bank's truncation:
 * a printed name that fills the budget matches an expected name that starts with it (the bank cut
 * the rest); a printed name shorter than the budget must equal the expected name exactly
 * ("김테스" never matches "김테스트"). Both are normalised first.
 *
 * @example
 * ```ts
 * namesMatch('김테스트상사', '김테스트상사본점', 12); // true  (truncated by the bank)
 * namesMatch('김테스', '김테스트', 12);             // false (short names must be exact)
 * ```
 */
export function namesMatch(printed: string, expected: string, budgetBytes: number): boolean {
  const key = nameKey(printed, budgetBytes);
  const keys = expectedNameKeys(expected, budgetBytes);
  return key === keys.key || (fillsBudget(printed, budgetBytes) && keys.cutKeys.includes(key));
}

/**
 * The keys an expected (order) name is matched by: see the module comment.
 *
 * @example
 * ```ts
 * const keys: ExpectedNameKeys = expectedNameKeys('(주)한빛테크상사', 12);
 * ```
 */
export interface ExpectedNameKeys {
  /** {@link nameKey} of the name: any printed name with this key matches. */
  readonly key: string;
  /**
   * Keys of the name as the bank prints it cut (typed as told; typed without spaces) where they
   * differ from `key`; only a printed name that {@link fillsBudget} matches them. Empty for a name
   * within the budget, which is almost every name.
   */
  readonly cutKeys: readonly string[];
}

const NO_CUT_KEYS: readonly string[] = [];

/**
 * The keys of an expected name: its {@link nameKey}, and the keys of the name as the bank would
 * print it cut, when the cut spends bytes on what normalisation removes (a leading affix, spaces).
 *
 * @example
 * ```ts
 * expectedNameKeys('(주)한빛테크상사', 12);    // { key: '한빛테크상사', cutKeys: ['한빛테크'] }
 * expectedNameKeys('주식회사 한빛테크상사', 12); // { key: '한빛테크상사', cutKeys: ['한', '한빛'] }
 * expectedNameKeys('김민준042', 12);           // { key: '김민준042', cutKeys: [] }
 * ```
 */
export function expectedNameKeys(expected: string, budgetBytes: number): ExpectedNameKeys {
  const key = nameKey(expected, budgetBytes);
  // Within the budget the bank cuts nothing, so every printing normalises to `key`. (NFC and trim
  // never lengthen a name, so the raw length is a safe first test.)
  if (eucKrByteLength(expected) <= budgetBytes) return { key, cutKeys: NO_CUT_KEYS };
  const asTyped = (classify(expected) === NEEDS_NFKC ? expected.normalize('NFC') : expected).trim();
  if (eucKrByteLength(asTyped) <= budgetBytes) return { key, cutKeys: NO_CUT_KEYS };
  const cutKeys: string[] = [];
  const compact = asTyped.replace(WHITESPACE, '');
  for (const typed of compact === asTyped ? [asTyped] : [asTyped, compact]) {
    const cut = nameKey(truncateToBudget(typed, budgetBytes), budgetBytes);
    // A cut that left only an affix ("주식회사") names nobody: it must not become a key.
    if (cut !== key && cut !== '' && !CORPORATE_AFFIXES.includes(cut) && !cutKeys.includes(cut))
      cutKeys.push(cut);
  }
  return { key, cutKeys: cutKeys.length === 0 ? NO_CUT_KEYS : cutKeys };
}

/**
 * Whether a printed name may have been cut by the bank: it fills the budget, or falls one byte
 * short of it (the next character needed 2 bytes). Only such a name may match a cut key.
 *
 * @example
 * ```ts
 * fillsBudget('(주)한빛테크', 12); // true  (12 bytes)
 * fillsBudget('한빛테크', 12);     // false (8 bytes: a complete name)
 * ```
 */
export function fillsBudget(printed: string, budgetBytes: number): boolean {
  checkBudget(budgetBytes);
  return eucKrByteLength(printed.trim()) >= budgetBytes - 1;
}
