// The SequenceGenerator contract against the harness's Redis: a fresh key prefix per test.
import { describeSequenceGeneratorContract } from '@remit/core/testing';
import type { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createRedisClient, localEnv, uniqueName } from '../local-servers/vitest.js';
import { RedisSequenceGenerator, sequenceRedisOptions } from './sequence-generator.js';

const redis: Redis = createRedisClient(localEnv().redis, sequenceRedisOptions());
afterAll(async () => {
  await redis.quit();
});

describeSequenceGeneratorContract({
  name: 'RedisSequenceGenerator (redis-server)',
  create: async ({ maxSequence }) => {
    const keyPrefix = `${uniqueName('seq')}:`;
    return {
      generator: new RedisSequenceGenerator({ redis, maxSequence, keyPrefix }),
      // Another process over the same keys.
      peer: new RedisSequenceGenerator({ redis, maxSequence, keyPrefix }),
    };
  },
});
