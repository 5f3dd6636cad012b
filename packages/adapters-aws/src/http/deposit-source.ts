/**
 * A receiving account's statement over HTTP (reference protocol `GET transaction_list`,
 * inbound rows only). One call returns one port page, built from provider pages followed to the
 * end of the window or until a bound, whichever comes first; the provider's own cursor is the
 * port's cursor, so the next call continues where this one stopped.
 */
import {
  type AccountId,
  type Clock,
  type Deposit,
  type DepositPage,
  type DepositSource,
  depositIdFor,
  ErrorCode,
  formatTranDtime,
  INOUT_TYPE,
  instantOfRow,
  type ListDepositsInput,
  MAX_PAGE_RECORDS,
  OPEN_BANKING_PATHS,
  parseKrw,
  parseTranAmt,
  RemitError,
  type TransactionRow,
  toWireAccountNum,
  transactionListResponseSchema,
} from '@remit/core';
import { notSentError, ProviderHttp, type ProviderHttpOptions, parseJson } from './provider-client.js';
import { checkQuery } from './transfer-gateway.js';

export interface HttpDepositSourceOptions extends ProviderHttpOptions {
  /**
   * The provider account number of each receiving account remit reads: a map, or a function
   * (`undefined` for an account it does not know).
   */
  readonly accounts: Readonly<Record<string, string>> | ((accountId: AccountId) => string | undefined);
  /**
   * Provider pages followed per call. Default 20 (500 rows at the usual 25): one call stays far
   * inside a Lambda's timeout, and ingest's `maxPagesPerAccount` bounds the whole run.
   */
  readonly maxProviderPagesPerCall?: number;
  /** Stop following provider pages once this many rows are read. Default 500 (the protocol's page bound). */
  readonly maxRowsPerCall?: number;
  /** Sets `tran_dtime` of the request. Default: system clock. */
  readonly clock?: Clock;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * {@link DepositSource} over the reference provider protocol.
 *
 * @example
 * ```ts
 * const source = new HttpDepositSource({ baseUrl, accessToken, accounts: { 'acct-main': '100000000002' } });
 * const page = await source.listDeposits({ accountId, fromMs: now - 15 * 60_000, toMs: now });
 * ```
 */
export class HttpDepositSource implements DepositSource {
  readonly http: ProviderHttp;
  private readonly accountNumberOf: (accountId: AccountId) => string | undefined;
  private readonly maxPages: number;
  private readonly maxRows: number;
  private readonly clock: Clock;

  constructor(options: HttpDepositSourceOptions) {
    const given = options.accounts;
    if (typeof given === 'function') {
      this.accountNumberOf = (accountId) => {
        const number = given(accountId);
        return number === undefined ? undefined : toWireAccountNum(number);
      };
    } else {
      const accounts = new Map<string, string>();
      for (const [id, number] of Object.entries(given)) {
        try {
          accounts.set(id, toWireAccountNum(number));
        } catch (err) {
          throw new RemitError(ErrorCode.InvalidConfig, `accounts.${id}: ${(err as Error).message}`, {
            cause: err,
          });
        }
      }
      this.accountNumberOf = (accountId) => accounts.get(accountId);
    }
    this.maxPages = options.maxProviderPagesPerCall ?? 20;
    this.maxRows = options.maxRowsPerCall ?? MAX_PAGE_RECORDS;
    if (this.maxPages < 1 || this.maxRows < 1)
      throw new RemitError(ErrorCode.InvalidConfig, 'page bounds must be >= 1');
    this.http = new ProviderHttp(options);
    this.clock = options.clock ?? systemClock;
  }

  async listDeposits(input: ListDepositsInput): Promise<DepositPage> {
    const accountNum = this.accountNumberOf(input.accountId);
    if (accountNum === undefined) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `no provider account number configured for ${input.accountId}`,
      );
    }
    if (input.toMs <= input.fromMs) return { deposits: [] };
    const deposits: Deposit[] = [];
    let cursor = input.cursor;
    let read = 0;
    for (let page = 0; page < this.maxPages && read < this.maxRows; page += 1) {
      const query: Record<string, string> = {
        account_num: accountNum,
        inquiry_type: 'I',
        // The protocol resolves seconds: widen to whole seconds, then filter exactly below.
        from_dtime: formatTranDtime(input.fromMs),
        to_dtime: formatTranDtime(Math.ceil(input.toMs / 1000) * 1000),
        sort_order: 'A',
        tran_dtime: formatTranDtime(this.clock.now()),
      };
      if (cursor !== undefined) query.befor_inquiry_trace_info = cursor;
      const body = await this.fetchPage(query);
      const rows = body.res_list ?? [];
      read += rows.length;
      for (const row of rows) {
        const deposit = toDeposit(input.accountId, row);
        if (deposit !== undefined && deposit.occurredAt >= input.fromMs && deposit.occurredAt < input.toMs) {
          deposits.push(deposit);
        }
      }
      const next = body.befor_inquiry_trace_info;
      if (body.next_page_yn !== 'Y' || next === undefined || next === '') return { deposits };
      if (next === cursor) {
        throw new RemitError(
          ErrorCode.ProviderProtocol,
          'transaction_list: the provider returned the same cursor again',
        );
      }
      cursor = next;
    }
    return cursor === undefined ? { deposits } : { deposits, nextCursor: cursor };
  }

  /** Closes the connection pool (if this source created it). */
  close(): Promise<void> {
    return this.http.close();
  }

  private async fetchPage(query: Record<string, string>) {
    const what = 'transaction_list';
    let transport = await this.http.send('GET', OPEN_BANKING_PATHS.transactions, { query });
    if (transport.kind === 'answered' && transport.status === 401) {
      transport = await this.http.send('GET', OPEN_BANKING_PATHS.transactions, { query, refresh: true });
    }
    if (transport.kind === 'not_sent') throw notSentError(what, transport, this.http.localAddress);
    if (transport.kind === 'maybe_sent') {
      throw new RemitError(ErrorCode.Unavailable, `${what}: ${transport.reason} reading the statement`, {
        retryable: true,
        cause: transport.error,
      });
    }
    if (transport.status >= 500) {
      throw new RemitError(ErrorCode.Unavailable, `${what}: provider answered HTTP ${transport.status}`, {
        retryable: true,
        details: { raw: transport.text.slice(0, 2_000) },
      });
    }
    const parsed = transactionListResponseSchema.safeParse(parseJson(transport.text));
    if (!parsed.success) {
      throw new RemitError(
        ErrorCode.ProviderProtocol,
        `${what}: malformed answer (HTTP ${transport.status})`,
        {
          details: { raw: transport.text.slice(0, 2_000), issues: parsed.error.issues.slice(0, 5) },
        },
      );
    }
    checkQuery(parsed.data, transport, what);
    return parsed.data;
  }
}

/** An inbound statement row as a {@link Deposit}; withdrawals are not candidates (`undefined`). */
export function toDeposit(accountId: AccountId, row: TransactionRow): Deposit | undefined {
  if (row.inout_type === INOUT_TYPE.Withdrawal) return undefined;
  const amountKrw = parseTranAmt(row.tran_amt);
  const afterBalanceKrw = row.after_balance_amt === undefined ? undefined : parseKrw(row.after_balance_amt);
  const depositId = depositIdFor({
    bankTranId: row.tran_id,
    date: row.tran_date,
    time: row.tran_time,
    amountKrw,
    afterBalanceKrw,
    depositorName: row.print_content,
  });
  const base = {
    accountId,
    depositId,
    depositorName: row.print_content,
    amountKrw,
    occurredAt: instantOfRow(row),
    ...(afterBalanceKrw === undefined ? {} : { afterBalanceKrw }),
  };
  if (row.inout_type === INOUT_TYPE.Deposit) return { ...base, kind: 'deposit' };
  // A cancellation names the deposit it cancels by the bank's row id; without one it cannot be tied.
  const cancels =
    row.org_tran_id === undefined
      ? undefined
      : depositIdFor({
          bankTranId: row.org_tran_id,
          date: row.tran_date,
          time: row.tran_time,
          amountKrw,
          depositorName: '',
        });
  return { ...base, kind: 'cancellation', ...(cancels === undefined ? {} : { cancels }) };
}
