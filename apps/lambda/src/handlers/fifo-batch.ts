/**
 * Partial batch processing with FIFO semantics for an SQS FIFO event source.
 *
 *   batch:  a1 a2 b1 a3 b2          (a, b = message groups, in queue order)
 *   a2 fails ->  a1 ok, a2 FAIL, a3 FAIL (not even tried: it must not overtake a2), b1 ok, b2 ok
 *
 * Except on a record's last chance: SQS counts every receive, and the failed record and the
 * records behind it come back together, so a skipped record would reach the dead-letter queue
 * without ever being tried. A record whose ApproximateReceiveCount is at least `maxReceives - 1`
 * therefore runs even behind a failed record of its group (`overtaking: true`). Per-group order
 * is best effort: the handler must be idempotent per message, never rely on order for
 * exactly-once.
 *
 * Records of one group run in order; groups run concurrently (a batch holds at most 10 records,
 * so at most 10 groups). All state lives in this call: nothing about a group survives into the
 * next invocation, so a group that failed once is not skipped forever.
 *
 * Powertools' SqsFifoPartialProcessor(skipGroupOnError) has the same rule but runs every group
 * one after another (a slow bank call then delays unrelated sellers) and keeps the failed groups
 * on the processor instance, which is only safe while one invocation at a time uses it.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

/** How one record ended. `retry` is reported as a batch item failure. */
export type RecordResult<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'retry'; readonly error: unknown; readonly skipped: boolean };

export interface FifoBatchOptions {
  /**
   * The queue's redrive `maxReceiveCount`. A record received at least `maxReceives - 1` times runs
   * even behind a failed record of its group. Absent: no record ever overtakes.
   */
  readonly maxReceives?: number;
}

/** What `handle` is told about the record it runs. */
export interface FifoRecordContext {
  /** An earlier record of its group failed in this batch; it runs anyway (last chance). */
  readonly overtaking: boolean;
}

export interface FifoBatchResult<T> {
  readonly response: SQSBatchResponse;
  /** In the batch's order. */
  readonly results: readonly { readonly record: SQSRecord; readonly result: RecordResult<T> }[];
}

/**
 * Run `handle` over the records with FIFO partial-batch semantics: a record that throws fails,
 * and so does every later record of its message group (skipped, not run) unless it is on its
 * last receive before the dead-letter queue (see `FifoBatchOptions.maxReceives`).
 *
 * @example
 * ```ts
 * const { response } = await processFifoBatch(event.Records, (record) => handleOne(record));
 * return response;
 * ```
 */
export async function processFifoBatch<T>(
  records: readonly SQSRecord[],
  handle: (record: SQSRecord, context: FifoRecordContext) => Promise<T>,
  options: FifoBatchOptions = {},
): Promise<FifoBatchResult<T>> {
  const lastChance = (record: SQSRecord): boolean => {
    if (options.maxReceives === undefined) return false;
    // Missing or garbled: treat as the first receive (the safe reading is "not yet at the end").
    const received = Number(record.attributes.ApproximateReceiveCount ?? '1');
    return Number.isFinite(received) && received >= options.maxReceives - 1;
  };
  const results = new Array<RecordResult<T>>(records.length);
  // A record without a group id (not a FIFO queue) is its own group: nothing to keep in order.
  const groups = new Map<string, number[]>();
  records.forEach((record, index) => {
    const group = record.attributes.MessageGroupId ?? `\u0000${record.messageId}`;
    const members = groups.get(group);
    if (members === undefined) groups.set(group, [index]);
    else members.push(index);
  });

  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      let failed: unknown;
      for (const index of indexes) {
        const record = records[index]!;
        const overtaking = failed !== undefined;
        if (overtaking && !lastChance(record)) {
          results[index] = { kind: 'retry', error: failed, skipped: true };
          continue;
        }
        try {
          results[index] = { kind: 'done', value: await handle(record, { overtaking }) };
        } catch (error) {
          const cause = error ?? new Error('record failed');
          failed ??= cause;
          results[index] = { kind: 'retry', error: cause, skipped: false };
        }
      }
    }),
  );

  return {
    response: {
      batchItemFailures: records
        .filter((_, i) => results[i]!.kind === 'retry')
        .map((record) => ({ itemIdentifier: record.messageId })),
    },
    results: records.map((record, i) => ({ record, result: results[i]! })),
  };
}
