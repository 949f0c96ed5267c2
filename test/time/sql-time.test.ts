import { describe, expect, it } from 'vitest';
import { fromSqlTime, toSqlTime } from '../../src/time/sql-time.js';

describe('stored times', () => {
  it('round-trip to the millisecond across hours, days and years, in any order', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 2000; i++) {
      const date = new Date(Date.UTC(2000, 0, 1) + Math.floor(random() * 40 * 365 * 86_400_000));
      expect(fromSqlTime(toSqlTime(date)).getTime()).toBe(date.getTime());
    }
  });

  it('reads what drivers hand back without milliseconds, or with fewer or more fraction digits', () => {
    expect(fromSqlTime('2026-11-29 10:15:30').toISOString()).toBe('2026-11-29T10:15:30.000Z');
    expect(fromSqlTime('2026-11-29 10:15:30.5').toISOString()).toBe('2026-11-29T10:15:30.500Z');
    expect(fromSqlTime('2026-11-29 10:15:30.123456').toISOString()).toBe('2026-11-29T10:15:30.123Z');
    // The same hour of another day: the cached hour must not be reused.
    expect(fromSqlTime('2026-11-30 10:15:30.000').toISOString()).toBe('2026-11-30T10:15:30.000Z');
  });
});
