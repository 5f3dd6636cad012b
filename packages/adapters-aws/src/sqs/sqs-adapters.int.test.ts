// Targeted behaviour of the SQS adapters against fauxqs: strict about queue kinds where fauxqs is
// lenient, and never silently dropping a message of a partly failed batch.
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { isRemitError, parseRemittanceMessage, remittanceGroupId } from '@remit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqsClient, localEnv, uniqueName } from '../local-servers/vitest.js';
import { message } from '../test-support/fixtures.js';
import type { SqsClient } from './queue-client.js';
import { SqsRemittanceEvents } from './remittance-events.js';
import { SqsRemittanceQueue } from './remittance-queue.js';

const sqs = createSqsClient(localEnv().sqs);
afterAll(() => sqs.destroy());

async function queue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
}

async function receiveAll(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let empty = 0; empty < 3; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    const got = out.Messages ?? [];
    empty = got.length === 0 ? empty + 1 : 0;
    bodies.push(...got.map((m) => m.Body!));
  }
  return bodies;
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('SqsRemittanceQueue', () => {
  it('refuses a FIFO queue whose dead-letter queue is standard (fauxqs accepts one; AWS does not)', async () => {
    const dlq = await queue(uniqueName('std-dlq'));
    const arn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;
    const url = await queue(`${uniqueName('mixed')}.fifo`, {
      FifoQueue: 'true',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 }),
    });
    const err = await errorOf(
      new SqsRemittanceQueue({ client: sqs, queueUrl: url }).enqueue({ messages: [message('q-1')] }),
    );
    expect(isRemitError(err) && err.code).toBe('INVALID_CONFIG');
    expect((err as Error).message).toContain('dead-letter queue must be FIFO');
  });

  it('refuses a standard queue', async () => {
    const url = await queue(uniqueName('std'));
    const err = await errorOf(
      new SqsRemittanceQueue({ client: sqs, queueUrl: url }).enqueue({ messages: [message('q-2')] }),
    );
    expect(isRemitError(err) && err.code).toBe('INVALID_CONFIG');
  });

  it('refuses content-based de-duplication unless told to expect it', async () => {
    const url = await queue(`${uniqueName('cbd')}.fifo`, {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    const strict = new SqsRemittanceQueue({ client: sqs, queueUrl: url });
    expect(isRemitError(await errorOf(strict.verify()))).toBe(true);
    const lenient = new SqsRemittanceQueue({
      client: sqs,
      queueUrl: url,
      expectContentBasedDeduplication: true,
    });
    await lenient.verify();
  });

  it('groups by a digest of the payee account by default, never the account number itself', async () => {
    const url = await queue(`${uniqueName('grp')}.fifo`, { FifoQueue: 'true' });
    const m = message('q-grp');
    await new SqsRemittanceQueue({ client: sqs, queueUrl: url }).enqueue({ messages: [m] });
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const group = out.Messages?.[0]?.Attributes?.MessageGroupId;
    expect(group).toBe(remittanceGroupId(m));
    expect(group).not.toContain('000001');
  });

  it('groups a batch by remittanceGroupId by default too (SendMessageBatch, one group per payee)', async () => {
    const url = await queue(`${uniqueName('grp-batch')}.fifo`, { FifoQueue: 'true' });
    const payee = (accountNumber: string) => ({ ...message('x').payee, accountNumber });
    const sent = [
      message('q-grp-1'),
      message('q-grp-2', { payee: payee('110-000-000002') }),
      message('q-grp-3', { payee: payee('110-000-000003') }),
    ];
    expect(new Set(sent.map(remittanceGroupId)).size).toBe(3);
    await new SqsRemittanceQueue({ client: sqs, queueUrl: url }).enqueue({ messages: sent });
    const got = new Map<string, string | undefined>();
    for (let empty = 0; empty < 3 && got.size < sent.length; ) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          MessageSystemAttributeNames: ['MessageGroupId'],
        }),
      );
      const messages = out.Messages ?? [];
      empty = messages.length === 0 ? empty + 1 : 0;
      for (const m of messages)
        got.set(parseRemittanceMessage(m.Body).remittanceId, m.Attributes?.MessageGroupId);
    }
    expect(got).toEqual(new Map(sent.map((m) => [m.remittanceId, remittanceGroupId(m)])));
  });

  it('sends a custom group id and the remittance id as de-duplication id', async () => {
    const url = await queue(`${uniqueName('ids')}.fifo`, { FifoQueue: 'true' });
    const q = new SqsRemittanceQueue({
      client: sqs,
      queueUrl: url,
      groupIdOf: (m) => `seller-${m.sellerId}`,
    });
    const m = message('q-ids');
    await q.enqueue({ messages: [m] });
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const got = out.Messages?.[0];
    expect(got?.Attributes?.MessageGroupId).toBe('seller-seller-01');
    expect(got?.Attributes?.MessageDeduplicationId).toBe(m.remittanceId);
    expect(parseRemittanceMessage(got?.Body)).toEqual(m);
  });

  it('resends the entries SQS failed on its side; none is dropped, none doubled', async () => {
    const url = await queue(`${uniqueName('partial')}.fifo`, { FifoQueue: 'true' });
    let calls = 0;
    // Fault hook on the narrow client: the first batch call "fails" two entries server-side.
    const flaky: SqsClient = {
      send: (async (command: unknown) => {
        if (command instanceof SendMessageBatchCommand && calls++ === 0) {
          const entries = command.input.Entries ?? [];
          const failed = entries.filter((_, i) => i === 1 || i === 3);
          const rest = entries.filter((_, i) => i !== 1 && i !== 3);
          const out = (await sqs.send(
            new SendMessageBatchCommand({ ...command.input, Entries: rest }),
          )) as SendMessageBatchCommandOutput;
          return {
            ...out,
            Failed: failed.map((e) => ({
              Id: e.Id!,
              SenderFault: false,
              Code: 'InternalError',
              Message: 'injected',
            })),
          };
        }
        return sqs.send(command as never);
      }) as SqsClient['send'],
    };
    const q = new SqsRemittanceQueue({ client: flaky, queueUrl: url });
    const batch = Array.from({ length: 12 }, (_, i) =>
      message(`q-partial-${i}`, {
        payee: {
          bankCode: '004',
          accountNumber: `110-000-00${String(i).padStart(4, '0')}`,
          holderName: '김판매',
        },
      }),
    );
    expect(await q.enqueue({ messages: batch })).toEqual({ enqueued: 12 });
    const got = (await receiveAll(url)).map((b) => parseRemittanceMessage(b).remittanceId).sort();
    expect(got).toEqual(batch.map((m) => m.remittanceId).sort());
  });

  it('an entry SQS keeps refusing is thrown with its id, not dropped', async () => {
    const url = await queue(`${uniqueName('refuse')}.fifo`, { FifoQueue: 'true' });
    const refusing: SqsClient = {
      send: (async (command: unknown) => {
        if (command instanceof SendMessageBatchCommand) {
          const entries = command.input.Entries ?? [];
          return {
            Successful: [],
            Failed: entries.map((e) => ({ Id: e.Id!, SenderFault: false, Code: 'InternalError' })),
            $metadata: {},
          };
        }
        return sqs.send(command as never);
      }) as SqsClient['send'],
    };
    const q = new SqsRemittanceQueue({ client: refusing, queueUrl: url });
    const err = await errorOf(q.enqueue({ messages: [message('q-r1'), message('q-r2')] }));
    expect(isRemitError(err) && err.code === 'UNAVAILABLE' && err.retryable).toBe(true);
    expect((err as Error).message).toContain('2 message(s) still failing');
  });
});

describe('SqsRemittanceEvents', () => {
  it('refuses a FIFO queue', async () => {
    const url = await queue(`${uniqueName('evfifo')}.fifo`, { FifoQueue: 'true' });
    const err = await errorOf(
      new SqsRemittanceEvents({ client: sqs, queueUrl: url }).publish({
        events: [{ type: 'match_review', at: 1 }],
      }),
    );
    expect(isRemitError(err) && err.code).toBe('INVALID_CONFIG');
  });

  it('splits batches by payload size, not only by count', async () => {
    const url = await queue(uniqueName('evsize'));
    const big = 'x'.repeat(60 * 1024);
    const events = Array.from({ length: 6 }, (_, i) => ({
      type: 'invalid_message' as const,
      at: i,
      details: { raw: big },
    }));
    await new SqsRemittanceEvents({ client: sqs, queueUrl: url }).publish({ events });
    expect(await receiveAll(url)).toHaveLength(6);
  });
});
