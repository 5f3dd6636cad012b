/**
 * Ingest checkpoints as one item per receiving account in the orders table (ingest already reads
 * and writes that table, so no new table and no new grant):
 *
 *   pk = ingest#<accountId>   readUpToMs = start of the last run that read the account to its end
 *
 * `advance` is one conditional UpdateItem (`attribute_not_exists(pk) OR readUpToMs < :new`), so
 * overlapping runs in different Lambda environments can finish in any order: the latest start wins.
 * Reads are strongly consistent: an eventually consistent read could return the value before the
 * last advance, which only widens the window (harmless), but there is no reason to pay for that.
 * No TTL: a checkpoint must outlive any outage, or the next run would not know it has a gap.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AccountId,
  type AdvanceIngestCheckpointInput,
  type AdvanceIngestCheckpointResult,
  ErrorCode,
  type GetIngestCheckpointInput,
  type IngestCheckpoint,
  type IngestCheckpointStore,
  invalidInput,
  RemitError,
} from '@remit/core';
import { conditionFailedItem, type DocumentClient, toRemitError } from './document-client.js';
import { Expr } from './expressions.js';

export interface DynamoDbIngestCheckpointStoreOptions {
  readonly client: DocumentClient;
  /** Physical name of the table created from `ordersTable`. */
  readonly tableName: string;
}

const keyOf = (accountId: AccountId) => ({ pk: `ingest#${accountId}` });

/**
 * {@link IngestCheckpointStore} over items of the orders table.
 *
 * @example
 * ```ts
 * const checkpoints = new DynamoDbIngestCheckpointStore({ client, tableName: 'remit-orders' });
 * await checkpoints.advance({ accountId, readUpToMs: now }); // { kind: 'advanced' } or { kind: 'stale' }
 * ```
 */
export class DynamoDbIngestCheckpointStore implements IngestCheckpointStore {
  private readonly client: DocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbIngestCheckpointStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async get(input: GetIngestCheckpointInput): Promise<IngestCheckpoint | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: keyOf(input.accountId), ConsistentRead: true }),
      );
      item = out.Item;
    } catch (err) {
      throw toRemitError(err, 'ingest checkpoint get');
    }
    if (item === undefined) return undefined;
    const readUpToMs = item.readUpToMs;
    if (typeof readUpToMs !== 'number' || !Number.isSafeInteger(readUpToMs)) {
      throw new RemitError(
        ErrorCode.Internal,
        `ingest checkpoint of ${input.accountId} has no integer readUpToMs: ${String(readUpToMs)}`,
      );
    }
    return { readUpToMs };
  }

  async advance(input: AdvanceIngestCheckpointInput): Promise<AdvanceIngestCheckpointResult> {
    if (!Number.isSafeInteger(input.readUpToMs)) {
      throw invalidInput(`readUpToMs must be integer epoch ms, got ${input.readUpToMs}`);
    }
    const e = new Expr();
    const readUpTo = e.n('readUpToMs');
    const to = e.v(input.readUpToMs);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(input.accountId),
          UpdateExpression: e.update({ setRaw: [`${readUpTo} = ${to}`] }),
          // Only forwards: an older run finishing last leaves the later watermark in place.
          ConditionExpression: `attribute_not_exists(${e.n('pk')}) OR ${readUpTo} < ${to}`,
          ...e.attributes(),
        }),
      );
      return { kind: 'advanced' };
    } catch (err) {
      if (conditionFailedItem(err) !== undefined) return { kind: 'stale' };
      throw toRemitError(err, 'ingest checkpoint advance');
    }
  }
}
