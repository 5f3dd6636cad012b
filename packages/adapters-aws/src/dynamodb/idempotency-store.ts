/**
 * The remittance state machine's durable record in DynamoDB (table: `schema.ts` `idempotencyTable`).
 *
 * Two kinds of item share the table:
 *
 *   pk = <remittanceId>                    the record (status, fence, lease, write-ahead bank id,
 *                                          tranKey = <businessDate>#<bankTranId>)
 *   pk = tran#<businessDate>#<bankTranId>  reservation of a bank id on its date -> remittanceId
 *                                          (only when the claim asks: the sequence may repeat)
 *
 * A fresh claim is ONE conditional write with `ReturnValuesOnConditionCheckFailure: ALL_OLD`, so
 * a duplicate delivery (busy / finished / payload mismatch) costs one round trip:
 *
 *   reserveBankTranId = false (unique sequence: DynamoDB counter)
 *   claim  ──PutItem{record if absent}─────────────────────────────────> acquired   (1 trip)
 *   reserveBankTranId = true (may-repeat sequence: Redis)
 *   claim  ──TransactWrite{put record if absent, put tran# if absent}──> acquired   (1 trip)
 *          └─ cancelled, reason[1] only (tran# held by another) ─────────> tran_id_taken
 *   either
 *          └─ failed, old record live ───────────────────────────────────> busy | finished | mismatch
 *          └─ failed, old record's lease expired ──Update(fence=old)──────> resumed  (2 trips)
 *
 * `openStatus` mirrors `status` only while the record is not terminal (sparse GSI `open-by-status`),
 * so reconcile lists unknown payouts and stale claims without a scan. `tranKey` feeds the keys-only
 * GSI `by-tran-key`, through which `markReversed` finds a payout that has no reservation. Terminal
 * records get `ttl` (epoch seconds); DynamoDB deletes them lazily, so an expired item is treated
 * as absent.
 */
import { randomUUID } from 'node:crypto';
import {
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type BankTranId,
  type BusinessDate,
  type CancelRemittanceInput,
  type CancelRemittanceResult,
  type CheckpointInput,
  type CheckpointResult,
  type ClaimInput,
  type ClaimResult,
  type Clock,
  type CompleteInput,
  type CompleteResult,
  ErrorCode,
  type GetRecordInput,
  type IdempotencyStore,
  type InstantMs,
  invalidInput,
  type ListOpenInput,
  type MarkReversedInput,
  type MarkReversedResult,
  type RecordPage,
  RemitError,
  type RemittanceId,
  type RemittanceMessage,
  type RemittanceRecord,
  RemittanceStatus,
  startOfBusinessDate,
  TERMINAL_STATUSES,
} from '@remit/core';
import { idempotencyTable } from '../schema.js';
import {
  conditionCancellation,
  conditionFailedItem,
  type DocumentClient,
  decodeCursor,
  defined,
  encodeCursor,
  type Item,
  isExpired,
  toRemitError,
  ttlSecondsAt,
} from './document-client.js';
import { Expr } from './expressions.js';

export interface DynamoDbIdempotencyStoreOptions {
  /** A `DynamoDBDocumentClient` (or anything with its `send`). */
  readonly client: DocumentClient;
  /** Physical name of the table created from `idempotencyTable`. */
  readonly tableName: string;
  /**
   * How long a bank-id reservation is kept, counted from the start of its business date.
   * Default 90 days: uniqueness only matters within the date, but `markReversed` looks for the
   * reservation first, and banks send failure notices within days, not months.
   */
  readonly reservationRetainMs?: number;
  /** Reads "now" for `get` (whose input carries no instant) to hide TTL-expired records. Default: system clock. */
  readonly clock?: Clock;
}

const DAY_MS = 86_400_000;
const DEFAULT_RESERVATION_RETAIN_MS = 90 * DAY_MS;
/** The contract lets adapters cap pages; 100 keeps a reconcile page far under 1 MB and the Lambda timeout. */
export const MAX_LIST_OPEN_LIMIT = 100;
/** Claims that race a takeover re-read at most this often before answering `busy`. */
const MAX_RESUME_ROUNDS = 3;

const OPEN_STATUSES = [
  RemittanceStatus.Sending,
  RemittanceStatus.Unknown,
  RemittanceStatus.Deferred,
] as const;
const OPEN_INDEX = indexNamed('open-by-status');
const TRAN_KEY_INDEX = indexNamed('by-tran-key');
/**
 * Records one (date, bank id) can name: one, unless a `unique` generator broke its promise (then
 * each is checked). 10 keeps the lookup one small page.
 */
const MAX_TRAN_KEY_CANDIDATES = 10;
const systemClock: Clock = { now: () => Date.now() };

function indexNamed(name: string): string {
  const index = idempotencyTable.globalSecondaryIndexes.find((i) => i.indexName === name);
  if (index === undefined) throw new Error(`schema.ts idempotencyTable has no index ${name}`);
  return index.indexName;
}

/** The record's `tranKey`: what the `by-tran-key` index is keyed by. */
function tranKeyOf(businessDate: BusinessDate, bankTranId: BankTranId): string {
  return `${businessDate}#${bankTranId}`;
}

function reservationKey(businessDate: BusinessDate, bankTranId: BankTranId): string {
  return `tran#${tranKeyOf(businessDate, bankTranId)}`;
}

/**
 * {@link IdempotencyStore} over DynamoDB.
 *
 * @example
 * ```ts
 * const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
 * const store = new DynamoDbIdempotencyStore({ client, tableName: 'remit-idempotency' });
 * const c = await store.claim({ remittanceId, payloadHash, payload, now, leaseMs: 30_000, bankTranId, businessDate, reserveBankTranId: false });
 * ```
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly reservationRetainMs: number;
  private readonly clock: Clock;

  constructor(options: DynamoDbIdempotencyStoreOptions) {
    if (options.tableName === '')
      throw new RemitError(ErrorCode.InvalidConfig, 'tableName must not be empty');
    this.client = options.client;
    this.tableName = options.tableName;
    this.reservationRetainMs = options.reservationRetainMs ?? DEFAULT_RESERVATION_RETAIN_MS;
    this.clock = options.clock ?? systemClock;
  }

  async claim(input: ClaimInput): Promise<ClaimResult> {
    const token = randomUUID();
    const record: Item = defined({
      pk: input.remittanceId,
      payloadHash: input.payloadHash,
      payload: payloadAttribute(input.payload),
      status: RemittanceStatus.Sending,
      openStatus: RemittanceStatus.Sending,
      fence: 1,
      leaseUntil: input.now + input.leaseMs,
      bankTranId: input.bankTranId,
      businessDate: input.businessDate,
      tranKey: tranKeyOf(input.businessDate, input.bankTranId),
      attempts: 1,
      createdAt: input.now,
      updatedAt: input.now,
      claimToken: token,
    });
    const nowSec = Math.floor(input.now / 1000);
    const e = new Expr();
    const recordPut = {
      TableName: this.tableName,
      Item: record,
      ConditionExpression: `attribute_not_exists(${e.n('pk')}) OR ${e.n('ttl')} <= ${e.v(nowSec)}`,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      ...e.attributes(),
    };
    const old = input.reserveBankTranId
      ? await this.putRecordAndReservation(input, recordPut, nowSec)
      : await this.putRecord(recordPut);
    if (old === undefined) return { kind: 'acquired', record: toRecord(record) };
    if (old === 'tran_id_taken') return { kind: 'tran_id_taken' };
    // Our own write landed on an earlier attempt (SDK retry after a lost response).
    if (old.claimToken === token) return { kind: 'acquired', record: toRecord(old) };
    return this.claimExisting(input, old);
  }

  /** The record alone: `undefined` when written, else the live record in the way. */
  private async putRecord(put: PutCommandInput): Promise<Item | undefined> {
    try {
      await this.client.send(new PutCommand(put));
      return undefined;
    } catch (err) {
      const failed = conditionFailedItem(err);
      if (failed === undefined) throw toRemitError(err, 'claim');
      if (failed.item === undefined) {
        throw new RemitError(ErrorCode.Internal, 'claim: condition failed without the record in the way', {
          retryable: true,
        });
      }
      return failed.item;
    }
  }

  /** The record and its bank id's reservation in one transaction. */
  private async putRecordAndReservation(
    input: ClaimInput,
    put: PutCommandInput,
    nowSec: number,
  ): Promise<Item | 'tran_id_taken' | undefined> {
    const tranPut = new Expr();
    const transact: TransactWriteCommandInput = {
      TransactItems: [
        { Put: put },
        {
          Put: {
            TableName: this.tableName,
            Item: this.reservationItem(input.remittanceId, input.businessDate, input.bankTranId, input.now),
            ConditionExpression: this.reservationCondition(tranPut, input.remittanceId, nowSec),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...tranPut.attributes(),
          },
        },
      ],
    };
    try {
      await this.client.send(new TransactWriteCommand(transact));
      return undefined;
    } catch (err) {
      const reasons = conditionCancellation(err);
      if (reasons === undefined) throw toRemitError(err, 'claim');
      const [recordReason, tranReason] = reasons;
      const old = recordReason?.item;
      if (recordReason?.code === 'ConditionalCheckFailed' && old !== undefined) return old;
      if (tranReason?.code === 'ConditionalCheckFailed') return 'tran_id_taken';
      throw toRemitError(err, 'claim');
    }
  }

  /** The record exists and is live: decide from it, taking it over when its lease has expired. */
  private async claimExisting(input: ClaimInput, first: Item): Promise<ClaimResult> {
    let old = first;
    for (let round = 0; round < MAX_RESUME_ROUNDS; round += 1) {
      const current = toRecord(old);
      if (current.payloadHash !== input.payloadHash) return { kind: 'payload_mismatch', record: current };
      if (TERMINAL_STATUSES.has(current.status)) return { kind: 'finished', record: current };
      if (current.leaseUntil > input.now) return { kind: 'busy', leaseUntil: current.leaseUntil };

      const token = randomUUID();
      const e = new Expr();
      const update = e.update({
        set: {
          fence: current.fence + 1,
          leaseUntil: input.now + input.leaseMs,
          updatedAt: input.now,
          openStatus: current.status,
          claimToken: token,
        },
      });
      const condition = `${e.n('fence')} = ${e.v(current.fence)} AND attribute_exists(${e.n('openStatus')}) AND ${e.n('leaseUntil')} <= ${e.v(input.now)}`;
      const r = await this.conditionalUpdate(input.remittanceId, e, update, condition, 'claim (takeover)');
      if ('updated' in r) return { kind: 'resumed', record: toRecord(r.updated) };
      if (r.old === undefined) {
        throw new RemitError(ErrorCode.Internal, `record ${input.remittanceId} vanished during takeover`, {
          retryable: true,
        });
      }
      if (r.old.claimToken === token) return { kind: 'resumed', record: toRecord(r.old) };
      old = r.old; // someone else moved it on: decide again from what they wrote
    }
    const latest = toRecord(old);
    return { kind: 'busy', leaseUntil: latest.leaseUntil };
  }

  async checkpoint(input: CheckpointInput): Promise<CheckpointResult> {
    if (input.bankTranId === undefined && input.businessDate !== undefined) {
      throw invalidInput('checkpoint: bankTranId and businessDate go together');
    }
    const e = new Expr();
    const leaseUntil =
      input.releaseLease === true
        ? input.now
        : input.leaseMs !== undefined
          ? input.now + input.leaseMs
          : undefined;
    const setRaw: string[] = [];
    if (input.status === RemittanceStatus.Unknown) {
      setRaw.push(`${e.n('unknownSince')} = if_not_exists(${e.n('unknownSince')}, ${e.v(input.now)})`);
    }
    const update = e.update({
      set: {
        status: input.status,
        openStatus: input.status,
        updatedAt: input.now,
        leaseUntil,
        bankTranId: input.bankTranId,
        businessDate: input.bankTranId === undefined ? undefined : input.businessDate,
        tranKey:
          input.bankTranId === undefined || input.businessDate === undefined
            ? undefined
            : tranKeyOf(input.businessDate, input.bankTranId),
        reason: input.reason,
        providerCode: input.providerCode,
      },
      setRaw,
      ...(input.addAttempt === true ? { add: { attempts: 1 } } : {}),
    });
    const condition = `${e.n('fence')} = ${e.v(input.fence)} AND attribute_exists(${e.n('openStatus')})`;
    const updateItem = {
      TableName: this.tableName,
      Key: { pk: input.remittanceId },
      UpdateExpression: update,
      ConditionExpression: condition,
      ...e.attributes(),
    };

    if (input.bankTranId === undefined || !input.reserveBankTranId) {
      if (input.bankTranId !== undefined && input.businessDate === undefined) {
        throw invalidInput('checkpoint: bankTranId and businessDate go together');
      }
      try {
        const out = await this.client.send(new UpdateCommand({ ...updateItem, ReturnValues: 'ALL_NEW' }));
        return { kind: 'ok', record: toRecord(out.Attributes as Item) };
      } catch (err) {
        if (conditionFailedItem(err) !== undefined) return { kind: 'fenced' };
        throw toRemitError(err, 'checkpoint');
      }
    }

    // A new bank id: reserve it in the same transaction as the record update.
    if (input.businessDate === undefined)
      throw invalidInput('checkpoint: bankTranId and businessDate go together');
    const t = new Expr();
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: updateItem },
            {
              Put: {
                TableName: this.tableName,
                Item: this.reservationItem(
                  input.remittanceId,
                  input.businessDate,
                  input.bankTranId,
                  input.now,
                ),
                ConditionExpression: this.reservationCondition(
                  t,
                  input.remittanceId,
                  Math.floor(input.now / 1000),
                ),
                ...t.attributes(),
              },
            },
          ],
        }),
      );
    } catch (err) {
      const reasons = conditionCancellation(err);
      if (reasons === undefined) throw toRemitError(err, 'checkpoint');
      if (reasons[0]?.code === 'ConditionalCheckFailed') return { kind: 'fenced' };
      return { kind: 'tran_id_taken' };
    }
    // TransactWriteItems returns no attributes: read back what we wrote (strongly consistent).
    const record = await this.read(input.remittanceId, input.now);
    if (record === undefined)
      throw new RemitError(ErrorCode.Internal, `record ${input.remittanceId} vanished`);
    return { kind: 'ok', record };
  }

  async complete(input: CompleteInput): Promise<CompleteResult> {
    const e = new Expr();
    const update = e.update({
      set: {
        status: input.status,
        updatedAt: input.now,
        leaseUntil: input.now,
        reason: input.reason,
        providerCode: input.providerCode,
        ttl: ttlSecondsAt(input.now + input.retainMs),
      },
      remove: ['openStatus'],
    });
    const condition = `${e.n('fence')} = ${e.v(input.fence)} AND attribute_exists(${e.n('openStatus')})`;
    const r = await this.conditionalUpdate(input.remittanceId, e, update, condition, 'complete');
    if ('updated' in r) return { kind: 'ok', record: toRecord(r.updated) };
    const old = r.old;
    // The same completion retried after a lost response: it already holds.
    if (
      old !== undefined &&
      old.fence === input.fence &&
      old.status === input.status &&
      !isExpired(old, input.now)
    ) {
      return { kind: 'ok', record: toRecord(old) };
    }
    return { kind: 'fenced' };
  }

  async cancel(input: CancelRemittanceInput): Promise<CancelRemittanceResult> {
    const item: Item = defined({
      pk: input.remittanceId,
      payloadHash: input.payloadHash,
      payload: payloadAttribute(input.payload),
      status: RemittanceStatus.Cancelled,
      fence: 0,
      leaseUntil: input.now,
      attempts: 0,
      reason: input.reason,
      createdAt: input.now,
      updatedAt: input.now,
      ttl: ttlSecondsAt(input.now + input.retainMs),
    });
    const e = new Expr();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: `attribute_not_exists(${e.n('pk')}) OR ${e.n('ttl')} <= ${e.v(Math.floor(input.now / 1000))}`,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes(),
        }),
      );
      return { kind: 'cancelled', record: toRecord(item) };
    } catch (err) {
      const failed = conditionFailedItem(err);
      if (failed?.item === undefined) throw toRemitError(err, 'cancel');
      return { kind: 'exists', record: toRecord(failed.item) };
    }
  }

  async markReversed(input: MarkReversedInput): Promise<MarkReversedResult> {
    // The reservation's owner when the id was reserved (read strongly consistent); else, or if
    // that record no longer carries the id, the records the `by-tran-key` index names.
    const owner = await this.reservationOwner(input);
    if (owner !== undefined) {
      const r = await this.reverse(owner, input);
      if (r.kind !== 'not_found') return r;
    }
    for (const remittanceId of await this.recordsIndexedBy(input)) {
      if (remittanceId === owner) continue;
      const r = await this.reverse(remittanceId, input);
      if (r.kind !== 'not_found') return r;
    }
    return { kind: 'not_found' };
  }

  private async reservationOwner(input: MarkReversedInput): Promise<RemittanceId | undefined> {
    const reservation = await this.getItem(
      reservationKey(input.businessDate, input.bankTranId),
      'markReversed',
    );
    return reservation === undefined || isExpired(reservation, input.now)
      ? undefined
      : (reservation.remittanceId as RemittanceId);
  }

  /**
   * Records carrying `tranKey` = (date, bank id) by the `by-tran-key` index. The index is eventually
   * consistent, which is fine here: reversal notices arrive days after the payout succeeded, and
   * the conditional update that follows re-checks status and id on the record itself.
   */
  private async recordsIndexedBy(input: MarkReversedInput): Promise<readonly RemittanceId[]> {
    const e = new Expr();
    try {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TRAN_KEY_INDEX,
          KeyConditionExpression: `${e.n('tranKey')} = ${e.v(tranKeyOf(input.businessDate, input.bankTranId))}`,
          Limit: MAX_TRAN_KEY_CANDIDATES,
          ...e.attributes(),
        }),
      );
      return (out.Items ?? []).map((item) => item.pk as RemittanceId);
    } catch (err) {
      throw toRemitError(err, 'markReversed');
    }
  }

  private async reverse(remittanceId: RemittanceId, input: MarkReversedInput): Promise<MarkReversedResult> {
    const e = new Expr();
    const update = e.update({
      set: { status: RemittanceStatus.Reversed, reason: input.reason, updatedAt: input.now },
    });
    const condition = [
      `${e.n('status')} = ${e.v(RemittanceStatus.Succeeded)}`,
      `${e.n('bankTranId')} = ${e.v(input.bankTranId)}`,
      `${e.n('businessDate')} = ${e.v(input.businessDate)}`,
    ].join(' AND ');
    const r = await this.conditionalUpdate(remittanceId, e, update, condition, 'markReversed');
    if ('updated' in r) return { kind: 'reversed', record: toRecord(r.updated) };
    const old = r.old;
    if (
      old !== undefined &&
      !isExpired(old, input.now) &&
      old.status === RemittanceStatus.Reversed &&
      old.bankTranId === input.bankTranId &&
      old.businessDate === input.businessDate
    ) {
      return { kind: 'already_reversed', record: toRecord(old) };
    }
    return { kind: 'not_found' };
  }

  /**
   * One conditional UpdateItem: the item as written, or — when the condition fails — the item as it
   * was (ALL_OLD), so every conflict costs one round trip. Other failures are thrown as RemitError.
   */
  private async conditionalUpdate(
    pk: string,
    e: Expr,
    update: string,
    condition: string,
    operation: string,
  ): Promise<{ readonly updated: Item } | { readonly old: Item | undefined }> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk },
          UpdateExpression: update,
          ConditionExpression: condition,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes(),
        }),
      );
      return { updated: out.Attributes as Item };
    } catch (err) {
      const failed = conditionFailedItem(err);
      if (failed === undefined) throw toRemitError(err, operation);
      return { old: failed.item };
    }
  }

  async get(input: GetRecordInput): Promise<RemittanceRecord | undefined> {
    return this.read(input.remittanceId, this.clock.now());
  }

  async listOpen(input: ListOpenInput): Promise<RecordPage> {
    const limit = Math.max(1, Math.min(Math.floor(input.limit), MAX_LIST_OPEN_LIMIT));
    let position =
      input.cursor === undefined
        ? { s: 0, k: undefined as Record<string, unknown> | undefined }
        : decodeCursor<{ s: number; k?: Record<string, unknown> }>(input.cursor, 'listOpen');
    if (!Number.isInteger(position.s) || position.s < 0 || position.s >= OPEN_STATUSES.length) {
      throw new RemitError(ErrorCode.InvalidInput, 'listOpen: malformed cursor');
    }
    const records: RemittanceRecord[] = [];
    // One Query per open status (the GSI's partitions), oldest first within each.
    while (position.s < OPEN_STATUSES.length && records.length < limit) {
      const e = new Expr();
      let out: { Items?: Item[] | undefined; LastEvaluatedKey?: Record<string, unknown> | undefined };
      try {
        out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: OPEN_INDEX,
            KeyConditionExpression: `${e.n('openStatus')} = ${e.v(OPEN_STATUSES[position.s])} AND ${e.n('updatedAt')} < ${e.v(input.updatedBefore)}`,
            Limit: limit - records.length,
            ...(position.k === undefined ? {} : { ExclusiveStartKey: position.k }),
            ...e.attributes(),
          }),
        );
      } catch (err) {
        throw toRemitError(err, 'listOpen');
      }
      for (const item of out.Items ?? []) records.push(toRecord(item));
      position =
        out.LastEvaluatedKey === undefined
          ? { s: position.s + 1, k: undefined }
          : { s: position.s, k: out.LastEvaluatedKey };
    }
    return position.s < OPEN_STATUSES.length ? { records, nextCursor: encodeCursor(position) } : { records };
  }

  private reservationItem(
    remittanceId: RemittanceId,
    businessDate: BusinessDate,
    bankTranId: BankTranId,
    now: InstantMs,
  ): Item {
    return {
      pk: reservationKey(businessDate, bankTranId),
      remittanceId,
      bankTranId,
      businessDate,
      createdAt: now,
      ttl: ttlSecondsAt(Math.max(now, startOfBusinessDate(businessDate)) + this.reservationRetainMs),
    };
  }

  /** Free, already ours (idempotent re-reserve), or expired. */
  private reservationCondition(e: Expr, remittanceId: RemittanceId, nowSec: number): string {
    return `attribute_not_exists(${e.n('pk')}) OR ${e.n('remittanceId')} = ${e.v(remittanceId)} OR ${e.n('ttl')} <= ${e.v(nowSec)}`;
  }

  private async read(remittanceId: RemittanceId, now: InstantMs): Promise<RemittanceRecord | undefined> {
    const item = await this.getItem(remittanceId, 'get');
    return item === undefined || isExpired(item, now) ? undefined : toRecord(item);
  }

  private async getItem(pk: string, operation: string): Promise<Item | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }),
      );
      return out.Item;
    } catch (err) {
      throw toRemitError(err, operation);
    }
  }
}

/**
 * The message is stored as its JSON text, one string attribute: DynamoDB never queries inside it,
 * and a map of ~15 nested attributes costs marshalling on both sides of every claim and every
 * read (about 8% of a payout's two writes on DynamoDB Local). The payload hash is computed over
 * the message itself, not this text.
 */
function payloadAttribute(payload: RemittanceMessage): string {
  return JSON.stringify(payload);
}

/** Reads the JSON text, and the map form earlier versions wrote. */
function payloadOf(value: unknown): RemittanceRecord['payload'] {
  if (typeof value !== 'string') return value as RemittanceRecord['payload'];
  try {
    return JSON.parse(value) as RemittanceRecord['payload'];
  } catch (err) {
    throw new RemitError(ErrorCode.Internal, 'stored payload is not JSON', { cause: err });
  }
}

function toRecord(item: Item): RemittanceRecord {
  return defined({
    remittanceId: item.pk as RemittanceRecord['remittanceId'],
    payloadHash: item.payloadHash as string,
    payload: payloadOf(item.payload),
    status: item.status as RemittanceStatus,
    fence: item.fence as number,
    leaseUntil: item.leaseUntil as number,
    bankTranId: item.bankTranId as BankTranId | undefined,
    businessDate: item.businessDate as BusinessDate | undefined,
    attempts: item.attempts as number,
    unknownSince: item.unknownSince as number | undefined,
    reason: item.reason as string | undefined,
    providerCode: item.providerCode as string | undefined,
    createdAt: item.createdAt as number,
    updatedAt: item.updatedAt as number,
  }) as RemittanceRecord;
}
