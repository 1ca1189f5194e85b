import { describe, expect, it } from 'vitest';
import { UserTable, idHash } from '../../src/experiments/user-table.js';

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

  it('keeps ids of every length apart, in the record (up to 12 bytes) or partly in the arena, wherever they differ', () => {
    const t = new UserTable([{ revenue: true }]);
    const ids: string[] = [];
    // Every length 1–40, each with variants that differ only in the first, the 8th, the 9th, the 12th, the 13th or the last byte.
    for (let n = 1; n <= 40; n++) {
      const base = 'abcdefghijklmnopqrstuvwxyz0123456789ABCD'.slice(0, n);
      for (const at of [0, 7, 8, 11, 12, n - 1]) if (at < n) ids.push(base.slice(0, at) + '#' + base.slice(at + 1));
      ids.push(base);
    }
    const unique = [...new Set(ids)];
    const users = unique.map((id, i) => {
      const u = t.findString(id, true);
      t.addRevenue(u, 0, i);
      return u;
    });
    expect(new Set(users).size).toBe(unique.length);
    unique.forEach((id, i) => {
      const u = t.findString(id, false);
      expect(u, id).toBe(users[i]);
      expect(t.revenue(u, 0)).toBe(i);
      // The same id read from a line's bytes.
      const line = bytes(`{"userId":"${id}"}`);
      expect(t.find(line, 11, 11 + id.length, false, false), id).toBe(users[i]);
    });
    expect(t.findString('abcdefghijklm!', false)).toBe(-1);
    expect(t.findString('abcdefgh', false)).not.toBe(-1);
    expect(t.findString('abcdefgh\u0000', false)).toBe(-1);
  });

  it('tells apart two ids with the same hash, in the record and in the arena (the bytes decide, not the hash)', () => {
    /** Two ids make(i) ≠ make(j) with equal hashes: a birthday search over 32-bit hashes. */
    const collision = (make: (i: number) => string): [string, string] => {
      const seen = new Map<number, number>();
      const b = new Uint8Array(64);
      for (let i = 0; ; i++) {
        const id = make(i);
        for (let k = 0; k < id.length; k++) b[k] = id.charCodeAt(k);
        const h = idHash(b, 0, id.length);
        const j = seen.get(h);
        if (j !== undefined) return [make(j), make(i)];
        seen.set(h, i);
      }
    };
    const inRecord = collision((i) => `id${i.toString(36).padStart(10, '0')}`);
    // Same first 10 bytes: they differ only in the part kept in the arena.
    const inArena = collision((i) => `sameprefix${i.toString(36).padStart(10, '0')}`);
    for (const [a, b] of [inRecord, inArena]) {
      expect(a).not.toBe(b);
      expect(a.length).toBe(b.length);
      const t = new UserTable([]);
      const ua = t.findString(a, true);
      expect(t.findString(b, false)).toBe(-1);
      const ub = t.findString(b, true);
      expect(ub).not.toBe(ua);
      expect([t.findString(a, false), t.findString(b, false)]).toEqual([ua, ub]);
    }
  });
});
