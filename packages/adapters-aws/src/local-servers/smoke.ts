import { isDeepStrictEqual } from 'node:util';
import {
  CreateTableCommand,
  DeleteTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { createDynamoDbClient, createRedisClient, createSqsClient } from './clients.js';
import { uniqueName } from './names.js';
import type { LocalEnv } from './start.js';

export interface SmokeResult {
  server: 'dynamodb' | 'sqs' | 'redis';
  endpoint: string;
  ok: boolean;
  /** What was checked, or why it failed. */
  detail: string;
  elapsedMs: number;
}

/**
 * One real round trip per server with the real clients, cleaning up after itself:
 * DynamoDB create table/put/get, SQS FIFO create/send/receive/delete, Redis SET/GET.
 * Never throws: failures come back as `ok: false`.
 */
export async function smokeLocalServers(env: Partial<LocalEnv>): Promise<SmokeResult[]> {
  const checks: Promise<SmokeResult>[] = [];
  if (env.dynamodb) checks.push(timed('dynamodb', env.dynamodb.endpoint, () => smokeDynamoDb(env.dynamodb!)));
  if (env.sqs) checks.push(timed('sqs', env.sqs.endpoint, () => smokeSqs(env.sqs!)));
  if (env.redis) checks.push(timed('redis', env.redis.url, () => smokeRedis(env.redis!)));
  return Promise.all(checks);
}

async function timed(
  server: SmokeResult['server'],
  endpoint: string,
  check: () => Promise<string>,
): Promise<SmokeResult> {
  const started = performance.now();
  try {
    const detail = await check();
    return { server, endpoint, ok: true, detail, elapsedMs: performance.now() - started };
  } catch (error) {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { server, endpoint, ok: false, detail, elapsedMs: performance.now() - started };
  }
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function smokeDynamoDb(server: LocalEnv['dynamodb']): Promise<string> {
  const client = createDynamoDbClient(server);
  const TableName = uniqueName('smoke');
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const Item = { pk: { S: 'order#1' }, amountKrw: { N: '10000' } };
    await client.send(new PutItemCommand({ TableName, Item }));
    const got = await client.send(
      new GetItemCommand({ TableName, Key: { pk: Item.pk }, ConsistentRead: true }),
    );
    expectEqual(got.Item, Item, 'GetItem');
    await client.send(new DeleteTableCommand({ TableName }));
    return 'create table, put, get';
  } finally {
    client.destroy();
  }
}

async function smokeSqs(server: LocalEnv['sqs']): Promise<string> {
  const client = createSqsClient(server);
  try {
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: `${uniqueName('smoke')}.fifo`, Attributes: { FifoQueue: 'true' } }),
    );
    if (QueueUrl === undefined) throw new Error('CreateQueue returned no QueueUrl');
    const body = JSON.stringify({ remittanceId: 'r-smoke' });
    await client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: body,
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd',
      }),
    );
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
    const message = got.Messages?.[0];
    expectEqual(message?.Body, body, 'ReceiveMessage');
    await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message!.ReceiptHandle! }));
    await client.send(new DeleteQueueCommand({ QueueUrl }));
    return 'FIFO create, send, receive, delete';
  } finally {
    client.destroy();
  }
}

async function smokeRedis(server: LocalEnv['redis']): Promise<string> {
  const client = createRedisClient(server, { keyPrefix: `${uniqueName('smoke')}:` });
  try {
    await client.set('k', 'v', 'EX', 60);
    expectEqual(await client.get('k'), 'v', 'GET');
    await client.del('k');
    return `SET, GET (${server.startedByUs ? 'started by us' : 'reused'})`;
  } finally {
    client.disconnect();
  }
}
