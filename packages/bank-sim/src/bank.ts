/**
 * The bank behind the wire: ledger, refusals, statements, notices. No HTTP here; the server
 * turns requests into calls on this and applies faults around them. Single-threaded: every
 * check-then-book below runs without an await, so concurrent duplicates cannot both execute.
 */
import {
  BANK_RSP_CODE,
  type BusinessDate,
  businessDateOf,
  businessDateOfTranDtime,
  codeMessage,
  type Envelope,
  formatApiTranDtm,
  formatTranDtime,
  type InquiryRequestWire,
  type InquiryResponseWire,
  type InstantMs,
  type Krw,
  maskAccountNum,
  type NoticeListResponseWire,
  type NoticeRow,
  parseKrw,
  parseTranAmt,
  parseTranDtime,
  RSP_CODE,
  type TransactionListResponseWire,
  type TransactionRow,
  type TransferRequestWire,
  type TransferResponseWire,
} from '@remit/core';
import type {
  AddCancellationInput,
  AddDepositInput,
  AddWithdrawalInput,
  LedgerEntry,
  RejectedTransfer,
  ReverseOptions,
  SimRejection,
  StatementEntry,
} from './types.js';
import { SIM_REJECTIONS } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface ProcessingState {
  readonly settleAtMs: number;
  readonly settleAfterInquiries: number;
  inquiriesSeen: number;
  readonly outcome: 'executed' | SimRejection;
}

interface Booking {
  entry: Mutable<LedgerEntry>;
  processing?: ProcessingState | undefined;
}

export interface ProcessingRule {
  readonly settleAfterMs?: number;
  readonly settleAfterInquiries?: number;
  readonly outcome?: 'executed' | SimRejection;
}

export interface BankConfig {
  readonly now: () => InstantMs;
  readonly pageSize: () => number;
  readonly nameBudgetBytes: number;
  readonly perTransferLimitKrw?: number;
  readonly institutionCode?: string;
}

/** What a handler answers: a status and a protocol body. */
export interface Answer<B> {
  readonly status: number;
  readonly body: B;
}

/** EUC-KR style budget: ASCII 1 byte, everything else 2; cut on whole characters. */
export function truncateToBudget(name: string, budgetBytes: number): string {
  let used = 0;
  let out = '';
  for (const ch of name) {
    const cost = ch.codePointAt(0)! <= 0x7f ? 1 : 2;
    if (used + cost > budgetBytes) break;
    used += cost;
    out += ch;
  }
  return out;
}

function digitsOnly(accountNum: string): string {
  return accountNum.replace(/-/g, '');
}

const CURSOR = /^s([0-9a-z]{1,12})$/;

export class Bank {
  private readonly config: BankConfig;
  private apiSeq = 0;
  private rowSeq = 0;
  private readonly bookings: Booking[] = [];
  /** `${date}:${bankTranId}` -> booking or refusal: what makes an id "used" that day. */
  private readonly usedIds = new Map<string, Booking | RejectedTransfer>();
  private readonly refused: RejectedTransfer[] = [];
  private readonly accountRejections = new Map<string, { reason: SimRejection; remaining: number }>();
  private readonly nextRejections: SimRejection[] = [];
  /** Per receiving account, ordered by (occurredAt, seq): a window is two binary searches. */
  private readonly rowsByAccount = new Map<string, StatementEntry[]>();
  private readonly rowsBySeq = new Map<number, StatementEntry>();
  private readonly rowsByTranId = new Map<string, StatementEntry>();
  private readonly balances = new Map<string, number>();
  private readonly notices: { seq: number; noticedAt: InstantMs; row: NoticeRow }[] = [];

  constructor(config: BankConfig) {
    this.config = config;
  }

  // ------------------------------------------------------------------------------ envelope

  envelope(rspCode: string, rspMessage?: string): Envelope {
    this.apiSeq += 1;
    return {
      api_tran_id: `BSIM${String(this.apiSeq).padStart(12, '0')}`,
      api_tran_dtm: formatApiTranDtm(this.config.now()),
      rsp_code: rspCode,
      rsp_message: rspMessage ?? codeMessage('rsp_code', rspCode),
    };
  }

  // ------------------------------------------------------------------------------ transfer

  /**
   * Book a transfer. `processing` books it unsettled (the caller answers A0007).
   * Returns whether money moved (or will move) and the protocol answer.
   */
  transfer(
    req: TransferRequestWire,
    sourceAddress: string,
    processing?: ProcessingRule,
  ): { executed: boolean; answer: Answer<TransferResponseWire> } {
    if (
      this.config.institutionCode !== undefined &&
      !req.bank_tran_id.startsWith(this.config.institutionCode)
    ) {
      return {
        executed: false,
        answer: {
          status: 400,
          body: this.envelope(
            RSP_CODE.BadRequest,
            `요청 전문 오류: bank_tran_id must start with institution code ${this.config.institutionCode}`,
          ),
        },
      };
    }
    const businessDate = businessDateOfTranDtime(req.tran_dtime);
    const amountKrw = parseTranAmt(req.tran_amt);
    const payeeAccount = digitsOnly(req.recv_client_account_num);
    const bankPart = (bankRspCode: string) => ({
      bank_tran_id: req.bank_tran_id,
      bank_tran_date: businessDate,
      bank_code_tran: req.recv_client_bank_code,
      bank_rsp_code: bankRspCode,
      bank_rsp_message: codeMessage('bank_rsp_code', bankRspCode),
      tran_amt: req.tran_amt,
      recv_client_bank_code: req.recv_client_bank_code,
      recv_client_account_num_masked: maskAccountNum(payeeAccount),
      recv_client_name: req.recv_client_name,
    });
    const key = `${businessDate}:${req.bank_tran_id}`;
    if (this.usedIds.has(key)) {
      return {
        executed: false,
        answer: {
          status: 200,
          body: { ...this.envelope(RSP_CODE.BankError), ...bankPart(BANK_RSP_CODE.DuplicateId) },
        },
      };
    }
    const rejection = this.takeRejection(payeeAccount, amountKrw);
    if (rejection !== undefined) {
      this.recordRefusal(key, {
        bankTranId: req.bank_tran_id,
        businessDate,
        amountKrw,
        payeeAccountNum: payeeAccount,
        payeeBankCode: req.recv_client_bank_code,
        reason: rejection,
        bankRspCode: SIM_REJECTIONS[rejection],
        at: this.config.now(),
      });
      return {
        executed: false,
        answer: {
          status: 200,
          body: { ...this.envelope(RSP_CODE.BankError), ...bankPart(SIM_REJECTIONS[rejection]) },
        },
      };
    }
    const now = this.config.now();
    const entry: Mutable<LedgerEntry> = {
      bankTranId: req.bank_tran_id,
      businessDate,
      amountKrw,
      fromAccountNum: req.cntr_account_num,
      payee: { bankCode: req.recv_client_bank_code, accountNum: payeeAccount, name: req.recv_client_name },
      printContent: req.print_content,
      tranDtime: req.tran_dtime,
      receivedAt: now,
      status: processing === undefined ? 'executed' : 'processing',
      sourceAddress,
    };
    const booking: Booking = { entry };
    if (processing === undefined) {
      entry.executedAt = now;
    } else {
      const hasMs = processing.settleAfterMs !== undefined;
      const hasInq = processing.settleAfterInquiries !== undefined;
      booking.processing = {
        settleAtMs: hasMs ? now + processing.settleAfterMs! : Number.POSITIVE_INFINITY,
        settleAfterInquiries: hasInq
          ? processing.settleAfterInquiries!
          : hasMs
            ? Number.POSITIVE_INFINITY
            : 0,
        inquiriesSeen: 0,
        outcome: processing.outcome ?? 'executed',
      };
    }
    this.bookings.push(booking);
    this.usedIds.set(key, booking);
    if (processing !== undefined) {
      return { executed: true, answer: { status: 200, body: this.envelope(RSP_CODE.Processing) } };
    }
    return {
      executed: true,
      answer: { status: 200, body: { ...this.envelope(RSP_CODE.Ok), ...bankPart(BANK_RSP_CODE.Ok) } },
    };
  }

  private takeRejection(payeeAccount: string, amountKrw: Krw): SimRejection | undefined {
    const next = this.nextRejections.shift();
    if (next !== undefined) return next;
    const scripted = this.accountRejections.get(payeeAccount);
    if (scripted !== undefined) {
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) this.accountRejections.delete(payeeAccount);
      return scripted.reason;
    }
    if (this.config.perTransferLimitKrw !== undefined && amountKrw > this.config.perTransferLimitKrw) {
      return 'limit_exceeded';
    }
    return undefined;
  }

  private recordRefusal(key: string, refusal: RejectedTransfer): void {
    this.refused.push(refusal);
    this.usedIds.set(key, refusal);
  }

  /** Settle a processing booking if its time came (or `force`). */
  private settle(
    booking: Booking,
    how: { force: boolean; inquiry: boolean; outcome?: 'executed' | SimRejection },
  ): void {
    const p0 = booking.processing;
    if (p0 === undefined) return;
    const p = how.outcome === undefined ? p0 : { ...p0, outcome: how.outcome };
    const due =
      how.force ||
      this.config.now() >= p.settleAtMs ||
      (how.inquiry && p.inquiriesSeen >= p.settleAfterInquiries);
    if (!due) return;
    booking.processing = undefined;
    const e = booking.entry;
    if (p.outcome === 'executed') {
      e.status = 'executed';
      e.executedAt = this.config.now();
      return;
    }
    // Settled as refused: no money moved; the id stays used, now as a refusal.
    const i = this.bookings.indexOf(booking);
    if (i >= 0) this.bookings.splice(i, 1);
    this.recordRefusal(`${e.businessDate}:${e.bankTranId}`, {
      bankTranId: e.bankTranId,
      businessDate: e.businessDate,
      amountKrw: e.amountKrw,
      payeeAccountNum: e.payee.accountNum,
      payeeBankCode: e.payee.bankCode,
      reason: p.outcome,
      bankRspCode: SIM_REJECTIONS[p.outcome],
      at: this.config.now(),
    });
  }

  private settleDue(): void {
    for (const b of [...this.bookings]) this.settle(b, { force: false, inquiry: false });
  }

  settleProcessing(bankTranId?: string, outcome?: 'executed' | SimRejection): void {
    for (const b of [...this.bookings]) {
      if (bankTranId === undefined || b.entry.bankTranId === bankTranId) {
        this.settle(b, { force: true, inquiry: false, ...(outcome === undefined ? {} : { outcome }) });
      }
    }
  }

  // ------------------------------------------------------------------------------- inquiry

  inquire(req: InquiryRequestWire): Answer<InquiryResponseWire> {
    const key = `${req.org_bank_tran_date}:${req.org_bank_tran_id}`;
    const answer = (
      bankRspCode: string,
      bankCode: string | undefined,
      rspCode: string = RSP_CODE.Ok,
    ): Answer<InquiryResponseWire> => {
      const body: Mutable<InquiryResponseWire> = {
        ...this.envelope(rspCode),
        org_bank_tran_id: req.org_bank_tran_id,
        org_bank_tran_date: req.org_bank_tran_date,
        org_tran_amt: req.org_tran_amt,
        bank_tran_date: req.org_bank_tran_date,
        bank_rsp_code: bankRspCode,
        bank_rsp_message: codeMessage('bank_rsp_code', bankRspCode),
      };
      if (bankCode !== undefined) body.bank_code_tran = bankCode;
      return { status: 200, body };
    };
    let found = this.usedIds.get(key);
    if (found === undefined) return answer(BANK_RSP_CODE.NoSuchTransfer, undefined);
    if ('entry' in found && found.processing !== undefined) {
      const booking = found;
      this.settle(booking, { force: false, inquiry: true });
      if (booking.processing !== undefined) {
        // Counted after the check: the first `settleAfterInquiries` inquiries see "processing".
        booking.processing.inquiriesSeen += 1;
        return (
          this.checkAmount(req, booking.entry.amountKrw) ??
          answer(BANK_RSP_CODE.Processing, booking.entry.payee.bankCode)
        );
      }
      found = this.usedIds.get(key)!;
    }
    const amount = 'entry' in found ? found.entry.amountKrw : found.amountKrw;
    const mismatch = this.checkAmount(req, amount);
    if (mismatch !== undefined) return mismatch;
    if ('entry' in found) return answer(BANK_RSP_CODE.Ok, found.entry.payee.bankCode);
    return answer(found.bankRspCode, found.payeeBankCode, RSP_CODE.BankError);
  }

  private checkAmount(req: InquiryRequestWire, amountKrw: Krw): Answer<InquiryResponseWire> | undefined {
    if (parseTranAmt(req.org_tran_amt) === amountKrw) return undefined;
    // The key matched but the amount did not: our records disagree with the bank's. That is not
    // "no such transfer" (which would allow a resend), it is a request the center refuses.
    return {
      status: 400,
      body: this.envelope(RSP_CODE.BadRequest, '요청 전문 오류: org_tran_amt does not match the original'),
    };
  }

  // ----------------------------------------------------------------------------- reversals

  reverse(bankTranId: string, reason: string, options: ReverseOptions = {}): LedgerEntry {
    this.settleDue();
    const candidates = this.bookings.filter(
      (b) =>
        b.entry.bankTranId === bankTranId &&
        (options.businessDate === undefined || b.entry.businessDate === options.businessDate),
    );
    const booking = candidates.at(-1);
    if (booking === undefined) throw new Error(`bank-sim: no transfer ${bankTranId} to reverse`);
    if (booking.entry.status !== 'executed') {
      throw new Error(`bank-sim: transfer ${bankTranId} is ${booking.entry.status}, cannot reverse`);
    }
    const noticedAt = options.noticedAt ?? this.config.now();
    booking.entry.status = 'reversed';
    booking.entry.reversal = { reason, noticedAt };
    this.rowSeq += 1;
    this.notices.push({
      seq: this.rowSeq,
      noticedAt,
      row: {
        org_bank_tran_id: booking.entry.bankTranId,
        org_bank_tran_date: booking.entry.businessDate,
        org_tran_amt: String(booking.entry.amountKrw),
        notice_dtime: formatTranDtime(noticedAt),
        notice_code: options.noticeCode ?? 'RV01',
        notice_message: reason,
      },
    });
    this.notices.sort((a, b) => a.noticedAt - b.noticedAt || a.seq - b.seq);
    return { ...booking.entry };
  }

  listNotices(query: {
    from_dtime: string;
    befor_inquiry_trace_info?: string | undefined;
  }): Answer<NoticeListResponseWire> | Answer<Envelope> {
    const fromMs = parseTranDtime(query.from_dtime);
    const all = this.notices.filter((n) => Math.floor(n.noticedAt / 1000) * 1000 >= fromMs);
    const page = this.page(all, (n) => n.seq, query.befor_inquiry_trace_info);
    if (page === undefined) return this.badCursor();
    return {
      status: 200,
      body: {
        ...this.envelope(RSP_CODE.Ok),
        page_record_cnt: page.items.length,
        next_page_yn: page.next === undefined ? 'N' : 'Y',
        befor_inquiry_trace_info: page.next ?? '',
        res_list: page.items.map((n) => n.row),
      },
    };
  }

  // ---------------------------------------------------------------------------- statements

  private nextRow(accountNum: string): { seq: number; account: string } {
    this.rowSeq += 1;
    return { seq: this.rowSeq, account: digitsOnly(accountNum) };
  }

  private insertRow(row: StatementEntry): StatementEntry {
    // A row added "in the past" lands where it belongs; seq only grows, so it goes after its ties.
    let rows = this.rowsByAccount.get(row.accountNum);
    if (rows === undefined) {
      rows = [];
      this.rowsByAccount.set(row.accountNum, rows);
    }
    rows.splice(lowerBound(rows, row.occurredAt, row.seq), 0, row);
    this.rowsBySeq.set(row.seq, row);
    if (row.tranId !== undefined) this.rowsByTranId.set(row.tranId, row);
    return row;
  }

  private moveBalance(account: string, delta: number): Krw {
    const next = (this.balances.get(account) ?? 0) + delta;
    this.balances.set(account, next);
    return parseKrw(Math.max(0, next));
  }

  addDeposit(input: AddDepositInput): StatementEntry {
    const amountKrw = parseKrw(input.amountKrw);
    if (amountKrw === 0) throw new Error('bank-sim: a deposit moves at least 1 won');
    const { seq, account } = this.nextRow(input.accountNum);
    const occurredAt = input.occurredAt ?? this.config.now();
    const tranId =
      input.tranId === null
        ? undefined
        : (input.tranId ?? `D${businessDateOf(occurredAt)}${String(seq).padStart(7, '0')}`);
    if (tranId !== undefined && this.rowsByTranId.has(tranId)) {
      throw new Error(`bank-sim: statement row ${tranId} already exists`);
    }
    const after = this.moveBalance(account, amountKrw);
    const row: Mutable<StatementEntry> = {
      seq,
      accountNum: account,
      kind: 'deposit',
      occurredAt,
      amountKrw,
      printContent: input.untruncated
        ? input.depositorName
        : truncateToBudget(input.depositorName, this.config.nameBudgetBytes),
    };
    if (tranId !== undefined) row.tranId = tranId;
    if (input.omitAfterBalance !== true) row.afterBalanceKrw = after;
    return this.insertRow(row);
  }

  addCancellation(input: AddCancellationInput): StatementEntry {
    const original = this.rowsByTranId.get(input.cancels);
    if (original === undefined || original.kind !== 'deposit') {
      throw new Error(`bank-sim: no deposit ${input.cancels} to cancel`);
    }
    const { seq, account } = this.nextRow(input.accountNum);
    if (account !== original.accountNum) throw new Error('bank-sim: a cancellation stays on its account');
    const occurredAt = input.occurredAt ?? this.config.now();
    const row: StatementEntry = {
      seq,
      accountNum: account,
      tranId: input.tranId ?? `C${businessDateOf(occurredAt)}${String(seq).padStart(7, '0')}`,
      kind: 'cancellation',
      occurredAt,
      amountKrw: original.amountKrw,
      printContent: original.printContent,
      afterBalanceKrw: this.moveBalance(account, -original.amountKrw),
      cancels: input.cancels,
    };
    return this.insertRow(row);
  }

  addWithdrawal(input: AddWithdrawalInput): StatementEntry {
    const amountKrw = parseKrw(input.amountKrw);
    const { seq, account } = this.nextRow(input.accountNum);
    const occurredAt = input.occurredAt ?? this.config.now();
    return this.insertRow({
      seq,
      accountNum: account,
      tranId: `W${businessDateOf(occurredAt)}${String(seq).padStart(7, '0')}`,
      kind: 'withdrawal',
      occurredAt,
      amountKrw,
      printContent: input.printContent,
      afterBalanceKrw: this.moveBalance(account, -amountKrw),
    });
  }

  listTransactions(query: {
    account_num: string;
    inquiry_type: 'A' | 'I' | 'O';
    from_dtime: string;
    to_dtime: string;
    sort_order: 'A' | 'D';
    befor_inquiry_trace_info?: string | undefined;
  }): Answer<TransactionListResponseWire> | Answer<Envelope> {
    const fromMs = parseTranDtime(query.from_dtime);
    const toMs = parseTranDtime(query.to_dtime);
    const account = digitsOnly(query.account_num);
    const rows = this.rowsByAccount.get(account) ?? [];
    const wanted = (r: StatementEntry) =>
      query.inquiry_type === 'A' ||
      (query.inquiry_type === 'I' ? r.kind !== 'withdrawal' : r.kind === 'withdrawal');
    let after: StatementEntry | undefined;
    const cursor = query.befor_inquiry_trace_info;
    if (cursor !== undefined && cursor !== '') {
      const m = CURSOR.exec(cursor);
      after = m === null ? undefined : this.rowsBySeq.get(Number.parseInt(m[1]!, 36));
      if (after === undefined || after.accountNum !== account) return this.badCursor();
    }
    // The wire has one-second resolution and both bounds are whole seconds, so "the row's second
    // is in [from, to)" is exactly "occurredAt is in [from, to)".
    const size = this.config.pageSize();
    const items: StatementEntry[] = [];
    if (query.sort_order === 'A') {
      let i = lowerBound(rows, fromMs, Number.NEGATIVE_INFINITY);
      if (after !== undefined) i = Math.max(i, lowerBound(rows, after.occurredAt, after.seq) + 1);
      for (; i < rows.length && rows[i]!.occurredAt < toMs && items.length <= size; i += 1) {
        if (wanted(rows[i]!)) items.push(rows[i]!);
      }
    } else {
      let i = lowerBound(rows, toMs, Number.NEGATIVE_INFINITY) - 1;
      if (after !== undefined) i = Math.min(i, lowerBound(rows, after.occurredAt, after.seq) - 1);
      for (; i >= 0 && rows[i]!.occurredAt >= fromMs && items.length <= size; i -= 1) {
        if (wanted(rows[i]!)) items.push(rows[i]!);
      }
    }
    // One row past the page was read only to know whether another page follows.
    const more = items.length > size;
    if (more) items.length = size;
    const page = more ? { items, next: `s${items.at(-1)!.seq.toString(36)}` } : { items, next: undefined };
    return {
      status: 200,
      body: {
        ...this.envelope(RSP_CODE.Ok),
        account_num_masked: maskAccountNum(account),
        balance_amt: String(Math.max(0, this.balances.get(account) ?? 0)),
        page_record_cnt: page.items.length,
        next_page_yn: page.next === undefined ? 'N' : 'Y',
        befor_inquiry_trace_info: page.next ?? '',
        res_list: page.items.map(toWireRow),
      },
    };
  }

  /**
   * One page after the cursor. The cursor names the last row returned (by its sequence), so rows
   * added while a client pages never shift what it has not read yet into what it has.
   */
  private page<T>(
    items: readonly T[],
    seqOf: (t: T) => number,
    cursor: string | undefined,
  ): { items: T[]; next?: string } | undefined {
    let start = 0;
    if (cursor !== undefined && cursor !== '') {
      const m = CURSOR.exec(cursor);
      if (m === null) return undefined;
      const seq = Number.parseInt(m[1]!, 36);
      const at = items.findIndex((t) => seqOf(t) === seq);
      if (at < 0) return undefined;
      start = at + 1;
    }
    const size = this.config.pageSize();
    const slice = items.slice(start, start + size);
    const more = start + size < items.length;
    const last = slice.at(-1);
    return more && last !== undefined
      ? { items: slice, next: `s${seqOf(last).toString(36)}` }
      : { items: slice };
  }

  private badCursor(): Answer<Envelope> {
    return {
      status: 400,
      body: this.envelope(RSP_CODE.BadRequest, '요청 전문 오류: unknown befor_inquiry_trace_info'),
    };
  }

  // ----------------------------------------------------------------------------- scripting

  rejectAccount(accountNum: string, reason: SimRejection, times?: number): void {
    this.accountRejections.set(digitsOnly(accountNum), {
      reason,
      remaining: times ?? Number.POSITIVE_INFINITY,
    });
  }

  rejectNextTransfer(reason: SimRejection): void {
    this.nextRejections.push(reason);
  }

  clearRejections(): void {
    this.accountRejections.clear();
    this.nextRejections.length = 0;
  }

  // ------------------------------------------------------------------------------ snapshots

  entries(): LedgerEntry[] {
    this.settleDue();
    return this.bookings.map((b) => ({ ...b.entry }));
  }

  rejections(): RejectedTransfer[] {
    this.settleDue();
    return [...this.refused];
  }

  /** The business date a transfer booked today would get. */
  today(): BusinessDate {
    return businessDateOf(this.config.now());
  }
}

/** First index whose row is at or after (occurredAt, seq). */
function lowerBound(rows: readonly StatementEntry[], occurredAt: number, seq: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (r.occurredAt < occurredAt || (r.occurredAt === occurredAt && r.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toWireRow(r: StatementEntry): TransactionRow {
  const row: Mutable<TransactionRow> = {
    tran_date: formatTranDtime(r.occurredAt).slice(0, 8),
    tran_time: formatTranDtime(r.occurredAt).slice(8),
    inout_type: r.kind === 'deposit' ? '입금' : r.kind === 'cancellation' ? '입금취소' : '출금',
    tran_type: '이체',
    print_content: r.printContent,
    tran_amt: String(r.amountKrw),
  };
  if (r.tranId !== undefined) row.tran_id = r.tranId;
  if (r.afterBalanceKrw !== undefined) row.after_balance_amt = String(r.afterBalanceKrw);
  if (r.cancels !== undefined) row.org_tran_id = r.cancels;
  return row;
}
