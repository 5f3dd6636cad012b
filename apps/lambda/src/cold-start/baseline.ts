/**
 * The cold-start baseline: a handler that only constructs the clients every remit handler needs
 * (DynamoDB, SQS, Secrets Manager, ioredis, an undici Pool). Anything the real handlers cost on
 * top of this is remit's own (configuration, DI, logging, the domain).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Redis } from 'ioredis';
import { Pool } from 'undici';

const region = process.env.AWS_REGION ?? 'ap-northeast-2';
const clients = {
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
  sqs: new SQSClient({ region }),
  secrets: new SecretsManagerClient({ region }),
  redis: new Redis(process.env.REMIT_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true }),
  provider: new Pool(process.env.REMIT_PROVIDER_BASE_URL ?? 'https://openapi.bank.example'),
};

export const handler = async (): Promise<number> => Object.keys(clients).length;
