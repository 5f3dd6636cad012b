/**
 * Per-day bank-transaction sequence numbers from Redis: one Lua script (loaded once, then
 * EVALSHA through ioredis' `defineCommand`) checks the maximum, INCRs and refreshes the expiry
 * atomically, so the number and its bound are one round trip.
 *
 *   key  <prefix>seq:<institution>:<YYYYMMDD KST>   (a fresh counter each business date)
 *   ttl  >= 48 h after the last draw: the key outlives its date whatever time zone a caller thinks in
 *
 * Redis replication is asynchronous: a failover (or a restart without persistence) can hand a
 * number out again (`guarantee: 'may_repeat'`). That is caught durably by the idempotency store's
 * (date, bank id) reservation, and the caller draws again; this class only has to be fast and bounded.
 */
import {
  ErrorCode,
  type NextSequenceInput,
  type NextSequenceResult,
  RemitError,
  type SequenceGenerator,
  SequenceGuarantee,
} from '@remit/core';
import type { Redis, RedisOptions } from 'ioredis';

const COMMAND = 'remitSequenceNext';
/** Returns the new value, or -1 when the counter is already at the maximum (nothing incremented). */
export const SEQUENCE_LUA = `
local max = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= max then return -1 end
local value = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return value
`;

/** 48 h: a key written at 23:59 KST still exists a full day after its date ended. */
export const MIN_SEQUENCE_TTL_SEC = 48 * 60 * 60;

/** The parts of an ioredis client this adapter uses. */
export type SequenceRedisClient = Pick<Redis, 'defineCommand'>;

export interface RedisSequenceGeneratorOptions {
  /** An ioredis client; build it with {@link sequenceRedisOptions} for bounded failure. */
  readonly redis: SequenceRedisClient;
  /** The formatter's daily maximum (`openBankingFormat.maxSequence`, `firmBankingFormat.maxSequence`). */
  readonly maxSequence: number;
  /** Prepended to every key, so several deployments (or test files) can share one Redis. Default `remit:`. */
  readonly keyPrefix?: string;
  /** Expiry refreshed on every draw; at least 48 h. Default 48 h. */
  readonly ttlSec?: number;
}

/**
 * ioredis options without `replyMapping`, whose declaration clashes with the constructor's under
 * `exactOptionalPropertyTypes`.
 */
export type SequenceRedisOptions = Omit<RedisOptions, 'replyMapping'>;

/**
 * ioredis options that make a dead Redis fail fast and visibly instead of queueing forever:
 * every command (queued while reconnecting or sent) fails after `commandTimeoutMs`, at most one
 * resend per command, reconnection backoff capped at 2 s.
 *
 * @example
 * ```ts
 * const redis = new Redis(process.env.REDIS_URL, sequenceRedisOptions());
 * ```
 */
export function sequenceRedisOptions(overrides: SequenceRedisOptions = {}): SequenceRedisOptions {
  return {
    connectTimeout: 2_000,
    // Bounds the offline queue: a command waiting for a reconnect fails after this too.
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    ...overrides,
  };
}

type SequenceCommand = (key: string, max: number, ttlSec: number) => Promise<number>;

/** Redis server answers that mean "not now" rather than "wrong": retrying may help. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MOVED|ASK)\b/;

/**
 * {@link SequenceGenerator} over Redis.
 *
 * @example
 * ```ts
 * const sequence = new RedisSequenceGenerator({ redis, maxSequence: openBankingFormat.maxSequence });
 * const { value } = await sequence.next({ institution, businessDate });
 * ```
 */
export class RedisSequenceGenerator implements SequenceGenerator {
  /** Replication is asynchronous: a failover can hand recent numbers out again. */
  readonly guarantee = SequenceGuarantee.MayRepeat;
  private readonly command: SequenceCommand;
  private readonly maxSequence: number;
  private readonly keyPrefix: string;
  private readonly ttlSec: number;

  constructor(options: RedisSequenceGeneratorOptions) {
    if (!Number.isSafeInteger(options.maxSequence) || options.maxSequence < 1) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `maxSequence must be a positive integer, got ${options.maxSequence}`,
      );
    }
    const ttlSec = options.ttlSec ?? MIN_SEQUENCE_TTL_SEC;
    if (!Number.isSafeInteger(ttlSec) || ttlSec < MIN_SEQUENCE_TTL_SEC) {
      throw new RemitError(
        ErrorCode.InvalidConfig,
        `ttlSec must be at least ${MIN_SEQUENCE_TTL_SEC} (48 h), got ${ttlSec}`,
      );
    }
    this.maxSequence = options.maxSequence;
    this.keyPrefix = options.keyPrefix ?? 'remit:';
    this.ttlSec = ttlSec;
    const redis = options.redis;
    // Idempotent: defining the same command twice on one client just replaces it.
    redis.defineCommand(COMMAND, { lua: SEQUENCE_LUA, numberOfKeys: 1 });
    const command = (redis as unknown as Record<string, SequenceCommand>)[COMMAND];
    if (command === undefined)
      throw new RemitError(ErrorCode.InvalidConfig, 'redis client does not support defineCommand');
    this.command = command.bind(redis);
  }

  /** The Redis key of one (institution, business date) counter. */
  keyOf(input: NextSequenceInput): string {
    return `${this.keyPrefix}seq:${input.institution}:${input.businessDate}`;
  }

  async next(input: NextSequenceInput): Promise<NextSequenceResult> {
    let value: number;
    try {
      value = Number(await this.command(this.keyOf(input), this.maxSequence, this.ttlSec));
    } catch (err) {
      throw redisError(err, input);
    }
    if (value === -1) {
      throw new RemitError(
        ErrorCode.SequenceExhausted,
        `sequence for ${input.institution} on ${input.businessDate} reached its maximum ${this.maxSequence}`,
        {
          details: {
            institution: input.institution,
            businessDate: input.businessDate,
            max: this.maxSequence,
          },
        },
      );
    }
    if (!Number.isSafeInteger(value) || value < 1 || value > this.maxSequence) {
      throw new RemitError(ErrorCode.Internal, `sequence script returned ${value}`);
    }
    return { value };
  }
}

function redisError(err: unknown, input: NextSequenceInput): RemitError {
  const message = err instanceof Error ? err.message : String(err);
  const isReply = err instanceof Error && err.name === 'ReplyError';
  const transient = !isReply || TRANSIENT_REPLY.test(message);
  return new RemitError(
    transient ? ErrorCode.Unavailable : ErrorCode.Internal,
    `Redis sequence for ${input.institution}/${input.businessDate} failed: ${message}`,
    { retryable: transient, cause: err },
  );
}
