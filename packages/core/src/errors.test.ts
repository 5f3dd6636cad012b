import { describe, expect, it } from 'vitest';
import { assert, assertNever, ErrorCode, invalidInput, isRemitError, RemitError } from './errors.js';

describe('RemitError', () => {
  it('carries a literal code, retryable (default false), cause and details', () => {
    const cause = new Error('socket hang up');
    const err = new RemitError(ErrorCode.Unavailable, 'DynamoDB throttled', {
      retryable: true,
      cause,
      details: { table: 'orders' },
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('RemitError');
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual({ table: 'orders' });
    const plain = new RemitError(ErrorCode.Internal, 'boom');
    expect(plain.retryable).toBe(false);
    expect(plain.cause).toBeUndefined();
    expect(plain.details).toBeUndefined();
  });

  it('isRemitError narrows only RemitErrors', () => {
    expect(isRemitError(new RemitError('CONFLICT', 'lost a race'))).toBe(true);
    expect(isRemitError(new Error('x'))).toBe(false);
    expect(isRemitError({ code: 'CONFLICT' })).toBe(false);
  });

  it('invalidInput is INVALID_INPUT, never retryable, with optional details', () => {
    const err = invalidInput('bad amount', { got: 'x' });
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.retryable).toBe(false);
    expect(err.details).toEqual({ got: 'x' });
    expect(invalidInput('no details').details).toBeUndefined();
  });
});

describe('assertions', () => {
  it('assert crashes with a plain Error (a programmer error, not a RemitError)', () => {
    expect(() => assert(true, 'fine')).not.toThrow();
    let caught: unknown;
    try {
      assert(0, 'fence tokens start at 1');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(isRemitError(caught)).toBe(false);
    expect((caught as Error).message).toBe('assertion failed: fence tokens start at 1');
  });

  it('assertNever reports the unexpected value', () => {
    expect(() => assertNever({ kind: 'surprise' } as never)).toThrow('unreachable: {"kind":"surprise"}');
  });
});
