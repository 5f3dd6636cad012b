// Fault tests of the whole payout path on the AWS adapters: the core `remit` use case over
// DynamoDB Local (idempotency), Redis (sequence), bank-sim (HTTP gateway) and fauxqs (events).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import {
  isRemitError,
  openBankingFormat,
  parseOrderId,
  type RemitConfig,
  type RemitOutcome,
  type RemittanceMessage,
  remit,
  remittanceIdFor,
} from '@remit/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIdempotencyStore } from './dynamodb/idempotency-store.js';
import { HttpTransferGateway } from './http/transfer-gateway.js';
import { createRedisClient, createSqsClient, localEnv, uniqueName } from './local-servers/vitest.js';
import { RedisSequenceGenerator, sequenceRedisOptions } from './redis/sequence-generator.js';
import { idempotencyTable } from './schema.js';
import { SqsRemittanceEvents } from './sqs/remittance-events.js';
import { type SimBank, startSimBank } from './test-support/bank.js';
import { dynamoFixture } from './test-support/env.js';
import { INSTITUTION, message } from './test-support/fixtures.js';

const clock = { now: () => Date.now() };
const config: RemitConfig = {
  institution: INSTITUTION,
  format: openBankingFormat,
  leaseMs: 30_000,
  // Tests run at any hour: no maintenance window of our own (bank-sim has none either).
  maintenance: { startMinuteKst: 0, endMinuteKst: 0 },
  unknownEscalateAfterMs: 3_600_000,
  maxDraws: 100,
  retainMs: 86_400_000,
  retryAfterMs: 1_000,
};

const fx = dynamoFixture();
const sqs = createSqsClient(localEnv().sqs);
let store: DynamoDbIdempotencyStore;
let events: SqsRemittanceEvents;
let bank: SimBank;
let gateway: HttpTransferGateway;

beforeAll(async () => {
  const tableName = await fx.table(idempotencyTable, 'idem-faults');
  store = new DynamoDbIdempotencyStore({ client: fx.doc, tableName });
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('events-faults') }));
  events = new SqsRemittanceEvents({ client: sqs, queueUrl: queue.QueueUrl! });
  bank = await startSimBank();
  gateway = new HttpTransferGateway({
    baseUrl: bank.sim.url,
    accessToken: () => bank.sim.accessToken,
    payerAccountNumber: '100-000-000001',
    headersTimeoutMs: 500,
    bodyTimeoutMs: 500,
  });
});
afterAll(async () => {
  await gateway.close();
  await bank.sim.stop();
  sqs.destroy();
  fx.destroy();
});

let orders = 0;
const nextMessage = (tag: string): RemittanceMessage => {
  orders += 1;
  return message(`flt-${tag}-${orders}`);
};

/** Transfers the bank executed, by bank id: a correct system never has two for one id or one payout. */
function executedIds(): string[] {
  return bank.sim.ledger.executed().map((e) => `${e.businessDate}:${e.bankTranId}`);
}

describe('remit on the AWS adapters under faults', () => {
  it('a transfer that times out after the bank executed it ends succeeded after inquiry, one ledger entry', async () => {
    const redis = createRedisClient(localEnv().redis, sequenceRedisOptions());
    try {
      const sequence = new RedisSequenceGenerator({
        redis,
        maxSequence: openBankingFormat.maxSequence,
        keyPrefix: `${uniqueName('flt-a')}:`,
      });
      const deps = { store, sequence, gateway, events, clock, config };
      const m = nextMessage('timeout');
      bank.sim.controls.injectFault({ kind: 'timeout_after_executing' });
      const first = await remit(deps, { message: m });
      expect(first.kind).toBe('unknown');
      const record = await store.get({ remittanceId: m.remittanceId });
      expect(record).toMatchObject({ status: 'unknown', reason: 'timeout', attempts: 1 });
      // The redelivery resumes the claim and inquires (never resends blindly).
      const second = await remit(deps, { message: m });
      expect(second).toEqual({ kind: 'succeeded', bankTranId: record!.bankTranId });
      const entries = bank.sim.ledger.executed().filter((e) => e.bankTranId === record!.bankTranId);
      expect(entries).toHaveLength(1);
      const transfers = bank.sim.ledger
        .calls()
        .filter((c) => c.endpoint === 'transfer' && c.bankTranId === record!.bankTranId);
      expect(transfers).toHaveLength(1);
      expect((await store.get({ remittanceId: m.remittanceId }))?.status).toBe('succeeded');
      expect(await remit(deps, { message: m })).toEqual({ kind: 'already_finished', status: 'succeeded' });
    } finally {
      redis.disconnect();
    }
  });

  it('a resurrected counter value is caught by the reservation: the use case draws again, no bank id is sent twice', async () => {
    const redis = createRedisClient(localEnv().redis, sequenceRedisOptions());
    try {
      const sequence = new RedisSequenceGenerator({
        redis,
        maxSequence: openBankingFormat.maxSequence,
        keyPrefix: `${uniqueName('flt-r')}:`,
      });
      const deps = { store, sequence, gateway, events, clock, config };
      const before: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const o = await remit(deps, { message: nextMessage('resurrect') });
        expect(o.kind).toBe('succeeded');
        before.push((o as Extract<RemitOutcome, { kind: 'succeeded' }>).bankTranId);
      }
      // A failover to a replica that missed the last writes: the counter goes back to 1.
      const last = await store.get({
        remittanceId: remittanceIdFor(parseOrderId(`flt-resurrect-${orders}`)),
      });
      const key = sequence.keyOf({ institution: INSTITUTION, businessDate: last!.businessDate! });
      await redis.set(key, '1');
      const o = await remit(deps, { message: nextMessage('resurrect') });
      expect(o.kind).toBe('succeeded');
      const id = (o as Extract<RemitOutcome, { kind: 'succeeded' }>).bankTranId;
      expect(before).not.toContain(id);
      // Every number up to the highest one used was drawn again and refused by its reservation.
      const highest = Math.max(...before.map((b) => Number(b.slice(-9))));
      expect(Number(id.slice(-9))).toBe(highest + 1);
      expect(Number(await redis.get(key))).toBe(highest + 1);
      const ids = executedIds();
      expect(new Set(ids).size).toBe(ids.length);
      const sent = bank.sim.ledger
        .calls()
        .filter((c) => c.endpoint === 'transfer')
        .map((c) => c.bankTranId);
      expect(new Set(sent).size).toBe(sent.length);
    } finally {
      redis.disconnect();
    }
  });

  it('Redis stopped mid-run: retryable UNAVAILABLE, no duplicate number; a restarted empty Redis is caught by the reservations', async () => {
    const own = await startOwnRedis();
    const redis = new Redis(own.url, sequenceRedisOptions({ lazyConnect: false }));
    redis.on('error', () => {}); // reported through the commands that fail
    try {
      const sequence = new RedisSequenceGenerator({
        redis,
        maxSequence: openBankingFormat.maxSequence,
        keyPrefix: 'flt-down:',
      });
      const deps = { store, sequence, gateway, events, clock, config };
      const succeeded: string[] = [];
      const failures: unknown[] = [];
      let stop = false;
      // 8 workers pay fresh payouts in a loop; Redis is killed under them.
      const worker = async () => {
        while (!stop) {
          try {
            const o = await remit(deps, { message: nextMessage('down') });
            if (o.kind === 'succeeded') succeeded.push(o.bankTranId);
            else failures.push(new Error(`unexpected ${o.kind}`));
          } catch (err) {
            failures.push(err);
            await sleep(20);
          }
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      while (succeeded.length < 20) await sleep(5);
      own.kill(); // SIGKILL our own redis-server by its PID: writes not persisted anywhere
      const killedAt = succeeded.length;
      await sleep(2_500);
      stop = true;
      await Promise.all(workers);
      expect(failures.length).toBeGreaterThan(0);
      for (const err of failures) {
        expect(isRemitError(err) && err.code === 'UNAVAILABLE' && err.retryable, String(err)).toBe(true);
      }
      expect(new Set(succeeded).size).toBe(succeeded.length);
      expect(succeeded.length).toBeLessThanOrEqual(killedAt + 8); // only payouts that had drawn before the kill

      // An empty Redis comes back on the same port (a replica without the last writes).
      const again = await startOwnRedis(own.port);
      try {
        for (let i = 0; i < 3; i += 1) {
          const o = await remit(deps, { message: nextMessage('down') });
          expect(o.kind).toBe('succeeded');
          const id = (o as Extract<RemitOutcome, { kind: 'succeeded' }>).bankTranId;
          expect(succeeded).not.toContain(id);
          succeeded.push(id);
        }
      } finally {
        again.kill();
      }
      const ids = executedIds();
      expect(new Set(ids).size).toBe(ids.length);
      const sent = bank.sim.ledger
        .calls()
        .filter((c) => c.endpoint === 'transfer')
        .map((c) => c.bankTranId);
      expect(new Set(sent).size).toBe(sent.length);
    } finally {
      redis.disconnect();
      own.kill();
    }
  });
});

interface OwnRedis {
  readonly url: string;
  readonly port: number;
  kill(): void;
}

/** A redis-server of our own (not the shared one), on loopback, killed only by its PID. */
async function startOwnRedis(port?: number): Promise<OwnRedis> {
  const p = port ?? (await freePort());
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('redis-server did not start');
  const probe = new Redis(`redis://127.0.0.1:${p}`, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  for (let i = 0; ; i += 1) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (err) {
      if (i > 100) throw err;
      await sleep(50);
    }
  }
  probe.disconnect();
  let killed = false;
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    kill() {
      if (killed) return;
      killed = true;
      process.kill(pid, 'SIGKILL');
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
