/**
 * The scheduled ingest (every 5 minutes): read the deposits of every configured account since its
 * checkpoint (with an overlap), match them, enqueue the payouts. A failed run throws; the
 * checkpoint stays, so the next run reads everything this one did not finish.
 */
import type { IngestReport } from '@remit/core';
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
      counts.add(MetricName.DepositsRead, report.read);
      counts.add(MetricName.DepositsMatched, report.matched);
      counts.add(
        MetricName.MatchReview,
        report.ambiguous + report.unmatched + report.underpaid + report.orphan + report.cancellationsTooLate,
      );
      counts.add(MetricName.PayoutsEnqueued, report.enqueued);
      counts.add(MetricName.ManualReview, report.gapAccounts.length);
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
      this.logger.error('ingest failed; the next run repairs it', { error: err as Error });
      throw err;
    } finally {
      counts.flushTo(this.metrics);
    }
  };
}
