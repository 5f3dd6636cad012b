// Targeted behaviour of DynamoDbOrderMatcher on DynamoDB Local, beyond the port contract.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_MATCH_POLICY,
  type Deposit,
  isRemitError,
  type PendingOrder,
  parseAccountId,
  parseDepositId,
  parseKrw,
  parseOrderId,
  parseSellerId,
} from '@remit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersTable } from '../schema.js';
import { dynamoFixture } from '../test-support/env.js';
import type { DocumentClient } from './document-client.js';
import { DynamoDbOrderMatcher } from './order-matcher.js';

const T0 = Date.UTC(2026, 10, 28, 1, 0);
const fx = dynamoFixture();
let tableName: string;
let matcher: DynamoDbOrderMatcher;
let n = 0;
const tag = () => {
  n += 1;
  return n;
};

beforeAll(async () => {
  tableName = await fx.table(ordersTable, 'orders');
  matcher = new DynamoDbOrderMatcher({ client: fx.doc, tableName });
});
afterAll(() => fx.destroy());

const account = () => parseAccountId(`acct-om-${tag()}`);
const order = (accountId: ReturnType<typeof parseAccountId>, name = '김테스트'): PendingOrder => ({
  orderId: parseOrderId(`ord-om-${tag()}`),
  sellerId: parseSellerId('seller-01'),
  accountId,
  amountKrw: parseKrw(15_000),
  depositorName: name,
  payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: '김판매' },
  createdAt: T0,
  expiresAt: T0 + 3_600_000,
  status: 'pending',
});
const deposit = (accountId: ReturnType<typeof parseAccountId>, name = '김테스트'): Deposit => ({
  accountId,
  depositId: parseDepositId(`dep-om-${tag()}`),
  depositorName: name,
  amountKrw: parseKrw(15_000),
  occurredAt: T0 + 60_000,
  kind: 'deposit',
});

async function pendingIndex(accountId: string): Promise<unknown[]> {
  const out = await fx.doc.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'pending-by-name',
      KeyConditionExpression: 'matchAccount = :a',
      ExpressionAttributeValues: { ':a': accountId },
    }),
  );
  return out.Items ?? [];
}

describe('DynamoDbOrderMatcher (targeted)', () => {
  it('a paid order leaves the pending partition of the index (a deposit reads only live candidates)', async () => {
    const a = account();
    await matcher.openOrder({ order: order(a), policy: DEFAULT_MATCH_POLICY });
    expect(await pendingIndex(a)).toHaveLength(1);
    const r = await matcher.matchDeposit({
      deposit: deposit(a),
      policy: DEFAULT_MATCH_POLICY,
      now: T0 + 120_000,
    });
    expect(r.outcome.kind).toBe('matched');
    expect(await pendingIndex(a)).toHaveLength(0);
    expect(await pendingIndex(`closed#${a}`)).toHaveLength(1);
  });

  it("a long name's cut-key aliases follow the order: pending partition while open, closed once paid", async () => {
    const a = account();
    // Prints "미래상사 주" (key 미래상사주): not a prefix of the order's matchName 미래상사.
    const o = order(a, '미래상사 주식회사');
    await matcher.openOrder({ order: o, policy: DEFAULT_MATCH_POLICY });
    const open = (await pendingIndex(`cut#${a}`)) as { matchName: string; orderId: string }[];
    expect(open.map((i) => i.matchName).sort()).toEqual(['미래상사주', '미래상사주식']);
    expect(open.every((i) => i.orderId === o.orderId)).toBe(true);
    const r = await matcher.matchDeposit({
      deposit: deposit(a, '미래상사 주'),
      policy: DEFAULT_MATCH_POLICY,
      now: T0 + 120_000,
    });
    expect(r.outcome.kind).toBe('matched');
    expect(await pendingIndex(`cut#${a}`)).toHaveLength(0);
    expect(await pendingIndex(`closed-cut#${a}`)).toHaveLength(2);
    // A name within the budget has no cut keys and writes no alias.
    await matcher.openOrder({ order: order(a), policy: DEFAULT_MATCH_POLICY });
    expect(await pendingIndex(`cut#${a}`)).toHaveLength(0);
  });

  it('a name lock left behind by a closed order (a crash before unlocking) is taken over', async () => {
    const a = account();
    const first = order(a);
    await matcher.openOrder({ order: first, policy: DEFAULT_MATCH_POLICY });
    await matcher.cancelOrder({ orderId: first.orderId, now: T0 + 1 });
    // Put the lock back as if the unlock had never happened.
    await fx.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: `name#${a}#15000#김테스트`, orderId: first.orderId, expiresAt: first.expiresAt },
      }),
    );
    const second = await matcher.openOrder({ order: order(a), policy: DEFAULT_MATCH_POLICY });
    expect(second.kind).toBe('opened');
    const third = await matcher.openOrder({ order: order(a), policy: DEFAULT_MATCH_POLICY });
    expect(third.kind).toBe('name_taken');
  });

  it('an expired pending order does not hold its name', async () => {
    const a = account();
    const old = { ...order(a), createdAt: T0 - 7_200_000, expiresAt: T0 - 3_600_000 };
    await matcher.openOrder({ order: old, policy: DEFAULT_MATCH_POLICY });
    expect((await matcher.openOrder({ order: order(a), policy: DEFAULT_MATCH_POLICY })).kind).toBe('opened');
  });

  it('a transaction conflict is a retryable CONFLICT, nothing recorded', async () => {
    const a = account();
    await matcher.openOrder({ order: order(a), policy: DEFAULT_MATCH_POLICY });
    const conflicting: DocumentClient = {
      send: (async (command: unknown) => {
        if (command instanceof TransactWriteCommand) {
          throw new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
          });
        }
        return fx.doc.send(command as never);
      }) as DocumentClient['send'],
    };
    const m = new DynamoDbOrderMatcher({ client: conflicting, tableName });
    const d = deposit(a);
    const err = await m
      .matchDeposit({ deposit: d, policy: DEFAULT_MATCH_POLICY, now: T0 })
      .catch((e: unknown) => e);
    expect(isRemitError(err) && err.code === 'CONFLICT' && err.retryable).toBe(true);
    expect(await matcher.getMatch({ accountId: a, depositId: d.depositId })).toBeUndefined();
    expect(
      (await matcher.matchDeposit({ deposit: d, policy: DEFAULT_MATCH_POLICY, now: T0 })).outcome.kind,
    ).toBe('matched');
  });
});
