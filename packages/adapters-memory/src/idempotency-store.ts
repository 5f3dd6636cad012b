import {
  type BankTranId,
  type BusinessDate,
  type CancelRemittanceInput,
  type CancelRemittanceResult,
  type CheckpointInput,
  type CheckpointResult,
  type ClaimInput,
  type ClaimResult,
  type Clock,
  type CompleteInput,
  type CompleteResult,
  type GetRecordInput,
  type IdempotencyStore,
  type InstantMs,
  invalidInput,
  type ListOpenInput,
  type MarkReversedInput,
  type MarkReversedResult,
  type RecordPage,
  type RemittanceId,
  type RemittanceRecord,
  RemittanceStatus,
  TERMINAL_STATUSES,
} from '@remit/core';
import { Faults } from './faults.js';

export type IdempotencyStoreOp =
  | 'claim'
  | 'checkpoint'
  | 'complete'
  | 'cancel'
  | 'markReversed'
  | 'get'
  | 'listOpen';

export interface MemoryIdempotencyStoreOptions {
  /** Reads treat a record past its TTL as absent by this clock (as DynamoDB readers must). */
  readonly clock: Clock;
  /** Cap on `listOpen` page size. Default 100 (DynamoDB's adapter caps at the same). */
  readonly maxPageSize?: number;
}

/** One applied write, for assertions ("the bank id was written before the transfer call"). */
export interface StoreWrite {
  readonly op: IdempotencyStoreOp;
  readonly record: RemittanceRecord;
}

interface Stored {
  record: RemittanceRecord;
  /** TTL: set when the record becomes terminal. */
  expiresAt?: InstantMs;
}

/**
 * The idempotency store in memory: leases, fencing tokens, payload hashes, TTL (read as absent
 * once expired, by the clock), and (businessDate, bankTranId) reservations made in the same
 * atomic step as the claim or checkpoint that writes the id when it asks for one
 * (`reserveBankTranId`). Every record is also indexed by (businessDate, bankTranId), reserved or
 * not, as DynamoDB's `by-tran-key` index, so `markReversed` finds it either way.
 *
 *   claim ──► acquired (fence 1, lease now+leaseMs, id reserved)
 *   claim while lease live ──► busy
 *   claim after lease end / release ──► resumed (fence+1): the old holder is fenced
 *
 * @example
 * ```ts
 * const store = new MemoryIdempotencyStore({ clock });
 * store.faults.failNext({ op: 'complete' }); // crash before completion, once
 * ```
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly faults = new Faults<IdempotencyStoreOp>();
  readonly #clock: Clock;
  readonly #maxPageSize: number;
  readonly #records = new Map<RemittanceId, Stored>();
  /** `${businessDate}#${bankTranId}` -> owner. A reservation lives as long as its owner's record. */
  readonly #reservations = new Map<string, RemittanceId>();
  /**
   * `${businessDate}#${bankTranId}` -> every record that has carried it (the `by-tran-key` index).
   * More than one only if a generator broke its `unique` promise; `markReversed` checks each.
   */
  readonly #byTranKey = new Map<string, Set<RemittanceId>>();
  readonly #writes: StoreWrite[] = [];

  constructor(options: MemoryIdempotencyStoreOptions) {
    this.#clock = options.clock;
    this.#maxPageSize = options.maxPageSize ?? 100;
  }

  claim(input: ClaimInput): Promise<ClaimResult> {
    return this.faults.run('claim', () => {
      const existing = this.#live(input.remittanceId);
      if (existing === undefined) {
        if (
          input.reserveBankTranId &&
          this.#reservedByOther(input.businessDate, input.bankTranId, input.remittanceId)
        ) {
          return { kind: 'tran_id_taken' };
        }
        const record: RemittanceRecord = {
          remittanceId: input.remittanceId,
          payloadHash: input.payloadHash,
          payload: input.payload,
          status: RemittanceStatus.Sending,
          fence: 1,
          leaseUntil: input.now + input.leaseMs,
          bankTranId: input.bankTranId,
          businessDate: input.businessDate,
          // The claim is made right before the first transfer call: it counts that call.
          attempts: 1,
          createdAt: input.now,
          updatedAt: input.now,
        };
        if (input.reserveBankTranId) this.#reserve(input.businessDate, input.bankTranId, input.remittanceId);
        this.#index(input.businessDate, input.bankTranId, input.remittanceId);
        this.#write('claim', { record });
        return { kind: 'acquired', record };
      }
      const { record } = existing;
      if (record.payloadHash !== input.payloadHash) return { kind: 'payload_mismatch', record };
      if (TERMINAL_STATUSES.has(record.status)) return { kind: 'finished', record };
      if (record.leaseUntil > input.now) return { kind: 'busy', leaseUntil: record.leaseUntil };
      const resumed: RemittanceRecord = {
        ...record,
        fence: record.fence + 1,
        leaseUntil: input.now + input.leaseMs,
        updatedAt: input.now,
      };
      existing.record = resumed;
      this.#write('claim', existing);
      return { kind: 'resumed', record: resumed };
    });
  }

  checkpoint(input: CheckpointInput): Promise<CheckpointResult> {
    return this.faults.run('checkpoint', () => {
      const stored = this.#owned(input.remittanceId, input.fence);
      if (stored === undefined) return { kind: 'fenced' };
      const { record } = stored;
      if ((input.bankTranId === undefined) !== (input.businessDate === undefined)) {
        throw invalidInput('checkpoint: bankTranId and businessDate go together');
      }
      if (input.bankTranId !== undefined && input.businessDate !== undefined) {
        if (input.reserveBankTranId) {
          if (this.#reservedByOther(input.businessDate, input.bankTranId, input.remittanceId)) {
            return { kind: 'tran_id_taken' };
          }
          this.#reserve(input.businessDate, input.bankTranId, input.remittanceId);
        }
        this.#index(input.businessDate, input.bankTranId, input.remittanceId);
      }
      const leaseUntil =
        input.releaseLease === true
          ? input.now
          : input.leaseMs !== undefined
            ? input.now + input.leaseMs
            : record.leaseUntil;
      const unknownSince =
        record.unknownSince ?? (input.status === RemittanceStatus.Unknown ? input.now : undefined);
      const next: RemittanceRecord = {
        ...record,
        status: input.status,
        leaseUntil,
        attempts: record.attempts + (input.addAttempt === true ? 1 : 0),
        updatedAt: input.now,
        ...(input.bankTranId === undefined ? {} : { bankTranId: input.bankTranId }),
        ...(input.businessDate === undefined ? {} : { businessDate: input.businessDate }),
        ...(unknownSince === undefined ? {} : { unknownSince }),
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(input.providerCode === undefined ? {} : { providerCode: input.providerCode }),
      };
      stored.record = next;
      this.#write('checkpoint', stored);
      return { kind: 'ok', record: next };
    });
  }

  complete(input: CompleteInput): Promise<CompleteResult> {
    return this.faults.run('complete', () => {
      const stored = this.#live(input.remittanceId);
      if (stored === undefined || stored.record.fence !== input.fence) return { kind: 'fenced' };
      const { record } = stored;
      if (TERMINAL_STATUSES.has(record.status)) {
        // A retried completion whose first attempt landed ("applied but reported failed") is fine.
        return record.status === input.status ? { kind: 'ok', record } : { kind: 'fenced' };
      }
      const next: RemittanceRecord = {
        ...record,
        status: input.status,
        leaseUntil: input.now,
        updatedAt: input.now,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(input.providerCode === undefined ? {} : { providerCode: input.providerCode }),
      };
      stored.record = next;
      stored.expiresAt = input.now + input.retainMs;
      this.#write('complete', stored);
      return { kind: 'ok', record: next };
    });
  }

  cancel(input: CancelRemittanceInput): Promise<CancelRemittanceResult> {
    return this.faults.run('cancel', () => {
      const existing = this.#live(input.remittanceId);
      if (existing !== undefined) return { kind: 'exists', record: existing.record };
      const record: RemittanceRecord = {
        remittanceId: input.remittanceId,
        payloadHash: input.payloadHash,
        payload: input.payload,
        status: RemittanceStatus.Cancelled,
        fence: 0,
        leaseUntil: input.now,
        attempts: 0,
        reason: input.reason,
        createdAt: input.now,
        updatedAt: input.now,
      };
      const stored: Stored = { record, expiresAt: input.now + input.retainMs };
      this.#records.set(input.remittanceId, stored);
      this.#write('cancel', stored);
      return { kind: 'cancelled', record };
    });
  }

  markReversed(input: MarkReversedInput): Promise<MarkReversedResult> {
    return this.faults.run('markReversed', () => {
      // The reservation's owner first, then the index: the candidates DynamoDB's adapter tries.
      const key = reservationKey(input.businessDate, input.bankTranId);
      const owner = this.#reservations.get(key);
      const candidates = new Set([
        ...(owner === undefined ? [] : [owner]),
        ...(this.#byTranKey.get(key) ?? []),
      ]);
      for (const id of candidates) {
        const stored = this.#live(id);
        const record = stored?.record;
        if (
          stored === undefined ||
          record === undefined ||
          record.bankTranId !== input.bankTranId ||
          record.businessDate !== input.businessDate
        ) {
          continue;
        }
        if (record.status === RemittanceStatus.Reversed) return { kind: 'already_reversed', record };
        if (record.status !== RemittanceStatus.Succeeded) continue;
        const next: RemittanceRecord = {
          ...record,
          status: RemittanceStatus.Reversed,
          reason: input.reason,
          updatedAt: input.now,
        };
        stored.record = next;
        this.#write('markReversed', stored);
        return { kind: 'reversed', record: next };
      }
      return { kind: 'not_found' };
    });
  }

  get(input: GetRecordInput): Promise<RemittanceRecord | undefined> {
    return this.faults.run('get', () => this.#live(input.remittanceId)?.record);
  }

  listOpen(input: ListOpenInput): Promise<RecordPage> {
    return this.faults.run('listOpen', () => {
      if (!Number.isSafeInteger(input.limit) || input.limit < 1) {
        throw invalidInput(`listOpen limit must be >= 1, got ${input.limit}`);
      }
      const limit = Math.min(input.limit, this.#maxPageSize);
      const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
      const open: RemittanceRecord[] = [];
      for (const id of [...this.#records.keys()]) {
        const record = this.#live(id)?.record;
        if (record === undefined || TERMINAL_STATUSES.has(record.status)) continue;
        if (record.updatedAt >= input.updatedBefore) continue;
        if (after !== undefined && compareKey(keyOf(record), after) <= 0) continue;
        open.push(record);
      }
      open.sort((a, b) => compareKey(keyOf(a), keyOf(b)));
      const records = open.slice(0, limit);
      const last = records.at(-1);
      return open.length > limit && last !== undefined
        ? { records, nextCursor: encodeCursor(keyOf(last)) }
        : { records };
    });
  }

  // ------------------------------------------------------------------ test handles

  /** Every applied write, oldest first (faulted-before writes are not here; applied ones are). */
  get writes(): readonly StoreWrite[] {
    return this.#writes;
  }

  /** Applied writes of one remittance (the happy path is exactly two: claim, complete). */
  writesOf(remittanceId: RemittanceId): readonly StoreWrite[] {
    return this.#writes.filter((w) => w.record.remittanceId === remittanceId);
  }

  /** Every live record (for auditors and simulations). */
  records(): readonly RemittanceRecord[] {
    const out: RemittanceRecord[] = [];
    for (const id of [...this.#records.keys()]) {
      const record = this.#live(id)?.record;
      if (record !== undefined) out.push(record);
    }
    return out;
  }

  /** The owner of a (businessDate, bankTranId) reservation, if live. */
  reservationOwner(businessDate: BusinessDate, bankTranId: BankTranId): RemittanceId | undefined {
    const owner = this.#reservations.get(reservationKey(businessDate, bankTranId));
    return owner !== undefined && this.#live(owner) !== undefined ? owner : undefined;
  }

  // ------------------------------------------------------------------ internals

  /** The record unless its TTL has passed by the clock (then it is gone, like a reaped item). */
  #live(id: RemittanceId): Stored | undefined {
    const stored = this.#records.get(id);
    if (stored === undefined) return undefined;
    if (stored.expiresAt !== undefined && this.#clock.now() >= stored.expiresAt) {
      this.#records.delete(id);
      return undefined;
    }
    return stored;
  }

  /** The live, non-terminal record iff `fence` is its current token. */
  #owned(id: RemittanceId, fence: number): Stored | undefined {
    const stored = this.#live(id);
    if (stored === undefined || stored.record.fence !== fence) return undefined;
    return TERMINAL_STATUSES.has(stored.record.status) ? undefined : stored;
  }

  #reservedByOther(date: BusinessDate, bankTranId: BankTranId, self: RemittanceId): boolean {
    const owner = this.#reservations.get(reservationKey(date, bankTranId));
    return owner !== undefined && owner !== self && this.#live(owner) !== undefined;
  }

  #reserve(date: BusinessDate, bankTranId: BankTranId, owner: RemittanceId): void {
    this.#reservations.set(reservationKey(date, bankTranId), owner);
  }

  #index(date: BusinessDate, bankTranId: BankTranId, id: RemittanceId): void {
    const key = reservationKey(date, bankTranId);
    const ids = this.#byTranKey.get(key);
    if (ids === undefined) this.#byTranKey.set(key, new Set([id]));
    else ids.add(id);
  }

  #write(op: IdempotencyStoreOp, stored: Stored): void {
    this.#records.set(stored.record.remittanceId, stored);
    this.#writes.push({ op, record: stored.record });
  }
}

function reservationKey(date: BusinessDate, bankTranId: BankTranId): string {
  return `${date}#${bankTranId}`;
}

type SortKey = readonly [number, string];

function keyOf(record: RemittanceRecord): SortKey {
  return [record.updatedAt, record.remittanceId];
}

function compareKey(a: SortKey, b: SortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return [value[0] as number, value[1] as string];
    }
  } catch {
    // fall through
  }
  throw invalidInput(`listOpen: not a cursor this store issued: ${JSON.stringify(cursor)}`);
}
