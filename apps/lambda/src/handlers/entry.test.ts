// The Lambda entry files: configuration read once at init, a bad one stops the start naming the
// variable, and clients are built once per execution environment.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const ENV = {
  AWS_REGION: 'ap-northeast-2',
  REMIT_IDEMPOTENCY_TABLE: 'remit-idempotency',
  REMIT_ORDERS_TABLE: 'remit-orders',
  REMIT_SEQUENCES_TABLE: 'remit-sequences',
  REMIT_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/111111111111/remit-payouts.fifo',
  REMIT_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/111111111111/remit-events',
  REMIT_REDIS_URL: 'rediss://127.0.0.1:1',
  REMIT_REDIS_AUTH_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:remit/redis',
  REMIT_PROVIDER_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:remit/provider',
  REMIT_PROVIDER_BASE_URL: 'https://openapi.bank.example',
  REMIT_PAYER_ACCOUNT: '110-000-000900',
  REMIT_INSTITUTION_CODE: 'T991234560',
  REMIT_ACCOUNTS: 'acct-main=110-000-000001',
  POWERTOOLS_SERVICE_NAME: 'remit',
  POWERTOOLS_METRICS_NAMESPACE: 'Remit',
};

beforeEach(() => {
  vi.resetModules();
  for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('handler entry files', () => {
  it('refuse to start with a wrong configuration, naming each variable', async () => {
    vi.stubEnv('REMIT_QUEUE_URL', '');
    vi.stubEnv('REMIT_INSTITUTION_CODE', 'lowercase!');
    const failure = import('./remit.js');
    await expect(failure).rejects.toThrow(/invalid configuration \(2 problems\)/);
    await expect(failure).rejects.toThrow(
      /REMIT_QUEUE_URL is missing; expected the URL of the remittance SQS FIFO queue/,
    );
    await expect(failure).rejects.toThrow(
      /REMIT_INSTITUTION_CODE is invalid .*expected the 10-character institution code/,
    );
  });

  it('export a handler each; a container builds each client once', async () => {
    const [remit, ingest, reconcile] = await Promise.all([
      import('./remit.js'),
      import('./ingest.js'),
      import('./reconcile.js'),
    ]);
    for (const m of [remit, ingest, reconcile]) expect(typeof m.handler).toBe('function');
    const { createRemitContainer, disposeAwsContainer } = await import('../composition.js');
    const { loadAwsConfig } = await import('../config.js');
    const { TOKENS } = await import('../tokens.js');
    const c = createRemitContainer(loadAwsConfig());
    expect(c.resolve(TOKENS.SqsClient)).toBe(c.resolve(TOKENS.SqsClient));
    expect(c.resolve(TOKENS.DynamoDbClient)).toBe(c.resolve(TOKENS.DynamoDbClient));
    expect(c.resolve(TOKENS.ProviderPool)).toBe(c.resolve(TOKENS.ProviderPool));
    expect(c.resolve(TOKENS.RemitUseCase)).toBe(c.resolve(TOKENS.RemitUseCase));
    await disposeAwsContainer(c);
  });

  it("register only their own handler's use case and ports (a function builds nothing of another)", async () => {
    const composition = await import('../composition.js');
    const { loadAwsConfig } = await import('../config.js');
    const { TOKENS } = await import('../tokens.js');
    const config = loadAwsConfig();
    const registered = (c: { isRegistered(token: symbol): boolean }) =>
      Object.entries(TOKENS)
        .filter(([, token]) => c.isRegistered(token))
        .map(([name]) => name);
    const shared = ['Settings', 'Logger', 'Metrics', 'Clock', 'IdempotencyStore', 'RemittanceEvents'];
    const payout = ['SequenceGenerator', 'TransferGateway', 'MessageVisibility'];
    const ingest = ['DepositSource', 'OrderMatcher', 'IngestCheckpointStore', 'RemittanceQueue'];
    const useCases = ['IngestUseCase', 'RemitUseCase', 'ReconcileUseCase'];
    const ports = (c: { isRegistered(token: symbol): boolean }) =>
      registered(c).filter((name) => [...shared, ...payout, ...ingest, ...useCases].includes(name));

    expect(ports(composition.createRemitContainer(config)).sort()).toEqual(
      [...shared, ...payout, 'RemitUseCase'].sort(),
    );
    expect(ports(composition.createReconcileContainer(config)).sort()).toEqual(
      [...shared, ...payout, 'ReconcileUseCase'].sort(),
    );
    expect(ports(composition.createIngestContainer(config)).sort()).toEqual(
      [...shared, ...ingest, 'IngestUseCase'].sort(),
    );
    expect(ports(composition.createAwsContainer(config)).sort()).toEqual(
      [...shared, ...payout, ...ingest, ...useCases].sort(),
    );
  });
});
