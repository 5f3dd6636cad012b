import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo } from './demo.js';
import { DEMO_ACCOUNTS, DEMO_PAYER_ACCOUNT, generateScenario } from './scenario.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('demo --memory', () => {
  it('plays every case and reconciles the ledger', async () => {
    const out: string[] = [];
    const summary = await runDemo(
      { mode: 'memory', orders: 60, seed: 7, concurrency: 2, logLevel: 'SILENT' },
      { out: (line) => out.push(line) },
    );
    expect(summary.doubled).toEqual([]);
    expect(summary.lost).toEqual([]);
    expect(summary.mismatches).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.rows.every((r) => r.ok === r.orders)).toBe(true);
    expect(summary.invalidMessagesRecorded).toBe(1);
    expect(summary.bank.duplicateIdAnswers).toBe(1);
    expect(summary.ledger.reversed).toBe(1);
    expect(out.at(-1)).toMatch(/^Result: OK/);
  });
});

describe('masking', () => {
  it('prints no full account number and no depositor name in any line of a full run', async () => {
    const lines: string[] = [];
    // The logger writes DEBUG/INFO to stdout and WARN/ERROR to stderr: capture both.
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split('\n'));
        return true;
      });
    }
    const seed = 3;
    const orders = 60;
    const out: string[] = [];
    const summary = await runDemo(
      { mode: 'memory', orders, seed, concurrency: 2, logLevel: 'DEBUG' },
      { out: (line) => out.push(line) },
    );
    vi.restoreAllMocks();
    expect(summary.ok).toBe(true);
    const all = [...lines, ...out].filter((l) => l.trim() !== '');
    const logs = lines.filter((l) => l.startsWith('{'));
    // The run logged (state transitions with ids), so the check below has something to bite on.
    expect(logs.length).toBeGreaterThan(orders);
    expect(logs.some((l) => l.includes('"remittanceId"') && l.includes('"status":"succeeded"'))).toBe(true);
    expect(logs.some((l) => l.includes('"level":"WARN"'))).toBe(true);

    const scenario = generateScenario({ orders, seed });
    const secrets = new Set<string>([
      DEMO_PAYER_ACCOUNT,
      ...DEMO_ACCOUNTS.map((a) => a.accountNumber),
      ...scenario.sellers.flatMap((s) => [s.payee.accountNumber, s.payee.holderName]),
      ...scenario.orders.map((o) => o.depositorBase),
      '박모름',
    ]);
    for (const secret of secrets) {
      const leaking = all.filter((l) => l.includes(secret) || l.includes(secret.replaceAll('-', '')));
      expect(leaking, `"${secret}" appears in output`).toEqual([]);
    }
  });
});
