import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type BusinessDate,
  isRemitError,
  openBankingFormat,
  parseBusinessDate,
  payloadHashOf,
} from '@remit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyTable } from '../schema.js';
import { dynamoFixture } from '../test-support/env.js';
import { claimInput, INSTITUTION, message } from '../test-support/fixtures.js';
import type { DocumentClient } from './document-client.js';
import { DynamoDbIdempotencyStore } from './idempotency-store.js';

const DATE: BusinessDate = parseBusinessDate('20261128');
const T0 = Date.UTC(2026, 10, 28, 1, 0);
const RETAIN = 7 * 86_400_000;
const fx = dynamoFixture();
let tableName: string;
let clockNow = T0;
const clock = { now: () => clockNow };
let store: DynamoDbIdempotencyStore;
let seq = 0;
const next = () => (seq += 1);

beforeAll(async () => {
  tableName = await fx.table(idempotencyTable, 'idem');
  store = new DynamoDbIdempotencyStore({ client: fx.doc, tableName, clock });
});
afterAll(() => fx.destroy());

describe('DynamoDbIdempotencyStore (targeted)', () => {
  it('acquires, reports busy while leased, then finished after complete', async () => {
    const c = await store.claim(claimInput('o-1', next(), T0, DATE));
    expect(c.kind).toBe('acquired');
    if (c.kind !== 'acquired') return;
    expect(c.record.fence).toBe(1);
    expect(await store.claim(claimInput('o-1', next(), T0 + 1, DATE))).toEqual({
      kind: 'busy',
      leaseUntil: T0 + 30_000,
    });
    const done = await store.complete({
      remittanceId: c.record.remittanceId,
      fence: 1,
      now: T0 + 2,
      status: 'succeeded',
      retainMs: RETAIN,
    });
    expect(done.kind).toBe('ok');
    const again = await store.claim(claimInput('o-1', next(), T0 + 3, DATE));
    expect(again.kind).toBe('finished');
    if (again.kind === 'finished') expect(again.record.bankTranId).toBe(c.record.bankTranId);
  });

  it('payload mismatch is reported, never executed', async () => {
    await store.claim(claimInput('o-2', next(), T0, DATE));
    const other = message('o-2', { feeKrw: 400 as never, payoutKrw: 14_600 as never });
    const c = await store.claim({
      ...claimInput('o-2', next(), T0 + 1, DATE),
      payload: other,
      payloadHash: payloadHashOf(other),
    });
    expect(c.kind).toBe('payload_mismatch');
  });

  it('takes over an expired lease with a bumped fence; the old fence is refused', async () => {
    const first = await store.claim(claimInput('o-3', next(), T0, DATE, 1_000));
    expect(first.kind).toBe('acquired');
    const second = await store.claim(claimInput('o-3', next(), T0 + 5_000, DATE));
    expect(second.kind).toBe('resumed');
    if (second.kind !== 'resumed' || first.kind !== 'acquired') return;
    expect(second.record.fence).toBe(2);
    expect(second.record.bankTranId).toBe(first.record.bankTranId);
    const stale = await store.complete({
      remittanceId: first.record.remittanceId,
      fence: 1,
      now: T0 + 6_000,
      status: 'succeeded',
      retainMs: RETAIN,
    });
    expect(stale).toEqual({ kind: 'fenced' });
    const cp = await store.checkpoint({
      remittanceId: first.record.remittanceId,
      fence: 1,
      now: T0 + 6_000,
      status: 'unknown',
      reserveBankTranId: false,
    });
    expect(cp).toEqual({ kind: 'fenced' });
  });

  it('a bank id reserved by another remittance is tran_id_taken', async () => {
    const s = next();
    expect((await store.claim(claimInput('o-4', s, T0, DATE))).kind).toBe('acquired');
    expect(await store.claim(claimInput('o-5', s, T0, DATE))).toEqual({ kind: 'tran_id_taken' });
    expect(await store.get({ remittanceId: claimInput('o-5', s, T0, DATE).remittanceId })).toBeUndefined();
  });

  it('checkpoint reserves a new bank id atomically and counts attempts', async () => {
    const taken = next();
    await store.claim(claimInput('o-6', taken, T0, DATE));
    const c = await store.claim(claimInput('o-7', next(), T0, DATE));
    if (c.kind !== 'acquired') throw new Error(c.kind);
    const id = c.record.remittanceId;
    const tid = openBankingFormat.format({ institution: INSTITUTION, sequence: taken });
    expect(
      await store.checkpoint({
        remittanceId: id,
        fence: 1,
        now: T0 + 1,
        status: 'sending',
        bankTranId: tid,
        businessDate: DATE,
        reserveBankTranId: true,
      }),
    ).toEqual({ kind: 'tran_id_taken' });
    const fresh = openBankingFormat.format({ institution: INSTITUTION, sequence: next() });
    const ok = await store.checkpoint({
      remittanceId: id,
      fence: 1,
      now: T0 + 2,
      status: 'sending',
      bankTranId: fresh,
      businessDate: DATE,
      addAttempt: true,
      reserveBankTranId: true,
    });
    expect(ok.kind).toBe('ok');
    if (ok.kind === 'ok') {
      expect(ok.record.bankTranId).toBe(fresh);
      expect(ok.record.attempts).toBe(c.record.attempts + 1);
    }
    const u = await store.checkpoint({
      remittanceId: id,
      fence: 1,
      now: T0 + 3,
      status: 'unknown',
      reason: 'timeout',
      reserveBankTranId: false,
    });
    const u2 = await store.checkpoint({
      remittanceId: id,
      fence: 1,
      now: T0 + 4,
      status: 'unknown',
      reserveBankTranId: false,
    });
    if (u.kind !== 'ok' || u2.kind !== 'ok') throw new Error('checkpoint');
    expect(u2.record.unknownSince).toBe(T0 + 3);
  });

  it('marks a succeeded payout reversed by (date, bank id), idempotently', async () => {
    const c = await store.claim(claimInput('o-8', next(), T0, DATE));
    if (c.kind !== 'acquired') throw new Error(c.kind);
    const key = {
      bankTranId: c.record.bankTranId!,
      businessDate: DATE,
      now: T0 + 10,
      reason: 'account closed',
    };
    expect((await store.markReversed(key)).kind).toBe('not_found'); // not succeeded yet
    await store.complete({
      remittanceId: c.record.remittanceId,
      fence: 1,
      now: T0 + 5,
      status: 'succeeded',
      retainMs: RETAIN,
    });
    expect((await store.markReversed(key)).kind).toBe('reversed');
    expect((await store.markReversed(key)).kind).toBe('already_reversed');
  });

  it('cancel blocks a later claim; an existing record reports exists', async () => {
    const m = message('o-9');
    const r = await store.cancel({
      remittanceId: m.remittanceId,
      payloadHash: payloadHashOf(m),
      payload: m,
      now: T0,
      reason: 'deposit cancelled',
      retainMs: RETAIN,
    });
    expect(r.kind).toBe('cancelled');
    expect((await store.claim(claimInput('o-9', next(), T0 + 1, DATE))).kind).toBe('finished');
    const r2 = await store.cancel({
      remittanceId: m.remittanceId,
      payloadHash: payloadHashOf(m),
      payload: m,
      now: T0,
      reason: 'x',
      retainMs: RETAIN,
    });
    expect(r2.kind).toBe('exists');
  });

  it('TTL-expired records read as absent and can be claimed again', async () => {
    const c = await store.claim(claimInput('o-10', next(), T0, DATE));
    if (c.kind !== 'acquired') throw new Error(c.kind);
    await store.complete({
      remittanceId: c.record.remittanceId,
      fence: 1,
      now: T0,
      status: 'rejected',
      retainMs: 1_000,
    });
    clockNow = T0 + 5_000;
    expect(await store.get({ remittanceId: c.record.remittanceId })).toBeUndefined();
    clockNow = T0;
    expect((await store.claim(claimInput('o-10', next(), T0 + 5_000, DATE))).kind).toBe('acquired');
  });

  it('lists open records by status index, paginated', async () => {
    const base = T0 + 100_000;
    for (let i = 0; i < 5; i += 1) await store.claim(claimInput(`lo-${i}`, next(), base + i, DATE));
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listOpen({
        updatedBefore: base + 1_000,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      for (const r of page.records) seen.add(r.remittanceId);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 50);
    for (let i = 0; i < 5; i += 1) expect(seen.has(`rm:lo-${i}`)).toBe(true);
  });

  it('N parallel claims: exactly one acquires', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, () => store.claim(claimInput('o-par', next(), T0, DATE))),
    );
    expect(results.filter((r) => r.kind === 'acquired')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'busy')).toHaveLength(15);
  });

  it('without a reservation, a claim is one PutItem and a duplicate delivery one more round trip', async () => {
    const sent: string[] = [];
    const client: DocumentClient = {
      send: ((command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return fx.doc.send(command as never);
      }) as DocumentClient['send'],
    };
    const s = new DynamoDbIdempotencyStore({ client, tableName, clock });
    const c = await s.claim(claimInput('o-put', next(), T0, DATE, 30_000, false));
    expect(c.kind).toBe('acquired');
    expect(sent).toEqual(['PutCommand']);
    expect(await s.claim(claimInput('o-put', next(), T0 + 1, DATE, 30_000, false))).toEqual({
      kind: 'busy',
      leaseUntil: T0 + 30_000,
    });
    expect(sent).toEqual(['PutCommand', 'PutCommand']);
    if (c.kind !== 'acquired') return;
    const done = await s.complete({
      remittanceId: c.record.remittanceId,
      fence: 1,
      now: T0 + 2,
      status: 'succeeded',
      retainMs: RETAIN,
    });
    expect(done.kind).toBe('ok');
    expect(sent).toEqual(['PutCommand', 'PutCommand', 'UpdateCommand']);
    // No reservation item was written: the reversal finds the record through the index.
    const tran = `tran#${DATE}#${c.record.bankTranId}`;
    expect(
      (await fx.doc.send(new GetCommand({ TableName: tableName, Key: { pk: tran } }))).Item,
    ).toBeUndefined();
    const r = await s.markReversed({
      bankTranId: c.record.bankTranId!,
      businessDate: DATE,
      now: T0 + 10,
      reason: 'account closed',
    });
    expect(r.kind).toBe('reversed');
  });

  it('with a reservation, the claim is one transaction of the record and the reservation', async () => {
    const sent: string[] = [];
    const client: DocumentClient = {
      send: ((command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return fx.doc.send(command as never);
      }) as DocumentClient['send'],
    };
    const s = new DynamoDbIdempotencyStore({ client, tableName, clock });
    const c = await s.claim(claimInput('o-tx', next(), T0, DATE));
    expect(c.kind).toBe('acquired');
    expect(sent).toEqual(['TransactWriteCommand']);
    if (c.kind !== 'acquired') return;
    const tran = `tran#${DATE}#${c.record.bankTranId}`;
    const item = (await fx.doc.send(new GetCommand({ TableName: tableName, Key: { pk: tran } }))).Item;
    expect(item?.remittanceId).toBe(c.record.remittanceId);
  });

  it('a new bank id without a reservation is one UpdateItem that moves the index key', async () => {
    const c = await store.claim(claimInput('o-cp', next(), T0, DATE, 30_000, false));
    if (c.kind !== 'acquired') throw new Error(c.kind);
    const fresh = openBankingFormat.format({ institution: INSTITUTION, sequence: next() });
    const tomorrow = parseBusinessDate('20261129');
    const cp = await store.checkpoint({
      remittanceId: c.record.remittanceId,
      fence: 1,
      now: T0 + 1,
      status: 'sending',
      bankTranId: fresh,
      businessDate: tomorrow,
      addAttempt: true,
      reserveBankTranId: false,
    });
    expect(cp.kind).toBe('ok');
    const raw = (
      await fx.doc.send(new GetCommand({ TableName: tableName, Key: { pk: c.record.remittanceId } }))
    ).Item;
    expect(raw?.tranKey).toBe(`${tomorrow}#${fresh}`);
    await expect(
      store.checkpoint({
        remittanceId: c.record.remittanceId,
        fence: 1,
        now: T0 + 2,
        status: 'sending',
        bankTranId: fresh,
        reserveBankTranId: false,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a transaction conflict is a retryable CONFLICT', async () => {
    const conflicting: DocumentClient = {
      send: (async () => {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
        });
      }) as DocumentClient['send'],
    };
    const s = new DynamoDbIdempotencyStore({ client: conflicting, tableName });
    const err = await s.claim(claimInput('o-c', next(), T0, DATE)).catch((e: unknown) => e);
    expect(isRemitError(err) && err.code === 'CONFLICT' && err.retryable).toBe(true);
  });

  it('a missing table is a non-retryable INTERNAL error', async () => {
    const s = new DynamoDbIdempotencyStore({ client: fx.doc, tableName: 'no-such-table-xyz' });
    const err = await s.get({ remittanceId: 'rm:x' as never }).catch((e: unknown) => e);
    expect(isRemitError(err) && err.code === 'INTERNAL' && !err.retryable).toBe(true);
  });
});
