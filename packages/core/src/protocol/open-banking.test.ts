import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { parseKrw } from '../money.js';
import {
  BANK_RSP_CODE,
  businessDateOfTranDtime,
  classifyInquiryResponse,
  classifyQueryResponse,
  classifyTransferResponse,
  codeMessage,
  formatApiTranDtm,
  formatTranAmt,
  formatTranDtime,
  instantOfRow,
  maskAccountNum,
  noticeRowSchema,
  OPEN_BANKING_CODE_TABLE,
  parseTranAmt,
  parseTranDtime,
  providerAccessDeniedError,
  providerCodeOf,
  RSP_CODE,
  seenAddressOf,
  sourceIpRefusedMessage,
  toWireAccountNum,
  transferResponseSchema,
} from './open-banking.js';
import {
  inquiryRequestSchema,
  transactionListQuerySchema,
  transferRequestSchema,
} from './open-banking-requests.js';
import { transactionRowSchema } from './open-banking-statements.js';

// The expected verdicts are written out here by hand, not derived from the table, so a wrong
// edit to the table fails this test.
const TRANSFER_EXPECTED: ReadonlyArray<[string, string | undefined, object]> = [
  ['A0000', '000', { kind: 'succeeded' }],
  ['A0007', undefined, { kind: 'unknown', reason: 'processing' }],
  ['A0001', undefined, { kind: 'unknown', reason: 'server_error' }],
  ['A0000', '400', { kind: 'unknown', reason: 'processing' }],
  ['A0002', '400', { kind: 'unknown', reason: 'processing' }],
  ['A0002', '803', { kind: 'unknown', reason: 'server_error' }],
  ['A0002', '804', { kind: 'unknown', reason: 'timeout' }],
  ['A0002', '822', { kind: 'duplicate_id' }],
  ['A0002', '815', { kind: 'rejected', reason: 'name_mismatch' }],
  ['A0002', '453', { kind: 'rejected', reason: 'insufficient_balance' }],
  ['A0002', '454', { kind: 'rejected', reason: 'insufficient_balance' }],
  ['A0002', '455', { kind: 'rejected', reason: 'limit_exceeded' }],
  ['A0002', '456', { kind: 'rejected', reason: 'limit_exceeded' }],
  ['A0002', '412', { kind: 'rejected', reason: 'invalid_account' }],
  ['A0002', '415', { kind: 'rejected', reason: 'invalid_account' }],
  ['A0000', '815', { kind: 'rejected', reason: 'name_mismatch' }],
  ['A0005', undefined, { kind: 'maintenance' }],
  ['A0003', undefined, { kind: 'unknown', reason: 'malformed' }],
  ['O0001', undefined, { kind: 'access_denied', denial: 'credentials' }],
  ['O0002', undefined, { kind: 'access_denied', denial: 'source_ip' }],
  // Contradictions and strangers: unknown, never rejected.
  ['A0002', '000', { kind: 'unknown', reason: 'malformed' }],
  ['A0000', undefined, { kind: 'unknown', reason: 'malformed' }],
  ['A0000', '', { kind: 'unknown', reason: 'malformed' }],
  ['A0000', '809', { kind: 'unknown', reason: 'malformed' }],
  ['A0000', '999', { kind: 'unknown', reason: 'malformed' }],
  ['A9999', '815', { kind: 'unknown', reason: 'malformed' }],
  ['', undefined, { kind: 'unknown', reason: 'malformed' }],
];

const INQUIRY_EXPECTED: ReadonlyArray<[string, string | undefined, object]> = [
  ['A0000', '000', { kind: 'succeeded' }],
  ['A0000', '809', { kind: 'not_found' }],
  ['A0002', '809', { kind: 'not_found' }],
  ['A0000', '400', { kind: 'unknown', reason: 'processing' }],
  ['A0002', '803', { kind: 'unknown', reason: 'server_error' }],
  ['A0002', '804', { kind: 'unknown', reason: 'timeout' }],
  ['A0007', undefined, { kind: 'unknown', reason: 'processing' }],
  ['A0001', undefined, { kind: 'unknown', reason: 'server_error' }],
  ['A0002', '815', { kind: 'rejected', reason: 'name_mismatch' }],
  ['A0002', '453', { kind: 'rejected', reason: 'insufficient_balance' }],
  ['A0002', '454', { kind: 'rejected', reason: 'insufficient_balance' }],
  ['A0002', '455', { kind: 'rejected', reason: 'limit_exceeded' }],
  ['A0002', '456', { kind: 'rejected', reason: 'limit_exceeded' }],
  ['A0002', '412', { kind: 'rejected', reason: 'invalid_account' }],
  ['A0002', '415', { kind: 'rejected', reason: 'invalid_account' }],
  ['A0003', undefined, { kind: 'unknown', reason: 'malformed' }],
  ['A0005', undefined, { kind: 'unknown', reason: 'server_error' }],
  ['O0001', undefined, { kind: 'access_denied', denial: 'credentials' }],
  ['O0002', undefined, { kind: 'access_denied', denial: 'source_ip' }],
  ['A0002', '822', { kind: 'unknown', reason: 'malformed' }],
  ['A0002', '000', { kind: 'unknown', reason: 'malformed' }],
  ['A0000', '123', { kind: 'unknown', reason: 'malformed' }],
];

describe('classifyTransferResponse', () => {
  it.each(TRANSFER_EXPECTED)('%s / %s', (rsp, bank, expected) => {
    expect(classifyTransferResponse(rsp, bank)).toEqual({
      ...expected,
      providerCode: providerCodeOf(rsp, bank),
    });
  });

  it('covers every code of the table', () => {
    const tested = new Set<string | undefined>();
    for (const [rsp, bank] of TRANSFER_EXPECTED) tested.add(rsp).add(bank);
    for (const row of OPEN_BANKING_CODE_TABLE) {
      if (row.code === BANK_RSP_CODE.NoSuchTransfer) continue; // an inquiry code, tested below and above
      expect(tested, row.code).toContain(row.code);
    }
  });

  it('never says rejected unless the bank code is a listed refusal', () => {
    const refusals = new Set(['412', '415', '453', '454', '455', '456', '815']);
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...Object.values(RSP_CODE)), fc.string({ maxLength: 6 })),
        fc.option(fc.oneof(fc.constantFrom(...Object.values(BANK_RSP_CODE)), fc.stringMatching(/^\d{3}$/)), {
          nil: undefined,
        }),
        (rsp, bank) => {
          const c = classifyTransferResponse(rsp, bank);
          if (c.kind === 'rejected') {
            expect(['A0000', 'A0002']).toContain(rsp);
            expect(refusals.has(bank ?? '')).toBe(true);
          }
          if (c.kind === 'succeeded') expect([rsp, bank]).toEqual(['A0000', '000']);
        },
      ),
    );
  });
});

describe('classifyInquiryResponse', () => {
  it.each(INQUIRY_EXPECTED)('%s / %s', (rsp, bank, expected) => {
    expect(classifyInquiryResponse(rsp, bank)).toEqual({
      ...expected,
      providerCode: providerCodeOf(rsp, bank),
    });
  });

  it('only 809 means not found', () => {
    fc.assert(
      fc.property(fc.constantFrom('A0000', 'A0002'), fc.stringMatching(/^\d{3}$/), (rsp, bank) => {
        expect(classifyInquiryResponse(rsp, bank).kind === 'not_found').toBe(bank === '809');
      }),
    );
  });
});

describe('classifyQueryResponse', () => {
  it.each([
    ['A0000', { kind: 'ok' }],
    ['O0001', { kind: 'access_denied', denial: 'credentials' }],
    ['O0002', { kind: 'access_denied', denial: 'source_ip' }],
    ['A0001', { kind: 'retryable' }],
    ['A0005', { kind: 'retryable' }],
    ['A0007', { kind: 'retryable' }],
    ['A0003', { kind: 'protocol' }],
    ['Z9999', { kind: 'protocol' }],
  ])('%s', (rsp, expected) => {
    expect(classifyQueryResponse(rsp)).toEqual(expected);
  });
});

describe('code table', () => {
  it('has one row per (field, code) and a message for each', () => {
    const keys = OPEN_BANKING_CODE_TABLE.map((r) => `${r.field}:${r.code}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of OPEN_BANKING_CODE_TABLE) expect(codeMessage(row.field, row.code)).not.toBe('');
    expect(codeMessage('bank_rsp_code', '822')).toBe('거래고유번호 중복');
    expect(codeMessage('rsp_code', 'nope')).toBe('');
  });
});

describe('access denial', () => {
  it('names the address the provider saw', () => {
    const msg = sourceIpRefusedMessage('127.0.0.2');
    expect(seenAddressOf(msg)).toBe('127.0.0.2');
    expect(seenAddressOf(sourceIpRefusedMessage('::1'))).toBe('::1');
    expect(seenAddressOf('허용되지 않은 IP입니다')).toBeUndefined();
    const err = providerAccessDeniedError({ rsp_code: 'O0002', rsp_message: msg });
    expect(err.code).toBe(ErrorCode.ProviderAccessDenied);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('127.0.0.2');
    expect(err.details).toMatchObject({ seenAddress: '127.0.0.2', providerCode: 'O0002' });
  });

  it('reports a credentials refusal as such', () => {
    const err = providerAccessDeniedError({ rsp_code: 'O0001', rsp_message: '인증 실패' });
    expect(err.message).toMatch(/credentials/);
    expect(err.details?.seenAddress).toBeUndefined();
  });
});

describe('date-time formats', () => {
  it('formats and parses KST wall time, whatever the process TZ', () => {
    const t = Date.UTC(2026, 10, 28, 1, 15, 30, 123);
    expect(formatTranDtime(t)).toBe('20261128101530');
    expect(formatApiTranDtm(t)).toBe('20261128101530123');
    expect(parseTranDtime('20261128101530')).toBe(Date.UTC(2026, 10, 28, 1, 15, 30));
    expect(instantOfRow({ tran_date: '20261128', tran_time: '101530' })).toBe(
      Date.UTC(2026, 10, 28, 1, 15, 30),
    );
  });

  it('rolls the business date over at 15:00 UTC', () => {
    expect(businessDateOfTranDtime(formatTranDtime(Date.UTC(2026, 10, 27, 14, 59, 59)))).toBe('20261127');
    expect(businessDateOfTranDtime(formatTranDtime(Date.UTC(2026, 10, 27, 15, 0, 0)))).toBe('20261128');
  });

  it('round-trips every second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (sec) => {
        expect(parseTranDtime(formatTranDtime(sec * 1000))).toBe(sec * 1000);
      }),
    );
  });

  it.each(['2026112810153', '20261301101530', '20260230101530', '20261128241530', '20261128106030', 'x'])(
    'rejects %s',
    (bad) => {
      expect(() => parseTranDtime(bad)).toThrow(/tran_dtime|date/);
    },
  );
});

describe('amounts and accounts', () => {
  it('formats amounts as digits and parses them back strictly', () => {
    expect(formatTranAmt(parseKrw(15000))).toBe('15000');
    expect(parseTranAmt('15000')).toBe(15000);
    expect(() => parseTranAmt('15000.5')).toThrow();
    expect(() => parseTranAmt('-1')).toThrow();
  });

  it('strips dashes from account numbers and masks all but 4 digits', () => {
    expect(toWireAccountNum('110-000-000001')).toBe('110000000001');
    expect(() => toWireAccountNum('110-abc')).toThrow(/6-16 digits/);
    expect(() => toWireAccountNum('1'.repeat(17))).toThrow();
    expect(maskAccountNum('110000000001')).toBe('********0001');
    expect(maskAccountNum('123')).toBe('***');
  });
});

describe('schemas', () => {
  const transfer = {
    bank_tran_id: 'T991234560U000000001',
    tran_dtime: '20261128101530',
    cntr_account_type: 'N',
    cntr_account_num: '100000000001',
    tran_amt: '15000',
    recv_client_bank_code: '088',
    recv_client_account_num: '110000000001',
    recv_client_name: '김테스트',
    print_content: '리밋정산',
  };

  it('accepts a well-formed transfer request', () => {
    expect(transferRequestSchema.parse(transfer)).toEqual(transfer);
  });

  it.each([
    ['bank_tran_id', 'T991234560U00000001'],
    ['bank_tran_id', 't991234560U000000001'],
    ['bank_tran_id', 'T991234560X000000001'],
    ['tran_dtime', '20261128251530'],
    ['tran_amt', '0'],
    ['tran_amt', '015000'],
    ['tran_amt', '15000.5'],
    ['tran_amt', '-15000'],
    ['tran_amt', '1000000000000'],
    ['recv_client_account_num', '110-000-000001'],
    ['recv_client_bank_code', '88'],
    ['recv_client_name', ''],
    ['print_content', '가'.repeat(21)],
    ['cntr_account_type', 'X'],
  ])('rejects %s = %j', (field, value) => {
    const r = transferRequestSchema.safeParse({ ...transfer, [field]: value });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([field]);
  });

  it('accepts an envelope-only transfer answer and a full one', () => {
    const env = {
      api_tran_id: 'BSIM000000000001',
      api_tran_dtm: '20261128101530123',
      rsp_code: 'A0007',
      rsp_message: '처리중입니다',
    };
    expect(transferResponseSchema.parse(env)).toEqual(env);
    const full = {
      ...env,
      rsp_code: 'A0000',
      bank_tran_id: transfer.bank_tran_id,
      bank_tran_date: '20261128',
      bank_code_tran: '088',
      bank_rsp_code: '000',
      bank_rsp_message: '정상',
    };
    expect(transferResponseSchema.parse(full).bank_rsp_code).toBe('000');
    expect(transferResponseSchema.safeParse({ ...full, bank_rsp_code: '00' }).success).toBe(false);
    expect(transferResponseSchema.safeParse({ ...env, api_tran_dtm: '2026' }).success).toBe(false);
  });

  it('keys an inquiry by id, date and amount', () => {
    const q = {
      check_type: '2',
      tran_dtime: '20261128101530',
      org_bank_tran_id: transfer.bank_tran_id,
      org_bank_tran_date: '20261128',
      org_tran_amt: '15000',
    };
    expect(inquiryRequestSchema.parse(q)).toEqual(q);
    expect(inquiryRequestSchema.safeParse({ ...q, org_bank_tran_date: '20261131' }).success).toBe(false);
  });

  it('defaults the listing query to all rows, oldest first, and refuses a reversed window', () => {
    const q = transactionListQuerySchema.parse({
      account_num: '100000000002',
      from_dtime: '20261128100000',
      to_dtime: '20261128101500',
    });
    expect(q).toMatchObject({ inquiry_type: 'A', sort_order: 'A' });
    expect(
      transactionListQuerySchema.safeParse({
        account_num: '100000000002',
        from_dtime: '20261128101500',
        to_dtime: '20261128100000',
      }).success,
    ).toBe(false);
  });

  it('parses statement rows and notice rows', () => {
    const row = {
      tran_date: '20261128',
      tran_time: '101530',
      inout_type: '입금취소',
      tran_type: '이체',
      print_content: '김테스트',
      tran_amt: '15000',
      org_tran_id: 'D1',
    };
    expect(transactionRowSchema.parse(row)).toEqual(row);
    expect(transactionRowSchema.safeParse({ ...row, inout_type: 'deposit' }).success).toBe(false);
    expect(transactionRowSchema.safeParse({ ...row, tran_time: '246000' }).success).toBe(false);
    const notice = {
      org_bank_tran_id: transfer.bank_tran_id,
      org_bank_tran_date: '20261128',
      org_tran_amt: '15000',
      notice_dtime: '20261128110000',
      notice_code: 'RV01',
      notice_message: '사후 불능',
    };
    expect(noticeRowSchema.parse(notice)).toEqual(notice);
  });
});
