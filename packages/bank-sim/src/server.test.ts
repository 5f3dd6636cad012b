import {
  classifyInquiryResponse,
  classifyTransferResponse,
  formatTranDtime,
  type InquiryRequestWire,
  inquiryResponseSchema,
  noticeListResponseSchema,
  OPEN_BANKING_PATHS,
  providerAccessDeniedError,
  type TransferRequestWire,
  transactionListResponseSchema,
  transferResponseSchema,
} from '@remit/core';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startBankSim } from './server.js';
import type { BankSim, BankSimOptions } from './types.js';

/** 2026-11-28 10:00:00 KST. */
const NOW = Date.UTC(2026, 10, 28, 1, 0, 0);
const ID = 'T991234560U000000001';
const ACCOUNT = '100000000002';

let sims: BankSim[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  sims = [];
});

async function sim(options: BankSimOptions = {}): Promise<BankSim> {
  const s = await startBankSim({ clock: () => NOW, ...options });
  sims.push(s);
  return s;
}

function transferBody(over: Partial<TransferRequestWire> = {}): TransferRequestWire {
  return {
    bank_tran_id: ID,
    tran_dtime: formatTranDtime(NOW),
    cntr_account_type: 'N',
    cntr_account_num: '100000000001',
    tran_amt: '15000',
    recv_client_bank_code: '088',
    recv_client_account_num: '110000000001',
    recv_client_name: '김테스트',
    print_content: '리밋정산',
    ...over,
  };
}

function inquiryBody(over: Partial<InquiryRequestWire> = {}): InquiryRequestWire {
  return {
    check_type: '2',
    tran_dtime: formatTranDtime(NOW),
    org_bank_tran_id: ID,
    org_bank_tran_date: '20261128',
    org_tran_amt: '15000',
    ...over,
  };
}

async function post(
  s: BankSim,
  path: string,
  body: unknown,
  init: { signal?: AbortSignal; token?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${init.token ?? s.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function transfer(s: BankSim, over: Partial<TransferRequestWire> = {}) {
  const { status, json } = await post(s, OPEN_BANKING_PATHS.transfer, transferBody(over));
  const body = transferResponseSchema.parse(json);
  return { status, body, verdict: classifyTransferResponse(body.rsp_code, body.bank_rsp_code) };
}

async function inquire(s: BankSim, over: Partial<InquiryRequestWire> = {}) {
  const { status, json } = await post(s, OPEN_BANKING_PATHS.inquiry, inquiryBody(over));
  const body = inquiryResponseSchema.parse(json);
  return { status, body, verdict: classifyInquiryResponse(body.rsp_code, body.bank_rsp_code) };
}

async function get(s: BankSim, path: string, query: Record<string, string>) {
  const res = await fetch(`${s.url}${path}?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${s.accessToken}` },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('transfer', () => {
  it('executes once and books exactly what was asked', async () => {
    const s = await sim();
    const r = await transfer(s);
    expect(r.status).toBe(200);
    expect(r.verdict).toEqual({ kind: 'succeeded', providerCode: 'A0000/000' });
    expect(r.body).toMatchObject({ bank_tran_id: ID, bank_tran_date: '20261128', tran_amt: '15000' });
    expect(r.body.recv_client_account_num_masked).toBe('********0001');
    const [entry, ...rest] = s.ledger.executed();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      bankTranId: ID,
      businessDate: '20261128',
      amountKrw: 15000,
      status: 'executed',
      payee: { bankCode: '088', accountNum: '110000000001', name: '김테스트' },
      sourceAddress: '127.0.0.1',
    });
  });

  it('answers 822 to a reused id on the same business date and books nothing more', async () => {
    const s = await sim();
    await transfer(s);
    const again = await transfer(s, { tran_amt: '20000' });
    expect(again.verdict).toEqual({ kind: 'duplicate_id', providerCode: 'A0002/822' });
    expect(s.ledger.executed()).toHaveLength(1);
    expect(s.ledger.executed()[0]!.amountKrw).toBe(15000);
  });

  it('lets 20 concurrent copies of one id execute exactly once', async () => {
    const s = await sim();
    const results = await Promise.all(Array.from({ length: 20 }, () => transfer(s)));
    expect(results.filter((r) => r.verdict.kind === 'succeeded')).toHaveLength(1);
    expect(results.filter((r) => r.verdict.kind === 'duplicate_id')).toHaveLength(19);
    expect(s.ledger.executed()).toHaveLength(1);
  });

  it('accepts the same id again on the next business date (uniqueness is per day)', async () => {
    const s = await sim();
    await transfer(s);
    const nextDay = NOW + 24 * 60 * 60 * 1000;
    const r = await transfer(s, { tran_dtime: formatTranDtime(nextDay) });
    expect(r.verdict.kind).toBe('succeeded');
    expect(s.ledger.executed().map((e) => e.businessDate)).toEqual(['20261128', '20261129']);
  });

  it('refuses scripted payees with the table code, uses up the id, and books nothing', async () => {
    const s = await sim();
    const cases = [
      ['invalid_account', 'A0002/412'],
      ['name_mismatch', 'A0002/815'],
      ['insufficient_balance', 'A0002/453'],
      ['limit_exceeded', 'A0002/455'],
    ] as const;
    let n = 0;
    for (const [reason, code] of cases) {
      n += 1;
      const account = `11000000010${n}`;
      const id = `T991234560U00000010${n}`;
      s.controls.rejectAccount(account, reason);
      const r = await transfer(s, { bank_tran_id: id, recv_client_account_num: account });
      expect(r.verdict).toEqual({ kind: 'rejected', reason, providerCode: code });
      const q = await inquire(s, { org_bank_tran_id: id });
      expect(q.verdict).toMatchObject({ kind: 'rejected', reason });
      const again = await transfer(s, { bank_tran_id: id, recv_client_account_num: account });
      expect(again.verdict.kind).toBe('duplicate_id');
    }
    expect(s.ledger.executed()).toEqual([]);
    expect(s.ledger.rejections().map((r) => r.reason)).toEqual(cases.map(([r]) => r));
  });

  it('rejects only the next `times` transfers to a scripted account, and rejectNextTransfer once', async () => {
    const s = await sim();
    s.controls.rejectAccount('110-000-000001', 'name_mismatch', { times: 1 });
    expect((await transfer(s)).verdict.kind).toBe('rejected');
    expect((await transfer(s, { bank_tran_id: 'T991234560U000000002' })).verdict.kind).toBe('succeeded');
    s.controls.rejectNextTransfer('insufficient_balance');
    expect((await transfer(s, { bank_tran_id: 'T991234560U000000003' })).verdict).toMatchObject({
      reason: 'insufficient_balance',
    });
    expect((await transfer(s, { bank_tran_id: 'T991234560U000000004' })).verdict.kind).toBe('succeeded');
  });

  it('refuses over the per-transfer limit with 455', async () => {
    const s = await sim({ perTransferLimitKrw: 10_000 });
    expect((await transfer(s)).verdict).toEqual({
      kind: 'rejected',
      reason: 'limit_exceeded',
      providerCode: 'A0002/455',
    });
  });

  it('answers 400 A0003 to a malformed body and to a foreign institution prefix', async () => {
    const s = await sim({ institutionCode: 'T991234560' });
    const bad = await post(s, OPEN_BANKING_PATHS.transfer, { ...transferBody(), tran_amt: '15000.5' });
    expect(bad.status).toBe(400);
    expect(bad.json.rsp_code).toBe('A0003');
    expect(String(bad.json.rsp_message)).toContain('tran_amt');
    const foreign = await transfer(s, { bank_tran_id: 'X000000000U000000001' });
    expect(foreign.status).toBe(400);
    expect(foreign.verdict).toEqual({ kind: 'unknown', reason: 'malformed', providerCode: 'A0003' });
    const notJson = await fetch(`${s.url}${OPEN_BANKING_PATHS.transfer}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.accessToken}` },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect(s.ledger.executed()).toEqual([]);
  });
});

describe('inquiry', () => {
  it('finds an executed transfer and says 809 for one it never saw', async () => {
    const s = await sim();
    await transfer(s);
    expect((await inquire(s)).verdict).toEqual({ kind: 'succeeded', providerCode: 'A0000/000' });
    const missing = await inquire(s, { org_bank_tran_id: 'T991234560U000000999' });
    expect(missing.verdict).toEqual({ kind: 'not_found', providerCode: 'A0000/809' });
    const otherDay = await inquire(s, { org_bank_tran_date: '20261127' });
    expect(otherDay.verdict.kind).toBe('not_found');
  });

  it('refuses an inquiry whose amount disagrees with the original (never "not found")', async () => {
    const s = await sim();
    await transfer(s);
    const r = await inquire(s, { org_tran_amt: '15001' });
    expect(r.status).toBe(400);
    expect(r.verdict).toEqual({ kind: 'unknown', reason: 'malformed', providerCode: 'A0003' });
  });
});

describe('faults', () => {
  it('timeout after executing: the client gives up, the ledger has it, the inquiry finds it', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'timeout_after_executing', holdMs: 10_000 });
    await expect(
      post(s, OPEN_BANKING_PATHS.transfer, transferBody(), { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect(s.ledger.executed()).toHaveLength(1);
    expect((await inquire(s)).verdict.kind).toBe('succeeded');
    expect(s.ledger.calls()[0]).toMatchObject({ endpoint: 'transfer', fault: 'timeout_after_executing' });
  });

  it('drop after executing: the socket dies without an answer, the money moved', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'drop_after_executing' });
    await expect(transfer(s)).rejects.toThrow();
    expect(s.ledger.executed()).toHaveLength(1);
    expect((await inquire(s)).verdict.kind).toBe('succeeded');
  });

  it('timeout without executing: nothing moved, inquiry says not found, a resend with the same id executes', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'timeout_without_executing', holdMs: 10_000 });
    await expect(
      post(s, OPEN_BANKING_PATHS.transfer, transferBody(), { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect(s.ledger.entries()).toEqual([]);
    expect((await inquire(s)).verdict.kind).toBe('not_found');
    expect((await transfer(s)).verdict.kind).toBe('succeeded');
    expect(s.ledger.executed()).toHaveLength(1);
  });

  it('connection reset after reading the request, with and without executing', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'reset' });
    await expect(transfer(s)).rejects.toThrow();
    expect(s.ledger.entries()).toEqual([]);
    s.controls.injectFault({ kind: 'reset', executed: true });
    await expect(transfer(s)).rejects.toThrow();
    expect(s.ledger.executed()).toHaveLength(1);
  });

  it('5xx with a non-protocol body, before or after executing', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'server_error', status: 502 });
    const first = await fetch(`${s.url}${OPEN_BANKING_PATHS.transfer}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(transferBody()),
    });
    expect(first.status).toBe(502);
    expect(first.headers.get('content-type')).toBe('text/html');
    await first.text();
    expect(s.ledger.entries()).toEqual([]);
    s.controls.injectFault({ kind: 'server_error', executed: true });
    const second = await post(s, OPEN_BANKING_PATHS.transfer, transferBody()).catch(() => undefined);
    expect(second).toBeUndefined(); // HTML does not parse as JSON
    expect(s.ledger.executed()).toHaveLength(1);
  });

  it('processing (A0007) settles after N inquiries', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'processing', settleAfterInquiries: 2 });
    const r = await transfer(s);
    expect(r.verdict).toEqual({ kind: 'unknown', reason: 'processing', providerCode: 'A0007' });
    expect(s.ledger.entries()[0]!.status).toBe('processing');
    expect(s.ledger.executed()).toEqual([]);
    expect((await inquire(s)).verdict).toEqual({
      kind: 'unknown',
      reason: 'processing',
      providerCode: 'A0000/400',
    });
    expect((await inquire(s)).verdict.kind).toBe('unknown');
    expect((await inquire(s)).verdict.kind).toBe('succeeded');
    expect(s.ledger.executed()).toHaveLength(1);
    expect(s.ledger.executed()[0]!.executedAt).toBe(NOW);
  });

  it('processing settles after N ms of sim time, possibly as a refusal', async () => {
    const s = await sim();
    s.controls.setNow(NOW);
    s.controls.injectFault({ kind: 'processing', settleAfterMs: 5_000, outcome: 'name_mismatch' });
    await transfer(s);
    expect((await inquire(s)).verdict.kind).toBe('unknown');
    s.controls.advance(5_000);
    expect((await inquire(s)).verdict).toMatchObject({ kind: 'rejected', reason: 'name_mismatch' });
    expect(s.ledger.entries()).toEqual([]);
    expect(s.ledger.rejections()).toHaveLength(1);
  });

  it('a processing transfer with no rule settles on the first inquiry; settleProcessing forces it', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'processing' });
    await transfer(s);
    expect(s.ledger.entries()[0]!.status).toBe('processing');
    expect((await inquire(s)).verdict.kind).toBe('succeeded');
    s.controls.injectFault({ kind: 'processing', settleAfterInquiries: 99 });
    await transfer(s, { bank_tran_id: 'T991234560U000000002' });
    s.controls.settleProcessing('T991234560U000000002');
    expect(s.ledger.executed()).toHaveLength(2);
  });

  it('settleProcessing can settle as a refusal, and a maintenance fault refuses one call', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'processing', settleAfterInquiries: 99 });
    await transfer(s);
    s.controls.settleProcessing(ID, 'insufficient_balance');
    expect(s.ledger.entries()).toEqual([]);
    expect((await inquire(s)).verdict).toMatchObject({ kind: 'rejected', reason: 'insufficient_balance' });
    s.controls.injectFault({ kind: 'maintenance' });
    const id2 = 'T991234560U000000002';
    expect((await transfer(s, { bank_tran_id: id2 })).verdict.kind).toBe('maintenance');
    expect((await transfer(s, { bank_tran_id: id2 })).verdict.kind).toBe('succeeded');
  });

  it('latency delays the answer', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'latency', ms: 120 });
    const t0 = performance.now();
    await transfer(s);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('faults aimed at another endpoint leave transfers alone', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'processing' }, { endpoint: 'inquiry' });
    expect((await transfer(s)).verdict.kind).toBe('succeeded');
    expect((await inquire(s)).verdict).toEqual({
      kind: 'unknown',
      reason: 'processing',
      providerCode: 'A0007',
    });
    expect((await inquire(s)).verdict.kind).toBe('succeeded');
  });

  it('draws the same random faults from the same seed', async () => {
    const run = async () => {
      const s = await sim({
        randomFaults: { seed: 7, rates: { server_error: 0.3, processing: 0.3 } },
      });
      const kinds: string[] = [];
      for (let i = 1; i <= 30; i += 1) {
        const res = await fetch(`${s.url}${OPEN_BANKING_PATHS.transfer}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(transferBody({ bank_tran_id: `T991234560U${String(i).padStart(9, '0')}` })),
        });
        await res.text();
        kinds.push(s.ledger.calls().at(-1)!.fault ?? 'none');
      }
      return kinds;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set(['none', 'server_error', 'processing']));
  });

  it('stop() ends promptly even with a held response', async () => {
    const s = await sim();
    s.controls.injectFault({ kind: 'timeout_after_executing' });
    const pending = transfer(s).catch(() => 'aborted');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await s.stop();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBe('aborted');
  });
});

describe('access', () => {
  it('refuses a source address not on the allow-list, naming the address it saw', async () => {
    const s = await sim({ allow: ['127.0.0.1'] });
    // undici 8: `localAddress` is a client option; `connect: { localAddress }` is silently overridden.
    const agent = new Agent({ localAddress: '127.0.0.2' });
    try {
      const res = await undiciFetch(`${s.url}${OPEN_BANKING_PATHS.transfer}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(transferBody()),
      });
      expect(res.status).toBe(403);
      const body = transferResponseSchema.parse(await res.json());
      expect(body.rsp_code).toBe('O0002');
      expect(body.rsp_message).toContain('127.0.0.2');
      expect(classifyTransferResponse(body.rsp_code, body.bank_rsp_code)).toMatchObject({
        kind: 'access_denied',
        denial: 'source_ip',
      });
      const err = providerAccessDeniedError(body);
      expect(err.code).toBe('PROVIDER_ACCESS_DENIED');
      expect(err.message).toContain('127.0.0.2');
      expect(err.details?.seenAddress).toBe('127.0.0.2');
      expect(s.ledger.entries()).toEqual([]);
      expect(s.ledger.calls()[0]).toMatchObject({ sourceAddress: '127.0.0.2', status: 403 });

      s.controls.setAllowList(['127.0.0.0/30']);
      const ok = await undiciFetch(`${s.url}${OPEN_BANKING_PATHS.transfer}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(transferBody()),
      });
      expect(ok.status).toBe(200);
      expect(s.ledger.executed()[0]!.sourceAddress).toBe('127.0.0.2');
    } finally {
      await agent.close();
    }
  });

  it('refuses a missing or wrong bearer token with O0001', async () => {
    const s = await sim();
    const r = await post(s, OPEN_BANKING_PATHS.transfer, transferBody(), { token: 'nope' });
    expect(r.status).toBe(401);
    expect(r.json.rsp_code).toBe('O0001');
    expect(classifyTransferResponse('O0001')).toMatchObject({ kind: 'access_denied', denial: 'credentials' });
    const none = await fetch(`${s.url}${OPEN_BANKING_PATHS.transactions}`);
    expect(none.status).toBe(401);
    expect(s.ledger.entries()).toEqual([]);
  });

  it('issues the access token for the client credentials, and refuses wrong ones', async () => {
    const s = await sim({ clientId: 'cid', clientSecret: 'secret', accessToken: 'tok-1' });
    const form = (secret: string) =>
      fetch(`${s.url}${OPEN_BANKING_PATHS.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: 'cid',
          client_secret: secret,
          scope: 'oob',
          grant_type: 'client_credentials',
        }),
      });
    const ok = await form('secret');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: 'tok-1', token_type: 'Bearer', scope: 'oob' });
    const bad = await form('wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ rsp_code: 'O0001' });
  });
});

describe('maintenance', () => {
  it('refuses transfers inside the window (A0005) without booking them', async () => {
    const s = await sim();
    s.controls.setNow(Date.UTC(2026, 10, 28, 14, 45)); // 23:45 KST
    const r = await transfer(s);
    expect(r.verdict).toEqual({ kind: 'maintenance', providerCode: 'A0005' });
    expect(s.ledger.entries()).toEqual([]);
    expect((await inquire(s)).verdict.kind).toBe('not_found');
    s.controls.advance(45 * 60 * 1000); // 00:30 KST: the window ended
    expect((await transfer(s)).verdict.kind).toBe('succeeded');
  });

  it('follows a configured window, a forced switch, and no window at all', async () => {
    const s = await sim({ maintenance: { startMinuteKst: 9 * 60 + 55, endMinuteKst: 10 * 60 + 5 } });
    expect((await transfer(s)).verdict.kind).toBe('maintenance');
    s.controls.setMaintenanceWindow(null);
    expect((await transfer(s)).verdict.kind).toBe('succeeded');
    s.controls.forceMaintenance(true);
    expect((await transfer(s, { bank_tran_id: 'T991234560U000000002' })).verdict.kind).toBe('maintenance');
    s.controls.forceMaintenance(undefined);
    expect((await transfer(s, { bank_tran_id: 'T991234560U000000002' })).verdict.kind).toBe('succeeded');
  });
});

describe('reversal notices', () => {
  it('publishes a reversal of an executed transfer and marks the ledger entry', async () => {
    const s = await sim();
    await transfer(s);
    s.controls.setNow(NOW + 60 * 60 * 1000);
    s.controls.reverse(ID, '수취계좌 사후 불능');
    expect(s.ledger.find(ID)).toMatchObject({
      status: 'reversed',
      reversal: { reason: '수취계좌 사후 불능', noticedAt: NOW + 3_600_000 },
    });
    const since = await get(s, OPEN_BANKING_PATHS.notices, { from_dtime: formatTranDtime(NOW) });
    const page = noticeListResponseSchema.parse(since.json);
    expect(page.res_list).toEqual([
      {
        org_bank_tran_id: ID,
        org_bank_tran_date: '20261128',
        org_tran_amt: '15000',
        notice_dtime: '20261128110000',
        notice_code: 'RV01',
        notice_message: '수취계좌 사후 불능',
      },
    ]);
    expect(page.next_page_yn).toBe('N');
    const later = await get(s, OPEN_BANKING_PATHS.notices, {
      from_dtime: formatTranDtime(NOW + 2 * 60 * 60 * 1000),
    });
    expect(noticeListResponseSchema.parse(later.json).res_list).toEqual([]);
    expect(() => s.controls.reverse('T991234560U000000999', 'x')).toThrow(/no transfer/);
    expect(() => s.controls.reverse(ID, 'again')).toThrow(/reversed/);
  });

  it('pages notices with the trace cursor', async () => {
    const s = await sim({ pageSize: 2 });
    for (let i = 1; i <= 5; i += 1) {
      const id = `T991234560U${String(i).padStart(9, '0')}`;
      await transfer(s, { bank_tran_id: id });
      s.controls.reverse(id, `reason ${i}`, { noticedAt: NOW + i * 1000 });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const q: Record<string, string> = { from_dtime: formatTranDtime(NOW) };
      if (cursor !== undefined) q.befor_inquiry_trace_info = cursor;
      const page = noticeListResponseSchema.parse((await get(s, OPEN_BANKING_PATHS.notices, q)).json);
      seen.push(...(page.res_list ?? []).map((n) => n.notice_message));
      if (page.next_page_yn === 'N') break;
      cursor = page.befor_inquiry_trace_info;
    }
    expect(seen).toEqual(['reason 1', 'reason 2', 'reason 3', 'reason 4', 'reason 5']);
  });
});

describe('deposit statement', () => {
  const window = { from_dtime: formatTranDtime(NOW - 15 * 60_000), to_dtime: formatTranDtime(NOW) };

  async function list(s: BankSim, extra: Record<string, string> = {}) {
    const r = await get(s, OPEN_BANKING_PATHS.transactions, { account_num: ACCOUNT, ...window, ...extra });
    return { status: r.status, page: transactionListResponseSchema.parse(r.json) };
  }

  it('pages inbound rows oldest first with a trace cursor, stable under new arrivals', async () => {
    const s = await sim({ pageSize: 3 });
    for (let i = 0; i < 7; i += 1) {
      s.controls.addDeposit({
        accountNum: ACCOUNT,
        amountKrw: 10_000 + i,
        depositorName: `김테스트${i}`,
        occurredAt: NOW - 10 * 60_000 + i * 1000,
      });
    }
    const amounts: string[] = [];
    const flags: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const { page } = await list(s, cursor === undefined ? {} : { befor_inquiry_trace_info: cursor });
      amounts.push(...(page.res_list ?? []).map((r) => r.tran_amt));
      flags.push(page.next_page_yn ?? '?');
      if (pages === 0) {
        // A deposit arriving mid-paging, later than everything read so far, shows up once at the end.
        s.controls.addDeposit({
          accountNum: ACCOUNT,
          amountKrw: 99_999,
          depositorName: '이테스트',
          occurredAt: NOW - 60_000,
        });
      }
      if (page.next_page_yn === 'N') break;
      cursor = page.befor_inquiry_trace_info;
    }
    expect(amounts).toEqual(['10000', '10001', '10002', '10003', '10004', '10005', '10006', '99999']);
    expect(flags).toEqual(['Y', 'Y', 'N']);
  });

  it('pages newest first with sort_order D, and refuses a cursor from another account', async () => {
    const s = await sim({ pageSize: 2 });
    for (let i = 0; i < 5; i += 1) {
      s.controls.addDeposit({
        accountNum: ACCOUNT,
        amountKrw: 100 + i,
        depositorName: '김',
        occurredAt: NOW - 60_000 + i * 1000,
      });
    }
    const other = s.controls.addDeposit({
      accountNum: '100000000009',
      amountKrw: 1,
      depositorName: '박',
      occurredAt: NOW - 1000,
    });
    const amounts: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const extra: Record<string, string> = { sort_order: 'D' };
      if (cursor !== undefined) extra.befor_inquiry_trace_info = cursor;
      const { page } = await list(s, extra);
      amounts.push(...(page.res_list ?? []).map((r) => r.tran_amt));
      if (page.next_page_yn === 'N') break;
      cursor = page.befor_inquiry_trace_info;
    }
    expect(amounts).toEqual(['104', '103', '102', '101', '100']);
    const foreign = `s${other.seq.toString(36)}`;
    expect(
      (
        await get(s, OPEN_BANKING_PATHS.transactions, {
          account_num: ACCOUNT,
          ...window,
          befor_inquiry_trace_info: foreign,
        })
      ).status,
    ).toBe(400);
  });

  it('pages through many rows sharing one second without losing or repeating any', async () => {
    const s = await sim({ pageSize: 7 });
    for (let i = 0; i < 400; i += 1) {
      // 40 rows per second: the cursor must order ties by arrival, not by time alone.
      s.controls.addDeposit({
        accountNum: ACCOUNT,
        amountKrw: 1 + i,
        depositorName: '김',
        occurredAt: NOW - 600_000 + Math.floor(i / 40) * 1000,
      });
    }
    const amounts: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages += 1) {
      const { page } = await list(s, cursor === undefined ? {} : { befor_inquiry_trace_info: cursor });
      amounts.push(...(page.res_list ?? []).map((r) => Number(r.tran_amt)));
      if (page.next_page_yn === 'N') break;
      cursor = page.befor_inquiry_trace_info;
    }
    expect(amounts).toEqual(Array.from({ length: 400 }, (_, i) => 1 + i));
  });

  it('keeps the window [from, to) at one-second resolution and filters by account and direction', async () => {
    const s = await sim();
    s.controls.addDeposit({
      accountNum: ACCOUNT,
      amountKrw: 1,
      depositorName: '경계',
      occurredAt: NOW - 15 * 60_000,
    });
    s.controls.addDeposit({ accountNum: ACCOUNT, amountKrw: 2, depositorName: '끝', occurredAt: NOW });
    s.controls.addDeposit({
      accountNum: '100000000003',
      amountKrw: 3,
      depositorName: '남의계좌',
      occurredAt: NOW - 1000,
    });
    s.controls.addWithdrawal({
      accountNum: ACCOUNT,
      amountKrw: 1,
      printContent: '수수료',
      occurredAt: NOW - 1000,
    });
    const all = (await list(s)).page.res_list!;
    expect(all.map((r) => [r.tran_amt, r.inout_type])).toEqual([
      ['1', '입금'],
      ['1', '출금'],
    ]);
    const inbound = (await list(s, { inquiry_type: 'I' })).page.res_list!;
    expect(inbound.map((r) => r.inout_type)).toEqual(['입금']);
  });

  it('prints the name within the byte budget and carries ids, balances and cancellations', async () => {
    const s = await sim();
    const dep = s.controls.addDeposit({
      accountNum: '100-000-000002',
      amountKrw: 15_000,
      depositorName: '김테스트123456789',
      occurredAt: NOW - 60_000,
    });
    s.controls.addDeposit({
      accountNum: ACCOUNT,
      amountKrw: 500,
      depositorName: '무번호',
      occurredAt: NOW - 50_000,
      tranId: null,
    });
    s.controls.addCancellation({ accountNum: ACCOUNT, cancels: dep.tranId!, occurredAt: NOW - 40_000 });
    const { page } = await list(s);
    expect(page.balance_amt).toBe('500');
    expect(page.account_num_masked).toBe('********0002');
    expect(page.res_list).toEqual([
      {
        tran_id: dep.tranId,
        tran_date: '20261128',
        tran_time: '095900',
        inout_type: '입금',
        tran_type: '이체',
        print_content: '김테스트1234',
        tran_amt: '15000',
        after_balance_amt: '15000',
      },
      {
        tran_date: '20261128',
        tran_time: '095910',
        inout_type: '입금',
        tran_type: '이체',
        print_content: '무번호',
        tran_amt: '500',
        after_balance_amt: '15500',
      },
      {
        tran_id: expect.stringMatching(/^C20261128/),
        tran_date: '20261128',
        tran_time: '095920',
        inout_type: '입금취소',
        tran_type: '이체',
        print_content: '김테스트1234',
        tran_amt: '15000',
        after_balance_amt: '500',
        org_tran_id: dep.tranId,
      },
    ]);
  });

  it('answers A0003 to an unknown cursor and a reversed window', async () => {
    const s = await sim();
    expect(
      (
        await get(s, OPEN_BANKING_PATHS.transactions, {
          account_num: ACCOUNT,
          ...window,
          befor_inquiry_trace_info: 'zz',
        })
      ).status,
    ).toBe(400);
    const reversed = await get(s, OPEN_BANKING_PATHS.transactions, {
      account_num: ACCOUNT,
      from_dtime: window.to_dtime,
      to_dtime: window.from_dtime,
    });
    expect(reversed.status).toBe(400);
    expect(reversed.json.rsp_code).toBe('A0003');
  });
});

describe('controls', () => {
  it('reset forgets ledger, statement, scripts and calls', async () => {
    const s = await sim();
    await transfer(s);
    s.controls.rejectNextTransfer('name_mismatch');
    s.controls.addDeposit({ accountNum: ACCOUNT, amountKrw: 1, depositorName: '김', occurredAt: NOW - 1000 });
    s.controls.reset();
    expect(s.ledger.entries()).toEqual([]);
    expect(s.ledger.calls()).toEqual([]);
    expect((await transfer(s)).verdict.kind).toBe('succeeded');
  });

  it('validates knobs at the door', async () => {
    const s = await sim();
    expect(() => s.controls.setPageSize(0)).toThrow(/page size/);
    expect(() => s.controls.setRandomFaults({ seed: 1, rates: { reset: 0.8, processing: 0.5 } })).toThrow(
      /> 1/,
    );
    expect(() => s.controls.setAllowList(['not-an-ip'])).toThrow(/allow-list/);
  });
});
