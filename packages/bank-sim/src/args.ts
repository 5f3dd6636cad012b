/**
 * Command-line flags of the bank-sim CLI, parsed into {@link BankSimOptions}.
 */
import { parseArgs } from 'node:util';
import { parseMaintenanceWindow } from '@remit/core';
import type { BankSimOptions, FaultKind, RandomFaults } from './types.js';

export const USAGE = `usage: bank-sim [--port N] [--allow ADDR|CIDR|any]... [--token T] [--maintenance HH:MM-HH:MM|off]
                [--page-size N] [--latency-ms N] [--seed N] [--fault KIND=RATE]... [--institution CODE]
                [--per-transfer-limit KRW] [--verbose]`;

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return Number(value);
}

/** Options plus the CLI's own flags. */
export type CliOptions = BankSimOptions & { readonly verbose: boolean; readonly help: boolean };

export function optionsFromArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    // `pnpm start -- --port 1` forwards the `--` itself: tolerate it.
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      allow: { type: 'string', multiple: true },
      token: { type: 'string' },
      maintenance: { type: 'string' },
      'page-size': { type: 'string' },
      'latency-ms': { type: 'string' },
      seed: { type: 'string' },
      fault: { type: 'string', multiple: true },
      institution: { type: 'string' },
      'per-transfer-limit': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const options: Record<string, unknown> = { verbose: values.verbose, help: values.help };
  const port = int('port', values.port);
  if (port !== undefined) options.port = port;
  if (values.allow !== undefined) {
    const entries = values.allow.flatMap((a) => a.split(',')).filter((a) => a !== '');
    options.allow = entries.includes('any') ? 'any' : entries;
  }
  if (values.token !== undefined) options.accessToken = values.token;
  if (values.maintenance !== undefined) {
    options.maintenance = values.maintenance === 'off' ? null : parseMaintenanceWindow(values.maintenance);
  }
  const pageSize = int('page-size', values['page-size']);
  if (pageSize !== undefined) options.pageSize = pageSize;
  const latencyMs = int('latency-ms', values['latency-ms']);
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  if (values.institution !== undefined) options.institutionCode = values.institution;
  const limit = int('per-transfer-limit', values['per-transfer-limit']);
  if (limit !== undefined) options.perTransferLimitKrw = limit;
  if (values.fault !== undefined) {
    const rates: Record<string, number> = {};
    for (const f of values.fault) {
      const m = /^([a-z_]+)=(0(\.\d+)?|1(\.0+)?)$/.exec(f);
      if (m === null) throw new Error(`--fault must be KIND=RATE with RATE in [0, 1], got ${f}`);
      rates[m[1] as FaultKind] = Number(m[2]);
    }
    const random: RandomFaults = { seed: int('seed', values.seed) ?? 1, rates };
    options.randomFaults = random;
  }
  return options as unknown as CliOptions;
}
