// Bulk matching, DESIGN "Matching policy" rule 5: 100,000 deposits against 1,000,000 pending orders
// is a routine ingest cycle. `pnpm bench matching` (harness: scripts/bench.ts, API in
// packages/core/src/testing/bench.ts). Each case runs in its own process (oneshot): the peak RSS
// reported includes the 1M generated orders, which a real run would also hold.
//
// Cases:
//   naive      the O(D x O) baseline: every deposit scans all 1M orders (name keys computed once
//              per run, which flatters it); 500 deposits, compared per deposit
//   bulk       buildOrderIndex(1M orders) + matchAll(100k deposits): target <= 1 s median, <= 600 MB
//   index      buildOrderIndex alone, to show how the bulk time splits
//
// Workload (seeded, so every run and machine sees the same data): 50 receiving accounts; orders
// named as openOrder assigns them ("김민준042", 65%), plain person names (25%, same-name pairs
// arise naturally), company names often longer than the 12-byte budget ("주식회사 한빛테크상사",
// 10%); 2% of person-name orders duplicated (same account, name, amount) to make ambiguity; 5%
// expired. Deposits: the bank prints the typed name cut to 12 EUC-KR bytes, sometimes with spaces
// or ㈜; ~10% from names no order has, ~4% wrong amounts, ~1% paying an order twice.
// Outcomes: matched 79.5% (1.6% with excess owed), unmatched 10.0%, orphan 5.2% (expired 4.4%,
// already paid 0.8%), ambiguous 3.6%, underpaid 1.7%.
//
// Measured 2026-11-28 on the 2-core dev machine while shared (load average 7-12): bulk median
// 736 ms (min 712, max 803), peak RSS 466 MiB; index build alone 435 ms; naive 17 ms per deposit,
// i.e. ~28 min for 100k, ratio 4.3e-4 per deposit.
import { type AccountId, parseAccountId, parseDepositId, parseOrderId, parseSellerId } from '../ids.js';
import { type Krw, parseKrw } from '../money.js';
import { defineBench } from '../testing/bench.js';
import type { Deposit, MatchOutcome, MatchPolicyConfig, Payee, PendingOrder } from '../types.js';
import { buildOrderIndex, evaluateMatch } from './matching.js';
import { nameKey, truncateToBudget } from './names.js';

const ORDERS = 1_000_000;
const DEPOSITS = 100_000;
const NAIVE_DEPOSITS = 500;
const ACCOUNTS = 50;
const SELLERS = 1_000;
const SEED = 20261128;
const POLICY: MatchPolicyConfig = { nameBudgetBytes: 12, overpayment: 'match_and_owe' };
const T0 = 1_800_000_000_000;
const DAY_MS = 86_400_000;

/** mulberry32: a tiny seeded PRNG (core takes no Math.random). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Frequent first: picking with r^2 skews towards the head, as real surnames and syllables do.
const SURNAMES = [...'김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민'];
const GIVEN = [...'민서준지현우예도하윤수연진영은주성재호채원유시아건정혜승태경희동규나라선미소빈율온람결'];
const COMPANY = [...'한빛테크상사물산유통건설전자식품무역산업에너지바이오제약디자인'];
/** Surnames no order uses: their deposits are the unmatched ~10%. */
const STRANGERS = ['제갈', '선우', '남궁', '황보', '독고'];
const PRICES = [
  1_000, 2_500, 3_900, 5_000, 7_900, 9_900, 10_000, 12_000, 15_000, 19_800, 20_000, 25_000, 29_900, 30_000,
  35_000, 39_000, 45_000, 49_000, 50_000, 59_000, 69_000, 79_000, 89_000, 99_000, 100_000, 120_000, 150_000,
  199_000, 250_000, 300_000, 390_000, 500_000,
];

interface Workload {
  readonly orders: readonly PendingOrder[];
  readonly deposits: readonly Deposit[];
}

function generate(): Workload {
  const rand = prng(SEED);
  const pick = <T>(items: readonly T[], skew = false): T => {
    const r = rand();
    return items[Math.floor((skew ? r * r : r) * items.length)] as T;
  };
  const accounts: AccountId[] = Array.from({ length: ACCOUNTS }, (_, i) =>
    parseAccountId(`acct-110-000-${String(i).padStart(6, '0')}`),
  );
  const sellers = Array.from({ length: SELLERS }, (_, i) => {
    const payee: Payee = {
      bankCode: '004',
      accountNumber: `110-100-${String(i).padStart(6, '0')}`,
      holderName: '판매자',
    };
    return { sellerId: parseSellerId(`seller-${i}`), payee };
  });
  const person = () => `${pick(SURNAMES, true)}${pick(GIVEN, true)}${pick(GIVEN, true)}`;
  const company = () => {
    let name = '';
    const syllables = 3 + Math.floor(rand() * 6);
    for (let i = 0; i < syllables; i++) name += pick(COMPANY);
    return rand() < 0.5 ? `(주)${name}` : `주식회사 ${name}`;
  };
  const amountOf = (): Krw =>
    parseKrw(rand() < 0.8 ? pick(PRICES, true) : (1 + Math.floor(rand() * 3_000)) * 100);

  const orders: PendingOrder[] = new Array(ORDERS);
  for (let i = 0; i < ORDERS; i++) {
    const seller = pick(sellers);
    const createdAt = T0 - Math.floor(rand() * 2 * DAY_MS);
    const expired = rand() < 0.05;
    const kind = rand();
    const previous = orders[i - 1];
    let accountId = pick(accounts);
    let amountKrw = amountOf();
    let depositorName: string;
    if (kind < 0.65) {
      depositorName = `${person()}${String(Math.floor(rand() * 1000)).padStart(3, '0')}`;
    } else if (kind < 0.9) {
      depositorName = person();
      if (previous !== undefined && rand() < 0.02) {
        // Two buyers with one name ordering the same thing: only a person can tell them apart.
        ({ accountId, amountKrw, depositorName } = previous);
      }
    } else {
      depositorName = company();
    }
    orders[i] = {
      orderId: parseOrderId(`ord-${i.toString(36)}`),
      sellerId: seller.sellerId,
      accountId,
      amountKrw,
      depositorName,
      payee: seller.payee,
      createdAt,
      expiresAt: expired ? T0 - Math.floor(rand() * DAY_MS) - 1 : createdAt + 3 * DAY_MS,
      status: 'pending',
    };
  }

  // The bank prints what the buyer typed, cut to the byte budget.
  const printed = (typed: string) => truncateToBudget(typed, POLICY.nameBudgetBytes);
  const deposits: Deposit[] = new Array(DEPOSITS);
  // A stride coprime with ORDERS walks distinct orders, so exact payments rarely collide by chance.
  const stride = 7_919;
  let cursor = Math.floor(rand() * ORDERS);
  for (let i = 0; i < DEPOSITS; i++) {
    const r = rand();
    const depositId = parseDepositId(`dep-${i.toString(36)}`);
    const occurredAt = T0 + Math.floor(rand() * 15 * 60_000);
    cursor = (cursor + stride) % ORDERS;
    const target = orders[cursor] as PendingOrder;
    let accountId = target.accountId;
    let typed = target.depositorName;
    let amountKrw = target.amountKrw;
    if (r < 0.1) {
      typed = `${pick(STRANGERS)}${pick(GIVEN)}`; // nobody we know
      accountId = pick(accounts);
    } else if (r < 0.14) {
      amountKrw = parseKrw(rand() < 0.5 ? Math.max(100, target.amountKrw - 100) : target.amountKrw + 1_000);
    } else if (r < 0.15) {
      const paid = deposits[i - 1];
      if (paid !== undefined) ({ accountId, depositorName: typed, amountKrw } = paid); // paid twice
    } else if (rand() < 0.1) {
      typed = typed.startsWith('(주)') ? `㈜ ${typed.slice(3)}` : `${typed.slice(0, 1)} ${typed.slice(1)}`;
    }
    deposits[i] = {
      accountId,
      depositId,
      depositorName: printed(typed),
      amountKrw,
      occurredAt,
      kind: 'deposit',
    };
  }
  return { orders, deposits };
}

/** Fails the case loudly if the workload is not the one described above. */
function checkShape(outcomes: readonly MatchOutcome[], total: number): void {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const share = (kind: string) => (counts.get(kind) ?? 0) / total;
  const shape = JSON.stringify(Object.fromEntries(counts));
  if (share('unmatched') < 0.08 || share('unmatched') > 0.16)
    throw new Error(`unmatched share off: ${shape}`);
  if (share('matched') < 0.7) throw new Error(`matched share off: ${shape}`);
  if (share('ambiguous') === 0 || share('orphan') === 0 || share('underpaid') === 0) {
    throw new Error(`workload lacks a case: ${shape}`);
  }
}

/** The baseline: for each deposit, scan every order for its account and name key, then decide. */
function naive(work: Workload, count: number): MatchOutcome[] {
  const budget = POLICY.nameBudgetBytes;
  const keys = work.orders.map((o) => nameKey(o.depositorName, budget));
  const outcomes: MatchOutcome[] = [];
  for (let d = 0; d < count; d++) {
    const deposit = work.deposits[d] as Deposit;
    const key = nameKey(deposit.depositorName, budget);
    const candidates: PendingOrder[] = [];
    for (let i = 0; i < work.orders.length; i++) {
      const order = work.orders[i] as PendingOrder;
      if (order.accountId === deposit.accountId && keys[i] === key) candidates.push(order);
    }
    outcomes.push(evaluateMatch({ deposit, candidates, policy: POLICY }));
  }
  return outcomes;
}

export default defineBench<Workload>({
  name: 'bulk matching: 100k deposits x 1M pending orders',
  mode: 'oneshot',
  runs: 5,
  setup: generate,
  cases: [
    {
      name: `naive O(DxO) scan, ${NAIVE_DEPOSITS} deposits`,
      baseline: true,
      opsPerCall: NAIVE_DEPOSITS,
      fn: (work) => naive(work, NAIVE_DEPOSITS),
    },
    {
      name: 'buildOrderIndex(1M) + matchAll(100k)',
      opsPerCall: DEPOSITS,
      fn: (work) => {
        const results = buildOrderIndex(work.orders, POLICY).matchAll(work.deposits);
        checkShape(
          results.map((r) => r.outcome),
          DEPOSITS,
        );
      },
      target: { maxMedianMs: 1_000, maxPeakRssMb: 600, maxRatio: 0.01 },
    },
    {
      name: 'buildOrderIndex(1M) only',
      opsPerCall: DEPOSITS,
      fn: (work) => buildOrderIndex(work.orders, POLICY),
    },
  ],
});
