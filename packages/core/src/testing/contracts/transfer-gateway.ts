/**
 * The contract every `TransferGateway` adapter passes: memory in the unit tier, the HTTP adapter
 * against bank-sim in the integration tier. Only behaviour a real provider has is asserted; the
 * bank is steered through a control handle the factory returns (bank-sim's fault knobs).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BankTranId, InstitutionCode } from '../../ids.js';
import { parseRemittanceId } from '../../ids.js';
import { parseKrw } from '../../money.js';
import type { Clock } from '../../ports/clock.js';
import type { RejectReason, TransferGateway, TransferRequest } from '../../ports/transfer-gateway.js';
import { type BusinessDate, businessDateOf } from '../../time.js';
import { CONTRACT_INSTITUTION, CONTRACT_PAYEE, contractBankTranId, uniqueTag } from './fixtures.js';

/** Faults a bank (or bank simulator) can be told to produce on the next transfer call. */
export type BankFault =
  /** No answer in time; `executed` says whether the money moved anyway. */
  | { readonly kind: 'timeout'; readonly executed: boolean }
  /** A 5xx; `executed` as above. */
  | { readonly kind: 'server_error'; readonly executed: boolean }
  /** Accepted but not final ("A0007"); it settles when told to. */
  | { readonly kind: 'processing' }
  | { readonly kind: 'reject'; readonly reason: RejectReason }
  /** Refused: the bank is in its maintenance window. */
  | { readonly kind: 'maintenance' };

export interface BankTransferKey {
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
}

/** The bank's side, as a test drives it. */
export interface TransferBankControl {
  /** The next transfer call meets this fault (one-shot, in order). */
  failNextTransfer(fault: BankFault): Promise<void>;
  /** Settle a `processing` transfer. */
  settle(input: BankTransferKey & { readonly result: 'succeeded' | 'rejected' }): Promise<void>;
  /** Report later that a succeeded transfer failed (a reversal notice). */
  reverse(input: BankTransferKey & { readonly reason: string }): Promise<void>;
  /** How many times money moved for this key: 0 or 1 for a correct bank. */
  executedCount(input: BankTransferKey): Promise<number>;
}

export interface TransferGatewaySubject {
  readonly gateway: TransferGateway;
  readonly bank: TransferBankControl;
  /** The clock business dates are taken from (the bank's notion of "today"). */
  readonly clock: Clock;
  /** Institution code the provider accepts. Default: the suites' `T991234560`. */
  readonly institution?: InstitutionCode;
}

export interface TransferGatewayContractOptions {
  readonly name: string;
  readonly create: () => Promise<TransferGatewaySubject>;
  readonly destroy?: (subject: TransferGatewaySubject) => Promise<void>;
}

/** Process-wide, so ids stay unique even against a bank shared between tests. */
let sequence = 0;

/**
 * Registers the TransferGateway contract with vitest.
 *
 * @example
 * ```ts
 * describeTransferGatewayContract({
 *   name: 'MemoryTransferGateway',
 *   create: async () => { const clock = new SimulatedClock(); const g = new MemoryTransferGateway({ clock }); return { gateway: g, bank: g, clock }; },
 * });
 * ```
 */
export function describeTransferGatewayContract(options: TransferGatewayContractOptions): void {
  describe(`TransferGateway contract: ${options.name}`, () => {
    let subject: TransferGatewaySubject;
    let gateway: TransferGateway;
    let bank: TransferBankControl;
    let date: BusinessDate;
    beforeEach(async () => {
      subject = await options.create();
      gateway = subject.gateway;
      bank = subject.bank;
      date = businessDateOf(subject.clock.now());
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    const request = (amount = 14_700): TransferRequest => {
      sequence += 1;
      return {
        remittanceId: parseRemittanceId(`rm:ord-${uniqueTag()}`),
        bankTranId: contractBankTranId(sequence, subject.institution ?? CONTRACT_INSTITUTION),
        businessDate: date,
        amountKrw: parseKrw(amount),
        payee: CONTRACT_PAYEE,
        memo: 'remit test',
      };
    };
    const key = (r: TransferRequest): BankTransferKey => ({
      bankTranId: r.bankTranId,
      businessDate: r.businessDate,
    });
    const inquire = (r: TransferRequest) =>
      gateway.inquire({ bankTranId: r.bankTranId, businessDate: r.businessDate, amountKrw: r.amountKrw });

    it('a transfer succeeds once; inquiry confirms it', async () => {
      const r = request();
      expect((await gateway.transfer(r)).kind).toBe('succeeded');
      expect((await inquire(r)).kind).toBe('succeeded');
      expect(await bank.executedCount(key(r))).toBe(1);
    });

    it('the same bank id again is duplicate_id and moves no more money', async () => {
      const r = request();
      await gateway.transfer(r);
      expect((await gateway.transfer(r)).kind).toBe('duplicate_id');
      expect(await bank.executedCount(key(r))).toBe(1);
    });

    it('inquiry of an id the bank never saw is not_found', async () => {
      expect((await inquire(request())).kind).toBe('not_found');
    });

    it('inquiry with another amount does not confirm the transfer', async () => {
      const r = request();
      await gateway.transfer(r);
      const other = await gateway.inquire({ ...key(r), amountKrw: parseKrw(r.amountKrw + 1) });
      expect(other.kind).not.toBe('succeeded');
    });

    it('a timeout after the bank executed is unknown; inquiry finds it succeeded', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'timeout', executed: true });
      const t = await gateway.transfer(r);
      expect(t.kind).toBe('unknown');
      expect((await inquire(r)).kind).toBe('succeeded');
      expect(await bank.executedCount(key(r))).toBe(1);
    });

    it('a timeout before the bank executed is unknown; inquiry says not_found; the same id can be sent again', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'timeout', executed: false });
      expect((await gateway.transfer(r)).kind).toBe('unknown');
      expect((await inquire(r)).kind).toBe('not_found');
      expect((await gateway.transfer(r)).kind).toBe('succeeded');
      expect(await bank.executedCount(key(r))).toBe(1);
    });

    it('a 5xx is unknown, never rejected', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'server_error', executed: true });
      const t = await gateway.transfer(r);
      expect(t.kind).toBe('unknown');
      expect((await inquire(r)).kind).toBe('succeeded');
    });

    it('a definite rejection is rejected with its reason and moves no money', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'reject', reason: 'name_mismatch' });
      const t = await gateway.transfer(r);
      expect(t).toMatchObject({ kind: 'rejected', reason: 'name_mismatch' });
      expect(await bank.executedCount(key(r))).toBe(0);
      expect((await inquire(r)).kind).not.toBe('succeeded');
    });

    it('insufficient balance is a definite rejection', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'reject', reason: 'insufficient_balance' });
      expect(await gateway.transfer(r)).toMatchObject({ kind: 'rejected', reason: 'insufficient_balance' });
    });

    it('processing is unknown until the bank settles it; inquiry then answers the outcome', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'processing' });
      expect(await gateway.transfer(r)).toMatchObject({ kind: 'unknown', reason: 'processing' });
      expect((await inquire(r)).kind).toBe('unknown');
      await bank.settle({ ...key(r), result: 'succeeded' });
      expect((await inquire(r)).kind).toBe('succeeded');
      expect(await bank.executedCount(key(r))).toBe(1);
    });

    it('maintenance is refused without executing; the same id goes through later', async () => {
      const r = request();
      await bank.failNextTransfer({ kind: 'maintenance' });
      expect((await gateway.transfer(r)).kind).toBe('maintenance');
      expect(await bank.executedCount(key(r))).toBe(0);
      expect((await inquire(r)).kind).toBe('not_found');
      expect((await gateway.transfer(r)).kind).toBe('succeeded');
    });

    it('lists reversal notices of succeeded transfers, page by page', async () => {
      const since = subject.clock.now();
      const reversed = [request(), request(), request()];
      const kept = request();
      for (const r of [...reversed, kept]) expect((await gateway.transfer(r)).kind).toBe('succeeded');
      for (const r of reversed) await bank.reverse({ ...key(r), reason: 'account closed' });
      const notices = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 50; pages += 1) {
        const page = await gateway.listReversals({
          sinceMs: since,
          ...(cursor === undefined ? {} : { cursor }),
        });
        notices.push(...page.notices);
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      const mine = notices.filter((n) => [...reversed, kept].some((r) => r.bankTranId === n.bankTranId));
      expect(mine.map((n) => n.bankTranId).sort()).toEqual(reversed.map((r) => r.bankTranId).sort());
      for (const n of mine) {
        expect(n.businessDate).toBe(date);
        expect(n.amountKrw).toBe(14_700);
        expect(n.noticedAt).toBeGreaterThanOrEqual(since);
      }
    });
  });
}
