/**
 * The shortcuts that keep `flags validate` near the read + parse floor (issue
 * 21.7) give exactly the answers of the long way:
 * - a short regex without a counted repetition is only parsed, not compiled:
 *   same verdict and same message as compiling it, and never a pattern over
 *   the program bound let through;
 * - the `__proto__` key walk is skipped for a file whose text cannot spell the
 *   key, and still runs when an escape in a quoted string can;
 * - the flag files are listed from the directory entries' types (no lstat).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RE2JS } from 're2js';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_REGEX_PROGRAM, regexProblem } from '../../src/evaluation/operators/regex.js';
import { parseFlagFile } from '../../src/schema/parse-file.js';
import { validateFlagFiles } from '../../src/schema/validate.js';
import { listFlagFiles } from '../../src/store/flag-repo.js';

/** What compiling says of a pattern: null, "too large", or RE2's syntax message. */
function compiled(pattern: string): string | null {
  try {
    return RE2JS.compile(pattern).programSize() > MAX_REGEX_PROGRAM ? 'too large' : null;
  } catch (e) {
    return (e as Error).message.replace(/^error parsing regexp: /, '');
  }
}

describe('regex: parsing instead of compiling short patterns', () => {
  it('gives the same verdict and message as compiling, on patterns of every construct', () => {
    const atoms = ['a', 'é', '.', '^', '$', '\\b', '\\d', '\\pL', '[a-z]', '[^x]', '[[:alpha:]]', '(', ')', '(?:', '(?i)', '(?P<n>', '|', '*', '+', '?', '*?', '\\Q', '\\E', '\\', '[', ']', '(?=', '\\1'];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let valid = 0;
    for (let i = 0; i < 1500; i++) {
      let p = '';
      const n = 1 + Math.floor(random() * 24);
      for (let j = 0; j < n; j++) p += atoms[Math.floor(random() * atoms.length)];
      p = p.slice(0, 64) + `#${i}`; // distinct, so the memo never answers
      const expected = compiled(p);
      const got = regexProblem(p);
      if (expected === null) valid++;
      // The message may carry a hint (lookahead, backreference) after RE2's own words.
      if (expected === null) expect(got, p).toBeNull();
      else expect(got?.startsWith(expected), `${p}: ${got} vs ${expected}`).toBe(true);
    }
    expect(valid).toBeGreaterThan(100);
  });

  it('the densest short patterns still compile far below the bound (the shortcut cannot let a large one through)', () => {
    // Three instructions a character is the most any construct costs: `()*`, `(|)*`, `||||`.
    for (const p of ['()*'.repeat(21), '(|)*'.repeat(16), '|'.repeat(64), '(?:a*)*'.repeat(9), '((((((((((((((((a))))))))))))))))']) {
      expect(p.length).toBeLessThanOrEqual(64);
      expect(RE2JS.compile(p).programSize()).toBeLessThanOrEqual(3 * p.length + 2);
      expect(regexProblem(p)).toBeNull();
    }
    // Counted repetitions still go the long way and are refused by size.
    expect(regexProblem('(abcdefghij){40}')).toMatch(/^too large: it compiles to \d+ instructions/);
  });
});

describe('__proto__ keys: the walk is skipped only when the text cannot spell one', () => {
  const flag = (envKey: string) =>
    ['key: f', 'name: F', 'description: ""', 'type: boolean', 'defaultValue: false', 'enabled: true', 'rules: []', 'tags: []', 'owner: team', 'environments:', `  ${envKey}: {enabled: false}`].join('\n') + '\n';
  const codes = (t: string) => validateFlagFiles([parseFlagFile('/p/flags/f.yaml', t)]).diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`);

  it('finds the key written plainly, quoted, or through an escape', () => {
    expect(codes(flag('__proto__'))).toContain('INVALID_KEY 11:3');
    expect(codes(flag("'__proto__'"))).toContain('INVALID_KEY 11:3');
    expect(codes(flag('"\\x5f_proto__"'))).toContain('INVALID_KEY 11:3');
    expect(codes(flag('"\\u005f_proto__"'))).toContain('INVALID_KEY 11:3');
  });

  it('a file without it has no such finding', () => {
    expect(codes(flag('staging')).filter((c) => c.startsWith('INVALID_KEY'))).toEqual([]);
    expect(codes(flag('"stag\\x69ng"')).filter((c) => c.startsWith('INVALID_KEY'))).toEqual([]);
  });
});

describe('listing flag files from directory entry types', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flags-list-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('files, folders, links to files and folders inside, in sorted order; links outside, dot-names and other files skipped', async () => {
    const flags = path.join(dir, 'flags');
    mkdirSync(path.join(flags, 'team'), { recursive: true });
    mkdirSync(path.join(flags, '.hidden'));
    mkdirSync(path.join(dir, 'outside'));
    for (const f of ['b.yaml', 'a.yml', 'team/c.yaml', '.hidden/d.yaml', 'notes.txt', 'C.YAML']) writeFileSync(path.join(flags, f), 'key: x\n');
    writeFileSync(path.join(dir, 'outside', 'e.yaml'), 'key: e\n');
    symlinkSync(path.join(flags, 'b.yaml'), path.join(flags, 'link.yaml'));
    symlinkSync(path.join(flags, 'team'), path.join(flags, 'team-link'));
    symlinkSync(path.join(dir, 'outside'), path.join(flags, 'out-link'));
    const files = (await listFlagFiles(flags)).map((f) => path.relative(flags, f));
    expect(files).toEqual(['C.YAML', 'a.yml', 'b.yaml', 'link.yaml', 'team/c.yaml', 'team-link/c.yaml']);
  });
});
