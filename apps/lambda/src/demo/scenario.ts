/**
 * The demo scenario, generated from a seed: sellers, pending orders, and a bank feed on a
 * simulated timeline with the cases that matter. Pure data; both modes (memory adapters, local
 * AWS servers + bank-sim) play the same scenario.
 *
 *   10:00 KST  orders opened ─ bulk deposits 10:01–11:00 (exact, truncated names, review cases)
 *   12:02      a payout whose bank call times out after the bank executed it
 *   12:32      a payout whose bank id another system already used (duplicate-id answer)
 *   13:00      the bank reverses an earlier payout
 *   23:36      a deposit inside the banks' maintenance window (23:30–00:30): deferred, paid 00:30
 *
 * Every case says what must be true at the end, checked against remit's records and the ledger.
 */
import { SeededRandom } from '@remit/adapters-memory';
import {
  type AccountId,
  type InstantMs,
  type OrderId,
  type Payee,
  parseAccountId,
  parseOrderId,
  parseSellerId,
  type SellerId,
} from '@remit/core';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** 2026-11-28 10:00 KST, a Saturday morning far from the maintenance window. */
export const DEMO_START_MS: InstantMs = Date.UTC(2026, 10, 28, 1, 0);
export const DEMO_INSTITUTION = 'T991234560';
export const DEMO_PAYER_ACCOUNT = '110-000-000900';
export const DEMO_ACCOUNTS = [
  { id: parseAccountId('acct-main'), accountNumber: '110-000-000001' },
  { id: parseAccountId('acct-sub'), accountNumber: '110-000-000002' },
] as const;
/** Fee: 2.5% rounded down to whole won. */
export const DEMO_FEE = 'rate:250';
/** Names the bank prints: 12 bytes (6 Hangul syllables). */
export const DEMO_NAME_BUDGET_BYTES = 12;

/** What one order is there to show, and what must hold at the end. */
export const CaseName = {
  Exact: 'exact',
  Truncated: 'truncated',
  Overpaid: 'overpaid',
  TimeoutExecuted: 'timeout_executed',
  DuplicateId: 'duplicate_id',
  Maintenance: 'maintenance',
  Reversed: 'reversed',
  Rejected: 'rejected',
  Ambiguous: 'ambiguous',
  Underpaid: 'underpaid',
  Expired: 'expired',
  CancelledOrder: 'cancelled_order',
  DepositCancelled: 'deposit_cancelled',
  NoDeposit: 'no_deposit',
} as const;
export type CaseName = (typeof CaseName)[keyof typeof CaseName];

/** The end state a case expects of its order's remittance. */
export type Expected =
  /** One payout, money moved exactly once. */
  | 'paid'
  /** Paid once, then reversed by the bank: the record says so and a person reviews it. */
  | 'reversed'
  /** Refused by the bank: no money moved, not retried. */
  | 'rejected'
  /** Held for a person, no money moved. */
  | 'manual_review'
  /** No payout at all (review case, refund, cancelled before payout). */
  | 'no_payout';

export const EXPECTED: Record<CaseName, Expected> = {
  exact: 'paid',
  truncated: 'paid',
  overpaid: 'paid',
  timeout_executed: 'paid',
  duplicate_id: 'manual_review',
  maintenance: 'paid',
  reversed: 'reversed',
  rejected: 'rejected',
  ambiguous: 'no_payout',
  underpaid: 'no_payout',
  expired: 'no_payout',
  cancelled_order: 'no_payout',
  deposit_cancelled: 'no_payout',
  no_deposit: 'no_payout',
};

/** How the summary names each case. */
export const CASE_LABELS: Record<CaseName, string> = {
  exact: 'exact match',
  truncated: 'truncated depositor name',
  overpaid: 'overpaid (excess owed back)',
  timeout_executed: 'timeout, transfer happened',
  duplicate_id: 'duplicate-id answer',
  maintenance: 'maintenance window (deferred)',
  reversed: 'bank reversal',
  rejected: 'definite rejection',
  ambiguous: 'ambiguous (2 orders)',
  underpaid: 'underpaid',
  expired: 'late (order expired)',
  cancelled_order: 'order cancelled',
  deposit_cancelled: 'deposit cancelled',
  no_deposit: 'never paid by buyer',
};

export interface Seller {
  readonly sellerId: SellerId;
  readonly payee: Payee;
}

export interface ScenarioOrder {
  readonly orderId: OrderId;
  readonly case: CaseName;
  readonly sellerId: SellerId;
  readonly payee: Payee;
  readonly accountId: AccountId;
  readonly amountKrw: number;
  /** The buyer's name; with `assignSuffix` remit appends 3 digits and the buyer types that. */
  readonly depositorBase: string;
  readonly assignSuffix: boolean;
  readonly ttlMs: number;
}

/** Something that happens at an instant of the simulated timeline. */
export type FeedEvent =
  | {
      readonly kind: 'deposit';
      readonly atMs: InstantMs;
      readonly tranId: string;
      readonly accountId: AccountId;
      readonly amountKrw: number;
      /** The buyer types the name remit assigned to this order... */
      readonly forOrder?: OrderId;
      /** ...or this name (a deposit for no single order). */
      readonly depositorName?: string;
    }
  | {
      readonly kind: 'deposit_cancellation';
      readonly atMs: InstantMs;
      readonly tranId: string;
      readonly accountId: AccountId;
      readonly cancels: string;
    }
  | { readonly kind: 'cancel_order'; readonly atMs: InstantMs; readonly orderId: OrderId }
  /** The next transfer call executes, but the answer never arrives (the client times out). */
  | { readonly kind: 'fault_timeout_executed'; readonly atMs: InstantMs }
  /** Another system books the bank id remit will draw next (the provider then answers 822). */
  | { readonly kind: 'foreign_booking'; readonly atMs: InstantMs }
  | { readonly kind: 'reverse'; readonly atMs: InstantMs; readonly orderId: OrderId; readonly reason: string }
  /** A payout message whose money does not add up is put on the queue. */
  | { readonly kind: 'poison'; readonly atMs: InstantMs };

export interface Scenario {
  readonly seed: number;
  readonly startMs: InstantMs;
  readonly sellers: readonly Seller[];
  readonly orders: readonly ScenarioOrder[];
  /** Sorted by time. */
  readonly feed: readonly FeedEvent[];
  /** The payee account the bank refuses (invalid account). */
  readonly rejectedPayeeAccount: string;
  /** When nothing is left to happen. */
  readonly endMs: InstantMs;
}

const SURNAMES = [
  '김',
  '이',
  '박',
  '최',
  '정',
  '강',
  '조',
  '윤',
  '장',
  '임',
  '한',
  '오',
  '서',
  '신',
  '권',
  '황',
];
const GIVEN = [
  '테스트',
  '시험',
  '가나',
  '다라',
  '마바',
  '사아',
  '자차',
  '카타',
  '파하',
  '예시',
  '견본',
  '모의',
];
const LONG_NAMES = [
  '남궁테스트가나다',
  '황보시험다라마바',
  '제갈견본사아자차',
  '선우모의카타파하',
  '독고예시가나다라',
];
const BANK_CODES = ['004', '088', '020', '011'];

export interface ScenarioOptions {
  /** Orders in total (specials included). At least 40. */
  readonly orders: number;
  readonly seed: number;
}

/** The smallest scenario that still has every case plus some bulk. */
export const MIN_ORDERS = 40;
/** Bound on the scenario size: the demo is a demonstration, not a load test. */
export const MAX_ORDERS = 20_000;

/**
 * Generate the scenario. Same options, same scenario.
 *
 * @example
 * ```ts
 * const scenario = generateScenario({ orders: 300, seed: 42 });
 * ```
 */
export function generateScenario(options: ScenarioOptions): Scenario {
  if (!Number.isSafeInteger(options.orders) || options.orders < MIN_ORDERS || options.orders > MAX_ORDERS) {
    throw new RangeError(`orders must be ${MIN_ORDERS}..${MAX_ORDERS}, got ${options.orders}`);
  }
  const random = new SeededRandom(options.seed);
  const t0 = DEMO_START_MS;
  const at = (minutes: number) => t0 + Math.round(minutes * MINUTE_MS);

  const sellers: Seller[] = Array.from({ length: 16 }, (_, i) => ({
    sellerId: parseSellerId(`seller-${String(i + 1).padStart(2, '0')}`),
    payee: {
      bankCode: BANK_CODES[i % BANK_CODES.length]!,
      accountNumber: `220-000-${String(i + 1).padStart(6, '0')}`,
      holderName: `(주)테스트상점${String(i + 1).padStart(2, '0')}`,
    },
  }));
  const rejectedSeller: Seller = {
    sellerId: parseSellerId('seller-closed'),
    payee: { bankCode: '004', accountNumber: '220-999-000001', holderName: '(주)폐업테스트' },
  };
  sellers.push(rejectedSeller);

  const orders: ScenarioOrder[] = [];
  const feed: FeedEvent[] = [];
  let tranSeq = 0;
  const nextTranId = () => `D${String(++tranSeq).padStart(9, '0')}`;
  const pickSeller = () => sellers[random.int(sellers.length - 1)]!;
  const pickAccount = () => DEMO_ACCOUNTS[random.int(DEMO_ACCOUNTS.length)]!.id;
  const randomName = () => `${SURNAMES[random.int(SURNAMES.length)]}${GIVEN[random.int(GIVEN.length)]}`;
  // Special amounts are odd thousands above the bulk range: no bulk order can collide with them.
  let specialAmount = 301_000;
  const nextSpecialAmount = () => {
    specialAmount += 2_000;
    return specialAmount;
  };

  const addOrder = (
    spec: Omit<ScenarioOrder, 'orderId' | 'ttlMs' | 'sellerId' | 'payee'> & Partial<ScenarioOrder>,
  ) => {
    const seller =
      spec.sellerId === undefined ? pickSeller() : sellers.find((s) => s.sellerId === spec.sellerId)!;
    const order: ScenarioOrder = {
      orderId: parseOrderId(`ord-${String(orders.length + 1).padStart(5, '0')}`),
      sellerId: seller.sellerId,
      payee: seller.payee,
      ttlMs: 24 * HOUR_MS,
      ...spec,
    };
    orders.push(order);
    return order;
  };
  const depositFor = (order: ScenarioOrder, minutes: number, amountKrw = order.amountKrw) => {
    const event: FeedEvent = {
      kind: 'deposit',
      atMs: at(minutes),
      tranId: nextTranId(),
      accountId: order.accountId,
      amountKrw,
      forOrder: order.orderId,
    };
    feed.push(event);
    return event;
  };
  const special = (kind: CaseName, extra: Partial<ScenarioOrder> = {}) =>
    addOrder({
      case: kind,
      accountId: pickAccount(),
      amountKrw: nextSpecialAmount(),
      depositorBase: randomName(),
      assignSuffix: true,
      ...extra,
    });

  // ---- specials (fixed count, placed on the timeline so each shows one behaviour)
  for (const name of LONG_NAMES.slice(0, 4)) {
    // Long names, no suffix: the bank prints only the first 6 syllables.
    depositFor(special(CaseName.Truncated, { depositorBase: name, assignSuffix: false }), 5 + random.int(50));
  }
  const overpaid = special(CaseName.Overpaid);
  depositFor(overpaid, 15, overpaid.amountKrw + 3_000);
  const underpaid = special(CaseName.Underpaid);
  depositFor(underpaid, 17, underpaid.amountKrw - 2_000);

  // One buyer, two open orders (same name, different amounts), pays an amount matching neither.
  const twinAccount = pickAccount();
  const twinA = special(CaseName.Ambiguous, {
    accountId: twinAccount,
    depositorBase: '김중복',
    assignSuffix: false,
  });
  special(CaseName.Ambiguous, { accountId: twinAccount, depositorBase: '김중복', assignSuffix: false });
  feed.push({
    kind: 'deposit',
    atMs: at(19),
    tranId: nextTranId(),
    accountId: twinAccount,
    amountKrw: twinA.amountKrw + 1_000,
    depositorName: '김중복',
  });
  // Nobody ordered anything under this name.
  feed.push({
    kind: 'deposit',
    atMs: at(21),
    tranId: nextTranId(),
    accountId: pickAccount(),
    amountKrw: 12_340,
    depositorName: '박모름',
  });

  depositFor(special(CaseName.Expired, { ttlMs: 20 * MINUTE_MS }), 40);
  const cancelled = special(CaseName.CancelledOrder);
  feed.push({ kind: 'cancel_order', atMs: at(10), orderId: cancelled.orderId });
  depositFor(cancelled, 25);

  // The buyer's bank cancels the deposit before remit pays it out (same ingest run).
  const cancelledDeposit = depositFor(special(CaseName.DepositCancelled), 31);
  feed.push({
    kind: 'deposit_cancellation',
    atMs: at(33),
    tranId: nextTranId(),
    accountId: cancelledDeposit.accountId,
    cancels: cancelledDeposit.tranId,
  });

  depositFor(special(CaseName.Rejected, { sellerId: rejectedSeller.sellerId }), 12);
  const reversed = special(CaseName.Reversed);
  depositFor(reversed, 8);
  feed.push({
    kind: 'reverse',
    atMs: at(180),
    orderId: reversed.orderId,
    reason: 'payee account closed (RV01)',
  });

  // Isolated in time: when the fault is armed, no other transfer is in flight.
  feed.push({ kind: 'fault_timeout_executed', atMs: at(124) });
  depositFor(special(CaseName.TimeoutExecuted), 122);
  feed.push({ kind: 'foreign_booking', atMs: at(154) });
  depositFor(special(CaseName.DuplicateId), 152);

  feed.push({ kind: 'poison', atMs: at(45) });

  // 23:36 KST: 13 h 36 min after the start.
  depositFor(special(CaseName.Maintenance), 13 * 60 + 36);

  // ---- bulk: exact matches, a few buyers who never pay
  const bulk = options.orders - orders.length;
  for (let i = 0; i < bulk; i++) {
    const neverPays = random.chance(0.03);
    const order = addOrder({
      case: neverPays ? CaseName.NoDeposit : CaseName.Exact,
      accountId: pickAccount(),
      amountKrw: (10 + random.int(290)) * 1_000,
      depositorBase: randomName(),
      assignSuffix: true,
    });
    if (!neverPays) depositFor(order, 1 + random.int(59) + random.next());
  }

  feed.sort((a, b) => a.atMs - b.atMs);
  return {
    seed: options.seed,
    startMs: t0,
    sellers,
    orders,
    feed,
    rejectedPayeeAccount: rejectedSeller.payee.accountNumber,
    endMs: at(14 * 60 + 50),
  };
}

/** The environment the demo's settings come from (both modes parse it like Lambda would). */
export function demoSettingsEnv(): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: 'remit-demo',
    POWERTOOLS_METRICS_NAMESPACE: 'RemitDemo',
    REMIT_INSTITUTION_CODE: DEMO_INSTITUTION,
    REMIT_ACCOUNTS: DEMO_ACCOUNTS.map((a) => `${a.id}=${a.accountNumber}`).join(','),
    REMIT_FEE: DEMO_FEE,
    REMIT_NAME_BUDGET_BYTES: String(DEMO_NAME_BUDGET_BYTES),
    REMIT_MAINTENANCE_WINDOW: '23:30-00:30',
  };
}
