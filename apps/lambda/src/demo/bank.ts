/**
 * The bank as the demo drives it: statements to append to, faults to arm, reversals, and the
 * ledger to reconcile against. One interface, two banks: the in-memory gateway + statement
 * (`--memory`) and bank-sim over HTTP (the default).
 */

import { HttpTransferGateway } from '@remit/adapters-aws';
import type { MemoryDepositSource, MemoryTransferGateway } from '@remit/adapters-memory';
import type { BankSim } from '@remit/bank-sim';
import {
  type AccountId,
  type BankTranId,
  type BusinessDate,
  type Clock,
  type InstantMs,
  parseDepositId,
  parseKrw,
  parseOrderId,
  remittanceIdFor,
  truncateToBudget,
} from '@remit/core';

/** One transfer as the bank booked it. */
export interface DemoLedgerEntry {
  readonly bankTranId: string;
  readonly businessDate: string;
  readonly amountKrw: number;
  /** Money left our account (executed, possibly reversed later). */
  readonly moved: boolean;
  readonly reversed: boolean;
  /** The memo the payee sees: remit puts the order id there. */
  readonly memo: string;
}

export interface DemoDeposit {
  readonly accountId: AccountId;
  readonly accountNumber: string;
  readonly tranId: string;
  readonly depositorName: string;
  readonly amountKrw: number;
  readonly occurredAt: InstantMs;
}

export interface DemoBank {
  readonly name: string;
  addDeposit(deposit: DemoDeposit): void;
  addCancellation(input: {
    readonly accountId: AccountId;
    readonly accountNumber: string;
    readonly tranId: string;
    readonly cancels: DemoDeposit;
    readonly occurredAt: InstantMs;
  }): void;
  /** The next transfer call executes, and its answer is lost (the client times out). */
  armTimeoutAfterExecuting(): void;
  /** After a tick: answer whatever the bank still holds (bank-sim holds timed-out answers). */
  releaseHeld(): void;
  /** Another system books a transfer under `bankTranId` (our institution code, its own payee). */
  bookForeignTransfer(input: {
    readonly bankTranId: BankTranId;
    readonly businessDate: BusinessDate;
  }): Promise<void>;
  reverse(input: {
    readonly bankTranId: string;
    readonly businessDate: string;
    readonly reason: string;
  }): void;
  ledger(): readonly DemoLedgerEntry[];
  /** Provider answers seen, for the summary. */
  stats(): {
    readonly duplicateIdAnswers: number;
    readonly transferCalls: number;
    readonly inquiries: number;
  };
  close(): Promise<void>;
}

const FOREIGN_PAYEE = { bankCode: '004', accountNumber: '330-000-000001', holderName: '(주)다른시스템' };
const FOREIGN_AMOUNT_KRW = 1_000;

// ---------------------------------------------------------------- memory

/**
 * The in-memory bank: the statement is a {@link MemoryDepositSource}, transfers a
 * {@link MemoryTransferGateway}. Names are printed truncated, like a bank does.
 */
export function memoryBank(options: {
  readonly source: MemoryDepositSource;
  readonly gateway: MemoryTransferGateway;
  readonly nameBudgetBytes: number;
}): DemoBank {
  const { source, gateway } = options;
  return {
    name: 'in-memory bank',
    addDeposit(d) {
      source.append({
        accountId: d.accountId,
        depositId: parseDepositId(d.tranId),
        depositorName: truncateToBudget(d.depositorName, options.nameBudgetBytes),
        amountKrw: parseKrw(d.amountKrw),
        occurredAt: d.occurredAt,
        kind: 'deposit',
      });
    },
    addCancellation(c) {
      source.append({
        accountId: c.accountId,
        depositId: parseDepositId(c.tranId),
        depositorName: truncateToBudget(c.cancels.depositorName, options.nameBudgetBytes),
        amountKrw: parseKrw(c.cancels.amountKrw),
        occurredAt: c.occurredAt,
        kind: 'cancellation',
        cancels: parseDepositId(c.cancels.tranId),
      });
    },
    armTimeoutAfterExecuting() {
      gateway.scriptTransfer({ kind: 'timeout', executed: true });
    },
    releaseHeld() {},
    async bookForeignTransfer({ bankTranId, businessDate }) {
      await gateway.transfer({
        remittanceId: remittanceIdFor(parseOrderId('foreign-system')),
        bankTranId,
        businessDate,
        amountKrw: parseKrw(FOREIGN_AMOUNT_KRW),
        payee: FOREIGN_PAYEE,
        memo: 'foreign',
      });
    },
    reverse({ bankTranId, businessDate, reason }) {
      void gateway.reverse({
        bankTranId: bankTranId as BankTranId,
        businessDate: businessDate as BusinessDate,
        reason,
      });
    },
    ledger() {
      return gateway.ledger().map((e) => ({
        bankTranId: e.bankTranId,
        businessDate: e.businessDate,
        amountKrw: e.amountKrw,
        moved: e.status === 'succeeded' || e.status === 'reversed',
        reversed: e.status === 'reversed',
        memo: e.remittanceId.replace(/^rm:/, ''),
      }));
    },
    stats() {
      const transfers = gateway.calls.filter((c) => c.op === 'transfer');
      return {
        duplicateIdAnswers: transfers.filter((c) => c.result?.kind === 'duplicate_id').length,
        transferCalls: transfers.length,
        inquiries: gateway.calls.length - transfers.length,
      };
    },
    close: async () => {},
  };
}

// ---------------------------------------------------------------- bank-sim

/** How long bank-sim holds a timed-out answer: longer than the demo's provider timeout. */
const HOLD_MS = 1_500;

/**
 * bank-sim over HTTP. The foreign booking goes through its own client (another system with our
 * institution code), never through remit's ports.
 */
export function simBank(options: {
  readonly sim: BankSim;
  readonly clock: Clock;
  readonly payerAccount: string;
}): DemoBank {
  const { sim } = options;
  const foreign = new HttpTransferGateway({
    baseUrl: sim.url,
    accessToken: () => sim.accessToken,
    payerAccountNumber: options.payerAccount,
    clock: options.clock,
    connections: 1,
  });
  return {
    name: `bank-sim at ${sim.url}`,
    addDeposit(d) {
      sim.controls.addDeposit({
        accountNum: d.accountNumber,
        amountKrw: d.amountKrw,
        depositorName: d.depositorName,
        occurredAt: d.occurredAt,
        tranId: d.tranId,
      });
    },
    addCancellation(c) {
      sim.controls.addCancellation({
        accountNum: c.accountNumber,
        cancels: c.cancels.tranId,
        occurredAt: c.occurredAt,
        tranId: c.tranId,
      });
    },
    armTimeoutAfterExecuting() {
      sim.controls.injectFault(
        { kind: 'timeout_after_executing', holdMs: HOLD_MS },
        { endpoint: 'transfer' },
      );
    },
    releaseHeld() {
      sim.controls.releaseHeld();
    },
    async bookForeignTransfer({ bankTranId, businessDate }) {
      const result = await foreign.transfer({
        remittanceId: remittanceIdFor(parseOrderId('foreign-system')),
        bankTranId,
        businessDate,
        amountKrw: parseKrw(FOREIGN_AMOUNT_KRW),
        payee: FOREIGN_PAYEE,
        memo: 'foreign',
      });
      if (result.kind !== 'succeeded') throw new Error(`foreign booking failed: ${result.kind}`);
    },
    reverse({ bankTranId, businessDate, reason }) {
      sim.controls.reverse(bankTranId, reason, { businessDate });
    },
    ledger() {
      return sim.ledger.entries().map((e) => ({
        bankTranId: e.bankTranId,
        businessDate: e.businessDate,
        amountKrw: e.amountKrw,
        moved: e.status === 'executed' || e.status === 'reversed',
        reversed: e.status === 'reversed',
        memo: e.printContent,
      }));
    },
    stats() {
      const calls = sim.ledger.calls();
      return {
        duplicateIdAnswers: calls.filter((c) => c.bankRspCode === '822').length,
        transferCalls: calls.filter((c) => c.endpoint === 'transfer').length,
        inquiries: calls.filter((c) => c.endpoint === 'inquiry').length,
      };
    },
    close: () => foreign.http.close(),
  };
}
