/**
 * The SQS FIFO consumer: parse each record, run the `remit` use case, map the outcome to
 * "acknowledge" or "retry", and answer Lambda with the batch item failures.
 *
 *   outcome            record      why
 *   succeeded          ack
 *   rejected           ack         definite refusal: final, never retried
 *   manual_review      ack         a person decides
 *   already_finished   ack         duplicate delivery of a finished payout
 *   payload_mismatch   ack         recorded for review by the use case
 *   fenced             ack         a newer worker owns it and will finish
 *   unknown            retry       only an inquiry may resolve it: come back after retryAfterMs
 *   deferred           retry       maintenance window: come back when it ends
 *   busy               retry       another worker holds the lease
 *   invalid body       ack         after the raw body was published as `invalid_message`
 *   thrown error       retry       infrastructure; SQS redrive to the DLQ bounds the retries
 *
 * Records of one payee group run in order and a failed record holds back the later ones of its
 * group, except a record on its last receive (ApproximateReceiveCount >= REMIT_QUEUE_MAX_RECEIVES
 * - 1): it runs anyway, logged as a warning, so it never reaches the dead-letter queue untried
 * (with no idempotency record, reconcile would never find it). `remit` is idempotent per
 * remittance id, so exactly-once does not depend on the order.
 */
import {
  assertNever,
  type Clock,
  ErrorCode,
  isRemitError,
  parseRemittanceMessage,
  type RemitOutcome,
  type RemittanceEvents,
  type RemittanceMessage,
} from '@remit/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { inject, injectable } from 'tsyringe';
import * as z from 'zod/mini';
import type { Settings } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { Counts, MetricName, type MetricsSink } from '../observability/telemetry.js';
import { type MessageVisibility, type RemitUseCase, TOKENS } from '../tokens.js';
import { type FifoRecordContext, processFifoBatch } from './fifo-batch.js';

/** SQS keeps a message invisible for at most 12 h from its receipt; 10 min of margin for our run time. */
const MAX_VISIBILITY_MS = (12 * 60 - 10) * 60 * 1000;
/** Raw bodies kept in an `invalid_message` event: SQS allows 256 KiB, events stay small. */
const MAX_RAW_BODY_CHARS = 16 * 1024;

/** The envelope Lambda hands us; the body is parsed separately so a bad body is recorded, not lost. */
const sqsEventSchema = z.object({
  Records: z
    .array(
      z.looseObject({
        messageId: z.string().check(z.minLength(1)),
        receiptHandle: z.string(),
        body: z.string(),
        attributes: z.looseObject({
          ApproximateReceiveCount: z.optional(z.string()),
          MessageGroupId: z.optional(z.string()),
        }),
      }),
    )
    .check(z.maxLength(10_000)),
});

/** A record that must come back later; carries the backoff for the visibility timeout. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
  constructor(
    readonly outcome: RemitOutcome['kind'],
    readonly retryAfterMs: number,
  ) {
    super(`payout ${outcome}: retry in ${retryAfterMs} ms`);
  }
}

type RecordDisposition =
  | { readonly kind: 'outcome'; readonly outcome: RemitOutcome }
  | { readonly kind: 'invalid_message' };

@injectable()
export class RemitHandler {
  constructor(
    @inject(TOKENS.RemitUseCase) private readonly remit: RemitUseCase,
    @inject(TOKENS.RemittanceEvents) private readonly events: RemittanceEvents,
    @inject(TOKENS.MessageVisibility) private readonly visibility: MessageVisibility,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsSink,
    @inject(TOKENS.Settings) private readonly settings: Settings,
  ) {}

  /** The Lambda entry point (an arrow so it can be exported as `handler` as is). */
  readonly handle = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (context !== undefined) this.logger.addContext(context);
    const envelope = sqsEventSchema.safeParse(event);
    if (!envelope.success) {
      // Not an SQS event at all: a wiring mistake. Failing the invocation retries the whole batch.
      throw new Error(`remit handler: not an SQS event: ${envelope.error.issues[0]?.message ?? 'invalid'}`);
    }
    const counts = new Counts();
    try {
      const { response, results } = await processFifoBatch(
        event.Records,
        (record, fifo) => this.handleRecord(record, fifo, counts),
        { maxReceives: this.settings.queueMaxReceives },
      );
      await Promise.all(
        results.map(async ({ record, result }) => {
          if (result.kind !== 'retry') return;
          if (result.skipped) {
            this.logger.info('record held back behind a failed record of its group', {
              messageId: record.messageId,
            });
            return;
          }
          if (result.error instanceof RetryLater) await this.postpone(record, result.error.retryAfterMs);
        }),
      );
      this.logger.info('batch done', {
        records: event.Records.length,
        failed: response.batchItemFailures.length,
      });
      return response;
    } finally {
      counts.flushTo(this.metrics);
    }
  };

  private async handleRecord(
    record: SQSRecord,
    fifo: FifoRecordContext,
    counts: Counts,
  ): Promise<RecordDisposition> {
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    let message: RemittanceMessage;
    try {
      message = parseRemittanceMessage(record.body);
    } catch (err) {
      // Only a validation failure is the message's fault; anything else is ours (retry).
      if (!isRemitError(err) || err.code !== ErrorCode.InvalidInput) throw err;
      await this.recordInvalid(record, err, counts);
      return { kind: 'invalid_message' };
    }
    const ids = {
      remittanceId: message.remittanceId,
      orderId: message.orderId,
      depositId: message.depositId,
      messageId: record.messageId,
      receiveCount,
    };
    if (fifo.overtaking) {
      this.logger.warn(
        'payout runs ahead of a failed payout of its group: last receive before the dead-letter queue',
        { ...ids, maxReceives: this.settings.queueMaxReceives },
      );
    }
    // The payee is personal data: the logger masks it (account number to its last 4 digits,
    // holder name to its first character), like every other line.
    this.logger.debug('payout message received', {
      ...ids,
      payee: message.payee,
      payoutKrw: message.payoutKrw,
      feeKrw: message.feeKrw,
      excessKrw: message.excessKrw,
    });
    let outcome: RemitOutcome;
    try {
      outcome = await this.remit({ message });
    } catch (err) {
      counts.add(MetricName.RecordFailed);
      this.logger.error('payout attempt failed; the message will be retried', {
        ...ids,
        code: isRemitError(err) ? err.code : undefined,
        retryable: isRemitError(err) ? err.retryable : undefined,
        error: err as Error,
      });
      throw err;
    }
    this.logOutcome(outcome, ids, counts);
    switch (outcome.kind) {
      case 'succeeded':
      case 'rejected':
      case 'manual_review':
      case 'already_finished':
      case 'payload_mismatch':
      case 'fenced':
        return { kind: 'outcome', outcome };
      case 'unknown':
      case 'deferred':
      case 'busy':
        throw new RetryLater(outcome.kind, outcome.retryAfterMs);
      default:
        return assertNever(outcome);
    }
  }

  private logOutcome(outcome: RemitOutcome, ids: Record<string, unknown>, counts: Counts): void {
    switch (outcome.kind) {
      case 'succeeded':
        counts.add(MetricName.PayoutSucceeded);
        this.logger.info('payout succeeded', { ...ids, status: 'succeeded', bankTranId: outcome.bankTranId });
        return;
      case 'rejected':
        counts.add(MetricName.PayoutRejected);
        this.logger.warn('payout rejected by the bank', {
          ...ids,
          status: 'rejected',
          reason: outcome.reason,
        });
        return;
      case 'manual_review':
        counts.add(MetricName.ManualReview);
        this.logger.warn('payout sent to manual review', {
          ...ids,
          status: 'manual_review',
          reason: outcome.reason,
        });
        return;
      case 'unknown':
        counts.add(MetricName.PayoutUnknown);
        this.logger.warn('payout outcome unknown; will inquire', {
          ...ids,
          status: 'unknown',
          retryAfterMs: outcome.retryAfterMs,
        });
        return;
      case 'deferred':
        counts.add(MetricName.Deferred);
        this.logger.info('payout deferred (bank maintenance window)', {
          ...ids,
          status: 'deferred',
          retryAfterMs: outcome.retryAfterMs,
        });
        return;
      case 'busy':
        counts.add(MetricName.Busy);
        this.logger.info('payout busy (another worker holds the lease)', {
          ...ids,
          retryAfterMs: outcome.retryAfterMs,
        });
        return;
      case 'already_finished':
        this.logger.info('duplicate delivery of a finished payout', { ...ids, status: outcome.status });
        return;
      case 'payload_mismatch':
        counts.add(MetricName.ManualReview);
        this.logger.error('same remittance id with a different payload; recorded for review', ids);
        return;
      case 'fenced':
        this.logger.warn('payout taken over by a newer worker', ids);
        return;
      default:
        assertNever(outcome);
    }
  }

  /**
   * A body that is not a valid payout instruction is recorded with its raw text and the reason,
   * then acknowledged: retrying cannot fix it. If the record cannot be published, the message
   * is retried (throw), so it is never dropped unrecorded.
   */
  private async recordInvalid(record: SQSRecord, err: unknown, counts: Counts): Promise<void> {
    const reason = err instanceof Error ? err.message : String(err);
    const rawBody =
      record.body.length > MAX_RAW_BODY_CHARS ? `${record.body.slice(0, MAX_RAW_BODY_CHARS)}…` : record.body;
    await this.events.publish({
      events: [
        {
          type: 'invalid_message',
          at: this.clock.now(),
          reason,
          details: {
            messageId: record.messageId,
            messageGroupId: record.attributes.MessageGroupId,
            receiveCount: record.attributes.ApproximateReceiveCount,
            rawBody,
            rawBodyChars: record.body.length,
          },
        },
      ],
    });
    counts.add(MetricName.InvalidMessage);
    // The reason may quote field values; the masking replacer covers account numbers and names.
    this.logger.error('invalid payout message recorded and acknowledged', {
      messageId: record.messageId,
      reason,
      rawBodyChars: record.body.length,
    });
  }

  /** Best effort: if it fails, the queue's own visibility timeout is the backoff. */
  private async postpone(record: SQSRecord, retryAfterMs: number): Promise<void> {
    const delayMs = Math.min(Math.max(retryAfterMs, 0), MAX_VISIBILITY_MS);
    try {
      await this.visibility.postpone({ receiptHandle: record.receiptHandle, delayMs });
    } catch (err) {
      this.logger.warn('could not postpone the message; the queue visibility timeout applies', {
        messageId: record.messageId,
        error: err as Error,
      });
    }
  }
}
