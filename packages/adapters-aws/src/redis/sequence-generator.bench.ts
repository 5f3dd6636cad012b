// `pnpm bench sequence`: RedisSequenceGenerator vs raw ioredis EVALSHA of the same script,
// 64 concurrent callers each, on the harness's Redis (target: >= 0.9x the raw calls/s).
import { businessDateOf, openBankingFormat } from '@remit/core';
import type { BenchSuite } from '@remit/core/testing';
import type { Redis } from 'ioredis';
import {
  createRedisClient,
  type LocalServers,
  startLocalServers,
  uniqueName,
} from '../local-servers/index.js';
import { INSTITUTION } from '../test-support/fixtures.js';
import {
  MIN_SEQUENCE_TTL_SEC,
  RedisSequenceGenerator,
  SEQUENCE_LUA,
  sequenceRedisOptions,
} from './sequence-generator.js';

const CALLERS = 64;
const MAX = openBankingFormat.maxSequence;

interface State {
  servers: LocalServers<{ dynamodb: false; sqs: false }>;
  redis: Redis;
  generator: RedisSequenceGenerator;
  sha: string;
  rawKey: string;
  input: { institution: typeof INSTITUTION; businessDate: ReturnType<typeof businessDateOf> };
}

const suite: BenchSuite<State> = {
  name: 'sequence numbers: 64 concurrent callers (Redis)',
  timeMs: 2_000,
  // Interleaved, so load that changes during the run lands on both cases alike.
  rounds: 4,
  async setup() {
    const servers = await startLocalServers({ dynamodb: false, sqs: false });
    const redis = createRedisClient(servers.redis, sequenceRedisOptions());
    const prefix = `${uniqueName('bench-seq')}:`;
    const generator = new RedisSequenceGenerator({ redis, maxSequence: MAX, keyPrefix: prefix });
    const sha = (await redis.script('LOAD', SEQUENCE_LUA)) as string;
    const input = { institution: INSTITUTION, businessDate: businessDateOf(Date.now()) };
    // Warm both paths before either case is timed.
    for (let i = 0; i < 50; i += 1) {
      await Promise.all(
        Array.from({ length: CALLERS }, () =>
          redis.evalsha(sha, 1, `${prefix}warm`, MAX, MIN_SEQUENCE_TTL_SEC),
        ),
      );
      await Promise.all(Array.from({ length: CALLERS }, () => generator.next(input)));
    }
    return { servers, redis, generator, sha, rawKey: `${prefix}raw`, input };
  },
  async teardown(s) {
    await s.redis.quit();
    await s.servers.stop();
  },
  cases: [
    {
      name: 'raw ioredis EVALSHA',
      baseline: true,
      opsPerCall: CALLERS,
      fn: (s) =>
        Promise.all(
          Array.from({ length: CALLERS }, () =>
            s.redis.evalsha(s.sha, 1, s.rawKey, MAX, MIN_SEQUENCE_TTL_SEC),
          ),
        ),
    },
    {
      name: 'RedisSequenceGenerator.next',
      opsPerCall: CALLERS,
      fn: (s) => Promise.all(Array.from({ length: CALLERS }, () => s.generator.next(s.input))),
      target: { maxRatio: 1 / 0.9 },
    },
  ],
};

export default suite;
