import { describe, expect, it } from 'vitest';
import { JAVA_MISSING_MESSAGE, REDIS_MISSING_MESSAGE, startLocalServers, uniqueName } from './index.js';

// The harness's failure messages, without starting anything real.
describe('startLocalServers without the tools it needs', () => {
  it('says how to install Java when there is none', async () => {
    await expect(
      startLocalServers({ dynamodb: { java: '/nonexistent/java' }, sqs: false, redis: false }),
    ).rejects.toThrow(JAVA_MISSING_MESSAGE);
    expect(JAVA_MISSING_MESSAGE).toContain('apt-get install -y openjdk-17-jre-headless');
  });

  it('says how to get Redis when none answers and redis-server is missing', async () => {
    await expect(
      startLocalServers({
        dynamodb: false,
        sqs: false,
        redis: { url: undefined, reuseDefault: false, redisServer: '/nonexistent/redis-server' },
      }),
    ).rejects.toThrow(REDIS_MISSING_MESSAGE);
    expect(REDIS_MISSING_MESSAGE).toContain('apt-get install -y redis-server');
    expect(REDIS_MISSING_MESSAGE).toContain('REDIS_URL');
  });
});

describe('uniqueName', () => {
  it('gives distinct names valid for DynamoDB tables, SQS queues and Redis prefixes', () => {
    const names = Array.from({ length: 1000 }, () => uniqueName('orders'));
    expect(new Set(names).size).toBe(1000);
    for (const name of names) expect(name).toMatch(/^orders-[a-z0-9]+-[0-9a-f]{8}$/);
    expect(`${uniqueName('q'.repeat(50))}.fifo`.length).toBeLessThanOrEqual(80);
  });

  it('rejects prefixes that would make an invalid name', () => {
    expect(() => uniqueName('has space')).toThrow(/prefix/);
    expect(() => uniqueName('')).toThrow(/prefix/);
  });
});
