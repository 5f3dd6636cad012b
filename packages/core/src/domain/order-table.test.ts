import { describe, expect, it } from 'vitest';
import { parseAccountId, parseOrderId, parseSellerId } from '../ids.js';
import { parseKrw } from '../money.js';
import type { PendingOrder } from '../types.js';
import { OrderTable } from './order-table.js';

const A = parseAccountId('acct-a');
const B = parseAccountId('acct-b');

function order(id: number, accountId = A, amount = 1_000): PendingOrder {
  return {
    orderId: parseOrderId(`ord-${id}`),
    sellerId: parseSellerId('seller-1'),
    accountId,
    amountKrw: parseKrw(amount),
    depositorName: 'x',
    payee: { bankCode: '004', accountNumber: '110-000-000099', holderName: '판매자' },
    createdAt: 0,
    expiresAt: 1,
    status: 'pending',
  };
}

function add(t: OrderTable, o: PendingOrder, keys: readonly string[]): void {
  const position = t.add(o);
  for (const key of keys) t.index(position, key);
}

const byName = (t: OrderTable, account: string, key: string) => {
  const out: number[] = [];
  t.byName(account, key, out);
  return out.sort((a, b) => a - b);
};
const byAmount = (t: OrderTable, account: string, key: string, amount: number) => {
  const out: number[] = [];
  t.byAmount(account, key, amount, out);
  return out.sort((a, b) => a - b);
};

describe('OrderTable', () => {
  it('finds orders by (account, key) and (account, key, amount), and nothing else', () => {
    const t = new OrderTable(4);
    add(t, order(0), ['김테스트']);
    add(t, order(1, A, 2_000), ['김테스트', '\u0000김테']);
    add(t, order(2, B), ['김테스트']);
    add(t, order(3), ['이테스트']);
    expect(byName(t, A, '김테스트')).toEqual([0, 1]);
    expect(byName(t, A, '\u0000김테')).toEqual([1]);
    expect(byName(t, B, '김테스트')).toEqual([2]);
    expect(byName(t, A, '박테스트')).toEqual([]);
    expect(byName(t, 'acct-c', '김테스트')).toEqual([]);
    expect(byAmount(t, A, '김테스트', 1_000)).toEqual([0]);
    expect(byAmount(t, A, '김테스트', 2_000)).toEqual([1]);
    expect(byAmount(t, A, '김테스트', 3_000)).toEqual([]);
    expect(byAmount(t, B, '김테스트', 1_000)).toEqual([2]);
  });

  it('hashes amounts above 2^32 on both halves', () => {
    const t = new OrderTable(2);
    add(t, order(0, A, 4_294_967_296 + 5), ['k']);
    add(t, order(1, A, 5), ['k']);
    expect(byAmount(t, A, 'k', 4_294_967_296 + 5)).toEqual([0]);
    expect(byAmount(t, A, 'k', 5)).toEqual([1]);
  });

  it('grows past an underestimated size and still finds everything', () => {
    const t = new OrderTable(0);
    for (let i = 0; i < 1_000; i++) add(t, order(i, i % 2 === 0 ? A : B, 1_000 + (i % 7)), [`k${i % 10}`]);
    expect(t.size).toBe(1_000);
    const expected = Array.from({ length: 1_000 }, (_, i) => i).filter((i) => i % 10 === 3 && i % 2 === 1);
    expect(byName(t, B, 'k3')).toEqual(expected);
    expect(byAmount(t, B, 'k3', 1_000 + 3)).toEqual(expected.filter((i) => i % 7 === 3));
  });

  it('tells apart accounts whose hashes collide (the hash only picks the chain)', () => {
    // Found by a birthday search: these two account ids have the same 32-bit account hash.
    const t = new OrderTable(2);
    add(t, order(0, parseAccountId('acct-528056')), ['k']);
    add(t, order(1, parseAccountId('acct-1010190'), 2_000), ['k']);
    expect(byName(t, 'acct-528056', 'k')).toEqual([0]);
    expect(byName(t, 'acct-1010190', 'k')).toEqual([1]);
    expect(byAmount(t, 'acct-1010190', 'k', 1_000)).toEqual([]);
  });

  it('keeps account ids that concatenate alike apart', () => {
    const t = new OrderTable(2);
    add(t, order(0, parseAccountId('acct-ab')), ['c']);
    add(t, order(1, parseAccountId('acct-a')), ['bc']);
    expect(byName(t, 'acct-ab', 'c')).toEqual([0]);
    expect(byName(t, 'acct-a', 'bc')).toEqual([1]);
    expect(byName(t, 'acct-a', 'c')).toEqual([]);
  });
});
