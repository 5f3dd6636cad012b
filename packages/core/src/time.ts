/**
 * Instants are epoch milliseconds from the `Clock` port. Business dates (sequence keys, bank
 * dates, maintenance windows) are Korean: Asia/Seoul is UTC+9 with no DST, so they are computed
 * by arithmetic, never through the process time zone.
 *
 *   UTC   14:59:59.999 | 15:00:00.000
 *   KST   23:59:59.999 | 00:00:00.000   <- the business date rolls over here
 */
import { invalidInput } from './errors.js';

declare const businessDateBrand: unique symbol;
/** A KST calendar date as `YYYYMMDD`. */
export type BusinessDate = string & { readonly [businessDateBrand]: true };

/** Epoch milliseconds. */
export type InstantMs = number;

export const KST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/** Days since 1970-01-01 -> civil date (Howard Hinnant's algorithm), exact for any safe day count. */
function civilFromDays(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function assertInstant(instantMs: number): void {
  if (!Number.isSafeInteger(instantMs))
    throw invalidInput(`instant must be integer epoch ms, got ${instantMs}`);
}

/**
 * The KST business date of an instant, whatever `TZ` the process runs in.
 *
 * @example
 * ```ts
 * businessDateOf(Date.UTC(2026, 10, 27, 15, 0)); // '20261128' (00:00 KST)
 * ```
 */
export function businessDateOf(instantMs: InstantMs): BusinessDate {
  assertInstant(instantMs);
  const { y, m, d } = civilFromDays(Math.floor((instantMs + KST_OFFSET_MS) / DAY_MS));
  return `${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}` as BusinessDate;
}

/**
 * @example
 * ```ts
 * parseBusinessDate('20261128');
 * ```
 */
export function parseBusinessDate(input: unknown): BusinessDate {
  if (typeof input !== 'string' || !/^\d{8}$/.test(input)) {
    throw invalidInput(`business date must be YYYYMMDD, got ${JSON.stringify(input)}`);
  }
  const y = Number(input.slice(0, 4));
  const m = Number(input.slice(4, 6));
  const d = Number(input.slice(6, 8));
  const back = civilFromDays(daysFromCivil(y, m, d));
  if (back.y !== y || back.m !== m || back.d !== d) throw invalidInput(`not a calendar date: ${input}`);
  return input as BusinessDate;
}

/**
 * The instant a KST business date starts (00:00:00.000 KST).
 *
 * @example
 * ```ts
 * startOfBusinessDate(parseBusinessDate('20261128')); // Date.UTC(2026, 10, 27, 15)
 * ```
 */
export function startOfBusinessDate(date: BusinessDate): InstantMs {
  const days = daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(4, 6)), Number(date.slice(6, 8)));
  return days * DAY_MS - KST_OFFSET_MS;
}

/**
 * Minutes since KST midnight (0..1439) of an instant.
 *
 * @example
 * ```ts
 * kstMinuteOfDay(Date.UTC(2026, 10, 27, 14, 30)); // 1410 (23:30 KST)
 * ```
 */
export function kstMinuteOfDay(instantMs: InstantMs): number {
  assertInstant(instantMs);
  const msOfDay = (((instantMs + KST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(msOfDay / MINUTE_MS);
}

/** A daily window in KST minutes, `[startMinute, endMinute)`; it may cross midnight (start > end). */
export interface MaintenanceWindow {
  readonly startMinuteKst: number;
  readonly endMinuteKst: number;
}

/** Korean banks' nightly batch: 23:30–00:30 KST unless a bank says otherwise. */
export const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = {
  startMinuteKst: 23 * 60 + 30,
  endMinuteKst: 30,
};

/**
 * Parse "HH:MM-HH:MM" (KST) into a window.
 *
 * @example
 * ```ts
 * parseMaintenanceWindow('23:30-00:30'); // { startMinuteKst: 1410, endMinuteKst: 30 }
 * ```
 */
export function parseMaintenanceWindow(input: string): MaintenanceWindow {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(input.trim());
  const nums = m?.slice(1).map(Number);
  if (
    nums === undefined ||
    nums.length !== 4 ||
    nums[0]! > 23 ||
    nums[2]! > 23 ||
    nums[1]! > 59 ||
    nums[3]! > 59
  ) {
    throw invalidInput(`maintenance window must be "HH:MM-HH:MM" in KST, got ${JSON.stringify(input)}`);
  }
  return { startMinuteKst: nums[0]! * 60 + nums[1]!, endMinuteKst: nums[2]! * 60 + nums[3]! };
}

/**
 * Whether an instant falls inside a window.
 *
 * @example
 * ```ts
 * isInMaintenance(Date.UTC(2026, 10, 27, 14, 45), DEFAULT_MAINTENANCE_WINDOW); // true (23:45 KST)
 * ```
 */
export function isInMaintenance(instantMs: InstantMs, window: MaintenanceWindow): boolean {
  const minute = kstMinuteOfDay(instantMs);
  const { startMinuteKst: s, endMinuteKst: e } = window;
  if (s === e) return false;
  return s < e ? minute >= s && minute < e : minute >= s || minute < e;
}

/**
 * The first instant at or after `instantMs` outside the window (when a deferred payout may go).
 *
 * @example
 * ```ts
 * maintenanceEndsAt(Date.UTC(2026, 10, 27, 14, 45), DEFAULT_MAINTENANCE_WINDOW); // 00:30 KST
 * ```
 */
export function maintenanceEndsAt(instantMs: InstantMs, window: MaintenanceWindow): InstantMs {
  if (!isInMaintenance(instantMs, window)) return instantMs;
  const msOfDay = (((instantMs + KST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  const endMs = window.endMinuteKst * MINUTE_MS;
  const wait = endMs > msOfDay ? endMs - msOfDay : DAY_MS - msOfDay + endMs;
  return instantMs + wait;
}
