/**
 * One worker process of the kill test: the real composition root and the real handler of one role,
 * driven the way Lambda drives it, until the parent SIGKILLs it.
 *
 *   KILL_ROLE=remit      receive up to 10 messages from the FIFO queue (long poll 1 s), hand them
 *                        to RemitHandler as an SQS event, delete what it did not report as failed
 *                        (Lambda's event source mapping with ReportBatchItemFailures)
 *   KILL_ROLE=ingest     IngestHandler every KILL_INTERVAL_MS (EventBridge schedule)
 *   KILL_ROLE=reconcile  ReconcileHandler every KILL_INTERVAL_MS
 *
 * Configuration is the Lambda environment (parsed by `parseAwsConfig`), pointed at the local
 * servers; the provider token comes from KILL_PROVIDER_TOKEN instead of Secrets Manager. Each
 * handler run prints one JSON line on stdout for the parent.
 */
import '@abraham/reflection';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsContainer } from '../composition.js';
import { parseAwsConfig } from '../config.js';
import { IngestHandler } from '../handlers/ingest-handler.js';
import { ReconcileHandler } from '../handlers/reconcile-handler.js';
import { RemitHandler } from '../handlers/remit-handler.js';
import { RecordingMetrics } from '../observability/telemetry.js';
import { staticSecrets } from '../secrets.js';

/** Any credentials do for the local servers; never the machine's own. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

const role = process.env.KILL_ROLE;
const intervalMs = Number(process.env.KILL_INTERVAL_MS ?? '500');
const config = parseAwsConfig(process.env);
const container = createAwsContainer(config, {
  credentials: LOCAL_CREDENTIALS,
  secrets: staticSecrets({
    [config.provider.secretArn]: JSON.stringify({ accessToken: process.env.KILL_PROVIDER_TOKEN ?? '' }),
  }),
  logLevel: 'SILENT',
  metrics: new RecordingMetrics(),
  // The parent's prefix: one Redis counter per run, shared by every worker (and the parent).
  ...(process.env.KILL_REDIS_PREFIX === undefined ? {} : { redisKeyPrefix: process.env.KILL_REDIS_PREFIX }),
});

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ role, ...line })}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function toRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? '0',
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '0',
      ...(a.MessageGroupId === undefined ? {} : { MessageGroupId: a.MessageGroupId }),
      ...(a.MessageDeduplicationId === undefined ? {} : { MessageDeduplicationId: a.MessageDeduplicationId }),
      ...(a.SequenceNumber === undefined ? {} : { SequenceNumber: a.SequenceNumber }),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: config.region ?? 'us-east-1',
  };
}

async function remitLoop(): Promise<void> {
  const handler = container.resolve(RemitHandler).handle;
  const sqs = new SQSClient({
    region: config.region ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    ...(config.endpoints.sqs === undefined ? {} : { endpoint: config.endpoints.sqs }),
  });
  const queueArn = `arn:aws:sqs:${config.region ?? 'us-east-1'}:000000000000:payouts.fifo`;
  for (;;) {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: config.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = got.Messages ?? [];
    if (messages.length === 0) continue;
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, queueArn)) };
    const response = await handler(event);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    const acked = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (acked.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: config.queueUrl,
          Entries: acked.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    say({ received: messages.length, acked: acked.length, failed: failed.size });
  }
}

async function scheduledLoop(run: () => Promise<unknown>): Promise<void> {
  for (;;) {
    try {
      say({ report: await run() });
    } catch (err) {
      // Lambda would record a failed invocation; the next schedule repairs it.
      say({ error: err instanceof Error ? err.message : String(err) });
    }
    await sleep(intervalMs);
  }
}

switch (role) {
  case 'remit':
    await remitLoop();
    break;
  case 'ingest': {
    const ingest = container.resolve(IngestHandler).handle;
    await scheduledLoop(() => ingest({}));
    break;
  }
  case 'reconcile': {
    const reconcile = container.resolve(ReconcileHandler).handle;
    await scheduledLoop(() => reconcile({}));
    break;
  }
  default:
    process.stderr.write(`KILL_ROLE must be remit, ingest or reconcile, got ${String(role)}\n`);
    process.exit(2);
}
