// `pnpm bench gateway`: HttpTransferGateway.transfer vs raw undici Pool.request of the same wire
// body against bank-sim on loopback, 64 in flight each (target: >= 0.9x the raw calls/s).
import { type BankSim, startBankSim } from '@remit/bank-sim';
import {
  businessDateOf,
  formatTranDtime,
  OPEN_BANKING_PATHS,
  openBankingFormat,
  parseKrw,
  parseRemittanceId,
  type TransferRequest,
} from '@remit/core';
import type { BenchSuite } from '@remit/core/testing';
import { Pool } from 'undici';
import { INSTITUTION } from '../test-support/fixtures.js';
import { HttpTransferGateway } from './transfer-gateway.js';

const IN_FLIGHT = 64;

interface State {
  sim: BankSim;
  pool: Pool;
  gateway: HttpTransferGateway;
  next: () => number;
  calls: number;
}

function request(n: number): TransferRequest {
  return {
    remittanceId: parseRemittanceId(`rm:ord-bench-${n}`),
    bankTranId: openBankingFormat.format({ institution: INSTITUTION, sequence: n }),
    businessDate: businessDateOf(Date.now()),
    amountKrw: parseKrw(14_700),
    payee: { bankCode: '004', accountNumber: '110-000-000001', holderName: '김판매' },
    memo: '리밋정산',
  };
}

/** The same request the gateway sends, built and answered with no validation at all. */
async function rawTransfer(s: State): Promise<unknown> {
  const r = request(s.next());
  const res = await s.pool.request({
    method: 'POST',
    path: OPEN_BANKING_PATHS.transfer,
    headers: {
      authorization: `Bearer ${s.sim.accessToken}`,
      'content-type': 'application/json; charset=utf-8',
    },
    body: JSON.stringify({
      bank_tran_id: r.bankTranId,
      tran_dtime: formatTranDtime(Date.now()),
      cntr_account_type: 'N',
      cntr_account_num: '100000000001',
      name_check_option: 'on',
      tran_amt: String(r.amountKrw),
      recv_client_bank_code: r.payee.bankCode,
      recv_client_account_num: '110000000001',
      recv_client_name: r.payee.holderName,
      print_content: r.memo,
      transfer_purpose: 'TR',
    }),
  });
  const body = (await res.body.json()) as { rsp_code?: string };
  if (body.rsp_code !== 'A0000') throw new Error(`raw transfer: ${body.rsp_code}`);
  return body;
}

async function gatewayTransfer(s: State): Promise<unknown> {
  const result = await s.gateway.transfer(request(s.next()));
  if (result.kind !== 'succeeded') throw new Error(`gateway transfer: ${result.kind}`);
  return result;
}

const suite: BenchSuite<State> = {
  name: 'transfer over HTTP: 64 in flight against bank-sim',
  timeMs: 2_000,
  // Interleaved, so load that changes during the run lands on both cases alike.
  rounds: 4,
  async setup() {
    const sim = await startBankSim({ maintenance: null });
    let n = 0;
    const state: State = {
      sim,
      pool: new Pool(sim.url, { connections: IN_FLIGHT, pipelining: 1 }),
      gateway: new HttpTransferGateway({
        baseUrl: sim.url,
        accessToken: () => sim.accessToken,
        payerAccountNumber: '100-000-000001',
        connections: IN_FLIGHT,
      }),
      next: () => (n += 1),
      calls: 0,
    };
    // Warm both paths (and bank-sim's own JIT) before either case is timed.
    for (let i = 0; i < 10; i += 1) {
      await Promise.all(Array.from({ length: IN_FLIGHT }, () => rawTransfer(state)));
      await Promise.all(Array.from({ length: IN_FLIGHT }, () => gatewayTransfer(state)));
    }
    sim.controls.reset();
    return state;
  },
  // bank-sim runs in this process and keeps every transfer: without a reset the heap (and GC
  // pauses) grow through the run and penalise whichever case runs later. Untimed.
  beforeEach: (s) => {
    s.calls += 1;
    if (s.calls % 20 === 0) s.sim.controls.reset();
  },
  async teardown(s) {
    await s.pool.close();
    await s.gateway.close();
    await s.sim.stop();
  },
  cases: [
    {
      name: 'raw undici Pool.request',
      baseline: true,
      opsPerCall: IN_FLIGHT,
      fn: (s) => Promise.all(Array.from({ length: IN_FLIGHT }, () => rawTransfer(s))),
    },
    {
      name: 'HttpTransferGateway.transfer',
      opsPerCall: IN_FLIGHT,
      fn: (s) => Promise.all(Array.from({ length: IN_FLIGHT }, () => gatewayTransfer(s))),
      target: { maxRatio: 1 / 0.9 },
    },
  ],
};

export default suite;
