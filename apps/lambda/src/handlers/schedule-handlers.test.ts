import { openOrder, parseDepositId, parseKrw, parseOrderId, parseSellerId } from '@remit/core';
import { describe, expect, it } from 'vitest';
import { createMemoryContainer } from '../composition.js';
import { parseSettings } from '../config.js';
import { memoryPorts } from '../demo/memory-ports.js';
import { RecordingMetrics } from '../observability/telemetry.js';
import { IngestHandler } from './ingest-handler.js';
import { ReconcileHandler } from './reconcile-handler.js';

const settings = parseSettings({ REMIT_INSTITUTION_CODE: 'T991234560', REMIT_ACCOUNTS: 'acct-main' });
const schedule = {
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  time: '2026-11-28T01:05:00Z',
  detail: {},
};

function app() {
  const ports = memoryPorts();
  const metrics = new RecordingMetrics();
  const container = createMemoryContainer({ settings, ports, logLevel: 'SILENT', metrics });
  return { ports, metrics, container };
}

describe('ingest handler', () => {
  it('runs ingestDeposits over the configured accounts and enqueues the payout', async () => {
    const { ports, metrics, container } = app();
    const [accountId] = settings.ingest.accounts;
    const opened = await openOrder(
      { matcher: ports.matcher, clock: ports.clock, policy: settings.ingest.policy },
      {
        orderId: parseOrderId('ord-1'),
        sellerId: parseSellerId('seller-1'),
        accountId: accountId!,
        amountKrw: parseKrw(15_000),
        payee: { bankCode: '004', accountNumber: '220-000-000001', holderName: '(주)테스트상점' },
        ttlMs: 3_600_000,
        depositorName: '김테스트',
        assignSuffix: true,
      },
    );
    if (opened.kind !== 'opened') throw new Error(opened.kind);
    ports.clock.advance(60_000);
    ports.source.append({
      accountId: accountId!,
      depositId: parseDepositId('D1'),
      depositorName: opened.depositorName,
      amountKrw: parseKrw(15_000),
      occurredAt: ports.clock.now(),
      kind: 'deposit',
    });
    ports.clock.advance(60_000);
    const report = await container.resolve(IngestHandler).handle(schedule);
    expect(report).toMatchObject({ read: 1, matched: 1, enqueued: 1 });
    expect(ports.queue.depth().visible).toBe(1);
    expect(metrics.totals()).toMatchObject({ DepositsRead: 1, DepositsMatched: 1, PayoutsEnqueued: 1 });
    // The composition hands ingest the checkpoint store: the account is read up to this run's start.
    expect(await ports.checkpoints.get({ accountId: accountId! })).toEqual({ readUpToMs: ports.clock.now() });
  });

  it('a checkpoint older than the lookback: a manual review case and a warning, then the account moves on', async () => {
    const { ports, metrics, container } = app();
    const [accountId] = settings.ingest.accounts;
    ports.checkpoints.set(accountId!, ports.clock.now() - settings.ingest.maxLookbackMs - 60 * 60_000);
    const report = await container.resolve(IngestHandler).handle(schedule);
    expect(report.gapAccounts).toEqual([accountId]);
    expect(ports.events.ofType('manual_review').map((e) => e.reason)).toEqual(['ingest_gap']);
    expect(metrics.totals()).toMatchObject({ ManualReview: 1 });
    expect(await ports.checkpoints.get({ accountId: accountId! })).toEqual({ readUpToMs: ports.clock.now() });
  });

  it('an account that fails: the run throws after the others, and their counts reach the metrics', async () => {
    const twoAccounts = parseSettings({
      REMIT_INSTITUTION_CODE: 'T991234560',
      REMIT_ACCOUNTS: 'acct-main,acct-other',
    });
    const ports = memoryPorts();
    const metrics = new RecordingMetrics();
    const container = createMemoryContainer({ settings: twoAccounts, ports, logLevel: 'SILENT', metrics });
    const [main, other] = twoAccounts.ingest.accounts;
    ports.source.append({
      accountId: other!,
      depositId: parseDepositId('D1'),
      depositorName: '김테스트',
      amountKrw: parseKrw(15_000),
      occurredAt: ports.clock.now() - 60_000,
      kind: 'deposit',
    });
    ports.source.faults.throttleNext(1, { op: 'listDeposits' }); // the first account's statement
    await expect(container.resolve(IngestHandler).handle(schedule)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { failedAccounts: [main] },
    });
    expect(metrics.totals()).toMatchObject({ DepositsRead: 1 });
  });

  it('accepts a manual invocation with an empty event and refuses a non-object', async () => {
    const { container } = app();
    const handler = container.resolve(IngestHandler).handle;
    await expect(handler({})).resolves.toMatchObject({ read: 0 });
    await expect(handler('tick')).rejects.toThrow();
  });
});

describe('reconcile handler', () => {
  it('runs reconcile with the configured bound and reports', async () => {
    const { container } = app();
    await expect(container.resolve(ReconcileHandler).handle(schedule)).resolves.toMatchObject({
      examined: 0,
      reversed: 0,
    });
  });
});
