/**
 * The account statement of the reference protocol (`open-banking.ts`): the rows and pages of
 * `GET /v2.0/account/transaction_list`, which ingest reads for deposits.
 */
import * as z from 'zod/mini';
import '../zod-locale.js';
import { envelopeSchema, MAX_PAGE_RECORDS, openBankingFields } from './open-banking.js';

const { yyyymmdd, tranAmt, cursor, yn } = openBankingFields;
const hhmmss = z.string().check(z.regex(/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/, 'must be hhmmss'));
/** Balances may be zero. */
const balanceAmt = z.string().check(z.regex(/^(0|[1-9]\d{0,14})$/, 'must be digits'));

/**
 * Statement row kinds. Only `입금` (deposit) and `입금취소` (its cancellation) are inbound rows,
 * candidates for matching; `출금` (withdrawal) rows must be ignored.
 *
 * @example
 * ```ts
 * const inbound = rows.filter((r) => r.inout_type !== INOUT_TYPE.Withdrawal);
 * ```
 */
export const INOUT_TYPE = { Deposit: '입금', Cancellation: '입금취소', Withdrawal: '출금' } as const;
export type InoutType = (typeof INOUT_TYPE)[keyof typeof INOUT_TYPE];

/**
 * One statement row.
 *
 * @example
 * ```ts
 * const row = transactionRowSchema.parse({ tran_id: 'D20261128000001', tran_date: '20261128',
 *   tran_time: '101530', inout_type: '입금', tran_type: '이체', print_content: '김테스트123',
 *   tran_amt: '15000', after_balance_amt: '115000' });
 * ```
 */
export const transactionRowSchema = z.object({
  /** The bank's id of this row when it gives one; else remit fingerprints the row. */
  tran_id: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  tran_date: yyyymmdd,
  tran_time: hhmmss,
  inout_type: z.enum([INOUT_TYPE.Deposit, INOUT_TYPE.Cancellation, INOUT_TYPE.Withdrawal]),
  /** 이체 (transfer), 현금 (cash), ... : informational. */
  tran_type: z.string().check(z.maxLength(20)),
  /** The depositor name as printed (truncated to the bank's budget). */
  print_content: z.string().check(z.maxLength(40)),
  tran_amt: tranAmt,
  after_balance_amt: z.optional(balanceAmt),
  /** For `입금취소`: the `tran_id` of the deposit it cancels. */
  org_tran_id: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  branch_name: z.optional(z.string().check(z.maxLength(40))),
});
export type TransactionRow = z.infer<typeof transactionRowSchema>;

/**
 * The statement answer.
 *
 * @example
 * ```ts
 * const page = transactionListResponseSchema.parse(json);
 * if (page.next_page_yn === 'Y') next = page.befor_inquiry_trace_info;
 * ```
 */
export const transactionListResponseSchema = z.extend(envelopeSchema, {
  account_num_masked: z.optional(z.string().check(z.maxLength(20))),
  balance_amt: z.optional(balanceAmt),
  page_record_cnt: z.optional(z.int().check(z.minimum(0), z.maximum(MAX_PAGE_RECORDS))),
  next_page_yn: z.optional(yn),
  /** Cursor for the next page ('' on the last page). */
  befor_inquiry_trace_info: z.optional(cursor),
  res_list: z.optional(z.array(transactionRowSchema).check(z.maxLength(MAX_PAGE_RECORDS))),
});
export type TransactionListResponseWire = z.infer<typeof transactionListResponseSchema>;
