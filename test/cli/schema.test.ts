/**
 * `flags schema`: valid JSON, a JSON Schema an editor can use, that accepts
 * the repository's flags in both file forms and rejects what validate rejects
 * at the schema level. No JSON Schema library is installed, so the subset of
 * keywords zod emits is checked by a small structural validator below.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_FLAGS, ROOT, runBin, runMain } from '../helpers/cli.js';

type Schema = Record<string, unknown>;

/** Errors of `value` against `schema` (draft-07 subset: the keywords zod's toJSONSchema emits). */
function check(root: Schema, schema: Schema, value: unknown, at = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((o, k) => (o as Schema)[k], root);
    return check(root, target as Schema, value, at);
  }
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const isObj = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (type === 'object' && !isObj) return [`${at}: not an object`];
  if (type === 'array' && !Array.isArray(value)) return [`${at}: not an array`];
  if (type === 'string' && typeof value !== 'string') return [`${at}: not a string`];
  if (type === 'number' && typeof value !== 'number') return [`${at}: not a number`];
  if (type === 'boolean' && typeof value !== 'boolean') return [`${at}: not a boolean`];
  if (type === 'null' && value !== null) return [`${at}: not null`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${at}: too short`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${at}: too few items`);
    if (schema.items) value.forEach((v, i) => errors.push(...check(root, schema.items as Schema, v, `${at}[${i}]`)));
  }
  if (isObj) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) errors.push(`${at}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errors.push(...check(root, props[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unknown ${k}`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...check(root, schema.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf) errors.push(...check(root, s as Schema, value, at));
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => check(root, s as Schema, value, at).length === 0)) errors.push(`${at}: matches none of anyOf`);
  return errors;
}

const valid = (schema: Schema, value: unknown) => check(schema, schema, value);

describe('flags schema', () => {
  it('prints a draft-07 JSON Schema (real binary), the same in-process', async () => {
    const r = runBin(['schema'], { cwd: ROOT });
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Schema;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.anyOf).toHaveLength(2);
    expect((await runMain(['schema'], { cwd: ROOT })).stdout).toBe(r.stdout);
  });

  it("accepts the repository's flags in the list form and each flag in the one-flag form", async () => {
    const schema = JSON.parse((await runMain(['schema'], { cwd: ROOT })).stdout) as Schema;
    const file = parse(readFileSync(path.join(REPO_FLAGS, 'default-flags.yaml'), 'utf8')) as { flags: unknown[] };
    expect(file.flags).toHaveLength(4);
    expect(valid(schema, file)).toEqual([]);
    for (const flag of file.flags) expect(valid(schema, flag)).toEqual([]);
    const full = {
      ...(file.flags[2] as object),
      variants: [{ key: 'a', name: 'A', value: true, weight: 100 }],
      environments: { prod: { enabled: true, value: false }, dev: { enabled: false } },
      killSwitch: false,
      createdAt: '2026-01-31T12:00:00Z',
      updatedAt: '2026-01-31',
    };
    expect(valid(schema, full)).toEqual([]);
  });

  it('rejects what the zod schema rejects: unknown fields, missing fields, bad enums, keys, percentages', async () => {
    const schema = JSON.parse((await runMain(['schema'], { cwd: ROOT })).stdout) as Schema;
    const base = { key: 'k', name: 'n', description: '', type: 'boolean', defaultValue: false, enabled: true, rules: [], tags: [], owner: 'o' };
    expect(valid(schema, base)).toEqual([]);
    expect(valid(schema, { ...base, enabeld: true })).not.toEqual([]);
    const { owner: _, ...noOwner } = base;
    expect(valid(schema, noOwner)).not.toEqual([]);
    expect(valid(schema, { ...base, type: 'bool' })).not.toEqual([]);
    expect(valid(schema, { ...base, key: 'has space' })).not.toEqual([]);
    expect(valid(schema, { ...base, fallthrough: { percentage: 101, value: true } })).not.toEqual([]);
    expect(valid(schema, { ...base, rules: [{ id: 'r', conditions: [{ attribute: 'a', operator: 'equalz' }], value: true }] })).not.toEqual([]);
    expect(valid(schema, { ...base, createdAt: 'yesterday' })).not.toEqual([]);
    expect(valid(schema, { flags: [base], extra: 1 })).not.toEqual([]);
  });

  it('carries descriptions for editor hovers', async () => {
    const schema = JSON.parse((await runMain(['schema'], { cwd: ROOT })).stdout) as { definitions: Record<string, { properties: Record<string, { description?: string }> }> };
    expect(schema.definitions.flag.properties.killSwitch.description).toContain('defaultValue');
    expect(schema.definitions.flag.properties.rules.description).toContain('in order');
  });

  it('--experiment: the schema of experiment definitions', async () => {
    const r = await runMain(['schema', '--experiment'], { cwd: ROOT });
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Schema;
    const definition = parse(readFileSync(path.join(ROOT, 'test/fixtures/invalid/experiments/checkout-test.yaml'), 'utf8'));
    expect(valid(schema, definition)).toEqual([]);
    expect(valid(schema, { ...definition, status: 'runing' })).not.toEqual([]);
    expect(valid(schema, { ...definition, treatment: [] })).not.toEqual([]);
  });
});
