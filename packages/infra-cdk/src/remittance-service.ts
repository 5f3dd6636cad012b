import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { idempotencyTable, ordersTable, sequencesTable, type TableSchema } from '@remit/adapters-aws/schema';
import { CfnOutput, Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INTERNET_PORT, queueVisibilityViolations } from './checks.js';
import { defaultHandlerEntries, findRepoRoot } from './repo-paths.js';
import type { StaticEgressNetwork } from './static-egress-network.js';

/** Props of {@link RemittanceService}. */
export interface RemittanceServiceProps {
  /** The network the functions and the cache run in; its NAT Elastic IPs are the egress address. */
  readonly network: StaticEgressNetwork;

  /**
   * Base URL of the transfer provider's API. Must be `https://` on port 443: that is the only
   * way out of the VPC the functions have.
   */
  readonly providerBaseUrl: string;

  /** Institution code the provider assigned: 10 characters of A-Z and 0-9 (prefix of every bank transaction id). */
  readonly institutionCode: string;

  /**
   * The receiving accounts whose deposits are matched: remit's account id (1-64 of
   * `[A-Za-z0-9_.:-]`) to the bank account number (6-20 digits or dashes). Rendered as
   * `REMIT_ACCOUNTS=id=number,id=number`.
   */
  readonly accounts: Readonly<Record<string, string>>;

  /** Our paying (contracted) account number at the provider, 6-20 digits or dashes (`REMIT_PAYER_ACCOUNT`). */
  readonly payerAccount: string;

  /**
   * Secret holding the provider credentials (its JSON shape is defined by `@remit/lambda`).
   *
   * @default - a new secret, retained on stack delete, holding a random placeholder: put the
   * real credentials in it after the first deploy
   */
  readonly providerSecret?: secretsmanager.ISecret;

  /**
   * Handler file of the scheduled deposit ingest (exports `handler`). Relative paths are resolved
   * against `projectRoot`.
   *
   * @default 'apps/lambda/src/handlers/ingest.ts'
   */
  readonly ingestEntry?: string;

  /**
   * Handler file of the SQS remittance consumer (exports `handler`).
   *
   * @default 'apps/lambda/src/handlers/remit.ts'
   */
  readonly remitEntry?: string;

  /**
   * Handler file of the scheduled reconciliation (exports `handler`).
   *
   * @default 'apps/lambda/src/handlers/reconcile.ts'
   */
  readonly reconcileEntry?: string;

  /**
   * Root esbuild bundles from (and where relative entries are resolved).
   *
   * @default - the monorepo root (the directory holding pnpm-workspace.yaml above this package)
   */
  readonly projectRoot?: string;

  /**
   * Lock file identifying the dependency tree to bundle.
   *
   * @default - `pnpm-lock.yaml` in `projectRoot`
   */
  readonly depsLockFilePath?: string;

  /**
   * Timeout of the remit function, for a whole batch: per record one provider transfer (the
   * app's provider timeout defaults to 10 s) and, when its answer is unknown, one inquiry. A
   * batch that runs out of time is retried as a whole; the idempotency records make that safe.
   *
   * @default Duration.seconds(60)
   */
  readonly remitTimeout?: Duration;

  /**
   * Timeout of the ingest function. Keep it below the schedule's period.
   *
   * @default Duration.minutes(2)
   */
  readonly ingestTimeout?: Duration;

  /**
   * Timeout of the reconcile function. Keep it below the schedule's period.
   *
   * @default Duration.minutes(2)
   */
  readonly reconcileTimeout?: Duration;

  /**
   * Visibility timeout of the remittance queue. Synth fails when it is below 6 x `remitTimeout`.
   *
   * @default - 6 x `remitTimeout`
   */
  readonly queueVisibilityTimeout?: Duration;

  /**
   * How often a message is received before it moves to the dead-letter queue.
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Records per remit invocation (a FIFO batch; at most 10).
   *
   * @default 10
   */
  readonly remitBatchSize?: number;

  /**
   * Concurrent remit invocations the SQS event source may run (2..1000): bounds parallel calls
   * to the provider. FIFO ordering still holds per message group.
   *
   * @default 5
   */
  readonly remitMaxConcurrency?: number;

  /**
   * When deposits are ingested.
   *
   * @default events.Schedule.rate(Duration.minutes(5))
   */
  readonly ingestSchedule?: events.Schedule;

  /**
   * When unknown payouts and stale claims are reconciled.
   *
   * @default events.Schedule.rate(Duration.minutes(10))
   */
  readonly reconcileSchedule?: events.Schedule;

  /**
   * Memory of each function, in MiB (CPU scales with it).
   *
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Retention of the functions' logs.
   *
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * `POWERTOOLS_SERVICE_NAME` of the functions, also the `service` dimension of the payout alarms.
   *
   * @default 'remit'
   */
  readonly serviceName?: string;

  /**
   * `POWERTOOLS_METRICS_NAMESPACE` the functions emit their EMF metrics to.
   *
   * @default 'Remit'
   */
  readonly metricsNamespace?: string;

  /**
   * ElastiCache node type of the sequence cache.
   *
   * @default 'cache.t4g.micro'
   */
  readonly cacheNodeType?: string;

  /**
   * Read replicas of the sequence cache (0-5); at least one enables automatic Multi-AZ failover.
   *
   * @default 1
   */
  readonly cacheReplicas?: number;

  /**
   * Age of the oldest queued remittance that raises the alarm.
   *
   * @default Duration.minutes(15) (three ingest cycles)
   */
  readonly oldestMessageAgeAlarm?: Duration;

  /**
   * Action every alarm triggers (for example an SNS topic action).
   *
   * @default - none: the alarms change state but notify nobody
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
}

/** DynamoDB data actions the adapters use (items and transactions; TransactWriteItems is checked per item). */
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * Lambda's Hyperplane ENI management. These EC2 actions do not support resource-level
 * permissions (the Describe calls) or are checked against ENIs that do not exist yet.
 */
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** Bundling shared by the three functions: one ESM file with every dependency, the SDK included. */
function bundlingOptions(): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: 'node24',
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    // Ship the SDK version pinned in the lock file instead of whatever the runtime carries.
    externalModules: [],
    mainFields: ['module', 'main'],
    // CommonJS dependencies (ioredis, ...) `require` Node built-ins; ESM has no `require`.
    banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    // Workspace packages export their TypeScript sources under this condition: no build step
    // has to run before a synth.
    esbuildArgs: { '--conditions': '@remit/source' },
  };
}

/**
 * The remittance pipeline on AWS: the SQS FIFO queue (with a FIFO dead-letter queue) of
 * payouts, the events queue, the DynamoDB tables, the Valkey sequence cache and the three
 * functions (`ingest` every 5 minutes, `remit` on the queue, `reconcile` on a schedule) running
 * in the {@link StaticEgressNetwork}'s private subnets, with least-privilege roles and alarms.
 *
 * Synth fails when the queue's visibility timeout is below 6 x the timeout of a function that
 * consumes it.
 *
 * @example
 * new RemittanceService(stack, 'Remit', {
 *   network,
 *   providerBaseUrl: 'https://openapi.transfer-provider.example',
 *   institutionCode: 'T000000001',
 *   accounts: { 'acct-main': '110-000-000001' },
 *   payerAccount: '110-000-000900',
 * });
 */
export class RemittanceService extends Construct {
  /** Payouts to send (FIFO, one message group per payout ordering key). */
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Outcomes, review cases and rejected (unparseable) records, for the main server and operators. */
  readonly eventsQueue: sqs.Queue;
  readonly eventsDeadLetterQueue: sqs.Queue;
  readonly idempotencyTable: dynamodb.Table;
  readonly ordersTable: dynamodb.Table;
  readonly sequencesTable: dynamodb.Table;
  readonly cache: elasticache.CfnReplicationGroup;
  readonly cacheSecurityGroup: ec2.SecurityGroup;
  /** AUTH token of the cache; its secret string is the token itself. */
  readonly cacheAuthSecret: secretsmanager.Secret;
  readonly providerSecret: secretsmanager.ISecret;
  readonly ingestFunction: nodejs.NodejsFunction;
  readonly remitFunction: nodejs.NodejsFunction;
  readonly reconcileFunction: nodejs.NodejsFunction;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: RemittanceServiceProps) {
    super(scope, id);
    const { network } = props;
    checkProviderUrl(this, props.providerBaseUrl);
    if (!Token.isUnresolved(props.institutionCode) && !/^[A-Z0-9]{10}$/.test(props.institutionCode)) {
      throw new Error(`${this.node.path}: institutionCode must be 10 characters of A-Z and 0-9`);
    }
    const accounts = Object.entries(props.accounts);
    const accountId = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
    const accountNumber = /^[0-9-]{6,20}$/;
    if (accounts.length === 0 || accounts.some(([id, n]) => !accountId.test(id) || !accountNumber.test(n))) {
      throw new Error(
        `${this.node.path}: accounts must map ids (1-64 of [A-Za-z0-9_.:-]) to account numbers (6-20 digits or dashes)`,
      );
    }
    if (!Token.isUnresolved(props.payerAccount) && !accountNumber.test(props.payerAccount)) {
      throw new Error(`${this.node.path}: payerAccount must be 6-20 digits or dashes`);
    }
    const remitTimeout = props.remitTimeout ?? Duration.seconds(60);
    // The remit function reads it too (REMIT_QUEUE_MAX_RECEIVES): a record on its last receive
    // runs even behind a failed record of its group, so it never reaches the DLQ untried.
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`${this.node.path}: maxReceiveCount must be a whole number from 1 to 1000`);
    }
    const serviceName = props.serviceName ?? 'remit';
    const metricsNamespace = props.metricsNamespace ?? 'Remit';

    // --- Queues -------------------------------------------------------------------------------
    this.deadLetterQueue = new sqs.Queue(this, 'RemittanceDeadLetterQueue', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'RemittanceQueue', {
      fifo: true,
      // The adapter passes the remittance id as the deduplication id; bodies may differ.
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.queueVisibilityTimeout ?? Duration.seconds(6 * remitTimeout.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });
    this.eventsDeadLetterQueue = new sqs.Queue(this, 'EventsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.eventsQueue = new sqs.Queue(this, 'EventsQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.eventsDeadLetterQueue, maxReceiveCount: 10 },
    });

    // --- Tables -------------------------------------------------------------------------------
    this.idempotencyTable = tableFromSchema(this, 'IdempotencyTable', idempotencyTable);
    this.ordersTable = tableFromSchema(this, 'OrdersTable', ordersTable);
    this.sequencesTable = tableFromSchema(this, 'SequencesTable', sequencesTable);

    // --- Secrets ------------------------------------------------------------------------------
    if (props.providerSecret) {
      this.providerSecret = props.providerSecret;
    } else {
      const secret = new secretsmanager.Secret(this, 'ProviderSecret', {
        description: 'Transfer provider credentials for remit (replace the placeholder after deploy)',
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The provider issues these credentials through its own portal; they cannot be rotated by a ' +
          'Lambda. Operators replace the value when the provider rotates them.',
      });
      this.providerSecret = secret as unknown as secretsmanager.ISecret; // jsii vs exactOptionalPropertyTypes
    }
    this.cacheAuthSecret = new secretsmanager.Secret(this, 'CacheAuthToken', {
      description: 'AUTH token of the remit sequence cache',
      // ElastiCache tokens are 16-128 printable characters without / " @ or spaces.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.cacheAuthSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating an ElastiCache AUTH token needs the ROTATE/SET strategy on the replication group in ' +
        'step with the secret; not automated yet. The cache is reachable only from the function ' +
        'security group over TLS.',
    });

    // --- Cache --------------------------------------------------------------------------------
    this.cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc: network.vpc,
      description: 'remit sequence cache: reachable from the functions only',
      allowAllOutbound: false,
    });
    const cachePort = 6379;
    // Adds the ingress on the cache group and the matching egress on the function group.
    this.cacheSecurityGroup.connections.allowFrom(
      network.functionSecurityGroup,
      ec2.Port.tcp(cachePort),
      'Valkey (TLS + AUTH) from the functions',
    );
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'CacheSubnetGroup', {
      description: 'remit sequence cache: private subnets',
      subnetIds: network.vpc.selectSubnets(network.functionSubnets).subnetIds,
    });
    const replicas = props.cacheReplicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 5) {
      throw new Error(`${this.node.path}: cacheReplicas must be 0 to 5, got ${replicas}`);
    }
    this.cache = new elasticache.CfnReplicationGroup(this, 'Cache', {
      replicationGroupDescription: 'remit bank transaction sequence numbers',
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType: props.cacheNodeType ?? 'cache.t4g.micro',
      numCacheClusters: replicas + 1,
      automaticFailoverEnabled: replicas > 0,
      multiAzEnabled: replicas > 0,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      // A `{{resolve:secretsmanager:...}}` reference, resolved by CloudFormation at deploy time:
      // the token never appears in the template.
      authToken: this.cacheAuthSecret.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [this.cacheSecurityGroup.securityGroupId],
      port: cachePort,
    });
    // cdk-nag's ElastiCache rules (AEC1-AEC6) only inspect engine 'redis', so they say nothing
    // about this Valkey group: TLS, AUTH, encryption at rest, Multi-AZ and the private subnets
    // are asserted directly in test/service.test.ts.

    // --- Functions ----------------------------------------------------------------------------
    const projectRoot = props.projectRoot ?? findRepoRoot();
    const entry = (given: string | undefined, fallback: string, prop: string): string => {
      const path = given ?? fallback;
      const absolute = isAbsolute(path) ? path : join(projectRoot, path);
      if (!existsSync(absolute)) {
        throw new Error(`${this.node.path}: handler entry ${absolute} does not exist; set ${prop}`);
      }
      return absolute;
    };
    const environment: Record<string, string> = {
      REMIT_IDEMPOTENCY_TABLE: this.idempotencyTable.tableName,
      REMIT_ORDERS_TABLE: this.ordersTable.tableName,
      REMIT_SEQUENCES_TABLE: this.sequencesTable.tableName,
      REMIT_QUEUE_URL: this.queue.queueUrl,
      REMIT_EVENTS_QUEUE_URL: this.eventsQueue.queueUrl,
      REMIT_REDIS_URL: `rediss://${this.cache.attrPrimaryEndPointAddress}:${this.cache.attrPrimaryEndPointPort}`,
      REMIT_REDIS_AUTH_SECRET_ARN: this.cacheAuthSecret.secretArn,
      REMIT_PROVIDER_SECRET_ARN: this.providerSecret.secretArn,
      REMIT_PROVIDER_BASE_URL: props.providerBaseUrl,
      REMIT_INSTITUTION_CODE: props.institutionCode,
      REMIT_ACCOUNTS: accounts.map(([id, n]) => `${id}=${n}`).join(','),
      REMIT_PAYER_ACCOUNT: props.payerAccount,
      REMIT_QUEUE_MAX_RECEIVES: String(maxReceiveCount),
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      // Stack traces in the logs point into the TypeScript sources, not the minified bundle.
      NODE_OPTIONS: '--enable-source-maps',
    };
    const makeFunction = (name: string, handlerEntry: string, timeout: Duration, description: string) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      });
      const role = new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `remit ${name} function`,
        // Inline in the role, not in a separate policy: Lambda checks the ENI permissions when
        // the function is created, before a separate policy would be attached.
        inlinePolicies: {
          Network: new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({ actions: ENI_ACTIONS, resources: ['*'] })],
          }),
          Logs: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                resources: [logGroup.logGroupArn],
              }),
            ],
          }),
        },
      });
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the EC2 network-interface actions Lambda needs to attach the function to the VPC ' +
          '(the same as AWSLambdaVPCAccessExecutionRole); they do not support resource-level ' +
          'permissions. Every data action is scoped to its table, queue or secret.',
      });
      return new nodejs.NodejsFunction(this, name, {
        entry: handlerEntry,
        handler: 'handler',
        description,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: props.memorySize ?? 512,
        timeout,
        vpc: network.vpc,
        vpcSubnets: network.functionSubnets,
        securityGroups: [network.functionSecurityGroup],
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        environment,
        projectRoot,
        depsLockFilePath: props.depsLockFilePath ?? join(projectRoot, 'pnpm-lock.yaml'),
        bundling: bundlingOptions(),
      });
    };

    this.ingestFunction = makeFunction(
      'Ingest',
      entry(props.ingestEntry, defaultHandlerEntries.ingest, 'ingestEntry'),
      props.ingestTimeout ?? Duration.minutes(2),
      'remit: read new deposits, match them to orders, enqueue payouts',
    );
    this.remitFunction = makeFunction(
      'Remit',
      entry(props.remitEntry, defaultHandlerEntries.remit, 'remitEntry'),
      remitTimeout,
      'remit: send payouts from the FIFO queue, exactly once',
    );
    this.reconcileFunction = makeFunction(
      'Reconcile',
      entry(props.reconcileEntry, defaultHandlerEntries.reconcile, 'reconcileEntry'),
      props.reconcileTimeout ?? Duration.minutes(2),
      'remit: resolve unknown payouts and stale claims by inquiry',
    );

    // --- Least privilege ----------------------------------------------------------------------
    // Orders, matches and the per-account ingest checkpoints (`ingest#<account>` items).
    grantTable(this.ingestFunction, this.ordersTable, ordersTable);
    // A deposit cancellation tombstones its payout (`store.cancel`: one conditional Put that returns
    // the old item on failure). Items only: no index, no update or delete of a payout record.
    this.ingestFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.idempotencyTable.tableArn],
      }),
    );
    this.queue.grantSendMessages(this.ingestFunction);
    this.eventsQueue.grantSendMessages(this.ingestFunction);
    // The deposit listing is a provider API call as well.
    this.providerSecret.grantRead(this.ingestFunction);

    grantTable(this.remitFunction, this.idempotencyTable, idempotencyTable);
    grantTable(this.remitFunction, this.sequencesTable, sequencesTable);
    this.eventsQueue.grantSendMessages(this.remitFunction);
    this.providerSecret.grantRead(this.remitFunction);
    this.cacheAuthSecret.grantRead(this.remitFunction);

    grantTable(this.reconcileFunction, this.idempotencyTable, idempotencyTable);
    // A resend after a definite "not found" on a new business date draws a new bank id: the same
    // sequence source as remit (Redis with its auth token, or the DynamoDB counter).
    grantTable(this.reconcileFunction, this.sequencesTable, sequencesTable);
    this.cacheAuthSecret.grantRead(this.reconcileFunction);
    this.eventsQueue.grantSendMessages(this.reconcileFunction);
    this.providerSecret.grantRead(this.reconcileFunction);

    // --- Triggers -----------------------------------------------------------------------------
    const maxConcurrency = props.remitMaxConcurrency ?? 5;
    this.remitFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.remitBatchSize ?? 10,
        // The handler returns the failed ids (and, for FIFO order, every later record of the
        // same group), so one bad record does not re-send the whole batch.
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
    for (const [name, fn, schedule] of [
      [
        'IngestSchedule',
        this.ingestFunction,
        props.ingestSchedule ?? events.Schedule.rate(Duration.minutes(5)),
      ],
      [
        'ReconcileSchedule',
        this.reconcileFunction,
        props.reconcileSchedule ?? events.Schedule.rate(Duration.minutes(10)),
      ],
    ] as const) {
      // A failed run is not retried: the next tick repeats the work (both use cases are
      // idempotent and read an overlapping window), and a retry would only overlap with it.
      fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(5) });
      new events.Rule(this, name, {
        schedule,
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
      });
    }

    // --- Alarms -------------------------------------------------------------------------------
    this.alarms = this.createAlarms({ serviceName, metricsNamespace, ...props });

    this.publish();

    this.node.addValidation({
      validate: () => queueVisibilityViolations(this, this.queue.node.defaultChild as sqs.CfnQueue),
    });
  }

  private createAlarms(
    props: RemittanceServiceProps & { readonly serviceName: string; readonly metricsNamespace: string },
  ): cloudwatch.Alarm[] {
    const period = Duration.minutes(5);
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const payoutMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName,
        dimensionsMap: { service: props.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
    const alarms = [
      new cloudwatch.Alarm(this, 'DeadLetterQueueAlarm', {
        alarmDescription: 'A payout was received too often and moved to the dead-letter queue: inspect it',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: 'Maximum',
        }),
        ...atLeastOne,
      }),
      new cloudwatch.Alarm(this, 'EventsDeadLetterQueueAlarm', {
        alarmDescription: 'An event could not be consumed and moved to the events dead-letter queue',
        metric: this.eventsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: 'Maximum',
        }),
        ...atLeastOne,
      }),
      new cloudwatch.Alarm(this, 'OldestMessageAlarm', {
        alarmDescription: 'Payouts are waiting in the queue: the remit function is failing or throttled',
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        threshold: (props.oldestMessageAgeAlarm ?? Duration.minutes(15)).toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'PayoutUnknownAlarm', {
        alarmDescription: 'A payout outcome is unknown (timeout, 5xx, processing): reconcile will inquire',
        metric: payoutMetric('PayoutUnknown'),
        ...atLeastOne,
      }),
      new cloudwatch.Alarm(this, 'ManualReviewAlarm', {
        alarmDescription: 'A payout or deposit needs a person: see the review case on the events queue',
        metric: payoutMetric('ManualReview'),
        ...atLeastOne,
      }),
      ...(
        [
          ['Ingest', this.ingestFunction],
          ['Remit', this.remitFunction],
          ['Reconcile', this.reconcileFunction],
        ] as const
      ).map(
        ([name, fn]) =>
          new cloudwatch.Alarm(this, `${name}ErrorsAlarm`, {
            alarmDescription: `The ${name.toLowerCase()} function failed`,
            metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
            ...atLeastOne,
          }),
      ),
    ];
    if (props.alarmAction) for (const alarm of alarms) alarm.addAlarmAction(props.alarmAction);
    return alarms;
  }

  private publish(): void {
    new CfnOutput(this, 'EventsQueueUrl', {
      description: 'Outcomes and review cases for the main server',
      value: this.eventsQueue.queueUrl,
    });
    new CfnOutput(this, 'QueueUrl', { description: 'Remittance FIFO queue', value: this.queue.queueUrl });
    new CfnOutput(this, 'ProviderSecretArn', {
      description: 'Put the provider credentials here',
      value: this.providerSecret.secretArn,
    });
  }
}

function checkProviderUrl(scope: Construct, url: string): void {
  if (Token.isUnresolved(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${scope.node.path}: providerBaseUrl ${url} is not a URL`);
  }
  if (parsed.protocol !== 'https:' || (parsed.port !== '' && parsed.port !== String(INTERNET_PORT))) {
    throw new Error(
      `${scope.node.path}: providerBaseUrl must be https on port ${INTERNET_PORT} (the only way out of ` +
        `the VPC), got ${url}`,
    );
  }
}

function tableFromSchema(scope: Construct, id: string, schema: TableSchema): dynamodb.Table {
  const attribute = (a: { readonly name: string; readonly type: 'S' | 'N' }): dynamodb.Attribute => ({
    name: a.name,
    type: a.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  });
  const table = new dynamodb.Table(scope, id, {
    partitionKey: attribute(schema.partitionKey),
    ...(schema.sortKey ? { sortKey: attribute(schema.sortKey) } : {}),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: schema.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of schema.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType:
        index.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
    });
  }
  return table;
}

/** Item actions on the table and on each of its indexes by exact ARN (no `index/*`). */
function grantTable(fn: lambda.IFunction, table: dynamodb.Table, schema: TableSchema): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: TABLE_ACTIONS,
      resources: [
        table.tableArn,
        ...schema.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
      ],
    }),
  );
}
