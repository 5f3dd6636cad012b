import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Redis, type RedisOptions } from 'ioredis';

/** Local servers accept any region and credentials; fixed ones keep every client identical. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalClientOptions {
  /** SDK retries; 1 means no retry (the harness's own readiness probes). Default: the SDK's 3. */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

function sdkConfig(endpoint: string, options: LocalClientOptions) {
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.requestTimeoutMs === undefined
      ? {}
      : {
          requestHandler: {
            requestTimeout: options.requestTimeoutMs,
            connectionTimeout: options.requestTimeoutMs,
          },
        }),
  };
}

/** A DynamoDBClient for the local DynamoDB (wrap it in `DynamoDBDocumentClient.from` as needed). */
export function createDynamoDbClient(
  server: { readonly endpoint: string },
  options: LocalClientOptions = {},
): DynamoDBClient {
  return new DynamoDBClient(sdkConfig(server.endpoint, options));
}

/**
 * An SQSClient for fauxqs. The endpoint must be explicit: fauxqs's queue URLs carry a fake
 * host, and the SDK would otherwise send to it.
 */
export function createSqsClient(
  server: { readonly endpoint: string },
  options: LocalClientOptions = {},
): SQSClient {
  return new SQSClient(sdkConfig(server.endpoint, options));
}

/**
 * An ioredis client for the harness's Redis. Give each test file its own `keyPrefix`
 * (e.g. `${uniqueName('seq')}:`): the Redis is shared by every file running in parallel.
 * Call `quit()` when done.
 */
export function createRedisClient(
  server: { readonly url: string },
  options: Omit<RedisOptions, 'replyMapping'> = {},
): Redis {
  // Fail fast in tests instead of queueing commands forever while disconnected.
  return new Redis(server.url, { maxRetriesPerRequest: 1, ...options });
}
