import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { processFifoBatch } from './fifo-batch.js';

function record(id: string, group: string | undefined, receiveCount = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: id,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
      ...(group === undefined ? {} : { MessageGroupId: group }),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-2:111111111111:q.fifo',
    awsRegion: 'ap-northeast-2',
  };
}

describe('processFifoBatch', () => {
  it('fails the later records of a failed group, and only those', async () => {
    const ran: string[] = [];
    const records = [
      record('a1', 'A'),
      record('a2', 'A'),
      record('b1', 'B'),
      record('a3', 'A'),
      record('b2', 'B'),
    ];
    const { response, results } = await processFifoBatch(records, async (r) => {
      ran.push(r.messageId);
      if (r.messageId === 'a2') throw new Error('boom');
      return r.messageId;
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a2' }, { itemIdentifier: 'a3' }]);
    expect(ran).not.toContain('a3');
    expect(ran.filter((id) => id.startsWith('a'))).toEqual(['a1', 'a2']);
    expect(ran.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(results.map((r) => [r.record.messageId, r.result.kind])).toEqual([
      ['a1', 'done'],
      ['a2', 'retry'],
      ['b1', 'done'],
      ['a3', 'retry'],
      ['b2', 'done'],
    ]);
    const a3 = results[3]!.result;
    expect(a3.kind === 'retry' && a3.skipped).toBe(true);
  });

  it('runs a group in order and groups concurrently', async () => {
    const events: string[] = [];
    let releaseA!: () => void;
    const aBlocked = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const done = processFifoBatch([record('a1', 'A'), record('a2', 'A'), record('b1', 'B')], async (r) => {
      events.push(`start ${r.messageId}`);
      if (r.messageId === 'a1') await aBlocked;
      events.push(`end ${r.messageId}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // b1 finished while a1 was still running; a2 has not started.
    expect(events).toEqual(['start a1', 'start b1', 'end b1']);
    releaseA();
    await done;
    expect(events.slice(3)).toEqual(['end a1', 'start a2', 'end a2']);
  });

  it('treats records without a group id independently', async () => {
    const { response } = await processFifoBatch(
      [record('x', undefined), record('y', undefined)],
      async (r) => {
        if (r.messageId === 'x') throw new Error('boom');
      },
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);
  });

  it('keeps no group state from one call to the next', async () => {
    const first = await processFifoBatch([record('a1', 'A')], async () => {
      throw new Error('boom');
    });
    expect(first.response.batchItemFailures).toHaveLength(1);
    const second = await processFifoBatch([record('a1', 'A'), record('a2', 'A')], async () => 'ok');
    expect(second.response.batchItemFailures).toEqual([]);
  });

  it('runs a record on its last chance (receive count >= maxReceives - 1) behind a failed one', async () => {
    const ran: { id: string; overtaking: boolean }[] = [];
    const records = [record('a1', 'A', 4), record('a2', 'A', 3), record('a3', 'A', 4), record('a4', 'A', 5)];
    const { response, results } = await processFifoBatch(
      records,
      async (r, { overtaking }) => {
        ran.push({ id: r.messageId, overtaking });
        if (r.messageId === 'a1' || r.messageId === 'a3') throw new Error(`boom ${r.messageId}`);
        return r.messageId;
      },
      { maxReceives: 5 },
    );
    expect(ran).toEqual([
      { id: 'a1', overtaking: false },
      { id: 'a3', overtaking: true },
      { id: 'a4', overtaking: true },
    ]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1', 'a2', 'a3']);
    expect(results.map((r) => (r.result.kind === 'retry' ? r.result.skipped : 'done'))).toEqual([
      false,
      true,
      false,
      'done',
    ]);
  });

  it('never overtakes without maxReceives, and with maxReceives 1 always does', async () => {
    const records = [record('a1', 'A', 9), record('a2', 'A', 9)];
    const fail = async (r: SQSRecord) => {
      if (r.messageId === 'a1') throw new Error('boom');
    };
    const without = await processFifoBatch(records, fail);
    expect(without.results[1]!.result).toMatchObject({ kind: 'retry', skipped: true });
    const one = await processFifoBatch([record('a1', 'A'), record('a2', 'A')], fail, { maxReceives: 1 });
    expect(one.results[1]!.result.kind).toBe('done');
  });

  it('fails every record when all throw (Lambda then retries them all)', async () => {
    const { response } = await processFifoBatch([record('a1', 'A'), record('b1', 'B')], async () => {
      throw new Error('down');
    });
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1', 'b1']);
  });
});
