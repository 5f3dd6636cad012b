// Test-only helpers for the integration tier: clients on the harness's servers and per-file
// tables created from schema.ts with a random suffix. Never exported from the package index.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableFromSchema } from '../dynamodb/create-table.js';
import { createDynamoDbClient, localEnv, uniqueName } from '../local-servers/vitest.js';
import type { TableSchema } from '../schema.js';

export interface DynamoFixture {
  readonly raw: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  table(schema: TableSchema, prefix: string): Promise<string>;
  destroy(): void;
}

export function dynamoFixture(): DynamoFixture {
  const raw = createDynamoDbClient(localEnv().dynamodb);
  const doc = DynamoDBDocumentClient.from(raw);
  return {
    raw,
    doc,
    async table(schema, prefix) {
      const name = uniqueName(prefix);
      await createTableFromSchema(raw, schema, name);
      return name;
    },
    destroy: () => raw.destroy(),
  };
}
