import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cachedSecrets, Secret, type SecretsClient } from './secrets.js';

function fakeClient(answers: (() => Promise<{ SecretString?: string }>)[]) {
  let calls = 0;
  const client: SecretsClient = {
    send: (async () => {
      const answer = answers[calls] ?? answers.at(-1)!;
      calls += 1;
      return answer();
    }) as SecretsClient['send'],
  };
  return { client, calls: () => calls };
}

const ARN = 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:remit/provider';

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('hunter2');
    expect(String(s)).toBe('[secret]');
    expect(`${s}`).toBe('[secret]');
    expect(JSON.stringify({ s })).toBe('{"s":"[secret]"}');
    expect(inspect(s)).toBe('[secret]');
    expect(s.reveal()).toBe('hunter2');
  });
});

describe('cachedSecrets', () => {
  it('reads once per execution environment, sharing concurrent first reads', async () => {
    const { client, calls } = fakeClient([async () => ({ SecretString: 'v1' })]);
    const secrets = cachedSecrets(client);
    const [a, b] = await Promise.all([secrets.read(ARN), secrets.read(ARN)]);
    expect((await secrets.read(ARN)).reveal()).toBe('v1');
    expect(a.reveal()).toBe('v1');
    expect(b.reveal()).toBe('v1');
    expect(calls()).toBe(1);
  });

  it('does not cache a failure', async () => {
    const { client, calls } = fakeClient([
      async () => {
        throw new Error('throttled');
      },
      async () => ({ SecretString: 'v1' }),
    ]);
    const secrets = cachedSecrets(client);
    await expect(secrets.read(ARN)).rejects.toThrow(/could not read secret/);
    expect((await secrets.read(ARN)).reveal()).toBe('v1');
    expect(calls()).toBe(2);
  });

  it('reads again on refresh and after the ttl (rotation)', async () => {
    let now = 0;
    const { client, calls } = fakeClient([
      async () => ({ SecretString: 'v1' }),
      async () => ({ SecretString: 'v2' }),
    ]);
    const secrets = cachedSecrets(client, { ttlMs: 1_000, now: () => now });
    await secrets.read(ARN);
    expect((await secrets.read(ARN, { refresh: true })).reveal()).toBe('v2');
    now = 500;
    await secrets.read(ARN);
    expect(calls()).toBe(2);
    now = 2_000;
    await secrets.read(ARN);
    expect(calls()).toBe(3);
  });

  it('refuses an empty secret without printing anything of it', async () => {
    const { client } = fakeClient([async () => ({ SecretString: '' })]);
    await expect(cachedSecrets(client).read(ARN)).rejects.toThrow(/has no value/);
  });
});
