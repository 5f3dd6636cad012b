/**
 * The requests of the reference protocol (`open-banking.ts`) and the token exchange, as the
 * provider checks them: `@remit/bank-sim` validates every request it is sent against these; the
 * HTTP adapters build requests typed by them. The Lambda functions never parse a request, so
 * they do not build these schemas.
 */
import * as z from 'zod/mini';
import '../zod-locale.js';
import { openBankingFields } from './open-banking.js';

const { bankTranId, tranDtime, yyyymmdd, tranAmt, accountNum, bankCode, cursor } = openBankingFields;

/**
 * `POST /oauth/2.0/token`, form-encoded: the client-credentials grant.
 *
 * @example
 * ```ts
 * const body = new URLSearchParams({ client_id, client_secret, scope: 'oob', grant_type: 'client_credentials' });
 * ```
 */
export const tokenRequestSchema = z.object({
  client_id: z.string().check(z.minLength(1), z.maxLength(100)),
  client_secret: z.string().check(z.minLength(1), z.maxLength(200)),
  scope: z.literal('oob'),
  grant_type: z.literal('client_credentials'),
});
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

/**
 * The token answer; use as `Authorization: Bearer <access_token>`.
 *
 * @example
 * ```ts
 * const { access_token } = tokenResponseSchema.parse(await res.json());
 * ```
 */
export const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1), z.maxLength(2048)),
  token_type: z.literal('Bearer'),
  /** Seconds. */
  expires_in: z.int().check(z.positive()),
  scope: z.literal('oob'),
  client_use_code: z.optional(z.string().check(z.maxLength(10))),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/**
 * `POST /v2.0/transfer/deposit`: pay one payee from our contracted account (입금이체).
 *
 * @example
 * ```ts
 * const body: TransferRequestWire = {
 *   bank_tran_id: 'T991234560U000000001', tran_dtime: formatTranDtime(now),
 *   cntr_account_type: 'N', cntr_account_num: '100000000001', wd_print_content: '정산',
 *   name_check_option: 'on', tran_amt: '15000', recv_client_bank_code: '088',
 *   recv_client_account_num: '110000000001', recv_client_name: '김테스트', print_content: '리밋정산',
 *   transfer_purpose: 'TR',
 * };
 * ```
 */
export const transferRequestSchema = z.object({
  bank_tran_id: bankTranId,
  /** When we sent it (KST); its date is the business date the id is unique on. */
  tran_dtime: tranDtime,
  /** Contracted account type: `N` (account). */
  cntr_account_type: z.literal('N'),
  /** Our paying (contracted) account. */
  cntr_account_num: accountNum,
  /** What our own statement shows. */
  wd_print_content: z.optional(z.string().check(z.maxLength(20))),
  /** `on`: the bank checks `recv_client_name` against the holder (default on). */
  name_check_option: z.optional(z.enum(['on', 'off'])),
  tran_amt: tranAmt,
  recv_client_bank_code: bankCode,
  recv_client_account_num: accountNum,
  recv_client_name: z.string().check(z.minLength(1), z.maxLength(20)),
  /** What the payee's statement shows (the bank's budget: 20 characters at most). */
  print_content: z.string().check(z.minLength(1), z.maxLength(20)),
  req_client_name: z.optional(z.string().check(z.maxLength(20))),
  /** `TR` transfer (default). */
  transfer_purpose: z.optional(z.enum(['TR', 'ST', 'RC'])),
});
export type TransferRequestWire = z.infer<typeof transferRequestSchema>;

/**
 * `POST /v2.0/transfer/result`: what happened to one transfer, keyed by (id, date, amount).
 *
 * @example
 * ```ts
 * const body: InquiryRequestWire = {
 *   check_type: '2', tran_dtime: formatTranDtime(now), org_bank_tran_id: 'T991234560U000000001',
 *   org_bank_tran_date: '20261128', org_tran_amt: '15000',
 * };
 * ```
 */
export const inquiryRequestSchema = z.object({
  /** `2`: a deposit transfer (입금이체). */
  check_type: z.literal('2'),
  tran_dtime: tranDtime,
  org_bank_tran_id: bankTranId,
  org_bank_tran_date: yyyymmdd,
  org_tran_amt: tranAmt,
});
export type InquiryRequestWire = z.infer<typeof inquiryRequestSchema>;

/**
 * `GET /v2.0/account/transaction_list` query: the statement of one of our receiving accounts.
 * The window is `[from_dtime, to_dtime)` at one-second resolution (KST). Rows come oldest first
 * (`sort_order=A`); pass back `befor_inquiry_trace_info` (the real API's spelling) for the next
 * page while `next_page_yn` is `Y`.
 *
 * @example
 * ```ts
 * const q: TransactionListQuery = {
 *   account_num: '100000000002', inquiry_type: 'I', from_dtime: '20261128100000',
 *   to_dtime: '20261128101500', sort_order: 'A', tran_dtime: formatTranDtime(now),
 * };
 * url.search = new URLSearchParams(q).toString();
 * ```
 */
export const transactionListQuerySchema = z
  .object({
    account_num: accountNum,
    /** `A` all rows, `I` inbound only (deposits and their cancellations), `O` outbound only. */
    inquiry_type: z._default(z.enum(['A', 'I', 'O']), 'A'),
    from_dtime: tranDtime,
    to_dtime: tranDtime,
    sort_order: z._default(z.enum(['A', 'D']), 'A'),
    tran_dtime: z.optional(tranDtime),
    befor_inquiry_trace_info: z.optional(cursor),
  })
  .check(z.refine((q) => q.from_dtime <= q.to_dtime, { message: 'from_dtime must not be after to_dtime' }));
export type TransactionListQuery = z.input<typeof transactionListQuerySchema>;

/**
 * `GET /v2.0/transfer/notices` query: reversal notices (a transfer reported as failed after it
 * succeeded) noticed at or after `from_dtime` (KST), oldest first, paginated like the statement.
 *
 * @example
 * ```ts
 * const q: NoticeListQuery = { from_dtime: formatTranDtime(sinceMs) };
 * ```
 */
export const noticeListQuerySchema = z.object({
  from_dtime: tranDtime,
  befor_inquiry_trace_info: z.optional(cursor),
});
export type NoticeListQuery = z.input<typeof noticeListQuerySchema>;
