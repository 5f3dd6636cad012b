/**
 * The Lambda app's configuration: every environment variable is read here, once, and parsed with
 * zod. A wrong or missing value stops the start with one message that names each variable and
 * what was expected, so an operator fixes them all in one deploy instead of one per cold start.
 * `zod/mini`, not classic zod: classic zod's import alone costs a Lambda ~20 ms of CPU at every
 * cold start (`pnpm bench cold`).
 *
 * Two layers:
 * - `Settings`: business knobs with defaults (fees, windows, leases); the memory composition and
 *   the demo use them too.
 * - `AwsConfig`: where the resources are (tables, queues, Redis, provider) — required in AWS.
 *
 * Values are not echoed back in error messages (a Redis URL may carry a password); only core's id
 * and code parsers quote what they got, which is never secret.
 */
import {
  type AccountId,
  type BankTranIdFormat,
  DEFAULT_MAINTENANCE_WINDOW,
  ErrorCode,
  type FeePolicy,
  firmBankingFormat,
  type IngestConfig,
  type InstitutionCode,
  type MatchPolicyConfig,
  openBankingFormat,
  parseAccountId,
  parseInstitutionCode,
  parseKrw,
  parseMaintenanceWindow,
  type RemitConfig,
  RemitError,
} from '@remit/core';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { LOG_LEVELS, type LogLevel } from './observability/logger.js';

// mini loads no locale: without one, checks without a message of their own say "Invalid input".
if (z.config().localeError === undefined) z.config(en());

export type Env = Readonly<Record<string, string | undefined>>;

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Knobs of the use cases; every one has a default. */
export interface Settings {
  readonly serviceName: string;
  readonly metricsNamespace: string;
  /** Lambda's application log level when the function sets one, else POWERTOOLS_LOG_LEVEL, else INFO. */
  readonly logLevel: LogLevel;
  readonly institution: InstitutionCode;
  readonly accounts: readonly ReceivingAccount[];
  readonly remit: RemitConfig;
  readonly ingest: IngestConfig;
  /** Records examined per reconcile run: bounded so one run fits the function timeout. */
  readonly reconcileLimit: number;
  /**
   * The remittance queue's redrive `maxReceiveCount`: a record on its last receives runs even
   * behind a failed record of its group, so it never reaches the dead-letter queue untried.
   */
  readonly queueMaxReceives: number;
}

/** Where the AWS resources are. */
export interface AwsConfig {
  readonly settings: Settings;
  readonly region: string | undefined;
  readonly tables: { readonly idempotency: string; readonly orders: string; readonly sequences: string };
  readonly queueUrl: string;
  readonly eventsQueueUrl: string;
  /** Absent: sequences come from the DynamoDB counter table. */
  readonly redis: { readonly url: string; readonly authSecretArn: string | undefined } | undefined;
  readonly provider: {
    readonly baseUrl: string;
    /** Secrets Manager secret: JSON `{ "accessToken": "..." }`. */
    readonly secretArn: string;
    /** Our paying account (`cntr_account_num`). */
    readonly payerAccountNumber: string;
    /** Receiving account id -> provider account number. */
    readonly accountNumbers: Readonly<Record<string, string>>;
    /** Per call (undici headers + body timeouts); well below the lease. */
    readonly timeoutMs: number;
    /** Connections the undici Pool keeps to the provider. */
    readonly connections: number;
  };
  /** Loopback endpoints for local runs (demo, tests); absent in AWS. */
  readonly endpoints: { readonly dynamodb: string | undefined; readonly sqs: string | undefined };
}

// ---------------------------------------------------------------- one schema per variable

/** A variable's schema: it parses a set, non-blank value. */
type Value<T> = z.ZodMiniType<T, string>;

/**
 * What an unset or blank variable means: a problem (`missing`), `undefined`, or a default value.
 * Decided here rather than in the schemas (one check instead of a zod pipe per variable, built at
 * every cold start), and a default is the value itself: a constant needs no parsing at init.
 */
type WhenAbsent<T> = 'missing' | 'undefined' | { readonly value: T };

interface Input<T> {
  readonly schema: Value<T>;
  readonly whenAbsent: WhenAbsent<T>;
}

interface Var<T> extends Input<T> {
  /** What a right value looks like: printed when the value is missing or wrong. */
  readonly expected: string;
}

/** A variable: its schema (required) or `withDefault`/`optional` of one, and what is expected. */
const v = <T>(input: Value<T> | Input<T>, expected: string): Var<T> =>
  'whenAbsent' in input ? { ...input, expected } : { schema: input, whenAbsent: 'missing', expected };

const withDefault = <T>(schema: Value<T>, value: T): Input<T> => ({ schema, whenAbsent: { value } });
const optional = <T>(schema: Value<T>): Input<T | undefined> => ({ schema, whenAbsent: 'undefined' });

/** `input`, then one of core's parsers (or ours): a thrown error becomes the issue's message. */
const parsedBy = <T>(input: z.ZodMiniType<string, string>, parse: (value: string) => T) =>
  z.pipe(
    input,
    z.transform((value: string, ctx): T => {
      try {
        return parse(value);
      } catch (err) {
        ctx.issues.push({
          code: 'custom',
          message: err instanceof Error ? err.message : String(err),
          input: value,
        });
        return z.NEVER;
      }
    }),
  );

const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
const isUrl = (protocols: readonly string[]) => (s: string) => {
  try {
    return protocols.includes(new URL(s).protocol);
  } catch {
    return false;
  }
};
const httpUrl = text.check(z.refine(isUrl(['http:', 'https:']), 'not an http(s) URL'));
const tableName = text.check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'not a DynamoDB table name'));
const secretArn = text.check(
  z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'not a secret ARN'),
);
/** Digits only, as a number: a whole one, so a variable only adds its range. */
const wholeNumber = z.pipe(text.check(z.regex(/^\d+$/, 'not a whole number')), z.transform(Number));
const int = (min: number, max: number) => wholeNumber.check(z.minimum(min), z.maximum(max));

const feePolicy = parsedBy(text, (s): FeePolicy => {
  const m = /^(flat|rate):(\d+)$/.exec(s);
  if (m === null) throw new Error('not "flat:<won>" or "rate:<basis points>"');
  if (m[1] === 'flat') return { kind: 'flat', feeKrw: parseKrw(m[2]) };
  const basisPoints = Number(m[2]);
  if (basisPoints > 10_000) throw new Error('rate above 10000 basis points (100%)');
  return { kind: 'rate', basisPoints };
});

/** One receiving account: remit's id and, for the provider, its account number. */
export interface ReceivingAccount {
  readonly id: AccountId;
  /** Absent when only ids were given (memory runs); the AWS config requires it. */
  readonly accountNumber: string | undefined;
}

const ACCOUNT_NUMBER = /^[0-9-]{6,20}$/;

const accounts = parsedBy(text, (s): readonly ReceivingAccount[] => {
  const pairs: [string, string | undefined][] = s.startsWith('{')
    ? Object.entries(JSON.parse(s) as Record<string, unknown>).map(([k, n]) => [k, String(n)])
    : s.split(',').map((part) => {
        const [id, number] = part.split('=').map((x) => x.trim());
        return [id ?? '', number === '' ? undefined : number];
      });
  if (pairs.length === 0) throw new Error('no account');
  const list = pairs.map(([id, accountNumber]) => {
    if (accountNumber !== undefined && !ACCOUNT_NUMBER.test(accountNumber)) {
      throw new Error(`the account number of ${id} is not 6-20 digits or dashes`);
    }
    return { id: parseAccountId(id), accountNumber };
  });
  if (new Set(list.map((a) => a.id)).size !== list.length) throw new Error('an account is listed twice');
  return list;
});

/** Log levels in any case, as Powertools read them. */
const upperCase = z.pipe(
  text,
  z.transform((s: string) => s.toUpperCase()),
);

const settingsVars = {
  POWERTOOLS_SERVICE_NAME: v(withDefault(text, 'remit'), 'a service name for logs and metrics'),
  POWERTOOLS_METRICS_NAMESPACE: v(withDefault(text, 'Remit'), 'a CloudWatch metrics namespace'),
  POWERTOOLS_LOG_LEVEL: v(
    optional(z.pipe(upperCase, z.enum(LOG_LEVELS))),
    `a log level: ${LOG_LEVELS.join(', ')}`,
  ),
  // Set by Lambda when the function has an application log level (JSON log format); it wins.
  AWS_LAMBDA_LOG_LEVEL: v(
    optional(z.pipe(upperCase, z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']))),
    "Lambda's application log level (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)",
  ),
  REMIT_INSTITUTION_CODE: v(
    parsedBy(text, parseInstitutionCode),
    'the 10-character institution code the provider issued (A-Z, 0-9), e.g. T991234560',
  ),
  REMIT_ACCOUNTS: v(
    accounts,
    'the receiving accounts to ingest as id=accountNumber pairs, comma-separated (or a JSON object), e.g. acct-main=110-000-000001,acct-2=110-000-000002',
  ),
  REMIT_TRAN_ID_FORMAT: v(
    withDefault(z.enum(['open-banking', 'firm-banking']), 'open-banking'),
    '"open-banking" (20-char bank_tran_id) or "firm-banking" (6-digit daily sequence)',
  ),
  REMIT_LEASE_MS: v(
    withDefault(int(5 * SECOND_MS, 15 * MINUTE_MS), 60 * SECOND_MS),
    'a claim lease in ms between 5000 and 900000 (longer than one transfer call, shorter than the queue visibility timeout)',
  ),
  REMIT_MAINTENANCE_WINDOW: v(
    withDefault(parsedBy(text, parseMaintenanceWindow), DEFAULT_MAINTENANCE_WINDOW),
    'the bank maintenance window in KST as "HH:MM-HH:MM", e.g. 23:30-00:30',
  ),
  REMIT_UNKNOWN_ESCALATE_AFTER_MS: v(
    withDefault(int(MINUTE_MS, 7 * DAY_MS), 2 * HOUR_MS),
    'ms after which an unknown payout goes to manual review, between 60000 and 604800000',
  ),
  REMIT_MAX_DRAWS: v(withDefault(int(1, 20), 5), 'redraws of a sequence number already taken, 1-20'),
  REMIT_RETAIN_DAYS: v(
    withDefault(int(1, 3650), 90),
    'days finished remittance records are kept (TTL), 1-3650',
  ),
  REMIT_RETRY_AFTER_MS: v(
    withDefault(int(SECOND_MS, 12 * HOUR_MS), MINUTE_MS),
    'backoff in ms for unknown/busy payouts, between 1000 and 43200000 (SQS visibility maximum)',
  ),
  REMIT_INGEST_WINDOW_MS: v(
    withDefault(int(MINUTE_MS, DAY_MS), 15 * MINUTE_MS),
    'the overlapping deposit read window in ms, between 60000 and 86400000',
  ),
  // How far back one ingest run reads at most after an outage (older rows go to a person). Bounded
  // above so one run still fits the function timeout.
  REMIT_INGEST_MAX_LOOKBACK_MS: v(
    withDefault(int(HOUR_MS, 14 * DAY_MS), 3 * DAY_MS),
    'how far back in ms one ingest run reads at most after an outage, between 3600000 and 1209600000 and at least twice REMIT_INGEST_WINDOW_MS',
  ),
  REMIT_MAX_PAGES_PER_ACCOUNT: v(
    withDefault(int(1, 1000), 50),
    'deposit pages read per account per run, 1-1000',
  ),
  REMIT_NAME_BUDGET_BYTES: v(
    withDefault(int(4, 64), 12),
    'bytes of depositor name the bank prints, 4-64 (commonly 12: ~6 Hangul syllables)',
  ),
  REMIT_OVERPAYMENT: v(
    withDefault(z.enum(['match_and_owe', 'review']), 'match_and_owe'),
    '"match_and_owe" (pay the seller, owe the excess back) or "review"',
  ),
  REMIT_FEE: v(
    withDefault(feePolicy, { kind: 'flat', feeKrw: parseKrw(0) }),
    '"flat:<won>" or "rate:<basis points>", e.g. flat:500 or rate:250',
  ),
  REMIT_RECONCILE_LIMIT: v(withDefault(int(1, 10_000), 200), 'records examined per reconcile run, 1-10000'),
  REMIT_QUEUE_MAX_RECEIVES: v(
    withDefault(int(1, 1000), 5),
    "the remittance queue's redrive maxReceiveCount, 1-1000 (the infrastructure sets it)",
  ),
} as const;

const awsVars = {
  AWS_REGION: v(optional(text), 'an AWS region'),
  REMIT_IDEMPOTENCY_TABLE: v(tableName, 'the name of the idempotency DynamoDB table'),
  REMIT_ORDERS_TABLE: v(tableName, 'the name of the orders DynamoDB table'),
  REMIT_SEQUENCES_TABLE: v(tableName, 'the name of the sequences DynamoDB table'),
  REMIT_QUEUE_URL: v(
    httpUrl.check(z.refine((s) => s.endsWith('.fifo'), 'not a FIFO queue (name must end in .fifo)')),
    'the URL of the remittance SQS FIFO queue (ends in .fifo)',
  ),
  REMIT_EVENTS_QUEUE_URL: v(httpUrl, 'the URL of the remittance events SQS queue'),
  REMIT_REDIS_URL: v(
    optional(text.check(z.refine(isUrl(['redis:', 'rediss:']), 'not a redis:// or rediss:// URL'))),
    'a redis:// or rediss:// URL, or unset to use the DynamoDB sequence counter',
  ),
  REMIT_REDIS_AUTH_SECRET_ARN: v(
    optional(secretArn),
    'the ARN of the Secrets Manager secret holding the Redis auth token',
  ),
  REMIT_PROVIDER_BASE_URL: v(httpUrl, 'the transfer provider base URL, e.g. https://openapi.example.com'),
  REMIT_PROVIDER_SECRET_ARN: v(
    secretArn,
    'the ARN of the Secrets Manager secret holding the provider credentials',
  ),
  REMIT_PAYER_ACCOUNT: v(
    text.check(z.regex(ACCOUNT_NUMBER, 'not 6-20 digits or dashes')),
    'our paying (contracted) account number at the provider, e.g. 110-000-000900',
  ),
  REMIT_PROVIDER_TIMEOUT_MS: v(
    withDefault(int(500, 60 * SECOND_MS), 10 * SECOND_MS),
    'per-call provider timeout in ms, 500-60000',
  ),
  REMIT_PROVIDER_CONNECTIONS: v(withDefault(int(1, 256), 8), 'connections kept to the provider, 1-256'),
  REMIT_DYNAMODB_ENDPOINT: v(optional(httpUrl), 'an http(s) URL of a DynamoDB endpoint (local runs only)'),
  REMIT_SQS_ENDPOINT: v(optional(httpUrl), 'an http(s) URL of an SQS endpoint (local runs only)'),
} as const;

type Vars = Record<string, Var<unknown>>;
type Parsed<V extends Vars> = { [K in keyof V]: V[K] extends Var<infer T> ? T : never };

/** The undici Pool timeouts of the provider, derived from REMIT_PROVIDER_TIMEOUT_MS. */
export interface ProviderTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  /** undici's bodyTimeout: the longest pause between body chunks (responses are capped at 1 MiB). */
  readonly bodyMs: number;
}

export function providerTimeouts(timeoutMs: number): ProviderTimeouts {
  return { connectMs: Math.min(3 * SECOND_MS, timeoutMs), headersMs: timeoutMs, bodyMs: timeoutMs };
}

/** DynamoDB writes around the call and a Secrets Manager read for a refreshed token. */
const LEASE_MARGIN_MS = 5 * SECOND_MS;

/**
 * The longest a claimed payout can wait on the provider: one gateway call is up to two requests
 * (the transfer gateway resends once with a refreshed token after "bad credentials"), each up to
 * connect + headers + body timeouts, plus a margin for the store writes and the token read.
 */
export function worstCaseProviderCallMs(timeoutMs: number): number {
  const t = providerTimeouts(timeoutMs);
  return 2 * (t.connectMs + t.headersMs + t.bodyMs) + LEASE_MARGIN_MS;
}

/** Parse every variable; collect every problem before failing. */
function parseVars<V extends Vars>(vars: V, env: Env): Parsed<V> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(vars)) {
    const value = env[name];
    if (value === undefined || value.trim() === '') {
      if (spec.whenAbsent === 'missing') {
        problems.push(`${name} is missing; expected ${spec.expected}`);
        continue;
      }
      out[name] = spec.whenAbsent === 'undefined' ? undefined : spec.whenAbsent.value;
      continue;
    }
    const result = spec.schema.safeParse(value);
    if (result.success) {
      out[name] = result.data;
    } else {
      const why = result.error.issues.map((i) => i.message).join(', ');
      problems.push(`${name} is invalid (${why}); expected ${spec.expected}`);
    }
  }
  if (problems.length > 0) throw configError(problems);
  return out as Parsed<V>;
}

function configError(problems: readonly string[]): RemitError {
  return new RemitError(
    ErrorCode.InvalidConfig,
    `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    { details: { problems } },
  );
}

function formatOf(name: 'open-banking' | 'firm-banking'): BankTranIdFormat {
  return name === 'open-banking' ? openBankingFormat : firmBankingFormat;
}

function toSettings(p: Parsed<typeof settingsVars>): Settings {
  const retainMs = p.REMIT_RETAIN_DAYS * DAY_MS;
  const policy: MatchPolicyConfig = {
    nameBudgetBytes: p.REMIT_NAME_BUDGET_BYTES,
    overpayment: p.REMIT_OVERPAYMENT,
  };
  return {
    serviceName: p.POWERTOOLS_SERVICE_NAME,
    metricsNamespace: p.POWERTOOLS_METRICS_NAMESPACE,
    logLevel:
      p.AWS_LAMBDA_LOG_LEVEL === 'FATAL'
        ? 'CRITICAL'
        : (p.AWS_LAMBDA_LOG_LEVEL ?? p.POWERTOOLS_LOG_LEVEL ?? 'INFO'),
    institution: p.REMIT_INSTITUTION_CODE,
    accounts: p.REMIT_ACCOUNTS,
    remit: {
      institution: p.REMIT_INSTITUTION_CODE,
      format: formatOf(p.REMIT_TRAN_ID_FORMAT),
      leaseMs: p.REMIT_LEASE_MS,
      maintenance: p.REMIT_MAINTENANCE_WINDOW,
      unknownEscalateAfterMs: p.REMIT_UNKNOWN_ESCALATE_AFTER_MS,
      maxDraws: p.REMIT_MAX_DRAWS,
      retainMs,
      retryAfterMs: p.REMIT_RETRY_AFTER_MS,
    },
    ingest: {
      accounts: p.REMIT_ACCOUNTS.map((a) => a.id),
      windowMs: p.REMIT_INGEST_WINDOW_MS,
      maxLookbackMs: p.REMIT_INGEST_MAX_LOOKBACK_MS,
      policy,
      fees: p.REMIT_FEE,
      maxPagesPerAccount: p.REMIT_MAX_PAGES_PER_ACCOUNT,
      retainMs,
    },
    reconcileLimit: p.REMIT_RECONCILE_LIMIT,
    queueMaxReceives: p.REMIT_QUEUE_MAX_RECEIVES,
  };
}

/**
 * The business settings from an environment (defaults for everything but the institution code
 * and the accounts).
 *
 * @example
 * ```ts
 * const settings = parseSettings({ REMIT_INSTITUTION_CODE: 'T991234560', REMIT_ACCOUNTS: 'acct-main' });
 * ```
 */
export function parseSettings(env: Env): Settings {
  const parsed = parseVars(settingsVars, env);
  if (parsed.REMIT_INGEST_MAX_LOOKBACK_MS < 2 * parsed.REMIT_INGEST_WINDOW_MS) {
    throw configError([
      'REMIT_INGEST_MAX_LOOKBACK_MS is less than twice REMIT_INGEST_WINDOW_MS; expected at least twice the window (a run reads its overlap plus the time since the last complete read)',
    ]);
  }
  return toSettings(parsed);
}

/**
 * The whole AWS configuration. Throws `RemitError` `INVALID_CONFIG` whose message lists every
 * wrong or missing variable with what was expected.
 *
 * @example
 * ```ts
 * const config = parseAwsConfig(process.env);
 * ```
 */
export function parseAwsConfig(env: Env): AwsConfig {
  // Parse both layers before failing, so one message lists every problem.
  let settings: Settings | undefined;
  let aws: Parsed<typeof awsVars> | undefined;
  const problems: string[] = [];
  try {
    settings = parseSettings(env);
  } catch (err) {
    problems.push(...problemsOf(err));
  }
  try {
    aws = parseVars(awsVars, env);
  } catch (err) {
    problems.push(...problemsOf(err));
  }
  if (aws?.REMIT_REDIS_AUTH_SECRET_ARN !== undefined && aws.REMIT_REDIS_URL === undefined) {
    problems.push(
      'REMIT_REDIS_AUTH_SECRET_ARN is set but REMIT_REDIS_URL is missing; expected both or neither',
    );
  }
  if (
    settings !== undefined &&
    aws !== undefined &&
    settings.remit.leaseMs <= worstCaseProviderCallMs(aws.REMIT_PROVIDER_TIMEOUT_MS)
  ) {
    problems.push(
      `REMIT_LEASE_MS is too short for REMIT_PROVIDER_TIMEOUT_MS; expected more than ${worstCaseProviderCallMs(aws.REMIT_PROVIDER_TIMEOUT_MS)} ms (2 requests x (connect min(3000, timeout) + headers timeout + body timeout) + 5000), so the lease outlasts one provider call`,
    );
  }
  const numberless = settings?.accounts.filter((a) => a.accountNumber === undefined).map((a) => a.id) ?? [];
  if (numberless.length > 0) {
    problems.push(
      `REMIT_ACCOUNTS is invalid (no account number for ${numberless.join(', ')}); expected id=accountNumber pairs, e.g. acct-main=110-000-000001`,
    );
  }
  if (settings === undefined || aws === undefined || problems.length > 0) throw configError(problems);
  return {
    settings,
    region: aws.AWS_REGION,
    tables: {
      idempotency: aws.REMIT_IDEMPOTENCY_TABLE,
      orders: aws.REMIT_ORDERS_TABLE,
      sequences: aws.REMIT_SEQUENCES_TABLE,
    },
    queueUrl: aws.REMIT_QUEUE_URL,
    eventsQueueUrl: aws.REMIT_EVENTS_QUEUE_URL,
    redis:
      aws.REMIT_REDIS_URL === undefined
        ? undefined
        : { url: aws.REMIT_REDIS_URL, authSecretArn: aws.REMIT_REDIS_AUTH_SECRET_ARN },
    provider: {
      baseUrl: aws.REMIT_PROVIDER_BASE_URL,
      secretArn: aws.REMIT_PROVIDER_SECRET_ARN,
      payerAccountNumber: aws.REMIT_PAYER_ACCOUNT,
      accountNumbers: Object.fromEntries(settings.accounts.map((a) => [a.id, a.accountNumber!])),
      timeoutMs: aws.REMIT_PROVIDER_TIMEOUT_MS,
      connections: aws.REMIT_PROVIDER_CONNECTIONS,
    },
    endpoints: { dynamodb: aws.REMIT_DYNAMODB_ENDPOINT, sqs: aws.REMIT_SQS_ENDPOINT },
  };
}

function problemsOf(err: unknown): string[] {
  if (err instanceof RemitError && err.code === ErrorCode.InvalidConfig) {
    return (err.details?.problems as string[] | undefined) ?? [err.message];
  }
  throw err;
}

let cached: AwsConfig | undefined;

/**
 * `process.env`, parsed once per execution environment.
 *
 * @example
 * ```ts
 * const config = loadAwsConfig();
 * ```
 */
export function loadAwsConfig(): AwsConfig {
  cached ??= parseAwsConfig(process.env);
  return cached;
}
