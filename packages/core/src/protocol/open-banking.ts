/**
 * The reference transfer-provider protocol, modelled on the Korean open-banking API (금융결제원
 * 오픈뱅킹 v2.0): the wire shapes (zod) of the answers a payer reads (the requests and the
 * statement are in `open-banking-requests.ts` and `open-banking-statements.ts`), the paths, the
 * KST date-time formats, and THE one table that turns provider codes into remit's outcomes.
 *
 * Pure: no I/O. `@remit/bank-sim` serves this protocol; the HTTP adapters in
 * `@remit/adapters-aws` speak it. Both import the schemas and the table from here, so the two
 * sides cannot drift apart.
 *
 * Simplifications against the real API, on purpose: one transfer per call (the real `req_list`
 * of length 1 flattened), one result inquiry per call, the deposit listing addressed by our
 * receiving account number, and a reversal-notice feed (the real API reports late failures out
 * of band). Everything is JSON over HTTPS with `Authorization: Bearer <token>`.
 *
 *   POST /oauth/2.0/token                  client credentials -> access token
 *   POST /v2.0/transfer/deposit            transfer (입금이체)
 *   POST /v2.0/transfer/result             result inquiry (이체결과조회)
 *   GET  /v2.0/account/transaction_list    deposits into one of our receiving accounts (거래내역조회)
 *   GET  /v2.0/transfer/notices            later reversal notices (사후 불능 통지)
 *
 * HTTP status: 200 for every protocol answer that carries codes (success, rejection, duplicate,
 * maintenance, processing), 400 for a malformed request (`A0003`), 401 for bad credentials
 * (`O0001`), 403 for a refused source address (`O0002`); a 5xx is a provider fault. A client
 * classifies by the codes in the body, never by the status alone.
 */
import * as z from 'zod/mini';
import { ErrorCode, invalidInput, RemitError } from '../errors.js';
import type { Krw } from '../money.js';
import { parseKrw } from '../money.js';
import type {
  InquiryResult,
  RejectReason,
  TransferResult,
  UnknownReason,
} from '../ports/transfer-gateway.js';
import type { BusinessDate, InstantMs } from '../time.js';
import { businessDateOf, KST_OFFSET_MS, parseBusinessDate, startOfBusinessDate } from '../time.js';
import '../zod-locale.js';

// ------------------------------------------------------------------------------------ paths

/**
 * The endpoints of the reference protocol.
 *
 * @example
 * ```ts
 * await fetch(new URL(OPEN_BANKING_PATHS.transfer, baseUrl), { method: 'POST', body });
 * ```
 */
export const OPEN_BANKING_PATHS = {
  token: '/oauth/2.0/token',
  transfer: '/v2.0/transfer/deposit',
  inquiry: '/v2.0/transfer/result',
  transactions: '/v2.0/account/transaction_list',
  notices: '/v2.0/transfer/notices',
} as const;
export type OpenBankingEndpoint = keyof typeof OPEN_BANKING_PATHS;

// ------------------------------------------------------------------------------------ codes

/**
 * Center (gateway) answer codes, `rsp_code`.
 *
 * @example
 * ```ts
 * if (body.rsp_code === RSP_CODE.SourceIpRefused) throw providerAccessDeniedError(body);
 * ```
 */
export const RSP_CODE = {
  /** Processed; the bank's verdict is in `bank_rsp_code`. */
  Ok: 'A0000',
  /** Error inside the center while processing: the transfer may or may not have happened. */
  CenterError: 'A0001',
  /** The bank refused or failed; the reason is in `bank_rsp_code`. */
  BankError: 'A0002',
  /** The request itself was malformed (our bug); nothing was executed. */
  BadRequest: 'A0003',
  /** The receiving or paying bank is in its maintenance window; nothing was executed. */
  Maintenance: 'A0005',
  /** Accepted, result not known yet (처리중): settle by inquiry. */
  Processing: 'A0007',
  /** Access token missing, unknown or expired; or bad client credentials at the token endpoint. */
  BadCredentials: 'O0001',
  /** The caller's source IP is not on the institution's allow-list. `rsp_message` names it. */
  SourceIpRefused: 'O0002',
} as const;
export type RspCode = (typeof RSP_CODE)[keyof typeof RSP_CODE];

/**
 * Bank answer codes, `bank_rsp_code` (3 digits).
 *
 * @example
 * ```ts
 * body.bank_rsp_code === BANK_RSP_CODE.DuplicateId; // '822'
 * ```
 */
export const BANK_RSP_CODE = {
  Ok: '000',
  /** The bank is still processing (처리중). */
  Processing: '400',
  /** No such account (해당계좌 없음). */
  NoSuchAccount: '412',
  /** Closed account (해약 계좌). */
  ClosedAccount: '415',
  /** Balance of our paying account too low (잔액 부족). */
  InsufficientBalance: '453',
  /** Withdrawable balance too low (출금가능잔액 부족). */
  InsufficientWithdrawable: '454',
  /** Over the per-transfer limit (1회 이체한도 초과). */
  PerTransferLimit: '455',
  /** Over the daily limit (1일 이체한도 초과). */
  DailyLimit: '456',
  /** Bank system failure: outcome undetermined. */
  BankSystemError: '803',
  /** Bank timed out: outcome undetermined. */
  BankTimeout: '804',
  /** Inquiry only: no transfer with that id, date and amount (원거래 없음). */
  NoSuchTransfer: '809',
  /** The payee's name does not match the account holder (수취인 성명 불일치). */
  NameMismatch: '815',
  /** This `bank_tran_id` was already used on that business date (거래고유번호 중복). */
  DuplicateId: '822',
} as const;
export type BankRspCode = (typeof BANK_RSP_CODE)[keyof typeof BANK_RSP_CODE];

/** Which check refused the caller itself. */
export type AccessDenial = 'source_ip' | 'credentials';

/**
 * A transfer answer's classification: a {@link TransferResult} (with `providerCode` set), or a
 * refusal of the caller itself, which the adapter throws as `PROVIDER_ACCESS_DENIED`.
 */
export type TransferClassification =
  | TransferResult
  | { readonly kind: 'access_denied'; readonly denial: AccessDenial; readonly providerCode: string };

/** An inquiry answer's classification: an {@link InquiryResult}, or a refusal of the caller. */
export type InquiryClassification =
  | InquiryResult
  | { readonly kind: 'access_denied'; readonly denial: AccessDenial; readonly providerCode: string };

type Verdict =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'rejected'; readonly reason: RejectReason }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason }
  | { readonly kind: 'duplicate_id' }
  | { readonly kind: 'maintenance' }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'access_denied'; readonly denial: AccessDenial }
  /** `rsp_code` defers to `bank_rsp_code`. */
  | { readonly kind: 'by_bank_code' };

/** One row of {@link OPEN_BANKING_CODE_TABLE}. */
export interface CodeTableRow {
  readonly field: 'rsp_code' | 'bank_rsp_code';
  readonly code: string;
  /** The provider's message (Korean, as the sim sends it). */
  readonly message: string;
  readonly meaning: string;
  /** What a transfer answer with this code means. */
  readonly transfer: Verdict;
  /** What a result-inquiry answer with this code means (about the original transfer). */
  readonly inquiry: Verdict;
}

const unknown = (reason: UnknownReason): Verdict => ({ kind: 'unknown', reason });
const rejected = (reason: RejectReason): Verdict => ({ kind: 'rejected', reason });
const byBank: Verdict = { kind: 'by_bank_code' };
const malformed = unknown('malformed');

/**
 * THE code table of the reference protocol: every code either side uses, what it means, and
 * what remit concludes from it for a transfer and for a result inquiry. Anything not listed is
 * `unknown (malformed)`: an unrecognised answer may have moved money, so it is never `rejected`.
 *
 * `bank_rsp_code` verdicts apply when `rsp_code` is `A0000` or `A0002`; success needs
 * `A0000` AND `000`.
 *
 * @example
 * ```ts
 * for (const row of OPEN_BANKING_CODE_TABLE) console.log(row.code, row.meaning, row.transfer.kind);
 * ```
 */
export const OPEN_BANKING_CODE_TABLE: readonly CodeTableRow[] = [
  {
    field: 'rsp_code',
    code: RSP_CODE.Ok,
    message: '정상처리 되었습니다',
    meaning: 'processed; see bank_rsp_code',
    transfer: byBank,
    inquiry: byBank,
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.CenterError,
    message: '처리 중 오류가 발생했습니다',
    meaning: 'center error while processing',
    transfer: unknown('server_error'),
    inquiry: unknown('server_error'),
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.BankError,
    message: '참가기관 에러',
    meaning: 'bank refused or failed; see bank_rsp_code',
    transfer: byBank,
    inquiry: byBank,
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.BadRequest,
    message: '요청 전문 오류',
    meaning: 'malformed request (a bug on our side); nothing executed, confirmed by inquiry',
    transfer: malformed,
    inquiry: malformed,
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.Maintenance,
    message: '참가기관 업무시간이 아닙니다',
    meaning: 'bank maintenance window; nothing executed',
    transfer: { kind: 'maintenance' },
    inquiry: unknown('server_error'),
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.Processing,
    message: '처리중입니다',
    meaning: 'accepted, result not known yet',
    transfer: unknown('processing'),
    inquiry: unknown('processing'),
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.BadCredentials,
    message: '인증 실패',
    meaning: 'access token missing/invalid/expired, or bad client credentials',
    transfer: { kind: 'access_denied', denial: 'credentials' },
    inquiry: { kind: 'access_denied', denial: 'credentials' },
  },
  {
    field: 'rsp_code',
    code: RSP_CODE.SourceIpRefused,
    message: '허용되지 않은 IP입니다',
    meaning: 'source IP not allow-listed; rsp_message names the address seen',
    transfer: { kind: 'access_denied', denial: 'source_ip' },
    inquiry: { kind: 'access_denied', denial: 'source_ip' },
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.Ok,
    message: '정상',
    meaning: 'executed (with rsp_code A0000 only)',
    transfer: { kind: 'succeeded' },
    inquiry: { kind: 'succeeded' },
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.Processing,
    message: '처리중',
    meaning: 'bank still processing',
    transfer: unknown('processing'),
    inquiry: unknown('processing'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.NoSuchAccount,
    message: '해당계좌 없음',
    meaning: 'no such payee account',
    transfer: rejected('invalid_account'),
    inquiry: rejected('invalid_account'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.ClosedAccount,
    message: '해약 계좌',
    meaning: 'payee account closed',
    transfer: rejected('invalid_account'),
    inquiry: rejected('invalid_account'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.InsufficientBalance,
    message: '잔액 부족',
    meaning: 'our paying account lacks the balance',
    transfer: rejected('insufficient_balance'),
    inquiry: rejected('insufficient_balance'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.InsufficientWithdrawable,
    message: '출금가능잔액 부족',
    meaning: 'our paying account lacks the withdrawable balance',
    transfer: rejected('insufficient_balance'),
    inquiry: rejected('insufficient_balance'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.PerTransferLimit,
    message: '1회 이체한도 초과',
    meaning: 'over the per-transfer limit',
    transfer: rejected('limit_exceeded'),
    inquiry: rejected('limit_exceeded'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.DailyLimit,
    message: '1일 이체한도 초과',
    meaning: 'over the daily limit',
    transfer: rejected('limit_exceeded'),
    inquiry: rejected('limit_exceeded'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.BankSystemError,
    message: '참가기관 시스템 장애',
    meaning: 'bank system failure, outcome undetermined',
    transfer: unknown('server_error'),
    inquiry: unknown('server_error'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.BankTimeout,
    message: '참가기관 응답 시간 초과',
    meaning: 'bank timed out, outcome undetermined',
    transfer: unknown('timeout'),
    inquiry: unknown('timeout'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.NoSuchTransfer,
    message: '원거래 없음',
    meaning: 'inquiry: no transfer with that id, date and amount (the only answer that allows a resend)',
    transfer: malformed,
    inquiry: { kind: 'not_found' },
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.NameMismatch,
    message: '수취인 성명 불일치',
    meaning: "payee name does not match the account holder's",
    transfer: rejected('name_mismatch'),
    inquiry: rejected('name_mismatch'),
  },
  {
    field: 'bank_rsp_code',
    code: BANK_RSP_CODE.DuplicateId,
    message: '거래고유번호 중복',
    meaning: 'bank_tran_id already used that business date; nothing executed now: inquire the original',
    transfer: { kind: 'duplicate_id' },
    inquiry: malformed,
  },
];

const RSP_ROWS = new Map(
  OPEN_BANKING_CODE_TABLE.filter((r) => r.field === 'rsp_code').map((r) => [r.code, r]),
);
const BANK_ROWS = new Map(
  OPEN_BANKING_CODE_TABLE.filter((r) => r.field === 'bank_rsp_code').map((r) => [r.code, r]),
);

/**
 * The message the table gives a code (what the sim puts in `rsp_message` / `bank_rsp_message`).
 *
 * @example
 * ```ts
 * codeMessage('bank_rsp_code', '822'); // '거래고유번호 중복'
 * ```
 */
export function codeMessage(field: CodeTableRow['field'], code: string): string {
  return (field === 'rsp_code' ? RSP_ROWS : BANK_ROWS).get(code)?.message ?? '';
}

/**
 * The audit form of an answer's codes: `A0000/000`, or `A0007` when no bank code came back.
 *
 * @example
 * ```ts
 * providerCodeOf('A0002', '815'); // 'A0002/815'
 * ```
 */
export function providerCodeOf(rspCode: string, bankRspCode?: string | null): string {
  return bankRspCode === undefined || bankRspCode === null || bankRspCode === ''
    ? rspCode
    : `${rspCode}/${bankRspCode}`;
}

function verdictFor(
  use: 'transfer' | 'inquiry',
  rspCode: string,
  bankRspCode: string | null | undefined,
): Exclude<Verdict, { kind: 'by_bank_code' }> {
  const rspRow = RSP_ROWS.get(rspCode);
  if (rspRow === undefined) return malformed as Exclude<Verdict, { kind: 'by_bank_code' }>;
  const top = rspRow[use];
  if (top.kind !== 'by_bank_code') return top;
  const bankRow = bankRspCode == null ? undefined : BANK_ROWS.get(bankRspCode);
  if (bankRow === undefined) return malformed as Exclude<Verdict, { kind: 'by_bank_code' }>;
  const verdict = bankRow[use];
  // Success is the one verdict two codes must agree on: a bank "000" under a center error code
  // is a contradiction, and a contradiction may have moved money.
  if (verdict.kind === 'succeeded' && rspCode !== RSP_CODE.Ok) {
    return malformed as Exclude<Verdict, { kind: 'by_bank_code' }>;
  }
  if (verdict.kind === 'by_bank_code') return malformed as Exclude<Verdict, { kind: 'by_bank_code' }>;
  return verdict;
}

/**
 * Classify a transfer answer by its codes (see {@link OPEN_BANKING_CODE_TABLE}). Never returns
 * `rejected` for a code the table does not list: unlisted means `unknown (malformed)`.
 * A timeout, reset or 5xx has no codes; the adapter maps those to `unknown` itself.
 *
 * @example
 * ```ts
 * classifyTransferResponse('A0000', '000'); // { kind: 'succeeded', providerCode: 'A0000/000' }
 * classifyTransferResponse('A0002', '815'); // { kind: 'rejected', reason: 'name_mismatch', ... }
 * classifyTransferResponse('A0007');        // { kind: 'unknown', reason: 'processing', ... }
 * ```
 */
export function classifyTransferResponse(
  rspCode: string,
  bankRspCode?: string | null,
): TransferClassification {
  const providerCode = providerCodeOf(rspCode, bankRspCode);
  const v = verdictFor('transfer', rspCode, bankRspCode);
  switch (v.kind) {
    case 'succeeded':
    case 'duplicate_id':
    case 'maintenance':
      return { kind: v.kind, providerCode };
    case 'rejected':
      return { kind: 'rejected', reason: v.reason, providerCode };
    case 'unknown':
      return { kind: 'unknown', reason: v.reason, providerCode };
    case 'access_denied':
      return { kind: 'access_denied', denial: v.denial, providerCode };
    case 'not_found':
      // "No such transfer" is an inquiry answer; on a transfer it makes no sense.
      return { kind: 'unknown', reason: 'malformed', providerCode };
  }
}

/**
 * Classify a result-inquiry answer by its codes. Only `809` (no such transfer) yields
 * `not_found`, the one answer that allows a resend with the same id.
 *
 * @example
 * ```ts
 * classifyInquiryResponse('A0000', '000'); // { kind: 'succeeded', providerCode: 'A0000/000' }
 * classifyInquiryResponse('A0000', '809'); // { kind: 'not_found', providerCode: 'A0000/809' }
 * classifyInquiryResponse('A0000', '400'); // { kind: 'unknown', reason: 'processing', ... }
 * ```
 */
export function classifyInquiryResponse(rspCode: string, bankRspCode?: string | null): InquiryClassification {
  const providerCode = providerCodeOf(rspCode, bankRspCode);
  const v = verdictFor('inquiry', rspCode, bankRspCode);
  switch (v.kind) {
    case 'succeeded':
    case 'not_found':
      return { kind: v.kind, providerCode };
    case 'rejected':
      return { kind: 'rejected', reason: v.reason, providerCode };
    case 'unknown':
      return { kind: 'unknown', reason: v.reason, providerCode };
    case 'access_denied':
      return { kind: 'access_denied', denial: v.denial, providerCode };
    case 'duplicate_id':
    case 'maintenance':
      return { kind: 'unknown', reason: 'malformed', providerCode };
  }
}

/** How a listing (transactions, notices) or token answer is to be treated. */
export type QueryClassification =
  | { readonly kind: 'ok' }
  | { readonly kind: 'access_denied'; readonly denial: AccessDenial }
  /** Worth retrying later (center error, processing, maintenance). */
  | { readonly kind: 'retryable' }
  /** Neither side can fix it by retrying (malformed request, unlisted code). */
  | { readonly kind: 'protocol' };

/**
 * Classify the `rsp_code` of a listing answer (deposits, notices) or a token answer.
 *
 * @example
 * ```ts
 * classifyQueryResponse('A0000'); // { kind: 'ok' }
 * classifyQueryResponse('O0002'); // { kind: 'access_denied', denial: 'source_ip' }
 * ```
 */
export function classifyQueryResponse(rspCode: string): QueryClassification {
  switch (rspCode) {
    case RSP_CODE.Ok:
      return { kind: 'ok' };
    case RSP_CODE.BadCredentials:
      return { kind: 'access_denied', denial: 'credentials' };
    case RSP_CODE.SourceIpRefused:
      return { kind: 'access_denied', denial: 'source_ip' };
    case RSP_CODE.CenterError:
    case RSP_CODE.Processing:
    case RSP_CODE.Maintenance:
      return { kind: 'retryable' };
    default:
      return { kind: 'protocol' };
  }
}

// ------------------------------------------------------------------------ source-IP refusal

const IP_IN_MESSAGE = /\[([0-9A-Fa-f:.]+)\]/;

/**
 * The `rsp_message` of an `O0002` answer: the provider names the address it saw, in brackets.
 *
 * @example
 * ```ts
 * sourceIpRefusedMessage('127.0.0.2'); // '허용되지 않은 IP입니다 [127.0.0.2]'
 * ```
 */
export function sourceIpRefusedMessage(seenAddress: string): string {
  return `${codeMessage('rsp_code', RSP_CODE.SourceIpRefused)} [${seenAddress}]`;
}

/**
 * The address a source-IP refusal names, if its message carries one.
 *
 * @example
 * ```ts
 * seenAddressOf('허용되지 않은 IP입니다 [127.0.0.2]'); // '127.0.0.2'
 * ```
 */
export function seenAddressOf(rspMessage: string): string | undefined {
  return IP_IN_MESSAGE.exec(rspMessage)?.[1];
}

/**
 * The error an adapter throws when the provider refuses the caller itself (`O0001`/`O0002`):
 * `PROVIDER_ACCESS_DENIED`, not retryable (retrying from the same address changes nothing),
 * naming the address the provider saw so the operator can compare it with the allow-list
 * (the NAT's Elastic IP).
 *
 * @example
 * ```ts
 * if (c.kind === 'access_denied') throw providerAccessDeniedError(body);
 * // RemitError PROVIDER_ACCESS_DENIED: "provider refused source address 127.0.0.2 ..."
 * ```
 */
export function providerAccessDeniedError(body: {
  readonly rsp_code: string;
  readonly rsp_message: string;
}): RemitError {
  const seenAddress = seenAddressOf(body.rsp_message);
  const details: Record<string, unknown> = { providerCode: body.rsp_code, rspMessage: body.rsp_message };
  if (seenAddress !== undefined) details.seenAddress = seenAddress;
  const message =
    body.rsp_code === RSP_CODE.SourceIpRefused
      ? `provider refused source address ${seenAddress ?? '(not named)'}: it is not on the provider's allow-list (${body.rsp_code})`
      : `provider refused our credentials (${body.rsp_code}: ${body.rsp_message})`;
  return new RemitError(ErrorCode.ProviderAccessDenied, message, { retryable: false, details });
}

// ----------------------------------------------------------------------- date-time formats

const DAY_MS = 86_400_000;
const TRAN_DTIME = /^(\d{8})(\d{2})(\d{2})(\d{2})$/;

function kstParts(instantMs: InstantMs): { date: BusinessDate; hhmmss: string; ms: string } {
  const date = businessDateOf(instantMs);
  const msOfDay = (((instantMs + KST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor((msOfDay % 3_600_000) / 60_000);
  const s = Math.floor((msOfDay % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return { date, hhmmss: `${pad(h)}${pad(m)}${pad(s)}`, ms: pad(msOfDay % 1000, 3) };
}

/**
 * An instant as the protocol's KST `YYYYMMDDhhmmss` (milliseconds dropped).
 *
 * @example
 * ```ts
 * formatTranDtime(Date.UTC(2026, 10, 28, 1, 15, 30)); // '20261128101530'
 * ```
 */
export function formatTranDtime(instantMs: InstantMs): string {
  const { date, hhmmss } = kstParts(instantMs);
  return `${date}${hhmmss}`;
}

/**
 * An instant as the protocol's `api_tran_dtm`: KST `YYYYMMDDhhmmssSSS`.
 *
 * @example
 * ```ts
 * formatApiTranDtm(Date.UTC(2026, 10, 28, 1, 15, 30, 123)); // '20261128101530123'
 * ```
 */
export function formatApiTranDtm(instantMs: InstantMs): string {
  const { date, hhmmss, ms } = kstParts(instantMs);
  return `${date}${hhmmss}${ms}`;
}

/**
 * Parse a KST `YYYYMMDDhhmmss` into epoch ms; rejects impossible dates and times.
 *
 * @example
 * ```ts
 * parseTranDtime('20261128101530'); // Date.UTC(2026, 10, 28, 1, 15, 30)
 * ```
 */
export function parseTranDtime(input: string): InstantMs {
  const m = TRAN_DTIME.exec(input);
  if (m === null) throw invalidInput(`tran_dtime must be YYYYMMDDhhmmss (KST), got ${JSON.stringify(input)}`);
  const [, date, hh, mm, ss] = m as unknown as [string, string, string, string, string];
  const h = Number(hh);
  const mi = Number(mm);
  const s = Number(ss);
  if (h > 23 || mi > 59 || s > 59) throw invalidInput(`tran_dtime has an impossible time: ${input}`);
  return startOfBusinessDate(parseBusinessDate(date)) + h * 3_600_000 + mi * 60_000 + s * 1000;
}

/**
 * The KST business date a `tran_dtime` falls on (its first 8 characters, validated).
 *
 * @example
 * ```ts
 * businessDateOfTranDtime('20261128101530'); // '20261128'
 * ```
 */
export function businessDateOfTranDtime(input: string): BusinessDate {
  return businessDateOf(parseTranDtime(input));
}

/**
 * Split a statement row's `tran_date` + `tran_time` into an instant.
 *
 * @example
 * ```ts
 * instantOfRow({ tran_date: '20261128', tran_time: '101530' }); // Date.UTC(2026, 10, 28, 1, 15, 30)
 * ```
 */
export function instantOfRow(row: { readonly tran_date: string; readonly tran_time: string }): InstantMs {
  return parseTranDtime(`${row.tran_date}${row.tran_time}`);
}

// ----------------------------------------------------------------------------- amounts etc.

/**
 * An amount as the wire's `tran_amt`: a string of digits.
 *
 * @example
 * ```ts
 * formatTranAmt(parseKrw(15000)); // '15000'
 * ```
 */
export function formatTranAmt(amount: Krw): string {
  return String(amount);
}

/**
 * Parse a wire amount (digits only) into won.
 *
 * @example
 * ```ts
 * parseTranAmt('15000'); // 15000
 * ```
 */
export function parseTranAmt(input: string): Krw {
  return parseKrw(input);
}

/**
 * An account number as the wire carries it: digits only (dashes are for people), 6-16 digits.
 *
 * @example
 * ```ts
 * toWireAccountNum('110-000-000001'); // '110000000001'
 * ```
 */
export function toWireAccountNum(accountNumber: string): string {
  const digits = accountNumber.replace(/-/g, '');
  if (!ACCOUNT_NUM.test(digits)) {
    throw invalidInput(
      `account number must be 6-16 digits (dashes allowed), got ${JSON.stringify(accountNumber)}`,
    );
  }
  return digits;
}

/**
 * Mask an account number for display and logs: all but the last 4 digits become `*`.
 *
 * @example
 * ```ts
 * maskAccountNum('110000000001'); // '********0001'
 * ```
 */
export function maskAccountNum(accountNumber: string): string {
  const keep = 4;
  if (accountNumber.length <= keep) return '*'.repeat(accountNumber.length);
  return `${'*'.repeat(accountNumber.length - keep)}${accountNumber.slice(-keep)}`;
}

// --------------------------------------------------------------------------------- schemas
//
// The answers a payer reads (transfer, inquiry, reversal notices) are here; the statement
// (`open-banking-statements.ts`, read by ingest) and the requests (`open-banking-requests.ts`,
// checked by the provider) have modules of their own, so a function builds only the schemas it
// parses: core is side-effect free, and a bundler leaves out a module nothing imports from.

/** `bank_tran_id`: 10-char institution code + `U` + 9 chars unique per business day. */
const BANK_TRAN_ID = /^[A-Z0-9]{10}U[A-Z0-9]{9}$/;
/** Digits, no leading zero, at most 12 (the protocol's `N(12)`); zero is not a transfer. */
const TRAN_AMT = /^[1-9]\d{0,11}$/;
const ACCOUNT_NUM = /^\d{6,16}$/;

const bankTranId = z
  .string()
  .check(z.regex(BANK_TRAN_ID, 'bank_tran_id must be <10-char institution>U<9 chars>'));
const tranDtime = z.string().check(
  z.refine(
    (s) => {
      try {
        parseTranDtime(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be YYYYMMDDhhmmss (KST)' },
  ),
);
const yyyymmdd = z.string().check(
  z.refine(
    (s) => {
      try {
        parseBusinessDate(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be YYYYMMDD' },
  ),
);
const tranAmt = z.string().check(z.regex(TRAN_AMT, 'tran_amt must be digits, 1..999999999999'));
const accountNum = z.string().check(z.regex(ACCOUNT_NUM, 'account number must be 6-16 digits'));
const bankCode = z.string().check(z.regex(/^\d{3}$/, 'bank code must be 3 digits'));
const cursor = z.string().check(z.maxLength(256));
const yn = z.enum(['Y', 'N']);

/**
 * The wire's field schemas that several messages share: the request schemas
 * (`open-banking-requests.ts`) and the statement schemas (`open-banking-statements.ts`) build on
 * them, so a field is checked the same way in every message.
 *
 * @example
 * ```ts
 * const query = z.object({ from_dtime: openBankingFields.tranDtime });
 * ```
 */
export const openBankingFields = {
  bankTranId,
  tranDtime,
  yyyymmdd,
  tranAmt,
  accountNum,
  bankCode,
  cursor,
  yn,
};

/**
 * Every answer starts with this envelope. An answer that stops at the envelope (auth refusal,
 * malformed request, processing) carries no bank part.
 *
 * @example
 * ```ts
 * const env = envelopeSchema.safeParse(await res.json());
 * ```
 */
export const envelopeSchema = z.object({
  /** The center's id of this API call (unique; for audit). */
  api_tran_id: z.string().check(z.minLength(1), z.maxLength(40)),
  /** KST `YYYYMMDDhhmmssSSS`. */
  api_tran_dtm: z.string().check(z.regex(/^\d{17}$/)),
  rsp_code: z.string().check(z.minLength(1), z.maxLength(5)),
  rsp_message: z.string().check(z.maxLength(300)),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const bankPart = {
  bank_tran_id: bankTranId,
  /** The business date the bank booked it on (`YYYYMMDD`). */
  bank_tran_date: yyyymmdd,
  /** The bank that gave `bank_rsp_code`. */
  bank_code_tran: bankCode,
  bank_rsp_code: z.string().check(z.regex(/^\d{3}$/)),
  bank_rsp_message: z.string().check(z.maxLength(300)),
};

/**
 * The transfer answer: the envelope, and the bank part when the request reached a bank.
 *
 * @example
 * ```ts
 * const r = transferResponseSchema.parse(json);
 * const c = classifyTransferResponse(r.rsp_code, r.bank_rsp_code);
 * ```
 */
export const transferResponseSchema = z.extend(envelopeSchema, {
  bank_tran_id: z.optional(bankPart.bank_tran_id),
  bank_tran_date: z.optional(bankPart.bank_tran_date),
  bank_code_tran: z.optional(bankPart.bank_code_tran),
  bank_rsp_code: z.optional(bankPart.bank_rsp_code),
  bank_rsp_message: z.optional(bankPart.bank_rsp_message),
  tran_amt: z.optional(tranAmt),
  recv_client_bank_code: z.optional(bankCode),
  recv_client_account_num_masked: z.optional(z.string().check(z.maxLength(20))),
  recv_client_name: z.optional(z.string().check(z.maxLength(20))),
});
export type TransferResponseWire = z.infer<typeof transferResponseSchema>;

/**
 * The inquiry answer; `bank_rsp_code` describes the ORIGINAL transfer (`000` executed, `809`
 * no such transfer, `400` still processing, a rejection code if it was refused).
 *
 * @example
 * ```ts
 * const r = inquiryResponseSchema.parse(json);
 * const c = classifyInquiryResponse(r.rsp_code, r.bank_rsp_code);
 * ```
 */
export const inquiryResponseSchema = z.extend(envelopeSchema, {
  org_bank_tran_id: z.optional(bankTranId),
  org_bank_tran_date: z.optional(yyyymmdd),
  org_tran_amt: z.optional(tranAmt),
  bank_tran_date: z.optional(bankPart.bank_tran_date),
  bank_code_tran: z.optional(bankPart.bank_code_tran),
  bank_rsp_code: z.optional(bankPart.bank_rsp_code),
  bank_rsp_message: z.optional(bankPart.bank_rsp_message),
  tran_amt: z.optional(tranAmt),
});
export type InquiryResponseWire = z.infer<typeof inquiryResponseSchema>;

/**
 * Bound on statement and notice pages (rows per page). The real API's page is 25 rows; the
 * bound keeps one page's JSON small enough to parse in a Lambda without streaming.
 *
 * @example
 * ```ts
 * if (rows > MAX_PAGE_RECORDS) throw new Error('page too large');
 * ```
 */
export const MAX_PAGE_RECORDS = 500;

/**
 * One reversal notice: the original transfer and why it failed after all.
 *
 * @example
 * ```ts
 * const n = noticeRowSchema.parse(row);
 * ```
 */
export const noticeRowSchema = z.object({
  org_bank_tran_id: bankTranId,
  org_bank_tran_date: yyyymmdd,
  org_tran_amt: tranAmt,
  /** When the bank noticed (KST `YYYYMMDDhhmmss`). */
  notice_dtime: tranDtime,
  notice_code: z.string().check(z.minLength(1), z.maxLength(10)),
  notice_message: z.string().check(z.maxLength(300)),
});
export type NoticeRow = z.infer<typeof noticeRowSchema>;

/**
 * The notices answer.
 *
 * @example
 * ```ts
 * const page = noticeListResponseSchema.parse(json);
 * ```
 */
export const noticeListResponseSchema = z.extend(envelopeSchema, {
  page_record_cnt: z.optional(z.int().check(z.minimum(0), z.maximum(MAX_PAGE_RECORDS))),
  next_page_yn: z.optional(yn),
  befor_inquiry_trace_info: z.optional(cursor),
  res_list: z.optional(z.array(noticeRowSchema).check(z.maxLength(MAX_PAGE_RECORDS))),
});
export type NoticeListResponseWire = z.infer<typeof noticeListResponseSchema>;
