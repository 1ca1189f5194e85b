import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sameJsonValue } from '../../src/objects.js';

// The NO_EFFECT check compares values with sameJsonValue instead of
// node:util's isDeepStrictEqual (which loads Node's comparison module at
// start-up): the two must agree on every JSON value a flag can hold.
describe('sameJsonValue', () => {
  const json = fc.jsonValue({ maxDepth: 3 });

  test('agrees with isDeepStrictEqual on arbitrary JSON values and on a value against its copy', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameJsonValue(a, b)).toBe(isDeepStrictEqual(a, b));
        const copy = JSON.parse(JSON.stringify(a));
        expect(sameJsonValue(a, copy)).toBe(isDeepStrictEqual(a, copy));
      }),
      { numRuns: 2000 },
    );
  });

  test('ignores key order, tells -0 from 0 and arrays from objects, as isDeepStrictEqual does', () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }],
      [-0, 0],
      [[-0], [0]],
      [[], {}],
      [{ 0: 'x' }, ['x']],
      [{ a: 1 }, { a: 1, b: 2 }],
      [[1, 2], [2, 1]],
      ['1', 1],
      [null, {}],
    ];
    for (const [a, b] of cases) {
      expect(sameJsonValue(a, b)).toBe(isDeepStrictEqual(a, b));
      expect(sameJsonValue(b, a)).toBe(isDeepStrictEqual(b, a));
    }
  });
});
