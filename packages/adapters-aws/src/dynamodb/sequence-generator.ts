/**
 * Per-day sequence numbers from a DynamoDB atomic counter: the no-Redis alternative. One
 * UpdateItem `ADD value 1` conditioned on `value < max`: strongly consistent, never hands a
 * number out twice, ~one write per draw (slower and costlier than Redis under load, which is why
 * Redis is the default; docs/decisions records the trade-off).
 *
 *   pk = seq#<institution>#<YYYYMMDD>   value = last number handed out   ttl = date start + retention
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ErrorCode,
  type NextSequenceInput,
  type NextSequenceResult,
  RemitError,
  type SequenceGenerator,
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
}

const DAY_MS = 86_400_000;

/**
 * {@link SequenceGenerator} over a DynamoDB counter item.
 *
 * @example
 * ```ts
 * const sequence = new DynamoDbSequenceGenerator({ client, tableName: 'remit-sequences', maxSequence: 950_000 });
 * const { value } = await sequence.next({ institution, businessDate });
 * ```
 */
export class DynamoDbSequenceGenerator implements SequenceGenerator {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly maxSequence: number;
  private readonly retainMs: number;

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
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxSequence = options.maxSequence;
    this.retainMs = retainMs;
  }

  async next(input: NextSequenceInput): Promise<NextSequenceResult> {
    const e = new Expr();
    const update = e.update({
      set: { ttl: ttlSecondsAt(startOfBusinessDate(input.businessDate) + this.retainMs) },
      add: { value: 1 },
    });
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `seq#${input.institution}#${input.businessDate}` },
          UpdateExpression: update,
          ConditionExpression: `attribute_not_exists(${e.n('value')}) OR ${e.n('value')} < ${e.v(this.maxSequence)}`,
          ReturnValues: 'UPDATED_NEW',
          ...e.attributes(),
        }),
      );
      const value = out.Attributes?.value;
      if (typeof value !== 'number')
        throw new RemitError(ErrorCode.Internal, `sequence counter returned ${String(value)}`);
      return { value };
    } catch (err) {
      if (conditionFailedItem(err) !== undefined) {
        throw new RemitError(
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
      throw toRemitError(err, 'sequence next');
    }
  }
}
