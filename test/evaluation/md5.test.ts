/**
 * The JavaScript md5 of short ASCII keys (src/evaluation/md5.ts) against
 * node:crypto: the same four bytes on every length and character, and the
 * fallback to node:crypto everywhere else (non-ASCII, two blocks).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Uint32 } from '../../src/evaluation/bucketing.js';
import { md5AsciiUint32 } from '../../src/evaluation/md5.js';

const reference = (s: string) => parseInt(createHash('md5').update(s, 'utf8').digest('hex').slice(0, 8), 16);

describe('md5 of short ASCII keys in JavaScript', () => {
  it('equals node:crypto on every length up to one block, for every ASCII character', () => {
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 0; n <= 55; n++) {
      for (let k = 0; k < 20; k++) {
        let s = '';
        for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(random() * 128));
        expect(md5AsciiUint32(s), JSON.stringify(s)).toBe(reference(s));
        expect(md5Uint32(s)).toBe(reference(s));
      }
    }
    // The bytes at the edges of a word and of the padding.
    for (const s of ['', 'a', 'abc', 'message digest', '\u0000', '\u007f'.repeat(55), 'x'.repeat(52), 'x'.repeat(53)]) expect(md5AsciiUint32(s)).toBe(reference(s));
  });

  it('leaves longer and non-ASCII input to node:crypto, with the same answer through md5Uint32', () => {
    for (const s of ['x'.repeat(56), 'x'.repeat(64), 'x'.repeat(200), 'flag:ユーザー', 'flag:é', 'flag:😀', 'flag:\ud800', 'flag:\udfff:variant', '\u0080']) {
      expect(md5AsciiUint32(s)).toBe(-1);
      expect(md5Uint32(s), JSON.stringify(s)).toBe(reference(s));
    }
  });

  it('gives the bucketing keys their seed numbers (flag:user and flag:user:variant)', () => {
    for (let i = 0; i < 2000; i++) {
      for (const s of [`rollout-flag:user-${i}`, `split-flag:user-${i}:variant`, `new-orchestrator-v2:tenant-${i}`]) expect(md5Uint32(s)).toBe(reference(s));
    }
  });
});
