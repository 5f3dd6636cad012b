/**
 * The matching policy (DESIGN "Matching policy"): which pending order, if any, a deposit pays.
 *
 * One pure decision, {@link evaluateMatch}, over the orders of the deposit's account whose name
 * matches the deposit's (`namesMatch` in `names.ts`: same key, or a cut key for a printed name that
 * fills the bank's budget). The bulk form, {@link buildOrderIndex}, indexes orders by (account, name
 * key, amount) and (account, name key) (`order-table.ts`), and runs the same decision for each
 * deposit in one pass, claiming the orders it matches, so it is O(D + O).
 *
 * The decision, in order (an order is *live* when `status === 'pending'` and the deposit occurred
 * before `expiresAt`; expiry is judged at `deposit.occurredAt`, never at processing time, so a
 * deposit made in time is not punished by a late ingest run):
 *
 *  0. an order already paid by this very deposit       -> `matched` again (idempotent re-evaluation)
 *  1. exactly one live order with the deposit's amount -> `matched`, excess 0
 *  2. two or more live orders with that amount         -> `ambiguous` (no payout)
 *  3. a non-live order with that amount                -> `orphan` (expired | cancelled | already_paid):
 *     the amount says the money was for that order, so it is refunded, never re-routed to another
 *  4. exactly one live order with another amount       -> lower: `underpaid`; higher: `matched` with
 *     the excess owed back (`overpayment: 'match_and_owe'`) or `overpaid` for review (`'review'`)
 *  5. two or more live orders, none with that amount   -> `ambiguous` (which one was meant is a guess)
 *  6. only non-live orders with other amounts          -> `orphan`
 *  7. no order with that name                          -> `unmatched`
 *
 * When several non-live orders qualify for an orphan, the one reported is the most recently created
 * (ties: the smallest order id), which is the one a repeated payment most likely targeted.
 */
import { assert, ErrorCode, invalidInput, RemitError } from '../errors.js';
import type { AccountId, DepositId, OrderId } from '../ids.js';
import { type Krw, subtractKrw, ZERO_KRW } from '../money.js';
import type { Deposit, MatchOutcome, MatchPolicyConfig, OrphanReason, PendingOrder } from '../types.js';
import { eucKrByteLength, expectedNameKeys, fillsBudget, MAX_NAME_BUDGET_BYTES, nameKey } from './names.js';
import { OrderTable } from './order-table.js';

/**
 * Throws `INVALID_CONFIG` unless the policy is usable: a name budget in 1..255 bytes and a known
 * overpayment rule. Called by {@link evaluateMatch} and {@link buildOrderIndex}.
 *
 * @example
 * ```ts
 * checkMatchPolicy({ nameBudgetBytes: 12, overpayment: 'review' }); // ok
 * checkMatchPolicy({ nameBudgetBytes: 0, overpayment: 'review' });  // throws INVALID_CONFIG
 * ```
 */
export function checkMatchPolicy(policy: MatchPolicyConfig): void {
  const budget = policy.nameBudgetBytes;
  if (!Number.isSafeInteger(budget) || budget < 1 || budget > MAX_NAME_BUDGET_BYTES) {
    throw new RemitError(
      ErrorCode.InvalidConfig,
      `nameBudgetBytes must be an integer in 1..${MAX_NAME_BUDGET_BYTES}, got ${budget}`,
    );
  }
  if (policy.overpayment !== 'match_and_owe' && policy.overpayment !== 'review') {
    throw new RemitError(
      ErrorCode.InvalidConfig,
      `overpayment must be 'match_and_owe' or 'review', got ${JSON.stringify(policy.overpayment)}`,
    );
  }
}

function assertDeposit(deposit: Deposit): void {
  if (deposit.kind !== 'deposit') {
    throw invalidInput(
      `only deposits are matched; cancellation ${deposit.depositId} must undo its deposit's match instead`,
    );
  }
}

function orphanReasonOf(order: PendingOrder): OrphanReason {
  if (order.status === 'paid') return 'already_paid';
  if (order.status === 'cancelled') return 'cancelled';
  return 'expired';
}

/** The more plausible orphan target: latest created, then smallest id (independent of input order). */
function laterCreated(a: PendingOrder, b: PendingOrder | undefined): boolean {
  if (b === undefined) return true;
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  return a.orderId < b.orderId;
}

function sortedIds(orders: readonly PendingOrder[]): OrderId[] {
  // Default sort compares UTF-16 code units: a stable, locale-free order for ASCII ids.
  return orders.map((o) => o.orderId).sort();
}

function outcomeForOtherAmount(
  deposit: Deposit,
  order: PendingOrder,
  policy: MatchPolicyConfig,
): MatchOutcome {
  if (deposit.amountKrw < order.amountKrw) {
    return { kind: 'underpaid', order, shortKrw: subtractKrw(order.amountKrw, deposit.amountKrw) };
  }
  const excessKrw = subtractKrw(deposit.amountKrw, order.amountKrw);
  return policy.overpayment === 'match_and_owe'
    ? { kind: 'matched', order, excessKrw }
    : { kind: 'overpaid', order, excessKrw };
}

/**
 * The decision over orders already known to share the deposit's account and name key.
 * Shared by the one-deposit and the bulk forms, so they cannot drift apart.
 */
function decide(deposit: Deposit, orders: readonly PendingOrder[], policy: MatchPolicyConfig): MatchOutcome {
  const at = deposit.occurredAt;
  const amount = deposit.amountKrw;
  const exactLive: PendingOrder[] = [];
  const live: PendingOrder[] = [];
  let deadExact: PendingOrder | undefined;
  let dead: PendingOrder | undefined;
  let paidByThis: PendingOrder | undefined;
  for (const order of orders) {
    if (order.status === 'paid' && order.paidBy === deposit.depositId) {
      // One deposit pays one order; should a store hold two, the answer still must not depend on order.
      if (paidByThis === undefined || order.orderId < paidByThis.orderId) paidByThis = order;
    } else if (order.status === 'pending' && at < order.expiresAt) {
      live.push(order);
      if (order.amountKrw === amount) exactLive.push(order);
    } else if (order.amountKrw === amount) {
      if (laterCreated(order, deadExact)) deadExact = order;
    } else if (laterCreated(order, dead)) {
      dead = order;
    }
  }
  if (paidByThis !== undefined) {
    const excessKrw = amount > paidByThis.amountKrw ? subtractKrw(amount, paidByThis.amountKrw) : ZERO_KRW;
    return { kind: 'matched', order: paidByThis, excessKrw };
  }
  const [onlyExact] = exactLive;
  if (onlyExact !== undefined && exactLive.length === 1)
    return { kind: 'matched', order: onlyExact, excessKrw: ZERO_KRW };
  if (exactLive.length > 1) return { kind: 'ambiguous', candidates: sortedIds(exactLive) };
  if (deadExact !== undefined) return { kind: 'orphan', order: deadExact, reason: orphanReasonOf(deadExact) };
  const [onlyLive] = live;
  if (onlyLive !== undefined && live.length === 1) return outcomeForOtherAmount(deposit, onlyLive, policy);
  if (live.length > 1) return { kind: 'ambiguous', candidates: sortedIds(live) };
  if (dead !== undefined) return { kind: 'orphan', order: dead, reason: orphanReasonOf(dead) };
  return { kind: 'unmatched' };
}

/**
 * Input of {@link evaluateMatch}.
 *
 * @example
 * ```ts
 * const input: EvaluateMatchInput = { deposit, candidates: matcher.candidates(deposit.accountId, deposit.depositorName), policy };
 * ```
 */
export interface EvaluateMatchInput {
  /** `kind` must be `deposit` (a cancellation undoes a match, it never makes one). */
  readonly deposit: Deposit;
  /**
   * The orders of the deposit's account whose name matches the deposit's (`namesMatch`), in any
   * status and with any amount: an adapter's lookup by (account, name key), or
   * {@link BulkMatcher.candidates}. Orders of another account or another name are ignored, so
   * passing a wider set is safe, only slower.
   */
  readonly candidates: readonly PendingOrder[];
  readonly policy: MatchPolicyConfig;
}

/**
 * Decide what one deposit pays, by the rules at the top of this module. Pure: nothing is claimed;
 * the caller moves a `matched` order pending -> paid atomically. Re-evaluating a deposit after its
 * order was marked `paidBy` it returns the same `matched` outcome (idempotent).
 *
 * @example
 * ```ts
 * const outcome = evaluateMatch({ deposit, candidates: ordersWithSameNameKey, policy: DEFAULT_MATCH_POLICY });
 * switch (outcome.kind) {
 *   case 'matched': claimAndPay(outcome.order, outcome.excessKrw); break;
 *   case 'orphan': refund(deposit, outcome.reason); break;
 *   default: review(deposit, outcome);
 * }
 * ```
 */
export function evaluateMatch(input: EvaluateMatchInput): MatchOutcome {
  const { deposit, candidates, policy } = input;
  checkMatchPolicy(policy);
  assertDeposit(deposit);
  const budget = policy.nameBudgetBytes;
  const key = nameKey(deposit.depositorName, budget);
  const filled = fillsBudget(deposit.depositorName, budget);
  const sameName = candidates.filter((o) => {
    if (o.accountId !== deposit.accountId) return false;
    const keys = expectedNameKeys(o.depositorName, budget);
    return keys.key === key || (filled && keys.cutKeys.includes(key));
  });
  return decide(deposit, sameName, policy);
}

// ---------------------------------------------------------------- bulk

/**
 * One deposit's result in {@link BulkMatcher.matchAll}.
 *
 * @example
 * ```ts
 * const { depositId, outcome, replayed } = matcher.match(deposit);
 * if (!replayed && outcome.kind === 'matched') enqueuePayout(depositId, outcome);
 * ```
 */
export interface BulkMatchResult {
  readonly depositId: DepositId;
  readonly outcome: MatchOutcome;
  /** The deposit had been matched by this matcher before: its first outcome, nothing changed. */
  readonly replayed: boolean;
}

/**
 * Pending orders indexed for matching, with the deposits already decided. Built by
 * {@link buildOrderIndex}; used by the in-memory `OrderMatcher` and the bulk benchmark.
 *
 * @example
 * ```ts
 * const matcher = buildOrderIndex(orders, DEFAULT_MATCH_POLICY);
 * for (const { depositId, outcome } of matcher.matchAll(deposits)) record(depositId, outcome);
 * matcher.matchAll(deposits); // every result `replayed: true`, no order claimed twice
 * ```
 */
export interface BulkMatcher {
  readonly policy: MatchPolicyConfig;
  /** Orders held (any status). */
  readonly size: number;
  /** Index one more order (any status). Throws `INVALID_INPUT` if its id is already held. */
  add(order: PendingOrder): void;
  /**
   * Swap in a new version of a held order (cancelled, paid, pending again after an undo). Account,
   * name and amount must be unchanged: they are the index keys. Throws `INVALID_INPUT` otherwise.
   */
  replace(order: PendingOrder): void;
  get(orderId: OrderId): PendingOrder | undefined;
  /** Orders of the account whose name matches `depositorName` as printed (what `evaluateMatch` wants). */
  candidates(accountId: AccountId, depositorName: string): readonly PendingOrder[];
  /** Match one deposit and claim its order on `matched` (pending -> paid by the deposit, at its `occurredAt`). */
  match(deposit: Deposit): BulkMatchResult;
  /** {@link BulkMatcher.match} over every deposit, in order: one order is never paid by two deposits. */
  matchAll(deposits: Iterable<Deposit>): BulkMatchResult[];
  /** The recorded outcome of a deposit this matcher has decided. */
  outcomeOf(accountId: AccountId, depositId: DepositId): MatchOutcome | undefined;
}

/**
 * Cut keys (see `names.ts`) live in the same table as keys, behind this prefix; normalised names
 * never hold a control character, so the two cannot collide.
 */
const CUT_KEY_PREFIX = '\u0000';

class IndexedOrders implements BulkMatcher {
  readonly policy: MatchPolicyConfig;
  private readonly budget: number;
  private readonly table: OrderTable;
  /** orderId -> position; built on first `get`/`add`/`replace` (the bulk path never needs it). */
  private byId: Map<string, number> | undefined;
  /** account -> deposit id -> first outcome (idempotency). */
  private readonly decided = new Map<string, Map<string, MatchOutcome>>();
  /** account -> deposits that paid an order here (deposit ids are unique per account only): rule 0 without a scan. */
  private readonly paidBy = new Map<string, Set<string>>();

  constructor(policy: MatchPolicyConfig, expectedOrders: number) {
    checkMatchPolicy(policy);
    this.policy = policy;
    this.budget = policy.nameBudgetBytes;
    // Sized once from the order count when known (an array); otherwise the table grows.
    this.table = new OrderTable(expectedOrders);
  }

  get size(): number {
    return this.table.size;
  }

  insert(order: PendingOrder): void {
    const position = this.table.add(order);
    const name = order.depositorName;
    const key = nameKey(name, this.budget);
    // Almost every name is its own key or fits the budget, and has no cut key.
    if (key === name || eucKrByteLength(name) <= this.budget) {
      this.table.index(position, key);
    } else {
      const { cutKeys } = expectedNameKeys(name, this.budget);
      this.table.index(position, key);
      for (const cut of cutKeys) this.table.index(position, CUT_KEY_PREFIX + cut);
    }
    if (order.paidBy !== undefined) this.notePaid(order.accountId, order.paidBy, true);
    this.byId?.set(order.orderId, position);
  }

  add(order: PendingOrder): void {
    if (this.ids().has(order.orderId)) throw invalidInput(`order ${order.orderId} is already indexed`);
    this.insert(order);
  }

  replace(order: PendingOrder): void {
    const position = this.ids().get(order.orderId);
    if (position === undefined) throw invalidInput(`order ${order.orderId} is not indexed`);
    const held = this.table.orders[position] as PendingOrder;
    if (
      held.accountId !== order.accountId ||
      held.amountKrw !== order.amountKrw ||
      held.depositorName !== order.depositorName
    ) {
      throw invalidInput(`order ${order.orderId}: account, amount and name cannot change`);
    }
    this.swap(position, order);
  }

  get(orderId: OrderId): PendingOrder | undefined {
    const position = this.ids().get(orderId);
    return position === undefined ? undefined : this.table.orders[position];
  }

  candidates(accountId: AccountId, depositorName: string): readonly PendingOrder[] {
    const positions = this.lookup(accountId, depositorName, undefined);
    // Oldest first, as added.
    return positions.sort((a, b) => a - b).map((p) => this.table.orders[p] as PendingOrder);
  }

  outcomeOf(accountId: AccountId, depositId: DepositId): MatchOutcome | undefined {
    return this.decided.get(accountId)?.get(depositId);
  }

  match(deposit: Deposit): BulkMatchResult {
    assertDeposit(deposit);
    let decided = this.decided.get(deposit.accountId);
    if (decided === undefined) {
      decided = new Map();
      this.decided.set(deposit.accountId, decided);
    }
    const before = decided.get(deposit.depositId);
    if (before !== undefined) return { depositId: deposit.depositId, outcome: before, replayed: true };
    const { outcome, position } = this.decideIndexed(deposit);
    decided.set(deposit.depositId, outcome);
    if (outcome.kind === 'matched' && outcome.order.status === 'pending') {
      this.swap(position, {
        ...outcome.order,
        status: 'paid',
        paidBy: deposit.depositId,
        paidAt: deposit.occurredAt,
      });
    }
    return { depositId: deposit.depositId, outcome, replayed: false };
  }

  matchAll(deposits: Iterable<Deposit>): BulkMatchResult[] {
    const results: BulkMatchResult[] = [];
    for (const deposit of deposits) results.push(this.match(deposit));
    return results;
  }

  /**
   * Positions of the orders whose name matches a printed name (its key, plus its cut key when it
   * fills the budget), restricted to one amount when given. An order is under its key and its
   * distinct cut keys, so the two lookups never return one order twice.
   */
  private lookup(accountId: string, printed: string, amountKrw: number | undefined): number[] {
    const out: number[] = [];
    const key = nameKey(printed, this.budget);
    this.find(accountId, key, amountKrw, out);
    if (fillsBudget(printed, this.budget)) this.find(accountId, CUT_KEY_PREFIX + key, amountKrw, out);
    return out;
  }

  private find(accountId: string, key: string, amountKrw: number | undefined, out: number[]): void {
    if (amountKrw === undefined) this.table.byName(accountId, key, out);
    else this.table.byAmount(accountId, key, amountKrw, out);
  }

  /** The decision and, for a match, the position of the matched order. */
  private decideIndexed(deposit: Deposit): { outcome: MatchOutcome; position: number } {
    const orders = this.table.orders;
    // Rules 1-2 need only the orders with the deposit's amount, unless rule 0 (this deposit
    // already paid one of them) may apply; everything else needs all same-name orders.
    if (this.paidBy.get(deposit.accountId)?.has(deposit.depositId) !== true) {
      const same = this.lookup(deposit.accountId, deposit.depositorName, deposit.amountKrw);
      const exact: number[] = [];
      for (const p of same) {
        const o = orders[p] as PendingOrder;
        if (o.status === 'pending' && deposit.occurredAt < o.expiresAt) exact.push(p);
      }
      const [only] = exact;
      // The common case, rule 1, without building candidate lists (decide would answer the same).
      if (only !== undefined && exact.length === 1) {
        return {
          outcome: { kind: 'matched', order: orders[only] as PendingOrder, excessKrw: ZERO_KRW },
          position: only,
        };
      }
      if (exact.length > 0) return this.decideAmong(deposit, exact);
    }
    return this.decideAmong(deposit, this.lookup(deposit.accountId, deposit.depositorName, undefined));
  }

  private decideAmong(
    deposit: Deposit,
    positions: readonly number[],
  ): { outcome: MatchOutcome; position: number } {
    const orders = this.table.orders;
    const outcome = decide(
      deposit,
      positions.map((p) => orders[p] as PendingOrder),
      this.policy,
    );
    let position = -1;
    if (outcome.kind === 'matched') for (const p of positions) if (orders[p] === outcome.order) position = p;
    return { outcome, position };
  }

  private swap(position: number, next: PendingOrder): void {
    const held = this.table.orders[position] as PendingOrder;
    assert(held.orderId === next.orderId, 'a claimed order is swapped at its own position');
    this.table.orders[position] = next;
    if (held.paidBy !== undefined) this.notePaid(held.accountId, held.paidBy, false);
    if (next.paidBy !== undefined) this.notePaid(next.accountId, next.paidBy, true);
  }

  private notePaid(accountId: string, depositId: string, paid: boolean): void {
    let deposits = this.paidBy.get(accountId);
    if (deposits === undefined) {
      deposits = new Set();
      this.paidBy.set(accountId, deposits);
    }
    if (paid) deposits.add(depositId);
    else deposits.delete(depositId);
  }

  private ids(): Map<string, number> {
    if (this.byId === undefined) {
      const byId = new Map<string, number>();
      const orders = this.table.orders;
      for (let position = 0; position < this.table.size; position++) {
        byId.set((orders[position] as PendingOrder).orderId, position);
      }
      this.byId = byId;
    }
    return this.byId;
  }
}

/**
 * Index orders (any status; only live pending ones can be matched, the rest explain orphans) for
 * bulk matching: one pass over the orders, then one lookup per deposit. Order ids must be unique
 * (they come from a store keyed by id; not re-checked here, to keep the build to one pass).
 *
 * Complexity: O(O) to build; per deposit, O(1) through (account, name key, amount) when a live
 * order has its amount, else a walk over the orders sharing its (account, name key), which the
 * names `openOrder` assigns keep at about one. Memory: ~30 bytes per order beyond the orders.
 *
 * @example
 * ```ts
 * const matcher = buildOrderIndex(pendingOrders, { nameBudgetBytes: 12, overpayment: 'match_and_owe' });
 * const results = matcher.matchAll(deposits);
 * ```
 */
export function buildOrderIndex(orders: Iterable<PendingOrder>, policy: MatchPolicyConfig): BulkMatcher {
  const index = new IndexedOrders(policy, Array.isArray(orders) ? orders.length : 0);
  for (const order of orders) index.insert(order);
  return index;
}

/**
 * The amount an outcome leaves owed back to the buyer: the excess of a `matched` or `overpaid`
 * deposit, zero otherwise (underpaid and orphan deposits are refunded whole by review).
 *
 * @example
 * ```ts
 * excessOf({ kind: 'matched', order, excessKrw: parseKrw(500) }); // 500
 * ```
 */
export function excessOf(outcome: MatchOutcome): Krw {
  return outcome.kind === 'matched' || outcome.kind === 'overpaid' ? outcome.excessKrw : ZERO_KRW;
}
