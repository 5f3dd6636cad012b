// ingestDeposits and its per-account checkpoint: however late a run starts and however many runs in a
// row fail, the next complete run reads everything since the last complete one (the simulator found
// deposits lost in the gap when every run read only the last 15 minutes).
import {
  type AccountId,
  type Deposit,
  type DepositSource,
  ErrorCode,
  ingestDeposits,
  openOrder,
  parseAccountId,
  parseDepositId,
  parseKrw,
  parseOrderId,
  parseSellerId,
  RemitError,
} from '@remit/core';
import { CONTRACT_PAYEE } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemorySystem, type MemorySystemOptions } from '../system.js';

const ACCOUNT: AccountId = parseAccountId('acct-main');
const OTHER: AccountId = parseAccountId('acct-other');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function setup(options: MemorySystemOptions = {}) {
  const sys = createMemorySystem({ accounts: [ACCOUNT], ...options });
  let n = 0;
  const open = async (name: string, accountId = ACCOUNT) => {
    n += 1;
    const r = await openOrder(sys.orderDeps, {
      orderId: parseOrderId(`ord-${n}`),
      sellerId: parseSellerId('seller-01'),
      accountId,
      amountKrw: parseKrw(15_000),
      payee: CONTRACT_PAYEE,
      ttlMs: 7 * DAY,
      depositorName: name,
    });
    if (r.kind !== 'opened') throw new Error(r.kind);
    return r.order;
  };
  let d = 0;
  /** A statement row that occurred at `occurredAt` (it becomes visible when appended). */
  const post = (name: string, occurredAt: number, accountId = ACCOUNT): Deposit => {
    d += 1;
    const deposit: Deposit = {
      accountId,
      depositId: parseDepositId(`dep-${d}`),
      depositorName: name,
      amountKrw: parseKrw(15_000),
      occurredAt,
      kind: 'deposit',
    };
    sys.source.append(deposit);
    return deposit;
  };
  const ingest = () => ingestDeposits(sys.ingestDeps, {});
  const checkpoint = async (accountId = ACCOUNT) => (await sys.checkpoints.get({ accountId }))?.readUpToMs;
  const paidBy = async (orderId: string) =>
    (await sys.matcher.getOrder({ orderId: parseOrderId(orderId) }))?.paidBy;
  const queued = async () => (await sys.queue.receive({ maxMessages: 10 })).map((r) => r.message.orderId);
  return { sys, open, post, ingest, checkpoint, paidBy, queued };
}

describe('ingestDeposits: the per-account checkpoint', () => {
  it('advances to the run’s start instant once the account is read to the end', async () => {
    const { sys, ingest, checkpoint } = setup();
    const t0 = sys.clock.now();
    sys.checkpoints.set(ACCOUNT, t0 - 5 * MINUTE);
    const report = ingest();
    sys.clock.advance(30_000); // the run takes time; the watermark is where its window ended
    await report;
    expect(await checkpoint()).toBe(t0);
  });

  it('a new account starts at its first run: if that run fails, the next one still reads back to its window', async () => {
    const { sys, open, post, ingest, checkpoint, paidBy } = setup();
    await open('김테스트');
    const t0 = sys.clock.now();
    const first = post('김테스트', t0 - 10 * MINUTE);
    sys.source.faults.failNext({ op: 'listDeposits', times: 3 });
    await expect(ingest()).rejects.toThrow(RemitError);
    expect(await checkpoint()).toBe(t0); // written before reading: the account's history starts here
    for (let run = 1; run <= 2; run += 1) {
      sys.clock.advance(5 * MINUTE);
      await expect(ingest()).rejects.toThrow(RemitError);
    }
    sys.clock.advance(5 * MINUTE);
    // t0 + 15: reads [t0 - 15 min, t0 + 15 min), so the row of t0 - 10 min is paid.
    expect(await ingest()).toMatchObject({ matched: 1, enqueued: 1 });
    expect(await paidBy('ord-1')).toBe(first.depositId);
    expect(await checkpoint()).toBe(t0 + 15 * MINUTE);
  });

  it('two failed runs in a row (provider down 15 min), then a good one: the deposits of the gap are paid', async () => {
    const { sys, open, post, ingest, checkpoint, paidBy, queued } = setup();
    await open('김테스트');
    await open('박테스트');
    await open('이테스트');
    const t0 = sys.clock.now();
    await ingest();
    // Occurred a minute before the first run, posted by the bank after it: only a window reaching
    // back behind t0 ever reads it.
    const late = post('김테스트', t0 - MINUTE);
    sys.clock.advance(3 * MINUTE);
    const during1 = post('박테스트', sys.clock.now());
    sys.clock.advance(2 * MINUTE);
    sys.source.faults.failNext({ op: 'listDeposits', times: 2 });
    await expect(ingest()).rejects.toThrow(RemitError); // t0 + 5
    sys.clock.advance(3 * MINUTE);
    const during2 = post('이테스트', sys.clock.now());
    sys.clock.advance(2 * MINUTE);
    await expect(ingest()).rejects.toThrow(RemitError); // t0 + 10
    expect(await checkpoint()).toBe(t0);
    sys.clock.advance(5 * MINUTE);
    // t0 + 15: a fixed 15-minute window would read [t0, t0 + 15) and never see `late`.
    expect(await ingest()).toMatchObject({ read: 3, matched: 3, enqueued: 3, gapAccounts: [] });
    expect(await paidBy('ord-1')).toBe(late.depositId);
    expect(await paidBy('ord-2')).toBe(during1.depositId);
    expect(await paidBy('ord-3')).toBe(during2.depositId);
    expect((await queued()).sort()).toEqual(['ord-1', 'ord-2', 'ord-3']);
    expect(await checkpoint()).toBe(t0 + 15 * MINUTE);
  });

  it('a run starting 40 minutes late loses nothing', async () => {
    const { sys, open, post, ingest, checkpoint, paidBy, queued } = setup();
    await open('김테스트');
    await open('박테스트');
    const t0 = sys.clock.now();
    await ingest();
    const early = post('김테스트', t0 + 2 * MINUTE);
    const later = post('박테스트', t0 + 20 * MINUTE);
    sys.clock.advance(45 * MINUTE); // due at t0 + 5, started at t0 + 45
    expect(await ingest()).toMatchObject({ matched: 2, enqueued: 2 });
    expect(await paidBy('ord-1')).toBe(early.depositId);
    expect(await paidBy('ord-2')).toBe(later.depositId);
    expect((await queued()).sort()).toEqual(['ord-1', 'ord-2']);
    expect(await checkpoint()).toBe(t0 + 45 * MINUTE);
  });

  it('a checkpoint older than maxLookbackMs: reads the last maxLookbackMs and names the rest for a person', async () => {
    const { sys, open, post, ingest, checkpoint, paidBy } = setup();
    await open('김테스트');
    await open('박테스트');
    // The last complete read was when the orders opened (2026-11-28 10:00 KST); then 4 days of outage.
    const lastRead = sys.clock.now();
    sys.checkpoints.set(ACCOUNT, lastRead);
    const now = sys.clock.advance(4 * DAY);
    const maxLookbackMs = sys.ingestDeps.config.maxLookbackMs;
    expect(maxLookbackMs).toBe(3 * DAY);
    const tooOld = post('김테스트', now - 3 * DAY - 60 * MINUTE);
    const recent = post('박테스트', now - 2 * DAY);
    const report = await ingest();
    expect(report).toMatchObject({ read: 1, matched: 1, gapAccounts: [ACCOUNT] });
    expect(await paidBy('ord-2')).toBe(recent.depositId);
    // Never read automatically: the gap event tells a person where to look.
    expect(await sys.matcher.getMatch({ accountId: ACCOUNT, depositId: tooOld.depositId })).toBeUndefined();
    const windowMs = sys.ingestDeps.config.windowMs;
    expect(sys.events.ofType('manual_review')).toEqual([
      expect.objectContaining({
        at: now,
        reason: 'ingest_gap',
        details: expect.objectContaining({
          accountId: ACCOUNT,
          fromMs: lastRead - windowMs,
          toMs: now - maxLookbackMs,
          readUpToMs: lastRead,
        }),
      }),
    ]);
    // The overlap behind the last read, up to 3 days before now (2026-12-02 10:00 KST).
    const message = String(sys.events.ofType('manual_review')[0]?.details?.message);
    expect(message).toContain(
      'ingest gap: deposits between 2026-11-28 09:45:00 KST and 2026-11-29 10:00:00 KST were not read automatically',
    );
    expect(await checkpoint()).toBe(now);
    // Reported once the account is read again: the next run has no gap.
    sys.clock.advance(5 * MINUTE);
    expect(await ingest()).toMatchObject({ gapAccounts: [] });
    expect(sys.events.ofType('manual_review')).toHaveLength(1);
  });

  it('the gap is reported before anything is read: a run that then fails still told a person', async () => {
    const { sys, ingest, checkpoint } = setup();
    const lastRead = sys.clock.now() - 5 * DAY;
    sys.checkpoints.set(ACCOUNT, lastRead);
    sys.source.faults.failNext({ op: 'listDeposits' });
    await expect(ingest()).rejects.toThrow(RemitError);
    expect(sys.events.ofType('manual_review').map((e) => e.reason)).toEqual(['ingest_gap']);
    expect(await checkpoint()).toBe(lastRead);
  });

  it('a truncated account advances to the last row it read; the next run re-reads the overlap and goes on', async () => {
    const { sys, open, post, ingest, checkpoint } = setup({
      depositPageSize: 2,
      ingest: { maxPagesPerAccount: 2 },
    });
    const t0 = sys.clock.now();
    await ingest();
    for (let i = 0; i < 5; i += 1) {
      await open(`김테스트${i}`);
      post(`김테스트${i}`, t0 + i * 1000);
    }
    sys.clock.advance(5 * MINUTE);
    expect(await ingest()).toMatchObject({ read: 4, matched: 4, truncatedAccounts: [ACCOUNT] });
    expect(await checkpoint()).toBe(t0 + 3000); // the fourth row's instant
    sys.clock.advance(5 * MINUTE);
    const wider = { ...sys.ingestDeps, config: { ...sys.ingestDeps.config, maxPagesPerAccount: 3 } };
    expect(await ingestDeposits(wider, {})).toMatchObject({
      read: 5,
      replayed: 4,
      matched: 1,
      truncatedAccounts: [],
    });
    expect(await checkpoint()).toBe(t0 + 10 * MINUTE);
  });

  it('a failed account does not advance; the other accounts do', async () => {
    const { sys, open, post, checkpoint, paidBy } = setup({ accounts: [ACCOUNT, OTHER] });
    await open('김테스트', OTHER);
    const t0 = sys.clock.now();
    sys.checkpoints.set(ACCOUNT, t0 - 5 * MINUTE);
    sys.checkpoints.set(OTHER, t0 - 5 * MINUTE);
    post('김테스트', t0 - MINUTE, OTHER);
    const down: DepositSource = {
      listDeposits: (input) =>
        input.accountId === OTHER
          ? Promise.reject(new RemitError(ErrorCode.Unavailable, 'statement API down', { retryable: true }))
          : sys.source.listDeposits(input),
    };
    await expect(ingestDeposits({ ...sys.ingestDeps, source: down }, {})).rejects.toThrow(
      'statement API down',
    );
    expect(await checkpoint(ACCOUNT)).toBe(t0);
    expect(await checkpoint(OTHER)).toBe(t0 - 5 * MINUTE);
    sys.clock.advance(5 * MINUTE);
    expect(await ingestDeposits(sys.ingestDeps, {})).toMatchObject({ matched: 1 });
    expect(await paidBy('ord-1')).toBeDefined();
    expect(await checkpoint(OTHER)).toBe(t0 + 5 * MINUTE);
  });

  it('a crash between the last page and the checkpoint write: the next run reads the rows again', async () => {
    const { sys, open, post, ingest, checkpoint, queued } = setup();
    await open('김테스트');
    const t0 = sys.clock.now();
    await ingest();
    post('김테스트', t0 + MINUTE);
    sys.clock.advance(5 * MINUTE);
    sys.checkpoints.faults.failNext({ op: 'advance' });
    await expect(ingest()).rejects.toThrow(RemitError);
    expect(await checkpoint()).toBe(t0);
    sys.clock.advance(5 * MINUTE);
    expect(await ingest()).toMatchObject({ read: 1, replayed: 1, enqueued: 1 });
    // Enqueued by both runs (past the queue's 5 min de-duplication): the idempotency store pays once.
    expect(new Set(await queued())).toEqual(new Set(['ord-1']));
    expect(await checkpoint()).toBe(t0 + 10 * MINUTE);
  });

  it('an older overlapping run finishing last never moves the checkpoint back', async () => {
    const { sys, checkpoint } = setup();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    // The first statement read (the older run's) hangs until released.
    const source: DepositSource = {
      listDeposits: async (input) => {
        calls += 1;
        if (calls === 1) await gate;
        return sys.source.listDeposits(input);
      },
    };
    const deps = { ...sys.ingestDeps, source };
    const t0 = sys.clock.now();
    const older = ingestDeposits(deps, {}); // takes "now" before its first await
    sys.clock.advance(MINUTE);
    await ingestDeposits(deps, {});
    expect(await checkpoint()).toBe(t0 + MINUTE);
    release();
    await older;
    expect(await checkpoint()).toBe(t0 + MINUTE);
  });

  it('a checkpoint ahead of this run’s clock (another environment’s clock ran fast) reads the usual window', async () => {
    const { sys, open, post, ingest } = setup();
    const now = sys.clock.now();
    sys.checkpoints.set(ACCOUNT, now + 10 * MINUTE);
    await open('김테스트');
    post('김테스트', now - 10 * MINUTE);
    expect(await ingest()).toMatchObject({ matched: 1, gapAccounts: [] });
  });

  it('refuses a lookback shorter than two windows', async () => {
    const { sys } = setup();
    const bad = (maxLookbackMs: number) =>
      ingestDeposits({ ...sys.ingestDeps, config: { ...sys.ingestDeps.config, maxLookbackMs } }, {});
    await expect(bad(20 * MINUTE)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(bad(Number.NaN)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(bad(30 * MINUTE)).resolves.toMatchObject({ read: 0 });
  });
});
