/**
 * The workload of one run, drawn from the seed: receiving accounts, sellers (a few with payee
 * accounts the bank refuses), orders the main server opens and sometimes cancels, and what each
 * buyer does: pay exactly, over or under, twice, late, with a mistyped name, or not at all, plus
 * strangers' deposits. Small on purpose: thousands of seeds beat a few big runs.
 *
 * The start instant is drawn so that about half the runs cross 23:30–00:30 KST (the banks'
 * maintenance window) and the business-date rollover at midnight.
 */
import {
  type AccountId,
  type DepositId,
  type OrderId,
  parseAccountId,
  parseDepositId,
  parseOrderId,
  parseSellerId,
  type SellerId,
} from '../../ids.js';
import { type Krw, parseKrw } from '../../money.js';
import { type InstantMs, KST_OFFSET_MS } from '../../time.js';
import type { FeePolicy, MatchPolicyConfig, Payee } from '../../types.js';
import { INVALID_ACCOUNT_PREFIX, MISMATCHED_HOLDER_PREFIX } from './bank.js';
import type { Prng } from './prng.js';

export interface PlannedSeller {
  readonly sellerId: SellerId;
  readonly payee: Payee;
}

export interface PlannedOrder {
  readonly orderId: OrderId;
  readonly sellerId: SellerId;
  readonly accountId: AccountId;
  readonly amountKrw: Krw;
  readonly payee: Payee;
  /** What the buyer gives; with `assignSuffix` remit appends 3 digits. */
  readonly baseName: string;
  readonly assignSuffix: boolean;
  readonly ttlMs: number;
  readonly openAt: InstantMs;
  /** The main server cancels the order then (before or after the buyer pays). */
  readonly cancelAt?: InstantMs;
}

/** How the buyer types the name remit told them. */
export type NameStyle = 'exact' | 'spaced' | 'fullwidth' | 'mistyped';

export interface PlannedDeposit {
  readonly depositId: DepositId;
  readonly accountId: AccountId;
  readonly amountKrw: Krw;
  readonly occurredAt: InstantMs;
  /** Posting lag: the row shows on the statement this long after it occurred. */
  readonly lagMs: number;
  /** The order the buyer meant to pay (ground truth for "never re-routed"); none for strangers. */
  readonly intent?: OrderId;
  readonly nameStyle: NameStyle;
  /** For strangers: the name they typed. */
  readonly strangerName?: string;
  /** Drawn per deposit; the bank cancels it then if the plan's `depositCancellation` fires. */
  readonly cancelAfterMs: number;
}

export interface Workload {
  readonly startMs: InstantMs;
  /** No new order, deposit or cancellation after this instant (then the heal phase). */
  readonly endMs: InstantMs;
  readonly accounts: readonly AccountId[];
  readonly sellers: readonly PlannedSeller[];
  readonly orders: readonly PlannedOrder[];
  readonly deposits: readonly PlannedDeposit[];
  readonly fees: FeePolicy;
  readonly policy: MatchPolicyConfig;
  readonly bankTranIdFormat: 'open-banking' | 'firm-banking';
}

/** Fake depositor names (STYLE: fake data only), a few long enough to be truncated by the bank. */
const NAMES = [
  '김테스트',
  '이테스트',
  '박시험',
  '최가상',
  '정예시',
  '강샘플',
  '조모의',
  '윤데모',
  '장테스트상사본점',
  '(주)테스트상사',
  'KIM TEST',
  '한가상물산',
];
const STRANGERS = ['오모르는', '서낯선', '임엉뚱', '남테스트'];
const AMOUNTS = [10_000, 12_000, 15_000, 20_000, 30_000, 45_000, 50_000, 99_000];

const MINUTE = 60_000;

/**
 * @example
 * ```ts
 * const workload = generateWorkload(createPrng(42).fork('workload'));
 * ```
 */
export function generateWorkload(prng: Prng): Workload {
  const startMs = drawStart(prng);
  const accounts = Array.from({ length: prng.int(1, 2) }, (_, i) => parseAccountId(`acct-${i + 1}`));
  const sellers: PlannedSeller[] = Array.from({ length: prng.int(2, 4) }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    const refusal = prng.chance(0.1) ? prng.pick(['account', 'name'] as const) : undefined;
    return {
      sellerId: parseSellerId(`seller-${n}`),
      payee: {
        bankCode: '004',
        accountNumber: `${refusal === 'account' ? INVALID_ACCOUNT_PREFIX : '110-'}000-0000${n}`,
        holderName: `${refusal === 'name' ? MISMATCHED_HOLDER_PREFIX : ''}판매자${n}`,
      },
    };
  });

  const orders: PlannedOrder[] = [];
  const deposits: PlannedDeposit[] = [];
  let depositSeq = 0;
  const nextDepositId = () => parseDepositId(`dep-${String(++depositSeq).padStart(3, '0')}`);
  const pay = (
    order: PlannedOrder,
    amountKrw: number,
    at: InstantMs,
    nameStyle: NameStyle = prng.weighted<NameStyle>([
      ['exact', 6],
      ['spaced', 1],
      ['fullwidth', 1],
      ['mistyped', 0.5],
    ]),
  ) => {
    deposits.push({
      depositId: nextDepositId(),
      accountId: order.accountId,
      amountKrw: parseKrw(amountKrw),
      occurredAt: at,
      lagMs: prng.int(0, 2 * MINUTE),
      intent: order.orderId,
      nameStyle,
      cancelAfterMs: prng.int(MINUTE, 40 * MINUTE),
    });
  };

  const orderCount = prng.int(3, 9);
  for (let i = 0; i < orderCount; i++) {
    const seller = prng.pick(sellers);
    const openAt = startMs + prng.int(0, 40 * MINUTE);
    const ttlMs = prng.int(20, 60) * MINUTE;
    const order: PlannedOrder = {
      orderId: parseOrderId(`ord-${String(i + 1).padStart(2, '0')}`),
      sellerId: seller.sellerId,
      accountId: prng.pick(accounts),
      amountKrw: parseKrw(prng.pick(AMOUNTS)),
      payee: seller.payee,
      baseName: prng.pick(NAMES),
      assignSuffix: prng.chance(0.85),
      ttlMs,
      openAt,
      ...(prng.chance(0.1) ? { cancelAt: openAt + prng.int(MINUTE, ttlMs) } : {}),
    };
    orders.push(order);
    const paidAt = openAt + prng.int(MINUTE / 2, ttlMs - MINUTE);
    const behaviour = prng.weighted([
      ['exact', 10],
      ['over', 1.5],
      ['under', 1],
      ['twice', 1],
      ['late', 1],
      ['never', 1],
    ] as const);
    switch (behaviour) {
      case 'exact':
        pay(order, order.amountKrw, paidAt);
        break;
      case 'over':
        pay(order, order.amountKrw + prng.int(1, 5) * 1_000, paidAt);
        break;
      case 'under':
        pay(order, order.amountKrw - prng.int(1, 5) * 1_000, paidAt);
        break;
      case 'twice':
        pay(order, order.amountKrw, paidAt);
        pay(order, order.amountKrw, paidAt + prng.int(1_000, 10 * MINUTE), 'exact');
        break;
      case 'late':
        pay(order, order.amountKrw, openAt + ttlMs + prng.int(1_000, 10 * MINUTE));
        break;
      case 'never':
        break;
    }
  }

  // A repeat buyer: two live orders under one plain name (no suffix) with different amounts, then a
  // payment that equals neither. Which one was meant is a guess: the policy must say "ambiguous".
  if (prng.chance(0.35)) {
    const accountId = prng.pick(accounts);
    const baseName = prng.pick(['김반복', '이반복']);
    const openAt = startMs + prng.int(0, 20 * MINUTE);
    const [low, high] = prng.chance(0.5) ? [10_000, 30_000] : [15_000, 45_000];
    const make = (n: number, amount: number): PlannedOrder => {
      const seller = prng.pick(sellers);
      return {
        orderId: parseOrderId(`ord-r${n}`),
        sellerId: seller.sellerId,
        accountId,
        amountKrw: parseKrw(amount),
        payee: seller.payee,
        baseName,
        assignSuffix: false,
        ttlMs: 60 * MINUTE,
        openAt: openAt + n * 1_000,
      };
    };
    const first = make(1, low);
    const second = make(2, high);
    orders.push(first, second);
    // Meant for the second (higher) order but short of it, above the first: a policy that
    // guessed "the first candidate" would pay the wrong seller with it.
    pay(second, (low + high) / 2, openAt + prng.int(5, 15) * MINUTE, 'exact');
  }

  const strangers = prng.int(0, 2);
  for (let i = 0; i < strangers; i++) {
    deposits.push({
      depositId: nextDepositId(),
      accountId: prng.pick(accounts),
      amountKrw: parseKrw(prng.pick(AMOUNTS)),
      occurredAt: startMs + prng.int(0, 50 * MINUTE),
      lagMs: prng.int(0, 2 * MINUTE),
      nameStyle: 'exact',
      strangerName: prng.pick(STRANGERS),
      cancelAfterMs: prng.int(MINUTE, 40 * MINUTE),
    });
  }

  let endMs = startMs;
  for (const o of orders) endMs = Math.max(endMs, o.openAt, o.cancelAt ?? 0);
  for (const d of deposits) endMs = Math.max(endMs, d.occurredAt + d.lagMs + d.cancelAfterMs);

  return {
    startMs,
    endMs: endMs + MINUTE,
    accounts,
    sellers,
    orders: orders.sort((a, b) => a.openAt - b.openAt),
    deposits: deposits.sort((a, b) => a.occurredAt - b.occurredAt),
    fees: prng.chance(0.5)
      ? { kind: 'flat', feeKrw: parseKrw(prng.pick([0, 300, 500])) }
      : { kind: 'rate', basisPoints: prng.pick([150, 250, 330]) },
    policy: { nameBudgetBytes: 12, overpayment: prng.chance(0.8) ? 'match_and_owe' : 'review' },
    bankTranIdFormat: prng.chance(0.7) ? 'open-banking' : 'firm-banking',
  };
}

/** Half the runs start 22:50–23:50 KST (crossing maintenance and midnight), half anywhere. */
function drawStart(prng: Prng): InstantMs {
  // 2026-11-27 00:00 KST as a base day, plus a few days so dates vary.
  const day = Date.UTC(2026, 10, 27) - KST_OFFSET_MS + prng.int(0, 3) * 24 * 60 * MINUTE;
  const minuteOfDay = prng.chance(0.5) ? prng.int(22 * 60 + 50, 23 * 60 + 50) : prng.int(0, 24 * 60 - 1);
  return day + minuteOfDay * MINUTE + prng.int(0, 59_999);
}

/**
 * The name a buyer types, given what remit told them (`told`), in one of the styles.
 *
 * @example
 * ```ts
 * typedName('김테스트042', 'spaced'); // '김 테스트042'
 * ```
 */
export function typedName(told: string, style: NameStyle): string {
  switch (style) {
    case 'exact':
      return told;
    case 'spaced':
      return told.length > 1 ? `${told.slice(0, 1)} ${told.slice(1)}` : told;
    case 'fullwidth':
      // Full-width digits and Latin letters: NFKC folds them back.
      return told.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    case 'mistyped':
      return `${told.slice(0, Math.max(1, told.length - 1))}X`;
  }
}

/**
 * What the bank prints: the typed name cut to the bank's byte budget (EUC-KR: ASCII 1 byte,
 * anything else 2). Implemented here, independently of core's normaliser, as the bank would.
 *
 * @example
 * ```ts
 * printedName('장테스트상사본점042', 12); // '장테스트상사'
 * ```
 */
export function printedName(typed: string, budgetBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of typed) {
    const w = ch.charCodeAt(0) < 0x80 ? 1 : 2;
    if (bytes + w > budgetBytes) break;
    bytes += w;
    out += ch;
  }
  return out;
}
