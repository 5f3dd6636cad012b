/**
 * Pending orders and per-deposit match records in DynamoDB (table: `schema.ts` `ordersTable`),
 * matched by core's pure policy (`evaluateMatch`): this adapter only finds candidates and makes the
 * decision stick atomically.
 *
 *   pk = order#<orderId>                        the order; GSI `pending-by-name` keys:
 *        matchAccount = <accountId>             while pending (the hot partition a deposit reads)
 *        matchAccount = closed#<accountId>      once paid/cancelled (read only to explain orphans)
 *        matchName    = normalizeName(name)     (closed: + '#' + createdAt, newest first)
 *   pk = cut#<orderId>#<n>                      the order under one of its cut keys (`expectedNameKeys`:
 *        matchAccount = cut#<accountId>         a long name the bank prints cut), same GSI:
 *        matchAccount = closed-cut#<accountId>  once closed, matchName = <cutKey> (closed: + '#' + createdAt)
 *   pk = deposit#<accountId>#<depositId>        the first decision for a deposit (replayed)
 *   pk = name#<accountId>#<amount>#<nameKey>    name lock: one live pending order per key
 *
 * matchDeposit:
 *   Get deposit#            ── exists ──> replay (nothing changes)
 *   Query pending by begins_with(matchName, nameKey(deposit))  (+ closed ones unless an exact match)
 *   + if the printed name fills the budget: Query cut# by matchName = nameKey(deposit), then
 *     BatchGet those orders (consistent reads; an alias says where to look, never what the order is)
 *   evaluateMatch(...)      ── matched ──> TransactWrite{ order: pending -> paid (if status = pending),
 *                                                        deposit#: put (if absent) }
 *                           ── other   ──> Put deposit# (if absent)
 *   cancelled transaction   ──> deposit# exists? replay : re-read candidates consistently, decide again
 *
 * The GSI is eventually consistent; the conditional transaction is what guarantees that two
 * deposits never pay one order, whatever a stale index said.
 */
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AccountId,
  type CancelOrderInput,
  type CancelOrderResult,
  type Clock,
  checkMatchPolicy,
  type Deposit,
  type DepositId,
  type DepositMatch,
  ErrorCode,
  evaluateMatch,
  expectedNameKeys,
  fillsBudget,
  type GetMatchInput,
  type GetOrderInput,
  type InstantMs,
  invalidInput,
  type MatchDepositInput,
  type MatchDepositResult,
  type MatchOutcome,
  nameKey,
  normalizeName,
  type OpenOrderInput,
  type OpenOrderResult,
  type OrderId,
  type OrderMatcher,
  OrderStatus,
  OrphanReason,
  type PendingOrder,
  RemitError,
  type UndoMatchInput,
  type UndoMatchResult,
} from '@remit/core';
import { ordersTable } from '../schema.js';
import {
  conditionCancellation,
  conditionFailedItem,
  type DocumentClient,
  defined,
  type Item,
  isExpired,
  toRemitError,
  ttlSecondsAt,
} from './document-client.js';
import { Expr } from './expressions.js';

export interface DynamoDbOrderMatcherOptions {
  readonly client: DocumentClient;
  /** Physical name of the table created from `ordersTable`. */
  readonly tableName: string;
  /**
   * How long orders (after expiry or closing) and deposit decisions are kept. Default 90 days:
   * long enough for a late re-read of a deposit or a cancellation row to find its decision, and
   * for a late payment to be recognised as an orphan of its closed order.
   */
  readonly retainMs?: number;
  /** Reads "now" to hide TTL-expired items (DynamoDB deletes them lazily). Default: system clock. */
  readonly clock?: Clock;
}

const DAY_MS = 86_400_000;
const INDEX = ordersTable.globalSecondaryIndexes[0]!.indexName;
/** Page size of candidate queries (DynamoDB reads at most 1 MB a page anyway). */
const QUERY_PAGE = 100;
/**
 * Pending orders sharing a name prefix on one account, read at most. Past it the deposit is
 * `ambiguous` (a person decides): the policy must never pick one of a set it did not see whole.
 */
export const MAX_PENDING_CANDIDATES = 1_000;
/** Closed orders read to explain an orphan, newest first; an older one makes it `unmatched` (still reviewed). */
const MAX_CLOSED_CANDIDATES = 200;
/** Decisions retried after losing a race for an order. Each loss means another deposit won. */
const MAX_DECISION_ROUNDS = 5;

const orderKey = (orderId: OrderId) => `order#${orderId}`;
const depositKey = (accountId: AccountId, depositId: DepositId) => `deposit#${accountId}#${depositId}`;
const closedPartition = (accountId: AccountId) => `closed#${accountId}`;
const closedSuffix = (createdAt: number) => String(createdAt).padStart(15, '0');
/** Sorts newest first when read backwards, and stays a prefix match on the name. */
const closedMatchName = (order: PendingOrder) =>
  `${normalizeName(order.depositorName)}#${closedSuffix(order.createdAt)}`;
/**
 * Cut-key aliases (see the module comment) have partitions of their own: a cut key is not a prefix
 * of the order's `matchName` ("미래상사 주식회사" prints "미래상사 주", key 미래상사주; the
 * name's is 미래상사), and it matches only a printed name that fills the budget, so only such
 * deposits read them.
 */
const cutAliasKey = (orderId: string, index: number) => `cut#${orderId}#${index}`;
const cutPartition = (accountId: string) => `cut#${accountId}`;
const closedCutPartition = (accountId: string) => `closed-cut#${accountId}`;

/**
 * {@link OrderMatcher} over DynamoDB.
 *
 * @example
 * ```ts
 * const matcher = new DynamoDbOrderMatcher({ client, tableName: 'remit-orders' });
 * await matcher.openOrder({ order, policy: DEFAULT_MATCH_POLICY });
 * const { outcome } = await matcher.matchDeposit({ deposit, policy: DEFAULT_MATCH_POLICY, now });
 * ```
 */
export class DynamoDbOrderMatcher implements OrderMatcher {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly retainMs: number;
  private readonly clock: Clock;

  constructor(options: DynamoDbOrderMatcherOptions) {
    if (options.tableName === '')
      throw new RemitError(ErrorCode.InvalidConfig, 'tableName must not be empty');
    this.client = options.client;
    this.tableName = options.tableName;
    this.retainMs = options.retainMs ?? 90 * DAY_MS;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  // ------------------------------------------------------------------------------ orders

  async openOrder(input: OpenOrderInput): Promise<OpenOrderResult> {
    const { order, policy } = input;
    checkMatchPolicy(policy);
    if (order.status !== OrderStatus.Pending) {
      throw invalidInput(`openOrder: order ${order.orderId} must be pending, got ${order.status}`);
    }
    // Cut keys are those of the budget the order is opened under (a deployment has one budget).
    const { key, cutKeys } = expectedNameKeys(order.depositorName, policy.nameBudgetBytes);
    const lockKey = `name#${order.accountId}#${order.amountKrw}#${key}`;
    const item = this.orderItem(order, { lockKey, cutKeys, now: order.createdAt });
    const aliasPuts = cutAliasItems(item, true).map((alias) => ({
      Put: { TableName: this.tableName, Item: alias },
    }));
    // A lock whose holder turned out not to be pending (a crash between closing and unlocking)
    // may be taken over once, conditioned on that holder.
    let staleHolder: string | undefined;
    for (let round = 0; round < 2; round += 1) {
      const o = new Expr();
      const l = new Expr();
      const lockCondition = [
        `attribute_not_exists(${l.n('pk')})`,
        `${l.n('expiresAt')} <= ${l.v(order.createdAt)}`,
        `${l.n('orderId')} = ${l.v(order.orderId)}`,
        ...(staleHolder === undefined ? [] : [`${l.n('orderId')} = ${l.v(staleHolder)}`]),
      ].join(' OR ');
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: item,
                  ConditionExpression: `attribute_not_exists(${o.n('pk')})`,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                  ...o.attributes(),
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    pk: lockKey,
                    orderId: order.orderId,
                    expiresAt: order.expiresAt,
                    ttl: ttlSecondsAt(order.expiresAt + this.retainMs),
                  },
                  ConditionExpression: lockCondition,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                  ...l.attributes(),
                },
              },
              ...aliasPuts,
            ],
          }),
        );
        return { kind: 'opened', order };
      } catch (err) {
        const reasons = conditionCancellation(err);
        if (reasons === undefined) throw toRemitError(err, 'openOrder');
        const [orderReason, lockReason] = reasons;
        if (orderReason?.code === 'ConditionalCheckFailed') {
          const existing = orderReason.item ?? (await this.getOrderItem(order.orderId));
          if (existing !== undefined) return { kind: 'duplicate', order: toOrder(existing) };
          continue; // vanished (TTL) in between: try again
        }
        const holder = lockReason?.item?.orderId as OrderId | undefined;
        if (holder === undefined) continue;
        const current = await this.getOrderItem(holder);
        if (current !== undefined && current.status === OrderStatus.Pending)
          return { kind: 'name_taken', orderId: holder };
        staleHolder = holder;
      }
    }
    throw new RemitError(ErrorCode.Conflict, `openOrder ${order.orderId}: the name lock kept changing`, {
      retryable: true,
    });
  }

  async cancelOrder(input: CancelOrderInput): Promise<CancelOrderResult> {
    const e = new Expr();
    const current = await this.getOrderItem(input.orderId);
    if (current === undefined) return { kind: 'not_found' };
    const order = toOrder(current);
    const update = e.update({
      set: {
        status: OrderStatus.Cancelled,
        matchAccount: closedPartition(order.accountId),
        matchName: closedMatchName(order),
        ttl: ttlSecondsAt(Math.max(order.expiresAt, input.now) + this.retainMs),
      },
    });
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: orderKey(input.orderId) },
          UpdateExpression: update,
          ConditionExpression: `${e.n('status')} = ${e.v(OrderStatus.Pending)}`,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes(),
        }),
      );
      const item = out.Attributes as Item;
      await this.unlock(item);
      await this.closeCutAliases(item);
      return { kind: 'cancelled', order: toOrder(item) };
    } catch (err) {
      const failed = conditionFailedItem(err);
      if (failed === undefined) throw toRemitError(err, 'cancelOrder');
      if (failed.item === undefined) return { kind: 'not_found' };
      const old = toOrder(failed.item);
      return old.status === OrderStatus.Paid
        ? { kind: 'already_paid', order: old }
        : { kind: 'already_cancelled', order: old };
    }
  }

  async getOrder(input: GetOrderInput): Promise<PendingOrder | undefined> {
    const item = await this.getOrderItem(input.orderId);
    return item === undefined ? undefined : toOrder(item);
  }

  // ------------------------------------------------------------------------------ matching

  async matchDeposit(input: MatchDepositInput): Promise<MatchDepositResult> {
    const { deposit, policy, now } = input;
    checkMatchPolicy(policy);
    if (deposit.kind !== 'deposit') {
      throw invalidInput(
        `matchDeposit: ${deposit.depositId} is a ${deposit.kind}; cancellations undo a match instead`,
      );
    }
    const recorded = await this.getMatchItem(deposit.accountId, deposit.depositId);
    if (recorded !== undefined) return { outcome: await this.replay(recorded), replayed: true };

    const key = nameKey(deposit.depositorName, policy.nameBudgetBytes);
    // Only a printed name that fills the budget can be a long name cut by the bank (a cut key).
    const cut = key !== '' && fillsBudget(deposit.depositorName, policy.nameBudgetBytes);
    let candidates: PendingOrder[] = [];
    if (key !== '') {
      const [byName, byCut] = await Promise.all([
        this.pendingCandidates(deposit.accountId, key),
        cut ? this.cutCandidates(deposit.accountId, key) : [],
      ]);
      if (byName === 'too_many' || byCut === 'too_many') return this.decide(deposit, this.tooMany(), now);
      candidates = withFresh(byName, byCut);
    }
    let closedRead = false;
    for (let round = 0; round < MAX_DECISION_ROUNDS; round += 1) {
      let outcome = evaluateMatch({ deposit, candidates, policy });
      // Closed orders only matter when no single live order takes the exact amount (rule order
      // of the policy): read them only then, so the usual deposit costs one Query.
      if (!closedRead && !(outcome.kind === 'matched' && outcome.excessKrw === 0) && key !== '') {
        closedRead = true;
        const [closed, closedByCut] = await Promise.all([
          this.closedCandidates(deposit.accountId, key),
          cut ? this.closedCutCandidates(deposit.accountId, key) : [],
        ]);
        candidates = withFresh([...candidates, ...closed], closedByCut);
        outcome = evaluateMatch({ deposit, candidates, policy });
      }
      if (outcome.kind !== 'matched' || outcome.order.status !== OrderStatus.Pending) {
        return this.decide(deposit, outcome, now);
      }
      const claimed = await this.claim(deposit, outcome, now);
      if (claimed.kind === 'decided') return claimed.result;
      // Lost the order to another deposit (or the index was stale): decide again on fresh reads.
      candidates = await this.refresh(candidates, claimed.order);
    }
    throw new RemitError(
      ErrorCode.Conflict,
      `matchDeposit ${deposit.depositId}: kept losing races for its order`,
      {
        retryable: true,
      },
    );
  }

  async undoMatch(input: UndoMatchInput): Promise<UndoMatchResult> {
    const record = await this.getMatchItem(input.accountId, input.depositId);
    if (record === undefined) return { kind: 'not_matched' };
    const match = toMatch(record);
    if (match.undone || match.outcome.kind !== 'matched') return { kind: 'not_matched' };
    const orderId = match.outcome.order.orderId;
    // Its cut-key aliases go back to the pending partition in the same transaction as the order,
    // or a cut-name deposit could miss a live order. (Cut keys never change: read them first.)
    const held = await this.getOrderItem(orderId);
    const aliasPuts = held === undefined ? [] : cutAliasItems(held, true);
    const r = new Expr();
    const recordUpdate = {
      TableName: this.tableName,
      Key: { pk: depositKey(input.accountId, input.depositId) },
      UpdateExpression: r.update({ set: { undone: true, undoneAt: input.now } }),
      ConditionExpression: `${r.n('undone')} = ${r.v(false)}`,
      ...r.attributes(),
    };
    const o = new Expr();
    const orderUpdate = {
      TableName: this.tableName,
      Key: { pk: orderKey(orderId) },
      UpdateExpression: o.update({
        set: {
          status: OrderStatus.Pending,
          matchAccount: match.outcome.order.accountId,
          matchName: normalizeName(match.outcome.order.depositorName),
        },
        remove: ['paidBy', 'paidAt'],
      }),
      ConditionExpression: `${o.n('status')} = ${o.v(OrderStatus.Paid)} AND ${o.n('paidBy')} = ${o.v(input.depositId)}`,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      ...o.attributes(),
    };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: recordUpdate },
            { Update: orderUpdate },
            ...aliasPuts.map((alias) => ({ Put: { TableName: this.tableName, Item: alias } })),
          ],
        }),
      );
    } catch (err) {
      const reasons = conditionCancellation(err);
      if (reasons === undefined) throw toRemitError(err, 'undoMatch');
      if (reasons[0]?.code === 'ConditionalCheckFailed') return { kind: 'not_matched' }; // undone concurrently
      // The order is no longer paid by this deposit: record the undo, leave the order as it is.
      try {
        await this.client.send(new UpdateCommand(recordUpdate));
      } catch (inner) {
        if (conditionFailedItem(inner) !== undefined) return { kind: 'not_matched' };
        throw toRemitError(inner, 'undoMatch');
      }
    }
    const current = await this.getOrderItem(orderId);
    if (current === undefined) return { kind: 'not_matched' };
    if (current.status === OrderStatus.Pending) await this.relock(current);
    return { kind: 'undone', order: toOrder(current) };
  }

  async getMatch(input: GetMatchInput): Promise<DepositMatch | undefined> {
    const item = await this.getMatchItem(input.accountId, input.depositId);
    return item === undefined ? undefined : toMatch(item);
  }

  // ------------------------------------------------------------------------------ internals

  /** Moves the order pending -> paid and records the decision, in one transaction. */
  private async claim(
    deposit: Deposit,
    outcome: Extract<MatchOutcome, { kind: 'matched' }>,
    now: InstantMs,
  ): Promise<{ kind: 'decided'; result: MatchDepositResult } | { kind: 'lost'; order: Item | undefined }> {
    const paid: PendingOrder = {
      ...outcome.order,
      status: OrderStatus.Paid,
      paidBy: deposit.depositId,
      paidAt: now,
    };
    const decided: MatchOutcome = { ...outcome, order: paid };
    const o = new Expr();
    const d = new Expr();
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: orderKey(paid.orderId) },
                UpdateExpression: o.update({
                  set: {
                    status: OrderStatus.Paid,
                    paidBy: deposit.depositId,
                    paidAt: now,
                    matchAccount: closedPartition(paid.accountId),
                    matchName: closedMatchName(paid),
                    ttl: ttlSecondsAt(Math.max(paid.expiresAt, now) + this.retainMs),
                  },
                }),
                ConditionExpression: `${o.n('status')} = ${o.v(OrderStatus.Pending)}`,
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                ...o.attributes(),
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: this.matchItem(deposit, decided, now),
                ConditionExpression: `attribute_not_exists(${d.n('pk')})`,
                ...d.attributes(),
              },
            },
          ],
        }),
      );
    } catch (err) {
      const reasons = conditionCancellation(err);
      if (reasons === undefined) throw toRemitError(err, 'matchDeposit');
      // Whoever recorded this deposit first decided it: replay that.
      const recorded = await this.getMatchItem(deposit.accountId, deposit.depositId);
      if (recorded !== undefined)
        return { kind: 'decided', result: { outcome: await this.replay(recorded), replayed: true } };
      return { kind: 'lost', order: reasons[0]?.item };
    }
    const current = await this.getOrderItem(paid.orderId);
    if (typeof current?.lockKey === 'string') await this.unlockKey(current.lockKey, paid.orderId);
    if (current !== undefined) await this.closeCutAliases(current);
    return { kind: 'decided', result: { outcome: decided, replayed: false } };
  }

  /** Records a decision that pays nothing; if another delivery recorded one first, replays it. */
  private async decide(deposit: Deposit, outcome: MatchOutcome, now: InstantMs): Promise<MatchDepositResult> {
    const e = new Expr();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.matchItem(deposit, outcome, now),
          ConditionExpression: `attribute_not_exists(${e.n('pk')})`,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes(),
        }),
      );
      return { outcome, replayed: false };
    } catch (err) {
      const failed = conditionFailedItem(err);
      if (failed?.item === undefined) throw toRemitError(err, 'matchDeposit');
      return { outcome: await this.replay(failed.item), replayed: true };
    }
  }

  /**
   * A recorded decision as replayed. An undone match replays as an orphan of its (pending again)
   * order with reason `cancelled`: the deposit itself was cancelled, it must never pay again.
   */
  private async replay(item: Item): Promise<MatchOutcome> {
    const match = toMatch(item);
    if (!match.undone || match.outcome.kind !== 'matched') return match.outcome;
    const current = await this.getOrderItem(match.outcome.order.orderId);
    return {
      kind: 'orphan',
      order: current === undefined ? match.outcome.order : toOrder(current),
      reason: OrphanReason.Cancelled,
    };
  }

  private tooMany(): MatchOutcome {
    return { kind: 'ambiguous', candidates: [] };
  }

  private async pendingCandidates(accountId: AccountId, key: string): Promise<PendingOrder[] | 'too_many'> {
    const orders: PendingOrder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryIndex(
        accountId,
        { prefix: key },
        { start, limit: QUERY_PAGE, newestFirst: false },
      );
      for (const item of page.items) orders.push(toOrder(item));
      if (orders.length > MAX_PENDING_CANDIDATES) return 'too_many';
      start = page.next;
    } while (start !== undefined);
    return orders;
  }

  private async closedCandidates(accountId: AccountId, key: string): Promise<PendingOrder[]> {
    const orders: PendingOrder[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryIndex(
        closedPartition(accountId),
        { prefix: key },
        {
          start,
          limit: Math.min(QUERY_PAGE, MAX_CLOSED_CANDIDATES - orders.length),
          newestFirst: true,
        },
      );
      for (const item of page.items) orders.push(toOrder(item));
      start = page.next;
    } while (start !== undefined && orders.length < MAX_CLOSED_CANDIDATES);
    return orders;
  }

  /** Orders holding `key` as a cut key, pending when their alias was last written. */
  private async cutCandidates(accountId: AccountId, key: string): Promise<PendingOrder[] | 'too_many'> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryIndex(
        cutPartition(accountId),
        { equals: key },
        { start, limit: QUERY_PAGE, newestFirst: false },
      );
      for (const item of page.items) ids.push(String(item.orderId));
      if (ids.length > MAX_PENDING_CANDIDATES) return 'too_many';
      start = page.next;
    } while (start !== undefined);
    return this.liveOrders(ids);
  }

  /** Closed orders holding `key` as a cut key, newest first, at most {@link MAX_CLOSED_CANDIDATES}. */
  private async closedCutCandidates(accountId: AccountId, key: string): Promise<PendingOrder[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryIndex(
        closedCutPartition(accountId),
        { prefix: `${key}#` },
        { start, limit: Math.min(QUERY_PAGE, MAX_CLOSED_CANDIDATES - ids.length), newestFirst: true },
      );
      for (const item of page.items) ids.push(String(item.orderId));
      start = page.next;
    } while (start !== undefined && ids.length < MAX_CLOSED_CANDIDATES);
    return this.liveOrders(ids);
  }

  /** The orders themselves, read consistently, without those TTL has expired. */
  private async liveOrders(ids: readonly string[]): Promise<PendingOrder[]> {
    const now = this.clock.now();
    return (await this.readOrders([...new Set(ids)])).filter((item) => !isExpired(item, now)).map(toOrder);
  }

  private async queryIndex(
    partition: string,
    name: { prefix: string } | { equals: string },
    options: { start: Record<string, unknown> | undefined; limit: number; newestFirst: boolean },
  ): Promise<{ items: Item[]; next: Record<string, unknown> | undefined }> {
    const e = new Expr();
    const nameCondition =
      'equals' in name
        ? `${e.n('matchName')} = ${e.v(name.equals)}`
        : `begins_with(${e.n('matchName')}, ${e.v(name.prefix)})`;
    try {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX,
          KeyConditionExpression: `${e.n('matchAccount')} = ${e.v(partition)} AND ${nameCondition}`,
          Limit: options.limit,
          ScanIndexForward: !options.newestFirst,
          ...(options.start === undefined ? {} : { ExclusiveStartKey: options.start }),
          ...e.attributes(),
        }),
      );
      return { items: (out.Items ?? []) as Item[], next: out.LastEvaluatedKey };
    } catch (err) {
      throw toRemitError(err, 'matchDeposit (candidates)');
    }
  }

  /** Strongly consistent re-read of the candidates after a lost race (the index may lag). */
  private async refresh(
    candidates: readonly PendingOrder[],
    lost: Item | undefined,
  ): Promise<PendingOrder[]> {
    const ids = [...new Set(candidates.map((c) => c.orderId))];
    const fresh = new Map<string, PendingOrder>();
    if (lost !== undefined) fresh.set(String(lost.orderId), toOrder(lost));
    const missing = ids.filter((id) => !fresh.has(id));
    for (const item of await this.readOrders(missing)) fresh.set(String(item.orderId), toOrder(item));
    return [...fresh.values()];
  }

  /** Strongly consistent reads of orders by id (those not found are left out). */
  private async readOrders(ids: readonly string[]): Promise<Item[]> {
    const items: Item[] = [];
    // BatchGetItem reads at most 100 keys per call.
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] = ids
        .slice(i, i + 100)
        .map((id) => ({ pk: orderKey(id as OrderId) }));
      for (let attempt = 0; keys.length > 0 && attempt < 5; attempt += 1) {
        try {
          const out = await this.client.send(
            new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          items.push(...(out.Responses?.[this.tableName] ?? []));
          keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
        } catch (err) {
          throw toRemitError(err, 'matchDeposit (read orders)');
        }
      }
      if (keys.length > 0)
        throw new RemitError(ErrorCode.Unavailable, 'matchDeposit: candidates could not be read', {
          retryable: true,
        });
    }
    return items;
  }

  private orderItem(
    order: PendingOrder,
    extra: { lockKey: string; cutKeys: readonly string[]; now: InstantMs },
  ): Item {
    return defined({
      pk: orderKey(order.orderId),
      ...order,
      matchAccount: order.accountId,
      matchName: normalizeName(order.depositorName) || undefined,
      lockKey: extra.lockKey,
      cutKeys: extra.cutKeys.length > 0 ? [...extra.cutKeys] : undefined,
      ttl: ttlSecondsAt(Math.max(order.expiresAt, extra.now) + this.retainMs),
    });
  }

  private matchItem(deposit: Deposit, outcome: MatchOutcome, now: InstantMs): Item {
    return {
      pk: depositKey(deposit.accountId, deposit.depositId),
      deposit,
      outcome,
      decidedAt: now,
      undone: false,
      ttl: ttlSecondsAt(now + this.retainMs),
    };
  }

  private async unlock(order: Item): Promise<void> {
    if (typeof order.lockKey === 'string') await this.unlockKey(order.lockKey, order.orderId as OrderId);
  }

  /**
   * Best effort: a lock left behind (crash) is taken over by the next `openOrder`, which checks
   * that its holder is no longer pending.
   */
  private async unlockKey(lockKey: string, orderId: OrderId): Promise<void> {
    const e = new Expr();
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: lockKey },
          ConditionExpression: `${e.n('orderId')} = ${e.v(orderId)}`,
          ...e.attributes(),
        }),
      );
    } catch (err) {
      if (conditionFailedItem(err) === undefined) throw toRemitError(err, 'release name lock');
    }
  }

  /** After an undo the order is pending again: take its name back if nobody else holds it. */
  private async relock(order: Item): Promise<void> {
    if (typeof order.lockKey !== 'string') return;
    const e = new Expr();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: order.lockKey, orderId: order.orderId, expiresAt: order.expiresAt, ttl: order.ttl },
          ConditionExpression: `attribute_not_exists(${e.n('pk')}) OR ${e.n('orderId')} = ${e.v(order.orderId)}`,
          ...e.attributes(),
        }),
      );
    } catch (err) {
      if (conditionFailedItem(err) === undefined) throw toRemitError(err, 'retake name lock');
    }
  }

  /**
   * A closed order's cut-key aliases move to the closed partition, on condition that the order is
   * still closed (an undo since put them back, in its transaction). Until this runs, a pending
   * alias of a closed order costs a read, never a wrong decision: the order itself is re-read.
   */
  private async closeCutAliases(order: Item): Promise<void> {
    const aliases = cutAliasItems(order, false);
    if (aliases.length === 0) return;
    const e = new Expr();
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: { pk: orderKey(order.orderId as OrderId) },
                ConditionExpression: `${e.n('status')} <> ${e.v(OrderStatus.Pending)}`,
                ...e.attributes(),
              },
            },
            ...aliases.map((alias) => ({ Put: { TableName: this.tableName, Item: alias } })),
          ],
        }),
      );
    } catch (err) {
      if (conditionCancellation(err) !== undefined) return; // reopened by an undo: leave them
      const error = toRemitError(err, 'close cut-key aliases');
      // Racing another write of the order: the aliases stay pending, which is harmless (above).
      if (error.code !== ErrorCode.Conflict) throw error;
    }
  }

  private async getOrderItem(orderId: OrderId): Promise<Item | undefined> {
    return this.getLive(orderKey(orderId), 'getOrder');
  }

  private async getMatchItem(accountId: AccountId, depositId: DepositId): Promise<Item | undefined> {
    return this.getLive(depositKey(accountId, depositId), 'getMatch');
  }

  private async getLive(pk: string, operation: string): Promise<Item | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }),
      );
      const item = out.Item;
      return item === undefined || isExpired(item, this.clock.now()) ? undefined : item;
    } catch (err) {
      throw toRemitError(err, operation);
    }
  }
}

function toOrder(item: Item): PendingOrder {
  return defined({
    orderId: item.orderId as OrderId,
    sellerId: item.sellerId,
    accountId: item.accountId,
    amountKrw: item.amountKrw,
    depositorName: item.depositorName,
    payee: item.payee,
    createdAt: item.createdAt,
    expiresAt: item.expiresAt,
    status: item.status,
    paidBy: item.paidBy,
    paidAt: item.paidAt,
  }) as unknown as PendingOrder;
}

function toMatch(item: Item): DepositMatch {
  return {
    deposit: item.deposit as Deposit,
    outcome: item.outcome as MatchOutcome,
    decidedAt: item.decidedAt as InstantMs,
    undone: item.undone === true,
  };
}

/**
 * The cut-key aliases of an order item (`cutKeys`, written by `openOrder`): in the pending
 * partition, or in the closed one sorted newest first. Same TTL as the order.
 */
function cutAliasItems(order: Item, pending: boolean): Item[] {
  const cutKeys = Array.isArray(order.cutKeys) ? (order.cutKeys as string[]) : [];
  const orderId = String(order.orderId);
  const accountId = String(order.accountId);
  return cutKeys.map((cutKey, index) => ({
    pk: cutAliasKey(orderId, index),
    orderId,
    matchAccount: pending ? cutPartition(accountId) : closedCutPartition(accountId),
    matchName: pending ? cutKey : `${cutKey}#${closedSuffix(Number(order.createdAt))}`,
    ttl: order.ttl,
  }));
}

/** `base` with the orders of `fresh` (consistent reads) in place of their versions in `base`. */
function withFresh(base: readonly PendingOrder[], fresh: readonly PendingOrder[]): PendingOrder[] {
  if (fresh.length === 0) return [...base];
  const ids = new Set(fresh.map((o) => o.orderId));
  return [...base.filter((o) => !ids.has(o.orderId)), ...fresh];
}
