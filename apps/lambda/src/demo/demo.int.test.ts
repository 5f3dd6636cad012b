// End to end: the demo scenario (small) on the real local servers — bank-sim over HTTP, DynamoDB
// Local, fauxqs and Redis from the integration tier's global setup — through the real handlers.
import { localEnv } from '@remit/adapters-aws/local-servers/vitest';
import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';
import { CaseName } from './scenario.js';

describe('demo on local AWS servers', () => {
  it('pays every payout exactly once and reconciles the bank ledger with remit records', async () => {
    const env = localEnv();
    const out: string[] = [];
    const summary = await runDemo(
      {
        mode: 'aws',
        orders: 40,
        seed: 11,
        concurrency: 2,
        logLevel: 'SILENT',
        servers: { dynamodb: env.dynamodb, sqs: env.sqs, redis: env.redis },
      },
      { out: (line) => out.push(line) },
    );
    const report = out.join('\n');
    expect(summary.doubled, report).toEqual([]);
    expect(summary.lost, report).toEqual([]);
    expect(summary.mismatches, report).toEqual([]);
    expect(summary.problems, report).toEqual([]);
    expect(summary.ok).toBe(true);

    const row = (c: CaseName) => summary.rows.find((r) => r.case === c)!;
    for (const r of summary.rows) expect(r.ok, `${r.label}: ${JSON.stringify(r.other)}`).toBe(r.orders);
    const paidOrders = summary.rows.filter((r) => r.expected === 'paid').reduce((n, r) => n + r.orders, 0);
    expect(row(CaseName.Reversed).orders).toBe(1);
    // The ledger: one executed transfer per paid order, the reversed one, the foreign booking.
    expect(summary.ledger.executed).toBe(paidOrders);
    expect(summary.ledger.reversed).toBe(1);
    expect(summary.ledger.foreign).toBe(1);
    expect(summary.bank.duplicateIdAnswers).toBe(1);
    expect(summary.invalidMessagesRecorded).toBe(1);
    expect(summary.handlerOutcomes.Deferred).toBeGreaterThanOrEqual(1);
    expect(summary.handlerOutcomes.PayoutRejected).toBe(1);
    expect(report).toMatch(/sequence {3}Redis at/);
    expect(report).toMatch(/Result: OK/);
  }, 180_000);
});
