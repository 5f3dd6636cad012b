/**
 * The contract every `OrderMatcher` adapter passes (memory; DynamoDB against DynamoDB Local).
 * Every instant is passed in, so no clock is needed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAccountId, parseDepositId, parseOrderId, parseSellerId } from '../../ids.js';
import { type Krw, parseKrw } from '../../money.js';
import type { OrderMatcher } from '../../ports/order-matcher.js';
import {
  DEFAULT_MATCH_POLICY,
  type Deposit,
  type MatchPolicyConfig,
  type PendingOrder,
} from '../../types.js';
import { CONTRACT_PAYEE, retryingRetryable, uniqueTag } from './fixtures.js';

export interface OrderMatcherSubject {
  readonly matcher: OrderMatcher;
}

export interface OrderMatcherContractOptions {
  readonly name: string;
  /** Called before every test; must return an isolated instance. */
  readonly create: () => Promise<OrderMatcherSubject>;
  readonly destroy?: (subject: OrderMatcherSubject) => Promise<void>;
}

/** 2026-11-28 10:00 KST. */
const T0 = Date.UTC(2026, 10, 28, 1, 0);
const HOUR_MS = 60 * 60 * 1000;
const POLICY: MatchPolicyConfig = DEFAULT_MATCH_POLICY;

/**
 * Registers the OrderMatcher contract with vitest.
 *
 * @example
 * ```ts
 * describeOrderMatcherContract({ name: 'MemoryOrderMatcher', create: async () => ({ matcher: new MemoryOrderMatcher() }) });
 * ```
 */
export function describeOrderMatcherContract(options: OrderMatcherContractOptions): void {
  describe(`OrderMatcher contract: ${options.name}`, () => {
    let subject: OrderMatcherSubject;
    let matcher: OrderMatcher;
    /** One receiving account per test, so a shared backend's leftovers never interfere. */
    let account: ReturnType<typeof parseAccountId>;

    beforeEach(async () => {
      subject = await options.create();
      matcher = subject.matcher;
      account = parseAccountId(`acct-${uniqueTag()}`);
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    const order = (name: string, amount: number, overrides: Partial<PendingOrder> = {}): PendingOrder => ({
      orderId: parseOrderId(`ord-${uniqueTag()}`),
      sellerId: parseSellerId('seller-01'),
      accountId: account,
      amountKrw: parseKrw(amount),
      depositorName: name,
      payee: CONTRACT_PAYEE,
      createdAt: T0,
      expiresAt: T0 + HOUR_MS,
      status: 'pending',
      ...overrides,
    });
    const deposit = (name: string, amount: number, overrides: Partial<Deposit> = {}): Deposit => ({
      accountId: account,
      depositId: parseDepositId(`dep-${uniqueTag()}`),
      depositorName: name,
      amountKrw: parseKrw(amount) as Krw,
      occurredAt: T0 + 60_000,
      kind: 'deposit',
      ...overrides,
    });
    const open = async (o: PendingOrder, policy = POLICY): Promise<PendingOrder> => {
      const r = await matcher.openOrder({ order: o, policy });
      expect(r.kind).toBe('opened');
      return o;
    };
    const match = (d: Deposit, policy = POLICY) =>
      matcher.matchDeposit({ deposit: d, policy, now: T0 + 120_000 });

    it('opens an order once; re-sending it is a duplicate; getOrder reads it', async () => {
      const o = await open(order('김테스트', 15_000));
      const again = await matcher.openOrder({ order: o, policy: POLICY });
      expect(again.kind).toBe('duplicate');
      if (again.kind === 'duplicate') expect(again.order.orderId).toBe(o.orderId);
      expect(await matcher.getOrder({ orderId: o.orderId })).toEqual(o);
      expect(await matcher.getOrder({ orderId: parseOrderId(`ord-${uniqueTag()}`) })).toBeUndefined();
    });

    it('refuses a second pending order with the same account, amount and normalised name', async () => {
      const first = await open(order('김테스트', 15_000));
      const clash = await matcher.openOrder({ order: order('김 테스트', 15_000), policy: POLICY });
      expect(clash).toEqual({ kind: 'name_taken', orderId: first.orderId });
      // Another amount or another account is another key.
      await open(order('김테스트', 16_000));
      await open(order('김테스트', 15_000, { accountId: parseAccountId(`acct-${uniqueTag()}`) }));
    });

    it('a cancelled order frees its name, never matches again, and cancels once', async () => {
      const o = await open(order('김테스트', 15_000));
      const c = await matcher.cancelOrder({ orderId: o.orderId, now: T0 + 1 });
      expect(c.kind).toBe('cancelled');
      if (c.kind === 'cancelled') expect(c.order.status).toBe('cancelled');
      expect((await matcher.cancelOrder({ orderId: o.orderId, now: T0 + 2 })).kind).toBe('already_cancelled');
      expect((await matcher.cancelOrder({ orderId: parseOrderId(`ord-${uniqueTag()}`), now: T0 })).kind).toBe(
        'not_found',
      );
      const r = await match(deposit('김테스트', 15_000));
      expect(r.outcome).toMatchObject({ kind: 'orphan', reason: 'cancelled' });
      await open(order('김테스트', 15_000));
    });

    it('matches the one order with the same account, amount and name and marks it paid by the deposit', async () => {
      const o = await open(order('김테스트', 15_000));
      const d = deposit('김테스트', 15_000);
      const r = await match(d);
      expect(r.replayed).toBe(false);
      expect(r.outcome.kind).toBe('matched');
      if (r.outcome.kind !== 'matched') return;
      expect(r.outcome.order.orderId).toBe(o.orderId);
      expect(r.outcome.excessKrw).toBe(0);
      const stored = await matcher.getOrder({ orderId: o.orderId });
      expect(stored).toMatchObject({ status: 'paid', paidBy: d.depositId });
      expect((await matcher.cancelOrder({ orderId: o.orderId, now: T0 })).kind).toBe('already_paid');
      const record = await matcher.getMatch({ accountId: account, depositId: d.depositId });
      expect(record).toMatchObject({ deposit: d, undone: false });
      expect(record?.outcome.kind).toBe('matched');
    });

    it('is idempotent per deposit: the same deposit again is replayed and changes nothing', async () => {
      await open(order('김테스트', 15_000));
      const d = deposit('김테스트', 15_000);
      const first = await match(d);
      const again = await match(d);
      expect(again.replayed).toBe(true);
      expect(again.outcome.kind).toBe(first.outcome.kind);
      if (again.outcome.kind === 'matched' && first.outcome.kind === 'matched') {
        expect(again.outcome.order.orderId).toBe(first.outcome.order.orderId);
      }
    });

    it('a second deposit for a paid order is an orphan, never re-routed to another order', async () => {
      const o = await open(order('김테스트', 15_000));
      await match(deposit('김테스트', 15_000));
      const r = await match(deposit('김테스트', 15_000));
      expect(r.outcome).toMatchObject({ kind: 'orphan', reason: 'already_paid' });
      if (r.outcome.kind === 'orphan') expect(r.outcome.order.orderId).toBe(o.orderId);
    });

    it('a deposit after the order expired is an orphan', async () => {
      await open(order('김테스트', 15_000));
      const r = await match(deposit('김테스트', 15_000, { occurredAt: T0 + 2 * HOUR_MS }));
      expect(r.outcome).toMatchObject({ kind: 'orphan', reason: 'expired' });
    });

    it('no order with that name is unmatched; a lower amount is underpaid and leaves the order pending', async () => {
      const o = await open(order('김테스트', 15_000));
      expect((await match(deposit('박테스트', 15_000))).outcome.kind).toBe('unmatched');
      const under = await match(deposit('김테스트', 14_000));
      expect(under.outcome).toMatchObject({ kind: 'underpaid', shortKrw: 1_000 });
      expect((await matcher.getOrder({ orderId: o.orderId }))?.status).toBe('pending');
    });

    it('overpayment: matched with the excess owed (match_and_owe), or held for review (review)', async () => {
      await open(order('김테스트', 15_000));
      const owe = await match(deposit('김테스트', 15_500));
      expect(owe.outcome).toMatchObject({ kind: 'matched', excessKrw: 500 });
      const review: MatchPolicyConfig = { ...POLICY, overpayment: 'review' };
      const o2 = await open(order('이테스트', 15_000), review);
      const held = await match(deposit('이테스트', 15_500), review);
      expect(held.outcome).toMatchObject({ kind: 'overpaid', excessKrw: 500 });
      expect((await matcher.getOrder({ orderId: o2.orderId }))?.status).toBe('pending');
    });

    it('two orders the bank cannot tell apart within its name budget: ambiguous, nothing paid', async () => {
      // Opened under a wide budget (distinct names), matched under a 12-byte one (same prefix).
      const wide: MatchPolicyConfig = { ...POLICY, nameBudgetBytes: 40 };
      const a = await open(order('김테스트상사본점', 15_000), wide);
      const b = await open(order('김테스트상사지점', 15_000), wide);
      const r = await match(deposit('김테스트상사', 15_000));
      expect(r.outcome.kind).toBe('ambiguous');
      if (r.outcome.kind === 'ambiguous')
        expect([...r.outcome.candidates].sort()).toEqual([a.orderId, b.orderId].sort());
      expect((await matcher.getOrder({ orderId: a.orderId }))?.status).toBe('pending');
      expect((await matcher.getOrder({ orderId: b.orderId }))?.status).toBe('pending');
    });

    // Bank-cut names (ADR 0006 §3, `expectedNameKeys`): the bank cuts the name as typed, so a long
    // name printed cut may normalise to something that is not the order's name key.
    it('a long name printed cut by the bank matches its order, whatever affix the buyer typed', async () => {
      // Leading affix typed: "(주)한빛테크상사" prints "(주)한빛테크" (key 한빛테크, not 한빛테크상사).
      const lead = await open(order('(주)한빛테크상사', 15_000));
      // Trailing affix typed: "미래상사 주식회사" prints "미래상사 주" (key 미래상사주; the order's is 미래상사).
      const trail = await open(order('미래상사 주식회사', 16_000));
      // No affix typed: "누리솔루션즈본점" prints "누리솔루션즈", the key of "(주)누리솔루션즈본점".
      const bare = await open(order('(주)누리솔루션즈본점', 17_000));
      for (const [printed, amount, expected] of [
        ['(주)한빛테크', 15_000, lead],
        ['미래상사 주', 16_000, trail],
        ['누리솔루션즈', 17_000, bare],
      ] as const) {
        const d = deposit(printed, amount);
        const r = await match(d);
        expect(r.outcome, printed).toMatchObject({ kind: 'matched', excessKrw: 0 });
        if (r.outcome.kind === 'matched') expect(r.outcome.order.orderId, printed).toBe(expected.orderId);
        expect(await matcher.getOrder({ orderId: expected.orderId })).toMatchObject({
          status: 'paid',
          paidBy: d.depositId,
        });
      }
    });

    it('a complete short name that is only a prefix of a long order name does not match it', async () => {
      const o = await open(order('(주)한빛테크상사', 15_000));
      // None fills the 12-byte budget, so none was cut by the bank: each must equal the name exactly.
      for (const printed of ['한빛테크', '(주)한빛', '한빛테크상'])
        expect((await match(deposit(printed, 15_000))).outcome.kind, printed).toBe('unmatched');
      expect((await matcher.getOrder({ orderId: o.orderId }))?.status).toBe('pending');
    });

    it('a cut key shared by two pending orders of the same amount: ambiguous, nothing paid', async () => {
      // Distinct names (both open), one bank-cut printing.
      for (const [names, printed] of [
        [['(주)한빛테크상사', '(주)한빛테크산업'], '(주)한빛테크'],
        [['미래상사 주식회사', '미래상사 주식회사 본점'], '미래상사 주'],
      ] as const) {
        const a = await open(order(names[0], 15_000));
        const b = await open(order(names[1], 15_000));
        const r = await match(deposit(printed, 15_000));
        expect(r.outcome.kind, printed).toBe('ambiguous');
        if (r.outcome.kind === 'ambiguous')
          expect([...r.outcome.candidates].sort(), printed).toEqual([a.orderId, b.orderId].sort());
        expect((await matcher.getOrder({ orderId: a.orderId }))?.status).toBe('pending');
        expect((await matcher.getOrder({ orderId: b.orderId }))?.status).toBe('pending');
      }
    });

    it('a bank-cut deposit for a closed long-name order is an orphan of it, not unmatched', async () => {
      const cancelled = await open(order('미래상사 주식회사', 15_000));
      await matcher.cancelOrder({ orderId: cancelled.orderId, now: T0 + 1 });
      const r = await match(deposit('미래상사 주', 15_000));
      expect(r.outcome).toMatchObject({ kind: 'orphan', reason: 'cancelled' });
      if (r.outcome.kind === 'orphan') expect(r.outcome.order.orderId).toBe(cancelled.orderId);
      const paid = await open(order('(주)한빛테크상사', 15_000));
      await match(deposit('(주)한빛테크', 15_000));
      const again = await match(deposit('(주)한빛테크', 15_000));
      expect(again.outcome).toMatchObject({ kind: 'orphan', reason: 'already_paid' });
      if (again.outcome.kind === 'orphan') expect(again.outcome.order.orderId).toBe(paid.orderId);
    });

    it('undoMatch of a bank-cut match: the order is a candidate of the next bank-cut deposit again', async () => {
      const first = await open(order('미래상사 주식회사', 15_000));
      const d = deposit('미래상사 주', 15_000);
      expect((await match(d)).outcome.kind).toBe('matched');
      expect(
        (await matcher.undoMatch({ accountId: account, depositId: d.depositId, now: T0 + 1 })).kind,
      ).toBe('undone');
      // Another live order under the same cut key: the next such deposit must see both.
      const second = await open(order('미래상사 주식회사 본점', 15_000));
      const r = await match(deposit('미래상사 주', 15_000));
      expect(r.outcome.kind).toBe('ambiguous');
      if (r.outcome.kind === 'ambiguous')
        expect([...r.outcome.candidates].sort()).toEqual([first.orderId, second.orderId].sort());
    });

    it('undoMatch puts an unpaid-out order back to pending; the deposit never matches again', async () => {
      const o = await open(order('김테스트', 15_000));
      const d = deposit('김테스트', 15_000);
      await match(d);
      const undone = await matcher.undoMatch({
        accountId: account,
        depositId: d.depositId,
        now: T0 + 200_000,
      });
      expect(undone.kind).toBe('undone');
      if (undone.kind === 'undone')
        expect(undone.order).toMatchObject({ orderId: o.orderId, status: 'pending' });
      const stored = await matcher.getOrder({ orderId: o.orderId });
      expect(stored?.status).toBe('pending');
      expect(stored?.paidBy).toBeUndefined();
      const replay = await match(d);
      expect(replay.replayed).toBe(true);
      expect(replay.outcome.kind).not.toBe('matched');
      expect((await matcher.getOrder({ orderId: o.orderId }))?.status).toBe('pending');
      expect((await matcher.getMatch({ accountId: account, depositId: d.depositId }))?.undone).toBe(true);
      expect((await matcher.undoMatch({ accountId: account, depositId: d.depositId, now: T0 })).kind).toBe(
        'not_matched',
      );
    });

    it('undoMatch of a deposit that never matched is not_matched', async () => {
      const d = deposit('박테스트', 15_000);
      expect((await matcher.undoMatch({ accountId: account, depositId: d.depositId, now: T0 })).kind).toBe(
        'not_matched',
      );
      await match(d);
      expect((await matcher.undoMatch({ accountId: account, depositId: d.depositId, now: T0 })).kind).toBe(
        'not_matched',
      );
      expect(
        await matcher.getMatch({ accountId: account, depositId: parseDepositId(`dep-${uniqueTag()}`) }),
      ).toBeUndefined();
    });

    it('20 different deposits racing for one order: exactly one is matched', async () => {
      const o = await open(order('김테스트', 15_000));
      const deposits = Array.from({ length: 20 }, () => deposit('김테스트', 15_000));
      const results = await Promise.all(deposits.map((d) => retryingRetryable(() => match(d))));
      const matched = results.filter((r) => r.outcome.kind === 'matched');
      expect(matched).toHaveLength(1);
      const winner = deposits[results.findIndex((r) => r.outcome.kind === 'matched')]!;
      expect(await matcher.getOrder({ orderId: o.orderId })).toMatchObject({
        status: 'paid',
        paidBy: winner.depositId,
      });
    });

    it('20 parallel deliveries of one deposit: one decision, the others replay it', async () => {
      await open(order('김테스트', 15_000));
      const d = deposit('김테스트', 15_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => retryingRetryable(() => match(d))));
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(results.every((r) => r.outcome.kind === 'matched')).toBe(true);
    });
  });
}
