/**
 * What the contract suites cannot see: the memory adapters' own knobs (faults, scripts, clocks).
 */
import {
  businessDateOf,
  isRemitError,
  parseAccountId,
  parseDepositId,
  parseInstitutionCode,
  parseKrw,
  parseRemittanceId,
  payloadHashOf,
  remittanceGroupId,
  type TransferRequest,
} from '@remit/core';
import { CONTRACT_PAYEE, contractBankTranId, contractMessage } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATED_START_MS, SimulatedClock } from './clock.js';
import { MemoryDepositSource } from './deposit-source.js';
import { Faults } from './faults.js';
import { MemoryIdempotencyStore } from './idempotency-store.js';
import { MemoryOrderMatcher } from './order-matcher.js';
import { SeededRandom } from './random.js';
import { MemoryRemittanceEvents } from './remittance-events.js';
import { MemoryRemittanceQueue } from './remittance-queue.js';
import { MemorySequenceGenerator } from './sequence-generator.js';
import { consumeQueue, createMemorySystem } from './system.js';
import { MemoryTransferGateway } from './transfer-gateway.js';

describe('SimulatedClock', () => {
  it('moves only when told, forwards by advance, anywhere by set', () => {
    const clock = new SimulatedClock();
    expect(clock.now()).toBe(DEFAULT_SIMULATED_START_MS);
    expect(clock.advance(1_000)).toBe(DEFAULT_SIMULATED_START_MS + 1_000);
    clock.set(5);
    expect(clock.now()).toBe(5);
    expect(() => clock.advance(-1)).toThrow(/advance/);
    expect(() => clock.set(1.5)).toThrow(/instant/);
    expect(() => new SimulatedClock(Number.NaN)).toThrow(/instant/);
  });
});

describe('SeededRandom', () => {
  it('replays the same sequence from the same seed and stays in range', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new SeededRandom(43).next()).not.toBe(xs[0]);
    const ints = Array.from({ length: 200 }, () => a.int(3));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2]));
    expect(a.chance(0)).toBe(false);
    expect(a.chance(1)).toBe(true);
    expect(a.seed).toBe(42);
    expect(() => a.int(0)).toThrow();
    expect(() => new SeededRandom(0.5)).toThrow();
  });
});

describe('Faults', () => {
  it('throws before applying by default, after applying when asked, per operation, in order', async () => {
    const faults = new Faults<'a' | 'b'>();
    let applied = 0;
    const apply = () => {
      applied += 1;
      return applied;
    };
    faults.conflictNext(1, { op: 'b' }).throttleNext(1, { applied: true });
    expect(faults.pending).toBe(2);
    // 'a' skips the 'b'-only fault and meets the any-op throttle, applied first.
    const err = await faults.run('a', apply).catch((e: unknown) => e);
    expect(isRemitError(err) && err.code === 'UNAVAILABLE' && err.retryable).toBe(true);
    expect(applied).toBe(1);
    const conflict = await faults.run('b', apply).catch((e: unknown) => e);
    expect(isRemitError(conflict) && conflict.code === 'CONFLICT').toBe(true);
    expect(applied).toBe(1);
    expect(await faults.run('b', apply)).toBe(2);
    expect(faults.injected).toBe(2);
    faults.failNext({ times: 2, error: new Error('boom') });
    await expect(faults.run('a', apply)).rejects.toThrow('boom');
    faults.clear();
    expect(faults.pending).toBe(0);
    faults.failNext({ error: (op) => new Error(`custom ${op}`) });
    await expect(faults.run('a', apply)).rejects.toThrow('custom a');
    faults.failNext();
    await expect(faults.run('b', apply)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(() => faults.conflictNext(0)).toThrow(RangeError);
  });
});

describe('MemoryIdempotencyStore', () => {
  const clock = () => new SimulatedClock();
  const m = contractMessage('ord-1');
  const date = businessDateOf(DEFAULT_SIMULATED_START_MS);
  const claim = (store: MemoryIdempotencyStore, seq: number, now = DEFAULT_SIMULATED_START_MS) =>
    store.claim({
      remittanceId: m.remittanceId,
      payloadHash: payloadHashOf(m),
      payload: m,
      now,
      leaseMs: 1_000,
      bankTranId: contractBankTranId(seq),
      businessDate: date,
      reserveBankTranId: true,
    });

  it('frees a reservation once its record is past retention', async () => {
    const c = clock();
    const store = new MemoryIdempotencyStore({ clock: c });
    const r = await claim(store, 1);
    if (r.kind !== 'acquired') throw new Error(r.kind);
    expect(store.reservationOwner(date, contractBankTranId(1))).toBe(m.remittanceId);
    await store.complete({
      remittanceId: m.remittanceId,
      fence: 1,
      now: c.now(),
      status: 'succeeded',
      retainMs: 10,
    });
    c.advance(10);
    expect(store.reservationOwner(date, contractBankTranId(1))).toBeUndefined();
    expect(store.records()).toEqual([]);
  });

  it('a retried completion that already landed is ok; a different one is fenced', async () => {
    const c = clock();
    const store = new MemoryIdempotencyStore({ clock: c });
    await claim(store, 1);
    const input = {
      remittanceId: m.remittanceId,
      fence: 1,
      now: c.now(),
      status: 'succeeded',
      retainMs: 60_000,
    } as const;
    expect((await store.complete(input)).kind).toBe('ok');
    expect((await store.complete(input)).kind).toBe('ok');
    expect((await store.complete({ ...input, status: 'rejected' })).kind).toBe('fenced');
    expect(store.writesOf(m.remittanceId).map((w) => w.op)).toEqual(['claim', 'complete']);
    expect(store.writes).toHaveLength(2);
  });

  it('refuses malformed calls loudly', async () => {
    const c = clock();
    const store = new MemoryIdempotencyStore({ clock: c });
    await claim(store, 1);
    await expect(
      store.checkpoint({
        remittanceId: m.remittanceId,
        fence: 1,
        now: c.now(),
        status: 'sending',
        bankTranId: contractBankTranId(2),
        reserveBankTranId: true,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.listOpen({ updatedBefore: c.now(), limit: 0 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(store.listOpen({ updatedBefore: c.now(), limit: 1, cursor: 'nope' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      store.listOpen({
        updatedBefore: c.now(),
        limit: 1,
        cursor: Buffer.from('[1,2]').toString('base64url'),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(
      await store.markReversed({
        bankTranId: contractBankTranId(9),
        businessDate: date,
        now: 0,
        reason: 'x',
      }),
    ).toEqual({
      kind: 'not_found',
    });
  });

  it('caps a listOpen page at its maximum', async () => {
    const c = clock();
    const store = new MemoryIdempotencyStore({ clock: c, maxPageSize: 2 });
    for (let i = 1; i <= 3; i += 1) {
      const mi = contractMessage(`ord-${i}`);
      await store.claim({
        remittanceId: mi.remittanceId,
        payloadHash: payloadHashOf(mi),
        payload: mi,
        now: c.now(),
        leaseMs: 1,
        bankTranId: contractBankTranId(i),
        businessDate: date,
        reserveBankTranId: false,
      });
    }
    const page = await store.listOpen({ updatedBefore: c.now() + 1, limit: 50 });
    expect(page.records).toHaveLength(2);
    expect(page.nextCursor).toBeDefined();
  });
});

describe('MemorySequenceGenerator', () => {
  const key = {
    institution: parseInstitutionCode('T991234560'),
    businessDate: businessDateOf(DEFAULT_SIMULATED_START_MS),
  };

  it('regresses one key or all of them, and fails over by its configured loss', async () => {
    const seq = new MemorySequenceGenerator({ failoverLoss: 2 });
    for (let i = 0; i < 5; i += 1) await seq.next(key);
    expect(seq.peek(key)).toBe(5);
    seq.failover();
    expect((await seq.next(key)).value).toBe(4);
    seq.regress(10, key);
    expect(seq.peek(key)).toBe(0);
    expect(() => seq.regress(-1)).toThrow();
    expect(() => new MemorySequenceGenerator({ maxSequence: 0 })).toThrow();
    seq.faults.throttleNext();
    await expect(seq.next(key)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('MemoryTransferGateway', () => {
  const request = (seq: number, overrides: Partial<TransferRequest> = {}): TransferRequest => ({
    remittanceId: parseRemittanceId(`rm:ord-${seq}`),
    bankTranId: contractBankTranId(seq),
    businessDate: businessDateOf(DEFAULT_SIMULATED_START_MS),
    amountKrw: parseKrw(10_000),
    payee: CONTRACT_PAYEE,
    memo: 'm',
    ...overrides,
  });

  it('settles processing transfers by itself after the configured delay', async () => {
    const clock = new SimulatedClock();
    const bank = new MemoryTransferGateway({ clock, processingSettlesAfterMs: 1_000 });
    bank.scriptTransfer({ kind: 'processing' });
    const r = request(1);
    await bank.transfer(r);
    expect((await bank.inquire({ ...r })).kind).toBe('unknown');
    clock.advance(1_000);
    expect((await bank.inquire({ ...r })).kind).toBe('succeeded');
    expect(bank.moneyMovedFor(r.remittanceId)).toBe(1);
    expect(bank.ledger()[0]).toMatchObject({ status: 'succeeded' });
  });

  it('rejects unknown accounts and transfers over the balance; refuses bad control calls', async () => {
    const clock = new SimulatedClock();
    const bank = new MemoryTransferGateway({
      clock,
      balanceKrw: 15_000,
      invalidAccounts: ['110-999-999999'],
    });
    expect(
      await bank.transfer(request(1, { payee: { ...CONTRACT_PAYEE, accountNumber: '110-999-999999' } })),
    ).toMatchObject({
      kind: 'rejected',
      reason: 'invalid_account',
    });
    expect((await bank.transfer(request(2))).kind).toBe('succeeded');
    expect(await bank.transfer(request(3))).toMatchObject({
      kind: 'rejected',
      reason: 'insufficient_balance',
    });
    expect((await bank.inquire(request(3))).kind).toBe('rejected');
    const r2 = request(2);
    await expect(bank.settle({ ...r2, result: 'succeeded' })).rejects.toThrow(/no processing/);
    await expect(bank.reverse({ ...request(3), reason: 'x' })).rejects.toThrow(/no succeeded/);
    await expect(bank.listReversals({ sinceMs: 0, cursor: 'x' })).rejects.toThrow(/cursor/);
    bank.scriptInquiry({ kind: 'throw', error: new Error('down') });
    await expect(bank.inquire(r2)).rejects.toThrow('down');
    expect(bank.transferCalls(r2.remittanceId)).toHaveLength(1);
  });

  it('a processing transfer the bank later rejects moves no money', async () => {
    const bank = new MemoryTransferGateway({ clock: new SimulatedClock() });
    bank.scriptTransfer({ kind: 'processing' });
    const r = request(1);
    await bank.transfer(r);
    await bank.settle({ ...r, result: 'rejected' });
    expect(await bank.inquire(r)).toMatchObject({ kind: 'rejected', reason: 'other' });
    expect(await bank.executedCount(r)).toBe(0);
  });

  it('random faults are seeded: the same seed gives the same answers', async () => {
    const answers = async (seed: number) => {
      const bank = new MemoryTransferGateway({
        clock: new SimulatedClock(),
        randomFaults: {
          seed,
          timeoutExecuted: 0.2,
          timeoutNotExecuted: 0.2,
          serverError: 0.1,
          processing: 0.1,
          inquiryTimeout: 0.3,
        },
      });
      const out: string[] = [];
      for (let i = 1; i <= 40; i += 1) {
        out.push((await bank.transfer(request(i))).kind);
        out.push((await bank.inquire(request(i))).kind);
      }
      return out;
    };
    const a = await answers(7);
    expect(await answers(7)).toEqual(a);
    expect(new Set(a)).toEqual(new Set(['succeeded', 'unknown', 'not_found']));
  });
});

describe('MemoryRemittanceQueue', () => {
  it('redelivers after the visibility timeout by the clock, and forgets dedup ids after 5 minutes', async () => {
    const clock = new SimulatedClock();
    const queue = new MemoryRemittanceQueue({ clock, visibilityTimeoutMs: 1_000 });
    const m = contractMessage('ord-1');
    await queue.enqueue({ messages: [m] });
    const [first] = await queue.receive({ maxMessages: 1 });
    expect(await queue.receive()).toEqual([]);
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1, dead: 0 });
    clock.advance(1_000);
    const [again] = await queue.receive();
    expect(again?.receiveCount).toBe(2);
    await expect(queue.ack({ receiptHandle: first!.receiptHandle })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await queue.ack({ receiptHandle: again!.receiptHandle });
    clock.advance(5 * 60_000);
    await queue.enqueue({ messages: [m] });
    expect(queue.depth().visible).toBe(1);
  });

  it("groups by core's remittanceGroupId by default, as SqsRemittanceQueue does", async () => {
    const queue = new MemoryRemittanceQueue({ clock: new SimulatedClock() });
    const m = contractMessage('ord-grp', { payee: { ...CONTRACT_PAYEE, accountNumber: '110-000-000009' } });
    await queue.enqueue({ messages: [m] });
    const [d] = await queue.receive();
    expect(d?.groupId).toBe(remittanceGroupId(m));
  });

  it('validates its inputs', async () => {
    const queue = new MemoryRemittanceQueue({ clock: new SimulatedClock() });
    await expect(queue.receive({ maxMessages: 11 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await queue.enqueue({ messages: [contractMessage('ord-1')] });
    const [d] = await queue.receive();
    await expect(
      queue.changeVisibility({ receiptHandle: d!.receiptHandle, visibilityTimeoutMs: -1 }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(() => new MemoryRemittanceQueue({ clock: new SimulatedClock(), maxReceives: 0 })).toThrow();
  });
});

describe('MemoryDepositSource, MemoryRemittanceEvents, MemoryOrderMatcher', () => {
  it('refuses a foreign cursor and a bad page size', async () => {
    const source = new MemoryDepositSource();
    await expect(
      source.listDeposits({ accountId: parseAccountId('a'), fromMs: 0, toMs: 1, cursor: 'zz' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => new MemoryDepositSource({ pageSize: 0 })).toThrow();
  });

  it('lists events by type and clears them', async () => {
    const events = new MemoryRemittanceEvents();
    await events.publish({
      events: [
        { type: 'refund_owed', at: 1 },
        { type: 'match_review', at: 2 },
      ],
    });
    expect(events.ofType('refund_owed')).toHaveLength(1);
    events.clear();
    expect(events.published).toEqual([]);
  });

  it('refuses to open an order that is not pending', async () => {
    const matcher = new MemoryOrderMatcher();
    const order = {
      orderId: 'ord-1',
      sellerId: 's',
      accountId: 'a',
      amountKrw: 1,
      depositorName: '김',
      payee: CONTRACT_PAYEE,
      createdAt: 0,
      expiresAt: 1,
      status: 'paid',
    } as never;
    await expect(
      matcher.openOrder({ order, policy: { nameBudgetBytes: 12, overpayment: 'review' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(matcher.matches()).toEqual([]);
    expect(
      await matcher.getMatch({ accountId: parseAccountId('a'), depositId: parseDepositId('d') }),
    ).toBeUndefined();
  });
});

describe('consumeQueue', () => {
  it('keeps FIFO per group: after a failure the rest of the group waits; other groups go on', async () => {
    const sys = createMemorySystem();
    const a1 = contractMessage('ord-a1');
    const a2 = contractMessage('ord-a2');
    const b1 = contractMessage('ord-b1', { payee: { ...CONTRACT_PAYEE, accountNumber: '110-000-000002' } });
    await sys.queue.enqueue({ messages: [a1, a2, b1] });
    sys.store.faults.throttleNext(1, { op: 'claim' });
    const handled = await consumeQueue(sys);
    expect(
      handled.map((h) => ('error' in h ? 'error' : 'skipped' in h ? 'skipped' : h.outcome.kind)),
    ).toEqual(['error', 'skipped', 'succeeded']);
    sys.clock.advance(180_000);
    const next = await consumeQueue(sys);
    expect(next.map((h) => ('outcome' in h ? h.outcome.kind : '?'))).toEqual(['succeeded', 'succeeded']);
  });

  it('leaves a retry-later outcome invisible for its retryAfterMs and rethrows programmer errors', async () => {
    const sys = createMemorySystem();
    await sys.queue.enqueue({ messages: [contractMessage('ord-1')] });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
    expect((await consumeQueue(sys)).map((h) => ('outcome' in h ? h.outcome.kind : '?'))).toEqual([
      'unknown',
    ]);
    expect(await consumeQueue(sys)).toEqual([]);
    sys.clock.advance(sys.remitDeps.config.retryAfterMs);
    expect((await consumeQueue(sys)).map((h) => ('outcome' in h ? h.outcome.kind : '?'))).toEqual([
      'succeeded',
    ]);
    await sys.queue.enqueue({ messages: [contractMessage('ord-2')] });
    sys.store.faults.failNext({ error: new TypeError('bug') });
    await expect(consumeQueue(sys)).rejects.toThrow(TypeError);
  });
});
