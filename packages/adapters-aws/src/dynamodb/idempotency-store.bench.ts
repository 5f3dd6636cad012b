// `pnpm bench idempotent`: one payout's durable writes in remit vs Powertools idempotency
// (DynamoDB persistence layer: in-progress put, completed update), on DynamoDB Local.
//
// Headline (target >= 1.0x Powertools' calls/s): draw the bank id from the DynamoDB block counter
// (`unique`, a write per 64 draws), claim = ONE conditional PutItem carrying the write-ahead id,
// fence, lease and payload hash, then complete = one conditional UpdateItem. That is
// Powertools' own two writes, while doing the write-ahead (docs/decisions/0004, 0005).
//
// Two reference cases isolate what DynamoDB Local charges for secondary indexes: remit's store on a
// copy of its table without the two GSIs, and Powertools on a table that declares them (its items
// carry none of the index keys, so nothing is indexed). The emulator maintains indexes
// synchronously, inside every write to a table that has any, indexed item or not; DynamoDB updates
// GSIs asynchronously, outside the write's latency. The status index is not optional: it is how
// reconcile finds unknown payouts and stale claims without a scan.
//
// Reported without a target: the Redis sequence (`may_repeat`), whose claim must also reserve the
// id: a TransactWriteItems of two puts. On DynamoDB Local a two-item transaction costs about two
// writes and transactions run one at a time (a global lock; DynamoDB itself does not), so under
// concurrency it measures the emulator. "Powertools + a reservation put" is Powertools doing
// that same job (3 writes), for comparison.
//
// Target on ONE payout in flight (how the FIFO worker runs: a batch's records in order, one at a
// time); 16 in flight is reported too. Every case writes to DynamoDB Local, whose tables grow (and
// slow) as the run goes on, so the cases are interleaved in rounds (`rounds`): measured one after
// the other, the later cases paid for the earlier ones' rows (1.59x in one order, 0.97x in the other).

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  businessDateOf,
  openBankingFormat,
  payloadHashOf,
  type RemittanceMessage,
  type SequenceGenerator,
} from '@remit/core';
import type { BenchSuite } from '@remit/core/testing';
import type { Redis } from 'ioredis';
import {
  createRedisClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalServers,
  startLocalServers,
  uniqueName,
} from '../local-servers/index.js';
import { RedisSequenceGenerator, sequenceRedisOptions } from '../redis/sequence-generator.js';
import { idempotencyTable, sequencesTable } from '../schema.js';
import { INSTITUTION, message } from '../test-support/fixtures.js';
import { createTableFromSchema } from './create-table.js';
import { DynamoDbIdempotencyStore } from './idempotency-store.js';
import { DynamoDbSequenceGenerator } from './sequence-generator.js';

const RETAIN_MS = 86_400_000;

interface State {
  servers: LocalServers<{ sqs: false }>;
  raw: DynamoDBClient;
  redis: Redis;
  store: DynamoDbIdempotencyStore;
  /** The same store on a copy of the table without its GSIs (reference only). */
  storeWithoutIndexes: DynamoDbIdempotencyStore;
  /** Powertools on a table declaring remit's GSIs (reference only). */
  powertoolsOnIndexedTable: (m: RemittanceMessage) => Promise<unknown>;
  blocks: SequenceGenerator;
  redisSequence: SequenceGenerator;
  powertools: (m: RemittanceMessage) => Promise<unknown>;
  /** Powertools doing the Redis variant's job: the bank id reserved by a conditional put inside. */
  powertoolsWriteAhead: (m: RemittanceMessage) => Promise<unknown>;
  next: () => number;
}

/** What `remit` does around the transfer call: draw, claim (write-ahead), complete. */
async function payout(s: State, sequence: SequenceGenerator, store = s.store): Promise<void> {
  const m = message(`bench-${s.next()}`);
  const now = Date.now();
  const businessDate = businessDateOf(now);
  const { value } = await sequence.next({ institution: INSTITUTION, businessDate });
  const c = await store.claim({
    remittanceId: m.remittanceId,
    payloadHash: payloadHashOf(m),
    payload: m,
    now,
    leaseMs: 30_000,
    bankTranId: openBankingFormat.format({ institution: INSTITUTION, sequence: value }),
    businessDate,
    reserveBankTranId: sequence.guarantee !== 'unique',
  });
  if (c.kind !== 'acquired') throw new Error(`claim: ${c.kind}`);
  await transfer();
  const done = await store.complete({
    remittanceId: m.remittanceId,
    fence: c.record.fence,
    now,
    status: 'succeeded',
    retainMs: RETAIN_MS,
  });
  if (done.kind !== 'ok') throw new Error(`complete: ${done.kind}`);
}

const transfer = async () => ({ kind: 'succeeded' as const });

function suite(inFlight: number, target: boolean): BenchSuite<State> {
  const times = (fn: () => Promise<unknown>) => Promise.all(Array.from({ length: inFlight }, fn));
  return {
    name: `idempotent payout: claim+complete vs Powertools (DynamoDB Local, ${inFlight} in flight)`,
    timeMs: 6_000,
    rounds: 12,
    async setup() {
      const servers = await startLocalServers({ sqs: false });
      const raw = new DynamoDBClient({
        endpoint: servers.dynamodb.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      });
      const tableName = uniqueName('bench-idem');
      const sequencesName = uniqueName('bench-seq');
      await createTableFromSchema(raw, idempotencyTable, tableName);
      await createTableFromSchema(raw, sequencesTable, sequencesName);
      const ptTable = uniqueName('bench-powertools');
      await createTableFromSchema(
        raw,
        {
          logicalName: 'Powertools',
          partitionKey: { name: 'id', type: 'S' },
          ttlAttribute: 'expiration',
          globalSecondaryIndexes: [],
        },
        ptTable,
      );
      const ptIndexedTable = uniqueName('bench-powertools-indexed');
      await createTableFromSchema(
        raw,
        { ...idempotencyTable, partitionKey: { name: 'id', type: 'S' }, ttlAttribute: 'expiration' },
        ptIndexedTable,
      );
      const unindexedTable = uniqueName('bench-idem-unindexed');
      await createTableFromSchema(raw, { ...idempotencyTable, globalSecondaryIndexes: [] }, unindexedTable);
      const persistenceStore = new DynamoDBPersistenceLayer({ tableName: ptTable, awsSdkV3Client: raw });
      // As in a Lambda: the context registered (else Powertools warns on every call).
      const config = new IdempotencyConfig({});
      config.registerLambdaContext({ getRemainingTimeInMillis: () => 60_000 } as never);
      const powertools = makeIdempotent(async (_m: RemittanceMessage) => transfer(), {
        persistenceStore,
        config,
      });
      const powertoolsOnIndexedTable = makeIdempotent(async (_m: RemittanceMessage) => transfer(), {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName: ptIndexedTable, awsSdkV3Client: raw }),
        config,
      });
      const reserve = (m: RemittanceMessage) =>
        raw.send(
          new PutItemCommand({
            TableName: ptTable,
            Item: {
              id: { S: `tran#${businessDateOf(Date.now())}#${m.orderId}` },
              remittanceId: { S: m.remittanceId },
            },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
      const powertoolsWriteAhead = makeIdempotent(
        async (m: RemittanceMessage) => {
          await reserve(m);
          return transfer();
        },
        { persistenceStore, config },
      );
      const doc = DynamoDBDocumentClient.from(raw);
      const maxSequence = openBankingFormat.maxSequence;
      const redis = createRedisClient(servers.redis, sequenceRedisOptions());
      let n = 0;
      const state: State = {
        servers,
        raw,
        redis,
        store: new DynamoDbIdempotencyStore({ client: doc, tableName }),
        storeWithoutIndexes: new DynamoDbIdempotencyStore({ client: doc, tableName: unindexedTable }),
        powertoolsOnIndexedTable,
        blocks: new DynamoDbSequenceGenerator({ client: doc, tableName: sequencesName, maxSequence }),
        redisSequence: new RedisSequenceGenerator({
          redis,
          maxSequence,
          keyPrefix: `${uniqueName('bench-idem')}:`,
        }),
        powertools,
        powertoolsWriteAhead,
        next: () => (n += 1),
      };
      // Warm every path (and DynamoDB Local's JIT) before any case is timed.
      for (let i = 0; i < 100; i += 1) {
        await state.powertools(message(`warm-pt-${state.next()}`));
        await state.powertoolsWriteAhead(message(`warm-pw-${state.next()}`));
        await payout(state, state.blocks);
        await payout(state, state.redisSequence);
        await payout(state, state.blocks, state.storeWithoutIndexes);
        await state.powertoolsOnIndexedTable(message(`warm-pi-${state.next()}`));
      }
      return state;
    },
    async teardown(s) {
      s.raw.destroy();
      await s.redis.quit();
      await s.servers.stop();
    },
    cases: [
      {
        name: 'Powertools makeIdempotent (DynamoDB)',
        baseline: true,
        opsPerCall: inFlight,
        fn: (s) => times(() => s.powertools(message(`pt-${s.next()}`))),
      },
      {
        name: 'remit: DynamoDB block sequence, claim (1 put) + complete',
        opsPerCall: inFlight,
        fn: (s) => times(() => payout(s, s.blocks)),
        ...(target ? { target: { maxRatio: 1.0 } } : {}),
      },
      {
        name: 'remit: Redis sequence, claim + reservation (transaction) + complete',
        opsPerCall: inFlight,
        fn: (s) => times(() => payout(s, s.redisSequence)),
      },
      {
        name: 'reference: remit (block sequence) on the table without its GSIs',
        opsPerCall: inFlight,
        fn: (s) => times(() => payout(s, s.blocks, s.storeWithoutIndexes)),
      },
      {
        name: "reference: Powertools on a table declaring remit's GSIs",
        opsPerCall: inFlight,
        fn: (s) => times(() => s.powertoolsOnIndexedTable(message(`pi-${s.next()}`))),
      },
      {
        name: 'Powertools + a reservation put inside (3 writes)',
        opsPerCall: inFlight,
        fn: (s) => times(() => s.powertoolsWriteAhead(message(`pw-${s.next()}`))),
      },
    ],
  };
}

export default [suite(1, true), suite(16, false)];
