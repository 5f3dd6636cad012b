import { ErrorCode, RemitError } from '@remit/core';

export interface FaultOptions<Op extends string> {
  /** Only this operation; default: the next call of any operation. */
  readonly op?: Op;
  /**
   * Apply the write, then throw anyway: the "applied but reported as failed" case DynamoDB produces
   * on a timeout after the write landed. Default false (nothing applied).
   */
  readonly applied?: boolean;
}

export interface FailNextOptions<Op extends string> extends FaultOptions<Op> {
  /** How many calls fail. Default 1. */
  readonly times?: number;
  /** The error thrown. Default: a retryable `RemitError` INTERNAL naming the operation. */
  readonly error?: Error | ((op: Op) => Error);
}

interface PendingFault<Op extends string> {
  readonly op: Op | undefined;
  readonly applied: boolean;
  readonly make: (op: Op) => Error;
  remaining: number;
}

/**
 * Scripted infrastructure failures for a memory adapter. Faults are consumed in the order they
 * were added by the first call they match.
 *
 *   before (default)   throw ─────────────── nothing written
 *   applied: true      write ── throw ────── written, but the caller saw an error
 *
 * @example
 * ```ts
 * store.faults.conflictNext(2, { op: 'claim' });            // two claims fail with CONFLICT
 * store.faults.failNext({ op: 'complete', applied: false }); // a crash before completion
 * ```
 */
export class Faults<Op extends string> {
  readonly #pending: PendingFault<Op>[] = [];
  #injected = 0;

  /** The next `n` matching calls throw `CONFLICT` (retryable), like a lost transaction race. */
  conflictNext(n = 1, options: FaultOptions<Op> = {}): this {
    return this.#add(
      n,
      options,
      (op) => new RemitError(ErrorCode.Conflict, `injected conflict on ${op}`, { retryable: true }),
    );
  }

  /** The next `n` matching calls throw `UNAVAILABLE` (retryable), like throttling. */
  throttleNext(n = 1, options: FaultOptions<Op> = {}): this {
    return this.#add(
      n,
      options,
      (op) => new RemitError(ErrorCode.Unavailable, `injected throttling on ${op}`, { retryable: true }),
    );
  }

  /** The next matching call(s) throw the given error (a crash, a timeout, anything). */
  failNext(options: FailNextOptions<Op> = {}): this {
    const { error } = options;
    const make =
      error === undefined
        ? (op: Op) => new RemitError(ErrorCode.Internal, `injected failure on ${op}`, { retryable: true })
        : typeof error === 'function'
          ? error
          : () => error;
    return this.#add(options.times ?? 1, options, make);
  }

  /** Drop every fault not yet consumed. */
  clear(): void {
    this.#pending.length = 0;
  }

  /** Faults still waiting for a call. */
  get pending(): number {
    return this.#pending.reduce((n, f) => n + f.remaining, 0);
  }

  /** Faults thrown so far. */
  get injected(): number {
    return this.#injected;
  }

  /**
   * Run one operation under the fault plan. The yield first lets concurrent callers interleave
   * at operation boundaries (as they do against a real server); `apply` itself is synchronous and
   * therefore atomic.
   */
  async run<T>(op: Op, apply: () => T): Promise<T> {
    await Promise.resolve();
    const fault = this.#take(op);
    if (fault !== undefined && !fault.applied) {
      this.#injected += 1;
      throw fault.make(op);
    }
    const result = apply();
    if (fault !== undefined) {
      this.#injected += 1;
      throw fault.make(op);
    }
    return result;
  }

  #add(n: number, options: FaultOptions<Op>, make: (op: Op) => Error): this {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`fault count must be >= 1, got ${n}`);
    this.#pending.push({ op: options.op, applied: options.applied ?? false, make, remaining: n });
    return this;
  }

  #take(op: Op): PendingFault<Op> | undefined {
    const index = this.#pending.findIndex((f) => f.op === undefined || f.op === op);
    if (index < 0) return undefined;
    const fault = this.#pending[index]!;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#pending.splice(index, 1);
    return fault;
  }
}
