import {
  type BankTranId,
  type BusinessDate,
  type Clock,
  type InquireRequest,
  type InquiryResult,
  type InstantMs,
  invalidInput,
  isInMaintenance,
  type Krw,
  type ListReversalsInput,
  type MaintenanceWindow,
  type Payee,
  RejectReason,
  type RemittanceId,
  type ReversalNotice,
  type ReversalPage,
  type TransferGateway,
  type TransferRequest,
  type TransferResult,
  UnknownReason,
} from '@remit/core';
import { SeededRandom } from './random.js';

/** What the next transfer call meets. `executed` says whether the money moved anyway. */
export type TransferScript =
  | { readonly kind: 'normal' }
  | { readonly kind: 'timeout'; readonly executed: boolean }
  | { readonly kind: 'connection_reset'; readonly executed: boolean }
  | { readonly kind: 'server_error'; readonly executed: boolean }
  | { readonly kind: 'malformed'; readonly executed: boolean }
  /** Accepted, outcome pending: settles by `settle()` or after `processingSettlesAfterMs`. */
  | { readonly kind: 'processing'; readonly settlesAs?: 'succeeded' | 'rejected' }
  | { readonly kind: 'reject'; readonly reason: RejectReason }
  | { readonly kind: 'maintenance' }
  /** The provider answers "duplicate id" without executing (e.g. an id another system used). */
  | { readonly kind: 'duplicate_id' }
  /** The call throws (e.g. PROVIDER_ACCESS_DENIED when the egress IP is not allow-listed). */
  | { readonly kind: 'throw'; readonly error: Error };

/** What the next inquiry meets. */
export type InquiryScript =
  | { readonly kind: 'normal' }
  /** "No such transfer" whatever the ledger says: a bank whose inquiry lags its execution. */
  | { readonly kind: 'not_found' }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason }
  | { readonly kind: 'throw'; readonly error: Error };

export type LedgerStatus = 'succeeded' | 'rejected' | 'processing' | 'reversed';

/** One transfer the bank knows about, keyed by (businessDate, bankTranId). */
export interface LedgerEntry {
  readonly remittanceId: RemittanceId;
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
  readonly payee: Payee;
  readonly status: LedgerStatus;
  readonly reason?: RejectReason;
  readonly at: InstantMs;
  readonly settlesAt?: InstantMs;
  readonly settlesAs?: 'succeeded' | 'rejected';
}

export type GatewayCall =
  | {
      readonly op: 'transfer';
      readonly at: InstantMs;
      readonly input: TransferRequest;
      readonly result?: TransferResult;
    }
  | {
      readonly op: 'inquire';
      readonly at: InstantMs;
      readonly input: InquireRequest;
      readonly result?: InquiryResult;
    };

export interface RandomFaults {
  readonly seed: number;
  /** Probability per transfer call of each fault (checked in this order, after scripts). */
  readonly timeoutExecuted?: number;
  readonly timeoutNotExecuted?: number;
  readonly serverError?: number;
  readonly processing?: number;
  /** Probability per inquiry of an `unknown` (timeout) answer. */
  readonly inquiryTimeout?: number;
}

export interface MemoryTransferGatewayOptions {
  readonly clock: Clock;
  /** The bank's own nightly window: calls inside it answer `maintenance`. Default: none. */
  readonly maintenance?: MaintenanceWindow;
  /** A `processing` transfer settles by itself after this long. Default: only `settle()` settles. */
  readonly processingSettlesAfterMs?: number;
  /** Debit account balance; a transfer above it is rejected `insufficient_balance`. Default: unlimited. */
  readonly balanceKrw?: number;
  /** Payee account numbers the bank does not know (rejected `invalid_account`). */
  readonly invalidAccounts?: readonly string[];
  /** Notices per `listReversals` page. Default 50. */
  readonly reversalPageSize?: number;
  /** Seeded random faults for simulations (scripts take precedence). */
  readonly randomFaults?: RandomFaults;
}

const OK_CODE = 'A0000/000';

/**
 * A bank in memory: a ledger of executed transfers keyed by (business date, bank id), answers
 * scriptable per call, inquiry answered from the ledger, reversal notices, and a log of every
 * call for assertions.
 *
 *   scriptTransfer({ kind: 'timeout', executed: true })
 *   transfer ──► unknown(timeout)   ledger: succeeded   (the money moved; the caller does not know)
 *   inquire  ──► succeeded
 *
 * @example
 * ```ts
 * const bank = new MemoryTransferGateway({ clock });
 * bank.scriptTransfer({ kind: 'timeout', executed: true });
 * bank.moneyMovedFor(remittanceId); // 1 after the payout, whatever the retries
 * ```
 */
export class MemoryTransferGateway implements TransferGateway {
  readonly #clock: Clock;
  readonly #options: MemoryTransferGatewayOptions;
  readonly #ledger = new Map<string, LedgerEntry>();
  readonly #transferScripts: TransferScript[] = [];
  readonly #inquiryScripts: InquiryScript[] = [];
  readonly #calls: GatewayCall[] = [];
  readonly #reversals: ReversalNotice[] = [];
  readonly #random: SeededRandom | undefined;
  #spentKrw = 0;

  constructor(options: MemoryTransferGatewayOptions) {
    this.#clock = options.clock;
    this.#options = options;
    this.#random =
      options.randomFaults === undefined ? undefined : new SeededRandom(options.randomFaults.seed);
  }

  // ------------------------------------------------------------------ the port

  async transfer(input: TransferRequest): Promise<TransferResult> {
    await Promise.resolve();
    const call: { op: 'transfer'; at: InstantMs; input: TransferRequest; result?: TransferResult } = {
      op: 'transfer',
      at: this.#clock.now(),
      input,
    };
    this.#calls.push(call);
    const result = this.#transfer(input, this.#transferScripts.shift() ?? this.#randomTransferScript());
    call.result = result;
    return result;
  }

  async inquire(input: InquireRequest): Promise<InquiryResult> {
    await Promise.resolve();
    const call: { op: 'inquire'; at: InstantMs; input: InquireRequest; result?: InquiryResult } = {
      op: 'inquire',
      at: this.#clock.now(),
      input,
    };
    this.#calls.push(call);
    const script = this.#inquiryScripts.shift() ?? this.#randomInquiryScript();
    if (script.kind === 'throw') throw script.error;
    const result: InquiryResult =
      script.kind === 'unknown'
        ? { kind: 'unknown', reason: script.reason }
        : script.kind === 'not_found'
          ? { kind: 'not_found' }
          : this.#answerInquiry(input);
    call.result = result;
    return result;
  }

  async listReversals(input: ListReversalsInput): Promise<ReversalPage> {
    await Promise.resolve();
    const pageSize = this.#options.reversalPageSize ?? 50;
    const offset = input.cursor === undefined ? 0 : Number(input.cursor);
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw invalidInput(`listReversals: not a cursor this bank issued: ${JSON.stringify(input.cursor)}`);
    }
    const matching = this.#reversals.filter((n) => n.noticedAt >= input.sinceMs);
    const notices = matching.slice(offset, offset + pageSize);
    return offset + pageSize < matching.length
      ? { notices, nextCursor: String(offset + pageSize) }
      : { notices };
  }

  // ------------------------------------------------------------------ scripting and control

  /** Queue answers for the next transfer calls, one each, in order. Unscripted calls are normal. */
  scriptTransfer(...scripts: readonly TransferScript[]): this {
    this.#transferScripts.push(...scripts);
    return this;
  }

  /** Queue answers for the next inquiries, one each, in order. */
  scriptInquiry(...scripts: readonly InquiryScript[]): this {
    this.#inquiryScripts.push(...scripts);
    return this;
  }

  /** The contract suite's control (`TransferBankControl`): the next transfer meets this fault. */
  async failNextTransfer(fault: TransferScript): Promise<void> {
    this.scriptTransfer(fault);
  }

  /** Settle a `processing` transfer. */
  async settle(input: {
    readonly bankTranId: BankTranId;
    readonly businessDate: BusinessDate;
    readonly result: 'succeeded' | 'rejected';
    readonly reason?: RejectReason;
  }): Promise<void> {
    const key = ledgerKey(input.businessDate, input.bankTranId);
    const entry = this.#ledger.get(key);
    if (entry === undefined || entry.status !== 'processing') {
      throw invalidInput(`no processing transfer ${input.bankTranId} on ${input.businessDate}`);
    }
    this.#settle(key, entry, input.result, input.reason);
  }

  /** The bank reports later that a succeeded transfer failed (a reversal notice). */
  async reverse(input: {
    readonly bankTranId: BankTranId;
    readonly businessDate: BusinessDate;
    readonly reason: string;
  }): Promise<void> {
    const key = ledgerKey(input.businessDate, input.bankTranId);
    const entry = this.#ledger.get(key);
    if (entry === undefined || entry.status !== 'succeeded') {
      throw invalidInput(`no succeeded transfer ${input.bankTranId} on ${input.businessDate}`);
    }
    this.#ledger.set(key, { ...entry, status: 'reversed' });
    this.#reversals.push({
      bankTranId: entry.bankTranId,
      businessDate: entry.businessDate,
      amountKrw: entry.amountKrw,
      reason: input.reason,
      noticedAt: this.#clock.now(),
    });
  }

  /** How many times money moved for (businessDate, bankTranId): 0 or 1 for a correct bank. */
  async executedCount(input: {
    readonly bankTranId: BankTranId;
    readonly businessDate: BusinessDate;
  }): Promise<number> {
    this.#settleDue();
    const entry = this.#ledger.get(ledgerKey(input.businessDate, input.bankTranId));
    return entry !== undefined && moved(entry) ? 1 : 0;
  }

  /** Transfers that moved money for a remittance, across every bank id it ever used. THE invariant: <= 1. */
  moneyMovedFor(remittanceId: RemittanceId): number {
    return this.ledger().filter((e) => e.remittanceId === remittanceId && moved(e)).length;
  }

  ledger(): readonly LedgerEntry[] {
    this.#settleDue();
    return [...this.#ledger.values()];
  }

  get calls(): readonly GatewayCall[] {
    return this.#calls;
  }

  transferCalls(remittanceId?: RemittanceId): readonly TransferRequest[] {
    return this.#calls.flatMap((c) =>
      c.op === 'transfer' && (remittanceId === undefined || c.input.remittanceId === remittanceId)
        ? [c.input]
        : [],
    );
  }

  inquiryCalls(): readonly InquireRequest[] {
    return this.#calls.flatMap((c) => (c.op === 'inquire' ? [c.input] : []));
  }

  // ------------------------------------------------------------------ the bank

  #transfer(input: TransferRequest, script: TransferScript): TransferResult {
    const key = ledgerKey(input.businessDate, input.bankTranId);
    if (script.kind === 'throw') throw script.error;
    if (this.#ledger.has(key) || script.kind === 'duplicate_id') {
      return { kind: 'duplicate_id', providerCode: 'A0000/822' };
    }
    const bankInMaintenance =
      this.#options.maintenance !== undefined &&
      isInMaintenance(this.#clock.now(), this.#options.maintenance);
    if (script.kind === 'maintenance' || bankInMaintenance)
      return { kind: 'maintenance', providerCode: 'A0008' };
    if (script.kind === 'reject') return this.#reject(key, input, script.reason);
    if (this.#options.invalidAccounts?.includes(input.payee.accountNumber) === true) {
      return this.#reject(key, input, RejectReason.InvalidAccount);
    }
    if (
      this.#options.balanceKrw !== undefined &&
      this.#spentKrw + input.amountKrw > this.#options.balanceKrw
    ) {
      return this.#reject(key, input, RejectReason.InsufficientBalance);
    }
    switch (script.kind) {
      case 'normal':
        this.#execute(key, input, 'succeeded');
        return { kind: 'succeeded', providerCode: OK_CODE };
      case 'processing': {
        const after = this.#options.processingSettlesAfterMs;
        this.#execute(key, input, 'processing', {
          ...(after === undefined ? {} : { settlesAt: this.#clock.now() + after }),
          settlesAs: script.settlesAs ?? 'succeeded',
        });
        return { kind: 'unknown', reason: UnknownReason.Processing, providerCode: 'A0007' };
      }
      case 'timeout':
      case 'connection_reset':
      case 'server_error':
      case 'malformed': {
        if (script.executed) this.#execute(key, input, 'succeeded');
        const reason = {
          timeout: UnknownReason.Timeout,
          connection_reset: UnknownReason.ConnectionReset,
          server_error: UnknownReason.ServerError,
          malformed: UnknownReason.Malformed,
        }[script.kind];
        return script.kind === 'server_error'
          ? { kind: 'unknown', reason, providerCode: 'HTTP 503' }
          : { kind: 'unknown', reason };
      }
    }
  }

  #reject(key: string, input: TransferRequest, reason: RejectReason): TransferResult {
    this.#ledger.set(key, { ...entryOf(input, this.#clock.now()), status: 'rejected', reason });
    return { kind: 'rejected', reason, providerCode: `A0000/${REJECT_CODES[reason]}` };
  }

  #execute(
    key: string,
    input: TransferRequest,
    status: 'succeeded' | 'processing',
    extra: { settlesAt?: InstantMs; settlesAs?: 'succeeded' | 'rejected' } = {},
  ): void {
    if (status === 'succeeded') this.#spentKrw += input.amountKrw;
    this.#ledger.set(key, { ...entryOf(input, this.#clock.now()), status, ...extra });
  }

  #answerInquiry(input: InquireRequest): InquiryResult {
    this.#settleDue();
    const entry = this.#ledger.get(ledgerKey(input.businessDate, input.bankTranId));
    // The provider keys an inquiry by (id, date, amount): another amount is another transfer.
    if (entry === undefined || entry.amountKrw !== input.amountKrw) return { kind: 'not_found' };
    switch (entry.status) {
      case 'succeeded':
      case 'reversed':
        return { kind: 'succeeded', providerCode: OK_CODE };
      case 'rejected':
        return { kind: 'rejected', reason: entry.reason ?? RejectReason.Other, providerCode: 'A0000/999' };
      case 'processing':
        return { kind: 'unknown', reason: UnknownReason.Processing, providerCode: 'A0007' };
    }
  }

  #settleDue(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#ledger) {
      if (entry.status === 'processing' && entry.settlesAt !== undefined && entry.settlesAt <= now) {
        this.#settle(key, entry, entry.settlesAs ?? 'succeeded', undefined);
      }
    }
  }

  #settle(
    key: string,
    entry: LedgerEntry,
    result: 'succeeded' | 'rejected',
    reason: RejectReason | undefined,
  ): void {
    if (result === 'succeeded') {
      this.#spentKrw += entry.amountKrw;
      this.#ledger.set(key, { ...entry, status: 'succeeded' });
    } else {
      this.#ledger.set(key, { ...entry, status: 'rejected', reason: reason ?? RejectReason.Other });
    }
  }

  #randomTransferScript(): TransferScript {
    const r = this.#options.randomFaults;
    if (r === undefined || this.#random === undefined) return { kind: 'normal' };
    const x = this.#random.next();
    let edge = 0;
    const table: readonly [number | undefined, TransferScript][] = [
      [r.timeoutExecuted, { kind: 'timeout', executed: true }],
      [r.timeoutNotExecuted, { kind: 'timeout', executed: false }],
      [r.serverError, { kind: 'server_error', executed: false }],
      [r.processing, { kind: 'processing' }],
    ];
    for (const [p, script] of table) {
      edge += p ?? 0;
      if (x < edge) return script;
    }
    return { kind: 'normal' };
  }

  #randomInquiryScript(): InquiryScript {
    const p = this.#options.randomFaults?.inquiryTimeout;
    if (p === undefined || this.#random === undefined || !this.#random.chance(p)) return { kind: 'normal' };
    return { kind: 'unknown', reason: UnknownReason.Timeout };
  }
}

const REJECT_CODES: Record<RejectReason, string> = {
  invalid_account: '999',
  name_mismatch: '815',
  insufficient_balance: '453',
  limit_exceeded: '455',
  other: '999',
};

function ledgerKey(date: BusinessDate, bankTranId: BankTranId): string {
  return `${date}#${bankTranId}`;
}

function moved(entry: LedgerEntry): boolean {
  return entry.status === 'succeeded' || entry.status === 'reversed';
}

function entryOf(input: TransferRequest, at: InstantMs) {
  return {
    remittanceId: input.remittanceId,
    bankTranId: input.bankTranId,
    businessDate: input.businessDate,
    amountKrw: input.amountKrw,
    payee: input.payee,
    at,
  };
}
