import { ErrorCode, RemitError } from '@remit/core';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger, type LogLevel } from './logger.js';

function capture(logLevel: LogLevel = 'DEBUG') {
  const lines: { level: LogLevel; json: Record<string, unknown> }[] = [];
  const logger = new Logger({
    serviceName: 'remit',
    logLevel,
    write: (line, level) => lines.push({ level, json: JSON.parse(line) as Record<string, unknown> }),
  });
  return { logger, lines, json: () => lines.map((l) => l.json) };
}

const context = {
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:111111111111:function:remit',
  memoryLimitInMB: '512',
  functionName: 'remit',
  awsRequestId: 'req-1',
} as Context;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Logger', () => {
  it("prints Powertools' keys, then the call's own", () => {
    const { logger, json } = capture();
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
    );
    logger.info('payout succeeded', { remittanceId: 'rm:ord-1', level: 'not mine' });
    const [line] = json();
    expect(Object.keys(line!)).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'xray_trace_id',
      'remittanceId',
    ]);
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'payout succeeded',
      service: 'remit',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      remittanceId: 'rm:ord-1',
    });
    expect(new Date(line!.timestamp as string).toISOString()).toBe(line!.timestamp);
  });

  it('adds the Lambda context, cold_start only on the first invocation', () => {
    const { logger, json } = capture();
    logger.addContext(context);
    logger.info('first');
    logger.addContext({ ...context, awsRequestId: 'req-2' });
    logger.info('second');
    expect(json()).toMatchObject([
      {
        cold_start: true,
        // Every line is masked, the context too: the 12-digit account id looks like an account number.
        function_arn: 'arn:aws:lambda:ap-northeast-2:********1111:function:remit',
        function_memory_size: '512',
        function_name: 'remit',
        function_request_id: 'req-1',
      },
      { cold_start: false, function_request_id: 'req-2' },
    ]);
  });

  it('drops lines below its level; WARN and above are told apart for stderr', () => {
    const { logger, lines } = capture('WARN');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => [l.level, l.json.message])).toEqual([
      ['WARN', 'w'],
      ['ERROR', 'e'],
    ]);
    const silent = capture('SILENT');
    silent.logger.error('e');
    expect(silent.lines).toEqual([]);
  });

  it('masks account numbers and names by key and by shape', () => {
    const { logger, json } = capture();
    logger.debug('sent to 110-000-000001 for 김테스트', {
      payee: { bankCode: '004', accountNumber: '220-000-000001', holderName: 'Kim Test' },
    });
    expect(json()[0]).toMatchObject({
      message: 'sent to ***-***-**0001 for 김*',
      payee: { bankCode: '004', accountNumber: '***-***-**0001', holderName: 'K*' },
    });
  });

  it('prints errors with their own keys and cause, masked', () => {
    const { logger, json } = capture();
    const cause = new Error('socket hang up at 110-000-000001');
    const error = new RemitError(ErrorCode.Unavailable, 'provider unavailable', { retryable: true, cause });
    logger.error('payout attempt failed', { error });
    const printed = json()[0]!.error as Record<string, unknown>;
    expect(printed).toMatchObject({
      name: 'RemitError',
      message: 'provider unavailable',
      code: ErrorCode.Unavailable,
      retryable: true,
      cause: { name: 'Error', message: 'socket hang up at ***-***-**0001' },
    });
    expect(printed.location).toMatch(/^\S+:\d+$/);
    expect(printed.stack).toContain('RemitError');
  });

  it('survives circular references and bigints instead of throwing from a log call', () => {
    const { logger, json } = capture();
    const response: Record<string, unknown> = { statusCode: 503 };
    response.self = response;
    logger.warn('odd values', { response, big: 10n ** 20n, again: { statusCode: 1 } });
    expect(json()[0]).toMatchObject({
      response: { statusCode: 503 },
      big: '100000000000000000000',
      again: { statusCode: 1 },
    });
    expect((json()[0]!.response as Record<string, unknown>).self).toBeUndefined();
  });
});
