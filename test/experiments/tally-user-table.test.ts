import { describe, expect, it } from 'vitest';
import { UserTable } from '../../src/experiments/user-table.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

describe('UserTable (the tally per-user records)', () => {
  it('finds every user again across record pages, arena pages and index growth, and no unknown one', () => {
    const t = new UserTable([{ revenue: false }, { revenue: true }]);
    // 150,000 ids of 20 bytes: three pages of records, three of ids, the index doubled many times.
    const id = (i: number) => bytes(`user-${String(i).padStart(15, '0')}`);
    const n = 150_000;
    let misnumbered = 0;
    for (let i = 0; i < n; i++) {
      const b = id(i);
      const u = t.find(b, 0, b.length, false, true);
      if (u !== i) misnumbered++;
      t.setFirstExposure(u, i);
      t.setArm(u, i % 3, i % 7 === 0);
      t.setLatestConversion(u, 1, -i);
      t.addRevenue(u, 1, i / 4);
    }
    expect(misnumbered).toBe(0);
    expect(t.size).toBe(n);
    for (let i = 0; i < n; i += 997) {
      const b = id(i);
      const u = t.find(b, 0, b.length, false, false);
      expect(u).toBe(i);
      expect([t.firstExposure(u), t.arm(u), t.isMultiArm(u), t.latestConversion(u, 1), t.revenue(u, 1)]).toEqual([i, i % 3, i % 7 === 0, -i, i / 4]);
      expect(t.latestConversion(u, 0)).toBe(-Infinity);
    }
    const unknown = bytes('user-999999999999999');
    expect(t.find(unknown, 0, unknown.length, false, false)).toBe(-1);
    expect(t.size).toBe(n);
  });

  it('starts a record with no exposure, no conversion, no revenue; the flags are independent of the arm', () => {
    const t = new UserTable([{ revenue: true }]);
    const u = t.findString('a', true);
    expect([t.firstExposure(u), t.arm(u), t.isMultiArm(u), t.isAmbiguous(u), t.latestConversion(u, 0), t.revenue(u, 0), t.latestLeftOut(u)]).toEqual([
      Infinity, -1, false, false, -Infinity, 0, -Infinity,
    ]);
    t.markAmbiguous(u);
    t.setArm(u, 4, true);
    expect([t.arm(u), t.isMultiArm(u), t.isAmbiguous(u)]).toEqual([4, true, true]);
    t.setArm(u, 2, false);
    expect([t.arm(u), t.isMultiArm(u), t.isAmbiguous(u)]).toEqual([2, false, true]);
    t.clearRevenue(u, [0]);
    expect(t.revenue(u, 0)).toBe(0);
  });

  it('tells ids apart by every character, wide ones included, and finds a string id by its bytes', () => {
    const t = new UserTable([]);
    const ids = ['a', 'ab', 'b', 'ÿ', 'Ā', '\u0000\u0001', '\u0100', '😀', 'x'.repeat(2_000_000)];
    const seen = ids.map((id) => t.findString(id, true));
    expect(new Set(seen).size).toBe(new Set(ids).size);
    ids.forEach((id, i) => expect(t.findString(id, false)).toBe(seen[i]));
    // An ASCII id read from a line's bytes is the same user as the same id given as a string.
    const line = bytes('{"userId":"ab"}');
    expect(t.find(line, 11, 13, false, false)).toBe(seen[1]);
    expect(t.bytes()).toBeGreaterThan(2_000_000);
  });
});
