import { afterAll, describe, expect, it } from 'vitest';
import { createRedisClient, localEnv, uniqueName } from './vitest.js';

describe('Redis (local-servers smoke)', () => {
  const client = createRedisClient(localEnv().redis, { keyPrefix: `${uniqueName('smoke')}:` });

  afterAll(async () => {
    await client.quit();
  });

  it('answers SET/GET and atomic INCR with ioredis', async () => {
    await client.set('greeting', '안녕', 'EX', 60);
    expect(await client.get('greeting')).toBe('안녕');

    const numbers = await Promise.all(Array.from({ length: 64 }, () => client.incr('seq')));
    expect(new Set(numbers).size).toBe(64);
    expect(Math.max(...numbers)).toBe(64);
    await client.del('greeting', 'seq');
  });
});
