import { idempotencyTable, ordersTable, sequencesTable, type TableSchema } from '@remit/adapters-aws/schema';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, test } from 'vitest';
import { RemittanceService } from '../src/index.js';
import { fixtureEntry, newApp, removeOutdirs, sampleProps, sampleStack } from './helpers.js';

afterAll(removeOutdirs);

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const stack = sampleStack();
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);

const service = stack.service;
const ids = {
  queue: idOf(service.queue),
  dlq: idOf(service.deadLetterQueue),
  events: idOf(service.eventsQueue),
  eventsDlq: idOf(service.eventsDeadLetterQueue),
  idempotency: idOf(service.idempotencyTable),
  orders: idOf(service.ordersTable),
  sequences: idOf(service.sequencesTable),
  ingest: idOf(service.ingestFunction),
  remit: idOf(service.remitFunction),
  reconcile: idOf(service.reconcileFunction),
  fnSg: idOf(stack.network.functionSecurityGroup),
  cacheSg: idOf(service.cacheSecurityGroup),
};
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

/** Every IAM statement a function's role carries: inline in the role and in attached policies. */
function statementsOf(functionId: string): Statement[] {
  const roleId = (resources[functionId]!.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  const inline = (
    resources[roleId]!.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}
const actionsOn = (functionId: string, resource: unknown): string[] =>
  statementsOf(functionId)
    .filter((s) =>
      ([] as unknown[]).concat(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)),
    )
    .flatMap((s) => ([] as string[]).concat(s.Action))
    .sort();
const indexArn = (tableId: string, index: string) => ({
  'Fn::Join': ['', [arn(tableId), `/index/${index}`]],
});

describe('queues', () => {
  test('remittance queue: FIFO, SSE, id-based dedup, redrive to a FIFO DLQ, visibility 6 x remit timeout', () => {
    expect(resources[ids.queue]!.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 60,
      RedrivePolicy: { deadLetterTargetArn: arn(ids.dlq), maxReceiveCount: 5 },
    });
    expect(resources[ids.dlq]!.Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(resources[ids.remit]!.Properties.Timeout).toBe(60);
  });

  test('events queue: standard, SSE, with a dead-letter queue', () => {
    expect(resources[ids.events]!.Properties.FifoQueue).toBeUndefined();
    expect(resources[ids.events]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: arn(ids.eventsDlq) },
    });
    expect(resources[ids.eventsDlq]!.Properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  test('every queue denies requests without TLS', () => {
    for (const queue of [ids.queue, ids.dlq, ids.events, ids.eventsDlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: arn(queue),
            }),
          ]),
        },
      });
    }
  });
});

describe('tables, from the adapters schema', () => {
  const attributeType = (t: string) => t;
  const cases: [string, TableSchema][] = [
    ['idempotency', idempotencyTable],
    ['orders', ordersTable],
    ['sequences', sequencesTable],
  ];
  test.each(cases)('%s: keys and indexes as in schema.ts', (name, schema) => {
    const table = resources[ids[name as 'orders']]!;
    const key = (pk: { name: string }, sk?: { name: string }) => [
      { AttributeName: pk.name, KeyType: 'HASH' },
      ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' }] : []),
    ];
    expect(table.Properties.KeySchema).toEqual(key(schema.partitionKey, schema.sortKey));
    const declared = [
      schema.partitionKey,
      schema.sortKey,
      ...schema.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]
      .filter((a) => a !== undefined)
      .map((a) => ({ AttributeName: a.name, AttributeType: attributeType(a.type) }));
    expect(table.Properties.AttributeDefinitions).toEqual(expect.arrayContaining(declared));
    expect(table.Properties.AttributeDefinitions).toHaveLength(
      new Set(declared.map((d) => d.AttributeName)).size,
    );
    expect(table.Properties.GlobalSecondaryIndexes ?? []).toEqual(
      schema.globalSecondaryIndexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: key(i.partitionKey, i.sortKey),
        Projection: { ProjectionType: i.projection ?? 'ALL' },
      })),
    );
  });

  test.each(cases)('%s: on demand, TTL, PITR, deletion protection, retained', (name, schema) => {
    const table = resources[ids[name as 'orders']]!;
    expect(table).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: schema.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });
});

describe('cache', () => {
  test('Valkey with TLS, encryption at rest, AUTH from the secret, Multi-AZ failover', () => {
    const secretId = idOf(service.cacheAuthSecret);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
      NumCacheClusters: 2,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      SecurityGroupIds: [{ 'Fn::GetAtt': [ids.cacheSg, 'GroupId'] }],
    });
  });

  test('in the private subnets only', () => {
    const privateSubnets = stack.network.vpc.privateSubnets.map((s) => ({
      Ref: stack.getLogicalId(s.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]),
    }));
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: privateSubnets });
  });

  test('reachable only from the function security group, and only on its port', () => {
    const ingress = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::EC2::SecurityGroupIngress' &&
        JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [ids.cacheSg, 'GroupId'] }),
    );
    expect(ingress.map((r) => r.Properties)).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 6379,
        ToPort: 6379,
        SourceSecurityGroupId: { 'Fn::GetAtt': [ids.fnSg, 'GroupId'] },
      }),
    ]);
    expect(resources[ids.cacheSg]!.Properties.SecurityGroupIngress).toBeUndefined();
  });
});

describe('functions', () => {
  const fnIds = () => [ids.ingest, ids.remit, ids.reconcile];

  test('nodejs24.x on arm64, in the private subnets, with the function security group', () => {
    const privateSubnets = stack.network.vpc.privateSubnets.map((s) => ({
      Ref: stack.getLogicalId(s.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]),
    }));
    for (const id of fnIds()) {
      expect(resources[id]!.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Architectures: ['arm64'],
        VpcConfig: { SubnetIds: privateSubnets, SecurityGroupIds: [{ 'Fn::GetAtt': [ids.fnSg, 'GroupId'] }] },
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
  });

  test('environment: exactly the variables @remit/lambda parses', () => {
    const cacheId = stack.getLogicalId(service.cache);
    for (const id of fnIds()) {
      const variables = (resources[id]!.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(variables).toEqual({
        REMIT_IDEMPOTENCY_TABLE: { Ref: ids.idempotency },
        REMIT_ORDERS_TABLE: { Ref: ids.orders },
        REMIT_SEQUENCES_TABLE: { Ref: ids.sequences },
        REMIT_QUEUE_URL: { Ref: ids.queue },
        REMIT_EVENTS_QUEUE_URL: { Ref: ids.events },
        REMIT_REDIS_URL: {
          'Fn::Join': [
            '',
            [
              'rediss://',
              { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Address'] },
              ':',
              { 'Fn::GetAtt': [cacheId, 'PrimaryEndPoint.Port'] },
            ],
          ],
        },
        REMIT_REDIS_AUTH_SECRET_ARN: { Ref: idOf(service.cacheAuthSecret) },
        REMIT_PROVIDER_SECRET_ARN: {
          Ref: stack.getLogicalId(service.providerSecret.node.defaultChild as never),
        },
        REMIT_PROVIDER_BASE_URL: sampleProps.providerBaseUrl,
        REMIT_INSTITUTION_CODE: sampleProps.institutionCode,
        REMIT_ACCOUNTS: 'acct-main=110-000-000001,acct-2=110-000-000002',
        REMIT_PAYER_ACCOUNT: '110-000-000900',
        REMIT_QUEUE_MAX_RECEIVES: '5',
        POWERTOOLS_SERVICE_NAME: 'remit',
        POWERTOOLS_METRICS_NAMESPACE: 'Remit',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  test('remit consumes the FIFO queue with partial batch responses and a concurrency cap', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arn(ids.queue),
      FunctionName: { Ref: ids.remit },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  test('ingest every 5 minutes, reconcile every 10, failed runs not retried (the next tick repeats them)', () => {
    for (const [fn, rate] of [
      [ids.ingest, 'rate(5 minutes)'],
      [ids.reconcile, 'rate(10 minutes)'],
    ] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: rate,
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: arn(fn) })],
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fn },
        MaximumRetryAttempts: 0,
      });
    }
    template.resourceCountIs('AWS::Events::Rule', 2);
  });
});

describe('least privilege', () => {
  test('no DynamoDB, SQS or Secrets Manager action on a wildcard resource', () => {
    const dataStatements = Object.values(resources)
      .flatMap((r) => {
        if (r.Type === 'AWS::IAM::Policy')
          return (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
        if (r.Type === 'AWS::IAM::Role') {
          return ((r.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
            (p) => p.PolicyDocument.Statement,
          );
        }
        return [];
      })
      .filter((s) =>
        ([] as string[]).concat(s.Action).some((a) => /^(dynamodb|sqs|secretsmanager|kms):/.test(a)),
      );
    expect(dataStatements.length).toBeGreaterThan(5);
    for (const statement of dataStatements) {
      expect(JSON.stringify(statement.Resource), JSON.stringify(statement)).not.toContain('*');
    }
  });

  test('remit: idempotency (+ index) and sequences tables, consumes the queue, sends events, reads both secrets', () => {
    expect(actionsOn(ids.remit, arn(ids.idempotency))).toContain('dynamodb:PutItem');
    expect(actionsOn(ids.remit, indexArn(ids.idempotency, 'open-by-status'))).toContain('dynamodb:Query');
    expect(actionsOn(ids.remit, arn(ids.sequences))).toContain('dynamodb:UpdateItem');
    expect(actionsOn(ids.remit, arn(ids.orders))).toEqual([]);
    expect(actionsOn(ids.remit, arn(ids.queue))).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actionsOn(ids.remit, arn(ids.queue))).not.toContain('sqs:SendMessage');
    expect(actionsOn(ids.remit, arn(ids.events))).toContain('sqs:SendMessage');
    expect(actionsOn(ids.remit, { Ref: idOf(service.cacheAuthSecret) })).toContain(
      'secretsmanager:GetSecretValue',
    );
  });

  test('ingest: orders table (+ index, checkpoints), tombstones payouts, sends payouts and events; no sequences', () => {
    expect(actionsOn(ids.ingest, arn(ids.orders))).toContain('dynamodb:Query');
    // The ingest checkpoint: a strongly consistent Get and a conditional Update of `ingest#<account>`.
    expect(actionsOn(ids.ingest, arn(ids.orders))).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']),
    );
    expect(actionsOn(ids.ingest, indexArn(ids.orders, 'pending-by-name'))).toContain('dynamodb:Query');
    // A deposit cancellation writes a tombstone (`store.cancel`): item read/write, nothing more.
    expect(actionsOn(ids.ingest, arn(ids.idempotency))).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    for (const index of idempotencyTable.globalSecondaryIndexes) {
      expect(actionsOn(ids.ingest, indexArn(ids.idempotency, index.indexName))).toEqual([]);
    }
    expect(actionsOn(ids.ingest, arn(ids.sequences))).toEqual([]);
    expect(actionsOn(ids.ingest, arn(ids.queue))).toContain('sqs:SendMessage');
    expect(actionsOn(ids.ingest, arn(ids.queue))).not.toContain('sqs:ReceiveMessage');
    expect(actionsOn(ids.ingest, arn(ids.events))).toContain('sqs:SendMessage');
    expect(actionsOn(ids.ingest, { Ref: idOf(service.cacheAuthSecret) })).toEqual([]);
  });

  test('reconcile: idempotency (+ index) and sequences tables, sends events, reads both secrets; no orders or queue', () => {
    expect(actionsOn(ids.reconcile, arn(ids.idempotency))).toContain('dynamodb:UpdateItem');
    expect(actionsOn(ids.reconcile, indexArn(ids.idempotency, 'open-by-status'))).toContain('dynamodb:Query');
    // A resend on a new business date draws a new bank id: the DynamoDB counter, or Redis with its token.
    expect(actionsOn(ids.reconcile, arn(ids.sequences))).toContain('dynamodb:UpdateItem');
    expect(actionsOn(ids.reconcile, { Ref: idOf(service.cacheAuthSecret) })).toContain(
      'secretsmanager:GetSecretValue',
    );
    expect(actionsOn(ids.reconcile, arn(ids.orders))).toEqual([]);
    expect(actionsOn(ids.reconcile, arn(ids.queue))).toEqual([]);
    expect(actionsOn(ids.reconcile, arn(ids.events))).toContain('sqs:SendMessage');
    expect(
      actionsOn(ids.reconcile, {
        Ref: stack.getLogicalId(service.providerSecret.node.defaultChild as never),
      }),
    ).toContain('secretsmanager:GetSecretValue');
  });

  test('logs go only to the function’s own log group', () => {
    for (const fn of [ids.ingest, ids.remit, ids.reconcile]) {
      const group = (resources[fn]!.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(actionsOn(fn, arn(group))).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(resources[group]!.Properties.RetentionInDays).toBe(90);
    }
  });
});

describe('alarms', () => {
  const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const alarmOn = (props: Record<string, unknown>) =>
    alarms.filter((a) => Match.objectLike(props).test(a.Properties).isSuccess);

  test('dead-letter queue depth (payouts and events)', () => {
    for (const queue of [ids.dlq, ids.eventsDlq]) {
      const matching = alarmOn({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(matching).toHaveLength(1);
    }
  });

  test('age of the oldest queued payout', () => {
    expect(
      alarmOn({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
        Threshold: 900,
      }),
    ).toHaveLength(1);
  });

  test('unknown payouts and manual reviews, on the EMF metrics the app emits', () => {
    for (const metric of ['PayoutUnknown', 'ManualReview']) {
      expect(
        alarmOn({
          Namespace: 'Remit',
          MetricName: metric,
          Dimensions: [{ Name: 'service', Value: 'remit' }],
          Statistic: 'Sum',
          Threshold: 1,
          TreatMissingData: 'notBreaching',
        }),
      ).toHaveLength(1);
    }
  });

  test('errors of each function', () => {
    for (const fn of [ids.ingest, ids.remit, ids.reconcile]) {
      expect(
        alarmOn({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
        }),
      ).toHaveLength(1);
    }
  });
});

describe('props', () => {
  const build = (overrides: Partial<ConstructorParameters<typeof RemittanceService>[2]>) => {
    const app = newApp();
    const s = sampleStack(app);
    return new RemittanceService(s, 'Second', {
      network: s.network,
      providerBaseUrl: sampleProps.providerBaseUrl,
      institutionCode: sampleProps.institutionCode,
      accounts: sampleProps.accounts,
      payerAccount: sampleProps.payerAccount,
      ingestEntry: fixtureEntry,
      remitEntry: fixtureEntry,
      reconcileEntry: fixtureEntry,
      ...overrides,
    });
  };

  test('the provider must be HTTPS on 443, the only way out of the VPC', () => {
    expect(() => build({ providerBaseUrl: 'http://openapi.transfer-provider.example' })).toThrow(
      /https on port 443/,
    );
    expect(() => build({ providerBaseUrl: 'https://openapi.transfer-provider.example:8443' })).toThrow(
      /port 443/,
    );
  });

  test('institution code and accounts are checked like the Lambda app parses them', () => {
    expect(() => build({ institutionCode: 't0001' })).toThrow(/institutionCode/);
    expect(() => build({ accounts: {} })).toThrow(/accounts/);
    expect(() => build({ accounts: { 'acct,main': '110-000-000001' } })).toThrow(/accounts/);
    expect(() => build({ accounts: { 'acct-main': '110 000 000001' } })).toThrow(/accounts/);
    expect(() => build({ payerAccount: 'payer' })).toThrow(/payerAccount/);
  });

  test('maxReceiveCount drives both the redrive policy and REMIT_QUEUE_MAX_RECEIVES', () => {
    const second = build({ maxReceiveCount: 8 });
    const t = Template.fromStack(second.node.scope as never);
    t.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 8 }),
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REMIT_QUEUE_MAX_RECEIVES: '8' }) },
    });
    expect(() => build({ maxReceiveCount: 0 })).toThrow(/maxReceiveCount/);
    expect(() => build({ maxReceiveCount: 1001 })).toThrow(/maxReceiveCount/);
  });

  test('a missing handler entry names the prop to set', () => {
    expect(() => build({ remitEntry: '/nonexistent/remit.ts' })).toThrow(/remitEntry/);
  });

  test('service name and metrics namespace flow to the environment and the alarms', () => {
    const second = build({ serviceName: 'remit-kr', metricsNamespace: 'Payments' });
    const t = Template.fromStack(second.node.scope as never);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Payments',
      MetricName: 'PayoutUnknown',
      Dimensions: [{ Name: 'service', Value: 'remit-kr' }],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'remit-kr',
          POWERTOOLS_METRICS_NAMESPACE: 'Payments',
        }),
      },
    });
  });

  test('an explicit visibility timeout and other knobs are honoured', () => {
    const second = build({ remitTimeout: Duration.seconds(20), remitMaxConcurrency: 2, remitBatchSize: 5 });
    const t = Template.fromStack(second.node.scope as never);
    t.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, VisibilityTimeout: 120 });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });
});
