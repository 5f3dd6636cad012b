#!/usr/bin/env node
/**
 * bank-sim CLI. Prints one line `bank-sim listening on <url>` first (harnesses wait for it), then
 * one JSON line per call with `--verbose`. Stops cleanly on SIGINT/SIGTERM.
 *
 *   bank-sim --port 8080 --allow 127.0.0.2 [--allow 127.0.0.0/30] [--token T]
 *            [--maintenance 23:30-00:30|off] [--page-size 25] [--latency-ms 0]
 *            [--seed 42 --fault timeout_after_executing=0.05 --fault processing=0.02]
 *            [--institution T991234560] [--per-transfer-limit 5000000] [--verbose]
 */
import { type CliOptions, optionsFromArgs, USAGE } from './args.js';
import { startBankSim } from './server.js';

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bank-sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  const { verbose, help, ...simOptions } = options;
  if (help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // A harness that stops reading our stdout must not kill the bank.
  process.stdout.on('error', () => {});
  const sim = await startBankSim({
    ...simOptions,
    ...(verbose ? { onCall: (call) => process.stdout.write(`${JSON.stringify(call)}\n`) } : {}),
  });
  process.stdout.write(`bank-sim listening on ${sim.url}\nbank-sim access token: ${sim.accessToken}\n`);
  const shutdown = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
