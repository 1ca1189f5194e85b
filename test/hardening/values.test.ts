/**
 * Issue 13: values in flag files that used to cost too much or be mangled.
 * - 8: "did you mean" compared a 1 MB `operator:` value with every operator:
 *   a 9 MB file took `validate` two minutes and a gigabyte, and a `kill` of a
 *   flag in another file as long. Suggestions are made only for words up to
 *   64 characters.
 * - 9: a description holding the byte 0xE9 (Latin-1 `é`) validated, and a
 *   toggle of another flag in the same file rewrote it as U+FFFD. A file that
 *   is not UTF-8 is an error at its first bad byte; edits of it are refused.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { suggest } from '../../src/schema/suggest.js';
import { BIN, flagYaml, projectWith, removeDir, runMain } from '../helpers/cli.js';
import { decodeUtf8 } from '../../src/schema/utf8.js';

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
    const dir = projectWith({ 'big.yaml': `flags:\n${Array.from({ length: 9 }, (_, i) => big(i)).join('')}`, 'other.yaml': flagYaml('other', 'fallthrough:\n  value: true\n') });
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

describe('a file that is not UTF-8 (9)', () => {
  it('is an error at the first bad byte; its flags are not served; an edit of it is refused and leaves every byte', async () => {
    // (A flag that serves something: an enabled flag serving only its default would add a NO_EFFECT warning.)
    const dir = projectWith({ 'other.yaml': flagYaml('other', 'fallthrough:\n  value: true\n') });
    dirs.push(dir);
    const file = path.join(dir, 'flags/list.yaml');
    const text = `flags:\n  - ${flagYaml('f1').trimEnd().split('\n').join('\n    ')}\n  - ${flagYaml('f2').trimEnd().split('\n').join('\n    ')}\n`;
    const bytes = Buffer.from(text.replace('description: ""', 'description: "caf\u0000"').replace('\u0000', '\u0001'), 'latin1');
    const at = bytes.indexOf(1);
    bytes[at] = 0xe9; // Latin-1 é, invalid as UTF-8
    writeFileSync(file, bytes);
    const v = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).diagnostics).toEqual([
      { code: 'INVALID_UTF8', severity: 'error', message: 'not valid UTF-8: byte 0xE9 at line 4, column 22 (save the file as UTF-8)', file: 'flags/list.yaml', line: 4, column: 22 },
    ]);
    expect(JSON.parse((await runMain(['eval', 'f2', '--json'], { cwd: dir })).stdout)).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    const t = await runMain(['toggle', 'f2', '--off'], { cwd: dir });
    expect(t.code).toBe(1);
    expect(t.stderr).toBe('error: cannot edit flags/list.yaml: not valid UTF-8: byte 0xE9 at line 4, column 22 (save the file as UTF-8); fix the file first\n');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect((await runMain(['kill', 'other'], { cwd: dir })).code).toBe(0);
  });

  it('decodeUtf8 finds the first bad sequence: stray continuation, overlong, surrogate, truncated, too large', () => {
    expect(decodeUtf8(Buffer.from('ok é 😀\n'))).toEqual({ ok: true, text: 'ok é 😀\n' });
    for (const [hex, col] of [['61 80', 2], ['61 c0 af', 2], ['0a 62 ed a0 80', 2], ['61 e2 82', 2], ['f4 90 80 80', 1], ['f8 88 80 80 80', 1]] as const) {
      const r = decodeUtf8(Buffer.from(hex.replace(/ /g, ''), 'hex'));
      expect(r, hex).toMatchObject({ ok: false, column: col });
    }
  });
});

describe('values that start with a YAML indicator are written quoted (13)', () => {
  it('create and set with *, &, !, %, @ and ` values: written, read back the same, valid', async () => {
    const dir = projectWith({ 'a.yaml': flagYaml('a', 'fallthrough:\n  value: true\n') });
    dirs.push(dir);
    const odd = ['*a', '&x', '!y', '%z', '@w', '`v', '*', '&'];
    const c = await runMain(['create', 'f', '--type', 'string', '--default', '*a', '--owner', '*team', ...odd.flatMap((t) => ['--tag', t])], { cwd: dir });
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    for (const [i, v] of odd.entries()) {
      const s = await runMain(['set', i % 2 ? 'f' : 'a', 'description', v], { cwd: dir });
      expect([s.code, s.stderr], v).toEqual([0, '']);
      expect(JSON.parse((await runMain(['show', i % 2 ? 'f' : 'a', '--json'], { cwd: dir })).stdout)).toMatchObject({ description: v });
    }
    const shown = JSON.parse((await runMain(['show', 'f', '--json'], { cwd: dir })).stdout);
    expect(shown).toMatchObject({ defaultValue: '*a', owner: '*team', tags: odd });
    expect((await runMain(['validate'], { cwd: dir })).code).toBe(0);
  });
});
