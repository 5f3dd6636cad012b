/**
 * `pnpm sim`: run the deterministic simulation over many seeds, or replay one with its trace.
 *
 *   pnpm sim --seeds 2000                 seeds 1..2000, a summary, the failing seeds with replay commands
 *   pnpm sim --seeds 500 --from 90000     seeds 90000..90499
 *   pnpm sim --seed 1234                  replay one seed exactly, printing its trace
 *   pnpm sim --seed 1234 --variant no-fencing   the same seed against a deliberately broken policy
 *   pnpm sim --seeds 300 --faults none    every fault off (everything must settle, nothing in review)
 *   pnpm sim --seeds 300 --faults crash,lostResponse   only these classes, at full intensity
 */
import {
  BROKEN_VARIANTS,
  type BrokenVariant,
  FAULT_CLASSES,
  type FaultClass,
  type FaultPlan,
  focusedFaultPlan,
  NO_FAULTS,
  runSimulation,
  type SimResult,
} from '@remit/core/testing';
import { memorySimSystem } from './memory-system.js';
import { summarize } from './summary.js';

interface Args {
  seed?: number;
  seeds: number;
  from: number;
  faults?: FaultPlan;
  variant?: BrokenVariant;
}

function usage(message?: string): never {
  if (message !== undefined) console.error(`sim: ${message}\n`);
  console.error(
    [
      'usage: pnpm sim [--seeds N] [--from S] [--faults none|<class,...>] [--variant <name>]',
      '       pnpm sim --seed S [--faults ...] [--variant <name>]      (replay one seed with its trace)',
      `fault classes: ${FAULT_CLASSES.join(', ')}`,
      `variants: ${BROKEN_VARIANTS.join(', ')}`,
    ].join('\n'),
  );
  process.exit(2);
}

function integer(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < 0) usage(`${name} needs a non-negative integer`);
  return n;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seeds: 200, from: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--':
        break;
      case '--seed':
        args.seed = integer(flag, value);
        i++;
        break;
      case '--seeds':
        args.seeds = integer(flag, value);
        i++;
        break;
      case '--from':
        args.from = integer(flag, value);
        i++;
        break;
      case '--faults': {
        if (value === undefined) usage('--faults needs a value');
        if (value === 'none') args.faults = NO_FAULTS;
        else {
          const classes = value.split(',').map((c) => c.trim());
          const unknown = classes.filter((c) => !(FAULT_CLASSES as readonly string[]).includes(c));
          if (unknown.length > 0) usage(`unknown fault class ${unknown.join(', ')}`);
          args.faults = focusedFaultPlan(classes as FaultClass[]);
        }
        i++;
        break;
      }
      case '--variant':
        if (value === undefined || !(BROKEN_VARIANTS as readonly string[]).includes(value)) {
          usage(`--variant must be one of ${BROKEN_VARIANTS.join(', ')}`);
        }
        args.variant = value as BrokenVariant;
        i++;
        break;
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  return args;
}

function replayCommand(r: Pick<SimResult, 'seed' | 'variant'>, faults: string | undefined): string {
  return `pnpm sim --seed ${r.seed}${faults === undefined ? '' : ` --faults ${faults}`}${r.variant === undefined ? '' : ` --variant ${r.variant}`}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const faultsFlag = argv.includes('--faults') ? argv[argv.indexOf('--faults') + 1] : undefined;
  const base = {
    system: memorySimSystem,
    ...(args.faults === undefined ? {} : { faults: args.faults }),
    ...(args.variant === undefined ? {} : { variant: args.variant }),
  };

  if (args.seed !== undefined) {
    const result = await runSimulation({ ...base, seed: args.seed, trace: true });
    console.log(result.trace.join('\n'));
    console.log(`\nstats: ${JSON.stringify(result.stats)}`);
    if (result.ok) {
      console.log(`\nseed ${result.seed}: OK`);
    } else {
      for (const v of result.violations)
        console.log(`\nseed ${result.seed}: VIOLATION ${v.rule} (step ${v.step}): ${v.message}`);
      process.exitCode = 1;
    }
    return;
  }

  const started = performance.now();
  const results: SimResult[] = [];
  for (let seed = args.from; seed < args.from + args.seeds; seed++) {
    const result = await runSimulation({ ...base, seed });
    results.push(result);
    if (!result.ok) {
      const v = result.violations[0]!;
      console.log(
        `seed ${seed}: VIOLATION ${v.rule}: ${v.message}\n  replay: ${replayCommand(result, faultsFlag)}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(summarize(results, seconds));
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
