// The core port contract suites, run against DynamoDB Local (the harness's server).
import {
  describeIdempotencyStoreContract,
  describeOrderMatcherContract,
  describeSequenceGeneratorContract,
} from '@remit/core/testing';
import { afterAll, beforeAll } from 'vitest';
import { idempotencyTable, ordersTable, sequencesTable } from '../schema.js';
import { ManualClock } from '../test-support/clock.js';
import { dynamoFixture } from '../test-support/env.js';
import { DynamoDbIdempotencyStore } from './idempotency-store.js';
import { DynamoDbOrderMatcher } from './order-matcher.js';
import { DEFAULT_SEQUENCE_BLOCK_SIZE, DynamoDbSequenceGenerator } from './sequence-generator.js';

/** 2026-11-28 10:00 KST, as the memory suites start. */
const START = Date.UTC(2026, 10, 28, 1, 0);
const fx = dynamoFixture();
let ordersTableName: string;

beforeAll(async () => {
  ordersTableName = await fx.table(ordersTable, 'orders-contract');
});
afterAll(() => fx.destroy());

// A fresh table per test: listOpen counts every open record in the table.
describeIdempotencyStoreContract({
  name: 'DynamoDbIdempotencyStore (DynamoDB Local)',
  create: async () => {
    const clock = new ManualClock(START);
    const tableName = await fx.table(idempotencyTable, 'idem-contract');
    return { store: new DynamoDbIdempotencyStore({ client: fx.doc, tableName, clock }), clock };
  },
});

// One table: the suite isolates each test by its own receiving account.
describeOrderMatcherContract({
  name: 'DynamoDbOrderMatcher (DynamoDB Local)',
  create: async () => ({ matcher: new DynamoDbOrderMatcher({ client: fx.doc, tableName: ordersTableName }) }),
});

// Two instances over one table stand for two processes (Lambda environments) sharing the counter.
for (const blockSize of [DEFAULT_SEQUENCE_BLOCK_SIZE, 7, 1]) {
  describeSequenceGeneratorContract({
    name: `DynamoDbSequenceGenerator, blocks of ${blockSize} (DynamoDB Local)`,
    create: async ({ maxSequence }) => {
      const tableName = await fx.table(sequencesTable, 'seq-contract');
      const options = { client: fx.doc, tableName, maxSequence, blockSize };
      return {
        generator: new DynamoDbSequenceGenerator(options),
        peer: new DynamoDbSequenceGenerator(options),
      };
    },
  });
}
