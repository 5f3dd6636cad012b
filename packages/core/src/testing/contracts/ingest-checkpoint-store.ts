/**
 * The contract every `IngestCheckpointStore` adapter passes (memory; DynamoDB on the orders table).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRemitError } from '../../errors.js';
import { type AccountId, parseAccountId } from '../../ids.js';
import type { IngestCheckpointStore } from '../../ports/ingest-checkpoint-store.js';
import { uniqueTag } from './fixtures.js';

export interface IngestCheckpointStoreSubject {
  readonly store: IngestCheckpointStore;
  /**
   * A second instance over the same checkpoints (another Lambda environment), for adapters whose
   * state is shared (DynamoDB). Omit it for a process-local store.
   */
  readonly peer?: IngestCheckpointStore;
}

export interface IngestCheckpointStoreContractOptions {
  readonly name: string;
  /** Called before every test. The suite isolates tests by account, so a shared store is fine. */
  readonly create: () => Promise<IngestCheckpointStoreSubject>;
  readonly destroy?: (subject: IngestCheckpointStoreSubject) => Promise<void>;
}

/** 2026-11-28 10:00 KST. */
const T0 = Date.UTC(2026, 10, 28, 1, 0);
const MINUTE = 60_000;

/**
 * Registers the IngestCheckpointStore contract with vitest.
 *
 * @example
 * ```ts
 * describeIngestCheckpointStoreContract({
 *   name: 'MemoryIngestCheckpointStore',
 *   create: async () => ({ store: new MemoryIngestCheckpointStore() }),
 * });
 * ```
 */
export function describeIngestCheckpointStoreContract(options: IngestCheckpointStoreContractOptions): void {
  describe(`IngestCheckpointStore contract: ${options.name}`, () => {
    let subject: IngestCheckpointStoreSubject;
    let store: IngestCheckpointStore;
    let accountId: AccountId;
    beforeEach(async () => {
      subject = await options.create();
      store = subject.store;
      accountId = parseAccountId(`acct-${uniqueTag()}`);
    });
    afterEach(async () => {
      await options.destroy?.(subject);
    });

    it('an account never read has no checkpoint', async () => {
      expect(await store.get({ accountId })).toBeUndefined();
    });

    it('advance creates the checkpoint, then moves it forward', async () => {
      expect(await store.advance({ accountId, readUpToMs: T0 })).toEqual({ kind: 'advanced' });
      expect(await store.get({ accountId })).toEqual({ readUpToMs: T0 });
      expect(await store.advance({ accountId, readUpToMs: T0 + 5 * MINUTE })).toEqual({ kind: 'advanced' });
      expect(await store.get({ accountId })).toEqual({ readUpToMs: T0 + 5 * MINUTE });
    });

    it('never moves backwards: an older or equal instant is stale and changes nothing', async () => {
      await store.advance({ accountId, readUpToMs: T0 + 10 * MINUTE });
      expect(await store.advance({ accountId, readUpToMs: T0 })).toEqual({ kind: 'stale' });
      expect(await store.advance({ accountId, readUpToMs: T0 + 10 * MINUTE })).toEqual({ kind: 'stale' });
      expect(await store.get({ accountId })).toEqual({ readUpToMs: T0 + 10 * MINUTE });
    });

    it('keeps one checkpoint per account', async () => {
      const other = parseAccountId(`acct-${uniqueTag()}`);
      await store.advance({ accountId, readUpToMs: T0 + MINUTE });
      await store.advance({ accountId: other, readUpToMs: T0 + 2 * MINUTE });
      expect(await store.get({ accountId })).toEqual({ readUpToMs: T0 + MINUTE });
      expect(await store.get({ accountId: other })).toEqual({ readUpToMs: T0 + 2 * MINUTE });
    });

    it('concurrent advances (across instances if shared): the latest instant wins, whatever the order', async () => {
      const peer = subject.peer ?? store;
      // Shuffled so the highest neither comes first nor last.
      const instants = [7, 3, 19, 1, 12, 20, 5, 16, 9, 2].map((m) => T0 + m * MINUTE);
      const results = await Promise.all(
        instants.map((readUpToMs, i) => (i % 2 === 0 ? store : peer).advance({ accountId, readUpToMs })),
      );
      expect(await store.get({ accountId })).toEqual({ readUpToMs: T0 + 20 * MINUTE });
      expect(await peer.get({ accountId })).toEqual({ readUpToMs: T0 + 20 * MINUTE });
      // The winner's write applied; whatever raced it, at least one advanced.
      expect(results[instants.indexOf(T0 + 20 * MINUTE)]).toEqual({ kind: 'advanced' });
      for (const r of results) expect(['advanced', 'stale']).toContain(r.kind);
    });

    it('concurrent advances to one instant: exactly one advances', async () => {
      const peer = subject.peer ?? store;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? store : peer).advance({ accountId, readUpToMs: T0 }),
        ),
      );
      expect(results.filter((r) => r.kind === 'advanced')).toHaveLength(1);
      expect(await store.get({ accountId })).toEqual({ readUpToMs: T0 });
    });

    it('refuses an instant that is not integer epoch ms', async () => {
      for (const readUpToMs of [T0 + 0.5, Number.NaN]) {
        const err = await store.advance({ accountId, readUpToMs }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isRemitError(err) && err.code === 'INVALID_INPUT', String(err)).toBe(true);
      }
      expect(await store.get({ accountId })).toBeUndefined();
    });
  });
}
