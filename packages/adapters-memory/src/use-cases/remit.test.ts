import {
  type CheckpointInput,
  type ClaimInput,
  type IdempotencyStore,
  isRemitError,
  KST_OFFSET_MS,
  parseKrw,
  type RemitDeps,
  type RemitOutcome,
  type RemittanceMessage,
  remit,
  type SequenceGenerator,
  type SequenceGuarantee,
  type TransferGateway,
  type TransferRequest,
  type TransferResult,
} from '@remit/core';
import { contractMessage } from '@remit/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemorySystem, type MemorySystem, type MemorySystemOptions } from '../system.js';

/** 2026-11-28 at hh:mm KST. */
const kst = (hh: number, mm: number, day = 28) => Date.UTC(2026, 10, day, hh, mm) - KST_OFFSET_MS;

function setup(options: MemorySystemOptions = {}) {
  const sys = createMemorySystem(options);
  const message = contractMessage('ord-1');
  const run = (m: RemittanceMessage = message, deps: RemitDeps = sys.remitDeps) =>
    remit(deps, { message: m });
  return { sys, message, run };
}

const transfers = (sys: MemorySystem) => sys.gateway.transferCalls();
const moved = (sys: MemorySystem, m: RemittanceMessage) => sys.gateway.moneyMovedFor(m.remittanceId);
const record = (sys: MemorySystem, m: RemittanceMessage) => sys.store.get({ remittanceId: m.remittanceId });

describe('remit: the happy path', () => {
  it('pays once with two durable writes, the bank id written ahead in the claim', async () => {
    const { sys, message, run } = setup();
    const outcome = await run();
    expect(outcome.kind).toBe('succeeded');
    const calls = transfers(sys);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      amountKrw: 14_700,
      payee: message.payee,
      remittanceId: message.remittanceId,
    });
    const writes = sys.store.writesOf(message.remittanceId);
    expect(writes.map((w) => w.op)).toEqual(['claim', 'complete']);
    // Write-ahead: the claim already carried the id the bank later received.
    expect(writes[0]!.record.bankTranId).toBe(calls[0]!.bankTranId);
    expect(outcome).toEqual({ kind: 'succeeded', bankTranId: calls[0]!.bankTranId });
    expect((await record(sys, message))?.status).toBe('succeeded');
    expect(sys.events.ofType('payout_succeeded')).toHaveLength(1);
    expect(moved(sys, message)).toBe(1);
  });

  it('a payout of 0 won (fees took it all) completes without calling the bank', async () => {
    const { sys, run } = setup();
    const zero = contractMessage('ord-zero', { feeKrw: parseKrw(15_000), payoutKrw: parseKrw(0) });
    expect((await run(zero)).kind).toBe('succeeded');
    expect(transfers(sys)).toHaveLength(0);
    expect((await record(sys, zero))?.reason).toBe('zero_payout');
  });
});

describe('remit: duplicate deliveries', () => {
  it('a redelivered message produces one transfer call; the redelivery only wastes a number', async () => {
    const { sys, message, run } = setup();
    expect((await run()).kind).toBe('succeeded');
    expect(await run()).toEqual({ kind: 'already_finished', status: 'succeeded' });
    expect(transfers(sys)).toHaveLength(1);
    const key = {
      institution: sys.remitDeps.config.institution,
      businessDate: (await record(sys, message))!.businessDate!,
    };
    expect(sys.sequence.peek(key)).toBe(2); // a gap, never a duplicate
  });

  it('two deliveries at once: one pays, the other is told busy until the lease ends', async () => {
    const { sys, run } = setup();
    const [a, b] = await Promise.all([run(), run()]);
    const kinds = [a!.kind, b!.kind].sort();
    expect(kinds).toEqual(['busy', 'succeeded']);
    const busy = (a!.kind === 'busy' ? a : b) as Extract<RemitOutcome, { kind: 'busy' }>;
    expect(busy.retryAfterMs).toBeGreaterThanOrEqual(sys.remitDeps.config.retryAfterMs);
    expect(transfers(sys)).toHaveLength(1);
  });

  it('the same remittance id with another payload is refused for review, never executed', async () => {
    const { sys, message, run } = setup();
    await run();
    const tampered = { ...message, payee: { ...message.payee, accountNumber: '110-000-000666' } };
    expect(await run(tampered)).toEqual({ kind: 'payload_mismatch' });
    expect(transfers(sys)).toHaveLength(1);
    const review = sys.events.ofType('manual_review');
    expect(review).toHaveLength(1);
    expect(review[0]).toMatchObject({ reason: 'payload_mismatch', remittanceId: message.remittanceId });
  });
});

describe('remit: unknown outcomes are resolved by inquiry, never by a blind resend', () => {
  it('a timeout whose transfer happened ends succeeded after inquiry, with exactly one transfer', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
    expect(await run()).toEqual({ kind: 'unknown', retryAfterMs: sys.remitDeps.config.retryAfterMs });
    const unknown = await record(sys, message);
    expect(unknown).toMatchObject({ status: 'unknown', unknownSince: sys.clock.now(), reason: 'timeout' });
    expect(sys.events.ofType('payout_unknown')).toHaveLength(1);
    // The lease was released: the redelivery resumes at once and inquires first.
    const outcome = await run();
    expect(outcome.kind).toBe('succeeded');
    expect(transfers(sys)).toHaveLength(1);
    expect(sys.gateway.inquiryCalls()).toHaveLength(1);
    expect(moved(sys, message)).toBe(1);
  });

  it('a timeout whose transfer did not happen is resent with the same id after a definite not_found', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    expect((await run()).kind).toBe('unknown');
    expect((await run()).kind).toBe('succeeded');
    const calls = transfers(sys);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.bankTranId).toBe(calls[0]!.bankTranId);
    expect((await record(sys, message))?.attempts).toBe(2);
    expect(moved(sys, message)).toBe(1);
  });

  for (const kind of ['connection_reset', 'server_error', 'malformed'] as const) {
    it(`${kind} is unknown, never rejected`, async () => {
      const { sys, message, run } = setup();
      sys.gateway.scriptTransfer({ kind, executed: true });
      expect((await run()).kind).toBe('unknown');
      expect((await run()).kind).toBe('succeeded');
      expect(moved(sys, message)).toBe(1);
      expect(transfers(sys)).toHaveLength(1);
    });
  }

  it('processing stays unknown until the bank settles it', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'processing' });
    expect((await run()).kind).toBe('unknown');
    expect((await run()).kind).toBe('unknown');
    const r = (await record(sys, message))!;
    await sys.gateway.settle({
      bankTranId: r.bankTranId!,
      businessDate: r.businessDate!,
      result: 'succeeded',
    });
    expect((await run()).kind).toBe('succeeded');
    expect(transfers(sys)).toHaveLength(1);
  });

  it('an inquiry that cannot answer keeps the payout unknown, from the first time it became unknown', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
    await run();
    const first = (await record(sys, message))!.unknownSince;
    sys.clock.advance(60_000);
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect((await run()).kind).toBe('unknown');
    expect((await record(sys, message))?.unknownSince).toBe(first);
  });

  it('an unknown payout older than the configured age goes to manual review with an event', async () => {
    const { sys, message, run } = setup({ remit: { unknownEscalateAfterMs: 10 * 60_000 } });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    sys.clock.advance(5 * 60_000);
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect((await run()).kind).toBe('unknown');
    sys.clock.advance(6 * 60_000);
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect(await run()).toEqual({ kind: 'manual_review', reason: 'unknown_too_long' });
    expect((await record(sys, message))?.status).toBe('manual_review');
    expect(sys.events.ofType('manual_review')).toHaveLength(1);
    expect(transfers(sys)).toHaveLength(1);
    expect(await run()).toEqual({ kind: 'already_finished', status: 'manual_review' });
  });

  it('an old unknown whose resend times out again is escalated at once', async () => {
    const { sys, run } = setup({ remit: { unknownEscalateAfterMs: 10 * 60_000 } });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false }, { kind: 'timeout', executed: false });
    await run();
    sys.clock.advance(11 * 60_000);
    expect((await run()).kind).toBe('manual_review');
    expect(transfers(sys)).toHaveLength(2);
  });

  it('a duplicate-id answer is followed by an inquiry of the original, not a resend', async () => {
    const { sys, message, run } = setup();
    // The first call landed, but the bank's inquiry lagged and said not_found: the resend meets "duplicate".
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: true });
    await run();
    sys.gateway.scriptInquiry({ kind: 'not_found' });
    expect((await run()).kind).toBe('succeeded');
    const results = sys.gateway.calls.map((c) => `${c.op}:${c.result?.kind}`);
    expect(results).toEqual([
      'transfer:unknown',
      'inquire:not_found',
      'transfer:duplicate_id',
      'inquire:succeeded',
    ]);
    expect(moved(sys, message)).toBe(1);
  });

  it('a duplicate-id answer for an id the bank cannot find goes to a person', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'duplicate_id' });
    expect(await run()).toEqual({ kind: 'manual_review', reason: 'duplicate_id_but_not_found' });
    expect(moved(sys, message)).toBe(0);
    expect(sys.events.ofType('manual_review')).toHaveLength(1);
  });

  it('a duplicate-id answer whose original is still unknown stays unknown', async () => {
    const { sys, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'duplicate_id' });
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect((await run()).kind).toBe('unknown');
  });
});

describe('remit: definite rejections are final', () => {
  it('a rejection completes rejected with its reason and an event, and is never retried', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'reject', reason: 'name_mismatch' });
    expect(await run()).toEqual({ kind: 'rejected', reason: 'name_mismatch' });
    expect(await record(sys, message)).toMatchObject({
      status: 'rejected',
      reason: 'name_mismatch',
      providerCode: 'A0000/815',
    });
    expect(sys.events.ofType('payout_rejected')).toHaveLength(1);
    expect(await run()).toEqual({ kind: 'already_finished', status: 'rejected' });
    expect(transfers(sys)).toHaveLength(1);
  });

  it('a rejection found by inquiry is final too', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'processing', settlesAs: 'rejected' });
    expect((await run()).kind).toBe('unknown');
    const r = (await record(sys, message))!;
    await sys.gateway.settle({
      bankTranId: r.bankTranId!,
      businessDate: r.businessDate!,
      result: 'rejected',
      reason: 'limit_exceeded',
    });
    expect(await run()).toEqual({ kind: 'rejected', reason: 'limit_exceeded' });
    expect(transfers(sys)).toHaveLength(1);
  });
});

describe('remit: crashes', () => {
  it('a crash after the transfer call and before completion never causes a second transfer', async () => {
    const { sys, message, run } = setup();
    sys.store.faults.failNext({ op: 'complete' });
    const crashed = await run().catch((e: unknown) => e);
    expect(isRemitError(crashed)).toBe(true);
    expect(await record(sys, message)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(moved(sys, message)).toBe(1);
    // Redelivered while the dead worker's lease lives: busy.
    expect((await run()).kind).toBe('busy');
    sys.clock.advance(sys.remitDeps.config.leaseMs);
    const outcome = await run();
    expect(outcome.kind).toBe('succeeded');
    expect(transfers(sys)).toHaveLength(1);
    expect(sys.gateway.inquiryCalls()).toHaveLength(1);
    expect(moved(sys, message)).toBe(1);
  });

  it('a completion applied but reported as failed is finished on redelivery', async () => {
    const { sys, message, run } = setup();
    sys.store.faults.failNext({ op: 'complete', applied: true });
    await expect(run()).rejects.toThrow(/injected/);
    expect((await record(sys, message))?.status).toBe('succeeded');
    expect(await run()).toEqual({ kind: 'already_finished', status: 'succeeded' });
    expect(transfers(sys)).toHaveLength(1);
  });

  it('a claim applied but reported as failed is resumed by inquiry, not sent again blindly', async () => {
    const { sys, message, run } = setup();
    sys.store.faults.throttleNext(1, { op: 'claim', applied: true });
    await expect(run()).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(transfers(sys)).toHaveLength(0);
    sys.clock.advance(sys.remitDeps.config.leaseMs);
    expect((await run()).kind).toBe('succeeded');
    expect(sys.gateway.calls.map((c) => c.op)).toEqual(['inquire', 'transfer']);
    expect(moved(sys, message)).toBe(1);
  });

  it('a provider error thrown mid-call leaves the record sending; the next claim inquires first', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'throw', error: new Error('socket hang up') });
    await expect(run()).rejects.toThrow('socket hang up');
    sys.clock.advance(sys.remitDeps.config.leaseMs);
    expect((await run()).kind).toBe('succeeded');
    expect(sys.gateway.calls.map((c) => c.op)).toEqual(['transfer', 'inquire', 'transfer']);
    expect(moved(sys, message)).toBe(1);
  });
});

describe('remit: bank ids', () => {
  it('a regressing sequence (Redis failover) never produces a duplicate bank id', async () => {
    const { sys, run } = setup();
    const messages = Array.from({ length: 6 }, (_, i) => contractMessage(`ord-f${i}`));
    for (const m of messages.slice(0, 3)) expect((await run(m)).kind).toBe('succeeded');
    sys.sequence.failover(); // forgets the last 3 numbers: 1, 2, 3 will be handed out again
    for (const m of messages.slice(3)) expect((await run(m)).kind).toBe('succeeded');
    const ids = transfers(sys).map((t) => t.bankTranId);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    expect(sys.gateway.calls.some((c) => c.result?.kind === 'duplicate_id')).toBe(false);
  });

  it('gives up after maxDraws collisions with a retryable CONFLICT, having claimed nothing', async () => {
    const { sys, message, run } = setup({ remit: { maxDraws: 2 } });
    for (const m of [contractMessage('ord-a'), contractMessage('ord-b')]) await run(m);
    sys.sequence.regress(2);
    await expect(run()).rejects.toMatchObject({ code: 'CONFLICT', retryable: true });
    expect(await record(sys, message)).toBeUndefined();
    expect((await run()).kind).toBe('succeeded'); // the counter moved past the reserved numbers
  });

  it('sequence exhaustion is an error, never a wrap-around', async () => {
    const { sys, run } = setup({ sequence: { maxSequence: 1 } });
    expect((await run(contractMessage('ord-a'))).kind).toBe('succeeded');
    await expect(run(contractMessage('ord-b'))).rejects.toMatchObject({ code: 'SEQUENCE_EXHAUSTED' });
    expect(transfers(sys)).toHaveLength(1);
  });

  it('a resend on a new business date draws a new id, written ahead before the call', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 20) });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    expect((await run()).kind).toBe('unknown');
    const before = (await record(sys, message))!;
    sys.clock.set(kst(0, 40, 29));
    expect((await run()).kind).toBe('succeeded');
    const after = (await record(sys, message))!;
    expect(after.businessDate).not.toBe(before.businessDate);
    expect(after.bankTranId).not.toBe(before.bankTranId);
    const [first, second] = transfers(sys);
    expect(first!.bankTranId).toBe(before.bankTranId);
    expect(second).toMatchObject({ bankTranId: after.bankTranId, businessDate: after.businessDate });
    // The checkpoint that wrote the new id came before the call that used it.
    const writes = sys.store.writesOf(message.remittanceId).map((w) => [w.op, w.record.bankTranId]);
    expect(writes).toContainEqual(['checkpoint', after.bankTranId]);
    expect(sys.store.reservationOwner(after.businessDate!, after.bankTranId!)).toBe(message.remittanceId);
  });

  it('a new-date resend that meets a reserved number draws again', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 20) });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    sys.clock.set(kst(0, 40, 29));
    await run(contractMessage('ord-o1')); // numbers 1 and 2 of the new day
    await run(contractMessage('ord-o2'));
    sys.sequence.regress(2);
    // The redelivery draws 1 for its claim (wasted: the record exists), then 2 (taken), then 3.
    expect((await run()).kind).toBe('succeeded');
    const today = {
      institution: sys.remitDeps.config.institution,
      businessDate: (await record(sys, message))!.businessDate!,
    };
    expect(sys.sequence.peek(today)).toBe(3);
    const ids = transfers(sys).map((t) => `${t.businessDate}/${t.bankTranId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(moved(sys, message)).toBe(1);
  });

  it('a new-date resend that finds no free number gives up with a retryable CONFLICT before calling', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 20), remit: { maxDraws: 2 } });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    sys.clock.set(kst(0, 40, 29));
    for (const id of ['ord-o1', 'ord-o2', 'ord-o3']) await run(contractMessage(id));
    sys.sequence.regress(3);
    await expect(run()).rejects.toMatchObject({ code: 'CONFLICT', retryable: true });
    expect(transfers(sys).filter((t) => t.remittanceId === message.remittanceId)).toHaveLength(1);
  });
});

/** The store as the use case sees it, recording every claim and checkpoint input. */
function recording(store: IdempotencyStore) {
  const claims: ClaimInput[] = [];
  const checkpoints: CheckpointInput[] = [];
  const port: IdempotencyStore = {
    claim: (input) => {
      claims.push(input);
      return store.claim(input);
    },
    checkpoint: (input) => {
      checkpoints.push(input);
      return store.checkpoint(input);
    },
    complete: (input) => store.complete(input),
    cancel: (input) => store.cancel(input),
    markReversed: (input) => store.markReversed(input),
    get: (input) => store.get(input),
    listOpen: (input) => store.listOpen(input),
  };
  return { port, claims, checkpoints };
}

/** The memory counter presented as another generator (e.g. the DynamoDB block counter). */
function presentedAs(
  sequence: SequenceGenerator,
  guarantee: SequenceGuarantee | undefined,
): SequenceGenerator {
  return { guarantee, next: (input) => sequence.next(input) } as SequenceGenerator;
}

describe('remit: the bank id is reserved iff the sequence may repeat', () => {
  it('a unique sequence: the claim reserves nothing, and the happy path is still two writes', async () => {
    const { sys, message, run } = setup();
    const store = recording(sys.store);
    const deps = { ...sys.remitDeps, store: store.port, sequence: presentedAs(sys.sequence, 'unique') };
    expect((await run(message, deps)).kind).toBe('succeeded');
    expect(store.claims.map((c) => c.reserveBankTranId)).toEqual([false]);
    const record = (await sys.store.get({ remittanceId: message.remittanceId }))!;
    expect(sys.store.reservationOwner(record.businessDate!, record.bankTranId!)).toBeUndefined();
    expect(sys.store.writesOf(message.remittanceId).map((w) => w.op)).toEqual(['claim', 'complete']);
    // A reversal finds it all the same (the store's index, not a reservation).
    const r = await sys.store.markReversed({
      bankTranId: record.bankTranId!,
      businessDate: record.businessDate!,
      now: sys.clock.now(),
      reason: 'account closed',
    });
    expect(r.kind).toBe('reversed');
  });

  it('a unique sequence: a new-date resend writes its new id ahead without a reservation', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 20) });
    const store = recording(sys.store);
    const deps = { ...sys.remitDeps, store: store.port, sequence: presentedAs(sys.sequence, 'unique') };
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    expect((await run(message, deps)).kind).toBe('unknown');
    sys.clock.set(kst(0, 40, 29));
    expect((await run(message, deps)).kind).toBe('succeeded');
    const withId = store.checkpoints.filter((c) => c.bankTranId !== undefined);
    expect(withId).toHaveLength(1);
    expect(withId[0]!.reserveBankTranId).toBe(false);
    const after = (await sys.store.get({ remittanceId: message.remittanceId }))!;
    expect(sys.store.reservationOwner(after.businessDate!, after.bankTranId!)).toBeUndefined();
    expect(transfers(sys).at(-1)).toMatchObject({ bankTranId: after.bankTranId });
    expect(moved(sys, message)).toBe(1);
  });

  it('a may_repeat sequence: claims and new-id checkpoints reserve, and a regression never sends a duplicate id', async () => {
    const { sys, run } = setup({ startMs: kst(23, 20) });
    const store = recording(sys.store);
    const deps = { ...sys.remitDeps, store: store.port };
    expect(sys.sequence.guarantee).toBe('may_repeat');
    const messages = Array.from({ length: 6 }, (_, i) => contractMessage(`ord-r${i}`));
    for (const m of messages.slice(0, 3)) expect((await run(m, deps)).kind).toBe('succeeded');
    sys.sequence.failover();
    for (const m of messages.slice(3)) expect((await run(m, deps)).kind).toBe('succeeded');
    expect(store.claims.every((c) => c.reserveBankTranId)).toBe(true);
    expect(store.claims.length).toBeGreaterThan(6); // the regressed numbers were refused and redrawn
    const ids = transfers(sys).map((t) => `${t.businessDate}/${t.bankTranId}`);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    // A new-date resend reserves its new id too.
    const late = contractMessage('ord-late');
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    expect((await run(late, deps)).kind).toBe('unknown');
    sys.clock.set(kst(0, 40, 29));
    expect((await run(late, deps)).kind).toBe('succeeded');
    const withId = store.checkpoints.filter((c) => c.bankTranId !== undefined);
    expect(withId.map((c) => c.reserveBankTranId)).toEqual([true]);
  });

  it('a generator that does not say (a wrapper dropped the property) is treated as may_repeat', async () => {
    const { sys, message, run } = setup();
    const store = recording(sys.store);
    const deps = { ...sys.remitDeps, store: store.port, sequence: presentedAs(sys.sequence, undefined) };
    expect((await run(message, deps)).kind).toBe('succeeded');
    expect(store.claims.map((c) => c.reserveBankTranId)).toEqual([true]);
  });
});

describe('remit: maintenance windows', () => {
  it('a payout at 23:45 KST is deferred: no claim, no number, no call; retry when the window ends', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 45) });
    expect(await run()).toEqual({ kind: 'deferred', retryAfterMs: 45 * 60_000 });
    expect(sys.store.writes).toHaveLength(0);
    expect(sys.gateway.calls).toHaveLength(0);
    expect(await record(sys, message)).toBeUndefined();
    sys.clock.set(kst(0, 30, 29));
    expect((await run()).kind).toBe('succeeded');
  });

  it('a bank answering "maintenance" defers with the same id, which is reused later without an inquiry', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'maintenance' });
    expect(await run()).toEqual({ kind: 'deferred', retryAfterMs: sys.remitDeps.config.retryAfterMs });
    expect((await record(sys, message))?.status).toBe('deferred');
    expect(sys.events.ofType('payout_deferred')).toHaveLength(1);
    expect((await run()).kind).toBe('succeeded');
    const calls = transfers(sys);
    expect(calls.map((c) => c.bankTranId)).toEqual([calls[0]!.bankTranId, calls[0]!.bankTranId]);
    expect(sys.gateway.inquiryCalls()).toHaveLength(0);
  });

  it('a bank whose own window started before ours defers until our window ends', async () => {
    const { sys, run } = setup({
      startMs: kst(23, 10),
      gateway: { maintenance: { startMinuteKst: 23 * 60, endMinuteKst: 30 } },
    });
    const r = await run();
    expect(r).toEqual({ kind: 'deferred', retryAfterMs: sys.remitDeps.config.retryAfterMs });
  });

  it('an unknown payout found not_found inside the window is deferred, not resent', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 0) });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    // reconcile-like resume inside the window: claim it directly through remit at 23:29:59
    sys.clock.set(kst(23, 29));
    sys.gateway.scriptInquiry({ kind: 'not_found' });
    // Make the resume happen at 23:31 by moving the clock between claim and inquiry.
    const gate: TransferGateway = {
      transfer: (i) => sys.gateway.transfer(i),
      inquire: async (i) => {
        sys.clock.set(kst(23, 31));
        return sys.gateway.inquire(i);
      },
      listReversals: (i) => sys.gateway.listReversals(i),
    };
    const r = await run(message, { ...sys.remitDeps, gateway: gate });
    expect(r).toEqual({ kind: 'deferred', retryAfterMs: 59 * 60_000 });
    expect((await record(sys, message))?.status).toBe('deferred');
    expect(transfers(sys)).toHaveLength(1);
  });
});

describe('remit: lease takeover', () => {
  /** A gateway whose next transfer call waits at the door until released. */
  function gated(sys: MemorySystem) {
    let open: () => void = () => {};
    const door = new Promise<void>((resolve) => {
      open = resolve;
    });
    let first = true;
    const gateway: TransferGateway = {
      async transfer(input: TransferRequest): Promise<TransferResult> {
        if (first) {
          first = false;
          await door;
        }
        return sys.gateway.transfer(input);
      },
      inquire: (i) => sys.gateway.inquire(i),
      listReversals: (i) => sys.gateway.listReversals(i),
    };
    return { gateway, open };
  }

  it('a takeover fences the old worker: it cannot complete, and money moves once', async () => {
    const { sys, message, run } = setup();
    const { gateway, open } = gated(sys);
    const slow = run(message, { ...sys.remitDeps, gateway }); // worker A: claimed, its call hangs
    await new Promise((r) => setTimeout(r, 0));
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect((await run()).kind).toBe('succeeded'); // worker B: resumed, inquiry not_found, resent
    open();
    expect(await slow).toEqual({ kind: 'fenced' });
    expect(moved(sys, message)).toBe(1);
    expect((await record(sys, message))?.status).toBe('succeeded');
  });

  it('an old worker whose call timed out cannot checkpoint unknown over the new holder', async () => {
    const { sys, message, run } = setup();
    const { gateway, open } = gated(sys);
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false }); // what A's call meets, later
    const slow = run(message, { ...sys.remitDeps, gateway });
    await new Promise((r) => setTimeout(r, 0));
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    // B takes over; its inquiry cannot answer, so B leaves the payout unknown (fence 2).
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect((await run()).kind).toBe('unknown');
    open();
    expect(await slow).toEqual({ kind: 'fenced' });
    expect(await record(sys, message)).toMatchObject({ status: 'unknown', fence: 2 });
    expect(sys.events.ofType('payout_unknown')).toHaveLength(1);
  });
});

describe('remit: a newer worker takes over while the old one waits on the bank', () => {
  /** Wraps the bank so the next call of `op` waits at a door until released. */
  function slowNext(sys: MemorySystem, op: 'transfer' | 'inquire') {
    let open: () => void = () => {};
    const door = new Promise<void>((resolve) => {
      open = resolve;
    });
    let armed = true;
    const wait = async () => {
      if (armed) {
        armed = false;
        await door;
      }
    };
    const gateway: TransferGateway = {
      transfer: async (i) => {
        if (op === 'transfer') await wait();
        return sys.gateway.transfer(i);
      },
      inquire: async (i) => {
        if (op === 'inquire') await wait();
        return sys.gateway.inquire(i);
      },
      listReversals: (i) => sys.gateway.listReversals(i),
    };
    return { deps: { ...sys.remitDeps, gateway }, open };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('the old worker cannot checkpoint a resend (same business date)', async () => {
    const { sys, message, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    const a = slowNext(sys, 'inquire');
    const slow = run(message, a.deps); // resumed (fence 2), inquiry hangs
    await tick();
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect((await run()).kind).toBe('succeeded'); // B (fence 3): not_found, resent, paid
    // A's inquiry comes back "not found" (a lagging bank): A would resend, but its checkpoint is fenced.
    sys.gateway.scriptInquiry({ kind: 'not_found' });
    a.open();
    expect(await slow).toEqual({ kind: 'fenced' });
    expect(transfers(sys)).toHaveLength(2);
    expect(moved(sys, message)).toBe(1);
  });

  it('the old worker cannot checkpoint a resend it would make under a new id', async () => {
    const { sys, message, run } = setup({ startMs: kst(23, 20) });
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    sys.clock.set(kst(0, 40, 29));
    const a = slowNext(sys, 'inquire');
    const slow = run(message, a.deps);
    await tick();
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    expect((await run()).kind).toBe('succeeded'); // B: not_found for yesterday's id, a new id, paid
    sys.gateway.scriptInquiry({ kind: 'not_found' }); // what A's inquiry meets when it returns
    a.open();
    expect(await slow).toEqual({ kind: 'fenced' });
    expect(transfers(sys)).toHaveLength(2);
    expect(moved(sys, message)).toBe(1);
  });

  it('the old worker cannot defer over the new holder', async () => {
    const { sys, message, run } = setup();
    const a = slowNext(sys, 'transfer');
    sys.gateway.scriptTransfer({ kind: 'maintenance' }); // what A's call meets
    const slow = run(message, a.deps);
    await tick();
    sys.clock.advance(sys.remitDeps.config.leaseMs + 1);
    sys.gateway.scriptInquiry({ kind: 'unknown', reason: 'timeout' });
    expect((await run()).kind).toBe('unknown');
    a.open();
    expect(await slow).toEqual({ kind: 'fenced' });
    expect((await record(sys, message))?.status).toBe('unknown');
  });
});

describe('remit: a store that breaks its contract', () => {
  it('an impossible tran_id_taken on a checkpoint that reserves nothing is an internal error, not a payout', async () => {
    for (const script of [
      { kind: 'timeout', executed: false } as const, // markUnknown
      { kind: 'maintenance' } as const, // defer
    ]) {
      const { sys, run } = setup();
      const store = {
        ...sys.store,
        claim: sys.store.claim.bind(sys.store),
        checkpoint: async () => ({ kind: 'tran_id_taken' as const }),
      };
      sys.gateway.scriptTransfer(script);
      await expect(run(undefined, { ...sys.remitDeps, store: store as never })).rejects.toMatchObject({
        code: 'INTERNAL',
      });
    }
    const { sys, run } = setup();
    sys.gateway.scriptTransfer({ kind: 'timeout', executed: false });
    await run();
    const store = {
      claim: sys.store.claim.bind(sys.store),
      checkpoint: async () => ({ kind: 'tran_id_taken' as const }),
    };
    await expect(run(undefined, { ...sys.remitDeps, store: store as never })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });
});

describe('remit: configuration', () => {
  it('refuses a configuration without bounds', async () => {
    const { sys, run } = setup();
    await expect(
      run(undefined, { ...sys.remitDeps, config: { ...sys.remitDeps.config, leaseMs: 0 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    await expect(
      run(undefined, { ...sys.remitDeps, config: { ...sys.remitDeps.config, maxDraws: 1_000 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });
});
