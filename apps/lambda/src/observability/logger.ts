/**
 * Structured JSON logs: one line per call, in the shape Powertools Logger prints (`level`,
 * `message`, `timestamp`, `service`, the Lambda context keys, `xray_trace_id`, then the call's
 * own keys), so log queries written for it keep working. Every line goes through
 * {@link maskingReplacer}: a new log call cannot forget to mask.
 *
 * Ours rather than Powertools': the handlers need five methods of it, and the library's import
 * and construction cost every cold start a few milliseconds (`pnpm bench cold`).
 */
import type { Context } from 'aws-lambda';
import { maskingReplacer } from './mask.js';

/** Powertools' levels and thresholds (`SILENT` prints nothing). */
const THRESHOLD = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof THRESHOLD;
/** Every level, for configuration parsers. */
export const LOG_LEVELS = Object.keys(THRESHOLD) as readonly LogLevel[];

export type LogAttributes = Readonly<Record<string, unknown>>;

export interface LoggerOptions {
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /**
   * Where a line goes. Default: DEBUG and INFO to stdout, WARN and above to stderr, as Powertools
   * does (Lambda sends both to the function's log group).
   */
  readonly write?: (line: string, level: LogLevel) => void;
}

const writeStd = (line: string, level: LogLevel): void => {
  (THRESHOLD[level] >= THRESHOLD.WARN ? process.stderr : process.stdout).write(`${line}\n`);
};

/**
 * The app's logger.
 *
 * @example
 * ```ts
 * const logger = new Logger({ serviceName: 'remit', logLevel: 'INFO' });
 * logger.addContext(context);
 * logger.info('payout succeeded', { remittanceId, error });
 * ```
 */
export class Logger {
  readonly #service: string;
  readonly #threshold: number;
  readonly #write: (line: string, level: LogLevel) => void;
  /** The Lambda context keys of the current invocation. */
  #context: Readonly<Record<string, unknown>> = {};
  #coldStart = true;

  constructor(options: LoggerOptions) {
    this.#service = options.serviceName;
    this.#threshold = THRESHOLD[options.logLevel];
    this.#write = options.write ?? writeStd;
  }

  /** The invocation's context on every following line; `cold_start` is true for the first one only. */
  addContext(context: Context): void {
    this.#context = {
      cold_start: this.#coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.#coldStart = false;
  }

  debug(message: string, attributes?: LogAttributes): void {
    this.#log('DEBUG', message, attributes);
  }

  info(message: string, attributes?: LogAttributes): void {
    this.#log('INFO', message, attributes);
  }

  warn(message: string, attributes?: LogAttributes): void {
    this.#log('WARN', message, attributes);
  }

  error(message: string, attributes?: LogAttributes): void {
    this.#log('ERROR', message, attributes);
  }

  #log(level: LogLevel, message: string, attributes: LogAttributes | undefined): void {
    if (THRESHOLD[level] < this.#threshold) return;
    const line: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...this.#context,
      xray_trace_id: xrayTraceId(),
    };
    // A call's own keys come after, and never overwrite the keys above.
    if (attributes !== undefined) {
      for (const [key, value] of Object.entries(attributes)) if (!(key in line)) line[key] = value;
    }
    this.#write(JSON.stringify(line, lineReplacer()), level);
  }
}

/** What the Lambda runtime exposes of the current invocation's trace (per invocation, so read per line). */
interface LambdaGlobal {
  readonly awslambda?: { readonly InvokeStore?: { getXRayTraceId(): string | undefined } };
}

/** The Root of the X-Ray trace header (`Root=1-...;Parent=...;Sampled=1`), if there is one. */
function xrayTraceId(): string | undefined {
  const header =
    (globalThis as LambdaGlobal).awslambda?.InvokeStore?.getXRayTraceId() ?? process.env._X_AMZN_TRACE_ID;
  if (header === undefined || header === '') return undefined;
  if (!header.includes('=')) return header;
  return /(?:^|;)Root=([^;]*)/.exec(header)?.[1];
}

/**
 * Masking first, then what `JSON.stringify` cannot do alone: errors as objects (their own keys
 * too, e.g. a RemitError's `code`), bigints as strings, and circular references dropped (an SDK
 * error can reach its own response) instead of throwing from a log call.
 */
function lineReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, key: string, value: unknown): unknown {
    let out = maskingReplacer(key, value);
    if (out instanceof Error) out = errorJson(out);
    if (typeof out === 'bigint') return out.toString();
    if (typeof out === 'object' && out !== null) {
      // `this` is the object holding `key`: drop the ancestors we have returned from.
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(out)) return undefined;
      ancestors.push(out);
    }
    return out;
  };
}

function errorJson(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: error.name,
    location: codeLocation(error.stack),
    message: error.message,
    stack: error.stack,
    cause: error.cause,
  };
  for (const key of Object.keys(error))
    if (!(key in out)) out[key] = (error as unknown as Record<string, unknown>)[key];
  return out;
}

/** `file:line` of the first stack frame, as Powertools prints it. */
function codeLocation(stack: string | undefined): string {
  for (const frame of stack?.split('\n') ?? []) {
    const match = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/.exec(frame);
    if (match !== null) return `${match[1]}:${Number(match[2])}`;
  }
  return '';
}
