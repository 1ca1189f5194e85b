/**
 * Issue 13: values in flag files that used to cost too much or be mangled.
 * - 8: "did you mean" compared a 1 MB `operator:` value with every operator:
 *   a 9 MB file took `validate` two minutes and a gigabyte, and a `kill` of a
 *   flag in another file as long. Suggestions are made only for words up to
 *   64 characters.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { suggest } from '../../src/schema/suggest.js';
import { BIN, flagYaml, projectWith, removeDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** The binary, killed after 30 s: a check quadratic in a value's length would take minutes. */
function bin(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20, env: { PATH: process.env.PATH } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

describe('no check is quadratic in a value\'s length (8)', () => {
  it('nine 1 MB operator values: validate and a kill elsewhere finish, with the findings', () => {
    const big = (i: number) => `  - key: big${i}\n    name: b\n    description: ""\n    type: boolean\n    defaultValue: false\n    enabled: true\n    tags: []\n    owner: t\n    rules:\n      - id: r\n        conditions: [{attribute: a, operator: ${'equalz'.repeat(174_763).slice(0, 1 << 20)}, value: 1}]\n        value: true\n`;
    const dir = projectWith({ 'big.yaml': `flags:\n${Array.from({ length: 9 }, (_, i) => big(i)).join('')}`, 'other.yaml': flagYaml('other') });
    dirs.push(dir);
    const v = bin(dir, ['validate', '--format', 'json']);
    expect(v.signal, 'validate hung').toBeNull();
    expect(v.code).toBe(1);
    const found = (JSON.parse(v.stdout) as { diagnostics: { code: string; message: string }[] }).diagnostics;
    expect(found).toHaveLength(9);
    expect(found.every((d) => d.code === 'INVALID_VALUE' && !d.message.includes('did you mean'))).toBe(true);
    const k = bin(dir, ['kill', 'other']);
    expect(k.signal, 'kill hung').toBeNull();
    expect(k.code, k.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'flags/other.yaml'), 'utf8')).toContain('killSwitch: true');
  }, 90_000);

  it('short words still get suggestions; long ones are not compared', () => {
    expect(suggest('equlas', ['equals', 'in'])).toBe('equals');
    expect(suggest('x'.repeat(65), ['x'.repeat(64)])).toBeUndefined();
    expect(suggest('y'.repeat(1 << 20), ['equals', 'not_equals'])).toBeUndefined();
  });
});
