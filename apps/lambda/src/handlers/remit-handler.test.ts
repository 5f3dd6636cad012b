import {
  type InstantMs,
  parseAccountId,
  parseDepositId,
  parseKrw,
  parseOrderId,
  parseSellerId,
  type RemittanceMessage,
  remittanceGroupId,
  remittanceIdFor,
  type TransferGateway,
} from '@remit/core';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryContainer } from '../composition.js';
import { parseSettings } from '../config.js';
import { type MemoryPorts, memoryPorts } from '../demo/memory-ports.js';
import { RecordingMetrics } from '../observability/telemetry.js';
import { TOKENS } from '../tokens.js';
import { RemitHandler } from './remit-handler.js';

const settings = parseSettings({ REMIT_INSTITUTION_CODE: 'T991234560', REMIT_ACCOUNTS: 'acct-main' });

function payout(order: string, payeeAccount = '220-000-000001', amount = 10_000): RemittanceMessage {
  const orderId = parseOrderId(order);
  const krw = parseKrw(amount);
  return {
    v: 1,
    remittanceId: remittanceIdFor(orderId),
    orderId,
    sellerId: parseSellerId('seller-01'),
    depositId: parseDepositId(`dep-${order}`),
    accountId: parseAccountId('acct-main'),
    payee: { bankCode: '004', accountNumber: payeeAccount, holderName: '(주)테스트상점' },
    depositKrw: krw,
    orderAmountKrw: krw,
    feeKrw: parseKrw(0),
    payoutKrw: krw,
    excessKrw: parseKrw(0),
    matchedAt: 0,
  };
}

let seq = 0;
function record(body: unknown, group: string, receiptHandle?: string, receiveCount = 1): SQSRecord {
  seq += 1;
  return {
    messageId: `m-${seq}`,
    receiptHandle: receiptHandle ?? `rh-${seq}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: group,
      MessageDeduplicationId: `d-${seq}`,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:111111111111:remit-payouts.fifo',
    awsRegion: 'ap-northeast-2',
  };
}
const groupOf = (m: RemittanceMessage) => remittanceGroupId(m);
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const failures = (r: { batchItemFailures: { itemIdentifier: string }[] }) =>
  r.batchItemFailures.map((f) => f.itemIdentifier);

/** A gateway whose transfers for the listed remittances time out before reaching the bank. */
function timingOutFor(gateway: TransferGateway, orders: readonly string[]): TransferGateway {
  const ids = new Set(orders.map((o) => remittanceIdFor(parseOrderId(o))));
  return {
    transfer: (input) =>
      ids.has(input.remittanceId)
        ? Promise.resolve({ kind: 'unknown', reason: 'timeout' })
        : gateway.transfer(input),
    inquire: (input) => gateway.inquire(input),
    listReversals: (input) => gateway.listReversals(input),
  };
}

function app(options: { failOrders?: readonly string[]; startMs?: InstantMs; emf?: boolean } = {}) {
  const ports: MemoryPorts = memoryPorts(options.startMs === undefined ? {} : { startMs: options.startMs });
  const gateway = timingOutFor(ports.gateway, options.failOrders ?? []);
  const metrics = new RecordingMetrics();
  const container = createMemoryContainer({
    settings,
    ports: { ...ports, gateway },
    logLevel: 'SILENT',
    ...(options.emf === true ? {} : { metrics }),
  });
  const postponed: { receiptHandle: string; delayMs: number }[] = [];
  container.register(TOKENS.MessageVisibility, {
    useValue: {
      postpone: async (input: { receiptHandle: string; delayMs: number }) => {
        postponed.push(input);
      },
    },
  });
  const handler = container.resolve(RemitHandler);
  const logger = container.resolve<{ warn: (...args: unknown[]) => void }>(TOKENS.Logger);
  return { ports, handler, postponed, metrics, logger };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('remit handler: FIFO partial batch', () => {
  it('fails the failed record and the later records of its group; other groups go on', async () => {
    const { ports, handler, metrics } = app({ failOrders: ['ord-a2'] });
    const a = ['ord-a1', 'ord-a2', 'ord-a3'].map((o) => payout(o, '220-000-000001'));
    const b = ['ord-b1', 'ord-b2'].map((o) => payout(o, '220-000-000002'));
    const records = [
      record(a[0], groupOf(a[0]!)),
      record(b[0], groupOf(b[0]!)),
      record(a[1], groupOf(a[1]!)),
      record(a[2], groupOf(a[2]!)),
      record(b[1], groupOf(b[1]!)),
    ];
    const response = await handler.handle(event(...records));
    expect(failures(response)).toEqual([records[2]!.messageId, records[3]!.messageId]);
    expect(metrics.totals()).toEqual({ PayoutSucceeded: 3, PayoutUnknown: 1 });
    const paid = ports.gateway.ledger().map((e) => e.remittanceId);
    expect(paid.sort()).toEqual(['rm:ord-a1', 'rm:ord-b1', 'rm:ord-b2']);
    // a3 was never attempted: it must not overtake a2.
    expect(ports.gateway.transferCalls(remittanceIdFor(parseOrderId('ord-a3')))).toHaveLength(0);
  });

  it('runs a record on its last receive behind a failed record of its group (never DLQ untried)', async () => {
    expect(settings.queueMaxReceives).toBe(5);
    const { ports, handler, logger } = app({ failOrders: ['ord-a1'] });
    const warn = vi.spyOn(logger, 'warn');
    const [a1, a2, a3] = ['ord-a1', 'ord-a2', 'ord-a3'].map((o) => payout(o));
    // a1 keeps failing; a2 came back with it every time and is now one receive from the DLQ.
    const r1 = record(a1, groupOf(a1!), undefined, 4);
    const r2 = record(a2, groupOf(a2!), undefined, 4);
    const r3 = record(a3, groupOf(a3!), undefined, 3);
    const response = await handler.handle(event(r1, r2, r3));
    // a2 is acknowledged (paid); a1 retries; a3 (not yet at its last chance) still waits behind a1.
    expect(failures(response)).toEqual([r1.messageId, r3.messageId]);
    expect(ports.gateway.transferCalls(a2!.remittanceId)).toHaveLength(1);
    expect(ports.gateway.moneyMovedFor(a2!.remittanceId)).toBe(1);
    expect(ports.gateway.transferCalls(a3!.remittanceId)).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/ahead of a failed payout/),
      expect.objectContaining({ remittanceId: a2!.remittanceId, receiveCount: 4 }),
    );
    // Its redelivery (e.g. the ack was lost) does not pay again.
    const again = await handler.handle(event(record(a2, groupOf(a2!), undefined, 5)));
    expect(failures(again)).toEqual([]);
    expect(ports.gateway.transferCalls(a2!.remittanceId)).toHaveLength(1);
    expect(ports.gateway.moneyMovedFor(a2!.remittanceId)).toBe(1);
  });

  it('still skips a record behind a failed one while it has receives to spare', async () => {
    const { ports, handler } = app({ failOrders: ['ord-a1'] });
    const [a1, a2] = ['ord-a1', 'ord-a2'].map((o) => payout(o));
    const r1 = record(a1, groupOf(a1!), undefined, 3);
    const r2 = record(a2, groupOf(a2!), undefined, 3);
    const response = await handler.handle(event(r1, r2));
    expect(failures(response)).toEqual([r1.messageId, r2.messageId]);
    expect(ports.gateway.transferCalls(a2!.remittanceId)).toHaveLength(0);
  });

  it('keeps no group state between invocations', async () => {
    const { ports, handler } = app({ failOrders: ['ord-a1'] });
    const a1 = payout('ord-a1');
    const first = await handler.handle(event(record(a1, groupOf(a1))));
    expect(failures(first)).toHaveLength(1);
    // Next invocation, same execution environment, same group: a new message is processed.
    const a2 = payout('ord-a2');
    const second = await handler.handle(event(record(a2, groupOf(a2))));
    expect(failures(second)).toEqual([]);
    expect(ports.gateway.moneyMovedFor(a2.remittanceId)).toBe(1);
  });

  it('postpones unknown payouts by retryAfterMs so the visibility timeout is the backoff', async () => {
    const { handler, postponed } = app({ failOrders: ['ord-a1'] });
    const a1 = payout('ord-a1');
    const a2 = payout('ord-a2');
    const r1 = record(a1, groupOf(a1));
    const r2 = record(a2, groupOf(a2));
    const response = await handler.handle(event(r1, r2));
    expect(failures(response)).toEqual([r1.messageId, r2.messageId]);
    // Only the record that ran is postponed; the skipped one keeps the queue's timeout.
    expect(postponed).toEqual([{ receiptHandle: r1.receiptHandle, delayMs: settings.remit.retryAfterMs }]);
  });

  it('defers inside the maintenance window until it ends', async () => {
    // 23:45 KST: the window (23:30–00:30) ends in 45 minutes.
    const { ports, handler, postponed } = app({ startMs: Date.UTC(2026, 10, 28, 14, 45) });
    const m = payout('ord-night');
    const r = record(m, groupOf(m));
    const response = await handler.handle(event(r));
    expect(failures(response)).toEqual([r.messageId]);
    expect(postponed).toEqual([{ receiptHandle: r.receiptHandle, delayMs: 45 * 60_000 }]);
    expect(ports.gateway.transferCalls()).toHaveLength(0);
  });
});

describe('remit handler: duplicate deliveries', () => {
  it('moves money once when the same payout arrives twice in a batch and again later', async () => {
    const { ports, handler } = app();
    const m = payout('ord-dup');
    const response = await handler.handle(event(record(m, groupOf(m)), record(m, groupOf(m))));
    expect(failures(response)).toEqual([]);
    const again = await handler.handle(event(record(m, groupOf(m))));
    expect(failures(again)).toEqual([]);
    expect(ports.gateway.transferCalls(m.remittanceId)).toHaveLength(1);
    expect(ports.gateway.moneyMovedFor(m.remittanceId)).toBe(1);
  });
});

describe('remit handler: invalid messages', () => {
  it('records a body that is not JSON with its raw text and reason, then acknowledges it', async () => {
    const { ports, handler } = app();
    const r = record('{"v":1,', 'g-1');
    const response = await handler.handle(event(r));
    expect(failures(response)).toEqual([]);
    const [recorded] = ports.events.ofType('invalid_message');
    expect(recorded?.reason).toMatch(/not JSON/);
    expect(recorded?.details).toMatchObject({ messageId: r.messageId, rawBody: '{"v":1,' });
  });

  it('records a message whose money does not add up, and pays nothing', async () => {
    const { ports, handler } = app();
    const tampered = { ...payout('ord-bad'), payoutKrw: 20_000 };
    const response = await handler.handle(event(record(tampered, 'g-1')));
    expect(failures(response)).toEqual([]);
    expect(ports.events.ofType('invalid_message')[0]?.reason).toMatch(/payoutKrw \+ feeKrw/);
    expect(ports.gateway.transferCalls()).toHaveLength(0);
  });

  it('retries the record when the invalid message cannot be recorded (never dropped)', async () => {
    const { ports, handler } = app();
    ports.events.faults.failNext({ op: 'publish' });
    const r = record('garbage', 'g-1');
    const response = await handler.handle(event(r));
    expect(failures(response)).toEqual([r.messageId]);
    expect(ports.events.ofType('invalid_message')).toHaveLength(0);
    // The redelivery is recorded.
    const retry = await handler.handle(event(r));
    expect(failures(retry)).toEqual([]);
    expect(ports.events.ofType('invalid_message')).toHaveLength(1);
  });

  it('does not block the group behind an invalid message', async () => {
    const { ports, handler } = app();
    const good = payout('ord-after-bad');
    const response = await handler.handle(
      event(record('garbage', groupOf(good)), record(good, groupOf(good))),
    );
    expect(failures(response)).toEqual([]);
    expect(ports.gateway.moneyMovedFor(good.remittanceId)).toBe(1);
  });

  it('refuses an event that is not an SQS event at all', async () => {
    const { handler } = app();
    await expect(handler.handle({ detail: {} } as unknown as SQSEvent)).rejects.toThrow(/not an SQS event/);
  });
});

describe('remit handler: infrastructure failures', () => {
  it('fails the record (retried, then redriven) when the store is down', async () => {
    const { ports, handler } = app();
    ports.store.faults.throttleNext(1, { op: 'claim' });
    const m = payout('ord-throttled');
    const r = record(m, groupOf(m));
    const response = await handler.handle(event(r));
    expect(failures(response)).toEqual([r.messageId]);
    const retry = await handler.handle(event(r));
    expect(failures(retry)).toEqual([]);
    expect(ports.gateway.moneyMovedFor(m.remittanceId)).toBe(1);
  });
});

describe('remit handler: metrics', () => {
  it('publishes EMF outcome metrics in the configured namespace', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const { handler } = app({ emf: true });
    const m = payout('ord-metrics');
    await handler.handle(event(record(m, groupOf(m)), record('garbage', 'g-x')));
    vi.restoreAllMocks();
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map(
        (l) =>
          JSON.parse(l) as { _aws: { CloudWatchMetrics: { Namespace: string }[] } } & Record<string, unknown>,
      );
    expect(emf).toHaveLength(1);
    expect(emf[0]!._aws.CloudWatchMetrics[0]!.Namespace).toBe('Remit');
    expect(emf[0]).toMatchObject({ PayoutSucceeded: 1, InvalidMessage: 1 });
  });
});
