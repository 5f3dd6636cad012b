// Targeted behaviour of the HTTP adapters against bank-sim (and a hostile local server) on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  businessDateOf,
  isRemitError,
  openBankingFormat,
  parseAccountId,
  parseKrw,
  parseRemittanceId,
  type TransferRequest,
} from '@remit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBank, startSimBank } from '../test-support/bank.js';
import { INSTITUTION } from '../test-support/fixtures.js';
import { HttpDepositSource } from './deposit-source.js';
import { HttpTransferGateway, type HttpTransferGatewayOptions } from './transfer-gateway.js';

let seq = 500_000;
function request(): TransferRequest {
  seq += 1;
  return {
    remittanceId: parseRemittanceId(`rm:ord-http-${seq}`),
    bankTranId: openBankingFormat.format({ institution: INSTITUTION, sequence: seq }),
    businessDate: businessDateOf(Date.now()),
    amountKrw: parseKrw(14_700),
    payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: '김판매' },
    memo: '리밋정산',
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bank(options: Parameters<typeof startSimBank>[0] = {}): Promise<SimBank> {
  const b = await startSimBank(options);
  cleanups.push(() => b.sim.stop());
  return b;
}

function gatewayFor(url: string, options: Partial<HttpTransferGatewayOptions> = {}): HttpTransferGateway {
  const g = new HttpTransferGateway({
    baseUrl: url,
    accessToken: () => 'bank-sim-access-token',
    payerAccountNumber: '100-000-000001',
    headersTimeoutMs: 400,
    bodyTimeoutMs: 400,
    ...options,
  });
  cleanups.push(() => g.close());
  return g;
}

describe('HttpTransferGateway', () => {
  it('an address not on the allow-list is PROVIDER_ACCESS_DENIED naming the address the provider saw', async () => {
    const { sim } = await bank({ allow: ['127.0.0.1'] });
    const g = gatewayFor(sim.url, { localAddress: '127.0.0.2' });
    const err = await g.transfer(request()).catch((e: unknown) => e);
    expect(isRemitError(err) && err.code).toBe('PROVIDER_ACCESS_DENIED');
    expect(isRemitError(err) && err.retryable).toBe(false);
    expect((err as Error).message).toContain('127.0.0.2');
    expect(sim.ledger.entries()).toHaveLength(0);
  });

  it('the allow-listed egress address (localAddress) goes through', async () => {
    const { sim } = await bank({ allow: ['127.0.0.2'] });
    const g = gatewayFor(sim.url, { localAddress: '127.0.0.2' });
    const r = await g.transfer(request());
    expect(r).toMatchObject({ kind: 'succeeded', providerCode: 'A0000/000' });
    expect(sim.ledger.executed()[0]?.sourceAddress).toBe('127.0.0.2');
  });

  it('keeps the raw provider answer for audit', async () => {
    const { sim } = await bank();
    const r = await gatewayFor(sim.url).transfer(request());
    expect(r.kind).toBe('succeeded');
    expect(JSON.parse(r.raw ?? '{}')).toMatchObject({ rsp_code: 'A0000', bank_rsp_code: '000' });
  });

  it('a connection reset after the request was written is unknown, never rejected; inquiry settles it', async () => {
    const { sim } = await bank();
    const g = gatewayFor(sim.url);
    const r = request();
    sim.controls.injectFault({ kind: 'reset', executed: true });
    expect(await g.transfer(r)).toMatchObject({ kind: 'unknown', reason: 'connection_reset' });
    expect((await g.inquire(r)).kind).toBe('succeeded');
    sim.controls.injectFault({ kind: 'drop_after_executing' });
    const r2 = request();
    expect((await g.transfer(r2)).kind).toBe('unknown');
    expect(sim.ledger.executed().filter((e) => e.bankTranId === r2.bankTranId)).toHaveLength(1);
  });

  it('a provider that cannot be reached throws UNAVAILABLE (retryable): nothing was sent', async () => {
    const { sim } = await bank();
    const url = sim.url;
    await sim.stop();
    const err = await gatewayFor(url)
      .transfer(request())
      .catch((e: unknown) => e);
    expect(isRemitError(err) && err.code === 'UNAVAILABLE' && err.retryable).toBe(true);
  });

  it('a transfer for another business date than today is refused before sending', async () => {
    const { sim } = await bank();
    const r = { ...request(), businessDate: businessDateOf(Date.now() - 2 * 86_400_000) };
    const err = await gatewayFor(sim.url)
      .transfer(r)
      .catch((e: unknown) => e);
    expect(isRemitError(err) && err.code).toBe('INVALID_INPUT');
    expect(sim.ledger.calls()).toHaveLength(0);
  });

  it('an expired token is refreshed once through the provider function', async () => {
    const { sim } = await bank();
    const asked: boolean[] = [];
    const g = gatewayFor(sim.url, {
      accessToken: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? sim.accessToken : 'expired-token';
      },
    });
    expect((await g.transfer(request())).kind).toBe('succeeded');
    expect(asked).toEqual([false, true]);
  });

  it('a 200 answer that breaks the schema is unknown (malformed) with the raw body', async () => {
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"rsp_code":"A0000","oops":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const r = await gatewayFor(url).transfer(request());
    expect(r).toMatchObject({
      kind: 'unknown',
      reason: 'malformed',
      raw: '{"rsp_code":"A0000","oops":true}',
    });
  });
});

describe('HttpDepositSource', () => {
  const accountId = parseAccountId('acct-http');
  const T0 = Date.UTC(2026, 10, 28, 1, 0);

  it('skips withdrawals, follows provider pages up to its bound, then hands back the cursor', async () => {
    const { sim } = await bank({ pageSize: 3 });
    for (let i = 0; i < 10; i += 1) {
      sim.controls.addDeposit({
        accountNum: '100000000002',
        amountKrw: 1_000 + i,
        depositorName: '김테스트',
        occurredAt: T0 + i * 1_000,
      });
      sim.controls.addWithdrawal({
        accountNum: '100000000002',
        amountKrw: 1,
        printContent: '출금',
        occurredAt: T0 + i * 1_000 + 1,
      });
    }
    const source = new HttpDepositSource({
      baseUrl: sim.url,
      accessToken: () => sim.accessToken,
      accounts: { [accountId]: '100-000-000002' },
      maxProviderPagesPerCall: 2,
    });
    cleanups.push(() => source.close());
    const first = await source.listDeposits({ accountId, fromMs: T0, toMs: T0 + 60_000 });
    expect(first.deposits).toHaveLength(6);
    expect(first.nextCursor).toBeDefined();
    const second = await source.listDeposits({
      accountId,
      fromMs: T0,
      toMs: T0 + 60_000,
      cursor: first.nextCursor!,
    });
    expect(second.deposits).toHaveLength(4);
    expect(second.nextCursor).toBeUndefined();
    expect([...first.deposits, ...second.deposits].map((d) => d.amountKrw)).toEqual(
      Array.from({ length: 10 }, (_, i) => 1_000 + i),
    );
    expect([...first.deposits, ...second.deposits].every((d) => d.kind === 'deposit')).toBe(true);
  });

  it('an account without a configured number is INVALID_CONFIG', async () => {
    const { sim } = await bank();
    const source = new HttpDepositSource({
      baseUrl: sim.url,
      accessToken: () => sim.accessToken,
      accounts: {},
    });
    cleanups.push(() => source.close());
    const err = await source.listDeposits({ accountId, fromMs: T0, toMs: T0 + 1 }).catch((e: unknown) => e);
    expect(isRemitError(err) && err.code).toBe('INVALID_CONFIG');
  });

  it('a refused source address is PROVIDER_ACCESS_DENIED', async () => {
    const { sim } = await bank({ allow: ['127.0.0.5'] });
    const source = new HttpDepositSource({
      baseUrl: sim.url,
      accessToken: () => sim.accessToken,
      accounts: { [accountId]: '100000000002' },
      localAddress: '127.0.0.3',
    });
    cleanups.push(() => source.close());
    const err = await source.listDeposits({ accountId, fromMs: T0, toMs: T0 + 1 }).catch((e: unknown) => e);
    expect(isRemitError(err) && err.code).toBe('PROVIDER_ACCESS_DENIED');
    expect((err as Error).message).toContain('127.0.0.3');
  });
});
