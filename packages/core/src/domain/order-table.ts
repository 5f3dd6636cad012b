/**
 * The storage behind the bulk matcher: orders by position, and two hash multimaps over them,
 * (account, name key) and (account, name key, amount), chained through typed arrays.
 *
 * Why not `Map`: 1M string-keyed `Map` entries cost about 400 ns each to insert on this class of
 * machine (hashing, table growth, one heap object per rehash) and ~60 MB, most of the bulk
 * matcher's 1 s budget. Here an entry is a key reference and a few int32s (~30 bytes), the
 * tables are sized once from the order count, and claiming an order rewrites one array slot.
 *
 *   headsByName[h(account, key)]           -> entry e -> next -> ... -1
 *   headsByAmount[h(account, key, amount)] -> entry e -> next -> ... -1
 *   entry e = keys[e] + slots[4e .. 4e+3] = (hash, position, next by name, next by amount)
 *   orders[position] -> the order (its account and amount are compared from there)
 */
import type { PendingOrder } from '../types.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const EMPTY = -1;
const TWO_POW_32 = 4_294_967_296;

function hashText(seed: number, text: string): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

function hashAmount(seed: number, amount: number): number {
  const low = Math.imul(seed ^ (amount >>> 0), FNV_PRIME);
  return Math.imul(low ^ Math.floor(amount / TWO_POW_32), FNV_PRIME);
}

/** murmur3's finaliser: FNV's low bits, which pick the bucket, are weak on their own. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Entries per order to reserve: about one order in ten has a cut key or two. */
const ENTRIES_PER_ORDER = 1.15;
const STRIDE = 4;
const HASH = 0;
const POSITION = 1;
const NEXT_BY_NAME = 2;
const NEXT_BY_AMOUNT = 3;

function capacityFor(entries: number): number {
  let capacity = 16;
  while (capacity < entries) capacity *= 2;
  return capacity;
}

/**
 * Orders by position with (account, key) and (account, key, amount) lookups. Keys are opaque
 * strings (the matcher passes name keys and prefixed cut keys); an order may have several.
 *
 * @example
 * ```ts
 * const table = new OrderTable(orders.length);
 * for (const o of orders) table.index(table.add(o), nameKey(o.depositorName, 12));
 * const out: number[] = [];
 * table.byName(accountId, key, out); // positions in table.orders
 * ```
 */
export class OrderTable {
  /**
   * Current version of each order by position (a claim replaces it in place). Sized up front, so
   * positions at or past {@link OrderTable.size} are holes.
   */
  readonly orders: PendingOrder[];
  private count = 0;
  private entries = 0;
  /** Sized up front too: growing a 1M-element array by copying is garbage the matcher does not need. */
  private keys: string[];
  /**
   * Per entry, side by side so one cache line serves a chain step: the full 32-bit hash of
   * (account, key) (chain neighbours are skipped without touching their strings), the order's
   * position, and the next entry of each chain.
   */
  private slots: Int32Array;
  private slotCapacity: number;
  private headsByName = new Int32Array(0);
  private headsByAmount = new Int32Array(0);
  private mask = 0;
  /** Account ids repeat for every order: hash each once (a handful of receiving accounts). */
  private readonly accountHashes = new Map<string, number>();

  /** `expectedOrders`: how many orders will be added (a guess is fine; too low costs regrowth). */
  constructor(expectedOrders: number) {
    const orders = Math.max(0, Math.floor(expectedOrders));
    // One entry per order, plus cut keys for the few long affixed names.
    this.slotCapacity = Math.max(16, Math.ceil(orders * ENTRIES_PER_ORDER));
    this.orders = new Array<PendingOrder>(orders);
    this.keys = new Array<string>(this.slotCapacity);
    this.slots = new Int32Array(this.slotCapacity * STRIDE);
    this.rehash(capacityFor(this.slotCapacity));
  }

  /** Append an order (not yet findable: {@link OrderTable.index} it under its keys); returns its position. */
  add(order: PendingOrder): number {
    const position = this.count++;
    this.orders[position] = order;
    return position;
  }

  /** Orders added. */
  get size(): number {
    return this.count;
  }

  /** Make the order at `position` findable under `key` (once per key). */
  index(position: number, key: string): void {
    if (this.entries === this.slotCapacity) this.growSlots();
    const e = this.entries++;
    this.keys[e] = key;
    this.slots[e * STRIDE + POSITION] = position;
    this.link(e);
    // Chains stay short while entries <= 2 x buckets.
    if (this.entries > 2 * this.headsByName.length) this.rehash(this.headsByName.length * 2);
  }

  /** Positions of the orders of `accountId` under `key`, appended to `out` (newest first). */
  byName(accountId: string, key: string, out: number[]): void {
    const h = hashText(this.accountHash(accountId), key);
    const slots = this.slots;
    for (let e = this.headsByName[mix(h) & this.mask] as number; e !== EMPTY; ) {
      const at = e * STRIDE;
      if (slots[at + HASH] === h && this.keys[e] === key) {
        const position = slots[at + POSITION] as number;
        if ((this.orders[position] as PendingOrder).accountId === accountId) out.push(position);
      }
      e = slots[at + NEXT_BY_NAME] as number;
    }
  }

  /** Positions of the orders of `accountId` under `key` with this amount, appended to `out`. */
  byAmount(accountId: string, key: string, amountKrw: number, out: number[]): void {
    const h = hashText(this.accountHash(accountId), key);
    const slots = this.slots;
    for (let e = this.headsByAmount[mix(hashAmount(h, amountKrw)) & this.mask] as number; e !== EMPTY; ) {
      const at = e * STRIDE;
      if (slots[at + HASH] === h && this.keys[e] === key) {
        const position = slots[at + POSITION] as number;
        const order = this.orders[position] as PendingOrder;
        if (order.amountKrw === amountKrw && order.accountId === accountId) out.push(position);
      }
      e = slots[at + NEXT_BY_AMOUNT] as number;
    }
  }

  private accountHash(accountId: string): number {
    let h = this.accountHashes.get(accountId);
    if (h === undefined) {
      // A separator so that ("ab", "c") and ("a", "bc") hash apart.
      h = Math.imul(hashText(FNV_OFFSET, accountId) ^ 0x0a, FNV_PRIME);
      this.accountHashes.set(accountId, h);
    }
    return h;
  }

  private link(e: number): void {
    const at = e * STRIDE;
    const order = this.orders[this.slots[at + POSITION] as number] as PendingOrder;
    const h = hashText(this.accountHash(order.accountId), this.keys[e] as string);
    this.slots[at + HASH] = h;
    const byName = mix(h) & this.mask;
    this.slots[at + NEXT_BY_NAME] = this.headsByName[byName] as number;
    this.headsByName[byName] = e;
    const byAmount = mix(hashAmount(h, order.amountKrw)) & this.mask;
    this.slots[at + NEXT_BY_AMOUNT] = this.headsByAmount[byAmount] as number;
    this.headsByAmount[byAmount] = e;
  }

  /** More room for entries: only when the order count was underestimated. */
  private growSlots(): void {
    this.slotCapacity *= 2;
    const slots = new Int32Array(this.slotCapacity * STRIDE);
    slots.set(this.slots);
    this.slots = slots;
  }

  /** New bucket arrays of `buckets` (a power of 2), every entry re-linked. */
  private rehash(buckets: number): void {
    this.headsByName = new Int32Array(buckets).fill(EMPTY);
    this.headsByAmount = new Int32Array(buckets).fill(EMPTY);
    this.mask = buckets - 1;
    for (let e = 0; e < this.entries; e++) this.link(e);
  }
}
