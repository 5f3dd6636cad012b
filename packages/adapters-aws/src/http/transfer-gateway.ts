/**
 * The transfer provider over HTTP (reference open-banking protocol, `@remit/core` protocol).
 * Every answer is validated with the protocol's zod schemas and classified by THE one code table
 * (`classifyTransferResponse` / `classifyInquiryResponse`); the raw body is kept for audit.
 *
 *   answer with codes          -> the table: succeeded | rejected(reason) | unknown | duplicate_id | maintenance
 *   5xx, unparseable answer    -> unknown (server_error | malformed)       the money may have moved
 *   timeout / reset after send -> unknown (timeout | connection_reset)     the money may have moved
 *   nothing sent (connect)     -> throws UNAVAILABLE (retryable, same id)
 *   O0002 / O0001              -> throws PROVIDER_ACCESS_DENIED naming the address the provider saw
 */
import {
  businessDateOf,
  type Clock,
  classifyInquiryResponse,
  classifyQueryResponse,
  classifyTransferResponse,
  ErrorCode,
  formatTranAmt,
  formatTranDtime,
  type InquireRequest,
  type InquiryClassification,
  type InquiryResult,
  inquiryResponseSchema,
  type ListReversalsInput,
  noticeListResponseSchema,
  OPEN_BANKING_PATHS,
  parseBankTranId,
  parseBusinessDate,
  parseTranAmt,
  parseTranDtime,
  providerAccessDeniedError,
  RemitError,
  type ReversalNotice,
  type ReversalPage,
  RSP_CODE,
  type TransferClassification,
  type TransferGateway,
  type TransferRequest,
  type TransferRequestWire,
  type TransferResult,
  toWireAccountNum,
  transferResponseSchema,
} from '@remit/core';
import type { z } from 'zod/mini';
import {
  notSentError,
  ProviderHttp,
  type ProviderHttpOptions,
  parseJson,
  type Transport,
} from './provider-client.js';

export interface HttpTransferGatewayOptions extends ProviderHttpOptions {
  /** Our paying (contracted) account number (`cntr_account_num`). */
  readonly payerAccountNumber: string;
  /** What our own statement shows for a payout (`wd_print_content`), at most 20 chars. Default none. */
  readonly payerPrintContent?: string;
  /** Ask the bank to check the payee's name (`name_check_option`). Default true. */
  readonly nameCheck?: boolean;
  /** Sets `tran_dtime`; its KST date must be the request's business date. Default: system clock. */
  readonly clock?: Clock;
}

const systemClock: Clock = { now: () => Date.now() };
/** `print_content` and `recv_client_name` budget of the protocol (characters). */
const PRINT_BUDGET = 20;

/**
 * {@link TransferGateway} over the reference provider protocol.
 *
 * @example
 * ```ts
 * const gateway = new HttpTransferGateway({
 *   baseUrl: 'https://openapi.example.com', payerAccountNumber: '100000000001',
 *   accessToken: async () => token, localAddress: '10.0.1.5',
 * });
 * const result = await gateway.transfer({ remittanceId, bankTranId, businessDate, amountKrw, payee, memo });
 * ```
 */
export class HttpTransferGateway implements TransferGateway {
  readonly http: ProviderHttp;
  private readonly payerAccountNumber: string;
  private readonly payerPrintContent: string | undefined;
  private readonly nameCheck: boolean;
  private readonly clock: Clock;

  constructor(options: HttpTransferGatewayOptions) {
    try {
      this.payerAccountNumber = toWireAccountNum(options.payerAccountNumber);
    } catch (err) {
      throw new RemitError(ErrorCode.InvalidConfig, `payerAccountNumber: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.http = new ProviderHttp(options);
    this.payerPrintContent = options.payerPrintContent;
    this.nameCheck = options.nameCheck ?? true;
    this.clock = options.clock ?? systemClock;
  }

  async transfer(input: TransferRequest): Promise<TransferResult> {
    const now = this.clock.now();
    // The provider books a transfer on the KST date of `tran_dtime`, and the id is unique per
    // date. Sending under another date than the record's would make a later inquiry by the
    // record's date answer "no such transfer" for money that moved: refuse instead (nothing sent).
    const today = businessDateOf(now);
    if (today !== input.businessDate) {
      throw new RemitError(
        ErrorCode.InvalidInput,
        `transfer ${input.bankTranId} is for business date ${input.businessDate} but it is ${today} (KST): draw a new id for today; nothing was sent`,
        { details: { businessDate: input.businessDate, today } },
      );
    }
    const wire: TransferRequestWire = {
      bank_tran_id: input.bankTranId,
      tran_dtime: formatTranDtime(now),
      cntr_account_type: 'N',
      cntr_account_num: this.payerAccountNumber,
      ...(this.payerPrintContent === undefined
        ? {}
        : { wd_print_content: this.payerPrintContent.slice(0, PRINT_BUDGET) }),
      name_check_option: this.nameCheck ? 'on' : 'off',
      tran_amt: formatTranAmt(input.amountKrw),
      recv_client_bank_code: input.payee.bankCode,
      recv_client_account_num: toWireAccountNum(input.payee.accountNumber),
      recv_client_name: input.payee.holderName.slice(0, PRINT_BUDGET),
      print_content: (input.memo.trim() === '' ? input.payee.holderName : input.memo).slice(0, PRINT_BUDGET),
      transfer_purpose: 'TR',
    };
    const transport = await this.call('POST', OPEN_BANKING_PATHS.transfer, wire, 'transfer');
    const outcome = this.classify(
      transport,
      transferResponseSchema,
      (rsp, bank) => classifyTransferResponse(rsp, bank),
      'transfer',
    );
    return outcome as TransferResult;
  }

  async inquire(input: InquireRequest): Promise<InquiryResult> {
    const wire = {
      check_type: '2' as const,
      tran_dtime: formatTranDtime(this.clock.now()),
      org_bank_tran_id: input.bankTranId,
      org_bank_tran_date: input.businessDate,
      org_tran_amt: formatTranAmt(input.amountKrw),
    };
    const transport = await this.call('POST', OPEN_BANKING_PATHS.inquiry, wire, 'inquiry');
    return this.classify(
      transport,
      inquiryResponseSchema,
      (rsp, bank) => classifyInquiryResponse(rsp, bank),
      'inquiry',
    ) as InquiryResult;
  }

  async listReversals(input: ListReversalsInput): Promise<ReversalPage> {
    const query: Record<string, string> = { from_dtime: formatTranDtime(input.sinceMs) };
    if (input.cursor !== undefined) query.befor_inquiry_trace_info = input.cursor;
    const transport = await this.callQuery(OPEN_BANKING_PATHS.notices, query, 'notices');
    const parsed = noticeListResponseSchema.safeParse(parseJson(transport.text));
    if (!parsed.success) {
      throw new RemitError(
        ErrorCode.ProviderProtocol,
        `notices: malformed answer (HTTP ${transport.status})`,
        {
          details: { raw: transport.text.slice(0, 2_000), issues: parsed.error.issues.slice(0, 5) },
        },
      );
    }
    const body = parsed.data;
    checkQuery(body, transport, 'notices');
    const notices: ReversalNotice[] = (body.res_list ?? []).map((row) => ({
      bankTranId: parseBankTranId(row.org_bank_tran_id),
      businessDate: parseBusinessDate(row.org_bank_tran_date),
      amountKrw: parseTranAmt(row.org_tran_amt),
      reason: `${row.notice_code}: ${row.notice_message}`,
      noticedAt: parseTranDtime(row.notice_dtime),
    }));
    const cursor = body.befor_inquiry_trace_info;
    return body.next_page_yn === 'Y' && cursor !== undefined && cursor !== ''
      ? { notices, nextCursor: cursor }
      : { notices };
  }

  /** Closes the connection pool (if the gateway created it). */
  close(): Promise<void> {
    return this.http.close();
  }

  /** A POST whose answer is classified by codes; one retry with a fresh token on "bad credentials". */
  private async call(method: 'POST', path: string, json: unknown, what: string): Promise<Transport> {
    let transport = await this.http.send(method, path, { json });
    if (isBadCredentials(transport)) transport = await this.http.send(method, path, { json, refresh: true });
    if (transport.kind === 'not_sent') throw notSentError(what, transport, this.http.localAddress);
    return transport;
  }

  private async callQuery(
    path: string,
    query: Record<string, string>,
    what: string,
  ): Promise<{ status: number; text: string }> {
    let transport = await this.http.send('GET', path, { query });
    if (isBadCredentials(transport)) transport = await this.http.send('GET', path, { query, refresh: true });
    if (transport.kind === 'not_sent') throw notSentError(what, transport, this.http.localAddress);
    if (transport.kind === 'maybe_sent') {
      throw new RemitError(ErrorCode.Unavailable, `${what}: ${transport.reason} reading from the provider`, {
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
    return transport;
  }

  private classify<
    S extends z.ZodMiniType<{ rsp_code: string; rsp_message: string; bank_rsp_code?: string | undefined }>,
  >(
    transport: Transport,
    schema: S,
    table: (rsp: string, bank: string | undefined) => TransferClassification | InquiryClassification,
    what: string,
  ): TransferResult | InquiryResult {
    if (transport.kind === 'not_sent') throw notSentError(what, transport, this.http.localAddress);
    if (transport.kind === 'maybe_sent') return { kind: 'unknown', reason: transport.reason };
    const raw = transport.text;
    if (transport.status >= 500) return { kind: 'unknown', reason: 'server_error', raw };
    const parsed = schema.safeParse(parseJson(raw));
    if (!parsed.success) return { kind: 'unknown', reason: 'malformed', raw };
    const body = parsed.data;
    const c = table(body.rsp_code, body.bank_rsp_code);
    if (c.kind === 'access_denied') throw providerAccessDeniedError(body);
    return { ...c, raw };
  }
}

function isBadCredentials(transport: Transport): boolean {
  if (transport.kind !== 'answered' || transport.status !== 401) return false;
  const body = parseJson(transport.text) as { rsp_code?: unknown } | undefined;
  return body?.rsp_code === RSP_CODE.BadCredentials;
}

/** Listing answers: anything but A0000 is thrown (access denied, retryable, protocol). */
export function checkQuery(
  body: { readonly rsp_code: string; readonly rsp_message: string },
  transport: { readonly status: number; readonly text: string },
  what: string,
): void {
  const c = classifyQueryResponse(body.rsp_code);
  switch (c.kind) {
    case 'ok':
      return;
    case 'access_denied':
      throw providerAccessDeniedError(body);
    case 'retryable':
      throw new RemitError(
        ErrorCode.Unavailable,
        `${what}: provider answered ${body.rsp_code} ${body.rsp_message}`,
        {
          retryable: true,
          details: { providerCode: body.rsp_code },
        },
      );
    case 'protocol':
      throw new RemitError(
        ErrorCode.ProviderProtocol,
        `${what}: provider answered ${body.rsp_code} ${body.rsp_message}`,
        {
          details: {
            providerCode: body.rsp_code,
            status: transport.status,
            raw: transport.text.slice(0, 2_000),
          },
        },
      );
  }
}
