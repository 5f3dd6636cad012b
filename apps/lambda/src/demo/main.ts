/**
 * `pnpm demo [--memory] [--orders N] [--seed S] [--concurrency C] [--log-level LEVEL]`
 *
 * Runs the whole pipeline locally and prints what happened. Exit code 0 when every payout was
 * made exactly once (or rightly not made), 1 when any was doubled, lost or not as expected,
 * 2 for bad arguments or a failure to start.
 */
import '@abraham/reflection';
import { parseArgs } from 'node:util';
import type { LogLevel } from '../observability/logger.js';
import { type DemoOptions, runDemo } from './demo.js';
import { MAX_ORDERS, MIN_ORDERS } from './scenario.js';

const USAGE = `usage: pnpm demo [--memory] [--orders N] [--seed S] [--concurrency C] [--log-level LEVEL]

  --memory          run on the in-memory adapters (no servers; milliseconds)
  --orders N        orders in the scenario, ${MIN_ORDERS}..${MAX_ORDERS} (default 300)
  --seed S          scenario seed (default 42); the same seed plays the same scenario
  --concurrency C   concurrent remit handler environments, 1..10 (default 2)
  --log-level L     handler logs to stdout: SILENT (default), ERROR, WARN, INFO, DEBUG`;

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

function parse(argv: readonly string[]): DemoOptions | string {
  let values: Record<string, string | boolean | undefined>;
  try {
    // `pnpm demo -- --memory` passes a bare `--` through: ignore it.
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        memory: { type: 'boolean', default: false },
        orders: { type: 'string', default: '300' },
        seed: { type: 'string', default: '42' },
        concurrency: { type: 'string', default: '2' },
        'log-level': { type: 'string', default: 'SILENT' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    return `${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`;
  }
  if (values.help === true) return USAGE;
  const int = (name: string, min: number, max: number): number | string => {
    const raw = String(values[name]);
    const n = Number(raw);
    return /^\d+$/.test(raw) && n >= min && n <= max
      ? n
      : `--${name} must be a whole number ${min}..${max}, got ${raw}`;
  };
  const orders = int('orders', MIN_ORDERS, MAX_ORDERS);
  const seed = int('seed', 0, 2 ** 31 - 1);
  const concurrency = int('concurrency', 1, 10);
  const level = String(values['log-level']).toUpperCase();
  for (const v of [orders, seed, concurrency]) if (typeof v === 'string') return `${v}\n\n${USAGE}`;
  if (!(LEVELS as readonly string[]).includes(level))
    return `--log-level must be one of ${LEVELS.join(', ')}\n\n${USAGE}`;
  return {
    mode: values.memory === true ? 'memory' : 'aws',
    orders: orders as number,
    seed: seed as number,
    concurrency: concurrency as number,
    logLevel: level as LogLevel,
  };
}

const options = parse(process.argv.slice(2));
if (typeof options === 'string') {
  const help = options === USAGE;
  (help ? console.log : console.error)(options);
  process.exit(help ? 0 : 2);
}

try {
  const summary = await runDemo(options, {
    out: (line) => process.stdout.write(`${line}\n`),
    progress: process.stdout.isTTY ? (line) => process.stdout.write(`\r\x1b[2K${line}`) : undefined,
  });
  process.exit(summary.ok ? 0 : 1);
} catch (err) {
  console.error(`\ndemo failed to run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
}
