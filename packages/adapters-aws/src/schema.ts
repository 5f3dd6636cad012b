/**
 * The DynamoDB tables remit uses, defined once: the AWS adapters read and write them with these
 * key names, and infra-cdk creates them from the same constants, so the two cannot drift.
 *
 * Plain data only (no SDK, no CDK): both sides import it.
 */

export const AttributeType = { S: 'S', N: 'N' } as const;
export type AttributeType = (typeof AttributeType)[keyof typeof AttributeType];

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

/** What a GSI copies from each item: everything, or only the table's and the index's keys. */
export const IndexProjection = { All: 'ALL', KeysOnly: 'KEYS_ONLY' } as const;
export type IndexProjection = (typeof IndexProjection)[keyof typeof IndexProjection];

export interface IndexSchema {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * Default `ALL`. `KEYS_ONLY` when readers only need to find the item's key: the index then
   * costs a small write when its key is set or changed, not a full copy on every update.
   */
  readonly projection?: IndexProjection;
}

export interface TableSchema {
  /** Logical name; the physical name is chosen by the deployment (CDK) or the test. */
  readonly logicalName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Epoch-seconds attribute DynamoDB's TTL deletes by (lazily: readers treat expired as absent). */
  readonly ttlAttribute: string;
  readonly globalSecondaryIndexes: readonly IndexSchema[];
}

/**
 * Idempotency records, one per remittance (`pk` = remittance id), plus the bank-transaction-id
 * reservations (`pk` = `tran#<businessDate>#<bankTranId>`) written in the same transaction as the
 * claim when the sequence may repeat (Redis), so a number handed out twice can never be sent twice.
 * `openStatus` is set only while a record is not terminal (sparse index): reconcile queries it
 * to find `unknown` payouts and stale claims without scanning.
 * `tranKey` (`<businessDate>#<bankTranId>`) is on every record that carries a bank id: a reversal
 * notice finds its payout through `by-tran-key` when no reservation was written (keys only: the
 * reversal then updates the record by `pk`, conditioned on its status and id).
 */
export const idempotencyTable: TableSchema = {
  logicalName: 'Idempotency',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'ttl',
  globalSecondaryIndexes: [
    {
      indexName: 'open-by-status',
      partitionKey: { name: 'openStatus', type: 'S' },
      sortKey: { name: 'updatedAt', type: 'N' },
    },
    {
      indexName: 'by-tran-key',
      partitionKey: { name: 'tranKey', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
};

/**
 * Orders and the per-deposit match records (`pk` = `order#<id>` | `deposit#<id>` | `name#...`).
 * Ingest's per-account checkpoints live here too (`pk` = `ingest#<accountId>`, `readUpToMs`, no TTL).
 * `matchAccount` (the receiving account id; `closed#<account>` once paid or cancelled, so a late
 * deposit is recognised as an orphan) and `matchName` (the normalised depositor name) let a deposit
 * find its candidates with one Query per partition (begins_with on the bank's truncated name).
 * Indexes project ALL attributes: the matcher decides from the index alone.
 */
export const ordersTable: TableSchema = {
  logicalName: 'Orders',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'ttl',
  globalSecondaryIndexes: [
    {
      indexName: 'pending-by-name',
      partitionKey: { name: 'matchAccount', type: 'S' },
      sortKey: { name: 'matchName', type: 'S' },
    },
  ],
};

/**
 * Sequence counters per (institution, business date) for the DynamoDB generator, which reserves
 * blocks of numbers from them (`pk` = `seq#<institution>#<date>`, `value` = last number reserved).
 */
export const sequencesTable: TableSchema = {
  logicalName: 'Sequences',
  partitionKey: { name: 'pk', type: 'S' },
  ttlAttribute: 'ttl',
  globalSecondaryIndexes: [],
};

export const tableSchemas = [idempotencyTable, ordersTable, sequencesTable] as const;
