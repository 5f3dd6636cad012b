import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, type OwnedProcess, spawnOwned, waitUntilReady } from './processes.js';

export interface LocalRedis {
  /** `redis://127.0.0.1:<port>` (or REDIS_URL as given). */
  readonly url: string;
  /** False when we reuse a Redis someone else runs: then stop() leaves it alone. */
  readonly startedByUs: boolean;
  /** PID of the redis-server we started, if we did. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** A Redis to use as is. Default: `process.env.REDIS_URL`. If given, it must answer. */
  url?: string | undefined;
  /** Reuse 127.0.0.1:6379 when it answers PING. Default true; false always starts our own. */
  reuseDefault?: boolean;
  /** The redis-server command to start when none is reused. Default: `redis-server` on PATH. */
  redisServer?: string;
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 20_000;
const START_ATTEMPTS = 3;

export const REDIS_MISSING_MESSAGE = [
  'local-servers: no Redis. Tried REDIS_URL (unset), 127.0.0.1:6379 (no answer) and `redis-server` (not on PATH).',
  'Get one of:',
  '  Debian/Ubuntu: sudo apt-get install -y redis-server   (the harness starts its own on a free port)',
  '  macOS:         brew install redis',
  '  or point REDIS_URL at a Redis you run, e.g. REDIS_URL=redis://127.0.0.1:6380',
].join('\n');

/** Resolves once a PING answers; never retries in the background. */
async function ping(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {}); // reported through the rejected connect/ping below
  try {
    await client.connect();
    const answer = await client.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  } finally {
    client.disconnect();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await ping(url, 500);
    return true;
  } catch {
    return false;
  }
}

/**
 * Redis for tests and the demo: REDIS_URL if set (it must answer); else 127.0.0.1:6379 if it
 * answers PING; else a `redis-server` we start on a free loopback port, without persistence;
 * else an error saying how to get one.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<LocalRedis> {
  const given = 'url' in options ? options.url : process.env.REDIS_URL;
  if (given !== undefined && given !== '') {
    try {
      await ping(given, 2_000);
    } catch (error) {
      throw new Error(`local-servers: REDIS_URL=${given} does not answer PING: ${String(error)}`, {
        cause: error,
      });
    }
    return reused(given);
  }
  if ((options.reuseDefault ?? true) && (await answers(DEFAULT_URL))) return reused(DEFAULT_URL);

  const redisServer = options.redisServer ?? 'redis-server';
  const probe = spawnSync(redisServer, ['--version'], { stdio: 'ignore' });
  if (probe.error !== undefined) throw new Error(REDIS_MISSING_MESSAGE, { cause: probe.error });

  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    // Not daemonized, so the PID is ours to stop; no RDB/AOF files left behind.
    const proc: OwnedProcess = await spawnOwned('redis-server', redisServer, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    try {
      await waitUntilReady(proc, () => ping(url, 1_000), READY_TIMEOUT_MS);
      return { url, startedByUs: true, pid: proc.pid, stop: () => proc.stop() };
    } catch (error) {
      lastError = error;
      await proc.stop();
    }
  }
  throw lastError;
}

function reused(url: string): LocalRedis {
  return { url, startedByUs: false, pid: undefined, stop: async () => {} };
}
