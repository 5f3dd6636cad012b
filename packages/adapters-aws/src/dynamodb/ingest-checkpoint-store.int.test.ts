// The IngestCheckpointStore contract on DynamoDB Local, plus what only this adapter can get wrong:
// the item's key and attributes in the orders table, next to orders and match records.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isRemitError, parseAccountId } from '@remit/core';
import { describeIngestCheckpointStoreContract } from '@remit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersTable } from '../schema.js';
import { dynamoFixture } from '../test-support/env.js';
import type { DocumentClient } from './document-client.js';
import { DynamoDbIngestCheckpointStore } from './ingest-checkpoint-store.js';

const T0 = Date.UTC(2026, 10, 28, 1, 0);
const fx = dynamoFixture();
let tableName: string;

beforeAll(async () => {
  tableName = await fx.table(ordersTable, 'ingest-checkpoints');
});
afterAll(() => fx.destroy());

// One table: the suite isolates each test by its own account. Two instances stand for two Lambda
// environments advancing the same checkpoint.
describeIngestCheckpointStoreContract({
  name: 'DynamoDbIngestCheckpointStore (DynamoDB Local)',
  create: async () => ({
    store: new DynamoDbIngestCheckpointStore({ client: fx.doc, tableName }),
    peer: new DynamoDbIngestCheckpointStore({ client: fx.doc, tableName }),
  }),
});

describe('DynamoDbIngestCheckpointStore', () => {
  it('stores one item per account, pk ingest#<accountId>, without a TTL', async () => {
    const store = new DynamoDbIngestCheckpointStore({ client: fx.doc, tableName });
    const accountId = parseAccountId('acct-layout');
    await store.advance({ accountId, readUpToMs: T0 });
    const out = await fx.doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'ingest#acct-layout' }, ConsistentRead: true }),
    );
    expect(out.Item).toEqual({ pk: 'ingest#acct-layout', readUpToMs: T0 });
  });

  it('reads strongly consistent', async () => {
    const seen: unknown[] = [];
    const client: DocumentClient = {
      send: ((command: { input: unknown }) => {
        seen.push(command.input);
        return fx.doc.send(command as never);
      }) as DocumentClient['send'],
    };
    const store = new DynamoDbIngestCheckpointStore({ client, tableName });
    await store.get({ accountId: parseAccountId('acct-consistent') });
    expect(seen).toEqual([expect.objectContaining({ ConsistentRead: true })]);
  });

  it('a corrupt item is an error, not a missing checkpoint (that would silently shrink the window)', async () => {
    await fx.doc.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'ingest#acct-corrupt', readUpToMs: 'x' } }),
    );
    const store = new DynamoDbIngestCheckpointStore({ client: fx.doc, tableName });
    const err = await store.get({ accountId: parseAccountId('acct-corrupt') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRemitError(err) && err.code === 'INTERNAL').toBe(true);
  });

  it('a missing table is an infrastructure error, thrown', async () => {
    const store = new DynamoDbIngestCheckpointStore({ client: fx.doc, tableName: `${tableName}-missing` });
    await expect(store.advance({ accountId: parseAccountId('acct-x'), readUpToMs: T0 })).rejects.toSatisfy(
      isRemitError,
    );
  });
});
