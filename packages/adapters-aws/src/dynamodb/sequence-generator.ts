/**
 * Per-day sequence numbers from a DynamoDB counter, served in blocks: the no-Redis generator, and
 * the one that makes the claim's reservation unnecessary (`guarantee: 'unique'`).
 *
 * One conditional atomic update (`ADD value <blockSize>` if `value <= max - blockSize`) reserves a
 * block of numbers for this process; they are handed out from memory, so a draw costs
 * 1/blockSize of a write. Concurrent `next()` calls in one process share one in-flight fetch.
 *
 *   pk = seq#<institution>#<YYYYMMDD>   value = last number reserved   ttl = date start + retention
 *
 *   process A: ADD 64 -> 64   serves 1..64     ADD 64 -> 192  serves 129..192
 *   process B: ADD 64 -> 128  serves 65..128   (dies after 70: 71..128 are gaps)
 *   near max (950,000):  value 949,990 -> SET value = 950,000 if value = 949,990: serves 949,991..950,000
 *   past max: SEQUENCE_EXHAUSTED, never a wrap-around
 *
 * Why `unique`: every number belongs to the range of exactly one successful conditional update,
 * which DynamoDB applies atomically on the item's leader and acknowledges only once durable; a
 * crash, a retry or a lost response can only skip numbers (gaps: the provider requires uniqueness
 * per day, not contiguity), never hand one out again. That holds as long as the counter item is
 * never rolled back while its date is in use: `retainMs` >= 2 days, nobody deletes it by hand, and
 * the table is never restored in place from a backup (a restore would bring back older values:
 * run with a `may_repeat` generator (Redis) for that day, or restore to a new table and move on
 * to the next date).
 *
 * Numbers are not in time order across processes (A may send 129 before B sends 70); the provider
 * asks for uniqueness per day only. The unused rest of a block when a process ends (a Lambda
 * environment recycled) is a gap: at most `blockSize - 1` numbers per process per day.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type BusinessDate,
  ErrorCode,
  type NextSequenceInput,
  type NextSequenceResult,
  RemitError,
  type SequenceGenerator,
  SequenceGuarantee,
  startOfBusinessDate,
} from '@remit/core';
import { conditionFailedItem, type DocumentClient, toRemitError, ttlSecondsAt } from './document-client.js';
import { Expr } from './expressions.js';

export interface DynamoDbSequenceGeneratorOptions {
  readonly client: DocumentClient;
  /** Physical name of the table created from `sequencesTable`. */
  readonly tableName: string;
  /** The formatter's daily maximum. */
  readonly maxSequence: number;
  /**
   * How long a counter is kept after its business date starts. Default 3 days; at least 2 so a
   * counter is never deleted (and restarted at 1) while its date is still in use.
   */
  readonly retainMs?: number;
  /**
   * Numbers reserved per write. Default 64: a draw costs 1/64 of a write, and a process that ends
   * wastes at most 63 numbers of the day (1,000 Lambda environments a day: 63,000 of firm-banking's
   * 950,000). 1 makes every draw a write and leaves no gaps but redeliveries. At most 1,000.
   */
  readonly blockSize?: number;
}

const DAY_MS = 86_400_000;
export const DEFAULT_SEQUENCE_BLOCK_SIZE = 64;
/** Above this a recycled process could waste a noticeable share of a firm-banking day (950,000). */
export const MAX_SEQUENCE_BLOCK_SIZE = 1_000;
/**
 * Counters kept in memory: one per (institution, business date) in use, so 1-2 in practice. The
 * oldest is dropped past this (its unused numbers become gaps), bounding a long-lived process.
 */
const MAX_CACHED_COUNTERS = 16;
/**
 * Tries to take the partial last block when other processes keep moving the counter. Each lost
 * race means the counter moved towards the maximum, so a few suffice; then a retryable CONFLICT.
 */
const MAX_LAST_BLOCK_ROUNDS = 5;

/** Numbers `next..last` reserved for this process; `exhausted` once the counter is at the maximum. */
interface Counter {
  next: number;
  last: number;
  exhausted: boolean;
  fetching: Promise<void> | undefined;
}

/**
 * {@link SequenceGenerator} over a DynamoDB counter item, one block of numbers per write.
 *
 * @example
 * ```ts
 * const sequence = new DynamoDbSequenceGenerator({ client, tableName: 'remit-sequences', maxSequence: 950_000 });
 * const { value } = await sequence.next({ institution, businessDate });
 * ```
 */
export class DynamoDbSequenceGenerator implements SequenceGenerator {
  /** Numbers come from strongly consistent conditional writes: never handed out twice. */
  readonly guarantee = SequenceGuarantee.Unique;
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly maxSequence: number;
  private readonly retainMs: number;
  private readonly blockSize: number;
  private readonly counters = new Map<string, Counter>();

  constructor(options: DynamoDbSequenceGeneratorOptions) {
    if (!Number.isSafeInteger(options.maxSequence) || options.maxSequence < 1) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `maxSequence must be a positive integer, got ${options.maxSequence}`,
      );
    }
    const retainMs = options.retainMs ?? 3 * DAY_MS;
    if (retainMs < 2 * DAY_MS)
      throw new RemitError(ErrorCode.InvalidConfig, 'retainMs must be at least 2 days');
    const blockSize = options.blockSize ?? DEFAULT_SEQUENCE_BLOCK_SIZE;
    if (!Number.isSafeInteger(blockSize) || blockSize < 1 || blockSize > MAX_SEQUENCE_BLOCK_SIZE) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `blockSize must be an integer from 1 to ${MAX_SEQUENCE_BLOCK_SIZE}, got ${blockSize}`,
      );
    }
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxSequence = options.maxSequence;
    this.retainMs = retainMs;
    this.blockSize = blockSize;
  }

  async next(input: NextSequenceInput): Promise<NextSequenceResult> {
    const pk = `seq#${input.institution}#${input.businessDate}`;
    const counter = this.counterOf(pk);
    // Each round either hands out a number, waits for the one fetch in flight, or starts it; a
    // fetch either adds at least one number or throws, so this ends.
    for (;;) {
      if (counter.next <= counter.last) {
        const value = counter.next;
        counter.next += 1;
        return { value };
      }
      if (counter.exhausted) throw this.exhausted(input);
      counter.fetching ??= this.fetchBlock(pk, input, counter).finally(() => {
        counter.fetching = undefined;
      });
      await counter.fetching;
    }
  }

  private counterOf(pk: string): Counter {
    let counter = this.counters.get(pk);
    if (counter === undefined) {
      counter = { next: 1, last: 0, exhausted: false, fetching: undefined };
      this.counters.set(pk, counter);
      if (this.counters.size > MAX_CACHED_COUNTERS) {
        const oldest = this.counters.keys().next().value;
        // Callers holding the dropped counter finish with it; a later call starts a new block.
        if (oldest !== undefined) this.counters.delete(oldest);
      }
    }
    return counter;
  }

  /** Reserve the next full block, or the partial last one, or learn the counter is exhausted. */
  private async fetchBlock(pk: string, input: NextSequenceInput, counter: Counter): Promise<void> {
    const size = Math.min(this.blockSize, this.maxSequence);
    const e = new Expr();
    const update = e.update({ set: { ttl: this.ttlOf(input.businessDate) }, add: { value: size } });
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk },
          UpdateExpression: update,
          // value + size <= max: a full block never passes the maximum.
          ConditionExpression: `attribute_not_exists(${e.n('value')}) OR ${e.n('value')} <= ${e.v(this.maxSequence - size)}`,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...e.attributes(),
        }),
      );
      const last = numberOf(out.Attributes?.value);
      counter.next = last - size + 1;
      counter.last = last;
    } catch (err) {
      const failed = conditionFailedItem(err);
      if (failed === undefined) throw toRemitError(err, 'sequence next');
      await this.takeLastBlock(pk, input, counter, failed.item?.value);
    }
  }

  /** Fewer than a block is left: take what remains up to the maximum, if anything. */
  private async takeLastBlock(
    pk: string,
    input: NextSequenceInput,
    counter: Counter,
    seen: unknown,
  ): Promise<void> {
    let current = numberOf(seen);
    for (let round = 0; round < MAX_LAST_BLOCK_ROUNDS; round += 1) {
      if (current >= this.maxSequence) {
        counter.exhausted = true;
        throw this.exhausted(input);
      }
      const e = new Expr();
      const update = e.update({
        set: { value: this.maxSequence, ttl: this.ttlOf(input.businessDate) },
      });
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk },
            UpdateExpression: update,
            ConditionExpression: `${e.n('value')} = ${e.v(current)}`,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...e.attributes(),
          }),
        );
        counter.next = current + 1;
        counter.last = this.maxSequence;
        return;
      } catch (err) {
        const failed = conditionFailedItem(err);
        if (failed === undefined) throw toRemitError(err, 'sequence next (last block)');
        current = numberOf(failed.item?.value); // another process took some: look again
      }
    }
    throw new RemitError(
      ErrorCode.Conflict,
      `sequence for ${input.institution} on ${input.businessDate}: lost ${MAX_LAST_BLOCK_ROUNDS} races for the last block`,
      { retryable: true },
    );
  }

  private ttlOf(businessDate: BusinessDate): number {
    return ttlSecondsAt(startOfBusinessDate(businessDate) + this.retainMs);
  }

  private exhausted(input: NextSequenceInput): RemitError {
    return new RemitError(
      ErrorCode.SequenceExhausted,
      `sequence for ${input.institution} on ${input.businessDate} reached its maximum ${this.maxSequence}`,
      {
        details: {
          institution: input.institution,
          businessDate: input.businessDate,
          max: this.maxSequence,
        },
      },
    );
  }
}

function numberOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RemitError(ErrorCode.Internal, `sequence counter holds ${String(value)}`);
  }
  return value;
}
