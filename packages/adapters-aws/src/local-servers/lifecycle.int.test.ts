import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive } from './processes.js';
import type { LocalServerPids } from './start.js';

// Proves the harness leaves nothing behind however its host ends. Each case runs the harness
// in a child process (so we can kill it) and checks the server PIDs afterwards.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./lifecycle-child.fixture.ts', import.meta.url));

async function startChild(how: string, which: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@remit/source', fixture, how, which],
    {
      cwd: repoRoot,
      env: { ...process.env, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`child exited before printing PIDs:\n${stderr}`);
    }),
  ])) as [string];
  return { child, pids: JSON.parse(first) as LocalServerPids, stderr: () => stderr };
}

async function expectGone(pids: readonly (number | undefined)[]): Promise<void> {
  const owned = pids.filter((pid): pid is number => pid !== undefined);
  expect(owned.length).toBeGreaterThan(0);
  const deadline = Date.now() + 15_000;
  while (owned.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(owned.filter(isAlive)).toEqual([]);
}

describe('local-servers lifecycle', () => {
  it('stops DynamoDB Local and redis-server when the host is SIGKILLed (watchdog)', async () => {
    const { child, pids } = await startChild('wait', 'dynamodb,redis');
    expect(pids.dynamodb).toBeDefined();
    expect(pids.redis).toBeDefined();
    expect([pids.dynamodb, pids.redis].every((pid) => pid !== undefined && isAlive(pid))).toBe(true);
    child.kill('SIGKILL');
    await expectGone([pids.dynamodb, pids.redis]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops its servers when the host gets %s', async (signal) => {
    const { child, pids } = await startChild('wait', 'redis');
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code, gotSignal] = await exited;
    expect({ code, gotSignal }).toEqual({ code: null, gotSignal: signal }); // default signal death kept
    await expectGone([pids.redis]);
  });

  it.each(['exit', 'throw'])('stops its servers when the host ends without stop() (%s)', async (how) => {
    const { child, pids } = await startChild(how, 'redis');
    await once(child, 'exit');
    await expectGone([pids.redis]);
  });
});
