import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient, localEnv, uniqueName } from './vitest.js';

describe('DynamoDB Local (local-servers smoke)', () => {
  const client = createDynamoDbClient(localEnv().dynamodb);
  const table = uniqueName('smoke');

  beforeAll(async () => {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table }));
    client.destroy();
  });

  it('puts and gets an item with the real SDK', async () => {
    await client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'order#1' }, amountKrw: { N: '10000' } } }),
    );
    const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'order#1' } } }));
    expect(got.Item).toEqual({ pk: { S: 'order#1' }, amountKrw: { N: '10000' } });
  });

  it('rejects a failed conditional write and returns the old item', async () => {
    await client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'claim#1' }, owner: { S: 'a' } } }),
    );
    const attempt = client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'claim#1' }, owner: { S: 'b' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item).toEqual({
      pk: { S: 'claim#1' },
      owner: { S: 'a' },
    });
  });
});
