/**
 * The `--when` language asks the operator registry which operators take a
 * version and which take no value (one home: src/evaluation/operators/), so
 * an operator added to a family is read like the others of that family.
 */
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/evaluation/operators/index.js';
import { OPERATORS } from '../../src/evaluation/operators/names.js';
import { parseWhen } from '../../src/schema/when.js';

const family = (name: string) => FAMILIES.find((f) => (f.names as readonly string[]).includes(name))!;
const SEMVER = family('semver_eq').names as readonly string[];
const EXISTENCE = family('exists').names as readonly string[];

describe('--when reads each operator as its family does', () => {
  it.each(SEMVER)('%s 2.3: the version "2.3", not the number 2.3', (op) => {
    expect(parseWhen(`app.version ${op} 2.3`)).toEqual({ attribute: 'app.version', operator: op, value: '2.3' });
    expect(parseWhen(`app.version ${op} 10`)).toEqual({ attribute: 'app.version', operator: op, value: '10' });
  });

  it.each(EXISTENCE)('%s takes no value', (op) => {
    expect(parseWhen(`device.id ${op}`)).toEqual({ attribute: 'device.id', operator: op });
    expect(() => parseWhen(`device.id ${op} now`)).toThrow(new RegExp(`column ${`device.id ${op} `.length + 1}: ${op} takes no value; remove "now"`));
  });

  it('no operator outside those families reads a number as text or goes without a value', () => {
    const others = OPERATORS.filter((op) => !SEMVER.includes(op) && !EXISTENCE.includes(op));
    expect(others.length).toBeGreaterThan(10);
    for (const op of ['equals', 'not_equals', 'in', 'not_in', 'gt', 'lt', 'gte', 'lte'] as const) {
      expect(others).toContain(op);
      const list = op === 'in' || op === 'not_in';
      expect(parseWhen(`score ${op} ${list ? '[2.3]' : '2.3'}`).value).toEqual(list ? [2.3] : 2.3);
    }
    for (const op of others) expect(() => parseWhen(`score ${op}`)).toThrow(`${op} needs a value after it`);
  });
});
