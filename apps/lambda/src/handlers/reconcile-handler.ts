/**
 * The scheduled reconcile: resolve `unknown` payouts and stale claims by inquiry, resend only on
 * a definite "no such transfer", escalate old unknowns to manual review, apply bank reversals.
 */
import type { ReconcileReport } from '@remit/core';
import type { Context } from 'aws-lambda';
import { inject, injectable } from 'tsyringe';
import type { Settings } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { Counts, MetricName, type MetricsSink } from '../observability/telemetry.js';
import { type ReconcileUseCase, TOKENS } from '../tokens.js';
import { scheduleEventSchema } from './schedule-event.js';

@injectable()
export class ReconcileHandler {
  constructor(
    @inject(TOKENS.ReconcileUseCase) private readonly reconcile: ReconcileUseCase,
    @inject(TOKENS.Settings) private readonly settings: Settings,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Metrics) private readonly metrics: MetricsSink,
  ) {}

  readonly handle = async (event: unknown, context?: Context): Promise<ReconcileReport> => {
    if (context !== undefined) this.logger.addContext(context);
    const schedule = scheduleEventSchema.parse(event);
    const counts = new Counts();
    try {
      const report = await this.reconcile({ limit: this.settings.reconcileLimit });
      counts.add(MetricName.PayoutSucceeded, report.succeeded);
      counts.add(MetricName.PayoutRejected, report.rejected);
      counts.add(MetricName.PayoutResent, report.resent);
      counts.add(MetricName.PayoutStillUnknown, report.stillUnknown);
      counts.add(MetricName.ManualReview, report.escalated);
      counts.add(MetricName.PayoutReversed, report.reversed);
      const log = report.escalated > 0 || report.reversed > 0 ? this.logger.warn : this.logger.info;
      log.call(this.logger, 'reconcile done', { scheduledAt: schedule?.time, report: { ...report } });
      return report;
    } catch (err) {
      this.logger.error('reconcile failed; the next run retries', { error: err as Error });
      throw err;
    } finally {
      counts.flushTo(this.metrics);
    }
  };
}
