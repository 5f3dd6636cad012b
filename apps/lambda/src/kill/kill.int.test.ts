// Kill test (integration tier): real handlers in worker processes, SIGKILLed while >= 1,000 payouts
// flow, against DynamoDB Local, fauxqs, Redis and bank-sim. REMIT_KILL_PAYOUTS / REMIT_KILL_SEED /
// REMIT_KILL_WORKERS make a larger run (e.g. REMIT_KILL_PAYOUTS=5000; the deadline grows with it).
import { localEnv } from '@remit/adapters-aws/local-servers/vitest';
import { describe, expect, it } from 'vitest';
import { runKillTest } from './harness.js';

const payouts = Number(process.env.REMIT_KILL_PAYOUTS ?? '1000');
const seed = Number(process.env.REMIT_KILL_SEED ?? '1');
const remitWorkers = Number(process.env.REMIT_KILL_WORKERS ?? '3');
/** The kill phase ends when every order is paid (~60 s for 1,000 on two shared cores) or at this bound. */
const deadlineMs = Math.max(75_000, payouts * 75);

describe('kill test on real servers', () => {
  it(
    `pays ${payouts} orders exactly once while workers are SIGKILLed at random`,
    async () => {
      const log: string[] = [];
      const report = await runKillTest({
        servers: localEnv(),
        payouts,
        remitWorkers,
        seed,
        deadlineMs,
        log: (line) => log.push(line),
      });
      const summary = `${log.join('\n')}\n${JSON.stringify({ ...report, lost: report.lost.slice(0, 20) }, null, 2)}`;
      console.log(summary);
      expect(report.doubled, summary).toEqual([]);
      expect(report.lost, summary).toEqual([]);
      expect(report.mismatches, summary).toEqual([]);
      expect(report.paid).toBe(payouts);
      expect(report.records).toEqual({ succeeded: payouts });
      expect(report.unexpectedExits, summary).toEqual([]);
      expect(report.kills.remit).toBeGreaterThan(10);
      // The kills overlapped the flow, not just its start.
      expect(report.paidUnderKills).toBeGreaterThanOrEqual(payouts / 2);
    },
    deadlineMs + 90_000,
  );
});
