import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRemitError } from './errors.js';
import {
  businessDateOf,
  DEFAULT_MAINTENANCE_WINDOW,
  isInMaintenance,
  KST_OFFSET_MS,
  kstMinuteOfDay,
  maintenanceEndsAt,
  parseBusinessDate,
  parseMaintenanceWindow,
  startOfBusinessDate,
} from './time.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isRemitError(err) ? err.code : 'not a RemitError';
  }
  return undefined;
}

/** 2026-11-28 23:59:59.999 KST and the next millisecond, 2026-11-29 00:00:00.000 KST. */
const LAST_MS_OF_28 = Date.UTC(2026, 10, 28, 14, 59, 59, 999);
const FIRST_MS_OF_29 = Date.UTC(2026, 10, 28, 15, 0, 0, 0);
const kst = (y: number, mo: number, d: number, h: number, mi: number) =>
  Date.UTC(y, mo - 1, d, h, mi) - KST_OFFSET_MS;

describe('business dates are KST whatever TZ the process runs in', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
    vi.resetModules();
  });

  it('rolls over at 00:00:00.000 KST (15:00 UTC)', () => {
    expect(businessDateOf(LAST_MS_OF_28)).toBe('20261128');
    expect(businessDateOf(FIRST_MS_OF_29)).toBe('20261129');
  });

  it.each(['UTC', 'Asia/Seoul', 'America/Los_Angeles'])(
    '23:59:59.999 vs 00:00:00.000 KST with TZ=%s set before import',
    async (tz) => {
      process.env.TZ = tz;
      vi.resetModules();
      // Proof the zone took effect in this process: local rendering differs by zone.
      const expectedOffset = { UTC: 0, 'Asia/Seoul': -540, 'America/Los_Angeles': 480 }[tz];
      expect(new Date(FIRST_MS_OF_29).getTimezoneOffset()).toBe(expectedOffset);
      const fresh = await import('./time.js');
      expect(fresh.businessDateOf(LAST_MS_OF_28)).toBe('20261128');
      expect(fresh.businessDateOf(FIRST_MS_OF_29)).toBe('20261129');
      expect(fresh.kstMinuteOfDay(LAST_MS_OF_28)).toBe(1439);
      expect(fresh.kstMinuteOfDay(FIRST_MS_OF_29)).toBe(0);
    },
  );

  it('gives the same answers in child processes started with TZ=UTC and TZ=Asia/Seoul', () => {
    const timeTs = fileURLToPath(new URL('./time.ts', import.meta.url));
    const script = `
      const t = await import(${JSON.stringify(timeTs)});
      const a = ${LAST_MS_OF_28}, b = ${FIRST_MS_OF_29};
      console.log(JSON.stringify({ local: new Date(b).getHours(), dates: [t.businessDateOf(a), t.businessDateOf(b)] }));
    `;
    const run = (tz: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          env: { ...process.env, TZ: tz },
          encoding: 'utf8',
        }),
      ) as { local: number; dates: string[] };
    const utc = run('UTC');
    const seoul = run('Asia/Seoul');
    expect(utc.local).toBe(15); // the zones really differ
    expect(seoul.local).toBe(0);
    expect(utc.dates).toEqual(['20261128', '20261129']);
    expect(seoul.dates).toEqual(utc.dates);
  }, 20_000);

  it('handles dates before 1970 and leap days', () => {
    expect(businessDateOf(kst(1969, 12, 31, 23, 59))).toBe('19691231');
    expect(businessDateOf(kst(2028, 2, 29, 12, 0))).toBe('20280229');
    expect(businessDateOf(kst(2000, 3, 1, 0, 0))).toBe('20000301');
  });

  it('property: startOfBusinessDate inverts businessDateOf', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000_000, max: 5_000_000_000_000 }), (t) => {
        const date = businessDateOf(t);
        const start = startOfBusinessDate(date);
        expect(start).toBeLessThanOrEqual(t);
        expect(t - start).toBeLessThan(24 * 3_600_000);
        expect(businessDateOf(start)).toBe(date);
        expect(businessDateOf(start - 1)).not.toBe(date);
        expect(parseBusinessDate(date)).toBe(date);
      }),
    );
  });

  it('rejects instants that are not integer epoch ms', () => {
    expect(code(() => businessDateOf(1.5))).toBe('INVALID_INPUT');
    expect(code(() => businessDateOf(Number.NaN))).toBe('INVALID_INPUT');
    expect(code(() => kstMinuteOfDay(Number.POSITIVE_INFINITY))).toBe('INVALID_INPUT');
  });
});

describe('parseBusinessDate', () => {
  it('accepts calendar dates and rejects the rest', () => {
    expect(parseBusinessDate('20261128')).toBe('20261128');
    expect(parseBusinessDate('20240229')).toBe('20240229');
    for (const bad of [
      '20230229',
      '20261131',
      '20261301',
      '20261100',
      '2026-11-28',
      '2026112',
      20261128,
      null,
    ]) {
      expect(
        code(() => parseBusinessDate(bad)),
        String(bad),
      ).toBe('INVALID_INPUT');
    }
  });

  it('startOfBusinessDate is 15:00 UTC the day before', () => {
    expect(startOfBusinessDate(parseBusinessDate('20261129'))).toBe(FIRST_MS_OF_29);
  });
});

describe('maintenance windows', () => {
  it('the default window is 23:30-00:30 KST', () => {
    expect(DEFAULT_MAINTENANCE_WINDOW).toEqual(parseMaintenanceWindow('23:30-00:30'));
    expect(isInMaintenance(kst(2026, 11, 28, 23, 29), DEFAULT_MAINTENANCE_WINDOW)).toBe(false);
    expect(isInMaintenance(kst(2026, 11, 28, 23, 30), DEFAULT_MAINTENANCE_WINDOW)).toBe(true);
    expect(isInMaintenance(kst(2026, 11, 28, 23, 45), DEFAULT_MAINTENANCE_WINDOW)).toBe(true);
    expect(isInMaintenance(kst(2026, 11, 29, 0, 29), DEFAULT_MAINTENANCE_WINDOW)).toBe(true);
    expect(isInMaintenance(kst(2026, 11, 29, 0, 30), DEFAULT_MAINTENANCE_WINDOW)).toBe(false);
  });

  it('a payout at 23:45 KST waits until 00:30 KST', () => {
    const at = kst(2026, 11, 28, 23, 45);
    expect(maintenanceEndsAt(at, DEFAULT_MAINTENANCE_WINDOW)).toBe(kst(2026, 11, 29, 0, 30));
    expect(maintenanceEndsAt(kst(2026, 11, 29, 0, 10), DEFAULT_MAINTENANCE_WINDOW)).toBe(
      kst(2026, 11, 29, 0, 30),
    );
    const outside = kst(2026, 11, 28, 12, 0);
    expect(maintenanceEndsAt(outside, DEFAULT_MAINTENANCE_WINDOW)).toBe(outside);
  });

  it('handles a window that does not cross midnight, and an empty one', () => {
    const w = parseMaintenanceWindow(' 01:00-03:00 ');
    expect(w).toEqual({ startMinuteKst: 60, endMinuteKst: 180 });
    expect(isInMaintenance(kst(2026, 11, 28, 0, 59), w)).toBe(false);
    expect(isInMaintenance(kst(2026, 11, 28, 2, 0), w)).toBe(true);
    expect(isInMaintenance(kst(2026, 11, 28, 3, 0), w)).toBe(false);
    expect(maintenanceEndsAt(kst(2026, 11, 28, 2, 0), w)).toBe(kst(2026, 11, 28, 3, 0));
    const none = parseMaintenanceWindow('04:00-04:00');
    expect(isInMaintenance(kst(2026, 11, 28, 4, 0), none)).toBe(false);
  });

  it('rejects malformed windows', () => {
    for (const bad of [
      '23:30',
      '24:00-00:30',
      '23:60-00:30',
      '23:30-24:00',
      '23:30-00:61',
      '2330-0030',
      '',
    ]) {
      expect(
        code(() => parseMaintenanceWindow(bad)),
        bad,
      ).toBe('INVALID_INPUT');
    }
  });

  it('property: the end of maintenance is outside the window and nothing before it is', () => {
    const minute = fc.integer({ min: 0, max: 1439 });
    fc.assert(
      fc.property(minute, minute, fc.integer({ min: 0, max: 3 * 86_400_000 }), (s, e, offset) => {
        const window = { startMinuteKst: s, endMinuteKst: e };
        const t = FIRST_MS_OF_29 + offset;
        const end = maintenanceEndsAt(t, window);
        expect(end).toBeGreaterThanOrEqual(t);
        expect(isInMaintenance(end, window)).toBe(false);
        if (end > t) expect(isInMaintenance(end - 1, window)).toBe(true);
        expect(end - t).toBeLessThanOrEqual(86_400_000);
      }),
    );
  });
});
