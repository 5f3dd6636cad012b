// `pnpm servers`: start the local servers (DynamoDB Local, fauxqs, Redis), make one real
// round trip on each, print a table, stop everything we started, exit 0 if all answered.
//
// Imported by path because the root package does not depend on the workspace packages; the
// harness resolves its own dependencies (SDK, ioredis, fauxqs) from packages/adapters-aws.
import {
  type SmokeResult,
  smokeLocalServers,
  startLocalServers,
} from '../packages/adapters-aws/src/local-servers/index.js';
import { isAlive } from '../packages/adapters-aws/src/local-servers/processes.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col]!)).join('  ')).join('\n');
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const servers = await startLocalServers();
  const startMs = performance.now() - startedAt;
  let results: SmokeResult[] = [];
  try {
    results = await smokeLocalServers(servers);
  } finally {
    await servers.stop();
  }
  const pids = { dynamodb: servers.pids.dynamodb, sqs: undefined, redis: servers.pids.redis };
  const leaked = Object.values(pids).filter((pid): pid is number => pid !== undefined && isAlive(pid));

  console.log(`local servers started in ${Math.round(startMs)} ms\n`);
  console.log(
    table([
      ['server', 'endpoint', 'owner', 'round trip', 'ms', 'result'],
      ...results.map((r) => [
        r.server,
        r.endpoint,
        r.server === 'sqs'
          ? 'in-process'
          : r.server === 'redis' && !servers.redis.startedByUs
            ? 'reused'
            : `pid ${pids[r.server]}`,
        r.detail,
        r.elapsedMs.toFixed(0),
        r.ok ? 'ok' : 'FAILED',
      ]),
    ]),
  );
  if (leaked.length > 0) console.error(`\nstill running after stop(): pids ${leaked.join(', ')}`);
  else console.log('\nstopped everything we started');
  return results.every((r) => r.ok) && leaked.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
