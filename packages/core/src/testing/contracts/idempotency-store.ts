/**
 * The contract every `IdempotencyStore` adapter passes: memory in the unit tier, DynamoDB Local in
 * the integration tier. Nothing here assumes memory: every instant is passed in (`now`), and the
 * only reads that depend on time (TTL) use the factory's clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BankTranId, parseDepositId } from '../../ids.js';
import { payloadHashOf } from '../../messages.js';
import type { ClaimInput, ClaimResult, IdempotencyStore } from '../../ports/idempotency-store.js';
import { type BusinessDate, businessDateOf } from '../../time.js';
import type { RemittanceMessage, RemittanceRecord } from '../../types.js';
import {
  type ContractClock,
  contractBankTranId,
  contractMessage,
  retryingRetryable,
  uniqueTag,
} from './fixtures.js';

/** What the factory returns: a fresh, isolated store and the clock its TTL reads use. */
export interface IdempotencyStoreSubject {
  readonly store: IdempotencyStore;
  readonly clock: ContractClock;
}

export interface IdempotencyStoreContractOptions {
  /** Shown in the suite title, e.g. 'MemoryIdempotencyStore'. */
  readonly name: string;
  /** Called before every test; must return an isolated instance (fresh table, prefix, or object). */
  readonly create: () => Promise<IdempotencyStoreSubject>;
  /** Called after every test with what `create` returned. */
  readonly destroy?: (subject: IdempotencyStoreSubject) => Promise<void>;
}

const LEASE_MS = 30_000;

const RETAIN_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Registers the IdempotencyStore contract with vitest.
 *
 * @example
 * ```ts
 * describeIdempotencyStoreContract({
 *   name: 'MemoryIdempotencyStore',
 *   create: async () => { const clock = new SimulatedClock(); return { store: new MemoryIdempotencyStore({ clock }), clock }; },
 * });
 * ```
 */
export function describeIdempotencyStoreContract(options: IdempotencyStoreContractOptions): void {
  describe(`IdempotencyStore contract: ${options.name}`, () => {
    let subject: IdempotencyStoreSubject;
    let store: IdempotencyStore;
    let t0: number;
    let date: BusinessDate;
    let seq: number;
    /** A bank id not used yet in this test. */
    const freshId = (): BankTranId => {
      seq += 1;
      return contractBankTranId(seq);
    };

    beforeEach(async () => {
      subject = await options.create();
      store = subject.store;
      t0 = subject.clock.now();
      date = businessDateOf(t0);
      seq = 0;
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    const claimOf = (
      message: RemittanceMessage,
      now: number,
      overrides: Partial<ClaimInput> = {},
    ): ClaimInput => ({
      remittanceId: message.remittanceId,
      payloadHash: payloadHashOf(message),
      payload: message,
      now,
      leaseMs: LEASE_MS,
      bankTranId: freshId(),
      businessDate: date,
      reserveBankTranId: true,
      ...overrides,
    });
    const acquire = async (message: RemittanceMessage, now = t0): Promise<RemittanceRecord> => {
      const c = await store.claim(claimOf(message, now));
      expect(c.kind).toBe('acquired');
      return (c as Extract<ClaimResult, { kind: 'acquired' }>).record;
    };
    const newMessage = (): RemittanceMessage => contractMessage(`ord-${uniqueTag()}`);

    it('a first claim acquires: sending, the bank id written ahead, one attempt, a lease', async () => {
      const m = newMessage();
      const input = claimOf(m, t0);
      const c = await store.claim(input);
      expect(c.kind).toBe('acquired');
      if (c.kind !== 'acquired') return;
      expect(c.record).toMatchObject({
        remittanceId: m.remittanceId,
        payloadHash: payloadHashOf(m),
        status: 'sending',
        bankTranId: input.bankTranId,
        businessDate: date,
        attempts: 1,
        leaseUntil: t0 + LEASE_MS,
        createdAt: t0,
        updatedAt: t0,
      });
      expect(c.record.fence).toBeGreaterThanOrEqual(1);
      expect(c.record.payload).toEqual(m);
      expect(await store.get({ remittanceId: m.remittanceId })).toEqual(c.record);
    });

    it('get of an unknown key is undefined', async () => {
      expect(await store.get({ remittanceId: newMessage().remittanceId })).toBeUndefined();
    });

    it('a claim during a live lease is busy and changes nothing', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const c = await store.claim(claimOf(m, t0 + LEASE_MS - 1));
      expect(c).toEqual({ kind: 'busy', leaseUntil: t0 + LEASE_MS });
      expect(await store.get({ remittanceId: m.remittanceId })).toEqual(first);
    });

    it('a claim after the lease ends resumes with a newer fence and keeps the written-ahead bank id', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const c = await store.claim(claimOf(m, t0 + LEASE_MS + 1));
      expect(c.kind).toBe('resumed');
      if (c.kind !== 'resumed') return;
      expect(c.record.fence).toBeGreaterThan(first.fence);
      expect(c.record.bankTranId).toBe(first.bankTranId);
      expect(c.record.businessDate).toBe(first.businessDate);
      expect(c.record.status).toBe('sending');
      expect(c.record.leaseUntil).toBe(t0 + LEASE_MS + 1 + LEASE_MS);
      expect(c.record.attempts).toBe(first.attempts);
    });

    it('a stale fence can neither checkpoint nor complete after a takeover', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const taken = await store.claim(claimOf(m, t0 + LEASE_MS + 1));
      expect(taken.kind).toBe('resumed');
      const now = t0 + LEASE_MS + 2;
      expect(
        await store.checkpoint({
          remittanceId: m.remittanceId,
          fence: first.fence,
          now,
          status: 'unknown',
          reserveBankTranId: false,
        }),
      ).toEqual({ kind: 'fenced' });
      expect(
        await store.complete({
          remittanceId: m.remittanceId,
          fence: first.fence,
          now,
          status: 'succeeded',
          retainMs: RETAIN_MS,
        }),
      ).toEqual({ kind: 'fenced' });
      const current = await store.get({ remittanceId: m.remittanceId });
      expect(current?.status).toBe('sending');
      if (taken.kind !== 'resumed') return;
      const done = await store.complete({
        remittanceId: m.remittanceId,
        fence: taken.record.fence,
        now,
        status: 'succeeded',
        retainMs: RETAIN_MS,
      });
      expect(done.kind).toBe('ok');
    });

    it('checkpoint and complete of a missing record are fenced', async () => {
      const m = newMessage();
      expect(
        await store.checkpoint({
          remittanceId: m.remittanceId,
          fence: 1,
          now: t0,
          status: 'unknown',
          reserveBankTranId: false,
        }),
      ).toEqual({ kind: 'fenced' });
      expect(
        await store.complete({
          remittanceId: m.remittanceId,
          fence: 1,
          now: t0,
          status: 'succeeded',
          retainMs: RETAIN_MS,
        }),
      ).toEqual({ kind: 'fenced' });
    });

    it('the same key with another payload is payload_mismatch and is never executed', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const tampered: RemittanceMessage = {
        ...m,
        payee: { ...m.payee, accountNumber: '110-000-000999' },
      };
      const c = await store.claim({
        ...claimOf(tampered, t0 + LEASE_MS + 1),
        remittanceId: m.remittanceId,
      });
      expect(c.kind).toBe('payload_mismatch');
      expect(await store.get({ remittanceId: m.remittanceId })).toEqual(first);
    });

    it('another payload is payload_mismatch even once the record is terminal (a tombstone never pays another deposit)', async () => {
      const m = newMessage();
      await store.cancel({
        remittanceId: m.remittanceId,
        payloadHash: payloadHashOf(m),
        payload: m,
        now: t0,
        reason: 'deposit cancelled',
        retainMs: RETAIN_MS,
      });
      const repaid: RemittanceMessage = { ...m, depositId: parseDepositId(`dep-${uniqueTag()}`) };
      const c = await store.claim(claimOf(repaid, t0 + 1));
      expect(c.kind).toBe('payload_mismatch');
      if (c.kind === 'payload_mismatch') expect(c.record.status).toBe('cancelled');
    });

    it('complete makes the record terminal: later claims are finished and carry the outcome', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const done = await store.complete({
        remittanceId: m.remittanceId,
        fence: first.fence,
        now: t0 + 5,
        status: 'rejected',
        reason: 'name_mismatch',
        providerCode: 'A0000/815',
        retainMs: RETAIN_MS,
      });
      expect(done.kind).toBe('ok');
      if (done.kind !== 'ok') return;
      expect(done.record).toMatchObject({
        status: 'rejected',
        reason: 'name_mismatch',
        providerCode: 'A0000/815',
      });
      const again = await store.claim(claimOf(m, t0 + LEASE_MS * 10));
      expect(again.kind).toBe('finished');
      if (again.kind === 'finished') {
        expect(again.record.status).toBe('rejected');
        expect(again.record.bankTranId).toBe(first.bankTranId);
      }
      // A terminal record is never re-opened by a checkpoint, even with its fence.
      expect(
        await store.checkpoint({
          remittanceId: m.remittanceId,
          fence: first.fence,
          now: t0 + 6,
          status: 'sending',
          reserveBankTranId: false,
        }),
      ).toEqual({ kind: 'fenced' });
    });

    it('a completed record past its retention reads as absent (TTL)', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const done = await store.complete({
        remittanceId: m.remittanceId,
        fence: first.fence,
        now: t0,
        status: 'succeeded',
        retainMs: 1_000,
      });
      expect(done.kind).toBe('ok');
      expect(await store.get({ remittanceId: m.remittanceId })).toBeDefined();
      await subject.clock.advance(3_000);
      expect(await store.get({ remittanceId: m.remittanceId })).toBeUndefined();
    });

    it('a checkpoint to unknown with releaseLease lets the next claim resume at once', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const cp = await store.checkpoint({
        remittanceId: m.remittanceId,
        fence: first.fence,
        now: t0 + 10,
        status: 'unknown',
        releaseLease: true,
        reason: 'timeout',
        reserveBankTranId: false,
      });
      expect(cp.kind).toBe('ok');
      if (cp.kind !== 'ok') return;
      expect(cp.record).toMatchObject({
        status: 'unknown',
        unknownSince: t0 + 10,
        reason: 'timeout',
        updatedAt: t0 + 10,
      });
      expect(cp.record.leaseUntil).toBeLessThanOrEqual(t0 + 10);
      const c = await store.claim(claimOf(m, t0 + 11));
      expect(c.kind).toBe('resumed');
      if (c.kind === 'resumed') expect(c.record.status).toBe('unknown');
    });

    it('unknownSince is kept from the first unknown across later checkpoints', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const base = { remittanceId: m.remittanceId, fence: first.fence } as const;
      await store.checkpoint({ ...base, now: t0 + 1, status: 'unknown', reserveBankTranId: false });
      await store.checkpoint({
        ...base,
        now: t0 + 2,
        status: 'sending',
        addAttempt: true,
        reserveBankTranId: false,
      });
      const again = await store.checkpoint({
        ...base,
        now: t0 + 3,
        status: 'unknown',
        reserveBankTranId: false,
      });
      expect(again.kind).toBe('ok');
      if (again.kind === 'ok') {
        expect(again.record.unknownSince).toBe(t0 + 1);
        expect(again.record.attempts).toBe(first.attempts + 1);
      }
    });

    it('a checkpoint extends the lease with leaseMs and keeps it otherwise', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const kept = await store.checkpoint({
        remittanceId: m.remittanceId,
        fence: first.fence,
        now: t0 + 5,
        status: 'sending',
        reserveBankTranId: false,
      });
      expect(kept.kind === 'ok' && kept.record.leaseUntil).toBe(t0 + LEASE_MS);
      const extended = await store.checkpoint({
        remittanceId: m.remittanceId,
        fence: first.fence,
        now: t0 + 7,
        status: 'sending',
        leaseMs: LEASE_MS,
        reserveBankTranId: false,
      });
      expect(extended.kind === 'ok' && extended.record.leaseUntil).toBe(t0 + 7 + LEASE_MS);
      expect((await store.claim(claimOf(m, t0 + LEASE_MS + 1))).kind).toBe('busy');
    });

    it('with reserveBankTranId, (businessDate, bankTranId) is reserved: another remittance claiming it gets tran_id_taken', async () => {
      const a = newMessage();
      const b = newMessage();
      const id = freshId();
      expect((await store.claim(claimOf(a, t0, { bankTranId: id }))).kind).toBe('acquired');
      expect(await store.claim(claimOf(b, t0, { bankTranId: id }))).toEqual({ kind: 'tran_id_taken' });
      expect(await store.get({ remittanceId: b.remittanceId })).toBeUndefined();
      // The same number on another business date is another bank id.
      const tomorrow = businessDateOf(t0 + 24 * 60 * 60 * 1000);
      expect((await store.claim(claimOf(b, t0, { bankTranId: id, businessDate: tomorrow }))).kind).toBe(
        'acquired',
      );
    });

    it('a checkpoint writing a new bank id reserves it, and refuses one reserved by another remittance', async () => {
      const a = newMessage();
      const b = newMessage();
      const aRecord = await acquire(a);
      const bRecord = await acquire(b);
      const taken = await store.checkpoint({
        remittanceId: b.remittanceId,
        fence: bRecord.fence,
        now: t0 + 1,
        status: 'sending',
        bankTranId: aRecord.bankTranId!,
        businessDate: date,
        addAttempt: true,
        reserveBankTranId: true,
      });
      expect(taken).toEqual({ kind: 'tran_id_taken' });
      expect(await store.get({ remittanceId: b.remittanceId })).toEqual(bRecord);
      const tomorrow = businessDateOf(t0 + 24 * 60 * 60 * 1000);
      const fresh = freshId();
      const ok = await store.checkpoint({
        remittanceId: b.remittanceId,
        fence: bRecord.fence,
        now: t0 + 2,
        status: 'sending',
        bankTranId: fresh,
        businessDate: tomorrow,
        addAttempt: true,
        reserveBankTranId: true,
      });
      expect(ok.kind).toBe('ok');
      if (ok.kind === 'ok')
        expect(ok.record).toMatchObject({ bankTranId: fresh, businessDate: tomorrow, attempts: 2 });
      const c = newMessage();
      expect(await store.claim(claimOf(c, t0, { bankTranId: fresh, businessDate: tomorrow }))).toEqual({
        kind: 'tran_id_taken',
      });
    });

    it('without reserveBankTranId the claim reserves and checks nothing: never tran_id_taken (the sequence is unique)', async () => {
      const id = freshId();
      const [a, b, c, d] = [newMessage(), newMessage(), newMessage(), newMessage()];
      const first = await store.claim(claimOf(a, t0, { bankTranId: id, reserveBankTranId: false }));
      expect(first.kind).toBe('acquired');
      if (first.kind === 'acquired')
        expect(first.record).toMatchObject({ bankTranId: id, businessDate: date });
      // A second holder of the number would mean the generator broke `unique`; the store does not look.
      expect((await store.claim(claimOf(b, t0, { bankTranId: id, reserveBankTranId: false }))).kind).toBe(
        'acquired',
      );
      // Nothing was reserved: a reserving claim finds the id free, and from then on it is taken.
      expect((await store.claim(claimOf(c, t0, { bankTranId: id }))).kind).toBe('acquired');
      expect(await store.claim(claimOf(d, t0, { bankTranId: id }))).toEqual({ kind: 'tran_id_taken' });
    });

    it('a claim without reservation behaves as one with it for an existing record', async () => {
      const m = newMessage();
      const first = await store.claim(claimOf(m, t0, { reserveBankTranId: false }));
      expect(first.kind).toBe('acquired');
      if (first.kind !== 'acquired') return;
      expect(await store.claim(claimOf(m, t0 + 1, { reserveBankTranId: false }))).toEqual({
        kind: 'busy',
        leaseUntil: t0 + LEASE_MS,
      });
      const resumed = await store.claim(claimOf(m, t0 + LEASE_MS + 1, { reserveBankTranId: false }));
      expect(resumed.kind).toBe('resumed');
      if (resumed.kind !== 'resumed') return;
      expect(resumed.record.bankTranId).toBe(first.record.bankTranId);
      expect(resumed.record.fence).toBeGreaterThan(first.record.fence);
      const tampered: RemittanceMessage = { ...m, payee: { ...m.payee, accountNumber: '110-000-000999' } };
      const mismatch = await store.claim({
        ...claimOf(tampered, t0 + LEASE_MS + 2, { reserveBankTranId: false }),
        remittanceId: m.remittanceId,
      });
      expect(mismatch.kind).toBe('payload_mismatch');
    });

    it('a checkpoint writing a new bank id without reserveBankTranId writes it ahead and reserves nothing', async () => {
      const a = newMessage();
      const aRecord = await store.claim(claimOf(a, t0, { reserveBankTranId: false }));
      if (aRecord.kind !== 'acquired') throw new Error(aRecord.kind);
      const tomorrow = businessDateOf(t0 + 24 * 60 * 60 * 1000);
      const fresh = freshId();
      const ok = await store.checkpoint({
        remittanceId: a.remittanceId,
        fence: aRecord.record.fence,
        now: t0 + 1,
        status: 'sending',
        bankTranId: fresh,
        businessDate: tomorrow,
        addAttempt: true,
        reserveBankTranId: false,
      });
      expect(ok.kind).toBe('ok');
      if (ok.kind === 'ok')
        expect(ok.record).toMatchObject({ bankTranId: fresh, businessDate: tomorrow, attempts: 2 });
      expect(await store.get({ remittanceId: a.remittanceId })).toMatchObject({
        bankTranId: fresh,
        businessDate: tomorrow,
      });
      const b = newMessage();
      expect((await store.claim(claimOf(b, t0, { bankTranId: fresh, businessDate: tomorrow }))).kind).toBe(
        'acquired',
      );
    });

    it('cancel writes a terminal tombstone that blocks every later claim; a second cancel says exists', async () => {
      const m = newMessage();
      const cancelled = await store.cancel({
        remittanceId: m.remittanceId,
        payloadHash: payloadHashOf(m),
        payload: m,
        now: t0,
        reason: 'deposit cancelled',
        retainMs: RETAIN_MS,
      });
      expect(cancelled.kind).toBe('cancelled');
      if (cancelled.kind === 'cancelled') expect(cancelled.record.status).toBe('cancelled');
      const c = await store.claim(claimOf(m, t0 + 1));
      expect(c.kind).toBe('finished');
      if (c.kind === 'finished') expect(c.record.status).toBe('cancelled');
      const again = await store.cancel({
        remittanceId: m.remittanceId,
        payloadHash: payloadHashOf(m),
        payload: m,
        now: t0 + 2,
        reason: 'again',
        retainMs: RETAIN_MS,
      });
      expect(again.kind).toBe('exists');
    });

    it('cancel of a claimed payout says exists and changes nothing', async () => {
      const m = newMessage();
      const first = await acquire(m);
      const r = await store.cancel({
        remittanceId: m.remittanceId,
        payloadHash: payloadHashOf(m),
        payload: m,
        now: t0 + 1,
        reason: 'deposit cancelled',
        retainMs: RETAIN_MS,
      });
      expect(r.kind).toBe('exists');
      if (r.kind === 'exists') expect(r.record.status).toBe('sending');
      expect(await store.get({ remittanceId: m.remittanceId })).toEqual(first);
    });

    it.each([
      { reserveBankTranId: true, mode: 'reserved' },
      { reserveBankTranId: false, mode: 'not reserved' },
    ])(
      'markReversed finds a succeeded payout by (date, bank id), once ($mode)',
      async ({ reserveBankTranId }) => {
        const m = newMessage();
        const c = await store.claim(claimOf(m, t0, { reserveBankTranId }));
        if (c.kind !== 'acquired') throw new Error(c.kind);
        const first = c.record;
        const key = {
          bankTranId: first.bankTranId!,
          businessDate: date,
          now: t0 + 10,
          reason: 'account closed',
        };
        expect((await store.markReversed(key)).kind).toBe('not_found');
        await store.complete({
          remittanceId: m.remittanceId,
          fence: first.fence,
          now: t0 + 5,
          status: 'succeeded',
          retainMs: RETAIN_MS,
        });
        const r = await store.markReversed(key);
        expect(r.kind).toBe('reversed');
        if (r.kind === 'reversed')
          expect(r.record).toMatchObject({ status: 'reversed', remittanceId: m.remittanceId });
        expect((await store.markReversed(key)).kind).toBe('already_reversed');
        expect((await store.markReversed({ ...key, bankTranId: freshId() })).kind).toBe('not_found');
        expect((await store.claim(claimOf(m, t0 + LEASE_MS * 10))).kind).toBe('finished');
      },
    );

    it.each([
      { reserveBankTranId: true, mode: 'reserved' },
      { reserveBankTranId: false, mode: 'not reserved' },
    ])(
      'markReversed follows a resend to its new (date, bank id); the old one no longer names the payout ($mode)',
      async ({ reserveBankTranId }) => {
        const m = newMessage();
        const c = await store.claim(claimOf(m, t0, { reserveBankTranId }));
        if (c.kind !== 'acquired') throw new Error(c.kind);
        const tomorrow = businessDateOf(t0 + 24 * 60 * 60 * 1000);
        const resent = freshId();
        const cp = await store.checkpoint({
          remittanceId: m.remittanceId,
          fence: c.record.fence,
          now: t0 + 1,
          status: 'sending',
          bankTranId: resent,
          businessDate: tomorrow,
          addAttempt: true,
          reserveBankTranId,
        });
        expect(cp.kind).toBe('ok');
        await store.complete({
          remittanceId: m.remittanceId,
          fence: c.record.fence,
          now: t0 + 2,
          status: 'succeeded',
          retainMs: RETAIN_MS,
        });
        const notice = { now: t0 + 10, reason: 'account closed' };
        expect(
          (await store.markReversed({ ...notice, bankTranId: c.record.bankTranId!, businessDate: date }))
            .kind,
        ).toBe('not_found');
        const r = await store.markReversed({ ...notice, bankTranId: resent, businessDate: tomorrow });
        expect(r.kind).toBe('reversed');
        if (r.kind === 'reversed') expect(r.record.remittanceId).toBe(m.remittanceId);
      },
    );

    it('markReversed looks past a reservation whose owner moved on to the record that carries the id', async () => {
      // Mixed modes (a sequence source switched mid-day): A reserved X then resent under Y; B took X unreserved.
      const [a, b] = [newMessage(), newMessage()];
      const x = freshId();
      const ca = await store.claim(claimOf(a, t0, { bankTranId: x }));
      if (ca.kind !== 'acquired') throw new Error(ca.kind);
      const tomorrow = businessDateOf(t0 + 24 * 60 * 60 * 1000);
      const moved = await store.checkpoint({
        remittanceId: a.remittanceId,
        fence: ca.record.fence,
        now: t0 + 1,
        status: 'sending',
        bankTranId: freshId(),
        businessDate: tomorrow,
        reserveBankTranId: true,
      });
      expect(moved.kind).toBe('ok');
      const cb = await store.claim(claimOf(b, t0 + 2, { bankTranId: x, reserveBankTranId: false }));
      if (cb.kind !== 'acquired') throw new Error(cb.kind);
      await store.complete({
        remittanceId: b.remittanceId,
        fence: cb.record.fence,
        now: t0 + 3,
        status: 'succeeded',
        retainMs: RETAIN_MS,
      });
      const r = await store.markReversed({
        bankTranId: x,
        businessDate: date,
        now: t0 + 10,
        reason: 'closed',
      });
      expect(r.kind).toBe('reversed');
      if (r.kind === 'reversed') expect(r.record.remittanceId).toBe(b.remittanceId);
    });

    it('listOpen pages through open records updated before the cutoff, each exactly once', async () => {
      const open: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        const m = newMessage();
        await acquire(m, t0 + i);
        open.push(m.remittanceId);
      }
      // Terminal and recently updated records are not listed.
      const done = newMessage();
      const doneRecord = await acquire(done, t0);
      await store.complete({
        remittanceId: done.remittanceId,
        fence: doneRecord.fence,
        now: t0 + 1,
        status: 'succeeded',
        retainMs: RETAIN_MS,
      });
      const recent = newMessage();
      await acquire(recent, t0 + 1_000);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages += 1) {
        const page = await store.listOpen({
          updatedBefore: t0 + 500,
          limit: 3,
          ...(cursor === undefined ? {} : { cursor }),
        });
        expect(page.records.length).toBeLessThanOrEqual(3);
        seen.push(...page.records.map((r) => r.remittanceId));
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      expect(cursor).toBeUndefined();
      expect([...seen].sort()).toEqual([...open].sort());
    });

    it('listOpen includes unknown and deferred records', async () => {
      const u = newMessage();
      const d = newMessage();
      const ur = await acquire(u);
      const dr = await acquire(d);
      await store.checkpoint({
        remittanceId: u.remittanceId,
        fence: ur.fence,
        now: t0 + 1,
        status: 'unknown',
        releaseLease: true,
        reserveBankTranId: false,
      });
      await store.checkpoint({
        remittanceId: d.remittanceId,
        fence: dr.fence,
        now: t0 + 1,
        status: 'deferred',
        releaseLease: true,
        reserveBankTranId: false,
      });
      const page = await store.listOpen({ updatedBefore: t0 + 2, limit: 10 });
      expect(page.records.map((r) => [r.remittanceId, r.status]).sort()).toEqual(
        [
          [u.remittanceId, 'unknown'],
          [d.remittanceId, 'deferred'],
        ].sort(),
      );
    });

    it('30 parallel claims of one remittance: exactly one acquires, the rest are busy', async () => {
      const m = newMessage();
      const results = await Promise.all(
        Array.from({ length: 30 }, () => retryingRetryable(() => store.claim(claimOf(m, t0)))),
      );
      expect(results.filter((r) => r.kind === 'acquired')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(29);
    });

    it('30 parallel takeovers of an expired lease: exactly one resumes', async () => {
      const m = newMessage();
      await acquire(m);
      const later = t0 + LEASE_MS + 1;
      const results = await Promise.all(
        Array.from({ length: 30 }, () => retryingRetryable(() => store.claim(claimOf(m, later)))),
      );
      expect(results.filter((r) => r.kind === 'resumed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(29);
    });

    it('20 remittances racing for one bank id: exactly one acquires, the rest get tran_id_taken', async () => {
      const id = freshId();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => {
          const input = claimOf(newMessage(), t0, { bankTranId: id });
          return retryingRetryable(() => store.claim(input));
        }),
      );
      expect(results.filter((r) => r.kind === 'acquired')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'tran_id_taken')).toHaveLength(19);
    });
  });
}
