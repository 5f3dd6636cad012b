import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRemitError } from '../errors.js';
import {
  CORPORATE_AFFIXES,
  eucKrByteLength,
  expectedNameKeys,
  fillsBudget,
  MAX_NAME_BUDGET_BYTES,
  nameKey,
  namesMatch,
  normalizeName,
  truncateToBudget,
} from './names.js';

describe('normalizeName', () => {
  it('makes an NFD name equal to its NFC form', () => {
    const nfc = '김테스트';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc); // the inputs really differ (jamo vs syllables)
    expect(nfd.length).toBeGreaterThan(nfc.length);
    expect(normalizeName(nfd)).toBe(normalizeName(nfc));
    expect(normalizeName(nfd)).toBe('김테스트');
  });

  it('removes all whitespace, including ideographic and zero-width spaces', () => {
    expect(normalizeName('홍 길 동')).toBe(normalizeName('홍길동'));
    expect(normalizeName(' 홍\t길\u3000동\n')).toBe('홍길동');
    expect(normalizeName('홍\u200b길\ufeff동')).toBe('홍길동');
    expect(normalizeName('홍\u0000길\u0007동')).toBe('홍길동');
  });

  it('folds full-width Latin to ASCII and upper-cases it', () => {
    expect(normalizeName('ＡＢＣ')).toBe(normalizeName('abc'));
    expect(normalizeName('ＡＢＣ')).toBe('ABC');
    expect(normalizeName('kim테스트')).toBe('KIM테스트');
    expect(normalizeName('ｋｉｍ１２')).toBe('KIM12');
  });

  it('treats ㈜, (주) and no affix as the same company', () => {
    expect(normalizeName('㈜테스트')).toBe('테스트');
    expect(normalizeName('(주)테스트')).toBe('테스트');
    expect(normalizeName('테스트')).toBe('테스트');
    expect(normalizeName('㈜테스트')).toBe(normalizeName('(주)테스트'));
  });

  it('strips each documented affix at either end, repeatedly, with spaces around it', () => {
    for (const affix of CORPORATE_AFFIXES) {
      expect(normalizeName(`${affix}테스트`), affix).toBe('테스트');
      expect(normalizeName(`테스트 ${affix}`), affix).toBe('테스트');
    }
    expect(normalizeName('주식회사 테스트 (주)')).toBe('테스트');
    expect(normalizeName('(주)(유)테스트')).toBe('테스트');
    expect(normalizeName('㈱테스트')).toBe('테스트');
    expect(normalizeName('㈲테스트')).toBe('테스트');
    expect(normalizeName('유한책임회사테스트')).toBe('테스트');
  });

  it('never strips an affix in the middle or down to nothing', () => {
    expect(normalizeName('테스트(주)상사')).toBe('테스트(주)상사');
    expect(normalizeName('(주)')).toBe('(주)');
    expect(normalizeName('㈜')).toBe('(주)');
    expect(normalizeName('주식회사')).toBe('주식회사');
    expect(normalizeName('')).toBe('');
    expect(normalizeName('   ')).toBe('');
  });

  it('keeps names that merely end like an affix', () => {
    expect(normalizeName('김사')).toBe('김사');
    expect(normalizeName('이회사')).toBe('이회사');
    expect(normalizeName('재단')).toBe('재단');
  });

  it('does not fold non-ASCII case (lengths must not move)', () => {
    expect(normalizeName('straße')).toBe('STRAßE');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), (s) => {
        const once = normalizeName(s);
        // Stripping can expose a new affix only by removing one, which the loop already did.
        expect(normalizeName(once)).toBe(once);
      }),
    );
  });

  it('the fast path for plain names agrees with the full path', () => {
    const hangul = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((c) => String.fromCharCode(c));
    const alnum = fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
    fc.assert(
      fc.property(fc.array(fc.oneof(hangul, alnum), { maxLength: 10 }), (chars) => {
        const plain = chars.join('');
        // A trailing space forces the full path; the result must be the same.
        expect(normalizeName(plain)).toBe(normalizeName(`${plain} `));
      }),
    );
  });
});

describe('eucKrByteLength', () => {
  it('counts ASCII as 1 byte and Hangul (and other non-ASCII) as 2', () => {
    expect(eucKrByteLength('')).toBe(0);
    expect(eucKrByteLength('ABC')).toBe(3);
    expect(eucKrByteLength('김테스트')).toBe(8);
    expect(eucKrByteLength('김테스트12')).toBe(10);
    expect(eucKrByteLength('漢字')).toBe(4);
  });

  it('counts a surrogate pair once', () => {
    expect(eucKrByteLength('😀')).toBe(2);
    expect(eucKrByteLength('A😀B')).toBe(4);
    expect(eucKrByteLength('\ud83d')).toBe(2); // a lone surrogate is still one character
    expect(eucKrByteLength('\ud83dA')).toBe(3);
  });
});

describe('truncateToBudget', () => {
  it('keeps 6 Hangul syllables in 12 bytes', () => {
    expect(truncateToBudget('김테스트상사본점', 12)).toBe('김테스트상사');
    expect(truncateToBudget('김테스트', 12)).toBe('김테스트');
  });

  it('never cuts a character in half', () => {
    expect(truncateToBudget('AB김', 3)).toBe('AB');
    expect(truncateToBudget('A김테스트상사', 12)).toBe('A김테스트상');
    expect(truncateToBudget('김', 1)).toBe('');
    expect(truncateToBudget('A😀', 2)).toBe('A');
    expect(truncateToBudget('A😀', 3)).toBe('A😀');
    expect(truncateToBudget('\ud83dA', 2)).toBe('\ud83d');
  });

  it('rejects budgets outside 1..255 with INVALID_CONFIG', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, MAX_NAME_BUDGET_BYTES + 1]) {
      let caught: unknown;
      try {
        truncateToBudget('김', bad);
      } catch (err) {
        caught = err;
      }
      expect(isRemitError(caught) && caught.code, String(bad)).toBe('INVALID_CONFIG');
    }
    expect(truncateToBudget('김', MAX_NAME_BUDGET_BYTES)).toBe('김');
  });

  it('property: the result is the longest prefix within the budget', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.integer({ min: 1, max: 30 }),
        (s, budget) => {
          const t = truncateToBudget(s, budget);
          expect(s.startsWith(t)).toBe(true);
          expect(eucKrByteLength(t)).toBeLessThanOrEqual(budget);
          if (t.length < s.length) {
            const next = String.fromCodePoint(s.codePointAt(t.length) as number);
            expect(eucKrByteLength(t) + eucKrByteLength(next)).toBeGreaterThan(budget);
          }
        },
      ),
    );
  });
});

describe('expectedNameKeys / fillsBudget', () => {
  it('adds cut keys only for names longer than the budget whose cut differs from the key', () => {
    expect(expectedNameKeys('김민준042', 12)).toEqual({ key: '김민준042', cutKeys: [] });
    expect(expectedNameKeys('김테스트상사본점', 12)).toEqual({ key: '김테스트상사', cutKeys: [] });
    expect(expectedNameKeys('(주)한빛테크상사', 12)).toEqual({ key: '한빛테크상사', cutKeys: ['한빛테크'] });
    expect(expectedNameKeys('주식회사 한빛테크상사', 12)).toEqual({
      key: '한빛테크상사',
      cutKeys: ['한', '한빛'],
    });
    // Only trailing spaces made it longer than the budget: nothing is cut.
    expect(expectedNameKeys(' 김테스트상사 ', 12)).toEqual({ key: '김테스트상사', cutKeys: [] });
    // A cut that leaves only the affix has no key of its own.
    expect(expectedNameKeys('주식회사 한빛', 8)).toEqual({ key: '한빛', cutKeys: [] });
  });

  it('a printed name fills the budget at budget or budget - 1 bytes', () => {
    expect(fillsBudget('(주)한빛테크', 12)).toBe(true);
    expect(fillsBudget('A김테스트상', 12)).toBe(true);
    expect(fillsBudget(' 한빛테크 ', 12)).toBe(false);
    expect(fillsBudget('한빛테크', 8)).toBe(true);
    expect(() => fillsBudget('한빛테크', 0)).toThrow();
  });
});

describe('nameKey / namesMatch', () => {
  it('matches a name the bank truncated to 12 bytes', () => {
    expect(nameKey('(주) 김테스트상사본점', 12)).toBe('김테스트상사');
    expect(namesMatch('김테스트상사', '김테스트상사본점', 12)).toBe(true);
    expect(namesMatch('김테스트상사', '(주)김테스트상사본점', 12)).toBe(true);
  });

  it('matches a truncation that left the last byte empty (a syllable did not fit)', () => {
    expect(namesMatch('A김테스트상', 'A김테스트상사', 12)).toBe(true);
  });

  it('requires an exact match when the printed name is shorter than the budget', () => {
    expect(namesMatch('김테스', '김테스트', 12)).toBe(false);
    expect(namesMatch('김테스트', '김테스트', 12)).toBe(true);
    expect(namesMatch('김테스트상', '김테스트상사본점', 12)).toBe(false);
  });

  it('honours a per-bank budget', () => {
    expect(namesMatch('김테스트', '김테스트상사', 8)).toBe(true);
    expect(namesMatch('김테스트', '김테스트상사', 10)).toBe(false);
  });

  it('matches a long name the bank cut as typed, affix and spaces included', () => {
    expect(namesMatch('(주)한빛테크', '(주)한빛테크상사', 12)).toBe(true);
    expect(namesMatch('㈜한빛테크상', '㈜한빛테크상사', 12)).toBe(true);
    expect(namesMatch('주식회사 한', '주식회사 한빛테크상사', 12)).toBe(true);
    expect(namesMatch('주식회사한빛', '주식회사 한빛테크상사', 12)).toBe(true); // typed without the space
    expect(namesMatch('김 테스트상', '김 테스트상사본점', 12)).toBe(true);
    // A complete name shorter than the budget is not a cut: it must be exact.
    expect(namesMatch('한빛테크', '(주)한빛테크상사', 12)).toBe(false);
    expect(namesMatch('(주)한빛테크상사', '(주)한빛테크상사', 12)).toBe(true);
  });

  it('is insensitive to NFD, spaces, width, case and affixes together', () => {
    expect(namesMatch(' ㈜ 테스트'.normalize('NFD'), '주식회사테스트', 12)).toBe(true);
    expect(namesMatch('ａｂｃ', 'ABC', 12)).toBe(true);
  });
});
