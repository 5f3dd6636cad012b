import { isRemitError, parseBusinessDate } from '@remit/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient, localEnv, uniqueName } from '../local-servers/vitest.js';
import { INSTITUTION } from '../test-support/fixtures.js';
import { MIN_SEQUENCE_TTL_SEC, RedisSequenceGenerator, sequenceRedisOptions } from './sequence-generator.js';

const redis = createRedisClient(localEnv().redis, sequenceRedisOptions());
afterAll(async () => {
  await redis.quit();
});
const key = { institution: INSTITUTION, businessDate: parseBusinessDate('20261128') };
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('RedisSequenceGenerator', () => {
  it('sets an expiry of at least 48 h on the day key, in the same script as the INCR', async () => {
    const g = new RedisSequenceGenerator({ redis, maxSequence: 10, keyPrefix: `${uniqueName('ttl')}:` });
    await g.next(key);
    const ttl = await redis.ttl(g.keyOf(key));
    expect(ttl).toBeGreaterThan(MIN_SEQUENCE_TTL_SEC - 5);
  });

  it('does not increment past the maximum: the counter stays at max', async () => {
    const g = new RedisSequenceGenerator({ redis, maxSequence: 2, keyPrefix: `${uniqueName('max')}:` });
    await g.next(key);
    await g.next(key);
    for (let i = 0; i < 3; i += 1) {
      const err = await errorOf(g.next(key));
      expect(isRemitError(err) && err.code === 'SEQUENCE_EXHAUSTED' && !err.retryable).toBe(true);
    }
    expect(await redis.get(g.keyOf(key))).toBe('2');
  });

  it('refuses an expiry under 48 h', () => {
    expect(() => new RedisSequenceGenerator({ redis, maxSequence: 9, ttlSec: 3_600 })).toThrow(/48 h/);
  });

  it('a Redis that does not answer is UNAVAILABLE (retryable), within the command timeout', async () => {
    const dead = new Redis(
      'redis://127.0.0.1:1',
      sequenceRedisOptions({ connectTimeout: 200, commandTimeout: 300 }),
    );
    dead.on('error', () => {});
    try {
      const g = new RedisSequenceGenerator({ redis: dead, maxSequence: 9 });
      const started = Date.now();
      const err = await errorOf(g.next(key));
      expect(isRemitError(err) && err.code === 'UNAVAILABLE' && err.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      dead.disconnect();
    }
  });

  it('a key of the wrong type is INTERNAL, not retried', async () => {
    const prefix = `${uniqueName('wrong')}:`;
    const g = new RedisSequenceGenerator({ redis, maxSequence: 9, keyPrefix: prefix });
    await redis.hset(g.keyOf(key), 'x', '1');
    const err = await errorOf(g.next(key));
    expect(isRemitError(err) && err.code === 'INTERNAL' && !err.retryable).toBe(true);
  });
});
