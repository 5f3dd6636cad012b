/**
 * The scheduled ingest (every 5 minutes): read the deposits of every configured account since its
 * checkpoint (with an overlap), match them, enqueue the payouts. An account that fails keeps its
 * checkpoint, so the next run reads everything this one did not finish; the others are read
 * anyway, and then the run throws (the function's error alarm) with their counts in the metrics.
 */
import { type IngestReport, RemitError } from '@remit/core';
import type { Context } from 'aws-lambda';
import { inject, injectable } from 'tsyringe';
import type { Logger } from '../observability/logger.js';
import { Counts, MetricName, type MetricsSink } from '../observability/telemetry.js';
import { type IngestUseCase, TOKENS } from '../tokens.js';
import { scheduleEventSchema } from './schedule-event.js';

@injectable()
export class IngestHandler {
  constructor(
    @inject(TOKENS.IngestUseCase) private readonly ingest: IngestUseCase,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsSink,
  ) {}

  readonly handle = async (event: unknown, context?: Context): Promise<IngestReport> => {
    if (context !== undefined) this.logger.addContext(context);
    const schedule = scheduleEventSchema.parse(event);
    const counts = new Counts();
    try {
      const report = await this.ingest({});
      countReport(counts, report);
      this.logger.info('ingest done', { scheduledAt: schedule?.time, report: { ...report } });
      if (report.truncatedAccounts.length > 0) {
        this.logger.warn('page bound reached; the next run continues', {
          accounts: [...report.truncatedAccounts],
        });
      }
      if (report.gapAccounts.length > 0) {
        this.logger.warn(
          'ingest gap: rows older than the lookback were not read; a manual_review names them',
          {
            accounts: [...report.gapAccounts],
          },
        );
      }
      return report;
    } catch (err) {
      // Some accounts failed after the others were read: what those did still counts.
      const partial = partialReport(err);
      if (partial !== undefined) countReport(counts, partial);
      this.logger.error('ingest failed; the next run repairs it', { error: err as Error });
      throw err;
    } finally {
      counts.flushTo(this.metrics);
    }
  };
}

function countReport(counts: Counts, report: IngestReport): void {
  counts.add(MetricName.DepositsRead, report.read);
  counts.add(MetricName.DepositsMatched, report.matched);
  counts.add(
    MetricName.MatchReview,
    report.ambiguous + report.unmatched + report.underpaid + report.orphan + report.cancellationsTooLate,
  );
  counts.add(MetricName.PayoutsEnqueued, report.enqueued);
  counts.add(MetricName.ManualReview, report.gapAccounts.length);
}

/** The counts of the accounts that were read, when ingest failed for others (`RemitError.details.report`). */
function partialReport(err: unknown): IngestReport | undefined {
  if (!(err instanceof RemitError)) return undefined;
  const report = err.details?.report as IngestReport | undefined;
  return typeof report?.read === 'number' ? report : undefined;
}
