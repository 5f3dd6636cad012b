import {
  type AccountId,
  type Deposit,
  ingestDeposits,
  openOrder,
  parseAccountId,
  parseDepositId,
  parseKrw,
  parseOrderId,
  parseSellerId,
  remittanceIdFor,
} from '@remit/core';
import { CONTRACT_PAYEE } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { consumeQueue, createMemorySystem, type MemorySystemOptions } from '../system.js';

const ACCOUNT: AccountId = parseAccountId('acct-main');

function setup(options: MemorySystemOptions = {}) {
  const sys = createMemorySystem({ accounts: [ACCOUNT], ...options });
  let n = 0;
  const open = async (name: string, amount = 15_000, ttlMs = 3_600_000) => {
    n += 1;
    const orderId = `ord-${n}`;
    const r = await openOrder(sys.orderDeps, {
      orderId: parseOrderId(orderId),
      sellerId: parseSellerId('seller-01'),
      accountId: ACCOUNT,
      amountKrw: parseKrw(amount),
      payee: CONTRACT_PAYEE,
      ttlMs,
      depositorName: name,
    });
    if (r.kind !== 'opened') throw new Error(r.kind);
    return r.order;
  };
  let d = 0;
  const deposit = (name: string, amount = 15_000, overrides: Partial<Deposit> = {}): Deposit => {
    d += 1;
    return {
      accountId: ACCOUNT,
      depositId: parseDepositId(`dep-${d}`),
      depositorName: name,
      amountKrw: parseKrw(amount),
      occurredAt: sys.clock.now() - 60_000,
      kind: 'deposit',
      ...overrides,
    };
  };
  const cancellation = (of: Deposit): Deposit => ({
    ...of,
    depositId: parseDepositId(`cancel-${of.depositId}`),
    occurredAt: sys.clock.now() - 30_000,
    kind: 'cancellation',
    cancels: of.depositId,
  });
  const ingest = () => ingestDeposits(sys.ingestDeps, {});
  return { sys, open, deposit, cancellation, ingest };
}

describe('ingestDeposits', () => {
  it('matches a deposit and enqueues its payout: order amount minus the fee', async () => {
    const { sys, open, deposit, ingest } = setup();
    const order = await open('김테스트');
    const d = deposit('김 테스트');
    sys.source.append(d);
    expect(await ingest()).toMatchObject({
      read: 1,
      matched: 1,
      replayed: 0,
      enqueued: 1,
      truncatedAccounts: [],
    });
    const [delivery] = await sys.queue.receive();
    expect(delivery?.message).toMatchObject({
      remittanceId: remittanceIdFor(order.orderId),
      depositId: d.depositId,
      orderAmountKrw: 15_000,
      feeKrw: 300,
      payoutKrw: 14_700,
      excessKrw: 0,
    });
    expect((await sys.matcher.getOrder({ orderId: order.orderId }))?.status).toBe('paid');
    expect(sys.events.published).toEqual([]);
  });

  it('the same window read again makes no new match; payouts and review cases are repeated harmlessly', async () => {
    const { sys, open, deposit, ingest } = setup();
    await open('김테스트');
    await open('박테스트');
    sys.source.append(deposit('김테스트'), deposit('이테스트'));
    await ingest();
    const events = sys.events.published.length;
    expect(events).toBe(1); // unmatched 이테스트
    sys.clock.advance(4 * 60_000);
    expect(await ingest()).toMatchObject({ read: 2, matched: 0, unmatched: 0, replayed: 2, enqueued: 1 });
    // At-least-once: the review case is published again, with the same key (type, depositId).
    const keys = sys.events.published.map((e) => `${e.type}:${e.depositId}`);
    expect(keys).toEqual([keys[0], keys[0]]);
    // One payout in the queue: the queue de-duplicated the re-enqueue inside its window.
    expect(sys.queue.depth().visible).toBe(1);
    const handled = await consumeQueue(sys);
    expect(handled.map((h) => ('outcome' in h ? h.outcome.kind : 'error'))).toEqual(['succeeded']);
    // Past the queue's dedup window a re-enqueue is delivered, and the idempotency store finishes it.
    sys.clock.advance(6 * 60_000);
    await ingest();
    const again = await consumeQueue(sys);
    expect(again.map((h) => ('outcome' in h ? h.outcome.kind : 'error'))).toEqual(['already_finished']);
    expect(sys.gateway.transferCalls()).toHaveLength(1);
  });

  it('records review cases: ambiguous, unmatched, underpaid, overpaid-for-review, orphan', async () => {
    const { sys, open, deposit, ingest } = setup({ policy: { nameBudgetBytes: 12, overpayment: 'review' } });
    await open('김테스트상사본점', 15_000);
    await sys.matcher.openOrder({
      order: {
        ...(await sys.matcher.getOrder({ orderId: parseOrderId('ord-1') }))!,
        orderId: parseOrderId('ord-x'),
        depositorName: '김테스트상사지점',
      },
      policy: { nameBudgetBytes: 40, overpayment: 'review' },
    });
    await open('박테스트', 20_000);
    await open('이테스트', 30_000);
    await open('최테스트', 40_000, 60_000);
    sys.clock.advance(5 * 60_000);
    sys.source.append(
      deposit('김테스트상사', 15_000),
      deposit('정테스트', 15_000),
      deposit('박테스트', 19_000),
      deposit('이테스트', 31_000),
      deposit('최테스트', 40_000),
    );
    const report = await ingest();
    expect(report).toMatchObject({
      read: 5,
      ambiguous: 1,
      unmatched: 1,
      underpaid: 1,
      overpaid: 1,
      orphan: 1,
      matched: 0,
      enqueued: 0,
    });
    expect(sys.events.published.map((e) => `${e.type}:${e.reason}`).sort()).toEqual(
      [
        'match_review:ambiguous',
        'match_review:overpaid',
        'match_review:underpaid',
        'match_review:unmatched',
        'refund_owed:orphan_expired',
      ].sort(),
    );
    expect(await ingest()).toMatchObject({ replayed: 5, ambiguous: 0 });
    expect(new Set(sys.events.published.map((e) => `${e.type}:${e.depositId}`)).size).toBe(5);
  });

  it('a crash between matching and publishing loses no review case: the next run publishes it', async () => {
    const { sys, deposit, ingest } = setup();
    const d = deposit('정테스트');
    sys.source.append(d);
    sys.events.faults.failNext({ op: 'publish' });
    await expect(ingest()).rejects.toThrow();
    expect(sys.events.published).toEqual([]);
    expect(await ingest()).toMatchObject({ replayed: 1 });
    expect(sys.events.published).toEqual([
      expect.objectContaining({ type: 'match_review', reason: 'unmatched', depositId: d.depositId }),
    ]);
  });

  it('an overpayment is paid to the seller at the order amount and the excess is owed back to the buyer', async () => {
    const { sys, open, deposit, ingest } = setup();
    await open('김테스트', 15_000);
    sys.source.append(deposit('김테스트', 16_000));
    expect(await ingest()).toMatchObject({ matched: 1, enqueued: 1 });
    const [delivery] = await sys.queue.receive();
    expect(delivery?.message).toMatchObject({ depositKrw: 16_000, payoutKrw: 14_700, excessKrw: 1_000 });
    expect(sys.events.ofType('refund_owed')).toEqual([
      expect.objectContaining({
        reason: 'overpayment',
        details: expect.objectContaining({ excessKrw: 1_000 }),
      }),
    ]);
  });

  it('a crash between match and enqueue is repaired by the next run', async () => {
    const { sys, open, deposit, ingest } = setup();
    await open('김테스트');
    sys.source.append(deposit('김테스트'));
    sys.queue.faults.failNext({ op: 'enqueue' });
    await expect(ingest()).rejects.toThrow();
    expect(sys.queue.depth().visible).toBe(0);
    expect(await ingest()).toMatchObject({ replayed: 1, enqueued: 1 });
    expect((await consumeQueue(sys)).map((h) => ('outcome' in h ? h.outcome.kind : '?'))).toEqual([
      'succeeded',
    ]);
  });

  it('a cancellation undoes an unpaid match: the queued payout meets a tombstone and never pays', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    const order = await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d);
    await ingest(); // matched, payout queued, not consumed yet
    sys.source.append(cancellation(d));
    sys.clock.advance(60_000);
    expect(await ingest()).toMatchObject({ cancellationsUndone: 1, cancellationsTooLate: 0 });
    expect((await sys.matcher.getOrder({ orderId: order.orderId }))?.status).toBe('pending');
    expect(sys.events.ofType('match_undone')).toEqual([
      expect.objectContaining({ orderId: order.orderId, depositId: d.depositId }),
    ]);
    const handled = await consumeQueue(sys);
    expect(handled.map((h) => ('outcome' in h ? h.outcome : undefined))).toEqual([
      { kind: 'already_finished', status: 'cancelled' },
    ]);
    expect(sys.gateway.calls).toHaveLength(0);
    // Later runs see the same rows: nothing new happens.
    sys.clock.advance(60_000);
    expect(await ingest()).toMatchObject({ cancellationsUndone: 0, matched: 0, enqueued: 0 });
    // At-least-once: the undo is announced again (an earlier run may have crashed before publishing).
    expect(sys.events.ofType('match_undone').map((e) => e.depositId)).toEqual([d.depositId, d.depositId]);
  });

  it('a cancellation after the payout started is refused and sent to a person', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    const order = await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d);
    await ingest();
    await consumeQueue(sys);
    sys.source.append(cancellation(d));
    expect(await ingest()).toMatchObject({ cancellationsUndone: 0, cancellationsTooLate: 1 });
    expect((await sys.matcher.getOrder({ orderId: order.orderId }))?.status).toBe('paid');
    expect(sys.events.ofType('manual_review')).toEqual([
      expect.objectContaining({
        reason: 'deposit_cancelled_after_payout_started',
        details: expect.objectContaining({ payoutStatus: 'succeeded' }),
      }),
    ]);
  });

  it('a deposit and its cancellation in one page: nothing is enqueued', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d, cancellation(d));
    expect(await ingest()).toMatchObject({ matched: 1, cancellationsUndone: 1, enqueued: 0 });
    expect(sys.queue.depth().visible).toBe(0);
  });

  it('a crash between tombstone and undo is repaired by the next run', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    const order = await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d);
    await ingest();
    sys.source.append(cancellation(d));
    sys.matcher.faults.failNext({ op: 'undoMatch' });
    await expect(ingest()).rejects.toThrow();
    expect((await sys.store.get({ remittanceId: remittanceIdFor(order.orderId) }))?.status).toBe('cancelled');
    expect(await ingest()).toMatchObject({ cancellationsUndone: 1 });
    expect((await sys.matcher.getOrder({ orderId: order.orderId }))?.status).toBe('pending');
    expect(sys.events.ofType('match_undone')).toHaveLength(1);
  });

  it('a crash between undo and publish still announces the undo on the next run', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d);
    await ingest();
    sys.source.append(cancellation(d));
    sys.events.faults.failNext({ op: 'publish' });
    await expect(ingest()).rejects.toThrow();
    expect(await ingest()).toMatchObject({ cancellationsUndone: 0 });
    expect(sys.events.ofType('match_undone')).toHaveLength(1);
  });

  it('once undone, a new deposit for the order is never paid automatically: the tombstone sends it to a person', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d, cancellation(d));
    await ingest();
    sys.clock.advance(60_000);
    sys.source.append(deposit('김테스트'));
    expect(await ingest()).toMatchObject({ matched: 1, enqueued: 1 });
    const handled = await consumeQueue(sys);
    expect(handled.map((h) => ('outcome' in h ? h.outcome.kind : '?'))).toEqual(['payload_mismatch']);
    expect(sys.events.ofType('manual_review').map((e) => e.reason)).toEqual(['payload_mismatch']);
    expect(sys.gateway.calls).toHaveLength(0);
  });

  it('two overlapping runs over one cancellation undo it once', async () => {
    const { sys, open, deposit, cancellation, ingest } = setup();
    const order = await open('김테스트');
    const d = deposit('김테스트');
    sys.source.append(d);
    await ingest();
    sys.source.append(cancellation(d));
    const [a, b] = await Promise.all([ingest(), ingest()]);
    expect(a!.cancellationsUndone + b!.cancellationsUndone).toBe(1);
    expect((await sys.matcher.getOrder({ orderId: order.orderId }))?.status).toBe('pending');
  });

  it('a matcher that does not report when an order was paid: the payout still carries a matchedAt', async () => {
    const { sys, open, deposit, cancellation } = setup();
    await open('김테스트');
    const strip = <T extends { outcome: unknown }>(r: T): T => {
      const o = r.outcome as { kind: string; order?: { paidAt?: number } };
      if (o.kind !== 'matched' || o.order === undefined) return r;
      const { paidAt: _drop, ...order } = o.order;
      return { ...r, outcome: { ...o, order } };
    };
    const matcher = {
      ...sys.matcher,
      matchDeposit: async (i: Parameters<typeof sys.matcher.matchDeposit>[0]) =>
        strip(await sys.matcher.matchDeposit(i)),
      getMatch: async (i: Parameters<typeof sys.matcher.getMatch>[0]) => {
        const m = await sys.matcher.getMatch(i);
        return m === undefined ? m : strip(m);
      },
      undoMatch: (i: Parameters<typeof sys.matcher.undoMatch>[0]) => sys.matcher.undoMatch(i),
    };
    const deps = { ...sys.ingestDeps, matcher: matcher as never };
    const d = deposit('김테스트');
    sys.source.append(d);
    await ingestDeposits(deps, {});
    const [delivery] = await sys.queue.receive();
    expect(delivery?.message.matchedAt).toBe(sys.clock.now());
    sys.source.append(cancellation(d));
    expect(await ingestDeposits(deps, {})).toMatchObject({ cancellationsUndone: 1 });
  });

  it('cancellations of unmatched deposits or without a target change nothing but the latter is reviewed', async () => {
    const { sys, deposit, cancellation, ingest } = setup();
    const stray = deposit('정테스트');
    sys.source.append(stray, cancellation(stray), {
      ...cancellation(stray),
      depositId: parseDepositId('cancel-x'),
      cancels: undefined as never,
    });
    const report = await ingest();
    expect(report).toMatchObject({ read: 3, unmatched: 1, cancellationsUndone: 0, cancellationsTooLate: 0 });
    expect(sys.events.published.map((e) => e.reason).sort()).toEqual([
      'cancellation_without_target',
      'unmatched',
    ]);
  });

  it('reads every page, de-duplicates rows within the run, and reports an account it had to cut short', async () => {
    const { sys, open, deposit, ingest } = setup({ depositPageSize: 2, ingest: { maxPagesPerAccount: 2 } });
    for (let i = 0; i < 3; i += 1) await open(`김테스트${i}`);
    const rows = [0, 1, 2].map((i) => deposit(`김테스트${i}`));
    sys.source.append(rows[0]!, rows[0]!, rows[1]!); // the bank lists a row twice
    expect(await ingest()).toMatchObject({ read: 2, matched: 2, truncatedAccounts: [] });
    sys.source.append(rows[2]!, deposit('정테스트'));
    expect(await ingest()).toMatchObject({ read: 3, replayed: 2, matched: 1, truncatedAccounts: [ACCOUNT] });
  });

  it('an account whose statement fails does not stop the others; the run then fails naming it', async () => {
    const OTHER = parseAccountId('acct-other');
    const { sys, deposit } = setup({ accounts: [ACCOUNT, OTHER] });
    const openOn = async (accountId: AccountId, orderId: string) => {
      const r = await openOrder(sys.orderDeps, {
        orderId: parseOrderId(orderId),
        sellerId: parseSellerId('seller-01'),
        accountId,
        amountKrw: parseKrw(15_000),
        payee: CONTRACT_PAYEE,
        ttlMs: 3_600_000,
        depositorName: '김테스트',
      });
      if (r.kind !== 'opened') throw new Error(r.kind);
    };
    await openOn(ACCOUNT, 'ord-main');
    await openOn(OTHER, 'ord-other');
    sys.source.append(deposit('김테스트'), deposit('김테스트', 15_000, { accountId: OTHER }));
    sys.source.faults.throttleNext(1, { op: 'listDeposits' }); // the first account's first page

    const failed = await ingestDeposits(sys.ingestDeps, {}).catch((e: unknown) => e);
    expect(failed).toMatchObject({
      name: 'RemitError',
      code: 'UNAVAILABLE',
      retryable: true,
      details: { failedAccounts: [ACCOUNT], report: { read: 1, matched: 1, enqueued: 1 } },
    });
    expect((failed as Error).message).toContain(`${ACCOUNT}: UNAVAILABLE`);
    expect((await consumeQueue(sys)).map((d) => d.message.accountId)).toEqual([OTHER]);

    // The failed account's checkpoint stayed: the next run reads its window.
    expect(await ingestDeposits(sys.ingestDeps, {})).toMatchObject({ matched: 1, replayed: 1 });
    expect((await consumeQueue(sys)).map((d) => d.message.accountId)).toEqual([ACCOUNT]);
  });

  it('an error that is not an infrastructure failure (a bug) stops the run at once', async () => {
    const OTHER = parseAccountId('acct-other');
    const { sys, ingest } = setup({ accounts: [ACCOUNT, OTHER] });
    sys.source.faults.failNext({ op: 'listDeposits', error: new TypeError('a bug') });
    const reads: AccountId[] = [];
    const listDeposits = sys.source.listDeposits.bind(sys.source);
    sys.source.listDeposits = (q) => {
      reads.push(q.accountId);
      return listDeposits(q);
    };
    await expect(ingest()).rejects.toThrow(TypeError);
    expect(reads).toEqual([ACCOUNT]);
  });

  it('a burst larger than one run can read is caught up run by run, not re-read from its start', async () => {
    // 6 rows a run (3 pages of 2); 12 deposits, 4 min apart: more than a run reads, but never
    // more than 4 in one 15 min overlap window.
    const { sys, open, deposit } = setup({ depositPageSize: 2, ingest: { maxPagesPerAccount: 3 } });
    const names = Array.from({ length: 12 }, (_, i) => `김테스트${i}`);
    for (const name of names) await open(name, 15_000, 3 * 3_600_000);
    const start = sys.clock.now();
    await sys.checkpoints.advance({ accountId: ACCOUNT, readUpToMs: start });
    sys.source.append(
      ...names.map((name, i) => deposit(name, 15_000, { occurredAt: start + 60_000 + i * 240_000 })),
    );
    sys.clock.advance(50 * 60_000);

    const runs = [];
    for (let run = 0; run < 6; run += 1) {
      const r = await ingestDeposits(sys.ingestDeps, {});
      runs.push({ matched: r.matched, truncated: r.truncatedAccounts.length });
      if (r.truncatedAccounts.length === 0) break;
      sys.clock.advance(5 * 60_000);
    }
    // Each truncated run moves the checkpoint to the last row it read; the next starts 15 min before it.
    expect(runs).toEqual([
      { matched: 6, truncated: 1 },
      { matched: 2, truncated: 1 },
      { matched: 2, truncated: 1 },
      { matched: 2, truncated: 0 },
    ]);
    expect((await sys.checkpoints.get({ accountId: ACCOUNT }))?.readUpToMs).toBe(sys.clock.now());
  });

  it('a truncated run whose rows come out of order keeps the checkpoint where it was', async () => {
    const { sys, open, deposit } = setup({ ingest: { maxPagesPerAccount: 2 } });
    for (const name of ['김테스트', '박테스트']) await open(name);
    const start = sys.clock.now();
    await sys.checkpoints.advance({ accountId: ACCOUNT, readUpToMs: start });
    sys.clock.advance(10 * 60_000);
    // A source breaking its "oldest first" promise: the second page's row is older than the first's.
    const pages = [
      { deposits: [deposit('김테스트', 15_000, { occurredAt: start + 300_000 })], nextCursor: 'p2' },
      { deposits: [deposit('박테스트', 15_000, { occurredAt: start + 60_000 })], nextCursor: 'p3' },
    ];
    sys.source.listDeposits = async (q) => pages[q.cursor === undefined ? 0 : 1]!;
    expect(await ingestDeposits(sys.ingestDeps, {})).toMatchObject({
      matched: 2,
      truncatedAccounts: [ACCOUNT],
    });
    expect((await sys.checkpoints.get({ accountId: ACCOUNT }))?.readUpToMs).toBe(start);
  });

  it('reads only the accounts asked for, and refuses an unusable configuration', async () => {
    const { sys, open, deposit } = setup();
    await open('김테스트');
    sys.source.append(deposit('김테스트'));
    expect(
      await ingestDeposits(sys.ingestDeps, { accountIds: [parseAccountId('acct-other')] }),
    ).toMatchObject({ read: 0 });
    const bad = (config: Partial<typeof sys.ingestDeps.config>) =>
      ingestDeposits({ ...sys.ingestDeps, config: { ...sys.ingestDeps.config, ...config } }, {});
    await expect(bad({ windowMs: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(bad({ maxPagesPerAccount: 0 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(bad({ retainMs: -1 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});
