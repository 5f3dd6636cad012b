/**
 * One demo run: scenario -> world -> play -> summary. `main.ts` is its command line; the
 * end-to-end test calls it directly.
 */
import { businessDateOf, type InstantMs, KST_OFFSET_MS } from '@remit/core';
import type { LogLevel } from '../observability/logger.js';
import { type Progress, runScenario } from './run.js';
import { generateScenario } from './scenario.js';
import { formatSummary, type Summary, summarize } from './summary.js';
import { type AwsWorldOptions, createAwsWorld, createMemoryWorld, type World } from './world.js';

export interface DemoOptions {
  readonly mode: 'memory' | 'aws';
  readonly orders: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly logLevel: LogLevel;
  /** Reuse running local servers (tests); default: start them. */
  readonly servers?: AwsWorldOptions['servers'];
}

export interface DemoIo {
  /** One line of the report. */
  readonly out: (line: string) => void;
  /** A progress line that replaces the previous one (a TTY); absent: progress goes to `out` sparsely. */
  readonly progress?: ((line: string) => void) | undefined;
}

/** `2026-11-28 10:05 KST` */
export function kst(ms: InstantMs): string {
  const d = new Date(ms + KST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} KST`;
}

/**
 * @example
 * ```ts
 * const summary = await runDemo({ mode: 'memory', orders: 300, seed: 42, concurrency: 2, logLevel: 'SILENT' }, { out: console.log });
 * ```
 */
export async function runDemo(options: DemoOptions, io: DemoIo): Promise<Summary> {
  const startedReal = performance.now();
  const scenario = generateScenario({ orders: options.orders, seed: options.seed });
  io.out(
    `remit demo · ${options.mode === 'memory' ? 'in-memory adapters' : 'AWS adapters on local servers'} · ${scenario.orders.length} orders · seed ${scenario.seed}`,
  );
  const world: World =
    options.mode === 'memory'
      ? createMemoryWorld(scenario, { logLevel: options.logLevel })
      : await createAwsWorld(scenario, {
          logLevel: options.logLevel,
          say: (line) => io.out(`  ${line}`),
          ...(options.servers === undefined ? {} : { servers: options.servers }),
        });
  try {
    for (const line of world.description) io.out(`  ${line}`);
    io.out(
      `  handlers   ingest + reconcile on a 5-minute schedule, remit from the FIFO queue (batch 10, ${options.concurrency} environments, visibility 180 s, DLQ after 5 receives)`,
    );
    io.out(`  clock      simulated from ${kst(scenario.startMs)}; the bank and remit read the same clock`);
    io.out('');

    let lastPrinted = -1;
    const onProgress = (p: Progress) => {
      const line = `  ${kst(p.nowMs).slice(11)}  orders ${p.ordersOpened} · bank feed ${p.feedApplied}/${p.feedTotal} · paid ${p.paid} · queue ${p.queue.visible} waiting, ${p.queue.inFlight} in flight, ${p.queue.dead} dead · ${p.invocations} invocations`;
      if (io.progress !== undefined) {
        io.progress(line);
        return;
      }
      // Without a terminal: one line per simulated half hour.
      const slot = Math.floor(p.nowMs / (30 * 60_000));
      if (slot !== lastPrinted) {
        lastPrinted = slot;
        io.out(line);
      }
    };
    const result = await runScenario(world, scenario, { concurrency: options.concurrency, onProgress });
    if (io.progress !== undefined) io.progress('');
    const summary = await summarize(world, scenario, result);
    const seconds = ((performance.now() - startedReal) / 1000).toFixed(1);
    io.out(
      `  simulated ${kst(result.startedAtMs)} → ${kst(result.endedAtMs)} (business dates ${businessDateOf(result.startedAtMs)}..${businessDateOf(result.endedAtMs)}) in ${seconds} s; ${result.invocations.ingest} ingest, ${result.invocations.reconcile} reconcile, ${result.invocations.remit} remit invocations`,
    );
    io.out('');
    io.out(formatSummary(summary));
    io.out('');
    io.out(
      summary.ok
        ? 'Result: OK — every payout made exactly once or rightly not made; nothing doubled or lost.'
        : `Result: FAILED — ${summary.doubled.length} doubled, ${summary.lost.length} lost, ${summary.mismatches.length + summary.problems.length} other.`,
    );
    return summary;
  } finally {
    await world.stop();
  }
}
