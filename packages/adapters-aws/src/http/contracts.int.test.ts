// The TransferGateway and DepositSource contracts: the HTTP adapters against bank-sim on loopback.
import { createHash } from 'node:crypto';
import type { AccountId, Deposit } from '@remit/core';
import { describeDepositSourceContract, describeTransferGatewayContract } from '@remit/core/testing';
import { startSimBank } from '../test-support/bank.js';
import { HttpDepositSource } from './deposit-source.js';
import { HttpTransferGateway } from './transfer-gateway.js';

/** The protocol's clock resolves whole seconds (`YYYYMMDDhhmmss`): so does the bank's "now" here. */
const secondsClock = { now: () => Math.floor(Date.now() / 1000) * 1000 };

describeTransferGatewayContract({
  name: 'HttpTransferGateway (bank-sim)',
  create: async () => {
    const { sim, control } = await startSimBank();
    const gateway = new HttpTransferGateway({
      baseUrl: sim.url,
      accessToken: () => sim.accessToken,
      payerAccountNumber: '100-000-000001',
      // The sim holds a timed-out answer for 60 s; the client gives up long before.
      headersTimeoutMs: 400,
      bodyTimeoutMs: 400,
    });
    return {
      gateway,
      bank: control,
      clock: secondsClock,
      close: async () => {
        await gateway.close();
        await sim.stop();
      },
    };
  },
  destroy: async (subject) => {
    await (subject as unknown as { close: () => Promise<void> }).close();
  },
});

/** A provider account number per remit account id (the suite invents accounts per test). */
function accountNumberOf(accountId: AccountId): string {
  const digits = BigInt(`0x${createHash('sha256').update(accountId).digest('hex').slice(0, 12)}`)
    .toString()
    .slice(0, 12);
  return digits.padStart(12, '1');
}

const DAY_MS = 86_400_000;
const SIM_PAGE = 5;
const PAGES_PER_CALL = 2;

describeDepositSourceContract({
  name: 'HttpDepositSource (bank-sim)',
  create: async () => {
    const { sim } = await startSimBank({ pageSize: SIM_PAGE });
    const source = new HttpDepositSource({
      baseUrl: sim.url,
      accessToken: () => sim.accessToken,
      accounts: accountNumberOf,
      maxProviderPagesPerCall: PAGES_PER_CALL,
    });
    const balances = new Map<string, number>();
    /**
     * The bank computes each row's after-balance from the account's running balance. To show
     * the balance a suite row carries, move the balance first with rows far outside any window
     * the suite reads (a deposit up, a withdrawal down).
     */
    const setBalance = (accountNum: string, occurredAt: number, target: number) => {
      const current = balances.get(accountNum) ?? 0;
      const at = occurredAt - 30 * DAY_MS;
      if (target > current)
        sim.controls.addDeposit({
          accountNum,
          amountKrw: target - current,
          depositorName: '잔액조정',
          occurredAt: at,
        });
      if (target < current)
        sim.controls.addWithdrawal({
          accountNum,
          amountKrw: current - target,
          printContent: '잔액조정',
          occurredAt: at,
        });
      balances.set(accountNum, target);
    };
    const append = async (deposits: readonly Deposit[]) => {
      for (const d of deposits) {
        const accountNum = accountNumberOf(d.accountId);
        if (d.kind === 'deposit') {
          if (d.afterBalanceKrw !== undefined)
            setBalance(accountNum, d.occurredAt, d.afterBalanceKrw - d.amountKrw);
          sim.controls.addDeposit({
            accountNum,
            amountKrw: d.amountKrw,
            depositorName: d.depositorName,
            occurredAt: d.occurredAt,
            tranId: d.depositId,
            ...(d.afterBalanceKrw === undefined ? { omitAfterBalance: true } : {}),
          });
          balances.set(accountNum, (balances.get(accountNum) ?? 0) + d.amountKrw);
        } else {
          if (d.afterBalanceKrw !== undefined)
            setBalance(accountNum, d.occurredAt, d.afterBalanceKrw + d.amountKrw);
          sim.controls.addCancellation({
            accountNum,
            cancels: d.cancels!,
            occurredAt: d.occurredAt,
            tranId: d.depositId,
          });
          balances.set(accountNum, (balances.get(accountNum) ?? 0) - d.amountKrw);
        }
      }
    };
    return {
      source,
      append,
      pageSize: SIM_PAGE * PAGES_PER_CALL,
      close: async () => {
        await source.close();
        await sim.stop();
      },
    };
  },
  destroy: async (subject) => {
    await (subject as unknown as { close: () => Promise<void> }).close();
  },
});
