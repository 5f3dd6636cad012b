import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRemitError } from '../errors.js';
import { parseAccountId, parseDepositId, parseOrderId, parseSellerId } from '../ids.js';
import { parseKrw } from '../money.js';
import {
  DEFAULT_MATCH_POLICY,
  type Deposit,
  type MatchOutcome,
  type MatchPolicyConfig,
  type OrderStatus,
  type PendingOrder,
} from '../types.js';
import { buildOrderIndex, checkMatchPolicy, evaluateMatch, excessOf } from './matching.js';
import { namesMatch } from './names.js';

const ACCOUNT = parseAccountId('acct-110-000-000001');
const OTHER_ACCOUNT = parseAccountId('acct-110-000-000002');
const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const OWE: MatchPolicyConfig = { nameBudgetBytes: 12, overpayment: 'match_and_owe' };
const REVIEW: MatchPolicyConfig = { nameBudgetBytes: 12, overpayment: 'review' };

function order(id: string, over: Partial<Omit<PendingOrder, 'orderId'>> = {}): PendingOrder {
  return {
    orderId: parseOrderId(id),
    sellerId: parseSellerId('seller-1'),
    accountId: ACCOUNT,
    amountKrw: parseKrw(10_000),
    depositorName: '김테스트',
    payee: { bankCode: '004', accountNumber: '110-000-000099', holderName: '판매자' },
    createdAt: T0,
    expiresAt: T0 + 24 * HOUR,
    status: 'pending',
    ...over,
  };
}

function deposit(id: string, over: Partial<Omit<Deposit, 'depositId'>> = {}): Deposit {
  return {
    accountId: ACCOUNT,
    depositId: parseDepositId(id),
    depositorName: '김테스트',
    amountKrw: parseKrw(10_000),
    occurredAt: T0 + HOUR,
    kind: 'deposit',
    ...over,
  };
}

const krw = (n: number) => parseKrw(n);

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

describe('evaluateMatch: the exactly-one rule', () => {
  it('matches the one pending, unexpired order with the same amount and name', () => {
    const a = order('ord-a');
    const outcome = evaluateMatch({ deposit: deposit('dep-1'), candidates: [a], policy: OWE });
    expect(outcome).toEqual({ kind: 'matched', order: a, excessKrw: 0 });
  });

  it('normalises the printed name (spaces, affixes, NFD) before comparing', () => {
    const a = order('ord-a', { depositorName: '(주)김테스트' });
    const printed = ' 김 테스트'.normalize('NFD');
    expect(
      evaluateMatch({ deposit: deposit('dep-1', { depositorName: printed }), candidates: [a], policy: OWE }),
    ).toMatchObject({ kind: 'matched', order: a });
  });

  it('right amount with two same-name pending orders -> ambiguous, no payout', () => {
    const a = order('ord-a');
    const b = order('ord-b');
    const outcome = evaluateMatch({ deposit: deposit('dep-1'), candidates: [b, a], policy: OWE });
    expect(outcome).toEqual({ kind: 'ambiguous', candidates: ['ord-a', 'ord-b'] });
    expect(excessOf(outcome)).toBe(0);
  });

  it('a 12-byte truncated name matches only when no other pending order shares the prefix', () => {
    const printed = deposit('dep-1', { depositorName: '김테스트상사' }); // the bank cut "본점"
    const a = order('ord-a', { depositorName: '김테스트상사본점' });
    expect(evaluateMatch({ deposit: printed, candidates: [a], policy: OWE })).toMatchObject({
      kind: 'matched',
      order: a,
    });
    const b = order('ord-b', { depositorName: '김테스트상사지점' }); // same 12-byte prefix
    expect(evaluateMatch({ deposit: printed, candidates: [a, b], policy: OWE })).toEqual({
      kind: 'ambiguous',
      candidates: ['ord-a', 'ord-b'],
    });
    // A shorter expected name is not a prefix match: it must be printed whole.
    const c = order('ord-c', { depositorName: '김테스트상' });
    expect(evaluateMatch({ deposit: printed, candidates: [c], policy: OWE })).toEqual({ kind: 'unmatched' });
  });

  it('matches a long affixed name the bank cut as typed ("(주)한빛테크" for "(주)한빛테크상사")', () => {
    const a = order('ord-a', { depositorName: '(주)한빛테크상사' });
    const cut = deposit('dep-1', { depositorName: '(주)한빛테크' }); // 12 bytes: the bank's cut
    expect(evaluateMatch({ deposit: cut, candidates: [a], policy: OWE })).toMatchObject({
      kind: 'matched',
      order: a,
    });
    // A complete short name is not a cut: it must equal the expected name.
    const short = deposit('dep-2', { depositorName: '한빛테크' });
    expect(evaluateMatch({ deposit: short, candidates: [a], policy: OWE })).toEqual({ kind: 'unmatched' });
    // An order really named "한빛테크" makes the cut printing ambiguous.
    const b = order('ord-b', { depositorName: '한빛테크' });
    expect(evaluateMatch({ deposit: cut, candidates: [a, b], policy: OWE })).toEqual({
      kind: 'ambiguous',
      candidates: ['ord-a', 'ord-b'],
    });
    expect(evaluateMatch({ deposit: short, candidates: [a, b], policy: OWE })).toMatchObject({ order: b });
  });

  it('prefers the order with the exact amount over same-name orders with other amounts', () => {
    const a = order('ord-a', { amountKrw: krw(10_000) });
    const b = order('ord-b', { amountKrw: krw(20_000) });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [b, a], policy: OWE })).toMatchObject({
      kind: 'matched',
      order: a,
    });
  });

  it('several same-name live orders, none with the amount -> ambiguous', () => {
    const a = order('ord-a', { amountKrw: krw(9_000) });
    const b = order('ord-b', { amountKrw: krw(20_000) });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [a, b], policy: OWE })).toEqual({
      kind: 'ambiguous',
      candidates: ['ord-a', 'ord-b'],
    });
  });

  it('no order with that name -> unmatched', () => {
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [], policy: OWE })).toEqual({
      kind: 'unmatched',
    });
    const other = order('ord-x', { depositorName: '이테스트' });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [other], policy: OWE })).toEqual({
      kind: 'unmatched',
    });
  });

  it('ignores candidates of another account', () => {
    const foreign = order('ord-x', { accountId: OTHER_ACCOUNT });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [foreign], policy: OWE })).toEqual({
      kind: 'unmatched',
    });
  });
});

describe('evaluateMatch: under- and overpayment', () => {
  const a = order('ord-a', { amountKrw: krw(10_000) });

  it('a lower amount is underpaid, with the shortfall', () => {
    const d = deposit('dep-1', { amountKrw: krw(9_500) });
    expect(evaluateMatch({ deposit: d, candidates: [a], policy: OWE })).toEqual({
      kind: 'underpaid',
      order: a,
      shortKrw: 500,
    });
    expect(evaluateMatch({ deposit: d, candidates: [a], policy: REVIEW }).kind).toBe('underpaid');
  });

  it("a higher amount is matched with the excess owed back under 'match_and_owe'", () => {
    const d = deposit('dep-1', { amountKrw: krw(10_700) });
    const outcome = evaluateMatch({ deposit: d, candidates: [a], policy: OWE });
    expect(outcome).toEqual({ kind: 'matched', order: a, excessKrw: 700 });
    expect(excessOf(outcome)).toBe(700);
  });

  it("a higher amount is overpaid (review, no payout) under 'review'", () => {
    const d = deposit('dep-1', { amountKrw: krw(10_700) });
    const outcome = evaluateMatch({ deposit: d, candidates: [a], policy: REVIEW });
    expect(outcome).toEqual({ kind: 'overpaid', order: a, excessKrw: 700 });
    expect(excessOf(outcome)).toBe(700);
  });
});

describe('evaluateMatch: orphans are refunded, never re-routed', () => {
  it('a deposit after expiry is an orphan of the expired order, never another order', () => {
    const expired = order('ord-old', { expiresAt: T0 + HOUR });
    const other = order('ord-new', {
      amountKrw: krw(12_000),
      createdAt: T0 + 2 * HOUR,
      expiresAt: T0 + 48 * HOUR,
    });
    const late = deposit('dep-1', { occurredAt: T0 + 2 * HOUR });
    expect(evaluateMatch({ deposit: late, candidates: [expired, other], policy: OWE })).toEqual({
      kind: 'orphan',
      order: expired,
      reason: 'expired',
    });
    // Even an overpayment that could have gone to the live order is not re-routed.
    const cheaper = order('ord-cheap', { amountKrw: krw(8_000) });
    expect(evaluateMatch({ deposit: late, candidates: [expired, cheaper], policy: OWE })).toMatchObject({
      kind: 'orphan',
      order: expired,
    });
  });

  it('judges expiry at the deposit time: expiresAt itself is too late, a moment before is in time', () => {
    const a = order('ord-a', { expiresAt: T0 + HOUR });
    const atExpiry = deposit('dep-1', { occurredAt: T0 + HOUR });
    const justBefore = deposit('dep-2', { occurredAt: T0 + HOUR - 1 });
    expect(evaluateMatch({ deposit: atExpiry, candidates: [a], policy: OWE }).kind).toBe('orphan');
    expect(evaluateMatch({ deposit: justBefore, candidates: [a], policy: OWE }).kind).toBe('matched');
  });

  it('a cancelled order -> orphan cancelled', () => {
    const a = order('ord-a', { status: 'cancelled' });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [a], policy: OWE })).toEqual({
      kind: 'orphan',
      order: a,
      reason: 'cancelled',
    });
  });

  it('an order paid by another deposit -> orphan already_paid', () => {
    const a = order('ord-a', { status: 'paid', paidBy: parseDepositId('dep-0'), paidAt: T0 });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [a], policy: OWE })).toEqual({
      kind: 'orphan',
      order: a,
      reason: 'already_paid',
    });
  });

  it('only dead orders with other amounts -> orphan of the latest created', () => {
    const older = order('ord-a', { amountKrw: krw(5_000), status: 'cancelled', createdAt: T0 - 2 * HOUR });
    const newer = order('ord-b', { amountKrw: krw(7_000), expiresAt: T0, createdAt: T0 - HOUR });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [newer, older], policy: OWE })).toEqual({
      kind: 'orphan',
      order: newer,
      reason: 'expired',
    });
  });

  it('ties between dead orders go to the smallest order id, whatever the input order', () => {
    const a = order('ord-a', { status: 'cancelled' });
    const b = order('ord-b', { status: 'cancelled' });
    for (const candidates of [
      [a, b],
      [b, a],
    ]) {
      expect(evaluateMatch({ deposit: deposit('dep-1'), candidates, policy: OWE })).toMatchObject({
        order: a,
      });
    }
  });

  it('a live order with the exact amount wins over dead ones', () => {
    const dead = order('ord-a', { status: 'cancelled' });
    const live = order('ord-b');
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [dead, live], policy: OWE })).toMatchObject(
      {
        kind: 'matched',
        order: live,
      },
    );
  });
});

describe('evaluateMatch: idempotence and input checks', () => {
  it('re-evaluating a deposit after its order was marked paid by it gives the same match', () => {
    const a = order('ord-a', { amountKrw: krw(10_000) });
    const d = deposit('dep-1', { amountKrw: krw(10_300) });
    const first = evaluateMatch({ deposit: d, candidates: [a], policy: OWE });
    expect(first).toMatchObject({ kind: 'matched', excessKrw: 300 });
    const paid: PendingOrder = { ...a, status: 'paid', paidBy: d.depositId, paidAt: d.occurredAt };
    const again = evaluateMatch({
      deposit: d,
      candidates: [paid, order('ord-b', { amountKrw: krw(10_300) })],
      policy: OWE,
    });
    expect(again).toEqual({ kind: 'matched', order: paid, excessKrw: 300 });
  });

  it('a store holding two orders paid by one deposit still gets one answer, whatever their order', () => {
    const a = order('ord-a', { status: 'paid', paidBy: parseDepositId('dep-1') });
    const b = order('ord-b', { status: 'paid', paidBy: parseDepositId('dep-1') });
    for (const candidates of [
      [a, b],
      [b, a],
    ]) {
      expect(evaluateMatch({ deposit: deposit('dep-1'), candidates, policy: OWE })).toMatchObject({
        kind: 'matched',
        order: a,
      });
    }
  });

  it('replays an exact match with zero excess', () => {
    const paid = order('ord-a', { status: 'paid', paidBy: parseDepositId('dep-1') });
    expect(evaluateMatch({ deposit: deposit('dep-1'), candidates: [paid], policy: OWE })).toEqual({
      kind: 'matched',
      order: paid,
      excessKrw: 0,
    });
  });

  it('refuses cancellations: they undo a match, they never make one', () => {
    const cancellation = deposit('dep-2', { kind: 'cancellation', cancels: parseDepositId('dep-1') });
    expect(errorCode(() => evaluateMatch({ deposit: cancellation, candidates: [], policy: OWE }))).toBe(
      'INVALID_INPUT',
    );
  });

  it('refuses an unusable policy with INVALID_CONFIG', () => {
    const bad: MatchPolicyConfig[] = [
      { nameBudgetBytes: 0, overpayment: 'review' },
      { nameBudgetBytes: 12.5, overpayment: 'review' },
      { nameBudgetBytes: 256, overpayment: 'review' },
      { nameBudgetBytes: 12, overpayment: 'refund' as 'review' },
    ];
    for (const policy of bad) {
      expect(errorCode(() => checkMatchPolicy(policy))).toBe('INVALID_CONFIG');
      expect(errorCode(() => evaluateMatch({ deposit: deposit('dep-1'), candidates: [], policy }))).toBe(
        'INVALID_CONFIG',
      );
      expect(errorCode(() => buildOrderIndex([], policy))).toBe('INVALID_CONFIG');
    }
    expect(() => checkMatchPolicy(DEFAULT_MATCH_POLICY)).not.toThrow();
  });

  it('excessOf is zero for outcomes that owe nothing', () => {
    const a = order('ord-a');
    expect(excessOf({ kind: 'unmatched' })).toBe(0);
    expect(excessOf({ kind: 'underpaid', order: a, shortKrw: krw(1) })).toBe(0);
    expect(excessOf({ kind: 'orphan', order: a, reason: 'expired' })).toBe(0);
  });
});

describe('buildOrderIndex / BulkMatcher', () => {
  it('matches in one pass and claims: two deposits in one batch never pay one order', () => {
    const a = order('ord-a');
    const matcher = buildOrderIndex([a], OWE);
    const [first, second] = matcher.matchAll([
      deposit('dep-1'),
      deposit('dep-2', { occurredAt: T0 + 2 * HOUR }),
    ]);
    expect(first).toEqual({
      depositId: 'dep-1',
      outcome: { kind: 'matched', order: a, excessKrw: 0 },
      replayed: false,
    });
    expect(second?.outcome).toMatchObject({ kind: 'orphan', reason: 'already_paid' });
    expect(second?.outcome).toMatchObject({ order: { orderId: 'ord-a', paidBy: 'dep-1' } });
    expect(matcher.get(a.orderId)).toMatchObject({ status: 'paid', paidBy: 'dep-1', paidAt: T0 + HOUR });
  });

  it('the same deposits twice -> no new match (replayed, same outcomes, no order changes)', () => {
    const orders = [order('ord-a'), order('ord-b', { depositorName: '이테스트', amountKrw: krw(5_000) })];
    const deposits = [
      deposit('dep-1'),
      deposit('dep-2', { depositorName: '이테스트', amountKrw: krw(5_000) }),
      deposit('dep-3', { depositorName: '박테스트' }),
    ];
    const matcher = buildOrderIndex(orders, OWE);
    const first = matcher.matchAll(deposits);
    expect(first.map((r) => r.outcome.kind)).toEqual(['matched', 'matched', 'unmatched']);
    const statesAfterFirst = orders.map((o) => matcher.get(o.orderId));
    const second = matcher.matchAll(deposits);
    expect(second.every((r) => r.replayed)).toBe(true);
    expect(second.map((r) => r.outcome)).toEqual(first.map((r) => r.outcome));
    expect(orders.map((o) => matcher.get(o.orderId))).toEqual(statesAfterFirst);
    expect(matcher.outcomeOf(ACCOUNT, parseDepositId('dep-3'))).toEqual({ kind: 'unmatched' });
    expect(matcher.outcomeOf(OTHER_ACCOUNT, parseDepositId('dep-3'))).toBeUndefined();
  });

  it('a fresh index over the paid orders makes no new match either (paidBy replays)', () => {
    const first = buildOrderIndex([order('ord-a'), order('ord-b', { amountKrw: krw(7_000) })], OWE);
    const d = deposit('dep-1');
    first.matchAll([d]);
    const carried = [first.get(parseOrderId('ord-a')), first.get(parseOrderId('ord-b'))] as PendingOrder[];
    // A new order with the same name and amount appeared since: the re-read deposit must not pay it.
    const second = buildOrderIndex([...carried, order('ord-c', { createdAt: T0 + 2 * HOUR })], OWE);
    expect(second.match(d).outcome).toMatchObject({
      kind: 'matched',
      order: { orderId: 'ord-a', status: 'paid' },
    });
    expect(second.get(parseOrderId('ord-c'))?.status).toBe('pending');
  });

  it('deposit ids are per account: the same id in another account is another deposit', () => {
    const matcher = buildOrderIndex([order('ord-a'), order('ord-b', { accountId: OTHER_ACCOUNT })], OWE);
    const results = matcher.matchAll([deposit('dep-1'), deposit('dep-1', { accountId: OTHER_ACCOUNT })]);
    expect(results.map((r) => [r.replayed, r.outcome.kind])).toEqual([
      [false, 'matched'],
      [false, 'matched'],
    ]);
  });

  it('ambiguous and under/overpaid outcomes claim nothing', () => {
    const matcher = buildOrderIndex(
      [order('ord-a'), order('ord-b'), order('ord-c', { depositorName: '이테스트' })],
      REVIEW,
    );
    const results = matcher.matchAll([
      deposit('dep-1'),
      deposit('dep-2', { depositorName: '이테스트', amountKrw: krw(11_000) }),
      deposit('dep-3', { depositorName: '이테스트', amountKrw: krw(9_000) }),
    ]);
    expect(results.map((r) => r.outcome.kind)).toEqual(['ambiguous', 'overpaid', 'underpaid']);
    for (const id of ['ord-a', 'ord-b', 'ord-c'])
      expect(matcher.get(parseOrderId(id))?.status).toBe('pending');
  });

  it('finds orders through their cut keys, claims them under every key, and lists them as candidates', () => {
    const a = order('ord-a', { depositorName: '주식회사 한빛테크상사' });
    const b = order('ord-b', { depositorName: '한빛' });
    const matcher = buildOrderIndex([a, b, order('ord-c', { depositorName: '(주)한빛테크상사' })], OWE);
    expect(matcher.candidates(ACCOUNT, '주식회사한빛').map((o) => o.orderId)).toEqual(['ord-a', 'ord-b']);
    expect(matcher.candidates(ACCOUNT, '한빛').map((o) => o.orderId)).toEqual(['ord-b']);
    expect(matcher.candidates(ACCOUNT, '(주)한빛테크').map((o) => o.orderId)).toEqual(['ord-c']);
    const [cutTyped, again, exact] = matcher.matchAll([
      deposit('dep-1', { depositorName: '주식회사 한빛테', amountKrw: krw(10_000) }), // 12 bytes -> key 한빛테
      deposit('dep-2', { depositorName: '주식회사한빛' }), // cut key 한빛 + exact key of ord-b
      deposit('dep-3', { depositorName: '한빛테크상사' }), // a's key: a is paid by now
    ]);
    expect(cutTyped?.outcome).toEqual({ kind: 'unmatched' }); // 한빛테 is no key of a: typed differently
    expect(again?.outcome).toEqual({ kind: 'ambiguous', candidates: ['ord-a', 'ord-b'] });
    expect(exact?.outcome).toEqual({ kind: 'ambiguous', candidates: ['ord-a', 'ord-c'] });
    const cut = matcher.match(deposit('dep-4', { depositorName: '(주)한빛테크' }));
    expect(cut.outcome).toMatchObject({ kind: 'matched', order: { orderId: 'ord-c' } });
    // Paid under its key and its cut key alike.
    expect(matcher.candidates(ACCOUNT, '한빛테크상사').find((o) => o.orderId === 'ord-c')?.status).toBe(
      'paid',
    );
    expect(matcher.candidates(ACCOUNT, '(주)한빛테크')[0]?.status).toBe('paid');
    expect(matcher.match(deposit('dep-5', { depositorName: '(주)한빛테크' })).outcome).toMatchObject({
      kind: 'orphan',
      reason: 'already_paid',
    });
  });

  it('builds from any iterable, not only arrays', () => {
    function* orders() {
      yield order('ord-a');
      yield order('ord-b', { depositorName: '이테스트' });
    }
    const matcher = buildOrderIndex(orders(), OWE);
    expect(matcher.size).toBe(2);
    expect(matcher.match(deposit('dep-1', { depositorName: '이테스트' })).outcome).toMatchObject({
      kind: 'matched',
      order: { orderId: 'ord-b' },
    });
  });

  it('unknown accounts and names are unmatched', () => {
    const matcher = buildOrderIndex([order('ord-a')], OWE);
    expect(matcher.match(deposit('dep-1', { accountId: OTHER_ACCOUNT })).outcome).toEqual({
      kind: 'unmatched',
    });
    expect(matcher.match(deposit('dep-2', { depositorName: '최테스트' })).outcome).toEqual({
      kind: 'unmatched',
    });
  });

  it('refuses cancellation rows', () => {
    const matcher = buildOrderIndex([], OWE);
    expect(errorCode(() => matcher.matchAll([deposit('dep-9', { kind: 'cancellation' })]))).toBe(
      'INVALID_INPUT',
    );
  });

  it('add, replace, get and candidates keep the index consistent', () => {
    const matcher = buildOrderIndex([order('ord-a')], OWE);
    expect(matcher.size).toBe(1);
    matcher.add(order('ord-b', { depositorName: '김 테스트', amountKrw: krw(20_000) }));
    expect(matcher.size).toBe(2);
    expect(errorCode(() => matcher.add(order('ord-a')))).toBe('INVALID_INPUT');
    expect(matcher.candidates(ACCOUNT, '㈜김테스트').map((o) => o.orderId)).toEqual(['ord-a', 'ord-b']);
    expect(matcher.candidates(ACCOUNT, '이테스트')).toEqual([]);
    expect(matcher.get(parseOrderId('ord-unknown'))).toBeUndefined();
    matcher.add(order('ord-c', { depositorName: '이테스트' }));
    expect(matcher.candidates(ACCOUNT, '이테스트').map((o) => o.orderId)).toEqual(['ord-c']);
    expect(matcher.candidates(OTHER_ACCOUNT, '김테스트')).toEqual([]);

    const cancelled = { ...order('ord-a'), status: 'cancelled' as OrderStatus };
    matcher.replace(cancelled);
    expect(matcher.get(parseOrderId('ord-a'))).toBe(cancelled);
    expect(matcher.match(deposit('dep-1')).outcome).toEqual({
      kind: 'orphan',
      order: cancelled,
      reason: 'cancelled',
    });

    expect(errorCode(() => matcher.replace(order('ord-zzz')))).toBe('INVALID_INPUT');
    expect(errorCode(() => matcher.replace(order('ord-b', { amountKrw: krw(1) })))).toBe('INVALID_INPUT');
    expect(
      errorCode(() => matcher.replace(order('ord-b', { depositorName: '이테스트', amountKrw: krw(20_000) }))),
    ).toBe('INVALID_INPUT');
    expect(
      errorCode(() => matcher.replace(order('ord-b', { accountId: OTHER_ACCOUNT, amountKrw: krw(20_000) }))),
    ).toBe('INVALID_INPUT');
  });

  it('replace can undo a claim: the order is payable again and its old payer no longer replays through it', () => {
    const matcher = buildOrderIndex([order('ord-a')], OWE);
    matcher.match(deposit('dep-1'));
    const paid = matcher.get(parseOrderId('ord-a')) as PendingOrder;
    expect(paid.status).toBe('paid');
    const { paidBy: _by, paidAt: _at, ...rest } = paid;
    matcher.replace({ ...rest, status: 'pending' });
    expect(matcher.match(deposit('dep-2')).outcome).toMatchObject({
      kind: 'matched',
      order: { orderId: 'ord-a' },
    });
  });

  it('crowded names: the (account, name, amount) lookup gives the same answers as a scan', () => {
    // A platform that does not know its buyers' names: every order says "고객".
    const orders = Array.from({ length: 40 }, (_, i) =>
      order(`ord-${String(i).padStart(2, '0')}`, {
        depositorName: '고객',
        amountKrw: krw(1_000 + (i % 20) * 100),
      }),
    );
    orders.push(order('ord-solo', { depositorName: '고객', amountKrw: krw(9_900) }));
    orders.push(order('ord-late', { depositorName: '고객', amountKrw: krw(8_800), expiresAt: T0 }));
    const deposits = [
      deposit('dep-1', { depositorName: '고객', amountKrw: krw(9_900) }), // exactly one -> matched
      deposit('dep-2', { depositorName: '고객', amountKrw: krw(1_000) }), // two live -> ambiguous
      deposit('dep-3', { depositorName: '고객', amountKrw: krw(8_800) }), // only expired -> orphan
      deposit('dep-4', { depositorName: '고객', amountKrw: krw(7_777) }), // many live others -> ambiguous
      deposit('dep-5', { depositorName: '고객', amountKrw: krw(9_900) }), // solo already paid -> orphan
    ];
    const bulk = buildOrderIndex(orders, OWE).matchAll(deposits);
    expect(bulk.map((r) => r.outcome.kind)).toEqual([
      'matched',
      'ambiguous',
      'orphan',
      'ambiguous',
      'orphan',
    ]);
    expect(bulk.map((r) => r.outcome)).toEqual(sequentially(orders, deposits, OWE).outcomes);

    // Orders added later are found too.
    const matcher = buildOrderIndex(orders, OWE);
    matcher.add(order('ord-added', { depositorName: '고객', amountKrw: krw(6_600) }));
    expect(
      matcher.match(deposit('dep-6', { depositorName: '고객', amountKrw: krw(6_600) })).outcome,
    ).toMatchObject({
      kind: 'matched',
      order: { orderId: 'ord-added' },
    });
    matcher.add(order('ord-added-2', { depositorName: '고객', amountKrw: krw(6_600) }));
    expect(
      matcher.match(deposit('dep-7', { depositorName: '고객', amountKrw: krw(6_600) })).outcome,
    ).toMatchObject({
      kind: 'matched',
      order: { orderId: 'ord-added-2' },
    });
  });

  it('crowded names still replay a deposit through the order it paid', () => {
    const orders = Array.from({ length: 12 }, (_, i) =>
      order(`ord-${i}`, { depositorName: '고객', amountKrw: krw(1_000 + i) }),
    );
    const paid = {
      ...order('ord-paid', { depositorName: '고객' }),
      status: 'paid' as OrderStatus,
      paidBy: parseDepositId('dep-1'),
    };
    const live = order('ord-live', { depositorName: '고객' });
    const matcher = buildOrderIndex([...orders, paid, live], OWE);
    expect(matcher.match(deposit('dep-1', { depositorName: '고객' })).outcome).toMatchObject({
      kind: 'matched',
      order: { orderId: 'ord-paid' },
    });
    expect(matcher.get(live.orderId)?.status).toBe('pending');
  });
});

// ---------------------------------------------------------------- properties

/** The reference: evaluateMatch one deposit at a time, claiming as the bulk matcher does. */
function sequentially(
  initial: readonly PendingOrder[],
  deposits: readonly Deposit[],
  policy: MatchPolicyConfig,
): { outcomes: MatchOutcome[]; orders: PendingOrder[] } {
  let orders = [...initial];
  const seen = new Map<string, MatchOutcome>();
  const outcomes: MatchOutcome[] = [];
  for (const d of deposits) {
    const key = `${d.accountId}\n${d.depositId}`;
    const before = seen.get(key);
    if (before !== undefined) {
      outcomes.push(before);
      continue;
    }
    const candidates = orders.filter(
      (o) =>
        o.accountId === d.accountId && namesMatch(d.depositorName, o.depositorName, policy.nameBudgetBytes),
    );
    const outcome = evaluateMatch({ deposit: d, candidates, policy });
    seen.set(key, outcome);
    outcomes.push(outcome);
    if (outcome.kind === 'matched' && outcome.order.status === 'pending') {
      const claimed = outcome.order;
      orders = orders.map((o) =>
        o === claimed ? { ...o, status: 'paid', paidBy: d.depositId, paidAt: d.occurredAt } : o,
      );
    }
  }
  return { outcomes, orders };
}

// Names chosen to collide in interesting ways under 8- and 12-byte budgets: spaces, affixes, long
// names the bank cuts, and the cut printings themselves.
const NAMES = [
  '김테스트',
  ' 김 테스트',
  '㈜김테스트',
  '김테스트상사본점',
  '김테스트상사지점',
  '(주)김테스트상사',
  '주식회사 김테스트',
  '김 테스트상사본점',
  '이테스트',
  '고객',
];
const PRINTED = [
  ...NAMES,
  '(주)김테스트',
  '주식회사 김',
  '주식회사김테',
  '김 테스트상',
  '(주)김테',
  '김테스트상사',
];
const nameArb = fc.constantFrom(...NAMES);
const printedArb = fc.constantFrom(...PRINTED);
const amountArb = fc.constantFrom(1_000, 2_000, 3_000).map(krw);
const timeArb = fc.integer({ min: 0, max: 100 });
const accountArb = fc.constantFrom(ACCOUNT, OTHER_ACCOUNT);
const policyArb = fc.record({
  nameBudgetBytes: fc.constantFrom(8, 12),
  overpayment: fc.constantFrom('match_and_owe' as const, 'review' as const),
});

const ordersArb = fc
  .array(
    fc.record({
      accountId: accountArb,
      depositorName: nameArb,
      amountKrw: amountArb,
      createdAt: timeArb,
      expiresAt: timeArb,
      status: fc.constantFrom<OrderStatus>('pending', 'pending', 'pending', 'cancelled', 'paid'),
      paidByIndex: fc.integer({ min: 0, max: 9 }),
    }),
    { maxLength: 30 },
  )
  .map((rows) =>
    rows.map(({ paidByIndex, ...row }, i) =>
      order(`ord-${String(i).padStart(2, '0')}`, {
        ...row,
        ...(row.status === 'paid'
          ? { paidBy: parseDepositId(`dep-${paidByIndex}`), paidAt: row.createdAt }
          : {}),
      }),
    ),
  );

const depositsArb = fc
  .array(
    fc.record({
      id: fc.integer({ min: 0, max: 14 }), // repeats: re-read rows
      accountId: accountArb,
      depositorName: printedArb,
      amountKrw: amountArb,
      occurredAt: timeArb,
    }),
    { maxLength: 25 },
  )
  .map((rows) => rows.map(({ id, ...row }) => deposit(`dep-${id}`, row)));

function liveExact(orders: readonly PendingOrder[], d: Deposit, budget: number): PendingOrder[] {
  return orders.filter(
    (o) =>
      o.accountId === d.accountId &&
      namesMatch(d.depositorName, o.depositorName, budget) &&
      o.status === 'pending' &&
      d.occurredAt < o.expiresAt &&
      o.amountKrw === d.amountKrw,
  );
}

describe('matching properties', () => {
  it('a unique live order with the deposit amount and name is always found', () => {
    fc.assert(
      fc.property(ordersArb, depositsArb, policyArb, (orders, deposits, policy) => {
        for (const d of deposits) {
          const exact = liveExact(orders, d, policy.nameBudgetBytes);
          const paidByIt = orders.some((o) => o.paidBy === d.depositId && o.accountId === d.accountId);
          if (exact.length !== 1 || paidByIt) continue;
          const outcome = evaluateMatch({ deposit: d, candidates: orders, policy });
          expect(outcome).toEqual({ kind: 'matched', order: exact[0], excessKrw: 0 });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an ambiguous deposit is never auto-matched', () => {
    fc.assert(
      fc.property(ordersArb, depositsArb, policyArb, (orders, deposits, policy) => {
        for (const d of deposits) {
          const exact = liveExact(orders, d, policy.nameBudgetBytes);
          const paidByIt = orders.some((o) => o.paidBy === d.depositId && o.accountId === d.accountId);
          if (exact.length < 2 || paidByIt) continue;
          const outcome = evaluateMatch({ deposit: d, candidates: orders, policy });
          expect(outcome.kind).toBe('ambiguous');
          expect(outcome).toEqual({ kind: 'ambiguous', candidates: exact.map((o) => o.orderId).sort() });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a match is always sound: same account and name, live at the deposit, amount equal or owed back', () => {
    fc.assert(
      fc.property(ordersArb, depositsArb, policyArb, (orders, deposits, policy) => {
        const budget = policy.nameBudgetBytes;
        for (const d of deposits) {
          const outcome = evaluateMatch({ deposit: d, candidates: orders, policy });
          if (outcome.kind !== 'matched') continue;
          const o = outcome.order;
          expect(o.accountId).toBe(d.accountId);
          expect(namesMatch(d.depositorName, o.depositorName, budget)).toBe(true);
          if (o.paidBy === d.depositId) continue; // a replay of an earlier match
          expect(o.status).toBe('pending');
          expect(d.occurredAt).toBeLessThan(o.expiresAt);
          expect(o.amountKrw + outcome.excessKrw).toBe(d.amountKrw);
          if (outcome.excessKrw > 0) expect(policy.overpayment).toBe('match_and_owe');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bulk matcher == evaluateMatch applied one by one (outcomes and final orders)', () => {
    fc.assert(
      fc.property(ordersArb, depositsArb, policyArb, (orders, deposits, policy) => {
        const reference = sequentially(orders, deposits, policy);
        const matcher = buildOrderIndex(orders, policy);
        const bulk = matcher.matchAll(deposits);
        expect(bulk.map((r) => r.outcome)).toEqual(reference.outcomes);
        expect(reference.orders.map((o) => matcher.get(o.orderId))).toEqual(reference.orders);
        // And again: nothing new.
        const again = matcher.matchAll(deposits);
        expect(again.every((r) => r.replayed)).toBe(true);
        expect(reference.orders.map((o) => matcher.get(o.orderId))).toEqual(reference.orders);
      }),
      { numRuns: 500 },
    );
  });

  it('bulk == one by one also when one name is shared by many orders', () => {
    const bigOrders = fc
      .array(
        fc.record({
          amountKrw: amountArb,
          expiresAt: timeArb,
          status: fc.constantFrom<OrderStatus>('pending', 'cancelled'),
        }),
        {
          minLength: 9,
          maxLength: 40,
        },
      )
      .map((rows) => rows.map((row, i) => order(`ord-${i}`, { ...row, depositorName: '고객' })));
    const bigDeposits = fc
      .array(fc.record({ id: fc.integer({ min: 0, max: 30 }), amountKrw: amountArb, occurredAt: timeArb }), {
        maxLength: 40,
      })
      .map((rows) => rows.map(({ id, ...row }) => deposit(`dep-${id}`, { ...row, depositorName: '고객' })));
    fc.assert(
      fc.property(bigOrders, bigDeposits, policyArb, (orders, deposits, policy) => {
        const reference = sequentially(orders, deposits, policy);
        const bulk = buildOrderIndex(orders, policy).matchAll(deposits);
        expect(bulk.map((r) => r.outcome)).toEqual(reference.outcomes);
      }),
      { numRuns: 300 },
    );
  });
});
