/**
 * The simulated transfer provider: the ground truth of what money moved. It keeps a ledger keyed
 * by (business date, bank_tran_id), answers transfers and inquiries the way the reference protocol
 * does, and injects the wire faults of the plan between itself and remit:
 *
 *   remit ──request──▶  [lostRequest: dropped, nothing happens, remit sees "timeout"]
 *                      bank executes (or refuses: maintenance, stale date, duplicate id, invalid payee)
 *   remit ◀──answer───  [lostResponse: executed, remit sees timeout/5xx/reset]
 *                       [duplicateAnswer: executed, remit sees "duplicate id"]
 *                       [processing: remit sees "processing", the bank settles it minutes later]
 *
 * Every call is logged with both sides (what happened, what remit was told) for the auditor.
 */
import type { BankTranId, RemittanceId } from '../../ids.js';
import type { Krw } from '../../money.js';
import type {
  InquireRequest,
  InquiryResult,
  ListReversalsInput,
  RejectReason,
  ReversalNotice,
  ReversalPage,
  TransferGateway,
  TransferRequest,
  TransferResult,
  UnknownReason,
} from '../../ports/transfer-gateway.js';
import {
  type BusinessDate,
  businessDateOf,
  type InstantMs,
  isInMaintenance,
  type MaintenanceWindow,
} from '../../time.js';
import type { Payee } from '../../types.js';
import type { SimContext } from './context.js';
import type { Prng } from './prng.js';

/** Payee account numbers the bank refuses (the workload gives some sellers one). */
export const INVALID_ACCOUNT_PREFIX = '999-';
/** Holder names the bank refuses as a name mismatch. */
export const MISMATCHED_HOLDER_PREFIX = '불일치';

export type LedgerStatus = 'succeeded' | 'rejected' | 'processing' | 'reversed';

export interface LedgerEntry {
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly remittanceId: RemittanceId;
  readonly amountKrw: Krw;
  readonly payee: Payee;
  readonly at: InstantMs;
  status: LedgerStatus;
  rejectReason?: RejectReason;
  /** For `processing`: when it settles, and how. */
  settleAt?: InstantMs;
  settlesAs?: 'succeeded' | 'rejected';
  /** Set when a reversal is due. */
  reverseAt?: InstantMs;
}

/** Money moved (or may still move): counts against "paid at most once". */
export function moneyMoved(entry: LedgerEntry): boolean {
  return entry.status === 'succeeded' || entry.status === 'processing';
}

export interface BankCall {
  readonly seq: number;
  readonly op: 'transfer' | 'inquire';
  readonly at: InstantMs;
  readonly who: string;
  readonly bankTranId: BankTranId;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
  /** Transfers carry it; inquiries are attributed through the ledger / earlier calls. */
  readonly remittanceId: RemittanceId | undefined;
  /** What remit was told. */
  readonly answer: TransferResult['kind'] | InquiryResult['kind'];
  /** For a transfer: a new ledger entry was created (money moved or may move). */
  readonly executed: boolean;
  /** The bank refused it without booking anything (it cannot have moved money). */
  readonly refusal?: 'duplicate_id' | 'maintenance' | 'stale_date';
  readonly note?: string;
}

export interface SimBankOptions {
  readonly context: SimContext;
  readonly prng: Prng;
  readonly maintenance: MaintenanceWindow;
  /** Notified after every call (the auditor checks the call rules as they happen). */
  readonly onCall?: (call: BankCall) => void;
}

const key = (date: BusinessDate, id: BankTranId): string => `${date}:${id}`;

/** Page size of reversal notices: small, so reconcile's paging is exercised. */
const REVERSAL_PAGE = 3;

/**
 * @example
 * ```ts
 * const bank = new SimBank({ context, prng: rng.fork('bank'), maintenance: DEFAULT_MAINTENANCE_WINDOW });
 * const result = await bank.transfer(request);
 * bank.ledger.size; // transfers the bank booked
 * ```
 */
export class SimBank implements TransferGateway {
  readonly ledger = new Map<string, LedgerEntry>();
  readonly calls: BankCall[] = [];
  readonly notices: ReversalNotice[] = [];
  readonly #ctx: SimContext;
  readonly #prng: Prng;
  readonly #maintenance: MaintenanceWindow;
  readonly #onCall: ((call: BankCall) => void) | undefined;

  constructor(options: SimBankOptions) {
    this.#ctx = options.context;
    this.#prng = options.prng;
    this.#maintenance = options.maintenance;
    this.#onCall = options.onCall;
  }

  /** Settle `processing` transfers and publish reversals that are due. */
  tick(now: InstantMs): void {
    for (const entry of this.ledger.values()) {
      if (entry.status === 'processing' && entry.settleAt !== undefined && entry.settleAt <= now) {
        entry.status = entry.settlesAs ?? 'succeeded';
        if (entry.status === 'rejected') entry.rejectReason = 'other';
        else this.#maybeScheduleReversal(entry, entry.settleAt);
        this.#ctx.trace.log('bank', () => `settled ${entry.bankTranId} as ${entry.status}`);
      }
      if (entry.status === 'succeeded' && entry.reverseAt !== undefined && entry.reverseAt <= now) {
        entry.status = 'reversed';
        this.notices.push({
          bankTranId: entry.bankTranId,
          businessDate: entry.businessDate,
          amountKrw: entry.amountKrw,
          reason: 'payee bank returned the transfer',
          noticedAt: entry.reverseAt,
        });
        this.#ctx.trace.log('bank', () => `REVERSED ${entry.bankTranId} (${entry.remittanceId})`);
      }
    }
  }

  /** Earliest instant something in the bank changes by itself (for the simulation's idle jumps). */
  nextChangeAt(): InstantMs | undefined {
    let next: InstantMs | undefined;
    for (const e of this.ledger.values()) {
      const t = e.status === 'processing' ? e.settleAt : e.status === 'succeeded' ? e.reverseAt : undefined;
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  async transfer(req: TransferRequest): Promise<TransferResult> {
    const faults = this.#ctx.faults();
    const now = this.#ctx.clock.now();
    let executed = false;
    let answer: TransferResult;
    let note: string | undefined;
    let refusal: BankCall['refusal'];
    if (this.#prng.chance(faults.lostRequest)) {
      answer = { kind: 'unknown', reason: this.#prng.pick<UnknownReason>(['timeout', 'connection_reset']) };
      note = 'request lost';
    } else {
      const truth = this.#execute(req, now);
      executed = truth.executed;
      answer = truth.answer;
      refusal = truth.refusal;
      if (executed && answer.kind === 'succeeded') {
        if (this.#prng.chance(faults.lostResponse)) {
          answer = {
            kind: 'unknown',
            reason: this.#prng.pick<UnknownReason>(['timeout', 'connection_reset', 'server_error']),
          };
          note = 'answer lost (executed)';
        } else if (this.#prng.chance(faults.duplicateAnswer)) {
          answer = { kind: 'duplicate_id', providerCode: 'A0000/822' };
          note = 'duplicate-id answer (executed)';
        }
      }
    }
    this.#log({
      op: 'transfer',
      at: now,
      bankTranId: req.bankTranId,
      businessDate: req.businessDate,
      amountKrw: req.amountKrw,
      remittanceId: req.remittanceId,
      answer: answer.kind,
      executed,
      ...(refusal === undefined ? {} : { refusal }),
      ...(note === undefined ? {} : { note }),
    });
    return answer;
  }

  async inquire(req: InquireRequest): Promise<InquiryResult> {
    const faults = this.#ctx.faults();
    const now = this.#ctx.clock.now();
    this.tick(now);
    const entry = this.ledger.get(key(req.businessDate, req.bankTranId));
    let answer: InquiryResult;
    if (this.#prng.chance(faults.inquiryUnknown)) {
      answer = { kind: 'unknown', reason: 'timeout' };
    } else if (entry === undefined || entry.amountKrw !== req.amountKrw) {
      answer = { kind: 'not_found', providerCode: 'A0000/400' };
    } else if (entry.status === 'processing') {
      answer = { kind: 'unknown', reason: 'processing', providerCode: 'A0007' };
    } else if (entry.status === 'rejected') {
      answer = { kind: 'rejected', reason: entry.rejectReason ?? 'other', providerCode: 'A0000/453' };
    } else {
      // A reversed transfer did execute; the reversal arrives as a notice, not as an inquiry answer.
      answer = { kind: 'succeeded', providerCode: 'A0000/000' };
    }
    this.#log({
      op: 'inquire',
      at: now,
      bankTranId: req.bankTranId,
      businessDate: req.businessDate,
      amountKrw: req.amountKrw,
      remittanceId: entry?.remittanceId ?? this.#remittanceOfCall(req.businessDate, req.bankTranId),
      answer: answer.kind,
      executed: false,
    });
    return answer;
  }

  async listReversals(input: ListReversalsInput): Promise<ReversalPage> {
    this.tick(this.#ctx.clock.now());
    const all = this.notices.filter((n) => n.noticedAt >= input.sinceMs);
    const from = input.cursor === undefined ? 0 : Number(input.cursor);
    const notices = all.slice(from, from + REVERSAL_PAGE);
    const next = from + REVERSAL_PAGE;
    return next < all.length ? { notices, nextCursor: String(next) } : { notices };
  }

  /** Ledger entries of one remittance. */
  entriesOf(remittanceId: RemittanceId): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    for (const e of this.ledger.values()) if (e.remittanceId === remittanceId) out.push(e);
    return out;
  }

  #execute(
    req: TransferRequest,
    now: InstantMs,
  ): { executed: boolean; answer: TransferResult; refusal?: BankCall['refusal'] } {
    if (isInMaintenance(now, this.#maintenance)) {
      return {
        executed: false,
        answer: { kind: 'maintenance', providerCode: 'A0003' },
        refusal: 'maintenance',
      };
    }
    const k = key(req.businessDate, req.bankTranId);
    if (this.ledger.has(k)) {
      return {
        executed: false,
        answer: { kind: 'duplicate_id', providerCode: 'A0000/822' },
        refusal: 'duplicate_id',
      };
    }
    if (req.businessDate !== businessDateOf(now)) {
      // The provider only books today's ids (tran_dtime must be now): a stale id is refused,
      // which is what makes "not found" on a past date final.
      return {
        executed: false,
        answer: { kind: 'rejected', reason: 'other', providerCode: 'A0002/date' },
        refusal: 'stale_date',
      };
    }
    const entry: LedgerEntry = {
      bankTranId: req.bankTranId,
      businessDate: req.businessDate,
      remittanceId: req.remittanceId,
      amountKrw: req.amountKrw,
      payee: req.payee,
      at: now,
      status: 'succeeded',
    };
    this.ledger.set(k, entry);
    const faults = this.#ctx.faults();
    let reason: RejectReason | undefined;
    if (req.payee.accountNumber.startsWith(INVALID_ACCOUNT_PREFIX)) reason = 'invalid_account';
    else if (req.payee.holderName.startsWith(MISMATCHED_HOLDER_PREFIX)) reason = 'name_mismatch';
    else if (this.#prng.chance(faults.insufficientBalance)) reason = 'insufficient_balance';
    if (reason !== undefined) {
      entry.status = 'rejected';
      entry.rejectReason = reason;
      return { executed: false, answer: { kind: 'rejected', reason, providerCode: 'A0000/' } };
    }
    if (this.#prng.chance(faults.processing)) {
      entry.status = 'processing';
      entry.settleAt = now + this.#prng.int(30_000, 10 * 60_000);
      entry.settlesAs = this.#prng.chance(0.85) ? 'succeeded' : 'rejected';
      return { executed: true, answer: { kind: 'unknown', reason: 'processing', providerCode: 'A0007' } };
    }
    this.#maybeScheduleReversal(entry, now);
    return { executed: true, answer: { kind: 'succeeded', providerCode: 'A0000/000' } };
  }

  #maybeScheduleReversal(entry: LedgerEntry, at: InstantMs): void {
    if (this.#prng.chance(this.#ctx.faults().reversal))
      entry.reverseAt = at + this.#prng.int(60_000, 30 * 60_000);
  }

  #remittanceOfCall(date: BusinessDate, id: BankTranId): RemittanceId | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const c = this.calls[i]!;
      if (c.op === 'transfer' && c.businessDate === date && c.bankTranId === id) return c.remittanceId;
    }
    return undefined;
  }

  #log(call: Omit<BankCall, 'seq' | 'who'>): void {
    const full: BankCall = { ...call, seq: this.calls.length + 1, who: this.#ctx.who() };
    this.calls.push(full);
    this.#ctx.trace.log(
      full.who,
      () =>
        `bank.${full.op} ${full.bankTranId}@${full.businessDate} ${full.amountKrw}원 -> ${full.answer}` +
        `${full.executed ? ' [executed]' : ''}${full.note === undefined ? '' : ` (${full.note})`}`,
    );
    this.#onCall?.(full);
  }
}
