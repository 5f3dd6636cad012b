import {
  CreateTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { TableSchema } from '../schema.js';
import { toRemitError } from './document-client.js';

/**
 * Creates a table from one of `schema.ts`'s definitions (on demand, GSIs as declared, TTL on)
 * and waits until it is active. For tests, the local demo and scripts; deployments create tables
 * with infra-cdk from the same constants.
 *
 * @example
 * ```ts
 * await createTableFromSchema(new DynamoDBClient({ endpoint }), idempotencyTable, 'remit-idem-test');
 * ```
 */
export async function createTableFromSchema(
  client: DynamoDBClient,
  schema: TableSchema,
  tableName: string,
  options: { waitSeconds?: number } = {},
): Promise<void> {
  const attributes = new Map<string, string>();
  const keys = [
    schema.partitionKey,
    schema.sortKey,
    ...schema.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  for (const k of keys) if (k !== undefined) attributes.set(k.name, k.type);
  const keySchema = (pk: { name: string }, sk?: { name: string }) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk === undefined ? [] : [{ AttributeName: sk.name, KeyType: 'RANGE' as const }]),
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType: AttributeType as 'S' | 'N',
        })),
        KeySchema: keySchema(schema.partitionKey, schema.sortKey),
        ...(schema.globalSecondaryIndexes.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: schema.globalSecondaryIndexes.map((i) => ({
                IndexName: i.indexName,
                KeySchema: keySchema(i.partitionKey, i.sortKey),
                Projection: { ProjectionType: i.projection ?? 'ALL' },
              })),
            }),
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: options.waitSeconds ?? 60 }, { TableName: tableName });
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: schema.ttlAttribute, Enabled: true },
      }),
    );
  } catch (err) {
    throw toRemitError(err, `create table ${tableName}`);
  }
}
