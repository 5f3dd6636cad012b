/**
 * One error family for everything that is not an expected business outcome.
 *
 * Business outcomes (matched, ambiguous, rejected, unknown, ...) are returned as discriminated
 * unions. What is thrown is either bad input (`retryable: false`, the caller must fix it) or an
 * infrastructure failure (`retryable` says whether trying again can help). Programmer errors are
 * assertions (`assert`), which crash.
 */

export const ErrorCode = {
  /** Input failed validation (amount, id, message body). Never retryable. */
  InvalidInput: 'INVALID_INPUT',
  /** Configuration is wrong. Never retryable. */
  InvalidConfig: 'INVALID_CONFIG',
  /** The per-day sequence reached the provider's maximum; no number is handed out. */
  SequenceExhausted: 'SEQUENCE_EXHAUSTED',
  /** A store was throttled or briefly unavailable (DynamoDB throughput, Redis down). */
  Unavailable: 'UNAVAILABLE',
  /** An optimistic write lost a race that a retry can win (transaction conflict). */
  Conflict: 'CONFLICT',
  /** The provider refused the caller itself (source IP not allow-listed, bad credentials). */
  ProviderAccessDenied: 'PROVIDER_ACCESS_DENIED',
  /** The provider answered something the protocol does not allow. */
  ProviderProtocol: 'PROVIDER_PROTOCOL',
  /** A dependency failed in a way not classified above. */
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The one thrown error type of remit.
 *
 * @example
 * ```ts
 * throw new RemitError('UNAVAILABLE', 'DynamoDB throttled the claim', { retryable: true, cause: err });
 * ```
 */
export class RemitError extends Error {
  override readonly name = 'RemitError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

/**
 * Narrow an unknown thrown value to a `RemitError`.
 *
 * @example
 * ```ts
 * if (isRemitError(err) && err.retryable) retryLater();
 * ```
 */
export function isRemitError(value: unknown): value is RemitError {
  return value instanceof RemitError;
}

/** Shorthand for bad input: a clear message, never retryable. */
export function invalidInput(message: string, details?: Record<string, unknown>): RemitError {
  return new RemitError(ErrorCode.InvalidInput, message, details === undefined ? {} : { details });
}

/**
 * Exhaustiveness guard for `switch` over discriminated unions.
 *
 * @example
 * ```ts
 * switch (outcome.kind) { case 'a': ...; case 'b': ...; default: assertNever(outcome); }
 * ```
 */
export function assertNever(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}

/**
 * Assertion for programmer errors: crashes, never caught as a business outcome.
 *
 * @example
 * ```ts
 * assert(fence > 0, 'fence tokens start at 1');
 * ```
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
