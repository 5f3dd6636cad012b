import {
  type AccountId,
  type CancelOrderInput,
  type CancelOrderResult,
  checkMatchPolicy,
  type DepositId,
  type DepositMatch,
  evaluateMatch,
  expectedNameKeys,
  fillsBudget,
  type GetMatchInput,
  type GetOrderInput,
  invalidInput,
  type MatchDepositInput,
  type MatchDepositResult,
  type MatchOutcome,
  nameKey,
  type OpenOrderInput,
  type OpenOrderResult,
  type OrderId,
  type OrderMatcher,
  OrderStatus,
  OrphanReason,
  type PendingOrder,
  type UndoMatchInput,
  type UndoMatchResult,
} from '@remit/core';
import { Faults } from './faults.js';

/** Cut keys share the index with name keys behind this prefix (no normalised name holds a control character). */
const CUT = '\u0000';

export type OrderMatcherOp =
  | 'openOrder'
  | 'cancelOrder'
  | 'matchDeposit'
  | 'undoMatch'
  | 'getOrder'
  | 'getMatch';

/**
 * Pending orders and per-deposit match records in memory, matched by core's pure policy
 * (`evaluateMatch`) over the orders whose name matches the deposit's: same (account, name key), or,
 * for a printed name that fills the bank's budget, one of the order's cut keys (`expectedNameKeys`:
 * a long name the bank printed cut). Each operation is atomic, so two deposits racing for one order
 * can never both pay it.
 *
 *   matchDeposit(D1) ─► matched, order paid by D1, record D1
 *   matchDeposit(D1) ─► replayed (same outcome, nothing changes)
 *   matchDeposit(D2) ─► orphan(already_paid): never re-routed to another order
 *
 * @example
 * ```ts
 * const matcher = new MemoryOrderMatcher();
 * await matcher.openOrder({ order, policy: DEFAULT_MATCH_POLICY });
 * const { outcome } = await matcher.matchDeposit({ deposit, policy: DEFAULT_MATCH_POLICY, now });
 * ```
 */
export class MemoryOrderMatcher implements OrderMatcher {
  readonly faults = new Faults<OrderMatcherOp>();
  readonly #orders = new Map<OrderId, PendingOrder>();
  /**
   * name budget -> `${account}\n${nameKey}` and `${account}\n${CUT}${cutKey}` -> order ids; built
   * per budget on first use.
   */
  readonly #indexes = new Map<number, Map<string, OrderId[]>>();
  readonly #matches = new Map<string, DepositMatch>();

  openOrder(input: OpenOrderInput): Promise<OpenOrderResult> {
    return this.faults.run('openOrder', () => {
      const { order, policy } = input;
      checkMatchPolicy(policy);
      if (order.status !== OrderStatus.Pending) {
        throw invalidInput(`openOrder: order ${order.orderId} must be pending, got ${order.status}`);
      }
      const existing = this.#orders.get(order.orderId);
      if (existing !== undefined) return { kind: 'duplicate', order: existing };
      const taken = this.#sameName(order.accountId, order.depositorName, policy.nameBudgetBytes).find(
        (o) =>
          o.status === OrderStatus.Pending &&
          o.amountKrw === order.amountKrw &&
          order.createdAt < o.expiresAt,
      );
      if (taken !== undefined) return { kind: 'name_taken', orderId: taken.orderId };
      this.#orders.set(order.orderId, order);
      for (const [budget, index] of this.#indexes) this.#indexOrder(index, order, budget);
      return { kind: 'opened', order };
    });
  }

  cancelOrder(input: CancelOrderInput): Promise<CancelOrderResult> {
    return this.faults.run('cancelOrder', () => {
      const order = this.#orders.get(input.orderId);
      if (order === undefined) return { kind: 'not_found' };
      switch (order.status) {
        case OrderStatus.Cancelled:
          return { kind: 'already_cancelled', order };
        case OrderStatus.Paid:
          return { kind: 'already_paid', order };
        case OrderStatus.Pending: {
          const cancelled: PendingOrder = { ...order, status: OrderStatus.Cancelled };
          this.#orders.set(order.orderId, cancelled);
          return { kind: 'cancelled', order: cancelled };
        }
      }
    });
  }

  matchDeposit(input: MatchDepositInput): Promise<MatchDepositResult> {
    return this.faults.run('matchDeposit', () => {
      const { deposit, policy, now } = input;
      const key = matchKey(deposit.accountId, deposit.depositId);
      const recorded = this.#matches.get(key);
      if (recorded !== undefined) return { outcome: replayOf(recorded, this.#orders), replayed: true };
      const candidates = this.#candidates(deposit.accountId, deposit.depositorName, policy.nameBudgetBytes);
      let outcome: MatchOutcome = evaluateMatch({ deposit, candidates, policy });
      if (outcome.kind === 'matched' && outcome.order.status === OrderStatus.Pending) {
        const paid: PendingOrder = {
          ...outcome.order,
          status: OrderStatus.Paid,
          paidBy: deposit.depositId,
          paidAt: now,
        };
        this.#orders.set(paid.orderId, paid);
        outcome = { ...outcome, order: paid };
      }
      this.#matches.set(key, { deposit, outcome, decidedAt: now, undone: false });
      return { outcome, replayed: false };
    });
  }

  undoMatch(input: UndoMatchInput): Promise<UndoMatchResult> {
    return this.faults.run('undoMatch', () => {
      const key = matchKey(input.accountId, input.depositId);
      const recorded = this.#matches.get(key);
      if (recorded === undefined || recorded.undone || recorded.outcome.kind !== 'matched') {
        return { kind: 'not_matched' };
      }
      const current = this.#orders.get(recorded.outcome.order.orderId);
      if (current === undefined) return { kind: 'not_matched' };
      const { paidBy: _paidBy, paidAt: _paidAt, ...rest } = current;
      const pending: PendingOrder =
        current.status === OrderStatus.Paid && current.paidBy === input.depositId
          ? { ...rest, status: OrderStatus.Pending }
          : current;
      this.#orders.set(pending.orderId, pending);
      this.#matches.set(key, { ...recorded, undone: true });
      return { kind: 'undone', order: pending };
    });
  }

  getOrder(input: GetOrderInput): Promise<PendingOrder | undefined> {
    return this.faults.run('getOrder', () => this.#orders.get(input.orderId));
  }

  getMatch(input: GetMatchInput): Promise<DepositMatch | undefined> {
    return this.faults.run('getMatch', () => this.#matches.get(matchKey(input.accountId, input.depositId)));
  }

  /** Every order held (for auditors and simulations). */
  orders(): readonly PendingOrder[] {
    return [...this.#orders.values()];
  }

  /** Every deposit decided so far. */
  matches(): readonly DepositMatch[] {
    return [...this.#matches.values()];
  }

  /** Orders with the same name key (the name lock of `openOrder`). */
  #sameName(accountId: AccountId, depositorName: string, budget: number): PendingOrder[] {
    const ids = this.#index(budget).get(indexKey(accountId, nameKey(depositorName, budget))) ?? [];
    return ids.map((id) => this.#orders.get(id)!);
  }

  /**
   * Orders a printed name may pay: its name key, plus its cut key when it fills the budget. An order
   * is indexed under its key and distinct cut keys, so no order comes back twice.
   */
  #candidates(accountId: AccountId, printed: string, budget: number): PendingOrder[] {
    const orders = this.#sameName(accountId, printed, budget);
    if (!fillsBudget(printed, budget)) return orders;
    const cut = this.#index(budget).get(indexKey(accountId, CUT + nameKey(printed, budget))) ?? [];
    return [...orders, ...cut.map((id) => this.#orders.get(id)!)];
  }

  #index(budget: number): Map<string, OrderId[]> {
    let index = this.#indexes.get(budget);
    if (index === undefined) {
      index = new Map();
      for (const order of this.#orders.values()) this.#indexOrder(index, order, budget);
      this.#indexes.set(budget, index);
    }
    return index;
  }

  #indexOrder(index: Map<string, OrderId[]>, order: PendingOrder, budget: number): void {
    const { key, cutKeys } = expectedNameKeys(order.depositorName, budget);
    for (const k of [key, ...cutKeys.map((cut) => CUT + cut)]) {
      const ids = index.get(indexKey(order.accountId, k));
      if (ids === undefined) index.set(indexKey(order.accountId, k), [order.orderId]);
      else ids.push(order.orderId);
    }
  }
}

/** Deposit ids are unique per receiving account only. */
function matchKey(accountId: AccountId, depositId: DepositId): string {
  return `${accountId}\n${depositId}`;
}

function indexKey(accountId: AccountId, key: string): string {
  return `${accountId}\n${key}`;
}

/**
 * The replay of a recorded decision. An undone match replays as an orphan of its (now pending)
 * order with reason `cancelled`: the deposit itself was cancelled, so it must never pay again.
 */
function replayOf(recorded: DepositMatch, orders: ReadonlyMap<OrderId, PendingOrder>): MatchOutcome {
  if (!recorded.undone || recorded.outcome.kind !== 'matched') return recorded.outcome;
  const order = orders.get(recorded.outcome.order.orderId) ?? recorded.outcome.order;
  return { kind: 'orphan', order, reason: OrphanReason.Cancelled };
}
