/**
 * The public shapes of bank-sim: options, the ledger tests assert on, the controls tests drive,
 * and the fault knobs.
 */
import type { BusinessDate, InstantMs, Krw, MaintenanceWindow } from '@remit/core';

/** The definite refusals a payee can be scripted to produce, with the bank code each sends. */
export const SIM_REJECTIONS = {
  /** 412 해당계좌 없음 */
  invalid_account: '412',
  /** 815 수취인 성명 불일치 */
  name_mismatch: '815',
  /** 453 잔액 부족 */
  insufficient_balance: '453',
  /** 455 1회 이체한도 초과 */
  limit_exceeded: '455',
} as const;
export type SimRejection = keyof typeof SIM_REJECTIONS;

/** The endpoints a fault can be aimed at (`any` = whichever call comes first). */
export type FaultEndpoint = 'transfer' | 'inquiry' | 'transactions' | 'notices' | 'token' | 'any';

/**
 * One fault, applied to one call. "Executing" only means something for transfers (the ledger);
 * on other endpoints the handler simply runs or not.
 *
 *   client  |--request-->|                          timeout_after_executing
 *   sim     |  read, EXECUTE (ledger += 1), hold holdMs ....... answer (too late)
 *   client  |  ... gives up at its timeout: outcome unknown, inquiry finds it
 */
export type Fault =
  /** Wait `ms`, then answer normally. */
  | { readonly kind: 'latency'; readonly ms: number }
  /** Execute, then hold the answer `holdMs` (default 60 s: longer than any client timeout). */
  | { readonly kind: 'timeout_after_executing'; readonly holdMs?: number }
  /** Execute, then destroy the socket without answering. */
  | { readonly kind: 'drop_after_executing' }
  /** Hold the request `holdMs` (default 60 s), then destroy the socket; nothing executed. */
  | { readonly kind: 'timeout_without_executing'; readonly holdMs?: number }
  /** Answer a 5xx with a non-protocol body; `executed: true` executes first (a gateway's 502). */
  | { readonly kind: 'server_error'; readonly status?: 500 | 502 | 503 | 504; readonly executed?: boolean }
  /**
   * Answer `A0007` (processing). The transfer is booked as `processing` and settles (to
   * `outcome`, default executed) once `settleAfterMs` of sim time passed or after the first
   * `settleAfterInquiries` inquiries saw it processing; with neither, the first inquiry settles it.
   */
  | {
      readonly kind: 'processing';
      readonly settleAfterMs?: number;
      readonly settleAfterInquiries?: number;
      readonly outcome?: 'executed' | SimRejection;
    }
  /** Read the whole request, then reset the connection (TCP RST); `executed: true` executes first. */
  | { readonly kind: 'reset'; readonly executed?: boolean }
  /** Answer `A0005` (maintenance) whatever the clock says; nothing executed. A one-shot window. */
  | { readonly kind: 'maintenance' };
export type FaultKind = Fault['kind'];

/**
 * Probabilistic faults from a seeded PRNG: the same seed and call order give the same faults.
 * Per call, at most one fault is drawn (rates are cumulative, their sum must be <= 1).
 */
export interface RandomFaults {
  readonly seed: number;
  readonly rates: Partial<Record<Exclude<FaultKind, 'latency'>, number>>;
  /** Which endpoints draw faults. Default: transfer only. */
  readonly endpoints?: readonly Exclude<FaultEndpoint, 'any'>[];
  /** Extra latency per call, drawn uniformly from [min, max] ms. */
  readonly latencyMs?: { readonly min: number; readonly max: number };
  /** Hold for the timeout kinds. Default 60 s. */
  readonly holdMs?: number;
  /** Settle rule for drawn `processing` faults. Default: first inquiry. */
  readonly settleAfterInquiries?: number;
}

export interface BankSimOptions {
  /** TCP port on 127.0.0.1 (the only address bank-sim binds). Default 0: an ephemeral port. */
  readonly port?: number;
  /**
   * Source addresses allowed to call (exact IPv4/IPv6 or IPv4 CIDR like `127.0.0.0/30`), or
   * `'any'`. Default `['127.0.0.1']`: a client that binds another loopback address (undici's
   * `connect.localAddress`) is refused with `O0002` naming the address seen.
   */
  readonly allow?: readonly string[] | 'any';
  /** The bearer token the /v2.0 endpoints require. Default `bank-sim-access-token`. */
  readonly accessToken?: string;
  /** Client credentials accepted by POST /oauth/2.0/token. Defaults `bank-sim-client` / `bank-sim-secret`. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** When set, a `bank_tran_id` must start with it (else `A0003`). */
  readonly institutionCode?: string;
  /** "Now" in epoch ms. Default `Date.now` (bank-sim is not core; this is the one wall-clock read). */
  readonly clock?: () => InstantMs;
  /** The banks' nightly window (KST); `null` = never. Default 23:30–00:30. */
  readonly maintenance?: MaintenanceWindow | null;
  /** Statement/notice rows per page, 1..500. Default 25 (the real API's page). */
  readonly pageSize?: number;
  /** Bytes of depositor name the bank prints (Hangul 2, ASCII 1). Default 12. */
  readonly nameBudgetBytes?: number;
  /** Transfers above this are refused with 455. Default: no limit. */
  readonly perTransferLimitKrw?: number;
  /** Latency added to every call, ms. Default 0. */
  readonly latencyMs?: number;
  /** Probabilistic faults. Default none. */
  readonly randomFaults?: RandomFaults;
  /** Bound on a request body (bytes). Default 64 KiB; the largest legal body is < 2 KiB. */
  readonly maxBodyBytes?: number;
  /** Called once per request after it is answered (or dropped). */
  readonly onCall?: (call: CallRecord) => void;
}

/** One transfer the bank executed, is processing, or executed and later reversed. */
export interface LedgerEntry {
  readonly bankTranId: string;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
  /** Our contracted (paying) account. */
  readonly fromAccountNum: string;
  readonly payee: { readonly bankCode: string; readonly accountNum: string; readonly name: string };
  readonly printContent: string;
  readonly tranDtime: string;
  /** When the sim accepted it (sim clock). */
  readonly receivedAt: InstantMs;
  readonly status: 'executed' | 'processing' | 'reversed';
  /** When the money moved (for `processing`: once it settles). */
  readonly executedAt?: InstantMs;
  readonly reversal?: { readonly reason: string; readonly noticedAt: InstantMs };
  /** The address the call came from. */
  readonly sourceAddress: string;
}

/** A transfer the bank refused with a definite reason: no money moved, the id is used up. */
export interface RejectedTransfer {
  readonly bankTranId: string;
  readonly businessDate: BusinessDate;
  readonly amountKrw: Krw;
  readonly payeeAccountNum: string;
  readonly payeeBankCode: string;
  readonly reason: SimRejection;
  readonly bankRspCode: string;
  readonly at: InstantMs;
}

/** One HTTP call as the sim saw it. */
export interface CallRecord {
  readonly seq: number;
  readonly at: InstantMs;
  readonly method: string;
  readonly path: string;
  readonly endpoint: Exclude<FaultEndpoint, 'any'> | 'unknown';
  readonly sourceAddress: string;
  /** HTTP status sent, or undefined when the connection was dropped/reset/held to the end. */
  readonly status?: number;
  readonly rspCode?: string;
  readonly bankRspCode?: string;
  readonly bankTranId?: string;
  /** The fault applied, if any. */
  readonly fault?: FaultKind;
}

/** What the bank actually did. Reads return snapshots. */
export interface BankSimLedger {
  /** Every transfer executed, processing or reversed, in arrival order. */
  entries(): readonly LedgerEntry[];
  /** Entries whose money moved (`executed` or `reversed`). */
  executed(): readonly LedgerEntry[];
  /** The entry for an id (on the given business date, else the latest one). */
  find(bankTranId: string, businessDate?: string): LedgerEntry | undefined;
  /** Definite refusals, in order. */
  rejections(): readonly RejectedTransfer[];
  /** Every call received, in order. */
  calls(): readonly CallRecord[];
}

export interface AddDepositInput {
  /** Our receiving account (digits; dashes are stripped). */
  readonly accountNum: string;
  readonly amountKrw: number;
  /** The name the buyer typed; the bank prints it truncated to its byte budget. */
  readonly depositorName: string;
  /** Default: sim now. */
  readonly occurredAt?: InstantMs;
  /** The bank's row id. Default generated; `null` = the bank gives none (remit fingerprints). */
  readonly tranId?: string | null;
  /** Print the name as given, without the byte budget. */
  readonly untruncated?: boolean;
  /** Omit `after_balance_amt` on this row. */
  readonly omitAfterBalance?: boolean;
}

export interface AddCancellationInput {
  readonly accountNum: string;
  /** The `tran_id` of the deposit it cancels. */
  readonly cancels: string;
  readonly occurredAt?: InstantMs;
  readonly tranId?: string;
}

export interface AddWithdrawalInput {
  readonly accountNum: string;
  readonly amountKrw: number;
  readonly printContent: string;
  readonly occurredAt?: InstantMs;
}

/** A statement row as the sim stores it. */
export interface StatementEntry {
  readonly seq: number;
  readonly accountNum: string;
  readonly tranId?: string;
  readonly kind: 'deposit' | 'cancellation' | 'withdrawal';
  readonly occurredAt: InstantMs;
  readonly amountKrw: Krw;
  readonly printContent: string;
  readonly afterBalanceKrw?: Krw;
  readonly cancels?: string;
}

export interface ReverseOptions {
  /** Disambiguates an id reused on another date. */
  readonly businessDate?: string;
  /** Default `RV01`. */
  readonly noticeCode?: string;
  /** Default: sim now. */
  readonly noticedAt?: InstantMs;
}

/** Knobs a test turns while the sim runs. All take effect on the next call. */
export interface BankSimControls {
  /** The sim's "now". */
  now(): InstantMs;
  /** Freeze the sim clock at an instant (`undefined`: back to the configured clock, no offset). */
  setNow(instantMs: InstantMs | undefined): void;
  /** Move the sim clock forward (a frozen clock moves; a live one gains an offset). */
  advance(ms: number): void;

  /** Replace the maintenance window (`null`: none). */
  setMaintenanceWindow(window: MaintenanceWindow | null): void;
  /** Force maintenance on/off regardless of the clock; `undefined`: follow the window. */
  forceMaintenance(on: boolean | undefined): void;

  setAllowList(allow: readonly string[] | 'any'): void;
  setAccessToken(token: string): void;

  /** Transfers to this account are refused with `reason` (for the next `times` transfers; default always). */
  rejectAccount(accountNum: string, reason: SimRejection, options?: { readonly times?: number }): void;
  /** The next transfer (whatever the payee) is refused with `reason`. */
  rejectNextTransfer(reason: SimRejection): void;
  clearRejections(): void;

  /** Queue a fault for the next `times` (default 1) calls to `endpoint` (default `transfer`). */
  injectFault(fault: Fault, options?: { readonly endpoint?: FaultEndpoint; readonly times?: number }): void;
  setRandomFaults(config: RandomFaults | undefined): void;
  /** Drop queued faults and random faults. */
  clearFaults(): void;
  /** Release every held response now (answers the `timeout_*` holds early). */
  releaseHeld(): void;

  addDeposit(input: AddDepositInput): StatementEntry;
  addCancellation(input: AddCancellationInput): StatementEntry;
  addWithdrawal(input: AddWithdrawalInput): StatementEntry;
  setPageSize(rows: number): void;

  /** The bank reports an executed transfer failed after all: marks it reversed, publishes a notice. */
  reverse(bankTranId: string, reason: string, options?: ReverseOptions): LedgerEntry;
  /**
   * Settle `processing` transfers now (one id, or all), as their fault said (default executed)
   * or as `outcome` says: `executed`, or a refusal reason (then no money moved).
   */
  settleProcessing(bankTranId?: string, outcome?: 'executed' | SimRejection): void;

  /** Forget everything (ledger, statements, notices, scripts, faults, calls); keep options. */
  reset(): void;
}

/** A running bank-sim. */
export interface BankSim {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The bearer token to send (unless changed by `controls.setAccessToken`). */
  readonly accessToken: string;
  readonly ledger: BankSimLedger;
  readonly controls: BankSimControls;
  /** Close the server, drop every connection and held response. Idempotent. */
  stop(): Promise<void>;
}
