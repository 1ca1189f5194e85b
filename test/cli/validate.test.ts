/**
 * `flags validate` end to end. The corpus under test/fixtures/invalid/ is a
 * flags directory of broken files, each annotated with the findings it must
 * produce (`# expect: CODE line:col`); the real binary runs over it as
 * committed, with CRLF line endings and with a UTF-8 byte order mark, and
 * every annotation must be met exactly, with nothing else reported.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticCode } from '../../src/errors.js';
import { ANSI, flagYaml, projectWith, removeDir, REPO_FLAGS, ROOT, runBin, runMain, tempDir, tempProject } from '../helpers/cli.js';

const CORPUS = path.join(ROOT, 'test/fixtures/invalid');
const EXPECT = /#\s*expect:\s*([A-Z0-9_]+)\s+(\d+):(\d+)\s*$/;

interface JsonDiagnostic {
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  message: string;
  file: string;
  line: number;
  column: number;
  flagKey?: string;
  path?: string;
}

function yamlFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...yamlFiles(full, base));
    else if (/\.ya?ml$/.test(name)) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out;
}

/** `{ "file.yaml": ["CODE line:col", …] }` from the annotations, sorted. */
function annotations(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rel of yamlFiles(CORPUS)) {
    const expected: string[] = [];
    for (const line of readFileSync(path.join(CORPUS, rel), 'utf8').split('\n')) {
      const m = EXPECT.exec(line);
      if (m) expected.push(`${m[1]} ${m[2]}:${m[3]}`);
    }
    out[rel] = expected.sort();
  }
  return out;
}

/** A temp project whose flags/ is the corpus with each file's text transformed. */
function corpusCopy(transform: (text: string) => string): string {
  const dir = tempDir();
  for (const rel of yamlFiles(CORPUS)) {
    const target = path.join(dir, 'flags', rel);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, transform(readFileSync(path.join(CORPUS, rel), 'utf8')));
  }
  return dir;
}

function findingsByFile(diagnostics: JsonDiagnostic[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rel of yamlFiles(CORPUS)) out[rel] = [];
  for (const d of diagnostics) {
    const rel = path.relative('flags', d.file).split(path.sep).join('/');
    (out[rel] ??= []).push(`${d.code} ${d.line}:${d.column}`);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

const crlf = (t: string) => t.replace(/\r?\n/g, '\r\n');
const bom = (t: string) => '\uFEFF' + t;

describe('the annotated corpus of broken files (real binary)', () => {
  const expected = annotations();
  const variants: [string, (t: string) => string][] = [
    ['as committed (LF)', (t) => t],
    ['with CRLF line endings', crlf],
    ['with a UTF-8 byte order mark', bom],
    ['with a byte order mark and CRLF', (t) => bom(crlf(t))],
  ];
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  it('annotates every file, and covers every finding code of SPEC 1.3', () => {
    expect(Object.keys(expected).length).toBeGreaterThan(30);
    const empty = Object.entries(expected).filter(([rel, list]) => list.length === 0 && rel !== 'checkout-test.yaml' && rel !== 'experiments/checkout-test.yaml' && rel !== 'no-variants.yaml');
    expect(empty).toEqual([]);
    const covered = new Set(Object.values(expected).flat().map((e) => e.split(' ')[0]));
    const all: DiagnosticCode[] = [
      'YAML_SYNTAX', 'DUPLICATE_MAPPING_KEY', 'INVALID_FILE_FORM', 'MISSING_FIELD', 'UNKNOWN_FIELD', 'INVALID_TYPE', 'INVALID_VALUE',
      'INVALID_KEY', 'VALUE_TYPE_MISMATCH', 'DUPLICATE_FLAG_KEY', 'DUPLICATE_RULE_ID', 'DUPLICATE_VARIANT_KEY', 'WEIGHTS_NOT_100',
      'INVALID_PERCENTAGE', 'INVALID_OPERATOR_VALUE', 'INVALID_REGEX', 'INVALID_SEMVER', 'EXPERIMENT_FLAG_MISSING',
      'EXPERIMENT_VARIANT_MISMATCH', 'EXPERIMENT_WEIGHT_MISMATCH', 'DUPLICATE_EXPERIMENT_ID', 'FILE_NAME_MISMATCH',
      'ENABLED_WITH_KILL_SWITCH', 'UNREACHABLE_RULE', 'INEFFECTIVE_OVERRIDE', 'EXPERIMENT_STATUS_MISMATCH',
    ];
    expect(all.filter((c) => !covered.has(c))).toEqual([]);
  });

  it.each(variants)('reports exactly the annotated findings, %s', (_name, transform) => {
    const dir = corpusCopy(transform);
    dirs.push(dir);
    const r = runBin(['validate', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { valid: boolean; diagnostics: JsonDiagnostic[] };
    expect(out.valid).toBe(false);
    expect(findingsByFile(out.diagnostics)).toEqual(expected);
  });
});

describe('the repository flags', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempProject(REPO_FLAGS);
  });
  afterAll(() => removeDir(dir));

  it('the four seed flags produce no finding', async () => {
    const r = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ valid: true, diagnostics: [] });
    const text = await runMain(['validate', '--strict'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('✓ 4 flags in 1 file are valid\n');
  });

  it('the repository itself validates with the default directory', async () => {
    const r = await runMain(['validate', '--strict'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ \d+ flags? .*valid\n$/);
  });
});

describe('output formats', () => {
  const files = {
    'checkout.yaml': flagYaml('checkout', 'enabeld: true\n'),
    'z/second.yaml': flagYaml('second').replace('defaultValue: false', 'defaultValue: "no"'),
    // Disabled: an enabled flag with nothing but its default would add a NO_EFFECT warning here.
    'renamed.yaml': flagYaml('not-renamed').replace('enabled: true', 'enabled: false'),
  };
  let dir: string;
  beforeAll(() => {
    dir = projectWith(files);
  });
  afterAll(() => removeDir(dir));

  it('text: one line per finding, grouped by file, then a summary; no colour when piped', async () => {
    const r = await runMain(['validate'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'flags/checkout.yaml:10:1  error  UNKNOWN_FIELD  "enabeld" is not a flag field (did you mean "enabled"?)',
        '',
        'flags/renamed.yaml:1:6  warning  FILE_NAME_MISMATCH  file name "renamed.yaml" does not match the flag key "not-renamed" (expected not-renamed.yaml)',
        '',
        `flags/z/second.yaml:5:15  error  VALUE_TYPE_MISMATCH  defaultValue is string "no", but the flag's type is boolean`,
        '',
        '✖ 2 errors, 1 warning in 3 files',
        '',
      ].join('\n'),
    );
  });

  it('text: colour on a TTY only, and never with NO_COLOR or --no-color', async () => {
    expect((await runMain(['validate'], { cwd: dir, tty: true })).stdout).toMatch(ANSI);
    expect((await runMain(['validate'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runMain(['--no-color', 'validate'], { cwd: dir, tty: true })).stdout).not.toMatch(ANSI);
  });

  it('json: exactly the SPEC 3 shape, files relative to the current directory', async () => {
    const r = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      diagnostics: [
        {
          severity: 'error',
          code: 'UNKNOWN_FIELD',
          message: '"enabeld" is not a flag field (did you mean "enabled"?)',
          file: 'flags/checkout.yaml',
          line: 10,
          column: 1,
          flagKey: 'checkout',
          path: 'enabeld',
        },
        {
          severity: 'warning',
          code: 'FILE_NAME_MISMATCH',
          message: 'file name "renamed.yaml" does not match the flag key "not-renamed" (expected not-renamed.yaml)',
          file: 'flags/renamed.yaml',
          line: 1,
          column: 6,
          flagKey: 'not-renamed',
          path: 'key',
        },
        {
          severity: 'error',
          code: 'VALUE_TYPE_MISMATCH',
          message: `defaultValue is string "no", but the flag's type is boolean`,
          file: 'flags/z/second.yaml',
          line: 5,
          column: 15,
          flagKey: 'second',
          path: 'defaultValue',
        },
      ],
    });
    // Relative to where the command runs, not to the flags directory.
    const inside = await runMain(['validate', '--format', 'json', '--dir', '.'], { cwd: path.join(dir, 'flags') });
    expect(JSON.parse(inside.stdout).diagnostics.map((d: JsonDiagnostic) => d.file)).toEqual(['checkout.yaml', 'renamed.yaml', path.join('z', 'second.yaml')]);
  });

  it('the global --json is --format json', async () => {
    const a = await runMain(['--json', 'validate'], { cwd: dir });
    const b = await runMain(['validate', '--format', 'json'], { cwd: dir });
    expect(a.code).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).valid).toBe(false);
  });

  it('github: workflow commands with file, line, col and the code as title', async () => {
    const r = await runMain(['validate', '--format', 'github'], { cwd: dir, tty: true });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        '::error file=flags/checkout.yaml,line=10,col=1,title=UNKNOWN_FIELD::"enabeld" is not a flag field (did you mean "enabled"?)',
        '::warning file=flags/renamed.yaml,line=1,col=6,title=FILE_NAME_MISMATCH::file name "renamed.yaml" does not match the flag key "not-renamed" (expected not-renamed.yaml)',
        `::error file=flags/z/second.yaml,line=5,col=15,title=VALUE_TYPE_MISMATCH::defaultValue is string "no", but the flag's type is boolean`,
        '✖ 2 errors, 1 warning in 3 files',
        '',
      ].join('\n'),
    );
  });

  it('github: escapes % CR LF in messages, and also : and , in properties', async () => {
    const odd = projectWith({ 'we,ird:name.yaml': flagYaml('weird', '"50%\\r\\noff": 1\n') });
    try {
      const r = await runMain(['validate', '--format', 'github'], { cwd: odd });
      const lines = r.stdout.split('\n');
      expect(lines[0]).toBe(
        '::warning file=flags/we%2Cird%3Aname.yaml,line=1,col=6,title=FILE_NAME_MISMATCH::file name "we,ird:name.yaml" does not match the flag key "weird" (expected weird.yaml)',
      );
      expect(lines[1]).toBe('::error file=flags/we%2Cird%3Aname.yaml,line=10,col=1,title=UNKNOWN_FIELD::"50%25%0D%0Aoff" is not a flag field');
    } finally {
      removeDir(odd);
    }
  });

  it('a bad --format is a usage error (exit 2)', async () => {
    const r = await runMain(['validate', '--format', 'xml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/xml.*text, json, github/);
  });

  it('a missing flags directory is exit 1, naming the path and --dir', async () => {
    const r = await runMain(['validate', '--dir', 'nowhere'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join(dir, 'nowhere'));
    expect(r.stderr).toContain('--dir');
  });
});

describe('--strict and the exit code', () => {
  it('warnings alone pass, and fail with --strict (text, json and github agree)', async () => {
    const dir = projectWith({ 'a.yaml': flagYaml('a', 'killSwitch: true\n') });
    try {
      const plain = await runMain(['validate'], { cwd: dir });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toBe(
        'flags/a.yaml:10:13  warning  ENABLED_WITH_KILL_SWITCH  flag is enabled but its kill switch is on: it always serves defaultValue\n\n✓ 1 flag in 1 file is valid, 1 warning in 1 file\n',
      );
      const strict = await runMain(['validate', '--strict'], { cwd: dir });
      expect(strict.code).toBe(1);
      expect(strict.stdout).toContain('✖ 0 errors, 1 warning in 1 file');
      expect(JSON.parse((await runMain(['validate', '--format', 'json'], { cwd: dir })).stdout).valid).toBe(true);
      const strictJson = await runMain(['validate', '--format', 'json', '--strict'], { cwd: dir });
      expect(strictJson.code).toBe(1);
      expect(JSON.parse(strictJson.stdout).valid).toBe(false);
      expect((await runMain(['validate', '--format', 'github', '--strict'], { cwd: dir })).code).toBe(1);
    } finally {
      removeDir(dir);
    }
  });

  it('an empty flags directory is valid', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'flags'));
    try {
      const r = await runMain(['validate'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('✓ 0 flags in 0 files are valid\n');
    } finally {
      removeDir(dir);
    }
  });

  it('one broken file does not hide the findings of another, nor stop the valid flags from counting', async () => {
    const dir = projectWith({ 'a.yaml': 'key: [\n', 'b.yaml': flagYaml('b', 'owner: twice\n'), 'c.yaml': flagYaml('c').replace('enabled: true', 'enabled: false') });
    try {
      const r = await runMain(['validate', '--format', 'json'], { cwd: dir });
      const codes = JSON.parse(r.stdout).diagnostics.map((d: JsonDiagnostic) => `${d.file} ${d.code}`);
      expect(codes).toEqual(['flags/a.yaml YAML_SYNTAX', 'flags/b.yaml DUPLICATE_MAPPING_KEY']);
    } finally {
      removeDir(dir);
    }
  });

  it('duplicate keys name the other place relative to the current directory, never as an absolute path', async () => {
    const dir = projectWith({ 'dup.yaml': flagYaml('dup'), 'sub/dup.yaml': flagYaml('dup') });
    try {
      const r = await runMain(['validate'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toContain(dir);
      expect(r.stdout).toContain(`flags/dup.yaml:1:6  error  DUPLICATE_FLAG_KEY  flag key "dup" is also defined at ${path.join('flags', 'sub', 'dup.yaml')}:1:6`);
      expect(r.stdout).toContain(`${path.join('flags', 'sub', 'dup.yaml')}:1:6  error  DUPLICATE_FLAG_KEY  flag key "dup" is also defined at flags/dup.yaml:1:6`);
    } finally {
      removeDir(dir);
    }
  });
});

describe('experiments are validated too', () => {
  it('a valid experiment next to its flag: no finding, counted in the summary', async () => {
    const dir = tempDir();
    try {
      mkdirSync(path.join(dir, 'flags/experiments'), { recursive: true });
      cpSync(path.join(CORPUS, 'checkout-test.yaml'), path.join(dir, 'flags/checkout-test.yaml'));
      cpSync(path.join(CORPUS, 'experiments/checkout-test.yaml'), path.join(dir, 'flags/experiments/checkout-test.yaml'));
      writeFileSync(path.join(dir, 'flags/experiments/events.jsonl'), 'not yaml\n');
      const r = await runMain(['validate', '--strict'], { cwd: dir });
      expect(r.stdout).toBe('✓ 1 flag and 1 experiment in 2 files are valid\n');
      expect(r.code).toBe(0);
    } finally {
      removeDir(dir);
    }
  });
});
