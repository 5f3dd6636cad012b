import { ErrorCode, RemitError } from '@remit/core';
import { describe, expect, it } from 'vitest';
import { parseAwsConfig, parseSettings, worstCaseProviderCallMs } from './config.js';

const ARN = 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:remit/provider-AbCdEf';

const validEnv = {
  REMIT_IDEMPOTENCY_TABLE: 'remit-idempotency',
  REMIT_ORDERS_TABLE: 'remit-orders',
  REMIT_SEQUENCES_TABLE: 'remit-sequences',
  REMIT_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/111111111111/remit-payouts.fifo',
  REMIT_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/111111111111/remit-events',
  REMIT_REDIS_URL: 'rediss://master.remit.cache.amazonaws.com:6379',
  REMIT_REDIS_AUTH_SECRET_ARN: `${ARN}-redis`,
  REMIT_PROVIDER_SECRET_ARN: ARN,
  REMIT_PROVIDER_BASE_URL: 'https://openapi.bank.example',
  REMIT_INSTITUTION_CODE: 'T991234560',
  REMIT_ACCOUNTS: 'acct-main=110-000-000001,acct-2=110-000-000002',
  REMIT_PAYER_ACCOUNT: '110-000-000900',
  POWERTOOLS_SERVICE_NAME: 'remit',
  POWERTOOLS_METRICS_NAMESPACE: 'RemitProd',
};

function configErrorOf(env: Record<string, string | undefined>): RemitError {
  try {
    parseAwsConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(RemitError);
    expect((err as RemitError).code).toBe(ErrorCode.InvalidConfig);
    return err as RemitError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('parseAwsConfig', () => {
  it('reads every variable infra sets', () => {
    const config = parseAwsConfig(validEnv);
    expect(config.tables).toEqual({
      idempotency: 'remit-idempotency',
      orders: 'remit-orders',
      sequences: 'remit-sequences',
    });
    expect(config.queueUrl).toBe(validEnv.REMIT_QUEUE_URL);
    expect(config.redis).toEqual({ url: validEnv.REMIT_REDIS_URL, authSecretArn: `${ARN}-redis` });
    expect(config.provider.secretArn).toBe(ARN);
    expect(config.settings.institution).toBe('T991234560');
    expect(config.settings.accounts.map((a) => a.id)).toEqual(['acct-main', 'acct-2']);
    expect(config.settings.ingest.accounts).toEqual(['acct-main', 'acct-2']);
    expect(config.provider.accountNumbers).toEqual({
      'acct-main': '110-000-000001',
      'acct-2': '110-000-000002',
    });
    expect(config.provider.payerAccountNumber).toBe('110-000-000900');
    expect(config.settings.metricsNamespace).toBe('RemitProd');
  });

  it('applies defaults to the business knobs', () => {
    const { settings } = parseAwsConfig(validEnv);
    expect(settings.remit.format.name).toBe('open-banking');
    expect(settings.remit.maintenance).toEqual({ startMinuteKst: 23 * 60 + 30, endMinuteKst: 30 });
    expect(settings.ingest.windowMs).toBe(15 * 60_000);
    expect(settings.ingest.maxLookbackMs).toBe(3 * 24 * 60 * 60_000);
    expect(settings.ingest.policy).toEqual({ nameBudgetBytes: 12, overpayment: 'match_and_owe' });
    expect(settings.ingest.fees).toEqual({ kind: 'flat', feeKrw: 0 });
  });

  it('defaults the metrics namespace to Remit', () => {
    const { POWERTOOLS_METRICS_NAMESPACE: _, ...env } = validEnv;
    expect(parseAwsConfig(env).settings.metricsNamespace).toBe('Remit');
  });

  it('uses the DynamoDB sequence counter when Redis is not configured', () => {
    const { REMIT_REDIS_URL: _a, REMIT_REDIS_AUTH_SECRET_ARN: _b, ...env } = validEnv;
    expect(parseAwsConfig(env).redis).toBeUndefined();
  });

  it('accepts accounts as a JSON object and fees as a rate', () => {
    const { provider, settings } = parseAwsConfig({
      ...validEnv,
      REMIT_ACCOUNTS: '{"acct-a":"1100000000001","acct-b":"1100000000002"}',
      REMIT_FEE: 'rate:250',
    });
    expect(provider.accountNumbers).toEqual({ 'acct-a': '1100000000001', 'acct-b': '1100000000002' });
    expect(settings.ingest.fees).toEqual({ kind: 'rate', basisPoints: 250 });
  });

  it('names a missing variable and what was expected', () => {
    const { REMIT_QUEUE_URL: _, ...env } = validEnv;
    const err = configErrorOf(env);
    expect(err.message).toMatch(
      /REMIT_QUEUE_URL is missing; expected the URL of the remittance SQS FIFO queue/,
    );
  });

  it('lists every problem in one message', () => {
    const err = configErrorOf({
      ...validEnv,
      REMIT_ORDERS_TABLE: undefined,
      REMIT_QUEUE_URL: 'https://sqs.example/remit-payouts',
      REMIT_INSTITUTION_CODE: 'short',
      REMIT_FEE: 'percent:3',
      REMIT_LEASE_MS: '10.5',
    });
    expect(err.message).toContain('5 problems');
    expect(err.message).toMatch(/REMIT_ORDERS_TABLE is missing/);
    expect(err.message).toMatch(/REMIT_QUEUE_URL is invalid \(not a FIFO queue/);
    expect(err.message).toMatch(
      /REMIT_INSTITUTION_CODE is invalid .*expected the 10-character institution code/,
    );
    expect(err.message).toMatch(/REMIT_FEE is invalid .*expected "flat:<won>" or "rate:<basis points>"/);
    expect(err.message).toMatch(/REMIT_LEASE_MS is invalid \(not a whole number\)/);
  });

  it('rejects an out-of-range number and a bad ARN', () => {
    const err = configErrorOf({
      ...validEnv,
      REMIT_LEASE_MS: '100',
      REMIT_PROVIDER_SECRET_ARN: 'provider-secret',
    });
    // zod's own wording: zod/mini has no locale until one is configured ("Invalid input" otherwise).
    expect(err.message).toMatch(/REMIT_LEASE_MS is invalid \(Too small: expected number to be >=5000\)/);
    expect(err.message).toMatch(/REMIT_PROVIDER_SECRET_ARN is invalid \(not a secret ARN\)/);
  });

  it('refuses a lease that does not outlast one provider call, naming both variables', () => {
    // Defaults: lease 60 s, provider timeout 10 s -> worst case 2 x (3 + 10 + 10) s + 5 s = 51 s.
    expect(worstCaseProviderCallMs(10_000)).toBe(51_000);
    expect(parseAwsConfig(validEnv).settings.remit.leaseMs).toBe(60_000);
    expect(parseAwsConfig({ ...validEnv, REMIT_LEASE_MS: '51001' }).settings.remit.leaseMs).toBe(51_001);
    for (const env of [
      { REMIT_LEASE_MS: '51000' },
      { REMIT_PROVIDER_TIMEOUT_MS: '30000' },
      { REMIT_LEASE_MS: '20000', REMIT_PROVIDER_TIMEOUT_MS: '10000' },
    ]) {
      const err = configErrorOf({ ...validEnv, ...env });
      expect(err.message).toContain('1 problem');
      expect(err.message).toMatch(/REMIT_LEASE_MS is too short for REMIT_PROVIDER_TIMEOUT_MS/);
    }
    // A short provider timeout: connect is min(3 s, timeout) -> 2 x (1 + 1 + 1) s + 5 s = 11 s.
    expect(worstCaseProviderCallMs(1_000)).toBe(11_000);
    expect(
      parseAwsConfig({ ...validEnv, REMIT_LEASE_MS: '11001', REMIT_PROVIDER_TIMEOUT_MS: '1000' }).settings
        .remit.leaseMs,
    ).toBe(11_001);
  });

  it('reads the queue redrive limit (default 5, 1-1000)', () => {
    expect(parseAwsConfig(validEnv).settings.queueMaxReceives).toBe(5);
    expect(parseAwsConfig({ ...validEnv, REMIT_QUEUE_MAX_RECEIVES: '8' }).settings.queueMaxReceives).toBe(8);
    for (const bad of ['0', '1001', '2.5', 'five']) {
      expect(configErrorOf({ ...validEnv, REMIT_QUEUE_MAX_RECEIVES: bad }).message).toMatch(
        /REMIT_QUEUE_MAX_RECEIVES is invalid/,
      );
    }
  });

  it('never echoes a value back (a Redis URL may carry a password)', () => {
    const err = configErrorOf({ ...validEnv, REMIT_REDIS_URL: 'http://:hunter2-password@cache:6379' });
    expect(err.message).toMatch(/REMIT_REDIS_URL is invalid/);
    expect(err.message).not.toContain('hunter2');
  });

  it('refuses a Redis auth secret without a Redis URL', () => {
    const { REMIT_REDIS_URL: _, ...env } = validEnv;
    expect(configErrorOf(env).message).toMatch(
      /REMIT_REDIS_AUTH_SECRET_ARN is set but REMIT_REDIS_URL is missing/,
    );
  });

  it('refuses a duplicate account', () => {
    expect(
      configErrorOf({ ...validEnv, REMIT_ACCOUNTS: 'acct-a=1100000001,acct-a=1100000002' }).message,
    ).toMatch(/REMIT_ACCOUNTS is invalid \(an account is listed twice\)/);
  });

  it('needs the account numbers in AWS (the provider reads statements by number)', () => {
    expect(configErrorOf({ ...validEnv, REMIT_ACCOUNTS: 'acct-a,acct-b=1100000002' }).message).toMatch(
      /REMIT_ACCOUNTS is invalid \(no account number for acct-a\)/,
    );
  });
});

describe('parseSettings', () => {
  it('needs only the institution code and the accounts', () => {
    const settings = parseSettings({ REMIT_INSTITUTION_CODE: 'T991234560', REMIT_ACCOUNTS: 'acct-main' });
    expect(settings.serviceName).toBe('remit');
    expect(settings.accounts).toEqual([{ id: 'acct-main', accountNumber: undefined }]);
    expect(settings.remit.retryAfterMs).toBe(60_000);
  });

  it("reads the log level: Lambda's application level wins, then POWERTOOLS_LOG_LEVEL, then INFO", () => {
    const base = { REMIT_INSTITUTION_CODE: 'T991234560', REMIT_ACCOUNTS: 'acct-main' };
    expect(parseSettings(base).logLevel).toBe('INFO');
    expect(parseSettings({ ...base, POWERTOOLS_LOG_LEVEL: 'debug' }).logLevel).toBe('DEBUG');
    expect(
      parseSettings({ ...base, POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'WARN' }).logLevel,
    ).toBe('WARN');
    expect(parseSettings({ ...base, AWS_LAMBDA_LOG_LEVEL: 'FATAL' }).logLevel).toBe('CRITICAL');
    expect(() => parseSettings({ ...base, POWERTOOLS_LOG_LEVEL: 'LOUD' })).toThrow(
      /POWERTOOLS_LOG_LEVEL is invalid .*expected a log level: TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT/,
    );
  });

  it('parses a firm-banking format and a maintenance window', () => {
    const settings = parseSettings({
      REMIT_INSTITUTION_CODE: 'T991234560',
      REMIT_ACCOUNTS: 'acct-main',
      REMIT_TRAN_ID_FORMAT: 'firm-banking',
      REMIT_MAINTENANCE_WINDOW: '23:50-00:10',
    });
    expect(settings.remit.format.name).toBe('firm-banking');
    expect(settings.remit.maintenance).toEqual({ startMinuteKst: 23 * 60 + 50, endMinuteKst: 10 });
  });

  it('reads the ingest lookback, and refuses one shorter than two windows', () => {
    const base = { REMIT_INSTITUTION_CODE: 'T991234560', REMIT_ACCOUNTS: 'acct-main' };
    expect(parseSettings({ ...base, REMIT_INGEST_MAX_LOOKBACK_MS: '86400000' }).ingest.maxLookbackMs).toBe(
      86_400_000,
    );
    expect(() => parseSettings({ ...base, REMIT_INGEST_MAX_LOOKBACK_MS: '60000' })).toThrow(
      /REMIT_INGEST_MAX_LOOKBACK_MS is invalid/,
    );
    expect(() =>
      parseSettings({ ...base, REMIT_INGEST_WINDOW_MS: '86400000', REMIT_INGEST_MAX_LOOKBACK_MS: '3600000' }),
    ).toThrow(/REMIT_INGEST_MAX_LOOKBACK_MS is less than twice REMIT_INGEST_WINDOW_MS/);
  });
});
