import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isRemitError, parseBusinessDate, SequenceGuarantee } from '@remit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequencesTable } from '../schema.js';
import { dynamoFixture } from '../test-support/env.js';
import { INSTITUTION } from '../test-support/fixtures.js';
import type { DocumentClient } from './document-client.js';
import { DynamoDbSequenceGenerator } from './sequence-generator.js';

const DATE = parseBusinessDate('20261128');
const KEY = { institution: INSTITUTION, businessDate: DATE };
const fx = dynamoFixture();
let tableName: string;

beforeAll(async () => {
  tableName = await fx.table(sequencesTable, 'seq-blocks');
});
afterAll(() => fx.destroy());

/** The real client, counting the writes that reach DynamoDB. */
function counting(): { client: DocumentClient; writes: () => number } {
  let writes = 0;
  const client: DocumentClient = {
    send: ((command: unknown) => {
      writes += 1;
      return fx.doc.send(command as never);
    }) as DocumentClient['send'],
  };
  return { client, writes: () => writes };
}

/** A table of its own per test: counters are per (institution, date). */
async function generator(options: { maxSequence?: number; blockSize?: number } = {}) {
  const table = await fx.table(sequencesTable, 'seq-blocks');
  const c = counting();
  const g = new DynamoDbSequenceGenerator({
    client: c.client,
    tableName: table,
    maxSequence: options.maxSequence ?? 999_999_999,
    ...(options.blockSize === undefined ? {} : { blockSize: options.blockSize }),
  });
  return { g, table, writes: c.writes };
}

const counterValue = async (table: string) =>
  (await fx.doc.send(new GetCommand({ TableName: table, Key: { pk: `seq#${INSTITUTION}#${DATE}` } }))).Item
    ?.value;

describe('DynamoDbSequenceGenerator (blocks)', () => {
  it('is unique: numbers come from conditional writes only', () => {
    const g = new DynamoDbSequenceGenerator({ client: fx.doc, tableName, maxSequence: 9 });
    expect(g.guarantee).toBe(SequenceGuarantee.Unique);
  });

  it('one write reserves a block: 130 draws of blocks of 64 cost 3 writes', async () => {
    const { g, table, writes } = await generator({ blockSize: 64 });
    const values: number[] = [];
    for (let i = 0; i < 130; i += 1) values.push((await g.next(KEY)).value);
    expect(values).toEqual(Array.from({ length: 130 }, (_, i) => i + 1));
    expect(writes()).toBe(3);
    expect(await counterValue(table)).toBe(192); // 131..192 are this process's until it ends
  });

  it('concurrent draws in one process share the fetch in flight', async () => {
    const { g, writes } = await generator({ blockSize: 64 });
    const values = await Promise.all(Array.from({ length: 100 }, () => g.next(KEY)));
    expect(new Set(values.map((v) => v.value)).size).toBe(100);
    expect(writes()).toBe(2);
  });

  it('the last block is partial and never passes the maximum; then exhausted without more writes', async () => {
    const { g, table, writes } = await generator({ blockSize: 64, maxSequence: 100 });
    const values: number[] = [];
    for (let i = 0; i < 100; i += 1) values.push((await g.next(KEY)).value);
    expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await counterValue(table)).toBe(100);
    const before = writes();
    for (let i = 0; i < 3; i += 1) {
      const err = await g.next(KEY).catch((e: unknown) => e);
      expect(isRemitError(err) && err.code === 'SEQUENCE_EXHAUSTED' && !err.retryable).toBe(true);
    }
    expect(writes()).toBe(before + 1); // one look at the counter, then it is known exhausted
  });

  it('a peer that holds the rest of the day leaves this process exhausted, not wrapped', async () => {
    const { g, table } = await generator({ blockSize: 10, maxSequence: 25 });
    const peer = new DynamoDbSequenceGenerator({
      client: fx.doc,
      tableName: table,
      maxSequence: 25,
      blockSize: 10,
    });
    expect((await g.next(KEY)).value).toBe(1); // g holds 1..10
    expect((await peer.next(KEY)).value).toBe(11); // peer holds 11..20
    expect((await peer.next(KEY)).value).toBe(12);
    const drawn = [];
    for (let i = 0; i < 9; i += 1) drawn.push((await g.next(KEY)).value);
    expect(drawn).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await g.next(KEY)).value).toBe(21); // the partial last block 21..25
    for (let i = 0; i < 4; i += 1) await g.next(KEY);
    await expect(g.next(KEY)).rejects.toMatchObject({ code: 'SEQUENCE_EXHAUSTED' });
    expect((await peer.next(KEY)).value).toBe(13); // the peer still serves its own block
  });

  it('a failed fetch fails every waiter with a retryable error, and the next draw fetches again', async () => {
    const table = await fx.table(sequencesTable, 'seq-blocks');
    let fail = true;
    const client: DocumentClient = {
      send: (async (command: unknown) => {
        if (fail) {
          throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        }
        return fx.doc.send(command as never);
      }) as DocumentClient['send'],
    };
    const g = new DynamoDbSequenceGenerator({ client, tableName: table, maxSequence: 999 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => g.next(KEY)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    }
    fail = false;
    expect((await g.next(KEY)).value).toBe(1);
  });

  it('refuses a block size outside 1..1,000', () => {
    for (const blockSize of [0, 1_001, 1.5]) {
      expect(
        () => new DynamoDbSequenceGenerator({ client: fx.doc, tableName, maxSequence: 9, blockSize }),
      ).toThrow(/blockSize/);
    }
  });
});
